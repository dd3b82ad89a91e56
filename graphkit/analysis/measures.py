"""The centrality measures graphkit computes: one registry read by every engine, table and page.

Each :class:`Measure` names its column, says in one plain sentence what it means, and
holds its igraph and networkx implementations (and the Neo4j GDS procedure where one
computes the same number). :func:`graphkit.analysis.centrality`, :func:`graphkit.analyze`,
the GDS engine, the report's rankings, the drawings' ``size_by`` and the command line's
``--size-by`` all read :data:`MEASURES`, so a new measure is one entry here (and a
test).

Importing this module loads neither numpy nor networkx (the command line reads the
names at start-up); the implementations import them when they run.

Examples
--------
>>> from graphkit.analysis.measures import MEASURES
>>> MEASURES["pagerank"].title, MEASURES["pagerank"].gds
('PageRank', 'pageRank')
>>> [m.name for m in MEASURES.values() if m.sampled]
['betweenness', 'closeness']
"""

from __future__ import annotations

import itertools
import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphkit.analysis.sampling import closeness_estimate, rescale_sampled
from graphkit.errors import AnalysisError

if TYPE_CHECKING:
    import numpy as np

    from graphkit.analysis.engine import ActorNetwork

__all__ = ["Measure", "MEASURES", "MEASURE_NAMES", "RANKED_MEASURES", "compute"]

Implementation = Callable[["ActorNetwork", "list[int] | None"], Any]
PathImplementation = Callable[["ActorNetwork", "dict[str, np.ndarray]", "list[int] | None"], Any]


@dataclass(frozen=True)
class Measure:
    """One centrality measure: its column, meaning and implementations.

    ``igraph`` and ``networkx`` take the :class:`~graphkit.analysis.engine.ActorNetwork`
    and the sampled source actors (``None``: exact) and return one value per actor, in
    actor order; both give the same numbers. ``gds`` is the Neo4j GDS algorithm
    (``gds.<name>.stream``) that computes the same measure, when there is one.
    ``exactness`` is what ``summary["measures"]`` records when the measure is exact;
    ``sampled`` measures are estimated from sampled sources above the exact threshold.
    ``ranked``: the report ranks actors by it; ``high_first``: a high value ranks first.
    ``from_network``: read off the network's arrays (no progress step, no summary line).
    ``from_paths``: a shortest-path measure the compiled kernel serves. It takes the
    network, the totals of the kernel's one pass per source (:func:`graphkit.analysis.paths.totals`:
    ``dependency``, ``distance_sum``, ``reached``, ``target_sum``, ``target_count``,
    ``target_inverse_sum``, ``target_max``) and the sampled sources, and returns the values;
    on a network large enough for the kernel (numba installed) it is used instead of
    ``igraph``, and every such measure shares the one pass (run in the background while
    the clusters are computed).

    Degree, core, constraint and effective size are computed on the *direct* ties
    (:attr:`ActorNetwork.direct_network`: cooperation, and each membership weighted as its
    organisation's ties, without the co-member ties): in the two-mode projection every
    organisation's members form a clique, and Burt's measures count contacts whatever
    their strength, so a forum everyone joins would make each of its members a "broker"
    between 190 contacts (Borgatti & Everett 1997 warn against such measures on projections).
    """

    name: str
    title: str
    description: str
    igraph: Implementation
    networkx: Implementation
    gds: str | None = None
    sampled: bool = False
    exactness: str = "exact"
    integer: bool = False
    ranked: bool = False
    high_first: bool = True
    from_network: bool = False
    from_paths: PathImplementation | None = None

    def compute(self, net: ActorNetwork, engine: str, pivots: list[int] | None = None) -> Any:
        """This measure's values on ``net`` with ``engine`` (``"igraph"`` or ``"networkx"``);
        from the compiled kernel's pass when the measure has ``from_paths`` and the kernel serves ``net``."""
        if engine == "igraph" and self.from_paths is not None and net.n > 1 and _use_kernel(net):
            from graphkit.analysis.paths import totals

            return self.from_paths(net, totals(net, pivots), pivots)
        return (self.igraph if engine == "igraph" else self.networkx)(net, pivots)


