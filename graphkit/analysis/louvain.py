"""Louvain on the two-mode network's incidence: the first level compiled, without the co-member ties.

Louvain (Blondel et al. 2008) moves each actor to the neighbouring cluster with the best
modularity gain ``w(i, C) - resolution * k_i * K_C / 2m``, then merges the clusters into
single vertices and repeats. On the two-mode network (:mod:`graphkit.analysis.incidence`)
the tie strength from actor ``i`` to cluster ``C`` is, without the projection,

    w(i, C) = sum over o ∋ i of c_o (m_{o,C} - [i ∈ C]) + c_o [o ∈ C]
              + [i is an organisation] c_i m_{i,C} + direct ties of i into C

(``m_{o,C}``: members of ``o`` in ``C``). The first level, where the network is largest,
runs here (:func:`_sweep`, compiled with numba when it is installed, releasing the GIL so
that progress lines and the shortest-path threads keep running); each sweep over the
actors is one call, and progress is reported between sweeps. The clusters of the first
level are then merged into a small explicit weighted graph (a cluster's inside strength
as a self-loop: the same modularity) and igraph's ``community_multilevel`` finishes the
remaining levels. Restarts share the incidence's adjacency lists and differ only by the
seeded order in which actors are visited.

The partition is not igraph's own on the projection (the visiting order differs); its
modularity is as high, within 0.01 on the bundled data and the synthetic networks
(``tests/analysis/test_louvain.py``).
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from graphkit.analysis.incidence import Incidence, modularity

__all__ = ["louvain", "serves", "available", "merged_graph", "Adjacency", "adjacency", "MIN_PROJECTED_TIES"]

MIN_PROJECTED_TIES = 500_000
"""Co-member pairs above which :func:`graphkit.analysis.clusters.cluster_membership` runs
Louvain on the incidence (below it igraph on the projection takes well under a second
and keeps today's partitions exactly)."""

_MAX_SWEEPS = 200
_MIN_GAIN = 1e-7
"""A sweep whose moves gain less modularity than this ends the first level."""

_REPORT_EVERY = 2.0
"""Seconds between progress lines while restarts run in threads."""

_COMPILED: list[Any] = []
"""The compiled sweep, once compiled (numba is imported only when a large network needs it)."""


def available() -> bool:
    """Whether the compiled first level can run (numba installed and importable)."""
    if _COMPILED:
        return True
    if importlib.util.find_spec("numba") is None:
        return False
    try:
        import numba
    except Exception:  # pragma: no cover - installed, but not for this numpy
        return False
    _COMPILED.append(numba.njit(cache=True, nogil=True)(_sweep))
    return True


def serves(inc: Incidence | None) -> bool:
    """Whether Louvain runs on the incidence ``inc`` (a two-mode network whose projection has
    at least :data:`MIN_PROJECTED_TIES` co-member pairs, numba installed) instead of igraph
    on the projection."""
    return inc is not None and inc.projected_ties >= MIN_PROJECTED_TIES and available()


@dataclass(frozen=True, eq=False)
class Adjacency:
    """The incidence as lists Louvain walks: each actor's organisations
    (``mem_org[mem_ptr[i]:mem_ptr[i + 1]]``), each organisation's members
    (``org_mem[org_ptr[o]:org_ptr[o + 1]]``) and each actor's direct ties (``adj_nbr``,
    ``adj_w`` between ``adj_ptr[i]`` and ``adj_ptr[i + 1]``)."""

    mem_ptr: np.ndarray
    mem_org: np.ndarray
    org_ptr: np.ndarray
    org_mem: np.ndarray
    adj_ptr: np.ndarray
    adj_nbr: np.ndarray
    adj_w: np.ndarray


def adjacency(inc: Incidence) -> Adjacency:
    """The :class:`Adjacency` of ``inc`` (built once, shared by every restart)."""
    n = inc.n
    by_member = np.argsort(inc.member, kind="stable")
    ends = np.r_[inc.src, inc.dst]
    starts = np.r_[inc.dst, inc.src]
    by_end = np.argsort(ends, kind="stable")
    return Adjacency(
        mem_ptr=_ptr(inc.member, n),
        mem_org=inc.org[by_member].astype(np.int64),
        org_ptr=_ptr(inc.org, n),
        org_mem=inc.member.astype(np.int64),  # rows are sorted by organisation
        adj_ptr=_ptr(ends, n),
        adj_nbr=starts[by_end].astype(np.int64),
        adj_w=np.r_[inc.weight, inc.weight][by_end].astype(float),
    )


def _ptr(keys: np.ndarray, n: int) -> np.ndarray:
    return np.r_[0, np.cumsum(np.bincount(keys, minlength=n))].astype(np.int64)


def louvain(
    inc: Incidence,
    *,
    resolution: float = 1.0,
    seed: int | None = None,
    restarts: int = 1,
    tick: Callable[[int], None] | None = None,
    ig: Any = None,
    jobs: int = 1,
) -> tuple[np.ndarray, float]:
    """The best of ``restarts`` seeded Louvain runs on the two-mode network of ``inc``: the
    cluster of every actor and the partition's modularity (``resolution`` as in igraph).

    ``tick(run)`` is called between sweeps of the first level and before each run (for
    progress lines); ``ig``: the python-igraph module (imported when omitted), whose
    ``community_multilevel`` finishes each run on the merged clusters. igraph's random
    numbers are whatever generator the caller installed (seeded by
    :func:`graphkit.analysis.engine.seeded_igraph`); the visiting orders come from ``seed``.
    ``jobs`` > 1: the first levels of the restarts run in that many threads (the compiled
    sweeps release the GIL), then igraph finishes them one by one in order, so the result
    is the same as with one.
    """
    if ig is None:
        ig = importlib.import_module("igraph")
    n = inc.n
    k = inc.strength
    two_m = float(k.sum())
    if n == 0 or two_m == 0:
        return np.arange(n, dtype=np.int64), float("nan")
    adj = adjacency(inc)
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(n) for _ in range(restarts)]
    threads = min(int(jobs), restarts) if available() else 1
    firsts: list[np.ndarray | None] = [None] * restarts
    if threads > 1:
        firsts = _first_levels_in_threads(inc, adj, k, two_m, resolution, orders, threads, tick)
    best, best_q = np.arange(n, dtype=np.int64), -np.inf
    for run in range(restarts):
        comm = firsts[run]
        if comm is None:
            if tick is not None:
                tick(run)
            comm = _first_level(
                inc, adj, k, two_m, resolution, orders[run], functools.partial(_tick, tick, run)
            )
        membership = _finish(inc, comm, resolution, ig)
        q = modularity(inc, membership, resolution=resolution)
        if q > best_q + 1e-12:
            best, best_q = membership, q
    return best, float(best_q)


