"""Whole-process ratios against plain-library baselines, measured in the same run.

Two comparisons on synthetic dataset folders (``benchmarks.synthetic``), each run
``--repeat`` times in alternation, fresh processes, peak memory from ``wait4``:

- ``analyze``: ``graphkit analyze DATASET -o OUT -q`` (load, validation, exact centrality,
  clusters, gaps, every CSV) against a plain **pandas + igraph** script computing the
  centrality measures and one Louvain run on the simple network of memberships and
  cooperation, on one core, writing one CSV (:data:`BASELINE_ANALYZE`). Above the exact
  threshold (20,000 actors) both estimate betweenness and closeness from the same 256
  sampled sources;
- ``analyze`` against the **same model in igraph** (``alliances`` shape only): a pandas +
  igraph script that builds graphkit's two-mode projection explicitly and computes the
  same measures on it (weighted shortest paths, strength measures, five Louvain runs;
  :data:`BASELINE_TWO_MODE`): the fair baseline for the work graphkit does. It is slow
  (10,000 actors: igraph's exact weighted betweenness on 1.7 million projected ties, about
  8 minutes per run on a shared 2-core machine) and needs the projection's memory at 100k
  (``--no-same-model`` skips it);
- ``load``: ``graphkit.load(DATASET)`` (every check, typed properties) against a plain
  **pandas + networkx** build of the same MultiDiGraph (:data:`BASELINE_LOAD`).

Two shapes of network (``--shapes``):

- ``alliances``: the synthetic default, organisations of about 200 members each. graphkit
  reads memberships as two-mode data (every pair of co-members tied, weighted by
  organisation size; DESIGN.md), so its betweenness and closeness are weighted shortest
  paths over the co-membership ties, where the baseline counts hops over membership
  ties: more work than the baseline's, not the same measures;
- ``cooperation``: the same actors and cooperation, without memberships. Both compute the
  same measures on the same network.

The ratio is graphkit's median time over the baseline's median time; below 1 graphkit is
faster. With ``--silence`` the longest wait between two progress lines of a
non-quiet ``graphkit analyze`` is measured too. Usage::

    python -m benchmarks.bench_ratios --sizes 1k 10k            # about ten minutes on 2 cores
    python -m benchmarks.bench_ratios --sizes 20k --repeat 1 --silence
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
"""actors and cooperation edges started per actor (10k: about 40,000 cooperation ties)."""

SHAPES = ("alliances", "cooperation")

BASELINE_ANALYZE = r"""
import sys, random, pandas as pd, igraph as ig, numpy as np
folder, out, threshold = sys.argv[1], sys.argv[2], int(sys.argv[3])
actors = pd.read_csv(f"{folder}/actors.csv", usecols=["id"])
rels = pd.read_csv(f"{folder}/relationships.csv", usecols=["source", "type", "target"])
ties = rels[rels["type"].isin(["MEMBER_OF", "COOPERATES_WITH"])]
index = pd.Series(np.arange(len(actors)), index=actors["id"])
g = ig.Graph(n=len(actors), edges=np.column_stack([index[ties["source"]].to_numpy(), index[ties["target"]].to_numpy()]).tolist())
g.simplify()
n = g.vcount()
if n <= threshold:
    betweenness, closeness = g.betweenness(directed=False), g.closeness()
else:  # the same 256 sources as graphkit's estimate (random.Random(0).sample)
    pivots = random.Random(0).sample(range(n), 256)
    betweenness = g.betweenness(directed=False, sources=pivots, targets=range(n))
    d = np.array(g.distances(source=pivots))
    closeness = 1 / np.where(np.isfinite(d), d, 0).mean(axis=0)
table = pd.DataFrame({
    "actor_id": actors["id"],
    "degree": g.degree(),
    "betweenness": betweenness,
    "closeness": closeness,
    "eigenvector": g.eigenvector_centrality(),
    "pagerank": g.pagerank(),
    "constraint": g.constraint(),
    "core": g.coreness(),
    "cluster": g.community_multilevel().membership,
})
table.to_csv(out, index=False)
"""

BASELINE_TWO_MODE = r"""
import sys, random, pandas as pd, igraph as ig, numpy as np
folder, out, threshold = sys.argv[1], sys.argv[2], int(sys.argv[3])
actors = pd.read_csv(f"{folder}/actors.csv")
rels = pd.read_csv(f"{folder}/relationships.csv", usecols=["source", "type", "target"])
n = len(actors)
index = pd.Series(np.arange(n), index=actors["id"])
tie_weight = actors["tie_weight"].fillna(1.0).to_numpy(float) if "tie_weight" in actors else np.ones(n)
coop = rels[rels["type"] == "COOPERATES_WITH"]
cu, cv = index[coop["source"]].to_numpy(), index[coop["target"]].to_numpy()
mem = rels[rels["type"] == "MEMBER_OF"]
pairs = np.unique(index[mem["target"]].to_numpy() * n + index[mem["source"]].to_numpy())
org, member = pairs // n, pairs % n
us, vs, ws = [cu], [cv], [np.ones(cu.size)]  # the direct ties: cooperation, and memberships
du, dv, dw = [cu], [cv], [np.ones(cu.size)]
for o in np.unique(org):  # the two-mode model: co-members tied with t / (k - 1), the organisation too
    group = member[org == o]
    k = group.size
    share = tie_weight[o] / (k - 1) if k > 1 else tie_weight[o]
    for lists in ((us, vs, ws), (du, dv, dw)):
        lists[0].append(group); lists[1].append(np.full(k, o)); lists[2].append(np.full(k, share))
    i, j = np.triu_indices(k, 1)
    us.append(group[i]); vs.append(group[j]); ws.append(np.full(i.size, share))
