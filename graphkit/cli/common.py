"""Options shared by several commands, defined once."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from graphkit.progress import Progress

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["add_command", "add_source", "add_merge_duplicates", "add_neo4j_options", "add_quiet", "load_source", "progress"]


def add_command(sub: Any, name: str, help: str, example: str, func: Any) -> argparse.ArgumentParser:
    """A subcommand whose help ends with an example."""
    p = sub.add_parser(
        name,
        help=help,
        description=help,
        epilog=f"Example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(func=func)
    return p


def add_neo4j_options(p: argparse.ArgumentParser) -> None:
    """``--neo4j-uri`` and credentials, each with its GRAPHKIT_NEO4J_* environment variable."""
    g = p.add_argument_group("Neo4j")
    g.add_argument("--neo4j-uri", default=os.environ.get("GRAPHKIT_NEO4J_URI"),
                   help="bolt:// or neo4j:// URI (env GRAPHKIT_NEO4J_URI)")
    g.add_argument("--neo4j-user", default=os.environ.get("GRAPHKIT_NEO4J_USER", "neo4j"),
                   help="user name (env GRAPHKIT_NEO4J_USER; default neo4j)")
    g.add_argument("--neo4j-password", default=os.environ.get("GRAPHKIT_NEO4J_PASSWORD"),
                   help="password (env GRAPHKIT_NEO4J_PASSWORD; never printed)")
    g.add_argument("--neo4j-database", default=os.environ.get("GRAPHKIT_NEO4J_DATABASE"),
                   help="database name (env GRAPHKIT_NEO4J_DATABASE; default: the server's)")


def add_source(p: argparse.ArgumentParser, *, neo4j: bool = True) -> None:
    """DATASET (a folder, .xlsx, .json, .graphml or .gexf), or a Neo4j server to read from."""
    p.add_argument("dataset", metavar="DATASET", nargs="?" if neo4j else None,
                   help="dataset folder, .xlsx, .json, .graphml or .gexf")
    add_merge_duplicates(p)
    if neo4j:
        add_neo4j_options(p)


def add_merge_duplicates(p: argparse.ArgumentParser) -> None:
    p.add_argument("--merge-duplicates", action="store_true",
                   help="keep one of each exact duplicate relationship (same source, type, target and "
                        "values) instead of refusing the dataset; says how many were merged")


def add_quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def progress(args: argparse.Namespace) -> Progress:
    return Progress(quiet=getattr(args, "quiet", False))


def load_source(args: argparse.Namespace) -> nx.MultiDiGraph:
    """The graph named by DATASET, or read from Neo4j when ``--neo4j-uri`` is given."""
    from graphkit.errors import GraphkitError

    if getattr(args, "dataset", None):
        from graphkit.loaders import load

        merge = getattr(args, "merge_duplicates", False)
        G = load(args.dataset, progress=progress(args), duplicates="merge" if merge else "error")
        if G.graph.get("merged_duplicates"):
            progress(args).say(f"merged {G.graph['merged_duplicates']:,} exact duplicate relationship(s) "
                               f"in {args.dataset} (--merge-duplicates)")
        return G
    if getattr(args, "neo4j_uri", None):
        from graphkit.stores.neo4j import read_graph

        return read_graph(
            args.neo4j_uri,
            user=args.neo4j_user,
            password=args.neo4j_password,
            database=args.neo4j_database,
        )
    raise GraphkitError("give a DATASET or --neo4j-uri (or set GRAPHKIT_NEO4J_URI)")