def _first_levels_in_threads(
    inc: Incidence,
    adj: Adjacency,
    k: np.ndarray,
    two_m: float,
    resolution: float,
    orders: list[np.ndarray],
    threads: int,
    tick: Callable[[int], None] | None,
) -> list[np.ndarray | None]:
    """The first level of every restart, thread ``t`` taking restarts ``t, t + threads, ...``;
    progress (``tick(restarts done)``) from this thread every :data:`_REPORT_EVERY` seconds."""
    out: list[np.ndarray | None] = [None] * len(orders)
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for run in range(t, len(orders), threads):
                out[run] = _first_level(inc, adj, k, two_m, resolution, orders[run], lambda: None)
        except BaseException as exc:  # handed to the caller below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(t,), daemon=True) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        while w.is_alive():
            if tick is not None:
                tick(sum(x is not None for x in out))
            w.join(_REPORT_EVERY)
    if errors:
        raise errors[0]
    return out


def _tick(tick: Callable[[int], None] | None, run: int) -> None:
    if tick is not None:
        tick(run)


def _first_level(
    inc: Incidence,
    adj: Adjacency,
    k: np.ndarray,
    two_m: float,
    resolution: float,
    order: np.ndarray,
    between: Callable[[], Any],
) -> np.ndarray:
    """Louvain's local moving, one compiled sweep per call, until a sweep gains (almost) nothing."""
    n = inc.n
    comm = np.arange(n, dtype=np.int64)
    tot = k.astype(float).copy()
    # each organisation's clusters and how many of its members each holds (slots
    # org_ptr[o] .. org_ptr[o] + held[o]): a visit costs the clusters of the actor's
    # organisations, not their members, once the first sweep has gathered them
    held_comm = adj.org_mem.copy()
    held_count = np.ones(adj.org_mem.size, dtype=np.int64)
    held = inc.size.astype(np.int64).copy()
    wc = np.zeros(n)
    mark = np.zeros(n, dtype=np.bool_)
    touched = np.zeros(n, dtype=np.int64)
    order = order.astype(np.int64)
    sweep = _COMPILED[0] if available() else _sweep
    for _ in range(_MAX_SWEEPS):
        moves, gain = sweep(
            order, comm, tot, k, float(resolution), two_m,
            adj.mem_ptr, adj.mem_org, adj.org_ptr, inc.share, held_comm, held_count, held,
            adj.adj_ptr, adj.adj_nbr, adj.adj_w, wc, mark, touched,
        )  # fmt: skip
        between()
        if moves == 0 or gain / two_m < _MIN_GAIN:
            break
    return comm