def compute(net: ActorNetwork, name: str, *, engine: str = "auto", pivots: list[int] | None = None) -> Any:
    """The values of the measure called ``name`` on ``net`` (numpy array in actor order).

    Examples
    --------
    >>> from graphkit.analysis.engine import actor_network
    >>> net = actor_network(gk.load(gk.SAMPLE))
    >>> values = compute(net, "degree")
    >>> net.ids[int(values.argmax())]
    'NATO'
    """
    from graphkit.analysis.engine import resolve_engine

    measure = MEASURES.get(name)
    if measure is None:
        raise AnalysisError(f"unknown measure {name!r}; expected one of {', '.join(MEASURES)}")
    return measure.compute(net, resolve_engine(engine), pivots)


def _w(net: ActorNetwork) -> str | None:
    return "weight" if net.weighted else None


def _dist(net: ActorNetwork) -> str | None:
    return "distance" if net.weighted else None


def _vec(net: ActorNetwork, d: dict[int, float]) -> np.ndarray:
    import numpy as np

    return np.array([d[i] for i in range(net.n)], dtype=float)


def _degree(net: ActorNetwork, pivots: Any) -> np.ndarray:
    return net.direct_network.degree


def _strength(net: ActorNetwork, pivots: Any) -> np.ndarray:
    return net.strength


# ---- igraph and networkx implementations ------------------------------------------------


def _ig_betweenness(net: ActorNetwork, pivots: list[int] | None) -> np.ndarray:
    import numpy as np

    n = net.n
    if n <= 2 or net.m == 0:
        return np.zeros(n)
    split = _split_work(net)
    if pivots is None:
        if split is not None:
            raw = _parallel_betweenness(net, range(n), *split)
        else:
            raw = np.asarray(net.igraph.betweenness(directed=False, weights=net.igraph_distance()))
        return raw * 2.0 / ((n - 1) * (n - 2))
    # igraph counts each (source, target) pair once; networkx's sampled estimator
    # counts ordered pairs, hence the factor 2, and rescales as networkx 3.6 does.
    if split is not None:
        raw = 2.0 * _parallel_betweenness(net, pivots, *split)
    else:
        raw = 2.0 * np.asarray(
            net.igraph.betweenness(
                directed=False, weights=net.igraph_distance(), sources=pivots, targets=range(n)
            )
        )
    return rescale_sampled(raw, n, pivots)


def _split_work(net: ActorNetwork) -> tuple[int, Any] | None:
    """``(jobs, progress)`` when betweenness/closeness should run in chunks (worker
    processes, or one process with progress), None for one plain igraph call."""
    from graphkit.analysis.parallel import PARALLEL_MIN_WORK, current

    jobs, progress = current()
    if net.n * max(net.m, 1) < PARALLEL_MIN_WORK:
        return None
    if jobs <= 1 and (progress is None or progress.quiet):
        return None
    return jobs, progress


def _parallel_betweenness(net: ActorNetwork, sources: Any, jobs: int, progress: Any) -> np.ndarray:
    from graphkit.analysis.parallel import betweenness_from_sources

    dist = (1.0 / net.weight) if net.weighted else None
    return betweenness_from_sources(net.n, net.src, net.dst, dist, sources, jobs=jobs, progress=progress)


def _ig_closeness(net: ActorNetwork, pivots: list[int] | None) -> np.ndarray:
    import numpy as np

    n = net.n
    if n <= 1:
        return np.zeros(n)
    comp = net.components()
    reach = np.bincount(comp)[comp]  # size of each actor's component
    if pivots is None:
        split = _split_work(net)
        if split is not None:
            from graphkit.analysis.parallel import closeness_of_vertices

            dist = (1.0 / net.weight) if net.weighted else None
            c = closeness_of_vertices(n, net.src, net.dst, dist, range(n), jobs=split[0], progress=split[1])
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                c = np.asarray(
                    net.igraph.closeness(weights=net.igraph_distance(), normalized=True), dtype=float
                )
        out = np.nan_to_num(c, nan=0.0) * (reach - 1) / (n - 1)
        out[reach <= 1] = 0.0
        return out
    sums = np.zeros(n)
    cnt = np.zeros(n)
    for start in range(0, len(pivots), 16):
        chunk = pivots[start : start + 16]
        rows = net.igraph.distances(source=chunk, weights=net.igraph_distance())
        D = np.fromiter(itertools.chain.from_iterable(rows), dtype=float, count=len(chunk) * n)
        D = D.reshape(len(chunk), n)
        finite = np.isfinite(D)
        D[~finite] = 0.0
        sums += D.sum(axis=0)
        cnt += finite.sum(axis=0)
    cnt[pivots] -= 1  # a source does not count its distance to itself
    return closeness_estimate(sums, cnt, reach, n, lambda vs: _ig_exact_closeness(net, vs))


