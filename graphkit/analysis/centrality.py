"""Centrality and brokerage of actors: who is central, who bridges camps, who sits in the core."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.engine import DEFAULT_TYPES, ActorNetwork, actor_network, resolve_engine
from graphkit.analysis.measures import MEASURES
from graphkit.defaults import DEFAULT_SEED, EXACT_THRESHOLD, SAMPLES
from graphkit.errors import AnalysisError
from graphkit.progress import Progress

__all__ = [
    "centrality",
    "kind_ranks",
    "most_central",
    "rank_column",
    "CENTRALITY_COLUMNS",
    "EXACT_THRESHOLD",
    "SAMPLES",
]


def rank_column(measure: str) -> str:
    """The column of :func:`centrality` holding an actor's rank within its kind on ``measure``.

    >>> rank_column("pagerank")
    'pagerank_kind_rank'
    """
    return f"{measure}_kind_rank"


CENTRALITY_COLUMNS: tuple[str, ...] = ("id", "name", "kind", *MEASURES, *map(rank_column, MEASURES))
"""Columns of :func:`centrality`: the actor, every measure of the registry in order, then
every measure's rank within the actor's kind (:func:`kind_ranks`)."""


def centrality(
    G: nx.MultiDiGraph,
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    weight: str | None = None,
    engine: str = "auto",
    exact_threshold: int = EXACT_THRESHOLD,
    samples: int = SAMPLES,
    seed: int | None = DEFAULT_SEED,
    measures: Iterable[str] | None = None,
    two_mode: bool = True,
) -> pd.DataFrame:
    """Centrality and brokerage of every actor in the network formed by ``types``.

    The network is undirected and simple; every actor is a row, isolated ones included.
    Memberships are read as two-mode data (:mod:`graphkit.analysis.engine`): members of
    an organisation of ``n`` members are tied with strength ``tie_weight / (n - 1)``, and
    so is the organisation to each member, so a forum everyone joins is a weak tie and a
    long way round, not everyone's hub. Degree and core count direct ties.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A canonical graphkit graph.
    types : iterable of str
        Relationship types that form the actor network (default ``MEMBER_OF`` and
        ``COOPERATES_WITH``), direction ignored.
    weight : str, optional
        Numeric relationship property read as cooperation *strength* (summed over
        merged relationships, ``1`` where absent). Strength-based measures use it as is;
        betweenness and closeness use ``distance = 1 / strength`` (a strong tie is a short
        one). ``None`` (default): unweighted, as networkx's defaults.
    engine : {"auto", "igraph", "networkx"}
        Which library computes (same results; igraph is much faster).
    exact_threshold : int
        Betweenness and closeness are exact up to this many actors, and estimated from
        ``samples`` seeded source actors above it.
    samples : int
        Number of sampled source actors above the threshold.
    seed : int, optional
        Seed of the source sample (networkx's ``betweenness_centrality(k=, seed=)``
        convention: both engines pick the same sources).
    measures : iterable of str, optional
        Compute only these measures of :data:`graphkit.analysis.measures.MEASURES`
        (default: all); the values are those of the full table.
    two_mode : bool
        ``False``: the direct network instead (a membership is one tie member-organisation).

    Returns
    -------
    pandas.DataFrame
        One row per actor, columns:

        - ``id``, ``name``, ``kind``;
        - ``degree``: number of distinct neighbours;
        - ``weighted_degree``: sum of merged strengths (relationships counted when unweighted);
        - ``betweenness``: normalised as networkx (``2 / ((n-1)(n-2))``), endpoints excluded;
        - ``closeness``: networkx's definition with the Wasserman–Faust correction for
          disconnected networks (0 for isolated actors);
        - ``eigenvector``: unit Euclidean norm as networkx; on a disconnected network only
          the component with the largest eigenvalue scores above 0;
        - ``pagerank``: damping 0.85, sums to 1;
        - ``constraint``, ``effective_size``: Burt's brokerage measures (lower constraint
          and higher effective size = more brokerage); NaN for isolated actors;
        - ``core``: k-core number of the direct network (unweighted);
        - ``<measure>_kind_rank`` for every measure: the actor's rank among actors of its
          own kind (states among states, alliances among alliances ...), 1 = most central
          (lowest first for constraint), ties sharing the best rank, empty where the value
          is (NaN).

        ``df.attrs["measures"]`` says which measures are exact or sampled and the engine used.

    Examples
    --------
    >>> c = gk.analysis.centrality(gk.load(gk.SAMPLE))
    >>> c.sort_values(["betweenness", "id"], ascending=[False, True])["id"].head(3).tolist()
    ['USA', 'EST', 'CERT_EU']
    >>> c.loc[c.kind == "state"].sort_values(["pagerank_kind_rank", "id"])["id"].head(3).tolist()
    ['USA', 'EST', 'GBR']
    """
    net = actor_network(G, types, weight=weight, two_mode=two_mode)
    df, measures = centrality_table(
        net, engine=engine, exact_threshold=exact_threshold, samples=samples, seed=seed, measures=measures
    )
    df.attrs["measures"] = measures
    return df


def centrality_table(
    net: ActorNetwork,
    *,
    engine: str = "auto",
    exact_threshold: int = EXACT_THRESHOLD,
    samples: int = SAMPLES,
    seed: int | None = DEFAULT_SEED,
    progress: Progress | None = None,
    measures: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`centrality` on an already built :class:`ActorNetwork`; also returns what was exact."""
    if exact_threshold < 0 or samples < 1:
        raise AnalysisError("exact_threshold must be >= 0 and samples >= 1")
    wanted = MEASURES if measures is None else _chosen(measures)
    used = resolve_engine(engine)
    progress = progress or Progress(quiet=True)
    n = net.n
    pivots = source_sample(n, exact_threshold=exact_threshold, samples=samples, seed=seed)
    k = n if pivots is None else len(pivots)
    values: dict[str, np.ndarray] = {}
    # the shortest-path measures last: on a large network they may be running already
    # (analyze starts them in the background) while the others are computed
    for name, measure in sorted(wanted.items(), key=lambda item: item[1].sampled):
        if measure.from_network:
            values[name] = measure.compute(net, used, pivots)
            continue
        with progress.step(f"centrality: {name}"):
            values[name] = np.asarray(
                measure.compute(net, used, pivots if measure.sampled else None), dtype=float
            )
    df = pd.DataFrame({"id": net.ids, "name": net.names, "kind": net.kinds})
    for name, measure in wanted.items():
        df[name] = values[name].astype(np.int64) if measure.integer else values[name].astype(float)
    df = kind_ranks(df)
    how = "exact" if pivots is None else f"sampled ({k} of {n} source actors, seed {seed})"
    info: dict[str, Any] = {"engine": used}
    for name, measure in wanted.items():
        if not measure.from_network:
            info[name] = how if measure.sampled else measure.exactness
    info.update(
        weighted=net.weighted,
        distance="1 / strength" if net.weighted else "hops",
        network="two-mode (co-membership tie_weight / (n - 1))" if net.two_mode else "direct",
    )
    return df, info