def simple(u, v, w):
    u, v, w = np.concatenate(u), np.concatenate(v), np.concatenate(w)
    key = np.minimum(u, v) * n + np.maximum(u, v)
    keys, inverse = np.unique(key, return_inverse=True)
    g = ig.Graph(n=n, edges=np.column_stack([keys // n, keys % n]).tolist())
    g.es["weight"] = np.bincount(inverse, w).tolist()
    return g
g, direct = simple(us, vs, ws), simple(du, dv, dw)
distance = (1 / np.asarray(g.es["weight"])).tolist()
if n <= threshold:
    betweenness, closeness = g.betweenness(directed=False, weights=distance), g.closeness(weights=distance)
else:  # the same 256 sources as graphkit's estimate (random.Random(0).sample)
    pivots = random.Random(0).sample(range(n), 256)
    betweenness = g.betweenness(directed=False, sources=pivots, targets=range(n), weights=distance)
    d = np.array(g.distances(source=pivots, weights=distance))
    closeness = 1 / np.where(np.isfinite(d), d, 0).mean(axis=0)
best = max((g.community_multilevel(weights="weight") for _ in range(5)), key=lambda c: c.modularity)
table = pd.DataFrame({
    "actor_id": actors["id"],
    "degree": direct.degree(),
    "weighted_degree": g.strength(weights="weight"),
    "betweenness": betweenness,
    "closeness": closeness,
    "eigenvector": g.eigenvector_centrality(weights="weight"),
    "pagerank": g.pagerank(weights="weight"),
    "constraint": direct.constraint(weights="weight"),
    "core": direct.coreness(),
    "cluster": best.membership,
})
table.to_csv(out, index=False)
"""
"""The same two-mode model as graphkit's (co-member projection, weighted shortest paths, five
Louvain runs) computed with pandas + igraph on the explicit projection, on one core."""

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
    p.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    p.add_argument("--repeat", type=int, default=2, help="runs of each command, alternating (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=None, help="graphkit analyze --jobs (default: all cores)")
    p.add_argument("--silence", action="store_true", help="also measure the longest wait between progress lines")
    p.add_argument("--only", choices=("analyze", "load"), default=None, help="one comparison only")
    p.add_argument("--no-same-model", action="store_true", help="skip the same-model igraph baseline (slow at 100k)")
    args = p.parse_args(argv)
    print(
        "| actors | shape | ties | comparison | graphkit s | baseline s | ratio | graphkit peak MB "
        "| baseline peak MB | longest silence s |"
    )
    print("|---:|---|---:|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="gk-bench-") as tmp:
        for size in args.sizes:
            for shape in args.shapes:
                folder = Path(tmp) / f"{size}-{shape}"
                ties = _write_dataset(folder, size, shape, args.seed)
                out = str(Path(tmp) / "out")
                analyze = [sys.executable, "-m", "graphkit", "analyze", str(folder), "-o", out, "-q"]
                if args.jobs is not None:
                    analyze += ["--jobs", str(args.jobs)]
                pairs = {
                    "analyze vs pandas+igraph": (
                        analyze,
                        [sys.executable, "-c", BASELINE_ANALYZE, str(folder), str(Path(tmp) / "base.csv"), "20000"],
                    ),
                    "analyze vs same-model igraph": (
                        analyze,
                        [sys.executable, "-c", BASELINE_TWO_MODE, str(folder), str(Path(tmp) / "same.csv"), "20000"],
                    ),
                    "load vs pandas+networkx": (
                        [sys.executable, "-c", GRAPHKIT_LOAD, str(folder)],
                        [sys.executable, "-c", BASELINE_LOAD, str(folder)],
                    ),
                }
                for name, (mine, base) in pairs.items():
                    if args.only and not name.startswith(args.only):
                        continue
                    if "same-model" in name and (shape != "alliances" or args.no_same_model):
                        continue  # without memberships the same model is the direct script's
                    runs: dict[str, list[tuple[float, float]]] = {"mine": [], "base": []}
                    for _ in range(args.repeat):
                        runs["base"].append(_timed(base))
                        runs["mine"].append(_timed(mine))
                    m = statistics.median(t for t, _ in runs["mine"])
                    b = statistics.median(t for t, _ in runs["base"])
                    quiet = ""
                    if args.silence and name.startswith("analyze"):
                        quiet = f"{_longest_silence([c for c in analyze if c != '-q']):.1f}"
                    print(
                        f"| {SIZES[size][0]:,} | {shape} | {ties:,} | {name} | {m:.2f} | {b:.2f} | {m / b:.2f} | "
                        f"{max(mb for _, mb in runs['mine']):,.0f} | {max(mb for _, mb in runs['base']):,.0f} "
                        f"| {quiet} |",
                        flush=True,
                    )
    return 0


def _write_dataset(folder: Path, size: str, shape: str, seed: int) -> int:
    import graphkit as gk
    from benchmarks.synthetic import synthetic_graph

    n, per = SIZES[size]
    G = synthetic_graph(n, seed=seed, coop_edges_per_actor=per)
    if shape == "cooperation":
        G.remove_edges_from([(u, v, k) for u, v, k, t in G.edges(keys=True, data="type") if t == "MEMBER_OF"])
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


def _longest_silence(cmd: list[str]) -> float:
    """The longest wait, in seconds, between two lines the command writes to stderr (its
    progress), from its start to its end."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last = time.perf_counter()
    longest = 0.0
    assert proc.stderr is not None
    for _ in proc.stderr:
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    proc.wait()
    return max(longest, time.perf_counter() - last)


if __name__ == "__main__":
    raise SystemExit(main())
