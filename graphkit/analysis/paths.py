"""Shortest-path measures on large networks: the two-mode network without its cliques.

In the two-mode network every pair of an organisation's ``k`` members is tied at
distance ``d = (k - 1) / tie_weight``: ``k (k - 1) / 2`` ties, millions for a few
organisations of a few hundred members. For betweenness and closeness the same shortest
paths are drawn with one *hub* vertex per organisation, joined to each member at ``d / 2``:
member - hub - member is exactly ``d`` long. A pair whose merged tie is shorter than that
(two shared organisations, or a cooperation agreement besides) keeps its own tie, which
is then strictly the shortest. Hubs are never sources or targets, so every distance and
every count of shortest paths between actors is that of the projection, with ``k`` ties
per organisation instead of ``k (k - 1) / 2``.

:func:`exact_totals` and :func:`sampled_totals` run :func:`graphkit.analysis.kernel.brandes`
on this graph in threads (one pass gives betweenness and closeness), with progress.

The ``net`` arguments are :class:`graphkit.analysis.engine.ActorNetwork` objects, typed
``Any`` here because the engine imports this module.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from graphkit.progress import Progress

__all__ = [
    "Hubs",
    "PathGraph",
    "path_graph",
    "use_kernel",
    "exact_totals",
    "sampled_totals",
    "totals",
    "betweenness",
    "closeness",
    "HUB_MIN_MEMBERS",
]

HUB_MIN_MEMBERS = 4
"""Organisations of at least this many members are drawn as a hub (``k`` ties instead of
``k (k - 1) / 2``; below 4 the clique is no larger)."""

KERNEL_MIN_WORK = 50_000_000
"""Actors × ties of the network above which the compiled kernel is used (below it igraph
on the network itself takes well under a second, and numba's start-up would cost more)."""

_REPORT_EVERY = 2.0
"""Seconds between progress lines of a running kernel."""


@dataclass(frozen=True, eq=False)
class Hubs:
    """The organisations drawn as hubs: ``org[h]`` has members ``members[ptr[h]:ptr[h + 1]]``,
    each tied to the hub at ``half[h]`` (half the co-member distance). ``replaced[e]``:
    network edge ``e`` is a co-member tie of one hub organisation and nothing else, so the
    hub stands for it (``None`` for a network whose ties are not listed: its
    :class:`~graphkit.analysis.incidence.ExplicitTies` are the ties the hubs do not replace)."""

    org: np.ndarray
    ptr: np.ndarray
    members: np.ndarray
    half: np.ndarray
    replaced: np.ndarray | None


@dataclass(frozen=True, eq=False)
class PathGraph:
    """An undirected graph in compressed rows for shortest-path measures: vertices
    ``0 .. n - 1`` are the actors (the only sources and targets), ``n .. N - 1`` hubs.
    ``length`` is ``None`` when every tie is one hop."""

    n: int
    indptr: np.ndarray
    indices: np.ndarray
    length: np.ndarray | None
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def N(self) -> int:
        """Vertices, hubs included."""
        return int(self.indptr.size - 1)

    @property
    def arcs(self) -> int:
        """Stored arcs (twice the ties)."""
        return int(self.indices.size)

    def components(self) -> np.ndarray:
        """The size of every actor's connected component (in actors)."""
        if _kernel_available():  # one compiled pass over the rows
            from graphkit.analysis import kernel

            return kernel.component_sizes(self.indptr, self.indices, self.n)
        import igraph as ig

        src = np.repeat(np.arange(self.N), np.diff(self.indptr))
        half = src < self.indices
        g = ig.Graph(n=self.N, edges=np.column_stack([src[half], self.indices[half]]), directed=False)
        actors = np.asarray(g.connected_components().membership)[: self.n]
        return np.bincount(actors, minlength=self.N)[actors]


def use_kernel(net: Any) -> bool:
    """Whether betweenness and closeness of ``net`` go through the compiled kernel (numba
    installed, and the network large enough for it to pay)."""
    return net.n * max(net.m, 1) >= KERNEL_MIN_WORK and _kernel_available()


def _kernel_available() -> bool:
    """numba can be found and imported (an installed numba that does not fit this numpy
    raises on import: then igraph computes, as without numba)."""
    if importlib.util.find_spec("numba") is None:
        return False
    from graphkit.analysis import kernel

    return kernel.AVAILABLE


def path_graph(net: Any) -> PathGraph:
    """The graph betweenness and closeness of ``net`` are computed on (module docstring).

    Examples
    --------
    In the sample's two-mode network NATO (6 members) becomes a hub: 8 of its 15 co-member
    ties (the pairs that share nothing else) give way to 6 ties to the hub; Five Eyes (3
    members) keeps its ties.

    >>> from graphkit.analysis.engine import actor_network
    >>> net = actor_network(gk.load(gk.SAMPLE), two_mode=True)
    >>> P = path_graph(net)
    >>> P.n, P.N - P.n, net.m, int(net.hubs.replaced.sum()), P.arcs // 2
    (14, 1, 31, 8, 29)
    """
    hubs = net.hubs
    explicit = net.explicit if not net.listed else None
    if explicit is not None and hubs is not None and explicit.replaced > hubs.members.size:
        src, dst, length = explicit.src, explicit.dst, 1.0 / explicit.weight  # two-mode: weighted
    else:
        if hubs is not None and (hubs.replaced is None or int(hubs.replaced.sum()) <= hubs.members.size):
            hubs = None  # the organisations overlap so much that hubs would not save ties
        keep = np.ones(net.m, dtype=bool) if hubs is None else ~hubs.replaced
        src, dst = net.src[keep], net.dst[keep]
        length = (1.0 / net.weight[keep]) if net.weighted else None
    N = net.n
    if hubs is not None and hubs.org.size:
        sizes = np.diff(hubs.ptr)
        hub_ids = net.n + np.repeat(np.arange(hubs.org.size), sizes)
        src = np.concatenate([src, hubs.members])
        dst = np.concatenate([dst, hub_ids])
        assert length is not None  # memberships make the network weighted
        length = np.concatenate([length, np.repeat(hubs.half, sizes)])
        N += int(hubs.org.size)
    a = np.concatenate([src, dst])
    b = np.concatenate([dst, src])
    order = np.argsort(a, kind="stable")
    indptr = np.zeros(N + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=N), out=indptr[1:])
    arc_length = None if length is None else np.concatenate([length, length])[order]
    return PathGraph(n=net.n, indptr=indptr, indices=b[order].astype(np.int32), length=arc_length)


