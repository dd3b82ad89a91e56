"""The two-mode network as its member-organisation incidence: strength measures without the co-member ties.

The two-mode actor network (:mod:`graphkit.analysis.engine`) ties every pair of an
organisation ``o``'s ``k_o`` members with ``c_o = t_o / (k_o - 1)`` (``t_o`` when
``k_o = 1``), ties ``o`` itself to each member with ``c_o``, and keeps the direct
(cooperation) ties ``C``; merged ties add up. Its weighted adjacency is therefore

    W = B diag(c) Bᵀ - diag(B c) + B diag(c) P + Pᵀ diag(c) Bᵀ + C

with ``B`` the actor × organisation incidence (``B[i, o] = 1`` when ``i`` is a member of
``o``) and ``P`` the organisation × actor matrix that places organisation ``o`` at its
own actor index. ``W v`` costs one pass over the memberships and one over the direct
ties, where the explicit projection has ``sum k_o (k_o - 1) / 2`` ties (16.9 million at
100,000 actors in 500 organisations of ~260). For membership row ``r`` (member ``i``,
organisation ``o``, ``s_o = sum over o's members of v``):

    (W v)_i += c_o (s_o - v_i + v_o)        (co-members, and the organisation)
    (W v)_o += c_o s_o                       (the organisation's ties to its members)

:func:`weighted_degree`, :func:`pagerank` and :func:`eigenvector` compute, on this
operator, what igraph computes on the explicit projection (PageRank with damping 0.85,
dangling actors jumping uniformly, values summing to 1; the leading eigenvector, unit
length, non-negative) and equal it within 1e-9 (``tests/analysis/test_incidence.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = [
    "Incidence",
    "incidence",
    "weighted_degree",
    "pagerank",
    "eigenvector",
    "modularity",
    "ExplicitTies",
    "explicit_ties",
    "ties_inside",
    "DAMPING",
]

DAMPING = 0.85
"""PageRank's damping factor (igraph's and networkx's default, and graphkit's)."""

_PAGERANK_TOL = 1e-15
"""Stop PageRank when the L1 change of one iteration is below this (values sum to 1)."""

_EIGEN_TOL = 1e-13
"""Stop the eigenvector when ``|W x - lambda x|`` is below this times ``lambda`` (``|x| = 1``)."""


_KRYLOV = 20
"""Lanczos vectors per restart of :func:`eigenvector`."""

_REORTHOGONALISE = 1
"""Passes of full reorthogonalisation per Lanczos vector (the restarts and the residual
test catch what one pass leaves)."""


@dataclass(frozen=True, eq=False)
class Incidence:
    """The two-mode network of ``n`` actors without its co-member ties.

    Membership row ``r``: actor ``member[r]`` belongs to organisation ``org[r]`` (an actor
    index too); each (organisation, member) pair appears once, sorted by organisation.
    ``share[o]`` is ``c_o`` (0 for an actor without members) and ``size[o]`` its number of
    distinct members. ``src, dst, weight``: the direct actor-actor ties other than
    memberships (``src < dst``, parallel ties merged, strengths summed).
    """

    n: int
    member: np.ndarray
    org: np.ndarray
    share: np.ndarray
    size: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray

    @cached_property
    def row_share(self) -> np.ndarray:
        """``c_o`` of each membership row."""
        return self.share[self.org]

    @property
    def projected_ties(self) -> int:
        """Co-member pairs the explicit projection would list (before merging)."""
        k = self.size.astype(np.int64)
        return int((k * (k - 1) // 2).sum())

    def matvec(self, v: np.ndarray) -> np.ndarray:
        """``W v``: the two-mode network's weighted adjacency times ``v`` (module docstring)."""
        n = self.n
        s = np.bincount(self.org, v[self.member], minlength=n)
        c = self.row_share
        out = np.bincount(self.member, c * (s[self.org] - v[self.member] + v[self.org]), minlength=n)
        out += self.share * s
        if self.src.size:
            out += np.bincount(self.src, self.weight * v[self.dst], minlength=n)
            out += np.bincount(self.dst, self.weight * v[self.src], minlength=n)
        return out

    @cached_property
    def strength(self) -> np.ndarray:
        """Weighted degree ``W 1``: ``sum over o ∋ i of c_o k_o``, plus ``c_i k_i`` for an
        organisation, plus the direct ties' strengths."""
        n = self.n
        ck = self.share * self.size
        out = np.bincount(self.member, ck[self.org], minlength=n) + ck
        if self.src.size:
            out += np.bincount(self.src, self.weight, minlength=n) + np.bincount(
                self.dst, self.weight, minlength=n
            )
        return out

    @cached_property
    def has_ties(self) -> bool:
        """Whether the network has at least one tie."""
        return bool(self.member.size or self.src.size)


