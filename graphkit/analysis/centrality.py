"""Centrality and brokerage of actors: who is central, who bridges camps, who sits in the core."""

from __future__ import annotations

import itertools
import random
import warnings
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.engine import DEFAULT_TYPES, ActorNetwork, AnalysisError, actor_network, resolve_engine
from graphkit.defaults import EXACT_THRESHOLD, SAMPLES
from graphkit.progress import Progress

__all__ = [
    "centrality",
    "CENTRALITY_COLUMNS",
    "EXACT_THRESHOLD",
    "SAMPLES",
]

CENTRALITY_COLUMNS = (
    "id",
    "name",
    "kind",
    "degree",
    "weighted_degree",
    "betweenness",
    "closeness",
    "eigenvector",
    "pagerank",
    "constraint",
    "effective_size",
    "core",
)


def centrality(
    G: nx.MultiDiGraph,
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    weight: str | None = None,
    engine: str = "auto",
    exact_threshold: int = EXACT_THRESHOLD,
    samples: int = SAMPLES,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Centrality and brokerage of every actor in the network formed by ``types``.

    The network is undirected and simple (see :func:`graphkit.actor_graph`); every
    actor is a row, isolated ones included.

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
        - ``core``: k-core number (unweighted).

        ``df.attrs["measures"]`` says which measures are exact or sampled and the engine used.

    Examples
    --------
    >>> c = gk.analysis.centrality(gk.load(gk.SAMPLE))
    >>> c.sort_values("betweenness", ascending=False)["id"].head(3).tolist()
    ['NATO', 'USA', 'EU']
    >>> round(float(c.set_index("id").loc["NATO", "betweenness"]), 4)
    0.1955
    """
    net = actor_network(G, types, weight=weight)
    df, measures = centrality_table(
        net, engine=engine, exact_threshold=exact_threshold, samples=samples, seed=seed
    )
    df.attrs["measures"] = measures
    return df


def centrality_table(
    net: ActorNetwork,
    *,
    engine: str = "auto",
    exact_threshold: int = EXACT_THRESHOLD,
    samples: int = SAMPLES,
    seed: int | None = 0,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`centrality` on an already built :class:`ActorNetwork`; also returns what was exact."""
    if exact_threshold < 0 or samples < 1:
        raise AnalysisError("exact_threshold must be >= 0 and samples >= 1")
    used = resolve_engine(engine)
    progress = progress or Progress(quiet=True)
    n = net.n
    exact = n <= exact_threshold
    k = n if exact else min(samples, n)
    pivots = None if k >= n else random.Random(seed).sample(range(n), k)
    compute = _IgraphMeasures(net) if used == "igraph" else _NetworkxMeasures(net)
    values: dict[str, np.ndarray] = {}
    for name in ("betweenness", "closeness", "eigenvector", "pagerank", "constraint", "effective_size", "core"):
        with progress.step(f"centrality: {name}"):
            values[name] = np.asarray(getattr(compute, name)(pivots), dtype=float)
    df = pd.DataFrame(
        {
            "id": net.ids,
            "name": net.names,
            "kind": net.kinds,
            "degree": net.degree.astype(np.int64),
            "weighted_degree": net.strength.astype(float),
            **values,
        }
    )
    df["core"] = df["core"].astype(np.int64)
    how = "exact" if pivots is None else f"sampled ({k} of {n} source actors, seed {seed})"
    measures = {
        "engine": used,
        "betweenness": how,
        "closeness": how,
        "eigenvector": "exact (converged eigenvector)",
        "pagerank": "exact (converged)",
        "constraint": "exact",
        "effective_size": "exact",
        "core": "exact",
        "weighted": net.weighted,
        "distance": "1 / strength" if net.weighted else "hops",
    }
    return df, measures


# ---- engines --------------------------------------------------------------------------


class _IgraphMeasures:
    def __init__(self, net: ActorNetwork) -> None:
        self.net = net
        self.g = net.igraph
        self.w = "weight" if net.weighted else None
        self.dist = "distance" if net.weighted else None

    def betweenness(self, pivots: list[int] | None) -> np.ndarray:
        n = self.net.n
        if n <= 2 or self.net.m == 0:
            return np.zeros(n)
        if pivots is None:
            raw = np.asarray(self.g.betweenness(directed=False, weights=self.dist))
            return raw * 2.0 / ((n - 1) * (n - 2))
        # igraph counts each (source, target) pair once; networkx's sampled estimator
        # counts ordered pairs, hence the factor 2, and rescales as networkx 3.6 does.
        raw = 2.0 * np.asarray(
            self.g.betweenness(directed=False, weights=self.dist, sources=pivots, targets=range(n))
        )
        return _rescale_sampled(raw, n, pivots)

    def closeness(self, pivots: list[int] | None) -> np.ndarray:
        n = self.net.n
        if n <= 1:
            return np.zeros(n)
        comp = self.net.components()
        reach = np.bincount(comp)[comp]  # size of each actor's component
        if pivots is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                c = np.asarray(self.g.closeness(weights=self.dist, normalized=True), dtype=float)
            out = np.nan_to_num(c, nan=0.0) * (reach - 1) / (n - 1)
            out[reach <= 1] = 0.0
            return out
        sums = np.zeros(n)
        cnt = np.zeros(n)
        for start in range(0, len(pivots), 16):
            chunk = pivots[start: start + 16]
            rows = self.g.distances(source=chunk, weights=self.dist)
            D = np.fromiter(itertools.chain.from_iterable(rows), dtype=float, count=len(chunk) * n)
            D = D.reshape(len(chunk), n)
            finite = np.isfinite(D)
            D[~finite] = 0.0
            sums += D.sum(axis=0)
            cnt += finite.sum(axis=0)
        cnt[pivots] -= 1  # a source does not count its distance to itself
        return _closeness_estimate(sums, cnt, reach, n, self._exact_closeness)

    def _exact_closeness(self, vertices: np.ndarray) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            c = self.g.closeness(vertices=vertices.tolist(), weights=self.dist, normalized=True)
        return np.nan_to_num(np.asarray(c, dtype=float), nan=0.0)

    def eigenvector(self, pivots: Any) -> np.ndarray:
        if self.net.m == 0:
            return np.full(self.net.n, 1.0 / np.sqrt(max(self.net.n, 1)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            x = np.abs(np.asarray(self.g.eigenvector_centrality(weights=self.w), dtype=float))
        return x / np.linalg.norm(x)

    def pagerank(self, pivots: Any) -> np.ndarray:
        return np.asarray(self.g.pagerank(weights=self.w, damping=0.85, directed=False))

    def constraint(self, pivots: Any) -> np.ndarray:
        c = np.asarray(self.g.constraint(weights=self.w), dtype=float)
        c[self.net.degree == 0] = np.nan
        return c

    def effective_size(self, pivots: Any) -> np.ndarray:
        tri = np.asarray(self.g.list_triangles(), dtype=np.int64).reshape(-1, 3)
        return _effective_size(self.net, tri)

    def core(self, pivots: Any) -> np.ndarray:
        return np.asarray(self.g.coreness())


class _NetworkxMeasures:
    def __init__(self, net: ActorNetwork) -> None:
        self.net = net
        self.A = net.networkx
        self.w = "weight" if net.weighted else None
        self.dist = "distance" if net.weighted else None

    def _vector(self, d: dict[int, float]) -> np.ndarray:
        return np.array([d[i] for i in range(self.net.n)], dtype=float)

    def betweenness(self, pivots: list[int] | None) -> np.ndarray:
        if pivots is None:
            return self._vector(nx.betweenness_centrality(self.A, weight=self.dist))
        return self._vector(
            nx.betweenness_centrality(self.A, k=len(pivots), weight=self.dist, seed=_Fixed(pivots))
        )

    def closeness(self, pivots: list[int] | None) -> np.ndarray:
        if pivots is None:
            return self._vector(nx.closeness_centrality(self.A, distance=self.dist))
        n = self.net.n
        sums = np.zeros(n)
        cnt = np.zeros(n)
        for s in pivots:
            if self.dist:
                lengths = nx.single_source_dijkstra_path_length(self.A, s, weight=self.dist)
            else:
                lengths = nx.single_source_shortest_path_length(self.A, s)
            for v, d in lengths.items():
                if v != s:
                    sums[v] += d
                    cnt[v] += 1
        comp = np.zeros(n, dtype=np.int64)
        for c, nodes in enumerate(nx.connected_components(self.A)):
            comp[list(nodes)] = c
        reach = np.bincount(comp)[comp]

        def exact(vertices: np.ndarray) -> np.ndarray:
            out = []
            for v in vertices.tolist():
                c = nx.closeness_centrality(self.A, u=v, distance=self.dist, wf_improved=False)
                out.append(c)
            return np.array(out, dtype=float)

        return _closeness_estimate(sums, cnt, reach, n, exact)

    def eigenvector(self, pivots: Any) -> np.ndarray:
        if self.net.m == 0:
            return np.full(self.net.n, 1.0 / np.sqrt(max(self.net.n, 1)))
        try:
            d = nx.eigenvector_centrality(self.A, weight=self.w, max_iter=10_000, tol=1e-10)
        except nx.PowerIterationFailedConvergence as exc:
            raise AnalysisError(f"eigenvector centrality did not converge ({exc}); try --engine igraph") from None
        return self._vector(d)

    def pagerank(self, pivots: Any) -> np.ndarray:
        try:
            d = nx.pagerank(self.A, alpha=0.85, weight=self.w, tol=1e-12, max_iter=10_000)
        except ImportError:  # networkx's fast path needs scipy; the pure-Python one does not
            from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

            d = _pagerank_python(self.A, alpha=0.85, weight=self.w, tol=1e-12, max_iter=10_000)
        return self._vector(d)

    def constraint(self, pivots: Any) -> np.ndarray:
        return self._vector(nx.constraint(self.A, weight=self.w))

    def effective_size(self, pivots: Any) -> np.ndarray:
        return self._vector(nx.effective_size(self.A, weight=self.w))

    def core(self, pivots: Any) -> np.ndarray:
        return self._vector(nx.core_number(self.A))


# ---- helpers --------------------------------------------------------------------------


class _Fixed(random.Random):
    """A ``random.Random`` whose ``sample`` returns given nodes (to hand networkx our sources)."""

    def __init__(self, nodes: list[int]) -> None:
        super().__init__(0)
        self._nodes = list(nodes)

    def sample(self, population: Any, k: int, **kw: Any) -> list[int]:  # type: ignore[override]
        return list(self._nodes)


def _rescale_sampled(ordered: np.ndarray, n: int, pivots: list[int]) -> np.ndarray:
    """networkx 3.6's normalised rescaling of a sampled sum over ordered (source, target) pairs."""
    k = len(pivots)
    N = n - 1
    scale = np.full(n, 1.0 / (k * (N - 1)))
    scale[pivots] = 1.0 / ((k - 1) * (N - 1)) if k > 1 else np.nan
    return ordered * scale


def _closeness_estimate(sums: np.ndarray, cnt: np.ndarray, reach: np.ndarray, n: int, exact: Any) -> np.ndarray:
    """Closeness from distances to sampled sources: the mean sampled distance stands for the
    mean distance to the actor's whole component (Eppstein & Wang 2004); actors whose
    component holds no other sampled source are computed exactly."""
    out = np.zeros(n)
    ok = (cnt > 0) & (sums > 0)
    out[ok] = cnt[ok] / sums[ok] * (reach[ok] - 1) / (n - 1)
    missing = np.flatnonzero(~ok & (reach > 1))
    if missing.size:
        out[missing] = exact(missing) * (reach[missing] - 1) / (n - 1)
    return out


def _effective_size(net: ActorNetwork, tri: np.ndarray) -> np.ndarray:
    """Burt's effective size, vectorised over triangles.

    esize(u) = deg(u) - sum over neighbours v != w of u of p(u,w) m(v,w), where
    p(u,w) = s(u,w) / strength(u) and m(v,w) = s(v,w) / max_x s(v,x). Only triangles
    (u, v, w) contribute, so each triangle adds s(v,w) (p(u,w)/max(v) + p(u,v)/max(w)) to u.
    Unweighted this is Borgatti's deg - 2 t / deg (networkx's formula).
    """
    n = net.n
    deg = net.degree.astype(float)
    strength = net.strength
    maxw = np.zeros(n)
    np.maximum.at(maxw, net.src, net.weight)
    np.maximum.at(maxw, net.dst, net.weight)
    redundancy = np.zeros(n)
    if tri.size:
        a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
        w_ab = net.weight[net.edge_index(a, b)]
        w_bc = net.weight[net.edge_index(b, c)]
        w_ac = net.weight[net.edge_index(a, c)]
        for u, v, w, s_uv, s_uw, s_vw in ((a, b, c, w_ab, w_ac, w_bc), (b, a, c, w_ab, w_bc, w_ac), (c, a, b, w_ac, w_bc, w_ab)):
            contrib = s_vw * (s_uw / strength[u] / maxw[v] + s_uv / strength[u] / maxw[w])
            redundancy += np.bincount(u, contrib, minlength=n)
    out = deg - redundancy
    out[deg == 0] = np.nan
    return out
