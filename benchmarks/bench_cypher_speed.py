"""Benchmark the 15 library queries: this checkout against a frozen earlier commit (the token bridge).

Each side runs in its own process with its own code first on the path: the baseline is
``git archive REF graphkit`` unpacked in a temporary folder (default ``a7b675a^1``, main
just before the syntax tree replaced the token-stream bridge), the current side this
checkout. Both run ``graphkit.query(name, dataset)`` on a warm cache (one untimed run per
query first), ``--repeat`` times per query, alternating the two sides ``--rounds`` times;
the median per query is reported, with the ratio current / baseline (below 1: faster now)
and whether both sides gave the same rows.

Usage::

    python -m benchmarks.bench_cypher_speed                     # data/cyber-multilateral
    python -m benchmarks.bench_cypher_speed --repeat 5 --rounds 2 --baseline a7b675a^1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, sys, time, pathlib
import graphkit as gk
dataset, repeat, root = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
names = sorted(p.stem for p in (root / "queries").glob("*.cypher"))
out = {}
for n in names:
    r = gk.query(n, dataset)  # warm: the cache and the first run's imports
    rows = r.rows if hasattr(r, "rows") else r.itertuples(index=False)  # older versions: a DataFrame
    seconds = []
    for _ in range(repeat):
        t = time.perf_counter()
        gk.query(n, dataset)
        seconds.append(time.perf_counter() - t)
    out[n] = {"seconds": seconds, "rows": repr([[str(x) for x in row] for row in rows])}
print(json.dumps(out))
"""


def _side(code_root: Path, dataset: Path, repeat: int) -> dict[str, dict]:
    env = dict(os.environ, PYTHONPATH=str(code_root))
    res = subprocess.run(
        [sys.executable, "-c", _CHILD, str(dataset), str(repeat), str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        cwd=code_root,  # `-c` puts the cwd first on the path
    )
    if res.returncode:
        raise SystemExit(f"{code_root}: {res.stderr.strip().splitlines()[-1]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _frozen(ref: str, into: Path) -> Path:
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "graphkit", "queries"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", default=str(ROOT / "data" / "cyber-multilateral"))
    ap.add_argument("--baseline", default="a7b675a^1", help="git revision of the baseline (token bridge)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per query per round")
    ap.add_argument("--rounds", type=int, default=2, help="baseline/current alternations")
    args = ap.parse_args(argv)
    times: dict[str, dict[str, list[float]]] = {"baseline": {}, "current": {}}
    rows: dict[str, dict[str, str]] = {"baseline": {}, "current": {}}
    with tempfile.TemporaryDirectory() as tmp:
        base = _frozen(args.baseline, Path(tmp))
        for r in range(args.rounds):
            for side, code in (("baseline", base), ("current", ROOT)):
                got = _side(code, Path(args.dataset), args.repeat)
                for n, v in got.items():
                    times[side].setdefault(n, []).extend(v["seconds"])
                    rows[side][n] = v["rows"]
                print(f"round {r + 1}: {side} done", file=sys.stderr)
    print(
        f"\n{Path(args.dataset).name}; median of {args.repeat * args.rounds} warm runs per query; "
        f"baseline = {args.baseline} (token bridge)\n"
    )
    print("| query | baseline s | current s | current / baseline | same rows |")
    print("|---|---:|---:|---:|---|")
    tb = tc = 0.0
    for n in sorted(times["current"]):
        b = statistics.median(times["baseline"].get(n, [float("nan")]))
        c = statistics.median(times["current"][n])
        tb, tc = tb + b, tc + c
        same = "yes" if rows["baseline"].get(n) == rows["current"][n] else "no"
        print(f"| {n} | {b:.3f} | {c:.3f} | {c / b:.2f} | {same} |")
    print(f"| **total** | {tb:.3f} | {tc:.3f} | {tc / tb:.2f} | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