def incidence(
    n: int,
    member: np.ndarray,
    org: np.ndarray,
    share: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
) -> Incidence:
    """The :class:`Incidence` of ``n`` actors from membership rows ``member[r] -> org[r]``
    with their organisation's share ``share[r]`` (``c_o``, equal on all rows of ``o``;
    repeated rows count once) and direct ties ``src[e] - dst[e]`` of strength ``weight[e]``
    (any order, parallel ties summed; self-ties are not allowed)."""
    member = np.asarray(member, dtype=np.int64)
    org = np.asarray(org, dtype=np.int64)
    share = np.asarray(share, dtype=float)
    nn = max(n, 1)
    key = org * nn + member
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.r_[True, key[1:] != key[:-1]] if key.size else np.zeros(0, dtype=bool)
    rows = order[first]
    m_rows, o_rows = member[rows], org[rows]
    per_org = np.zeros(n)
    per_org[o_rows] = share[rows]
    size = np.bincount(o_rows, minlength=n).astype(np.int64)
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    flat = lo * nn + hi
    keys, inverse = np.unique(flat, return_inverse=True) if flat.size else (flat, flat)
    merged = (
        np.bincount(inverse, np.asarray(weight, dtype=float), minlength=keys.size)
        if flat.size
        else np.zeros(0)
    )
    return Incidence(
        n=n,
        member=m_rows,
        org=o_rows,
        share=per_org,
        size=size,
        src=(keys // nn).astype(np.int64),
        dst=(keys % nn).astype(np.int64),
        weight=merged.astype(float),
    )


def weighted_degree(inc: Incidence) -> np.ndarray:
    """Each actor's sum of tie strengths in the two-mode network."""
    return inc.strength.copy()


def pagerank(inc: Incidence, *, damping: float = DAMPING) -> np.ndarray:
    """PageRank of the two-mode network, as igraph's ``pagerank(weights=..., directed=False)``
    computes it on the explicit projection: a walker follows a tie with probability
    proportional to its strength, jumps to a uniformly chosen actor with probability
    ``1 - damping``, and always jumps from an actor without ties; values sum to 1."""
    n = inc.n
    if n == 0:
        return np.zeros(0)
    s = inc.strength
    dangling = s <= 0
    inv = np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, s))
    x = np.full(n, 1.0 / n)
    for _ in range(10_000):
        spread = inc.matvec(x * inv)
        lost = float(x[dangling].sum())
        new = damping * (spread + lost / n) + (1.0 - damping) / n
        new /= new.sum()
        change = float(np.abs(new - x).sum())
        x = new
        if change < _PAGERANK_TOL:
            break
    return x


def eigenvector(inc: Incidence, *, start: np.ndarray | None = None) -> np.ndarray:
    """The leading eigenvector of the two-mode network's weighted adjacency, non-negative and
    of unit length (what graphkit reports from igraph's ``eigenvector_centrality`` on the
    explicit projection). Restarted Lanczos with full reorthogonalisation from ``start``
    (default: the weighted degrees, igraph's start), so on a network whose components
    share the largest eigenvalue the result is the start's projection on that eigenspace,
    as with igraph's ARPACK."""
    n = inc.n
    if n == 0:
        return np.zeros(0)
    if not inc.has_ties:
        return np.full(n, 1.0 / np.sqrt(n))
    x = (inc.strength if start is None else np.asarray(start, dtype=float)).copy()
    if not np.any(x):
        x = np.ones(n)
    x /= np.linalg.norm(x)
    k = min(n, _KRYLOV)
    theta = 0.0
    for _ in range(500):
        theta, x, residual = _lanczos_step(inc, x, k)
        if residual <= _EIGEN_TOL * max(abs(theta), 1e-300):
            break
    x = np.abs(x)
    return x / np.linalg.norm(x)


