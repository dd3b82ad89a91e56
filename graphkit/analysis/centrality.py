"""Centrality and brokerage of actors: who is central, who bridges camps, who sits in the core."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.arrays import unique
from graphkit.analysis.engine import DEFAULT_TYPES, ActorNetwork, actor_network, resolve_engine
from graphkit.analysis.measures import MEASURES
from graphkit.defaults import DEFAULT_SEED, EXACT_THRESHOLD, SAMPLES
from graphkit.errors import AnalysisError
from graphkit.progress import Progress

__all__ = [
    "centrality",
    "brokerage",
    "brokerage_table",
    "WEDGES_AT_ONCE",
    "gould_fernandez",
    "BROKER_ROLES",
    "BROKERAGE_COLUMNS",
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


BROKER_ROLES = ("coordinator", "gatekeeper", "representative", "itinerant", "liaison")
"""Gould & Fernandez's (1989) brokerage roles of ``b`` on a path ``a -> b -> c`` whose ends are not
tied (``a -> c`` absent), by the groups of the three: coordinator (all in one group), gatekeeper
(``b`` and ``c`` share a group, ``a`` is outside: ``b`` lets the outside in), representative (``a``
and ``b`` share one, ``c`` is outside: ``b`` speaks for its group), itinerant (``a`` and ``c``
share one, ``b`` is outside; also called consultant) and liaison (three groups)."""

BROKERAGE_COLUMNS = (
    "id", "name", "kind", "group", "betweenness", "betweenness_kind_rank", *BROKER_ROLES, "brokerage", "role",
    "broker", "rests_on",
)  # fmt: skip
"""Columns of :func:`brokerage` (``brokerage.csv``). ``rests_on`` is filled by the stability runs
(:func:`graphkit.analysis.analyze` with ``perturb``): the one agreement or source the actor's
betweenness rank rests on, ``""`` otherwise."""

_BROKER_EPS = 1e-12
"""Betweenness at or below this is zero: such an actor lies on no shortest path and is no broker."""


def gould_fernandez(
    n: int, src: Iterable[int], dst: Iterable[int], groups: Iterable[Any], *, directed: bool = False
) -> np.ndarray:
    """Gould–Fernandez brokerage counts of every vertex: an ``n`` × 5 array, columns :data:`BROKER_ROLES`.

    Every path ``a -> b -> c`` with ``a != c`` and no tie ``a -> c`` counts once for ``b``,
    in the role its groups give (:data:`BROKER_ROLES`). ``directed``: the ties are arcs
    ``src -> dst``; otherwise each tie is two arcs, so an open path ``a - b - c`` counts
    twice, once each way (a gatekeeper one way is a representative the other).
    ``groups[i]`` is vertex ``i``'s group; ``None`` (or NaN) is a group of its own.

    Examples
    --------
    A chain a - b - c - d where a, b are in group 1 and c, d in group 2: b brokers a-c (and
    c-a), c brokers b-d (and d-b):

    >>> gould_fernandez(4, [0, 1, 2], [1, 2, 3], [1, 1, 2, 2]).tolist()
    [[0, 0, 0, 0, 0], [0, 1, 1, 0, 0], [0, 1, 1, 0, 0], [0, 0, 0, 0, 0]]
    """
    src = np.asarray(list(src), dtype=np.int64)
    dst = np.asarray(list(dst), dtype=np.int64)
    labels = _group_codes(list(groups), n)
    if not directed:
        return _gould_fernandez_undirected(n, src, dst, labels)
    out_nb: list[set[int]] = [set() for _ in range(n)]
    in_nb: list[set[int]] = [set() for _ in range(n)]
    for a, c in zip(src.tolist(), dst.tolist(), strict=True):
        if a == c:
            continue
        out_nb[a].add(c)
        in_nb[c].add(a)
        if not directed:
            out_nb[c].add(a)
            in_nb[a].add(c)
    counts = np.zeros((n, len(BROKER_ROLES)), dtype=np.int64)
    for b in range(n):
        ins, outs = in_nb[b], out_nb[b]
        if not ins or not outs:
            continue
        gb = labels[b]
        gin = np.bincount([labels[a] for a in ins], minlength=labels.max() + 1)
        gout = np.bincount([labels[c] for c in outs], minlength=labels.max() + 1)
        i_own, o_own = int(gin[gb]), int(gout[gb])
        i_all, o_all = len(ins), len(outs)
        other_pairs = int(gin @ gout) - i_own * o_own  # a and c in one group, not b's
        row = counts[b]
        row[0] += i_own * o_own  # coordinator
        row[1] += (i_all - i_own) * o_own  # gatekeeper
        row[2] += i_own * (o_all - o_own)  # representative
        row[3] += other_pairs  # itinerant
        row[4] += (i_all - i_own) * (o_all - o_own) - other_pairs  # liaison
        # pairs that are no open path: a == c, or a tied to c
        for a in ins:
            closed = outs & out_nb[a]
            if a in outs:
                closed = closed | {a}
            for c in closed:
                row[_role(labels[a], gb, labels[c])] -= 1
    return counts


def brokerage(
    G: nx.MultiDiGraph,
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    groups: str | dict[str, Any] = "cluster",
    seed: int | None = DEFAULT_SEED,
    engine: str = "auto",
) -> pd.DataFrame:
    """Brokers that broker: betweenness over the active network and Gould–Fernandez roles across groups.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A canonical graphkit graph; the active network is read from it (dormant and paused
        ties left out, :func:`graphkit.analysis.engine.actor_network`).
    groups : ``"cluster"`` (the seeded clusters of :func:`graphkit.analysis.clusters`),
        ``"region"`` (the actors' ``region``; an actor without one is a group of its own)
        or a mapping actor id -> group.

    Returns
    -------
    pandas.DataFrame
        :data:`BROKERAGE_COLUMNS`, one row per actor (see :func:`brokerage_table`).

    Examples
    --------
    >>> b = brokerage(gk.load(gk.SAMPLE)).set_index("id")
    >>> bool(b["broker"].any()), bool((b.loc[b["broker"], "betweenness"] > 0).all())
    (True, True)
    """
    from graphkit.analysis.clusters import cluster_membership

    net = actor_network(G, types, two_mode=True)
    cent, _ = centrality_table(net, engine=engine, seed=seed, measures=["betweenness"])
    if isinstance(groups, str) and groups == "cluster":
        labels: list[Any] = list(cluster_membership(net, seed=seed, engine=engine)[0])
    elif isinstance(groups, str) and groups == "region":
        labels = list(net.regions)
    elif isinstance(groups, dict):
        labels = [groups.get(a) for a in net.ids]
    else:
        raise AnalysisError(f"groups must be 'cluster', 'region' or a mapping of actor ids, not {groups!r}")
    return brokerage_table(net, cent, labels)


def brokerage_table(net: ActorNetwork, cent: pd.DataFrame, groups: Iterable[Any]) -> pd.DataFrame:
    """The brokerage table of an already analysed network (``cent``: its centrality table).

    Gould–Fernandez roles are counted on the *direct* active ties
    (:attr:`ActorNetwork.direct_network`: cooperation, and membership as a tie between a
    member and its organisation), not on the co-member cliques of the two-mode network
    (where everyone in a global forum is tied to everyone and nobody brokers). ``role``
    is the role with the most paths (``""`` when none); ``broker`` is true only for an
    actor with betweenness above zero *and* at least one brokered path: an actor on no
    shortest path between two others brokers nothing, whatever its constraint.
    """
    labels = list(groups)
    d = net.direct_network
    counts = gould_fernandez(d.n, d.src, d.dst, labels)
    df = pd.DataFrame({"id": net.ids, "name": net.names, "kind": net.kinds})
    df["group"] = [None if g is None or g != g else g for g in labels]
    bet = cent.set_index("id")["betweenness"] if "betweenness" in cent else pd.Series(dtype=float)
    df["betweenness"] = df["id"].map(bet).astype(float)
    rank_col = rank_column("betweenness")
    if rank_col in cent:
        df[rank_col] = df["id"].map(cent.set_index("id")[rank_col]).astype("Int64")
    else:
        df[rank_col] = kind_ranks(df[["id", "kind", "betweenness"]])[rank_col].astype("Int64")
    for j, role in enumerate(BROKER_ROLES):
        df[role] = counts[:, j]
    df["brokerage"] = counts.sum(axis=1)
    best = counts.argmax(axis=1)
    df["role"] = [
        BROKER_ROLES[k] if total > 0 else "" for k, total in zip(best, df["brokerage"], strict=True)
    ]
    df["broker"] = (df["betweenness"].fillna(0.0) > _BROKER_EPS) & (df["brokerage"] > 0)
    df["rests_on"] = ""
    return df[list(BROKERAGE_COLUMNS)]


def _gould_fernandez_undirected(n: int, src: np.ndarray, dst: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """:func:`gould_fernandez` of an undirected network, counted with arrays: every ordered
    pair of ``b``'s neighbours by their groups' counts, less the pairs ``a == c`` and the
    pairs tied to each other (the triangles through ``b``)."""
    counts = np.zeros((n, len(BROKER_ROLES)), dtype=np.int64)
    ok = src != dst
    lo, hi = np.minimum(src[ok], dst[ok]), np.maximum(src[ok], dst[ok])
    keys = unique(lo * max(n, 1) + hi)
    if not keys.size:
        return counts
    lo, hi = keys // n, keys % n
    K = int(labels.max()) + 1
    b = np.concatenate([lo, hi])
    nb = np.concatenate([hi, lo])
    deg = np.bincount(b, minlength=n).astype(np.int64)
    groups, size = np.unique(b * K + labels[nb], return_counts=True)
    at, grp = groups // K, groups % K
    mine = grp == labels[at]
    own = np.bincount(at[mine], size[mine], minlength=n).astype(np.int64)
    squares = np.bincount(at[~mine], size[~mine] ** 2, minlength=n).astype(np.int64)
    out = deg - own
    counts[:, 0] = own * own - own  # coordinator, less a == c
    counts[:, 1] = out * own  # gatekeeper
    counts[:, 2] = own * out  # representative
    counts[:, 3] = squares - out  # itinerant: a and c in one group not b's, less a == c
    counts[:, 4] = out * out - squares  # liaison
    x, y, z = _triangles(n, lo, hi, keys)
    for a, mid, c in ((x, y, z), (y, x, z), (x, z, y)):  # each corner as the broker
        for first, last in ((a, c), (c, a)):
            role = _roles(labels[first], labels[mid], labels[last])
            np.subtract.at(counts, (mid, role), 1)
    return counts


def _roles(ga: np.ndarray, gb: np.ndarray, gc: np.ndarray) -> np.ndarray:
    """:func:`_role` of many paths at once."""
    return np.select([(ga == gb) & (gb == gc), gb == gc, ga == gb, ga == gc], [0, 1, 2, 3], 4)


WEDGES_AT_ONCE = 1 << 20
"""Pairs of ties (wedges) :func:`_triangles` lists at once: a few arrays of this length
(~50 MB), whatever the size of the network."""


def _triangles(n: int, lo: np.ndarray, hi: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every triangle once, as three arrays of its corners, of the simple undirected network
    with ties ``lo < hi`` (``keys = lo * n + hi``, sorted): each tie is oriented from the end
    of lower degree, and a triangle found from its two lowest corners."""
    deg = np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), deg))] = np.arange(n)
    u = np.where(rank[lo] < rank[hi], lo, hi)
    v = np.where(rank[lo] < rank[hi], hi, lo)
    order = np.argsort(u, kind="stable")
    outs = v[order]
    width = np.bincount(u, minlength=n).astype(np.int64)
    ptr = np.r_[0, np.cumsum(width)]
    reps = width[u]
    ends = np.cumsum(reps)
    found: list[tuple[np.ndarray, ...]] = []
    start = 0
    while start < u.size:  # the wedges of a block of ties at a time (bounded memory)
        before = int(ends[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, before + WEDGES_AT_ONCE, side="right")))
        r = reps[start:stop]
        edge = np.repeat(np.arange(start, stop), r)
        offset = np.arange(edge.size) - np.repeat(np.cumsum(r) - r, r)
        w = outs[np.repeat(ptr[u[start:stop]], r) + offset]
        later = rank[w] > rank[v[edge]]
        edge, w = edge[later], w[later]
        a, c = np.minimum(v[edge], w), np.maximum(v[edge], w)
        look = a * n + c
        pos = np.minimum(np.searchsorted(keys, look), keys.size - 1)
        hit = keys[pos] == look
        found.append((u[edge[hit]], v[edge[hit]], w[hit]))
        start = stop
    if not found:
        return (np.zeros(0, dtype=np.int64),) * 3
    return tuple(np.concatenate([f[i] for f in found]) for i in range(3))


def _role(ga: int, gb: int, gc: int) -> int:
    """The column of :data:`BROKER_ROLES` for a path a -> b -> c in groups ga, gb, gc."""
    if ga == gb == gc:
        return 0
    if gb == gc:
        return 1
    if ga == gb:
        return 2
    if ga == gc:
        return 3
    return 4


def _group_codes(groups: list[Any], n: int) -> np.ndarray:
    """Integer codes of the groups; ``None``/NaN: a code of its own per vertex."""
    if len(groups) != n:
        raise AnalysisError(f"{len(groups)} groups for {n} actors")
    codes: dict[Any, int] = {}
    out = np.empty(n, dtype=np.int64)
    for i, g in enumerate(groups):
        key: Any = ("__alone__", i) if g is None or (isinstance(g, float) and g != g) else ("g", g)
        out[i] = codes.setdefault(key, len(codes))
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
