"""What if: a 10-scenario file on the bundled data against one ``analyze``, measured in the same run.

Two ratios, each over ``--repeat`` alternating runs (medians):

- *library*: ``graphkit.whatif(G, FILE)`` (the baseline analysis once, then the ten
  scenarios: changes applied to copies, each analysed, compared, partners recommended for
  the actors each touches) against ``graphkit.analyze(G)``, on the graph loaded once;
- *command*: ``graphkit whatif DATASET --scenarios FILE -o OUT -q`` against
  ``graphkit analyze DATASET -o OUT -q``, whole processes (start, load, write);
- *cpu*: the library calls again with ``jobs=1`` on both sides, timed in CPU seconds of
  this process (``time.process_time``): the work ratio, which a machine shared with other
  jobs does not blur as it blurs wall time.

The bar (issue 28): a 10-scenario file in under 5 times one analyze. Usage::

    python -m benchmarks.bench_whatif                 # about a minute on 2 cores
    python -m benchmarks.bench_whatif --repeat 5 --no-recommend
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "cyber-multilateral"
SCENARIOS = Path(__file__).resolve().parent / "scenarios-10.csv"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-recommend", action="store_true", help="whatif without partner recommendations")
    p.add_argument("--no-commands", action="store_true", help="skip the whole-process ratio")
    args = p.parse_args(argv)

    import graphkit as gk
    from graphkit.analysis.scenario_files import load_scenarios

    scenarios = load_scenarios(SCENARIOS)
    G = gk.load(DATA)
    gk.analyze(G)  # warm: imports, igraph, caches
    lib_a, lib_w = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        gk.analyze(G)
        lib_a.append(time.perf_counter() - t)
        t = time.perf_counter()
        gk.whatif(G, scenarios, recommend=not args.no_recommend)
        lib_w.append(time.perf_counter() - t)
    a, w = statistics.median(lib_a), statistics.median(lib_w)
    print(f"library: {len(scenarios)} scenarios {w:.2f} s, one analyze {a:.2f} s: ratio {w / a:.2f} "
          f"(per scenario {(w - a) / len(scenarios):.2f} s)")  # fmt: skip
    cpu_a, cpu_w = [], []
    for _ in range(args.repeat):
        t = time.process_time()
        gk.analyze(G, jobs=1)
        cpu_a.append(time.process_time() - t)
        t = time.process_time()
        gk.whatif(G, scenarios, recommend=not args.no_recommend, jobs=1)
        cpu_w.append(time.process_time() - t)
    a, w = statistics.median(cpu_a), statistics.median(cpu_w)
    print(f"cpu (jobs=1): {len(scenarios)} scenarios {w:.2f} s, one analyze {a:.2f} s: ratio {w / a:.2f}")
    if args.no_commands:
        return 0
    cmd_a, cmd_w = [], []
    with tempfile.TemporaryDirectory() as tmp:
        base = [sys.executable, "-m", "graphkit"]
        extra = ["--no-recommend"] if args.no_recommend else []
        for i in range(args.repeat):
            t = time.perf_counter()
            subprocess.run([*base, "analyze", str(DATA), "-o", f"{tmp}/a{i}", "-q"], check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
            cmd_a.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run([*base, "whatif", str(DATA), "--scenarios", str(SCENARIOS), "-o", f"{tmp}/w{i}", "-q",
                            *extra], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
            cmd_w.append(time.perf_counter() - t)
    a, w = statistics.median(cmd_a), statistics.median(cmd_w)
    print(f"command: graphkit whatif (10 scenarios) {w:.2f} s, graphkit analyze {a:.2f} s: ratio {w / a:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