def betweenness(net: Any, pivots: list[int] | None) -> np.ndarray:
    """Betweenness of every actor of ``net`` from the kernel (normalised as networkx;
    from the sampled ``pivots`` as networkx rescales them)."""
    from graphkit.analysis.sampling import rescale_sampled

    n = net.n
    dependency = totals(net, pivots)["dependency"][:n]  # each ordered pair once
    if pivots is None:
        return dependency / ((n - 1) * (n - 2))
    return rescale_sampled(dependency, n, pivots)


def closeness(net: Any, pivots: list[int] | None) -> np.ndarray:
    """Closeness of every actor of ``net`` from the kernel (networkx's, Wasserman–Faust
    for disconnected networks; from the sampled ``pivots`` as Eppstein & Wang estimate it)."""
    from graphkit.analysis.sampling import closeness_estimate

    n = net.n
    passed = totals(net, pivots)
    if pivots is None:
        cnt, dsum = passed["reached"].astype(float), passed["distance_sum"]
        out = np.zeros(n)
        ok = dsum > 0
        out[ok] = cnt[ok] * cnt[ok] / (dsum[ok] * (n - 1))
        return out

    def exact(vertices: np.ndarray) -> np.ndarray:
        t = sampled_totals(net.paths, vertices.tolist())
        return np.divide(
            t["reached"], t["distance_sum"], out=np.zeros(vertices.size), where=t["distance_sum"] > 0
        )

    reach = net.paths.components()
    return closeness_estimate(passed["target_sum"], passed["target_count"].astype(float), reach, n, exact)


