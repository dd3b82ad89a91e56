"""Commands on datasets: validate, info, convert."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from graphkit.cli.common import add_as_of, add_command, add_quiet, add_source, load_source
from graphkit.cli.output_rules import DATASET_OUTPUT_RULE
from graphkit.errors import DatasetError
from graphkit.loaders.formats import describe

__all__ = ["register"]


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "validate",
        "Check a dataset against the schema and print every problem.",
        "graphkit validate data/sample",
        _validate,
    )
    add_source(p, neo4j=False)
    add_quiet(p)
    p = add_command(
        sub,
        "info",
        "Count nodes by label, relationships by type and actors by kind.",
        "graphkit info data/sample --json",
        _info,
    )
    add_source(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_as_of(p, default="today")
    add_quiet(p)
    p = add_command(
        sub,
        "convert",
        "Write a dataset in another format (chosen by OUT's extension).",
        "graphkit convert data/sample sample.graphml   # OUT: " + describe(writing=True),
        _convert,
    )
    add_source(p, neo4j=False)
    p.add_argument("out", metavar="OUT", help=f"output path: {describe(writing=True)}; {DATASET_OUTPUT_RULE}")
    add_quiet(p)


def _validate(args: argparse.Namespace) -> int:
    try:
        G = load_source(args)
    except DatasetError as exc:
        print(f"{args.dataset}: invalid", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        if exc.truncated:
            print(f"  ... and {exc.more}", file=sys.stderr)
        return 1
    n, m = G.number_of_nodes(), G.number_of_edges()
    print(f"{args.dataset}: valid ({n} nodes, {m} relationships)")
    return 0


def _info(args: argparse.Namespace) -> int:
    from graphkit.graph import as_of, ended_relationships, summary

    whole = load_source(args, whole=True)
    G = as_of(whole, args.as_of)
    s: dict[str, Any] = summary(G)
    time = {
        "as_of": G.graph.get("as_of", "all"),
        "relationships": whole.number_of_edges(),
        "in_force": G.number_of_edges(),
        "ended": ended_relationships(whole),
    }
    if args.json:
        print(json.dumps({**s, "time": time}, indent=2))
        return 0
    for section, counts in s.items():
        print(f"{section.replace('_', ' ')}:")
        width = max(len(k) for k in counts)
        for k, v in counts.items():
            print(f"  {k:<{width}}  {v:>7,}")
    if time["as_of"] != "all":
        print(
            f"as of {time['as_of']}: {time['in_force']:,} of {time['relationships']:,} relationships in force"
        )
    print(
        f"ended relationships (until on or before today): {time['ended']:,}"
        + ("" if time["as_of"] != "all" else "; counted above (--as-of today leaves them out)")
    )
    return 0


def _convert(args: argparse.Namespace) -> int:
    from graphkit.export.tables import write

    G = load_source(args)
    path = write(G, args.out)
    print(f"wrote {path} ({G.number_of_nodes()} nodes, {G.number_of_edges()} relationships)")
    return 0
