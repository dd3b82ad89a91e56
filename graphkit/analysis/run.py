"""The whole analysis in one call (:func:`graphkit.write_analysis` writes its tables)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.centrality import EXACT_THRESHOLD, SAMPLES, centrality_table
from graphkit.analysis.clusters import (
    RESTARTS,
    cluster_membership,
    cluster_summary,
    cluster_table,
    modularity_of,
)
from graphkit.analysis.engine import DEFAULT_TYPES, actor_network, check_types
from graphkit.analysis.gaps import DEFAULT_THRESHOLD, _GapModel
from graphkit.defaults import DEFAULT_SEED
from graphkit.progress import Progress

__all__ = ["Analysis", "analyze", "ANALYSIS_FILES"]

ANALYSIS_FILES = (
    "centrality.csv",
    "clusters.csv",
    "cluster_summary.csv",
    "gaps.csv",
    "gap_summary.csv",
    "alliance_gaps.csv",
    "uncovered_threats.csv",
    "critical_actors.csv",
    "summary.json",
)


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

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by file stem (``centrality``, ``clusters`` ...)."""
        return {name[:-4]: getattr(self, name[:-4]) for name in ANALYSIS_FILES if name.endswith(".csv")}


def analyze(
    G: nx.MultiDiGraph,
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    weight: str | None = None,
    method: str = "louvain",
    resolution: float = 1.0,
    seed: int | None = DEFAULT_SEED,
    restarts: int = RESTARTS,
    engine: str = "auto",
    exact_threshold: int = EXACT_THRESHOLD,
    samples: int = SAMPLES,
    threshold: float = DEFAULT_THRESHOLD,
    partners: Iterable[str] = DEFAULT_TYPES,
    progress: Progress | None = None,
) -> Analysis:
    """Centrality, clusters, capability gaps and critical actors of ``G``, in one pass.

    The actor network is read once and handed to the engine; parameters are those of
    :func:`graphkit.analysis.centrality`, :func:`graphkit.analysis.clusters` (``method``,
    ``resolution``, ``restarts``) and :func:`graphkit.analysis.capability_gaps` (``threshold``,
    ``partners``). ``progress`` reports each step (quiet when omitted).

    Returns
    -------
    Analysis
        Its ``summary`` holds the parameters, the seed, graph counts, modularity, which
        measures were exact or sampled, and the time of every step in seconds.

    Examples
    --------
    >>> a = gk.analysis.analyze(gk.load(gk.SAMPLE))
    >>> a.summary["measures"]["betweenness"], a.summary["clusters"]["count"]
    ('exact', 4)
    >>> bool((a.gap_summary.coalition_gap < a.gap_summary.own_gap).any())
    True
    """
    progress = progress or Progress(quiet=True)
    types = check_types([types] if isinstance(types, str) else types)
    partners = tuple([partners] if isinstance(partners, str) else partners)
    started = time.perf_counter()
    with progress.step("actor network"):
        net = actor_network(G, types, weight=weight)
    progress.say(f"actor network: {net.n:,} actors, {net.m:,} links")
    cent, measures = centrality_table(
        net, engine=engine, exact_threshold=exact_threshold, samples=samples, seed=seed, progress=progress
    )
    with progress.step("clusters"):
        membership, cluster_engine = cluster_membership(
            net, method=method, resolution=resolution, seed=seed, restarts=restarts, engine=engine
        )
        clusters = cluster_table(net, membership)
        q = modularity_of(net, membership, resolution=resolution)
    with progress.step("cluster summary"):
        csum = _cluster_summary(net, clusters, cent, membership)
    with progress.step("capability gaps"):
        model = _GapModel(G, threshold=threshold, partners=partners)
        gaps = model.gap_table()
        gsum = model.summary_table()
    with progress.step("alliance gaps"):
        agaps = model.alliance_table()
    with progress.step("uncovered threats"):
        unc = model.uncovered_table()
    with progress.step("critical actors"):
        crit = model.critical_table(engine=engine, net=net)
    total = time.perf_counter() - started
    import graphkit

    summary = {
        "graphkit": graphkit.__version__,
        "graph": {
            "name": G.graph.get("name"),
            "actors": net.n,
            "actor_links": net.m,
            "components": int(net.components().max() + 1) if net.n else 0,
            "capabilities": model.nC,
            "threats": len(model.threats),
        },
        "parameters": {
            "types": list(types),
            "weight": weight,
            "cluster_method": method,
            "resolution": resolution,
            "restarts": restarts,
            "seed": seed,
            "engine": engine,
            "exact_threshold": exact_threshold,
            "samples": samples,
            "threshold": threshold,
            "partners": list(partners),
        },
        "engine": {"centrality": measures["engine"], "clusters": cluster_engine},
        "measures": measures,
        "clusters": {"count": int(membership.max() + 1) if net.n else 0, "modularity": q},
        "gaps": {
            "actors_with_needs": len(gsum),
            "actors_helped_by_cooperation": int((gsum["closed_by_cooperation"] > 0).sum()) if len(gsum) else 0,
            "total_own_gap": int(gsum["own_gap"].sum()) if len(gsum) else 0,
            "total_coalition_gap": int(gsum["coalition_gap"].sum()) if len(gsum) else 0,
            "uncovered_threats": len(unc),
        },
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
    )


def _cluster_summary(net: Any, clusters: pd.DataFrame, cent: pd.DataFrame, membership: np.ndarray) -> pd.DataFrame:
    """cluster_summary without re-reading the graph: internal edges from the network arrays."""
    s = cluster_summary(clusters, cent)
    if net.n == 0 or s.empty:
        return s
    same = membership[net.src] == membership[net.dst]
    internal = np.bincount(membership[net.src][same], minlength=membership.max() + 1)
    size = s["size"].to_numpy()
    e = internal[s["cluster"].to_numpy()]
    s["internal_edges"] = e.astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        s["density"] = np.where(size > 1, 2 * e / (size * (size - 1)), 0.0)
    return s
