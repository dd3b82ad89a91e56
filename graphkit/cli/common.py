"""Options shared by several commands, defined once."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from graphkit.progress import Progress

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "REPORT_PERTURB",
    "REPORT_PERTURB_ACTORS",
    "REPORT_PERTURB_MIN",
    "MeasureNames",
    "add_command",
    "add_source",
    "add_merge_duplicates",
    "add_neo4j_options",
    "add_analysis_options",
    "analysis_options",
    "run_analysis",
    "add_quiet",
    "add_as_of",
    "add_since",
    "as_of_text",
    "dated",
    "load_source",
    "open_store",
    "progress",
    "positive_finite",
    "report_perturb",
]


REPORT_PERTURB = 20
"""Stability runs ``graphkit report`` makes unless told ``--perturb N``, up to
:data:`REPORT_PERTURB_ACTORS` actors (a few seconds on the bundled data); fewer above
(:func:`report_perturb`)."""

REPORT_PERTURB_ACTORS = 2_000
"""Up to this many actors ``graphkit report`` makes :data:`REPORT_PERTURB` stability runs by default."""

REPORT_PERTURB_MIN = 3
"""The fewest stability runs ``graphkit report`` makes by default, however large the network."""


def report_perturb(actors: int) -> int:
    """The stability runs ``graphkit report`` makes by default on ``actors`` actors: each run
    repeats the analysis, so above :data:`REPORT_PERTURB_ACTORS` actors the count shrinks in
    proportion (the runs then take about as long as 20 runs on 2,000 actors), never below
    :data:`REPORT_PERTURB_MIN`.

    >>> [report_perturb(n) for n in (278, 2_000, 4_000, 10_000, 100_000)]
    [20, 20, 10, 4, 3]
    """
    if actors <= REPORT_PERTURB_ACTORS:
        return REPORT_PERTURB
    return max(REPORT_PERTURB_MIN, round(REPORT_PERTURB * REPORT_PERTURB_ACTORS / actors))


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


def positive_finite(text: str) -> float:
    """An option's number that must be finite and above 0 (``inf``, ``nan``, ``-1``, ``0`` refused).

    >>> positive_finite("1.5")
    1.5
    """
    import math

    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(x) or x <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text!r}")
    return x


def add_neo4j_options(p: argparse.ArgumentParser) -> None:
    """``--neo4j-uri`` and credentials, each with its GRAPHKIT_NEO4J_* environment variable."""
    g = p.add_argument_group("Neo4j")
    g.add_argument(
        "--neo4j-uri",
        default=os.environ.get("GRAPHKIT_NEO4J_URI"),
        help="bolt:// or neo4j:// URI (env GRAPHKIT_NEO4J_URI)",
    )
    g.add_argument(
        "--neo4j-user",
        default=os.environ.get("GRAPHKIT_NEO4J_USER", "neo4j"),
        help="user name (env GRAPHKIT_NEO4J_USER; default neo4j)",
    )
    g.add_argument(
        "--neo4j-password",
        default=os.environ.get("GRAPHKIT_NEO4J_PASSWORD"),
        help="password (env GRAPHKIT_NEO4J_PASSWORD; never printed)",
    )
    g.add_argument(
        "--neo4j-database",
        default=os.environ.get("GRAPHKIT_NEO4J_DATABASE"),
        help="database name (env GRAPHKIT_NEO4J_DATABASE; default: the server's)",
    )


def add_analysis_options(
    p: argparse.ArgumentParser,
    *,
    types_flag: str = "--types",
    perturb_default: int | None = None,
    pooling_only: bool = False,
    perturb_adapts: bool = False,
) -> None:
    """Every option of the analysis (:class:`graphkit.analysis.options.AnalysisOptions`), defined once
    for ``analyze``, ``report``, ``viz`` and ``recommend``; :func:`analysis_options` reads them back.

    ``types_flag`` renames the actor-network types option where ``--types`` means something
    else (``viz --types`` chooses what to draw). ``perturb_default``: the command's number
    of stability runs, for a command that writes them (``report``: :data:`REPORT_PERTURB`,
    ``analyze``: 0); ``None``: no ``--perturb`` option (``viz``). ``pooling_only``: only
    the options of the capability gaps (``--threshold``, ``--partners``, ``--as-of``), for
    ``recommend``. ``perturb_adapts``: the
    default is ``None`` and the command sets it from the network's size (:func:`report_perturb`).
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
    g.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"capability level that counts as held (default {DEFAULT_THRESHOLD})",
    )
    g.add_argument(
        "--partners",
        nargs="+",
        default=list(DEFAULT_TYPES),
        metavar="TYPE",
        help=f"relations through which capabilities are pooled (default: {default_types})",
    )
    add_as_of(g, default="today")
    g.add_argument(
        "--dormant-after",
        type=_years,
        default=None,
        metavar="YEARS",
        help="a membership or agreement with no evidence (last_confirmed; for an agreement "
        "absent: since) within YEARS before the analysis date is dormant: it neither pools nor "
        "counts in the active network (default 5; 0 keeps every tie)",
    )
    if pooling_only:
        return
    g.add_argument(
        types_flag,
        dest="analysis_types",
        nargs="+",
        default=list(DEFAULT_TYPES),
        metavar="TYPE",
        help=f"relationship types forming the actor network (default: {default_types})",
    )
    g.add_argument(
        "--weight",
        metavar="PROPERTY",
        default=None,
        help="numeric relationship property read as cooperation strength "
        "(distance = 1/strength for betweenness and closeness); default: unweighted",
    )
    g.add_argument(
        "--clusters", choices=CLUSTER_METHODS, default="louvain", help="cluster method (default louvain)"
    )
    g.add_argument(
        "--resolution",
        type=positive_finite,
        default=1.0,
        help="modularity resolution, a finite number above 0 (default 1)",
    )
    g.add_argument(
        "--restarts",
        type=int,
        default=RESTARTS,
        help=f"seeded Louvain/label-propagation runs; the best modularity is kept (default {RESTARTS})",
    )
    g.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="N",
        help=f"seed of clusters, sampling and layout (default {DEFAULT_SEED})",
    )
    g.add_argument(
        "--engine",
        choices=(*ENGINES, "gds"),
        default="auto",
        help="auto (igraph when installed), igraph, networkx, or gds (PageRank, betweenness and "
        "clusters in Neo4j Graph Data Science; needs --neo4j-uri and a server with GDS)",
    )
    g.add_argument(
        "--exact-threshold",
        type=int,
        default=EXACT_THRESHOLD,
        metavar="N",
        help=f"exact betweenness/closeness up to N actors, sampled above (default {EXACT_THRESHOLD:,})",
    )
    g.add_argument(
        "--samples",
        type=int,
        default=SAMPLES,
        metavar="K",
        help=f"source actors sampled above the threshold (default {SAMPLES})",
    )
    g.add_argument(
        "--jobs",
        type=_runs,
        default=None,
        metavar="N",
        help="cores for betweenness and closeness on large networks (threads; worker processes "
        "when numba is not installed; default: every core; 1: one); the values are the same",
    )
    if perturb_default is None:
        return
    adapts = perturb_adapts
    g.add_argument(
        "--perturb",
        type=_runs,
        default=None if adapts else perturb_default,
        metavar="N",
        help="repeat the analysis N times (seeded) with estimated values jittered (levels +-0.1, "
        "weights x(1 +- 0.1)), the capability threshold moved within +-0.05 and other cluster "
        "seeds, and write stability.csv and cocluster.csv; 0: no stability runs "
        + (
            f"(default {perturb_default} up to {REPORT_PERTURB_ACTORS:,} actors, fewer above, "
            f"at least {REPORT_PERTURB_MIN}: the number is said when the analysis starts)"
            if adapts
            else f"(default {perturb_default})"
        ),
    )


