"""Cooperation clusters: which actors form camps, how tight they are and who leads them."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.engine import (
    DEFAULT_TYPES,
    ActorNetwork,
    AnalysisError,
    actor_network,
    resolve_engine,
    seeded_igraph,
)
from graphkit.defaults import CLUSTER_METHODS, DEFAULT_SEED, RESTARTS
from graphkit.progress import Progress

__all__ = [
    "clusters",
    "cluster_summary",
    "cluster_label",
    "modularity",
    "CLUSTER_METHODS",
    "RESTARTS",
    "BLOC_MIN",
    "ORGANISATION_SHARE",
    "restarts_made",
]

BLOC_MIN = 3
"""A cluster of at least this many actors is a *bloc*; single actors and pairs are reported apart
and not counted in the headline ("8 blocs; 6 actors stand alone")."""
ORGANISATION_SHARE = 0.75
"""A bloc is named after an organisation (not a region) when at least this share of its states
are members of that organisation, and fewer than this share lie in its main region."""


def clusters(
    G: nx.MultiDiGraph,
    *,
    method: str = "louvain",
    types: Iterable[str] = DEFAULT_TYPES,
    weight: str | None = None,
    resolution: float = 1.0,
    seed: int | None = DEFAULT_SEED,
    restarts: int = RESTARTS,
    engine: str = "auto",
    two_mode: bool = True,
) -> pd.DataFrame:
    """Cooperation clusters of the actor network (seeded, reproducible).

    The network is the two-mode one of :func:`graphkit.analysis.centrality` (co-members
    tied with ``tie_weight / (n - 1)`` per shared organisation), so a forum every state
    joins barely pulls its members together.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A canonical graphkit graph.
    method : {"louvain", "leiden", "label_propagation"}
        Louvain (Blondel et al. 2008), Leiden (Traag et al. 2019, modularity objective;
        always computed by igraph, networkx has no implementation of its own) or label
        propagation.
    types, weight
        The actor network, as for :func:`graphkit.analysis.centrality`; a weight is
        used as cooperation strength.
    resolution : float
        Modularity resolution (Louvain and Leiden): above 1 gives more, smaller clusters.
    seed : int, optional
        Seed of the algorithm's random choices; equal seeds give equal clusters.
    restarts : int
        Louvain and label propagation depend on the order in which actors are visited:
        the algorithm runs this many times (one seeded random stream) and the partition
        with the highest modularity is kept. Leiden runs once, to convergence.
    engine : {"auto", "igraph", "networkx"}
    two_mode : bool
        ``False``: the direct network (a membership is one tie member-organisation).

    Returns
    -------
    pandas.DataFrame
        One row per actor: ``id, name, kind, region, cluster, cluster_name, bloc``. Clusters
        are numbered 0, 1, ... by decreasing size (ties: first actor in graph order);
        ``cluster_name`` is "<main region or organisation> — <most central state in it>"
        (:func:`cluster_label`; members ranked by weighted degree here, by PageRank in
        :func:`graphkit.analysis.analyze`), never a member from outside the main region nor
        a forum that more than half of the states join; ``bloc``: the cluster has at least
        :data:`BLOC_MIN` actors (single actors and pairs are reported apart).
        ``df.attrs["modularity"]`` is the partition's modularity.

    Examples
    --------
    >>> cl = gk.analysis.clusters(gk.load(gk.SAMPLE), seed=1)
    >>> sorted(cl[cl.cluster_name == "Asia — China"]["id"]), bool(cl[cl.id == "CHN"].bloc.iloc[0])
    (['CHN', 'RUS'], False)
    """
    net = actor_network(G, types, weight=weight, two_mode=two_mode)
    membership, used = cluster_membership(
        net, method=method, resolution=resolution, seed=seed, restarts=restarts, engine=engine
    )
    df = cluster_table(net, membership)
    df.attrs["modularity"] = modularity_of(net, membership, resolution=resolution)
    df.attrs["engine"] = used
    return df


def cluster_summary(
    clusters: pd.DataFrame,
    centrality: pd.DataFrame | None = None,
    *,
    G: nx.MultiDiGraph | None = None,
    types: Iterable[str] = DEFAULT_TYPES,
    by: str = "pagerank",
    top: int = 3,
) -> pd.DataFrame:
    """One row per cluster: size, density, most central members, dominant kind and region.

    Parameters
    ----------
    clusters : pandas.DataFrame
        The result of :func:`clusters`.
    centrality : pandas.DataFrame, optional
        The result of :func:`graphkit.analysis.centrality`; members are ranked by its
        column ``by``. Without it they are ranked by weighted degree in the network.
    G : networkx.MultiDiGraph, optional
        The graph, for internal edges and density (omitted: those columns are NaN).
    types : iterable of str
        Relationship types of the network (as used for the clusters).
    by : str
        Centrality column that ranks members.
    top : int
        How many central members to list.

    Returns
    -------
    pandas.DataFrame
        ``cluster, name, bloc, size, internal_edges, density, top_members, top_member_ids,
        dominant_kind, dominant_kind_share, dominant_region, dominant_region_share``;
        ``name`` is the clusters table's ``cluster_name`` ("Europe — Germany"; a single actor:
        "<name> cluster"; without that column: its most central state, or member of the most
        frequent kind, and " cluster"); ``bloc``: at least :data:`BLOC_MIN` actors; the
        dominant region is that of the cluster's states (share among them); lists are
        ``;``-separated.

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> s = gk.analysis.cluster_summary(gk.analysis.clusters(G), G=G)
    >>> s.loc[s["top_member_ids"].str.startswith("CHN"), ["name", "size", "density"]].values.tolist()
    [['Asia — China', 2, 1.0]]
    """
    cl = clusters.reset_index(drop=True)
    if centrality is not None and by in centrality.columns:
        score = cl["id"].map(centrality.set_index("id")[by]).fillna(0.0)
    else:
        score = pd.Series(0.0, index=cl.index)
    internal = pd.Series(np.nan, index=sorted(cl["cluster"].unique()))
    if G is not None:
        net = actor_network(G, types, two_mode=True)
        member_cluster = cl.set_index("id")["cluster"]
        cid = np.array([member_cluster.get(a, -1) for a in net.ids])
        if centrality is None:
            score = cl["id"].map(dict(zip(net.ids, net.strength, strict=False))).fillna(0.0)
        same = cid[net.src] == cid[net.dst]
        internal = pd.Series(np.bincount(cid[net.src][same], minlength=cid.max() + 1 if cid.size else 0))
    work = cl.assign(_score=score.to_numpy(), _order=np.arange(len(cl)))
    rows = []
    for c, grp in work.groupby("cluster", sort=True):
        grp = grp.sort_values(["_score", "_order"], ascending=[False, True])
        size = len(grp)
        e = float(internal.get(c, np.nan)) if c < len(internal) else np.nan
        density = (2 * e / (size * (size - 1))) if size > 1 else (0.0 if not np.isnan(e) else np.nan)
        kind, kind_share = _dominant(grp.get("kind"))
        states = grp[grp["kind"] == "state"] if "kind" in grp else grp.iloc[:0]
        # the main region of the cluster's states (not of its organisations, which have none)
        region, region_share = _dominant(states.get("region") if len(states) else grp.get("region"))
        if "cluster_name" in grp:  # one naming rule: the clusters table's (see clusters())
            name = str(grp["cluster_name"].iloc[0])
        else:
            name = str(grp["name"].iloc[_leader(grp["kind"].tolist() if "kind" in grp else [])])
        rows.append(
            {
                "cluster": int(c),
                "name": name if " — " in name else f"{name} cluster",
                "bloc": size >= BLOC_MIN,
                "size": size,
                "internal_edges": e,
                "density": density,
                "top_members": ";".join(grp["name"].head(top)),
                "top_member_ids": ";".join(grp["id"].head(top)),
                "dominant_kind": kind,
                "dominant_kind_share": kind_share,
                "dominant_region": region,
                "dominant_region_share": region_share,
            }
        )
    out = pd.DataFrame(rows)
    if len(out):
        out["size"] = out["size"].astype(np.int64)
    if G is not None and len(out):
        out["internal_edges"] = out["internal_edges"].astype(np.int64)
    return out


def modularity(
    G: nx.MultiDiGraph,
    clusters: pd.DataFrame,
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    weight: str | None = None,
    resolution: float = 1.0,
    two_mode: bool = True,
) -> float:
    """Newman's modularity of a partition (``clusters`` with columns ``id, cluster``) of the actor network.

    The network is two-mode as for :func:`clusters` (``two_mode=False``: the direct one).

    ``sum over clusters c of L_c / m - resolution * (d_c / 2m)^2``, where ``L_c`` counts the
    ties inside ``c``, ``d_c`` sums its members' degrees and ``m`` counts all ties
    (strengths instead of counts with ``weight``).

    Examples
    --------
    The sample's 18 direct ties split into the RUS-CHN camp (one tie, degree sum 2) and
    the rest (17 ties, degree sum 34), so by hand Q = 1/18 - (2/36)^2 + 17/18 - (34/36)^2:

    >>> import pandas as pd
    >>> G = gk.load(gk.SAMPLE)
    >>> actors = [n for n, d in G.nodes(data=True) if d["label"] == "Actor"]
    >>> split = pd.DataFrame({"id": actors, "cluster": [int(a in ("RUS", "CHN")) for a in actors]})
    >>> q = gk.modularity(G, split, two_mode=False)
    >>> round(q, 6) == round(1 / 18 - (2 / 36) ** 2 + 17 / 18 - (34 / 36) ** 2, 6)
    True
    """
    net = actor_network(G, types, weight=weight, two_mode=two_mode)
    lookup = clusters.set_index("id")["cluster"]
    missing = [a for a in net.ids if a not in lookup.index]
    if missing:
        raise AnalysisError(f"clusters has no row for actor(s) {', '.join(missing[:5])}")
    membership = np.array([int(lookup[a]) for a in net.ids])
    return modularity_of(net, membership, resolution=resolution)


# ---- on an ActorNetwork ------------------------------------------------------------


def restarts_made(*, method: str = "louvain", restarts: int = RESTARTS) -> int:
    """The runs :func:`cluster_membership` makes: ``restarts``, 1 for Leiden (which does
    not restart)."""
    return 1 if method == "leiden" else restarts


def cluster_membership(
    net: ActorNetwork,
    *,
    method: str = "louvain",
    resolution: float = 1.0,
    seed: int | None = DEFAULT_SEED,
    restarts: int = RESTARTS,
    engine: str = "auto",
    progress: Progress | None = None,
    jobs: int = 1,
) -> tuple[np.ndarray, str]:
    """Cluster of every actor (numbered by decreasing size) and the engine that computed it
    (each restart counted on ``progress``). ``jobs``: threads for the restarts of Louvain on
    the incidence (:func:`graphkit.analysis.louvain.louvain`; the same clusters with any)."""
    if method not in CLUSTER_METHODS:
        raise AnalysisError(
            f"unknown cluster method {method!r}; expected one of {', '.join(CLUSTER_METHODS)}"
        )
    if not resolution > 0:
        raise AnalysisError(f"resolution must be positive, not {resolution!r}")
    used = resolve_engine(engine)
    if method == "leiden":
        used = resolve_engine("igraph")
    w = "weight" if net.weighted else None
    if net.n == 0:
        return np.zeros(0, dtype=np.int64), used
    if isinstance(restarts, bool) or not isinstance(restarts, int) or restarts < 1:
        raise AnalysisError(f"restarts must be a positive integer, not {restarts!r}")
    runs = restarts_made(method=method, restarts=restarts)
    best: np.ndarray | None = None
    best_q = -np.inf
    progress = progress or Progress(quiet=True)
    from graphkit.analysis import louvain

    inc = net.incidence
    if used == "igraph" and method == "louvain" and inc is not None and louvain.serves(inc):
        # the two-mode network's first level without its co-member ties (graphkit/analysis/louvain.py)
        with seeded_igraph(seed):
            best, _ = louvain.louvain(
                inc,
                resolution=resolution,
                seed=seed,
                restarts=runs,
                tick=lambda run: progress.count(f"clusters ({method})", run, runs, unit="runs"),
                jobs=jobs,
            )
    elif used == "igraph":
        g = net.igraph
        with seeded_igraph(seed):
            for run in range(runs):
                progress.count(f"clusters ({method})", run, runs, unit="runs")
                if method == "louvain":
                    raw = g.community_multilevel(weights=w, resolution=resolution).membership
                elif method == "leiden":
                    raw = g.community_leiden(
                        objective_function="modularity", weights=w, resolution=resolution, n_iterations=-1
                    ).membership
                else:
                    raw = g.community_label_propagation(weights=w).membership
                m = np.asarray(raw, dtype=np.int64)
                q = modularity_of(net, m, resolution=resolution)
                if best is None or q > best_q + 1e-12:
                    best, best_q = m, q
    else:
        A = net.networkx
        rng = random.Random(seed)
        for run in range(runs):
            progress.count(f"clusters ({method})", run, runs, unit="runs")
            run_seed = rng.randrange(2**32)
            if method == "louvain":
                parts = nx.community.louvain_communities(A, weight=w, resolution=resolution, seed=run_seed)
            else:
                parts = nx.community.asyn_lpa_communities(A, weight=w, seed=run_seed)
            m = np.zeros(net.n, dtype=np.int64)
            for c, nodes in enumerate(parts):
                m[list(nodes)] = c
            q = modularity_of(net, m, resolution=resolution)
            if best is None or q > best_q + 1e-12:
                best, best_q = m, q
    progress.count(f"clusters ({method})", runs, runs, unit="runs")
    membership = best if best is not None else np.zeros(net.n, dtype=np.int64)
    return _renumber(membership), used


def modularity_of(net: ActorNetwork, membership: np.ndarray, *, resolution: float = 1.0) -> float:
    """Newman's modularity, ``sum_c [L_c / m - resolution (d_c / 2m)^2]`` with strengths when weighted
    (from the incidence when the network's ties are not listed: the same value)."""
    if not net.listed and net.incidence is not None:
        from graphkit.analysis.incidence import modularity

        return modularity(net.incidence, membership, resolution=resolution)
    total = float(net.weight.sum())
    if total == 0:
        return float("nan")
    same = membership[net.src] == membership[net.dst]
    inside = np.bincount(membership[net.src][same], net.weight[same], minlength=membership.max() + 1)
    degree = np.bincount(membership, net.strength, minlength=membership.max() + 1)
    return float((inside / total - resolution * (degree / (2 * total)) ** 2).sum())


def cluster_table(net: ActorNetwork, membership: np.ndarray, score: Any = None) -> pd.DataFrame:
    """``id, name, kind, region, cluster, cluster_name, bloc`` from a membership vector.

    ``score`` (one value per actor, e.g. PageRank) orders the members for naming; without
    it, weighted degree. ``cluster_name`` follows :func:`cluster_label`; ``bloc``: the
    cluster has at least :data:`BLOC_MIN` actors.
    """
    df = pd.DataFrame(
        {"id": net.ids, "name": net.names, "kind": net.kinds, "region": net.regions, "cluster": membership}
    )
    key = net.strength if score is None else np.nan_to_num(np.asarray(score, dtype=float), nan=-np.inf)
    order = np.lexsort((np.arange(net.n), -key))  # most central first, then graph order
    universal = _universal(net)
    ranked: dict[int, list[int]] = {}
    for i in order.tolist():
        ranked.setdefault(int(membership[i]), []).append(i)
    organisations = _organisation_members(net, universal)
    label = {c: cluster_label(net, members, universal, organisations) for c, members in ranked.items()}
    df["cluster_name"] = [label[int(c)] for c in membership]
    sizes = (
        np.bincount(np.asarray(membership, dtype=np.int64), minlength=1)
        if net.n
        else np.zeros(0, dtype=np.int64)
    )
    df["bloc"] = [bool(sizes[int(c)] >= BLOC_MIN) for c in membership]
    return df


def cluster_label(
    net: ActorNetwork,
    members: list[int],
    universal: np.ndarray | None = None,
    organisations: dict[int, set[int]] | None = None,
) -> str:
    """The name of a cluster whose ``members`` (actor positions, most central first) are given.

    - With states: ``"<main> — <state>"``. ``main`` is the region most of its states lie in
      (a tie goes to the region of the more central state), or, when fewer than
      :data:`ORGANISATION_SHARE` of its states lie there, an organisation of the cluster (not a
      global forum) that at least that share of its states belong to ("CSTO — Russia"); the
      state is the most central one *in* ``main`` (in that region, or a member of that
      organisation), so a cluster is never named after a member from outside its main region.
      States without a region: ``main`` is the most central state's name alone.
    - A single actor or a cluster without states: ``"<main> — <actor>"`` with ``main`` the
      plural of the most frequent kind (forums left out) and the actor its most central member
      of that kind; a single actor is its own name.

    ``organisations`` maps an organisation's position to its members' positions
    (:attr:`ActorNetwork.hubs`; absent: no organisation names).
    """
    universal = _universal(net) if universal is None else universal
    names, kinds, regions = net.names, net.kinds, net.regions
    if len(members) == 1:
        return str(names[members[0]])
    states = [i for i in members if kinds[i] == "state"]
    if states:
        with_region = [i for i in states if _known(regions[i])]
        if not with_region:
            return str(names[states[0]])
        counts = Counter(regions[i] for i in with_region)
        top = max(counts.values())
        region = next(regions[i] for i in with_region if counts[regions[i]] == top)
        if top / len(states) < ORGANISATION_SHARE and organisations:
            best = None
            for o in members:
                if universal[o] or o not in organisations:
                    continue
                share = len(organisations[o] & set(states)) / len(states)
                if share >= ORGANISATION_SHARE and (best is None or share > best[0]):
                    best = (share, o)
            if best is not None:
                leader = next(i for i in states if i in organisations[best[1]])
                return f"{names[best[1]]} — {names[leader]}"
        leader = next(i for i in states if regions[i] == region)
        return f"{region} — {names[leader]}"
    kinds_here = [None if universal[i] else kinds[i] for i in members]
    at = _leader(kinds_here)
    kind = kinds_here[at] or kinds[members[at]]
    return f"{_KIND_PLURALS.get(str(kind), str(kind))} — {names[members[at]]}"


_KIND_PLURALS = {
    "alliance": "Alliances",
    "international_org": "International organisations",
    "company": "Companies",
    "cert": "CERTs",
    "ngo": "NGOs",
    "other": "Other actors",
    "state": "States",
}


def _known(region: Any) -> bool:
    return region is not None and not (isinstance(region, float) and region != region) and str(region) != ""


def _organisation_members(net: ActorNetwork, universal: np.ndarray) -> dict[int, set[int]]:
    """Organisation position -> its members' positions, from the two-mode network's hubs."""
    hubs = net.hubs
    if hubs is None:
        return {}
    out: dict[int, set[int]] = {}
    for h, org in enumerate(np.asarray(hubs.org).tolist()):
        out[int(org)] = set(np.asarray(hubs.members[hubs.ptr[h] : hubs.ptr[h + 1]]).tolist())
    return out


def _universal(net: ActorNetwork) -> np.ndarray:
    """Whether each actor is a global forum: an organisation with more than half the network's states as members."""
    flags = np.zeros(net.n, dtype=bool)
    if net.members is None:
        return flags
    states = sum(1 for k in net.kinds if k == "state")
    return (net.members > states / 2) & (net.members > 1) if states else flags


def _leader(kinds: list[Any]) -> int:
    """Position of the cluster's namesake among its members (listed most central first).

    The most central state when the cluster has states; otherwise the most central member
    of the dominant (most frequent) kind, ties going to the kind of the more central member.
    A member whose kind is ``None`` (a global forum) is named only when nothing else is.

    >>> _leader(["international_org", "alliance", "state", "alliance"])
    2
    >>> _leader(["cert", "alliance", "alliance"])
    1
    >>> _leader(["cert", "alliance"])
    0
    """
    if "state" in kinds:
        return kinds.index("state")
    counts = Counter(k for k in kinds if k is not None)
    if not counts:
        return 0
    top = max(counts.values())
    return next(i for i, k in enumerate(kinds) if k is not None and counts[k] == top)


def _renumber(membership: np.ndarray) -> np.ndarray:
    labels, first, inverse, counts = np.unique(
        membership, return_index=True, return_inverse=True, return_counts=True
    )
    rank = np.lexsort((first, -counts))  # biggest first, ties by first member
    new = np.empty(labels.size, dtype=np.int64)
    new[rank] = np.arange(labels.size)
    return new[inverse]


def _dominant(values: Any) -> tuple[Any, float]:
    """The most frequent value (ties: the first one met) and its share of all values."""
    if values is None or len(values) == 0:
        return None, float("nan")
    seen = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
    if not seen:
        return None, float("nan")
    counts = Counter(seen)
    top = max(counts.values())
    winner = next(v for v in seen if counts[v] == top)
    return winner, float(top / len(values))
