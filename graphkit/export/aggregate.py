"""Large networks drawn as their clusters: a community-aware layout and the aggregated view.

Above :data:`AGGREGATE_ABOVE` nodes, a drawing shows each cluster of the analysis as one
node (sized by its members, at the centre of the disc its members occupy) and the ties
between clusters as weighted edges; the viewer expands a cluster into its members in
place. Clusters are the analysis's own (``prepare_drawing`` hands them in; nothing here
computes a community).

The layout is computed once, in Python: cluster centroids first (Fruchterman-Reingold on
the graph of clusters, weighted by the ties between them, then pushed apart until no two
discs overlap), then each cluster's members inside its disc (Fruchterman-Reingold on the
cluster's own ties, or a sunflower spiral, most central at the centre, for very large
clusters).

Examples
--------
>>> import networkx as nx
>>> V = nx.MultiDiGraph()
>>> V.add_edges_from([("a", "b"), ("b", "c"), ("x", "y"), ("c", "x")])
[0, 0, 0, 0]
>>> pos = community_layout(V, list(V), {"a": "A", "b": "A", "c": "A", "x": "X", "y": "X"}, seed=1)
>>> sorted(pos) == sorted(V)
True
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

import networkx as nx

__all__ = [
    "AGGREGATE_ABOVE",
    "MAX_FIRST_DRAWN",
    "NODE_SPACING",
    "community_layout",
    "cluster_groups",
    "aggregate_units",
]

AGGREGATE_ABOVE = 2000
"""Drawings of more nodes than this show clusters as single nodes first (``aggregate=None``)."""

MAX_FIRST_DRAWN = 2000
"""At most this many units (clusters and unclustered nodes) are drawn at first."""

NODE_SPACING = 40.0
"""Distance between neighbouring members inside a cluster's disc (canvas pixels)."""

_FR_UP_TO = 1500  # members of larger clusters are placed on a spiral, not by force layout
_MAX_DISCS = 1200  # clusters laid out as discs (the pairwise push-apart is quadratic in this)


def cluster_groups(ids: list[str], cluster_of: Mapping[str, str]) -> dict[str, list[str]]:
    """``{group: members}``: one group per cluster; a node without a cluster is its own group."""
    groups: dict[str, list[str]] = defaultdict(list)
    for n in ids:
        c = cluster_of.get(n)
        groups[c if c else "\0" + n].append(n)
    return dict(groups)


def _radius(size: int) -> float:
    return NODE_SPACING * math.sqrt(max(size, 1) / math.pi) * 1.15 + NODE_SPACING / 2