def analysis_options(args: argparse.Namespace) -> Any:
    """The :class:`~graphkit.analysis.options.AnalysisOptions` given by :func:`add_analysis_options`
    (the defaults for an option the command does not take)."""
    from graphkit.analysis.options import AnalysisOptions

    if not hasattr(args, "analysis_types"):  # recommend: the pooling options only
        return AnalysisOptions(
            threshold=args.threshold, partners=args.partners, as_of=args.as_of, **_dormancy(args)
        )
    return AnalysisOptions(
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
        as_of=args.as_of,
        perturb=getattr(args, "perturb", 0),
        jobs=getattr(args, "jobs", None) or None,
        **_dormancy(args),
    )


def _dormancy(args: argparse.Namespace) -> dict[str, Any]:
    """``dormant_after`` when ``--dormant-after`` was given (else the option's default)."""
    years = getattr(args, "dormant_after", None)
    return {} if years is None else {"dormant_after": years}


def _years(text: str) -> float:
    try:
        years = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of years, got {text!r}") from None
    if not years >= 0 or years == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 or more years, got {text}")
    return years


def _runs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of runs, got {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {n}")
    return n


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

        return analyze(G, options, progress=prog)
    from graphkit.analysis.gds import analyze_with_gds

    options = options.replace(engine="auto", jobs=None)  # GDS runs on the server
    with open_store(args) as store:
        result = analyze_with_gds(G, store, options, progress=prog)
    result.summary["parameters"]["engine"] = "gds"
    return result


def open_store(args: argparse.Namespace) -> Any:
    """The Neo4j store named by ``--neo4j-uri`` and its credentials (use it as a context manager)."""
    from graphkit.stores.neo4j import Neo4jStore

    return Neo4jStore(
        args.neo4j_uri, user=args.neo4j_user, password=args.neo4j_password, database=args.neo4j_database
    )


def add_source(p: argparse.ArgumentParser, *, neo4j: bool = True) -> None:
    """DATASET (a folder, .xlsx, .json, .graphml or .gexf), or a Neo4j server to read from."""
    p.add_argument(
        "dataset",
        metavar="DATASET",
        nargs="?" if neo4j else None,
        help="dataset folder, .xlsx, .json, .graphml or .gexf",
    )
    add_merge_duplicates(p)
    if neo4j:
        add_neo4j_options(p)


def add_merge_duplicates(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--merge-duplicates",
        action="store_true",
        help="keep one of each exact duplicate relationship (same source, type, target and "
        "values) instead of refusing the dataset; says how many were merged",
    )


def add_quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def progress(args: argparse.Namespace) -> Progress:
    return Progress(quiet=getattr(args, "quiet", False))


def load_source(args: argparse.Namespace, *, whole: bool = False) -> nx.MultiDiGraph:
    """The graph named by DATASET, or read from Neo4j when ``--neo4j-uri`` is given.

    With an ``--as-of`` option, the network of that date (:func:`graphkit.graph.as_of`),
    unless ``whole`` asks for every relationship.
    """
    G = _load_source(args)
    return G if whole else dated(G, args, in_place=True)


def dated(G: nx.MultiDiGraph, args: argparse.Namespace, *, in_place: bool = False) -> nx.MultiDiGraph:
    """``G`` as of the command's ``--as-of`` (unchanged without the option or with ``all``).

    ``in_place``: ``G`` is the command's own (just loaded), so the relationships not in
    force are removed from it rather than from a copy (a large graph copies slowly).
    """
    when = getattr(args, "as_of", None)
    if when is None:
        return G
    from graphkit.graph import as_of, as_of_date, not_in_force

    day = as_of_date(when)
    if in_place and day is not None and getattr(args, "engine", None) != "gds":
        G.remove_edges_from(not_in_force(G, day))
        G.graph["as_of"] = day.isoformat()
        return G
    cut = as_of(G, when)
    if getattr(args, "engine", None) == "gds":
        _check_gds_as_of(G, cut)
    return cut


def _load_source(args: argparse.Namespace) -> nx.MultiDiGraph:
    from graphkit.errors import GraphkitError

    if getattr(args, "dataset", None):
        from graphkit.loaders import load

        merge = getattr(args, "merge_duplicates", False)
        G = load(args.dataset, progress=progress(args), duplicates="merge" if merge else "error")
        if G.graph.get("merged_duplicates"):
            progress(args).say(
                f"merged {G.graph['merged_duplicates']:,} exact duplicate relationship(s) "
                f"in {args.dataset} (--merge-duplicates)"
            )
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


# ---- time: --as-of -----------------------------------------------------------------------


def add_as_of(p: Any, *, default: str) -> None:
    """``--as-of DATE``: the network in force on DATE (``today``, ``all``, ``YYYY`` or ``YYYY-MM-DD``)."""
    shown = {
        "today": "today: only relationships in force today",
        "all": "all: every relationship, whatever its dates",
    }[default]
    p.add_argument(
        "--as-of",
        dest="as_of",
        type=as_of_text,
        default=default,
        metavar="DATE",
        help="the network of DATE: relationships with since <= DATE < until (a year alone is "
        f"1 January); YYYY, YYYY-MM-DD, today or all (default {shown})",
    )


def add_since(p: Any) -> None:
    """``--since DATE``: compare the network of DATE with the one shown (``--as-of``, default today)."""
    p.add_argument(
        "--since",
        type=as_of_text,
        default=None,
        metavar="DATE",
        help="add 'What changed' since DATE (YYYY or YYYY-MM-DD): relationships begun or ended, "
        "gaps closed or opened, rank moves; writes changes.csv, gap_changes.csv, rank_changes.csv",
    )


def as_of_text(text: str) -> str:
    """An ``--as-of``/``--since`` value checked without loading the library: ``today``, ``all``, a year or a day."""
    import datetime as _dt
    import re

    t = text.strip().lower()
    if t in ("today", "all"):
        return t
    if re.fullmatch(r"[0-9]{4}", t) and t != "0000":
        return t
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", t):
        try:
            _dt.date.fromisoformat(t)
            return t
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a calendar date") from None
    raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY or YYYY-MM-DD (or today, all)")


def _check_gds_as_of(G: nx.MultiDiGraph, dated: nx.MultiDiGraph) -> None:
    """GDS projects the server's whole graph: refuse a date that would leave relationships out."""
    from graphkit.errors import GraphkitError

    left_out = G.number_of_edges() - dated.number_of_edges()
    if left_out:
        raise GraphkitError(
            f"--engine gds projects every relationship on the server, but {left_out:,} of them are not in "
            f"force as of {dated.graph.get('as_of')}; give --as-of all, or use --engine auto"
        )