def _lanczos_step(inc: Incidence, x: np.ndarray, k: int) -> tuple[float, np.ndarray, float]:
    """One Lanczos run of ``k`` steps from unit ``x`` (full reorthogonalisation): the largest
    Ritz value, its unit Ritz vector and its residual norm."""
    n = inc.n
    V = np.empty((k, n))
    alpha = np.zeros(k)
    beta = np.zeros(k)
    V[0] = x
    j = 0
    for j in range(k):
        w = inc.matvec(V[j])
        alpha[j] = float(V[j] @ w)
        for _ in range(_REORTHOGONALISE):
            w -= (V[: j + 1] @ w) @ V[: j + 1]
        b = float(np.linalg.norm(w))
        if j + 1 == k or b <= 1e-14 * max(abs(alpha[: j + 1]).max(), 1e-300):
            break
        beta[j] = b
        V[j + 1] = w / b
    size = j + 1
    T = np.diag(alpha[:size]) + np.diag(beta[: size - 1], 1) + np.diag(beta[: size - 1], -1)
    values, vectors = np.linalg.eigh(T)
    top = int(np.argmax(values))
    y = V[:size].T @ vectors[:, top]
    y /= np.linalg.norm(y)
    if y.sum() < 0:
        y = -y
    theta = float(values[top])
    residual = float(np.linalg.norm(inc.matvec(y) - theta * y))
    return theta, y, residual


def modularity(inc: Incidence, membership: np.ndarray, *, resolution: float = 1.0) -> float:
    """Newman's modularity of ``membership`` on the two-mode network (strengths), as
    :func:`graphkit.analysis.clusters.modularity_of` computes it on the explicit projection:
    the ties inside a cluster come from each organisation's members per cluster
    (``c_o m (m - 1) / 2`` for ``m`` of them, plus ``c_o m`` when ``o`` is in that cluster)."""
    membership = np.asarray(membership, dtype=np.int64)
    s = inc.strength
    total = float(s.sum()) / 2
    if total == 0:
        return float("nan")
    clusters = int(membership.max()) + 1 if membership.size else 0
    # members of each organisation per cluster
    key = inc.org * clusters + membership[inc.member]
    keys, counts = np.unique(key, return_counts=True)
    o = keys // clusters
    cl = keys % clusters
    c = inc.share[o]
    inside = np.bincount(cl, c * counts * (counts - 1) / 2, minlength=clusters)
    own = membership[o] == cl
    inside += np.bincount(cl[own], c[own] * counts[own], minlength=clusters)
    if inc.src.size:
        same = membership[inc.src] == membership[inc.dst]
        inside += np.bincount(membership[inc.src][same], inc.weight[same], minlength=clusters)
    degree = np.bincount(membership, s, minlength=clusters)
    return float((inside / total - resolution * (degree / (2 * total)) ** 2).sum())


@dataclass(frozen=True, eq=False)
class ExplicitTies:
    """The ties of the two-mode network that an organisation's hub cannot stand for, merged.

    With every organisation of at least ``hub_min`` members drawn as a hub
    (:mod:`graphkit.analysis.paths`), a merged tie of the projection is *replaced* when it
    is one co-member tie of one such organisation and nothing else; every other tie is
    listed here: the direct ties (cooperation, member-organisation), the co-member ties of
    smaller organisations and the pairs that share two or more organisations, each with its
    merged strength (``weight``, as the projection sums it). ``src < dst``, sorted by
    ``(src, dst)``; ``hubbed[e]``: how many hub organisations tie ``src[e]`` and ``dst[e]``
    as co-members. ``replaced``: how many merged ties the hubs stand for, so the projection
    has ``src.size + replaced`` ties (:attr:`m`).
    """

    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    hubbed: np.ndarray
    replaced: int
    hub_min: int

    @property
    def m(self) -> int:
        """Merged ties of the projection."""
        return int(self.src.size) + self.replaced