def _sweep(order, comm, tot, k, gamma, two_m, mem_ptr, mem_org, org_ptr, share, held_comm, held_count, held,
           adj_ptr, adj_nbr, adj_w, wc, mark, touched):  # fmt: skip  # pragma: no cover - compiled
    """Visit every actor in ``order`` once and move it to its best cluster: the number of
    moves and their summed gain (in strength units). ``held_comm``/``held_count``: the
    clusters of each organisation's members and their counts (kept up to date)."""
    moves = 0
    gained = 0.0
    for idx in range(order.size):
        i = order[idx]
        ci = comm[i]
        nt = 0
        for e in range(adj_ptr[i], adj_ptr[i + 1]):
            c = comm[adj_nbr[e]]
            if not mark[c]:
                mark[c] = True
                touched[nt] = c
                nt += 1
            wc[c] += adj_w[e]
        for r in range(mem_ptr[i], mem_ptr[i + 1]):
            o = mem_org[r]
            s = share[o]
            c = comm[o]  # the organisation itself
            if not mark[c]:
                mark[c] = True
                touched[nt] = c
                nt += 1
            wc[c] += s
            for q in range(org_ptr[o], org_ptr[o] + held[o]):  # its other members, by cluster
                c = held_comm[q]
                m = held_count[q] - (1 if c == ci else 0)
                if m > 0:
                    if not mark[c]:
                        mark[c] = True
                        touched[nt] = c
                        nt += 1
                    wc[c] += s * m
        if held[i] > 0:  # an organisation: its ties to its members
            s = share[i]
            for q in range(org_ptr[i], org_ptr[i] + held[i]):
                c = held_comm[q]
                if not mark[c]:
                    mark[c] = True
                    touched[nt] = c
                    nt += 1
                wc[c] += s * held_count[q]
        ki = k[i]
        tot[ci] -= ki
        scale = gamma * ki / two_m
        stay = wc[ci] - scale * tot[ci]
        best = ci
        best_gain = stay
        for t in range(nt):
            c = touched[t]
            g = wc[c] - scale * tot[c]
            if g > best_gain:
                best_gain = g
                best = c
        tot[best] += ki
        if best != ci:
            comm[i] = best
            moves += 1
            gained += best_gain - stay
            for r in range(mem_ptr[i], mem_ptr[i + 1]):  # i leaves ci and joins best in each organisation
                o = mem_org[r]
                start = org_ptr[o]
                end = start + held[o]
                for q in range(start, end):
                    if held_comm[q] == ci:
                        held_count[q] -= 1
                        if held_count[q] == 0:
                            held_comm[q] = held_comm[end - 1]
                            held_count[q] = held_count[end - 1]
                            held[o] -= 1
                            end -= 1
                        break
                found = False
                for q in range(start, end):
                    if held_comm[q] == best:
                        held_count[q] += 1
                        found = True
                        break
                if not found:
                    held_comm[end] = best
                    held_count[end] = 1
                    held[o] += 1
        for t in range(nt):
            c = touched[t]
            wc[c] = 0.0
            mark[c] = False
    return moves, gained


def merged_graph(
    inc: Incidence, comm: np.ndarray
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The first level's clusters as a weighted graph: ``(K, cluster of every actor,
    src, dst, weight)`` with ``src <= dst``; a self-loop carries the cluster's inside strength."""
    labels, cl = np.unique(comm, return_inverse=True)
    K = labels.size
    us = [cl[inc.src], cl[inc.member]]
    vs = [cl[inc.dst], cl[inc.org]]
    ws = [inc.weight, inc.share[inc.org]]
    key = inc.org * K + cl[inc.member]
    keys, counts = np.unique(key, return_counts=True)
    orgs, cs = keys // K, keys % K
    bounds = (
        np.flatnonzero(np.r_[True, orgs[1:] != orgs[:-1], True]) if keys.size else np.zeros(1, dtype=np.int64)
    )
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        c = inc.share[orgs[a]]
        m = counts[a:b].astype(float)
        i, j = np.triu_indices(b - a)
        us.append(cs[a:b][i])
        vs.append(cs[a:b][j])
        ws.append(np.where(i == j, c * m[i] * (m[i] - 1) / 2, c * m[i] * m[j]))
    u, v, w = np.concatenate(us), np.concatenate(vs), np.concatenate(ws)
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    flat, inverse = np.unique(lo * K + hi, return_inverse=True)
    weight = np.bincount(inverse, w, minlength=flat.size)
    keep = weight > 0
    return K, cl, (flat // K)[keep], (flat % K)[keep], weight[keep]


def _finish(inc: Incidence, comm: np.ndarray, resolution: float, ig: Any) -> np.ndarray:
    """igraph's Louvain on the merged first-level clusters, mapped back to the actors."""
    K, cl, src, dst, weight = merged_graph(inc, comm)
    g = ig.Graph(n=K, edges=list(zip(src.tolist(), dst.tolist(), strict=True)), directed=False)
    top = np.asarray(g.community_multilevel(weights=weight.tolist(), resolution=resolution).membership)
    return top[cl].astype(np.int64)
