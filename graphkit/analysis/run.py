"""The whole analysis in one call (:func:`graphkit.write_analysis` writes its tables)."""

from __future__ import annotations

import functools
import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis import parallel
from graphkit.analysis.centrality import (
    brokerage_table,
    centrality_table,
    most_central,
    source_sample,
)
from graphkit.analysis.clusters import (
    BLOC_MIN,
    cluster_membership,
    cluster_summary,
    cluster_table,
    modularity_of,
    restarts_made,
)
from graphkit.analysis.engine import ActorNetwork, actor_network, check_types, resolve_engine
from graphkit.analysis.gaps import GapModel
from graphkit.analysis.heartbeat import heartbeat
from graphkit.analysis.options import AnalysisOptions
from graphkit.analysis.stability import JITTER, THRESHOLD_BAND, stability
from graphkit.errors import AnalysisError
from graphkit.graph import as_of, as_of_date, not_in_force
from graphkit.loaders.memory import map_large_arrays
from graphkit.progress import Progress
from graphkit.ties import sharing_states, tie_states

__all__ = ["Analysis", "analyze", "ANALYSIS_FILES", "STABILITY_FILES"]

ANALYSIS_FILES = (
    "centrality.csv",
    "clusters.csv",
    "cluster_summary.csv",
    "gaps.csv",
    "gap_summary.csv",
    "alliance_gaps.csv",
    "uncovered_threats.csv",
    "critical_actors.csv",
    "brokerage.csv",
    "summary.json",
)
STABILITY_FILES = ("stability.csv", "cocluster.csv")
"""Written as well when the analysis ran with ``perturb`` > 0 (:mod:`graphkit.analysis.stability`)."""


LARGE_EXACT = 5_000
"""Above this many actors (and within the exact threshold) analyze says how to sample instead."""


