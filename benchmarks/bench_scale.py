"""Two-mode networks at scale: graphkit analyze against the direct-network script on one dataset folder.

Writes (or reuses) a synthetic dataset of the shape asked for, then runs, alternating,
``graphkit analyze FOLDER -o OUT -q`` and the pandas + igraph script of
:mod:`benchmarks.bench_ratios` (:data:`~benchmarks.bench_ratios.BASELINE_ANALYZE`), ``--repeat``
times each: wall seconds and peak resident memory (``wait4``) of every run, the median
ratio, and with ``--silence`` one more graphkit run with its progress lines timed (the
longest wait between two of them, and the step it preceded). ``--same-model SECONDS``
also runs, once, the same two-mode model computed with igraph on the explicit projection
(:data:`~benchmarks.bench_ratios.BASELINE_TWO_MODE`), stopped unfinished after that many
seconds. The load average is printed before and after (the machine may be shared). Usage::

    python -m benchmarks.bench_scale --actors 10000 --alliances 40 --seed 7 --repeat 3
    python -m benchmarks.bench_scale --actors 100000 --repeat 1 --silence   # 500 organisations of ~260
    python -m benchmarks.bench_scale --actors 1000 --repeat 3 --same-model 600
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_ratios import BASELINE_ANALYZE, BASELINE_TWO_MODE, _timed

__all__ = ["main", "timed_lines", "timed_within"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--actors", type=int, default=10_000)
    p.add_argument("--alliances", type=int, default=None, help="organisations (default: actors // 200)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument(
        "--folder", default=None, help="dataset folder to write or reuse (default: a temporary one)"
    )
    p.add_argument("--silence", action="store_true", help="also time graphkit's progress lines")
    p.add_argument(
        "--same-model", type=float, default=None, metavar="SECONDS",
        help="also run the same-model igraph baseline once, stopped after SECONDS",
    )  # fmt: skip
    args = p.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory(prefix="gk-scale-") as tmp:
        folder = Path(args.folder or Path(tmp) / "data")
        if not (folder / "actors.csv").exists():
            import graphkit as gk
            from benchmarks.synthetic import synthetic_graph

            G = synthetic_graph(args.actors, seed=args.seed, coop_edges_per_actor=4, alliances=args.alliances)
            gk.write_dataset(G, folder)
        mine = [sys.executable, "-m", "graphkit", "analyze", str(folder), "-o", str(Path(tmp) / "out"), "-q"]
        base = [sys.executable, "-c", BASELINE_ANALYZE, str(folder), str(Path(tmp) / "base.csv"), "20000"]
        runs: dict[str, list[tuple[float, float]]] = {"mine": [], "base": []}
        for _ in range(args.repeat):
            runs["base"].append(_timed(base))
            runs["mine"].append(_timed(mine))
            print(f"script {runs['base'][-1][0]:.2f} s, graphkit {runs['mine'][-1][0]:.2f} s", flush=True)
        m = statistics.median(t for t, _ in runs["mine"])
        b = statistics.median(t for t, _ in runs["base"])
        print(
            f"graphkit {m:.2f} s, script {b:.2f} s, ratio {m / b:.2f}; peak MB "
            f"{max(x for _, x in runs['mine']):,.0f} / {max(x for _, x in runs['base']):,.0f}"
        )
        if args.silence:
            wall, peak, longest, before = timed_lines([c for c in mine if c != "-q"])
            print(
                f"with progress: {wall:.1f} s, peak {peak:,.0f} MB, longest silence {longest:.1f} s (before: {before})"
            )
        if args.same_model is not None:
            same = [sys.executable, "-c", BASELINE_TWO_MODE, str(folder), str(Path(tmp) / "same.csv"), "20000"]
            wall, peak, finished = timed_within(same, args.same_model)
            print(
                f"same-model igraph: {wall:.2f} s, peak {peak:,.0f} MB, ratio {m / wall:.2f}"
                if finished
                else f"same-model igraph: stopped unfinished after {wall:.0f} s (peak {peak:,.0f} MB so far)",
                flush=True,
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def timed_within(cmd: list[str], limit: float) -> tuple[float, float, bool]:
    """Wall seconds, peak MB and whether the command finished within ``limit`` seconds
    (else it is stopped: its own process only)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finished = True
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - t0 > limit:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            finished = False
            break
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    if finished and os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed")
    return wall, usage.ru_maxrss / 1024, finished


def timed_lines(cmd: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, peak MB, the longest wait between two stderr lines and the line that ended it."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last, longest, before = t0, 0.0, ""
    assert proc.stderr is not None
    for line in proc.stderr:
        now = time.perf_counter()
        if now - last > longest:
            longest, before = now - last, line.strip()[:80]
        last = now
    _, status, usage = os.wait4(proc.pid, 0)
    end = time.perf_counter()
    if end - last > longest:
        longest, before = end - last, "(the end)"
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed")
    return end - t0, usage.ru_maxrss / 1024, longest, before


if __name__ == "__main__":
    raise SystemExit(main())
