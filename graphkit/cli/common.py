"""Options shared by several commands, defined once."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from graphkit.progress import Progress

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "MeasureNames",
    "add_command",
    "add_source",
    "add_merge_duplicates",
    "add_neo4j_options",
    "add_analysis_options",
    "analysis_options",
    "run_analysis",
    "add_quiet",
    "load_source",
    "open_store",
    "progress",
]


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


class MeasureNames:
    """The measure names of the registry as argparse ``choices``, read only when an option is checked.

    (The registry lives in :mod:`graphkit.analysis.measures`, whose package loads numpy and
    pandas; the command line starts without them.)
    """

    def _names(self) -> tuple[str, ...]:
        from graphkit.analysis.measures import MEASURES

        return tuple(MEASURES)

    def __contains__(self, value: object) -> bool:
        return value in self._names()

    def __iter__(self) -> Any:
        return iter(self._names())


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


def add_analysis_options(p: argparse.ArgumentParser, *, types_flag: str = "--types") -> None:
    """Every option of ``graphkit analyze`` (also taken by ``report`` and ``viz``), defined once.

    ``types_flag`` renames the actor-network types option where ``--types`` means something
    else (``viz --types`` chooses what to draw).
    """
    from graphkit.defaults import (
        CLUSTER_METHODS,
        DEFAULT_SEED,
        DEFAULT_THRESHOLD,
        DEFAULT_TYPES,
        ENGINES,
        EXACT_THRESHOLD,
        RESTARTS,
        SAMPLES,
    )

    default_types = " ".join(DEFAULT_TYPES)
    g = p.add_argument_group("analysis")
    g.add_argument(types_flag, dest="analysis_types", nargs="+", default=list(DEFAULT_TYPES), metavar="TYPE",
                   help=f"relationship types forming the actor network (default: {default_types})")
    g.add_argument("--weight", metavar="PROPERTY", default=None,
                   help="numeric relationship property read as cooperation strength "
                        "(distance = 1/strength for betweenness and closeness); default: unweighted")
    g.add_argument("--clusters", choices=CLUSTER_METHODS, default="louvain", help="cluster method (default louvain)")
    g.add_argument("--resolution", type=float, default=1.0, help="modularity resolution (default 1)")
    g.add_argument("--restarts", type=int, default=RESTARTS,
                   help=f"seeded Louvain/label-propagation runs; the best modularity is kept (default {RESTARTS})")
    g.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="N",
                   help=f"seed of clusters, sampling and layout (default {DEFAULT_SEED})")
    g.add_argument("--engine", choices=(*ENGINES, "gds"), default="auto",
                   help="auto (igraph when installed), igraph, networkx, or gds (PageRank, betweenness and "
                        "clusters in Neo4j Graph Data Science; needs --neo4j-uri and a server with GDS)")
    g.add_argument("--exact-threshold", type=int, default=EXACT_THRESHOLD, metavar="N",
                   help=f"exact betweenness/closeness up to N actors, sampled above (default {EXACT_THRESHOLD:,})")
    g.add_argument("--samples", type=int, default=SAMPLES, metavar="K",
                   help=f"source actors sampled above the threshold (default {SAMPLES})")
    g.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help=f"capability level that counts as held (default {DEFAULT_THRESHOLD})")
    g.add_argument("--partners", nargs="+", default=list(DEFAULT_TYPES), metavar="TYPE",
                   help=f"relations through which capabilities are pooled (default: {default_types})")


def analysis_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :func:`graphkit.analyze` given by :func:`add_analysis_options`."""
    return dict(
        types=args.analysis_types,
        weight=args.weight,
        method=args.clusters,
        resolution=args.resolution,
        seed=args.seed,
        restarts=args.restarts,
        engine=args.engine,
        exact_threshold=args.exact_threshold,
        samples=args.samples,
        threshold=args.threshold,
        partners=args.partners,
    )


def check_engine(args: argparse.Namespace) -> None:
    """``--engine gds`` analyses the graph on a Neo4j server, so it needs one and no DATASET."""
    from graphkit.errors import GraphkitError

    if args.engine == "gds" and (not getattr(args, "neo4j_uri", None) or args.dataset):
        raise GraphkitError("--engine gds runs on a Neo4j server: give --neo4j-uri and no DATASET")


def run_analysis(G: nx.MultiDiGraph, args: argparse.Namespace, prog: Progress) -> Any:
    """:func:`graphkit.analyze` of ``G`` with the command's analysis options (GDS on the server for gds)."""
    options = analysis_options(args)
    if args.engine != "gds":
        from graphkit.analysis import analyze

        return analyze(G, progress=prog, **options)
    from graphkit.analysis.gds import analyze_with_gds

    options["engine"] = "auto"
    with open_store(args) as store:
        result = analyze_with_gds(G, store, progress=prog, **options)
    result.summary["parameters"]["engine"] = "gds"
    return result


def open_store(args: argparse.Namespace) -> Any:
    """The Neo4j store named by ``--neo4j-uri`` and its credentials (use it as a context manager)."""
    from graphkit.stores.neo4j import Neo4jStore

    return Neo4jStore(args.neo4j_uri, user=args.neo4j_user, password=args.neo4j_password,
                      database=args.neo4j_database)


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
