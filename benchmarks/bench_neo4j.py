"""Loading into a Bolt server: relationship rows/s, batched UNWIND ... MERGE vs one statement per row.

Runs in one process against one server (``--uri``, default ``$GRAPHKIT_TEST_BOLT_URI``;
without either it starts scripts/bolt-test-server/start.sh in a temporary folder):

- ``data/cyber-multilateral`` and a synthetic graph with about 100,000 relationships
  (``benchmarks.synthetic.synthetic_graph(12000, seed=0)``), each written batched (5,000
  rows per statement, after a wipe) and written again (the idempotent re-load);
- one statement per row (its own transaction each), capped at ``--per-row-cap`` relationship
  rows of the synthetic graph and extrapolated to the whole graph (said in the table).

The ratio column is batched rows/s divided by per-row rows/s, measured in the same run.

Usage::

    python -m benchmarks.bench_neo4j                     # about a minute
    python -m benchmarks.bench_neo4j --uri bolt://localhost:7687 --password secret
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import graphkit as gk
from benchmarks.synthetic import synthetic_graph
from graphkit.stores.neo4j import Neo4jStore, _relationship_query, _relationship_rows, redact_uri

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--uri", default=os.environ.get("GRAPHKIT_TEST_BOLT_URI"))
    p.add_argument("--user", default=None)
    p.add_argument("--password", default=None)
    p.add_argument("--actors", type=int, default=12_000, help="synthetic actors (12,000 -> ~100k relationships)")
    p.add_argument("--batch-size", type=int, default=5000)
    p.add_argument("--per-row-cap", type=int, default=1000)
    args = p.parse_args(argv)
    tmp = None
    uri = args.uri
    if not uri:
        tmp = tempfile.mkdtemp(prefix="bolt-bench-")
        out = subprocess.run(["bash", str(ROOT / "scripts/bolt-test-server/start.sh"), tmp, "17799", "16499"],
                             capture_output=True, text=True, env=dict(os.environ, PYTHON=sys.executable))
        if out.returncode:
            print(out.stdout + out.stderr, file=sys.stderr)
            return 1
        uri = out.stdout.strip().splitlines()[-1]
    try:
        rows = run(uri, args)
    finally:
        if tmp:
            subprocess.run(["bash", str(ROOT / "scripts/bolt-test-server/stop.sh"), tmp], check=False)
    print(f"\nserver: {redact_uri(uri)}")
    print("| graph | relationships | mode | seconds | relationship rows/s | ratio to per-row |")
    print("|---|---:|---|---:|---:|---:|")
    per_row = next(r for r in rows if r[2].startswith("one statement per row"))[4]
    for name, rels, mode, secs, rate in rows:
        print(f"| {name} | {rels:,} | {mode} | {secs:.2f} | {rate:,.0f} | {rate / per_row:,.0f}x |")
    return 0


def run(uri: str, args: argparse.Namespace) -> list[tuple]:
    out = []
    graphs = [("cyber-multilateral", gk.load(ROOT / "data" / "cyber-multilateral")),
              (f"synthetic({args.actors:,})", synthetic_graph(args.actors, seed=0))]
    with Neo4jStore(uri, user=args.user, password=args.password) as store:
        print(f"server: {store.server.product} {store.server.version}", file=sys.stderr)
        for name, G in graphs:
            for mode, wipe in (("batched, into an empty server", True), ("batched, again (idempotent MERGE)", False)):
                s = store.write_graph(G, wipe=wipe, batch_size=args.batch_size)
                # seconds = the whole load (constraints, wipe, nodes, relationships); rows/s = relationships / that
                out.append((name, s.relationships, f"{mode}, {args.batch_size:,} rows/statement", s.seconds,
                            s.relationships / s.seconds))
                counts = store.counts()
                assert sum(counts["relationships"].values()) == G.number_of_edges(), counts
        # One statement per row: the first --per-row-cap relationships of the synthetic graph,
        # each in its own transaction, after their end nodes were written batched.
        name, G = graphs[-1]
        store.wipe()
        H = _first_relationships(G, args.per_row_cap)
        nodes_only = gk.new_graph()
        nodes_only.add_nodes_from(H.nodes(data=True))
        store.write_graph(nodes_only)
        server = store.server
        t0 = time.perf_counter()
        done = 0
        for (type_, src, tgt, shape), rel_rows in _relationship_rows(H, server).items():
            query = _relationship_query(type_, src, tgt, shape)
            for row in rel_rows:
                store._write(query, {"rows": [row]}, what="relationship")
                done += 1
        secs = time.perf_counter() - t0
        rate = done / secs
        out.append((name, G.number_of_edges(),
                    f"one statement per row (measured on {done:,} rows, extrapolated: "
                    f"{G.number_of_edges() / rate:,.0f} s for all)", G.number_of_edges() / rate, rate))
    return out


def _first_relationships(G, n):
    H = gk.new_graph()
    edges = list(G.edges(data=True))[:n]
    used = {u for u, _, _ in edges} | {v for _, v, _ in edges}
    H.add_nodes_from((k, G.nodes[k]) for k in G if k in used)
    H.add_edges_from(edges)
    return H


if __name__ == "__main__":
    raise SystemExit(main())
