"""Benchmark the engine guard: the library queries in-process against the default isolation and against all isolated.

Every library query (``queries/*.cypher``, with its header's defaults) runs on
``data/cyber-multilateral`` through :func:`graphkit.cypher.run_query` under three
``GRAPHKIT_QUERY_ISOLATE`` modes, in alternation, ``--repeat`` times, on a warm cache:

- ``off``: every query in-process (the baseline);
- ``risky``: the default: queries the syntax tree marks risky run in a child forked from
  the persistent worker (:mod:`graphkit.cypher.worker`), the others in-process;
- ``all``: every query in a forked child.

The worker is started once before timing (its start-up is printed apart: one interpreter
with graphkit and the engine imported, paid once per process at the first risky query).
Printed: per query the median seconds per mode and the ratios ``risky/off`` and ``all/off``;
then the median over queries of those per-query medians and ratios. Usage::

    python -m benchmarks.bench_isolation --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODES = ("off", "risky", "all")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dataset", default=str(ROOT / "data" / "cyber-multilateral"))
    args = ap.parse_args(argv)

    from graphkit.cypher.isolation import should_isolate
    from graphkit.cypher.queryfile import library
    from graphkit.cypher.run import run_query

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GRAPHKIT_CACHE_DIR"] = tmp
        queries = library()
        os.environ["GRAPHKIT_QUERY_ISOLATE"] = "off"
        for q in queries:  # warm the cache (in-process: the worker is not started yet)
            run_query(q, args.dataset)
        os.environ["GRAPHKIT_QUERY_ISOLATE"] = "all"
        t0 = time.perf_counter()
        run_query(queries[0], args.dataset)
        print(
            f"first isolated query, with the worker's start-up (once per process): {time.perf_counter() - t0:.3f} s"
        )
        times: dict[str, dict[str, list[float]]] = {q.name: {m: [] for m in MODES} for q in queries}
        for _ in range(args.repeat):
            for q in queries:
                for mode in MODES:
                    os.environ["GRAPHKIT_QUERY_ISOLATE"] = mode
                    t = time.perf_counter()
                    run_query(q, args.dataset)
                    times[q.name][mode].append(time.perf_counter() - t)
        os.environ.pop("GRAPHKIT_QUERY_ISOLATE", None)
    med = {n: {m: statistics.median(v) for m, v in by.items()} for n, by in times.items()}
    print(
        f"{'query':<36} {'risky?':>6} {'off s':>8} {'risky s':>8} {'all s':>8} {'risky/off':>9} {'all/off':>8}"
    )
    for q in queries:
        m = med[q.name]
        print(
            f"{q.name:<36} {'yes' if should_isolate(q.text, 'risky') else 'no':>6} {m['off']:8.3f} "
            f"{m['risky']:8.3f} {m['all']:8.3f} {m['risky'] / m['off']:9.2f} {m['all'] / m['off']:8.2f}"
        )
    overall = {mode: statistics.median(m[mode] for m in med.values()) for mode in MODES}
    print(
        f"{'median of the ' + str(len(queries)) + ' queries':<43} {overall['off']:8.3f} {overall['risky']:8.3f} "
        f"{overall['all']:8.3f} {overall['risky'] / overall['off']:9.2f} {overall['all'] / overall['off']:8.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