def _kernel_betweenness(net: ActorNetwork, passed: Any, pivots: list[int] | None) -> np.ndarray:
    import numpy as np

    from graphkit.analysis.paths import betweenness

    return np.zeros(net.n) if net.n <= 2 or net.m == 0 else betweenness(net, pivots)


def _kernel_closeness(net: ActorNetwork, passed: Any, pivots: list[int] | None) -> np.ndarray:
    from graphkit.analysis.paths import closeness

    return closeness(net, pivots)


def _use_kernel(net: ActorNetwork) -> bool:
    from graphkit.analysis.paths import use_kernel

    return use_kernel(net)


def _ig_exact_closeness(net: ActorNetwork, vertices: np.ndarray) -> np.ndarray:
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        c = net.igraph.closeness(vertices=vertices.tolist(), weights=net.igraph_distance(), normalized=True)
    return np.nan_to_num(np.asarray(c, dtype=float), nan=0.0)


def _ig_eigenvector(net: ActorNetwork, pivots: Any) -> np.ndarray:
    import numpy as np

    if net.m == 0:
        return np.full(net.n, 1.0 / np.sqrt(max(net.n, 1)))
    if net.incidence is not None:  # the two-mode network without its co-member ties: same values
        from graphkit.analysis.incidence import eigenvector

        return eigenvector(net.incidence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        x = np.abs(np.asarray(net.igraph.eigenvector_centrality(weights=_w(net)), dtype=float))
    return x / np.linalg.norm(x)


def _ig_pagerank(net: ActorNetwork, pivots: Any) -> np.ndarray:
    import numpy as np

    if net.incidence is not None:  # the two-mode network without its co-member ties: same values
        from graphkit.analysis.incidence import pagerank

        return pagerank(net.incidence)
    return np.asarray(net.igraph.pagerank(weights=_w(net), damping=0.85, directed=False))


def _ig_constraint(net: ActorNetwork, pivots: Any) -> np.ndarray:
    import numpy as np

    net = net.direct_network  # Burt's measures on the direct ties (see the registry entry)

    c = np.asarray(net.igraph.constraint(weights=_w(net)), dtype=float)
    c[net.degree == 0] = np.nan
    return c


def _ig_effective_size(net: ActorNetwork, pivots: Any) -> np.ndarray:
    import numpy as np

    net = net.direct_network

    if net.n <= _DENSE_LIMIT:
        return _dense_effective_size(net)
    tri = np.asarray(net.igraph.list_triangles(), dtype=np.int64).reshape(-1, 3)
    return _effective_size(net, tri)


def _ig_core(net: ActorNetwork, pivots: Any) -> np.ndarray:
    import numpy as np

    return np.asarray(net.direct_network.igraph.coreness())


def _nx_betweenness(net: ActorNetwork, pivots: list[int] | None) -> np.ndarray:
    import networkx as nx

    if pivots is None:
        return _vec(net, nx.betweenness_centrality(net.networkx, weight=_dist(net)))
    return _vec(
        net, nx.betweenness_centrality(net.networkx, k=len(pivots), weight=_dist(net), seed=_Fixed(pivots))
    )


def _nx_closeness(net: ActorNetwork, pivots: list[int] | None) -> np.ndarray:
    import networkx as nx
    import numpy as np

    if pivots is None:
        return _vec(net, nx.closeness_centrality(net.networkx, distance=_dist(net)))
    n = net.n
    sums = np.zeros(n)
    cnt = np.zeros(n)
    for s in pivots:
        if _dist(net):
            lengths = nx.single_source_dijkstra_path_length(net.networkx, s, weight=_dist(net))
        else:
            lengths = nx.single_source_shortest_path_length(net.networkx, s)
        for v, d in lengths.items():
            if v != s:
                sums[v] += d
                cnt[v] += 1
    comp = np.zeros(n, dtype=np.int64)
    for c, nodes in enumerate(nx.connected_components(net.networkx)):
        comp[list(nodes)] = c
    reach = np.bincount(comp)[comp]

    def exact(vertices: np.ndarray) -> np.ndarray:
        out = []
        for v in vertices.tolist():
            c = nx.closeness_centrality(net.networkx, u=v, distance=_dist(net), wf_improved=False)
            out.append(c)
        return np.array(out, dtype=float)

    return closeness_estimate(sums, cnt, reach, n, exact)


def _nx_eigenvector(net: ActorNetwork, pivots: Any) -> np.ndarray:
    import networkx as nx
    import numpy as np

    if net.m == 0:
        return np.full(net.n, 1.0 / np.sqrt(max(net.n, 1)))
    try:
        d = nx.eigenvector_centrality(net.networkx, weight=_w(net), max_iter=10_000, tol=1e-10)
    except nx.PowerIterationFailedConvergence as exc:
        raise AnalysisError(f"eigenvector centrality did not converge ({exc}); try --engine igraph") from None
    return _vec(net, d)


def _nx_pagerank(net: ActorNetwork, pivots: Any) -> np.ndarray:
    import networkx as nx

    try:
        d = nx.pagerank(net.networkx, alpha=0.85, weight=_w(net), tol=1e-12, max_iter=10_000)
    except ImportError:  # networkx's fast path needs scipy; the pure-Python one does not
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

        d = _pagerank_python(net.networkx, alpha=0.85, weight=_w(net), tol=1e-12, max_iter=10_000)
    return _vec(net, d)


def _nx_constraint(net: ActorNetwork, pivots: Any) -> np.ndarray:
    import networkx as nx

    net = net.direct_network
    return _vec(net, nx.constraint(net.networkx, weight=_w(net)))


def _nx_effective_size(net: ActorNetwork, pivots: Any) -> np.ndarray:
    import networkx as nx

    net = net.direct_network
    # nodes=: networkx's per-node path is Burt's formula; with scipy installed its all-node
    # sparse path (networkx 3.6) normalises weighted ties by the wrong axis's maximum
    H = net.networkx
    return _vec(net, nx.effective_size(H, nodes=list(H), weight=_w(net)))


def _nx_core(net: ActorNetwork, pivots: Any) -> np.ndarray:
    import networkx as nx

    return _vec(net, nx.core_number(net.direct_network.networkx))


# ---- the registry -------------------------------------------------------------------------

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "degree",
            "Degree",
            "How many direct ties (memberships, members and cooperation partners) an actor has: its "
            "immediate reach (co-members are not counted).",
            _degree,
            _degree,
            gds="degree",
            integer=True,
            ranked=True,
            from_network=True,
        ),
        Measure(
            "weighted_degree",
            "Weighted degree",
            "Sum of an actor's tie strengths, where a co-membership counts less the larger the "
            "organisation: who has the most, and the strongest, ties.",
            _strength,
            _strength,
            ranked=True,
            from_network=True,
        ),
        Measure(
            "betweenness",
            "Betweenness",
            "How often an actor lies on the shortest path between two others: who links camps that "
            "would otherwise stay apart.",
            _ig_betweenness,
            _nx_betweenness,
            gds="betweenness",
            sampled=True,
            ranked=True,
            from_paths=_kernel_betweenness,
        ),
        Measure(
            "closeness",
            "Closeness",
            "How few steps an actor needs to reach every other actor: who can spread word fastest.",
            _ig_closeness,
            _nx_closeness,
            sampled=True,
            ranked=True,
            from_paths=_kernel_closeness,
        ),
        Measure(
            "eigenvector",
            "Eigenvector",
            "Being tied to actors who are themselves well tied: influence through influential partners.",
            _ig_eigenvector,
            _nx_eigenvector,
            exactness="exact (converged eigenvector)",
            ranked=True,
        ),
        Measure(
            "pagerank",
            "PageRank",
            "Importance passed on along ties, as a random walk through the network spends its time: "
            "overall standing in the network.",
            _ig_pagerank,
            _nx_pagerank,
            gds="pageRank",
            exactness="exact (converged)",
            ranked=True,
        ),
        Measure(
            "constraint",
            "Constraint",
            "Burt's constraint, on direct ties: how far an actor's organisations and partners are tied "
            "to each other (low for a broker).",
            _ig_constraint,
            _nx_constraint,
            high_first=False,
        ),
        Measure(
            "effective_size",
            "Effective size",
            "Burt's effective size, on direct ties: how many of an actor's organisations and partners are "
            "not redundant (high for a broker).",
            _ig_effective_size,
            _nx_effective_size,
        ),
        Measure(
            "core",
            "Core",
            "The k-core an actor sits in: the largest k such that it belongs to a group where everyone "
            "has at least k direct ties inside the group.",
            _ig_core,
            _nx_core,
            integer=True,
        ),
    )
}
"""Every centrality measure by column name, in the column order of the centrality table."""

