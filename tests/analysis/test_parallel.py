"""Betweenness and closeness split across worker processes equal the single-process values
(igraph over the whole graph, and networkx) within 1e-9."""

from __future__ import annotations

import io

import networkx as nx
import numpy as np
import pytest

from graphkit.analysis.parallel import betweenness_from_sources, closeness_of_vertices
from graphkit.progress import Progress

ig = pytest.importorskip("igraph")


def _graph(n: int, m: int, seed: int):
    g = ig.Graph.Erdos_Renyi(n=n, m=m, directed=False)
    e = np.array(g.get_edgelist())
    w = np.random.default_rng(seed).uniform(0.5, 3.0, len(e))
    return g, e[:, 0], e[:, 1], w


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_parallel_exact_betweenness_equals_igraph_and_networkx(jobs, weighted):
    ig.set_random_number_generator(__import__("random").Random(5))
    g, src, dst, w = _graph(300, 900, 1)
    dist = w if weighted else None
    got = betweenness_from_sources(300, src, dst, dist, range(300), jobs=jobs)
    ref = np.asarray(g.betweenness(directed=False, weights=list(dist) if weighted else None))
    assert np.allclose(got, ref, rtol=1e-9, atol=1e-9)
    G = nx.Graph()
    G.add_nodes_from(range(300))
    for a, b, d in zip(src, dst, w, strict=True):
        G.add_edge(int(a), int(b), d=float(d))
    nxb = nx.betweenness_centrality(G, weight="d" if weighted else None, normalized=False)
    assert np.allclose(got, [nxb[i] for i in range(300)], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("jobs", [1, 2])
def test_sampled_sources_add_up_by_chunk(jobs):
    g, src, dst, w = _graph(200, 500, 2)
    pivots = list(range(0, 200, 7))
    got = betweenness_from_sources(200, src, dst, w, pivots, jobs=jobs)
    ref = np.asarray(g.betweenness(directed=False, weights=list(w), sources=pivots, targets=range(200)))
    assert np.allclose(got, ref, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("jobs", [1, 2])
def test_parallel_closeness_equals_igraph(jobs):
    g, src, dst, w = _graph(250, 400, 3)  # sparse: several components and isolates
    got = closeness_of_vertices(250, src, dst, w, range(250), jobs=jobs)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = np.asarray(g.closeness(weights=list(w), normalized=True), dtype=float)
    assert np.allclose(np.nan_to_num(got), np.nan_to_num(ref), rtol=1e-9, atol=1e-12)


def test_progress_counts_sources():
    out = io.StringIO()
    _, src, dst, _ = _graph(100, 300, 4)
    betweenness_from_sources(100, src, dst, None, range(100), jobs=2, progress=Progress(stream=out))
    assert out.getvalue().strip().splitlines()[-1] == "betweenness: 100/100 sources"


@pytest.mark.parametrize("weight", [None, "weight"])
def test_analyze_with_two_jobs_equals_one(weight):
    """The whole analysis: betweenness and closeness split over 2 workers equal one process."""
    from benchmarks.synthetic import synthetic_graph
    from graphkit.analysis import analyze
    from graphkit.analysis.parallel import PARALLEL_MIN_WORK

    G = synthetic_graph(1500, seed=3, coop_edges_per_actor=3)
    one = analyze(G, jobs=1, weight=weight, as_of="all")
    two = analyze(G, jobs=2, weight=weight, as_of="all")
    n, m = one.summary["graph"]["actors"], one.summary["graph"]["actor_links"]
    assert n * m >= PARALLEL_MIN_WORK  # big enough to take the parallel path
    for col in ("betweenness", "closeness"):
        assert np.allclose(one.centrality[col], two.centrality[col], rtol=1e-9, atol=1e-12), col
    assert one.centrality["betweenness"].max() > 0