def source_sample(n: int, *, exact_threshold: int, samples: int, seed: int | None) -> list[int] | None:
    """The source actors betweenness and closeness are estimated from (``None``: all of
    them, exact), as networkx samples them: ``random.Random(seed).sample``.

    >>> source_sample(10, exact_threshold=20, samples=4, seed=0) is None
    True
    >>> source_sample(10, exact_threshold=5, samples=4, seed=0)
    [6, 9, 0, 2]
    """
    k = n if n <= exact_threshold else min(samples, n)
    return None if k >= n else random.Random(seed).sample(range(n), k)


def kind_ranks(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a rank column (:func:`rank_column`) for every measure column it has.

    Actors are ranked within their kind: 1 is the highest value (the lowest for a measure
    whose ``high_first`` is false, such as constraint); equal values share the best rank;
    an actor whose value is NaN has no rank.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": list("abcd"), "kind": ["state", "state", "alliance", "state"],
    ...                   "degree": [3, 5, 9, 5]})
    >>> kind_ranks(t)["degree_kind_rank"].tolist()
    [3, 1, 1, 1]
    """
    out = table.copy()
    kind = out["kind"].astype(object).where(out["kind"].notna(), "")
    for name, measure in MEASURES.items():
        if name not in out:
            continue
        ranks = (
            _comparable(out[name])
            .groupby(kind, sort=False)
            .rank(method="min", ascending=not measure.high_first)
        )
        out[rank_column(name)] = ranks.astype("Int64")
    return out


def most_central(table: pd.DataFrame) -> dict[str, dict[str, str]]:
    """For every actor kind, the id of its top actor on every measure of ``table``.

    Ties go to the actor that comes first by id. An actor kind whose actors all lack a
    value on a measure has no entry for it.

    Examples
    --------
    >>> c = gk.analysis.centrality(gk.load(gk.SAMPLE))
    >>> top = most_central(c)
    >>> top["state"]["pagerank"], top["alliance"]["pagerank"]
    ('USA', 'NATO')
    """
    out: dict[str, dict[str, str]] = {}
    kinds = table["kind"].astype(object).where(table["kind"].notna(), "")
    for kind in dict.fromkeys(kinds.tolist()):
        rows = table[kinds == kind]
        best: dict[str, str] = {}
        for name, measure in MEASURES.items():
            if name not in rows:
                continue
            vals = rows[rows[name].notna()]
            if len(vals):
                top = vals.sort_values([name, "id"], ascending=[not measure.high_first, True]).iloc[0]
                best[name] = str(top["id"])
        out[str(kind) or "unknown"] = best
    return out


def _comparable(values: pd.Series) -> pd.Series:
    """Values rounded to 10 significant digits of the column's largest, so that actors in
    the same position (equal up to floating-point noise) share a rank."""
    v = values.astype(float)
    scale = float(np.nanmax(np.abs(v.to_numpy()))) if v.notna().any() else 0.0
    if not scale or not np.isfinite(scale):
        return v
    return (v / scale).round(10)


def _chosen(names: Iterable[str]) -> dict[str, Any]:
    """The registry entries named, in registry order (an unknown name is an error)."""
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in MEASURES]
    if unknown:
        raise AnalysisError(
            f"unknown measure(s) {', '.join(map(repr, unknown))}; expected some of {', '.join(MEASURES)}"
        )
    return {n: m for n, m in MEASURES.items() if n in names}
