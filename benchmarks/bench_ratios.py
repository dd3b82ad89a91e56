"""Whole-process ratios against plain-library baselines, measured in the same run.

Two comparisons on a synthetic dataset folder (``benchmarks.synthetic``), each run
``--repeat`` times in alternation, fresh processes, peak memory from ``wait4``:

- ``analyze``: ``graphkit analyze DATASET -o OUT -q`` (load, validation, exact centrality,
  clusters, gaps, every CSV) against a plain **pandas + igraph** script computing the same
  centrality measures and one Louvain run on one core and writing one CSV
  (:data:`BASELINE_ANALYZE`);
- ``load``: ``graphkit.load(DATASET)`` (every check, typed properties) against a plain
  **pandas + networkx** build of the same MultiDiGraph (:data:`BASELINE_LOAD`).

The ratio is graphkit's median time over the baseline's median time; below 1 graphkit is
faster. Usage::

    python -m benchmarks.bench_ratios --sizes 1k 10k            # a few minutes on 2 cores
    python -m benchmarks.bench_ratios --sizes 100k --repeat 1   # the large one
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

SIZES = {"1k": (1_000, 4), "10k": (10_000, 4), "20k": (20_000, 4), "100k": (100_000, 4)}
"""actors and cooperation edges started per actor (10k: about 40,000 ties)."""

BASELINE_ANALYZE = r"""
import sys, pandas as pd, igraph as ig, numpy as np
folder, out = sys.argv[1], sys.argv[2]
actors = pd.read_csv(f"{folder}/actors.csv", usecols=["id"])
rels = pd.read_csv(f"{folder}/relationships.csv", usecols=["source", "type", "target"])
ties = rels[rels["type"].isin(["MEMBER_OF", "COOPERATES_WITH"])]
index = pd.Series(np.arange(len(actors)), index=actors["id"])
g = ig.Graph(n=len(actors), edges=np.column_stack([index[ties["source"]].to_numpy(), index[ties["target"]].to_numpy()]).tolist())
g.simplify()
table = pd.DataFrame({
    "actor_id": actors["id"],
    "degree": g.degree(),
    "betweenness": g.betweenness(directed=False),
    "closeness": g.closeness(),
    "eigenvector": g.eigenvector_centrality(),
    "pagerank": g.pagerank(),
    "constraint": g.constraint(),
    "core": g.coreness(),
    "cluster": g.community_multilevel().membership,
})
table.to_csv(out, index=False)
"""

BASELINE_LOAD = r"""
import sys, pandas as pd, networkx as nx
folder = sys.argv[1]
G = nx.MultiDiGraph()
for label, name in (("Actor", "actors"), ("Capability", "capabilities"), ("Threat", "threats")):
    df = pd.read_csv(f"{folder}/{name}.csv", keep_default_na=False)
    G.add_nodes_from((r["id"], {**{k: v for k, v in r.items() if v != ""}, "label": label})
                     for r in df.to_dict("records"))
rels = pd.read_csv(f"{folder}/relationships.csv", keep_default_na=False)
G.add_edges_from((r["source"], r["target"], {k: v for k, v in r.items() if v != "" and k not in ("source", "target")})
                 for r in rels.to_dict("records"))
print(G.number_of_nodes(), G.number_of_edges())
"""

GRAPHKIT_LOAD = r"""
import sys, graphkit as gk
G = gk.load(sys.argv[1])
print(G.number_of_nodes(), G.number_of_edges())
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", nargs="+", default=["1k", "10k"], choices=list(SIZES))
    p.add_argument("--repeat", type=int, default=2, help="runs of each command, alternating (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=None, help="graphkit analyze --jobs (default: all cores)")
    args = p.parse_args(argv)
    print("| actors | ties | comparison | graphkit s | baseline s | ratio | graphkit peak MB | baseline peak MB |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="gk-bench-") as tmp:
        for size in args.sizes:
            folder = Path(tmp) / size
            ties = _write_dataset(folder, size, args.seed)
            analyze = [sys.executable, "-m", "graphkit", "analyze", str(folder), "-o", str(Path(tmp) / "out"), "-q"]
            if args.jobs is not None:
                analyze += ["--jobs", str(args.jobs)]
            pairs = {
                "analyze vs pandas+igraph": (
                    analyze,
                    [sys.executable, "-c", BASELINE_ANALYZE, str(folder), str(Path(tmp) / "base.csv")],
                ),
                "load vs pandas+networkx": (
                    [sys.executable, "-c", GRAPHKIT_LOAD, str(folder)],
                    [sys.executable, "-c", BASELINE_LOAD, str(folder)],
                ),
            }
            for name, (mine, base) in pairs.items():
                runs: dict[str, list[tuple[float, float]]] = {"mine": [], "base": []}
                for _ in range(args.repeat):
                    runs["base"].append(_timed(base))
                    runs["mine"].append(_timed(mine))
                m = statistics.median(t for t, _ in runs["mine"])
                b = statistics.median(t for t, _ in runs["base"])
                print(
                    f"| {SIZES[size][0]:,} | {ties:,} | {name} | {m:.2f} | {b:.2f} | {m / b:.2f} | "
                    f"{max(mb for _, mb in runs['mine']):,.0f} | {max(mb for _, mb in runs['base']):,.0f} |",
                    flush=True,
                )
    return 0


def _write_dataset(folder: Path, size: str, seed: int) -> int:
    import graphkit as gk
    from benchmarks.synthetic import synthetic_graph

    n, per = SIZES[size]
    G = synthetic_graph(n, seed=seed, coop_edges_per_actor=per)
    gk.write_dataset(G, folder)
    return sum(1 for _, _, d in G.edges(data=True) if d["type"] in ("MEMBER_OF", "COOPERATES_WITH"))


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed ({proc.returncode}): {err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