def explicit_ties(inc: Incidence, hub_min: int) -> ExplicitTies:
    """The :class:`ExplicitTies` of ``inc`` without listing the co-member pairs of the hub
    organisations: the candidates are the direct ties, the pairs of organisations of fewer
    than ``hub_min`` members and the pairs of actors with two or more organisations that
    share two of them; the co-member strength of each candidate pair sums ``c_o`` over the
    organisations both belong to (looked up from the one with fewer organisations)."""
    n = inc.n
    nn = max(n, 1)
    member, org, size = inc.member, inc.org, inc.size
    by_member = np.argsort(member, kind="stable")
    orgs_of = org[by_member]
    count = np.bincount(member, minlength=n).astype(np.int64)  # organisations of each actor
    ptr = np.r_[0, np.cumsum(count)].astype(np.int64)
    us: list[np.ndarray] = [inc.src, member]
    vs: list[np.ndarray] = [inc.dst, org]
    ws: list[np.ndarray] = [inc.weight, inc.share[org]]
    # organisations of 2 .. hub_min - 1 members keep their co-member ties
    row_size = size[org]
    for k in range(2, hub_min):
        rows = np.flatnonzero(row_size == k)
        if not rows.size:
            continue
        block = member[rows].reshape(-1, k)  # rows are sorted by organisation
        i, j = np.triu_indices(k, 1)
        us.append(block[:, i].ravel())
        vs.append(block[:, j].ravel())
    # actors sharing two or more organisations: grouped by each pair of their organisations
    multi = np.flatnonzero(count >= 2)
    pair_keys: list[np.ndarray] = []
    pair_actor: list[np.ndarray] = []
    for d in np.unique(count[multi]).tolist():
        who = multi[count[multi] == d]
        lists = orgs_of[ptr[who][:, None] + np.arange(d)]
        i, j = np.triu_indices(d, 1)
        pair_keys.append((lists[:, i] * nn + lists[:, j]).ravel())
        pair_actor.append(np.repeat(who, i.size))
    if pair_keys:
        keys = np.concatenate(pair_keys)
        actors = np.concatenate(pair_actor)
        order = np.lexsort((actors, keys))
        keys, actors = keys[order], actors[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        ends = np.r_[starts[1:], keys.size]
        g = ends - starts
        for k in np.unique(g[g >= 2]).tolist():
            at = starts[g == k]
            block = actors[at[:, None] + np.arange(k)]
            i, j = np.triu_indices(k, 1)
            us.append(block[:, i].ravel())
            vs.append(block[:, j].ravel())
    u = np.concatenate([np.asarray(x, dtype=np.int64) for x in us])
    v = np.concatenate([np.asarray(x, dtype=np.int64) for x in vs])
    direct_w = np.zeros(u.size)
    filled = sum(x.size for x in ws)
    direct_w[:filled] = np.concatenate(ws)
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    flat = lo * nn + hi
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if ordered.size else np.zeros(0, dtype=bool)
    inverse = np.empty(flat.size, dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    keys = ordered[first]
    src, dst = keys // nn, keys % nn
    weight = np.bincount(inverse, direct_w, minlength=keys.size) if keys.size else np.zeros(0)
    # the organisations each pair shares, looked up from the end with fewer of them
    a = np.where(count[src] <= count[dst], src, dst)
    b = np.where(count[src] <= count[dst], dst, src)
    reps = count[a]
    pair = np.repeat(np.arange(keys.size), reps)
    offset = np.arange(pair.size) - np.repeat(np.cumsum(reps) - reps, reps)
    o = orgs_of[np.repeat(ptr[a], reps) + offset]
    memberships = org * nn + member  # sorted: rows are sorted by organisation, then member
    look = o * nn + b[pair]
    pos = np.searchsorted(memberships, look)
    pos[pos >= memberships.size] = 0
    hit = memberships[pos] == look if memberships.size else np.zeros(look.size, dtype=bool)
    weight = weight + np.bincount(pair[hit], inc.share[o[hit]], minlength=keys.size)
    hub = hit & (size[o] >= hub_min)
    hubbed = np.bincount(pair[hub], minlength=keys.size).astype(np.int64)
    big = size >= hub_min
    hub_size = size[big].astype(np.int64)
    replaced = int((hub_size * (hub_size - 1) // 2).sum()) - int(hubbed.sum())
    return ExplicitTies(
        src=src.astype(np.int64),
        dst=dst.astype(np.int64),
        weight=weight.astype(float),
        hubbed=hubbed,
        replaced=replaced,
        hub_min=hub_min,
    )


def ties_inside(inc: Incidence, ties: ExplicitTies, membership: np.ndarray) -> np.ndarray:
    """How many merged ties of the two-mode network join two actors of each cluster (the
    projection's ``internal_edges``), from the explicit ties and, for the hub organisations,
    ``m (m - 1) / 2`` co-member ties for ``m`` of their members in the cluster, less those
    the explicit ties already count."""
    membership = np.asarray(membership, dtype=np.int64)
    clusters = int(membership.max()) + 1 if membership.size else 0
    same = membership[ties.src] == membership[ties.dst]
    inside = np.bincount(membership[ties.src][same], minlength=clusters).astype(np.int64)
    inside -= np.bincount(membership[ties.src][same], ties.hubbed[same], minlength=clusters).astype(np.int64)
    rows = inc.size[inc.org] >= ties.hub_min
    if rows.any():
        key = inc.org[rows] * max(clusters, 1) + membership[inc.member[rows]]
        keys, counts = np.unique(key, return_counts=True)
        cl = keys % max(clusters, 1)
        inside += np.bincount(cl, counts * (counts - 1) // 2, minlength=clusters).astype(np.int64)
    return inside