@dataclass(frozen=True)
class Analysis:
    """Everything :func:`analyze` computes: one DataFrame per table and a ``summary`` dict.

    Examples
    --------
    >>> a = gk.analyze(gk.load(gk.SAMPLE), seed=1)
    >>> list(a.tables())[:3]
    ['centrality', 'clusters', 'cluster_summary']
    >>> a.summary["parameters"]["seed"], len(a.centrality)
    (1, 14)
    """

    centrality: pd.DataFrame
    clusters: pd.DataFrame
    cluster_summary: pd.DataFrame
    gaps: pd.DataFrame
    gap_summary: pd.DataFrame
    alliance_gaps: pd.DataFrame
    uncovered_threats: pd.DataFrame
    critical_actors: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    stability: pd.DataFrame | None = None
    cocluster: pd.DataFrame | None = None
    brokerage: pd.DataFrame | None = None

    def __repr__(self) -> str:
        from graphkit.analysis.display import analysis_text

        return f"<{analysis_text(self)}>"

    def _repr_html_(self) -> str:
        """A compact summary with the headline tables (what a notebook shows)."""
        from graphkit.analysis.display import analysis_html

        return analysis_html(self)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by file stem (``centrality``, ``clusters`` ..., ``stability`` and
        ``cocluster`` when the analysis was perturbed)."""
        names = [n[:-4] for n in (*ANALYSIS_FILES, *STABILITY_FILES) if n.endswith(".csv")]
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def _collector_paused(f: Callable[..., Analysis]) -> Callable[..., Analysis]:
    """``f`` with the cyclic garbage collector off until it returns (as it was after), as
    the loader does: at 100,000 actors its passes took ~2 s of the analysis, most of it
    walking the graph's millions of dicts, which hold no cycle; the whole analysis leaves
    ~1,000 objects in cycles (measured: ``gc.collect()`` after it), collected later."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Analysis:
        if not gc.isenabled():
            return f(*args, **kwargs)
        gc.disable()
        try:
            return f(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper


@_collector_paused
def analyze(
    G: nx.MultiDiGraph,
    options: AnalysisOptions | None = None,
    *,
    progress: Progress | None = None,
    **keywords: Any,
) -> Analysis:
    """Centrality, clusters, capability gaps and critical actors of ``G``, in one pass.

    ``as_of`` chooses the network analysed: by default the relationships in force today
    (see :func:`graphkit.graph.as_of`); a date (``datetime.date``, ``"2024-06-01"``, a
    year) the network of that day; ``"all"`` or None every relationship regardless of its
    dates. A graph already cut to a date by :func:`graphkit.graph.as_of` keeps its date
    unless another date is given. ``summary["as_of"]`` records the day (ISO) or ``"all"``.

    ``options`` (:class:`~graphkit.analysis.options.AnalysisOptions`) holds every option;
    single options may be given as keywords instead or beside it (``seed=1``,
    ``threshold=0.6``: they replace those of ``options``). The actor network is read once
    and handed to the engine; the options are those of
    :func:`graphkit.analysis.centrality`, :func:`graphkit.analysis.clusters` (``method``,
    ``resolution``, ``restarts``) and :func:`graphkit.analysis.capability_gaps` (``threshold``,
    ``partners``). ``jobs``: cores for betweenness and closeness on large networks
    (threads over the compiled kernel of :mod:`graphkit.analysis.paths`, or igraph in
    worker processes without numba; None: every core; 1: one), results equal within 1e-9. ``progress`` reports each step (quiet when
    omitted). ``perturb``: repeat
    the analysis this many times over jittered estimates, a moved threshold and other
    cluster seeds (:func:`graphkit.analysis.stability.stability`) and add the tables
    ``stability`` and ``cocluster`` (``None`` when 0, the default); ``summary["stability"]``
    records the runs and what was perturbed (not ``summary["parameters"]``: the reported
    analysis is the same with or without them).

    Returns
    -------
    Analysis
        Its ``summary`` holds the parameters, the seed, graph counts, modularity, which
        measures were exact or sampled, and the time of every step in seconds.

    Examples
    --------
    >>> a = gk.analysis.analyze(gk.load(gk.SAMPLE))
    >>> a.summary["measures"]["betweenness"], a.summary["clusters"]["count"]
    ('exact', 2)
    >>> bool((a.gap_summary.coalition_gap < a.gap_summary.own_gap).any())
    True
    """
    progress = progress or Progress(quiet=True)
    map_large_arrays()  # arrays freed by one step go back to the system: a lower peak
    opts = AnalysisOptions.of(options, **keywords)
    types = check_types(opts.types)
    opts = opts.replace(types=types)
    weight, method, resolution, seed = opts.weight, opts.method, opts.resolution, opts.seed
    restarts, engine, exact_threshold, samples = (
        opts.restarts,
        opts.engine,
        opts.exact_threshold,
        opts.samples,
    )
    threshold, partners, perturb, jobs = opts.threshold, opts.partners, opts.perturb, opts.jobs
    G, day = _dated(G, opts.as_of)
    dated = G  # every tie of the day: the stability runs move the dormancy horizon
    # the ties' states on the day are judged once, for the network, the tie counts and the gaps
    with sharing_states():
        # dormant and paused ties neither count nor pool: actor_network and the gap model leave
        # them out (the states judged here, shared), the summary counts them
        if not isinstance(resolution, int | float) or not np.isfinite(resolution) or resolution <= 0:
            raise AnalysisError(
                f"resolution must be a finite number above 0 (got {resolution!r}); try --resolution 1"
            )
        started = time.perf_counter()
        with progress.step("actor network"), heartbeat(progress, "actor network"):
            net = actor_network(
                G,
                types,
                weight=weight,
                two_mode=True,
                instruments=opts.instruments,
                dormant_after=opts.dormant_after,
                as_of=day,
            )
        progress.say(f"actor network: {net.n:,} actors, {net.m:,} links")
        if net.n > exact_threshold:
            progress.say(
                f"{net.n:,} actors is above the exact threshold ({exact_threshold:,}): betweenness and closeness "
                f"are estimated from {min(samples, net.n):,} sampled sources (raise --exact-threshold for exact values)"
            )
        elif net.n > LARGE_EXACT:
            progress.say(
                f"{net.n:,} actors is within the exact threshold ({exact_threshold:,}): betweenness and closeness "
                f"are exact, the longest step (--exact-threshold {LARGE_EXACT:,} estimates them from "
                f"{min(samples, net.n):,} sampled sources instead)"
            )
        pivots = source_sample(net.n, exact_threshold=exact_threshold, samples=samples, seed=seed)
        background = _paths_in_background(net, engine, pivots, jobs, progress)
        # while the path kernel runs: the tie table, from the ties actor_network judged, counted
        # at once (the table of every tie, 526,744 rows at 100,000 actors, is not kept)
        tie_counts = _tie_counts(tie_states(G, as_of_date(day), opts.dormant_after), opts.dormant_after)
        with progress.step("clusters"):
            membership, cluster_engine = cluster_membership(
                net,
                method=method,
                resolution=resolution,
                seed=seed,
                restarts=restarts,
                engine=engine,
                progress=progress,
                jobs=parallel.default_jobs() if jobs is None else max(1, int(jobs)),
            )
            clusters = cluster_table(net, membership)
            q = modularity_of(net, membership, resolution=resolution)

        def gap_tables() -> tuple[
            GapModel, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame
        ]:
            with progress.step("capability gaps"), heartbeat(progress, "capability gaps"):
                model = GapModel(
                    G, threshold=threshold, partners=partners, day=day, dormant_after=opts.dormant_after
                )
                gaps = model.gap_table()
                gsum = model.summary_table()
            with progress.step("alliance gaps"):
                agaps = model.alliance_table()
            with progress.step("uncovered threats"):
                unc = model.uncovered_table()
            with progress.step("critical actors"):
                crit = model.critical_table(engine=engine, net=net.direct_network)
            return model, gaps, gsum, agaps, unc, crit

        # The gaps do not need the centrality: while the exact kernel runs in the background
        # (the longest step) they are computed meanwhile; otherwise last, as their tables
        # would add to the brokerage's peak memory (~100 MB at 100,000 actors).
        early = background is not None and pivots is None
        if early:
            model, gaps, gsum, agaps, unc, crit = gap_tables()
        with parallel.using(jobs, progress):
            cent, measures = centrality_table(
                net,
                engine=engine,
                exact_threshold=exact_threshold,
                samples=samples,
                seed=seed,
                progress=progress,
            )
        if background is not None:
            background.join()
        with progress.step("cluster summary"):
            if "pagerank" in cent:  # named after the most central members (PageRank), now known
                clusters = cluster_table(net, membership, score=cent["pagerank"].to_numpy())
            csum = _cluster_summary(net, clusters, cent, membership)
        with progress.step("brokerage"):
            brokers = brokerage_table(net, cent, membership.tolist())
        if not early:
            model, gaps, gsum, agaps, unc, crit = gap_tables()
    stab = None
    if perturb:
        with progress.step("stability"):
            stab = stability(
                dated, opts.replace(as_of=day), runs=perturb, progress=progress,
                baseline={"net": net, "centrality": cent, "membership": membership, "gap_summary": gsum},
            )  # fmt: skip
    total = time.perf_counter() - started
    import graphkit

    summary = {
        "graphkit": graphkit.__version__,
        "as_of": day,
        "graph": {
            "name": G.graph.get("name"),
            "actors": net.n,
            "actor_links": net.m,
            "components": int(net.components().max() + 1) if net.n else 0,
            "capabilities": model.nC,
            "threats": len(model.threats),
        },
        "parameters": opts.as_dict(),
        "ties": tie_counts,
        "engine": {"centrality": measures["engine"], "clusters": cluster_engine},
        "measures": measures,
        "most_central": most_central(cent),
        "clusters": {
            **_cluster_counts(membership, q),
            "runs": restarts_made(method=method, restarts=restarts),
        },
        "gaps": {
            "actors_with_needs": len(gsum),
            "actors_helped_by_cooperation": int((gsum["closed_by_cooperation"] > 0).sum())
            if len(gsum)
            else 0,
            "total_own_gap": int(gsum["own_gap"].sum(skipna=True)) if len(gsum) else 0,
            "total_coalition_gap": int(gsum["coalition_gap"].sum()) if len(gsum) else 0,
            "uncovered_threats": len(unc),
            "unassessed_actors": int((~gsum["assessed"].astype(bool)).sum()) if len(gsum) else 0,
            # comparable with total_own_gap: needs with data (assessed actor and capability)
            "total_coalition_gap_known": int(
                gaps.loc[gaps["assessed"] & gaps["capability_assessed"] & ~gaps["pooled"], "weight"].sum()
            ),
            "total_unknown_weight": int(gsum["unknown_weight"].sum()) if len(gsum) else 0,
            "threshold": model.threshold,
            "levels": len(model.best_levels),
            "levels_near_threshold": model.near_threshold(),
        },
        "stability": stab.info
        if stab is not None
        else {"runs": 0, "jitter": JITTER, "threshold_band": THRESHOLD_BAND},
        "timings": {**{k: round(v, 4) for k, v in progress.timings.items()}, "total": round(total, 4)},
    }
    return Analysis(
        centrality=cent,
        clusters=clusters,
        cluster_summary=csum,
        gaps=gaps,
        gap_summary=gsum,
        alliance_gaps=agaps,
        uncovered_threats=unc,
        critical_actors=crit,
        summary=summary,
        stability=stab.ranks if stab is not None else None,
        cocluster=stab.cocluster if stab is not None else None,
        brokerage=_with_single_ties(brokers, stab.ranks if stab is not None else None),
    )


def _tie_counts(ties: pd.DataFrame, dormant_after: float) -> dict[str, Any]:
    """How many memberships and agreements are active, dormant, paused (ended, future) on the day."""
    by_type = {t: g["state"].value_counts().sort_index().to_dict() for t, g in ties.groupby("type")}
    return {
        "dormant_after": dormant_after,
        "dormant": int((ties["state"] == "dormant").sum()),
        "paused": int((ties["state"] == "paused").sum()),
        "by_type": {t: {k: int(v) for k, v in c.items()} for t, c in by_type.items()},
        "paused_ties": ties.loc[
            ties["state"] == "paused", ["source", "type", "target", "status"]
        ].values.tolist(),
    }


def _cluster_counts(membership: np.ndarray, q: float) -> dict[str, Any]:
    """``count``: the blocs (clusters of at least :data:`~graphkit.analysis.clusters.BLOC_MIN`
    actors, the headline); ``alone``: the actors in single-actor clusters and pairs, reported apart."""
    sizes = np.bincount(membership) if membership.size else np.zeros(0, dtype=np.int64)
    small = sizes[sizes < BLOC_MIN]
    return {
        "count": int((sizes >= BLOC_MIN).sum()),
        "all": int(sizes.size),
        "alone": int(small.sum()),
        "singletons": int((sizes == 1).sum()),
        "pairs": int((sizes == 2).sum()),
        "modularity": q,
    }


def _with_single_ties(brokers: pd.DataFrame, ranks: pd.DataFrame | None) -> pd.DataFrame:
    """The brokerage table with ``rests_on`` from the stability runs: the one agreement or source
    an actor's betweenness rank rests on (``""`` without runs or when it rests on none)."""
    if ranks is None or not len(ranks) or "rests_on" not in ranks:
        return brokers
    bet = ranks[ranks["measure"] == "betweenness"]
    rests = dict(zip(bet["actor_id"], bet["rests_on"].fillna("").astype(str), strict=True))
    out = brokers.copy()
    out["rests_on"] = out["id"].map(rests).fillna("")
    return out


def _paths_in_background(
    net: ActorNetwork, engine: str, pivots: list[int] | None, jobs: int | None, progress: Progress
) -> threading.Thread | None:
    """On a network large enough for the compiled kernel, start betweenness and closeness
    (one pass, :mod:`graphkit.analysis.paths`) in a thread: the kernel leaves the
    interpreter free, so clusters and the other measures are computed meanwhile. The
    centrality table then takes the result (or computes it, should the thread have failed)."""
    from graphkit.analysis.paths import exact_totals, sampled_totals, use_kernel

    if resolve_engine(engine) != "igraph" or not use_kernel(net):
        return None
    from graphkit.analysis import kernel

    n_jobs = parallel.default_jobs() if jobs is None else max(1, int(jobs))
    P = net.paths
    kernel.brandes(P.indptr, P.indices, P.length, P.n, np.zeros(0, dtype=np.int64))  # load it here
    started = threading.Event()

    def run() -> None:
        try:
            if pivots is None:
                exact_totals(P, jobs=n_jobs, progress=progress, started=started)
            else:
                sampled_totals(P, pivots, jobs=n_jobs, progress=progress, started=started)
        except Exception:  # raised again where the table asks for it
            started.set()

    thread = threading.Thread(target=run, name="graphkit-paths", daemon=True)
    thread.start()
    started.wait()  # the kernel is running: the interpreter is free for the clusters
    return thread


def _dated(G: nx.MultiDiGraph, when: Any) -> tuple[nx.MultiDiGraph, str]:
    """The network as of ``when`` and its day in ISO form (or ``"all"``)."""
    cut = G.graph.get("as_of")
    if cut and isinstance(when, str) and when.strip().lower() == "today":
        when = cut  # already the network of a day
    day = as_of_date(when)
    if day is None:
        return G, cut or "all"
    if cut == day.isoformat():
        return G, cut  # already cut to that day
    # no copy when every relationship is in force that day (a large graph copies slowly)
    return (as_of(G, day) if not_in_force(G, day) else G), day.isoformat()


def _cluster_summary(
    net: Any, clusters: pd.DataFrame, cent: pd.DataFrame, membership: np.ndarray
) -> pd.DataFrame:
    """cluster_summary without re-reading the graph: internal edges from the network arrays."""
    s = cluster_summary(clusters, cent)
    if net.n == 0 or s.empty:
        return s
    internal = net.ties_inside(membership)
    size = s["size"].to_numpy()
    e = internal[s["cluster"].to_numpy()]
    s["internal_edges"] = e.astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        s["density"] = np.where(size > 1, 2 * e / (size * (size - 1)), 0.0)
    return s