def community_layout(
    V: nx.MultiDiGraph,
    ids: list[str],
    cluster_of: Mapping[str, str],
    seed: int,
    score: Mapping[str, float] | None = None,
) -> dict[str, tuple[float, float]]:
    """Positions (canvas pixels, centred on 0) that keep each cluster together in its own disc."""
    if not ids:
        return {}
    import igraph as ig
    import numpy as np

    score = score or {}
    groups = cluster_groups(ids, cluster_of)
    names = sorted(groups, key=lambda g: (-len(groups[g]), g))
    gindex = {g: i for i, g in enumerate(names)}
    where = {n: gindex[g] for g, members in groups.items() for n in members}
    ties: Counter[tuple[int, int]] = Counter()
    inner: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for u, v in V.edges():
        if u == v or u not in where or v not in where:
            continue
        a, b = where[u], where[v]
        if a == b:
            inner[a].append((u, v))
        else:
            ties[(min(a, b), max(a, b))] += 1
    # discs for the largest clusters; nodes alone (and clusters beyond _MAX_DISCS) go in a grid beside them
    k = min(sum(1 for g in names if len(groups[g]) >= 2), _MAX_DISCS)
    radius = np.array([_radius(len(groups[g])) for g in names[:k]])
    ties = Counter({p: w for p, w in ties.items() if p[1] < k})
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        if k <= 1:
            centres = np.zeros((k, 2))
        else:
            cg = ig.Graph(n=k, edges=list(ties), directed=False)
            weights = [math.log1p(w) for w in ties.values()] if ties else None
            coords = cg.layout_fruchterman_reingold(weights=weights, niter=500).coords
            centres = np.array(coords, dtype=float)
            centres -= centres.mean(axis=0)
            span = float(np.abs(centres).max()) or 1.0
            # start about as spread as the discs need, then push overlapping discs apart
            centres *= math.sqrt(float((radius**2).sum())) * 1.3 / span
            centres = _separate(centres, radius, gap=NODE_SPACING)
        pos: dict[str, tuple[float, float]] = {}
        for i, g in enumerate(names[:k]):
            members = groups[g]
            cx, cy = centres[i]
            r = radius[i] - NODE_SPACING / 2
            local = _members_layout(V, members, inner.get(i, []), score, ig)
            for n, (x, y) in zip(members, local, strict=True):
                pos[n] = (round(float(cx + x * r), 1), round(float(cy + y * r), 1))
    finally:
        ig.set_random_number_generator(random)
    rest = [n for g in names[k:] for n in sorted(groups[g], key=lambda m: (-score.get(m, 0.0), m))]
    if rest:
        right = max((x + NODE_SPACING for x, _ in pos.values()), default=-NODE_SPACING)
        if k:
            right += 2 * NODE_SPACING
        cols = max(1, math.ceil(math.sqrt(len(rest))))
        rows = math.ceil(len(rest) / cols)
        top = -(rows - 1) * NODE_SPACING / 2
        for i, n in enumerate(rest):
            pos[n] = (round(right + (i % cols) * NODE_SPACING, 1), round(top + (i // cols) * NODE_SPACING, 1))
    if k == 0 and rest:  # recentre a grid-only layout
        xs = [p[0] for p in pos.values()]
        cx = (max(xs) + min(xs)) / 2
        pos = {n: (round(x - cx, 1), y) for n, (x, y) in pos.items()}
    return pos


def _separate(centres: Any, radius: Any, gap: float, rounds: int = 200) -> Any:
    """Move disc centres apart until no two discs (plus ``gap``) overlap (vectorised relaxation)."""
    import numpy as np

    c = centres.copy()
    need = radius[:, None] + radius[None, :] + gap
    np.fill_diagonal(need, 0)
    for _ in range(rounds):
        d = c[:, None, :] - c[None, :, :]
        dist = np.sqrt((d**2).sum(axis=2))
        np.fill_diagonal(dist, np.inf)
        over = need - dist
        over[over < 0] = 0
        if not over.any():
            break
        dist[dist == 0] = 1e-6
        push = (d / dist[:, :, None]) * (over[:, :, None] / 2 + 0.5)
        # larger discs move less
        weight = (radius[None, :] ** 2 / (radius[:, None] ** 2 + radius[None, :] ** 2))[:, :, None]
        c += (push * weight * 2).sum(axis=1)
    return c - c.mean(axis=0)


def _members_layout(
    V: nx.MultiDiGraph, members: list[str], inner: list[tuple[str, str]], score: Mapping[str, float], ig: Any
) -> list[tuple[float, float]]:
    """Member positions in the unit disc."""
    m = len(members)
    if m == 1:
        return [(0.0, 0.0)]
    if m <= _FR_UP_TO and inner:
        index = {n: i for i, n in enumerate(members)}
        pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in inner}
        g = ig.Graph(n=m, edges=list(pairs), directed=False)
        coords = g.layout_fruchterman_reingold(niter=200 if m <= 400 else 100).coords
        xs = [c[0] for c in coords]
        ys = [c[1] for c in coords]
        cx, cy = sum(xs) / m, sum(ys) / m
        # rank-preserving radial squeeze into the unit disc, so loose members do not fly off
        polar = [
            (math.atan2(y - cy, x - cx), math.hypot(x - cx, y - cy)) for x, y in zip(xs, ys, strict=True)
        ]
        order = sorted(range(m), key=lambda i: polar[i][1])
        out = [(0.0, 0.0)] * m
        for rank, i in enumerate(order):
            rad = math.sqrt((rank + 0.5) / m)
            out[i] = (rad * math.cos(polar[i][0]), rad * math.sin(polar[i][0]))
        return out
    # sunflower spiral: evenly spaced, the most central members in the middle
    order = sorted(range(m), key=lambda i: (-score.get(members[i], 0.0), members[i]))
    golden = math.pi * (3 - math.sqrt(5))
    out = [(0.0, 0.0)] * m
    for rank, i in enumerate(order):
        rad = math.sqrt((rank + 0.5) / m)
        out[i] = (rad * math.cos(rank * golden), rad * math.sin(rank * golden))
    return out


def aggregate_units(
    ids: list[str], cluster_of: Mapping[str, str], limit: int = MAX_FIRST_DRAWN
) -> tuple[dict[str, list[str]], list[str]]:
    """What is drawn first: ``({cluster: members}, [nodes drawn as themselves])``.

    Every cluster of two or more members becomes one unit; nodes without a cluster (or
    alone in theirs) are drawn as themselves, unless that would exceed ``limit`` units:
    then they are gathered into one unit ``"\\0unclustered"``, and clusters beyond the
    ``limit - 2`` largest into ``"\\0smaller clusters"`` (keys that no cluster name has).

    >>> aggregate_units(["a", "b", "c", "d"], {"a": "X", "b": "X", "c": "Y"})
    ({'X': ['a', 'b']}, ['c', 'd'])
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for n in ids:
        c = cluster_of.get(n)
        if c:
            groups[c].append(n)
    clusters = {c: m for c, m in groups.items() if len(m) >= 2}
    singles = [n for n in ids if cluster_of.get(n) not in clusters]
    if len(clusters) + len(singles) <= limit:
        return clusters, singles
    ranked = sorted(clusters, key=lambda c: (-len(clusters[c]), c))
    keep = ranked[: max(1, limit - 2)]
    out = {c: clusters[c] for c in keep}
    rest = [n for c in ranked[len(keep) :] for n in clusters[c]]
    if rest:
        out["\0smaller clusters"] = rest
    if singles:
        out["\0unclustered"] = singles
    return out, []
