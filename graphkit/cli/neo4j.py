"""``graphkit load``: write a dataset into Neo4j (or another Bolt/Cypher server)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from graphkit.cli.common import add_command, add_neo4j_options, add_quiet, progress
from graphkit.errors import GraphkitError, StoreError
from graphkit.loaders.formats import describe

__all__ = ["register"]


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "load",
        "Load a dataset into Neo4j: constraints first, then batched, idempotent MERGE of nodes and relationships.",
        "graphkit load data/sample --neo4j-uri bolt://localhost:7687 --neo4j-password secret",
        _load,
    )
    p.add_argument("dataset", metavar="DATASET", help=describe())
    add_neo4j_options(p)
    p.add_argument(
        "--wipe",
        action="store_true",
        help="first delete every node with a graphkit label (Actor, Capability, Threat) "
        "and its relationships; asks for confirmation unless --yes",
    )
    p.add_argument("--yes", action="store_true", help="do not ask before --wipe")
    p.add_argument(
        "--batch-size", type=int, default=5000, metavar="N", help="rows per UNWIND statement (default 5000)"
    )
    add_quiet(p)


def _load(args: argparse.Namespace) -> int:
    from graphkit.loaders import load
    from graphkit.stores.neo4j import Neo4jStore, redact_uri

    if not args.neo4j_uri:
        raise StoreError("give --neo4j-uri (or set GRAPHKIT_NEO4J_URI), e.g. bolt://localhost:7687")
    if args.batch_size < 1:
        raise GraphkitError(f"--batch-size must be at least 1, not {args.batch_size}")
    G = load(args.dataset)
    if args.wipe and not args.yes:
        _confirm_wipe(redact_uri(args.neo4j_uri))
    with Neo4jStore(
        args.neo4j_uri,
        user=args.neo4j_user,
        password=args.neo4j_password,
        database=args.neo4j_database,
    ) as store:
        summary = store.write_graph(G, batch_size=args.batch_size, wipe=args.wipe, progress=progress(args))
        counts = store.counts()
    print(
        f"{args.dataset} -> {summary.server}: {summary.nodes:,} nodes, {summary.relationships:,} relationships "
        f"in {summary.seconds:.2f} s ({summary.relationships_per_second:,.0f} relationship rows/s); "
        f"the server now holds {sum(counts['nodes'].values()):,} graphkit nodes and "
        f"{sum(counts['relationships'].values()):,} relationships"
    )
    return 0


def _confirm_wipe(where: str) -> None:
    labels = "Actor, Capability and Threat"
    if not sys.stdin or not sys.stdin.isatty():
        raise GraphkitError(
            f"--wipe would delete every {labels} node at {where}, and there is no terminal to confirm "
            "on (fix: add --yes to wipe without asking)"
        )
    answer = input(f"Delete every {labels} node (and its relationships) at {where}? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise GraphkitError("not wiped, nothing loaded (answer y to wipe, or leave out --wipe)")
