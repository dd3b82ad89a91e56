"""Benchmark ``graphkit.analysis.analyze`` against the same algorithms called directly on igraph.

Each (size, step) runs in a fresh subprocess so that peak memory (``ru_maxrss``) belongs
to that step alone. Per size and step the table reports:

- ``input``: building the synthetic canonical graph (networkx MultiDiGraph) — input
  construction, not analysis;
- ``analyze``: ``graphkit.analysis.analyze(G)`` (actor network, all centrality measures,
  clusters, capability gaps, critical actors);
- ``direct``: the same measures called directly on igraph (betweenness, closeness,
  eigenvector, PageRank, constraint, triangles for effective size, coreness, Louvain),
  on an igraph graph built from G's actor edges (construction timed separately);

and ``ratio`` = analyze / direct algorithms, measured in the same run.

Usage::

    python -m benchmarks.bench_analysis --sizes 1k 10k          # about a minute on 2 cores
    python -m benchmarks.bench_analysis --sizes 100k            # 100k actors / 1M cooperation edges
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time

SIZES = {"1k": (1_000, 5), "10k": (10_000, 5), "100k": (100_000, 10)}
"""actors and cooperation edges per actor: 1k/5k, 10k/50k, 100k/1M cooperation edges."""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", nargs="+", default=["1k", "10k"], choices=list(SIZES))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    p.add_argument("--step", choices=["analyze", "direct"], help=argparse.SUPPRESS)
    p.add_argument("--size", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.step:
        print(json.dumps(_run_step(args.size, args.step, args.seed)))
        return 0
    rows = []
    print("| actors | coop edges | relationships | step | input s | input peak MB | algorithms s | peak MB | ratio |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        res = {}
        for step in ("direct", "analyze"):
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_analysis", "--step", step, "--size", size,
                 "--seed", str(args.seed)],
                capture_output=True, text=True, check=True,
            )
            res[step] = json.loads(out.stdout.strip().splitlines()[-1])
        ratio = res["analyze"]["seconds"] / res["direct"]["seconds"]
        for step in ("direct", "analyze"):
            r = res[step]
            r.update(size=size, step=step, ratio=ratio if step == "analyze" else 1.0)
            rows.append(r)
            print(f"| {r['actors']:,} | {r['coop_edges']:,} | {r['relationships']:,} | {step} | "
                  f"{r['input_seconds']:.1f} | {r['input_peak_mb']:,.0f} | {r['seconds']:.2f} | "
                  f"{r['peak_mb']:,.0f} | {r['ratio']:.2f} |", flush=True)
        print(f"<!-- {size}: analyze steps: {json.dumps(res['analyze']['steps'])} -->", flush=True)
        print(f"<!-- {size}: direct steps: {json.dumps(res['direct']['steps'])} -->", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
    return 0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _run_step(size: str, step: str, seed: int) -> dict:
    from benchmarks.synthetic import synthetic_graph

    n, per = SIZES[size]
    t = time.perf_counter()
    G = synthetic_graph(n, seed=seed, coop_edges_per_actor=per)
    input_s = time.perf_counter() - t
    input_mb = _peak_mb()
    coop = sum(1 for _, _, d in G.edges(data=True) if d["type"] == "COOPERATES_WITH")
    info = {"actors": n, "coop_edges": coop, "relationships": G.number_of_edges(),
            "input_seconds": input_s, "input_peak_mb": input_mb}
    if step == "analyze":
        from graphkit.analysis import EXACT_THRESHOLD, analyze
        from graphkit.progress import Progress

        prog = Progress(quiet=True)
        t = time.perf_counter()
        a = analyze(G, seed=seed, engine="igraph", progress=prog)
        info["seconds"] = time.perf_counter() - t
        info["steps"] = {k: round(v, 3) for k, v in prog.timings.items()}
        info["betweenness"] = a.summary["measures"]["betweenness"]
        info["exact_threshold"] = EXACT_THRESHOLD
    else:
        info.update(_direct(G, seed))
    info["peak_mb"] = _peak_mb()
    return info


def _direct(G, seed: int) -> dict:  # type: ignore[no-untyped-def]
    """The same measures straight on igraph, the way a user without graphkit would call them."""
    import igraph as ig

    from graphkit.analysis import EXACT_THRESHOLD, SAMPLES

    t = time.perf_counter()
    actors = [a for a, d in G.nodes(data=True) if d["label"] == "Actor"]
    index = {a: i for i, a in enumerate(actors)}
    edges = [(index[u], index[v]) for u, v, d in G.edges(data=True)
             if d["type"] in ("MEMBER_OF", "COOPERATES_WITH")]
    g = ig.Graph(n=len(actors), edges=edges)
    g.simplify()
    build = time.perf_counter() - t
    n = g.vcount()
    steps = {}

    def timed(name, f):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        f()
        steps[name] = round(time.perf_counter() - t0, 3)

    if n <= EXACT_THRESHOLD:
        timed("betweenness", lambda: g.betweenness(directed=False))
        timed("closeness", lambda: g.closeness())
    else:
        pivots = random.Random(seed).sample(range(n), SAMPLES)
        timed("betweenness", lambda: g.betweenness(directed=False, sources=pivots, targets=range(n)))
        timed("closeness", lambda: [g.distances(source=pivots[i: i + 16]) for i in range(0, SAMPLES, 16)])
    timed("eigenvector", lambda: g.eigenvector_centrality())
    timed("pagerank", lambda: g.pagerank())
    timed("constraint", lambda: g.constraint())
    timed("triangles", lambda: g.list_triangles())
    timed("core", lambda: g.coreness())
    ig.set_random_number_generator(random.Random(seed))
    timed("louvain", lambda: g.community_multilevel())
    return {"seconds": sum(steps.values()), "steps": steps, "build_seconds": build}


if __name__ == "__main__":
    raise SystemExit(main())