def totals(net: Any, pivots: list[int] | None) -> dict[str, np.ndarray]:
    """One kernel pass from every actor (or the sampled ones), with the jobs and progress
    of :func:`graphkit.analysis.parallel.using`."""
    from graphkit.analysis.parallel import current

    jobs, progress = current()
    if pivots is None:
        return exact_totals(net.paths, jobs=jobs, progress=progress)
    return sampled_totals(net.paths, pivots, jobs=jobs, progress=progress)


def exact_totals(
    P: PathGraph, *, jobs: int = 1, progress: Progress | None = None, started: threading.Event | None = None
) -> dict[str, np.ndarray]:
    """Every actor as a source, once per graph (betweenness and closeness share the run).
    ``started`` is set once the kernel runs (see :func:`_run`)."""
    with P._lock:
        if "exact" not in P._cache:
            P._cache["exact"] = _run(P, np.arange(P.n), jobs=jobs, progress=progress, started=started)
        if started is not None:
            started.set()
        return P._cache["exact"]


def sampled_totals(
    P: PathGraph,
    sources: list[int],
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    started: threading.Event | None = None,
) -> dict[str, np.ndarray]:
    """``sources`` only (a sample), once per graph and sample."""
    key = ("sampled", tuple(sources))
    with P._lock:
        if key not in P._cache:
            sample = np.asarray(sources, dtype=np.int64)
            P._cache[key] = _run(P, sample, jobs=jobs, progress=progress, started=started)
        if started is not None:
            started.set()
        return P._cache[key]


def _run(
    P: PathGraph,
    sources: np.ndarray,
    *,
    jobs: int,
    progress: Progress | None,
    started: threading.Event | None = None,
) -> dict[str, np.ndarray]:
    """The kernel over ``sources`` in ``jobs`` threads, with progress.

    Each thread takes every ``jobs``-th source in one compiled call, which holds the GIL
    only to start and to return: another thread's long C call that keeps the GIL (an
    igraph Louvain run) cannot stall it between chunks. ``started`` is set once every
    call is in compiled code, so that the caller may then start such a C call. The calls
    count their sources in a shared array, read here every 2 s for progress.
    """
    from graphkit.analysis import kernel

    jobs = max(1, min(int(jobs), sources.size or 1))
    shares = [sources[t::jobs] for t in range(jobs)]
    counters = np.zeros((jobs, 2), dtype=np.int64)
    name = "betweenness and closeness"
    kernel.brandes(P.indptr, P.indices, P.length, P.n, sources[:0])  # compile (or load) first
    parts: list[Any] = [None] * jobs
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            parts[t] = kernel.brandes(P.indptr, P.indices, P.length, P.n, shares[t], counters[t])
        except BaseException as exc:  # handed to the caller below
            errors.append(exc)
            counters[t, 1] = 1

    # daemon threads: Ctrl-C ends the command at once instead of waiting for the sources
    threads = [threading.Thread(target=work, args=(t,), daemon=True) for t in range(jobs)]
    for thread in threads:
        thread.start()
    while started is not None and not counters[:, 1].all() and any(t.is_alive() for t in threads):
        time.sleep(0.001)  # until every call is past the GIL
    if started is not None:
        started.set()
    for thread in threads:
        while thread.is_alive():
            thread.join(_REPORT_EVERY)
            done = int(counters[:, 0].sum())
            if progress is not None and done < sources.size:
                progress.count(name, done, sources.size, unit="sources")
    if errors:
        raise errors[0]
    if progress is not None:
        progress.count(name, int(counters[:, 0].sum()), sources.size, unit="sources")
    out = {
        "dependency": np.zeros(P.N),
        "distance_sum": np.zeros(sources.size),
        "reached": np.zeros(sources.size, dtype=np.int64),
        "target_sum": np.zeros(P.n),
        "target_count": np.zeros(P.n, dtype=np.int64),
        "target_inverse_sum": np.zeros(P.n),
        "target_max": np.zeros(P.n),
    }
    for t, (dep, dsum, reached, tsum, tcount, tinv, tmax) in enumerate(parts):
        out["dependency"] += dep
        out["distance_sum"][t::jobs] = dsum
        out["reached"][t::jobs] = reached
        out["target_sum"] += tsum
        out["target_count"] += tcount
        out["target_inverse_sum"] += tinv
        np.maximum(out["target_max"], tmax, out=out["target_max"])
    return out