MEASURE_NAMES: tuple[str, ...] = tuple(MEASURES)
"""The measure columns of the centrality table (also the choices of ``--size-by``)."""

RANKED_MEASURES: tuple[Measure, ...] = tuple(m for m in MEASURES.values() if m.ranked)
"""The measures the report ranks actors by, each in its own sub-section."""


# ---- helpers --------------------------------------------------------------------------


class _Fixed(random.Random):
    """A ``random.Random`` whose ``sample`` returns given nodes (to hand networkx our sources)."""

    def __init__(self, nodes: list[int]) -> None:
        super().__init__(0)
        self._nodes = list(nodes)

    def sample(self, population: Any, k: int, **kw: Any) -> list[int]:  # type: ignore[override]
        return list(self._nodes)


_DENSE_LIMIT = 3000
"""Up to this many actors effective size is computed with dense matrices (fast on the
dense co-membership cliques of a two-mode network); above it, triangle by triangle."""


def _dense_effective_size(net: ActorNetwork) -> np.ndarray:
    """Burt's effective size as matrices: ``deg(u) - sum_w p(u,w) (A M)(u,w)``.

    ``A`` is the 0/1 adjacency, ``p(u,w) = s(u,w) / strength(u)`` and ``M(v,w) = s(v,w) /
    max_x s(v,x)``, so ``(A M)(u,w)`` sums ``m(v,w)`` over the neighbours ``v`` of ``u``:
    the same sum as :func:`_effective_size`.
    """
    import numpy as np

    n = net.n
    w = net.weight if net.weighted else np.ones(net.m)  # unweighted: merged ties count once
    S = np.zeros((n, n))
    S[net.src, net.dst] = w
    S[net.dst, net.src] = w
    A = (S > 0).astype(float)
    strength = S.sum(axis=1)
    maxw = S.max(axis=1, initial=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        P = np.where(strength[:, None] > 0, S / strength[:, None], 0.0)
        M = np.where(maxw[:, None] > 0, S / maxw[:, None], 0.0)
    out = A.sum(axis=1) - (P * (A @ M)).sum(axis=1)
    out[net.degree == 0] = np.nan
    return out


def _effective_size(net: ActorNetwork, tri: np.ndarray) -> np.ndarray:
    """Burt's effective size, vectorised over triangles.

    esize(u) = deg(u) - sum over neighbours v != w of u of p(u,w) m(v,w), where
    p(u,w) = s(u,w) / strength(u) and m(v,w) = s(v,w) / max_x s(v,x). Only triangles
    (u, v, w) contribute, so each triangle adds s(v,w) (p(u,w)/max(v) + p(u,v)/max(w)) to u.
    Unweighted this is Borgatti's deg - 2 t / deg (networkx's formula).
    """
    import numpy as np

    n = net.n
    deg = net.degree.astype(float)
    weight = net.weight if net.weighted else np.ones(net.m)  # unweighted: merged ties count once
    strength = np.bincount(net.src, weight, minlength=n) + np.bincount(net.dst, weight, minlength=n)
    maxw = np.zeros(n)
    np.maximum.at(maxw, net.src, weight)
    np.maximum.at(maxw, net.dst, weight)
    redundancy = np.zeros(n)
    if tri.size:
        a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
        w_ab = weight[net.edge_index(a, b)]
        w_bc = weight[net.edge_index(b, c)]
        w_ac = weight[net.edge_index(a, c)]
        for u, v, w, s_uv, s_uw, s_vw in (
            (a, b, c, w_ab, w_ac, w_bc),
            (b, a, c, w_ab, w_bc, w_ac),
            (c, a, b, w_ac, w_bc, w_ab),
        ):
            contrib = s_vw * (s_uw / strength[u] / maxw[v] + s_uv / strength[u] / maxw[w])
            redundancy += np.bincount(u, contrib, minlength=n)
    out = deg - redundancy
    out[deg == 0] = np.nan
    return out
