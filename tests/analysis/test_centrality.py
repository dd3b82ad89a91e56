"""Centrality against networkx (the reference), published values and between the two engines."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
from analysis_graphs import canonical
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

import graphkit as gk
from graphkit.analysis import AnalysisError, centrality


def _by_id(df, col):
    return dict(zip(df["id"], df[col], strict=False))


def _close(got: dict, want: dict, tol: float = 1e-6) -> None:
    for k, v in want.items():
        g = got[str(k)]
        if np.isnan(v):
            assert np.isnan(g), (k, g, v)
        else:
            assert abs(g - v) <= tol, (k, g, v)


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
def test_florentine_betweenness_equals_networkx_and_published(engine):
    H = nx.florentine_families_graph()
    c = centrality(canonical(H), engine=engine)
    _close(_by_id(c, "betweenness"), nx.betweenness_centrality(H), 1e-12)
    # Padgett's Medici: normalised betweenness 0.522 as widely published (e.g. Wasserman & Faust data)
    assert _by_id(c, "betweenness")["Medici"] == pytest.approx(0.5219, abs=5e-4)
    assert c.sort_values("betweenness", ascending=False)["id"].iloc[0] == "Medici"


def _reference(H: nx.Graph, weighted: bool) -> dict[str, dict]:
    w = "weight" if weighted else None
    D = H.copy()
    for _u, _v, d in D.edges(data=True):
        d["distance"] = 1.0 / d["weight"] if weighted else 1.0
    dist = "distance" if weighted else None
    return {
        "degree": dict(H.degree()),
        "weighted_degree": dict(H.degree(weight="weight")) if weighted else dict(H.degree()),
        "betweenness": nx.betweenness_centrality(D, weight=dist),
        "closeness": nx.closeness_centrality(D, distance=dist),
        "pagerank": _pagerank_python(H, weight=w, tol=1e-13, max_iter=100_000),
        "constraint": nx.constraint(H, weight=w),
        "effective_size": nx.effective_size(H, weight=w),
        "core": nx.core_number(H),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_igraph_equals_networkx_on_random_graphs(seed, weighted):
    H = nx.gnm_random_graph(70, 160, seed=seed)
    H.add_nodes_from([70, 71])  # isolated actors
    H.add_edge(72, 73)  # a second component
    rng = random.Random(seed)
    for _, _, d in H.edges(data=True):
        d["weight"] = rng.choice([1.0, 2.0, 4.0])  # distances 1, 1/2, 1/4 add up exactly: no float ties
    G = canonical(H, weight="weight")
    c = centrality(G, engine="igraph", weight="weight" if weighted else None)
    for col, want in _reference(H, weighted).items():
        _close(_by_id(c, col), want, 1e-6)


def test_eigenvector_equals_networkx_on_connected_graph():
    H = nx.connected_watts_strogatz_graph(80, 6, 0.2, seed=4)
    want = nx.eigenvector_centrality(H, max_iter=100_000, tol=1e-14)
    for engine in ("igraph", "networkx"):
        _close(_by_id(centrality(canonical(H), engine=engine), "eigenvector"), want, 1e-6)


def test_karate_against_networkx_both_engines():
    H = nx.karate_club_graph()
    G = canonical(H)
    a, b = centrality(G, engine="igraph"), centrality(G, engine="networkx")
    num = ["degree", "weighted_degree", "betweenness", "closeness", "eigenvector", "pagerank",
           "constraint", "effective_size", "core"]
    assert np.allclose(a[num].to_numpy(float), b[num].to_numpy(float), atol=1e-6)
    assert list(a.columns) == list(gk.analysis.CENTRALITY_COLUMNS)


def test_sampled_betweenness_matches_networkx_estimator():
    H = nx.gnm_random_graph(120, 400, seed=7)
    G = canonical(H)
    want = nx.betweenness_centrality(H, k=30, seed=5)
    for engine in ("igraph", "networkx"):
        c = centrality(G, engine=engine, exact_threshold=50, samples=30, seed=5)
        assert c.attrs["measures"]["betweenness"].startswith("sampled (30 of 120")
        _close(_by_id(c, "betweenness"), want, 1e-9)


def test_sampled_closeness_engines_agree_and_approximate_exact():
    H = nx.connected_watts_strogatz_graph(150, 6, 0.3, seed=2)
    G = canonical(H)
    a = centrality(G, engine="igraph", exact_threshold=10, samples=50, seed=1)
    b = centrality(G, engine="networkx", exact_threshold=10, samples=50, seed=1)
    assert np.allclose(a["closeness"], b["closeness"], atol=1e-12)
    exact = np.array([nx.closeness_centrality(H)[int(i)] for i in a["id"]])
    assert np.max(np.abs(a["closeness"].to_numpy() / exact - 1)) < 0.1


def test_weights_must_be_positive_numbers():
    G = gk.new_graph()
    gk.add_node(G, "A", "Actor", name="A", kind="state")
    gk.add_node(G, "B", "Actor", name="B", kind="state")
    gk.add_relationship(G, "A", "COOPERATES_WITH", "B", weight=-1.0)
    with pytest.raises(gk.SchemaError, match="positive number"):
        centrality(G, weight="weight")
    with pytest.raises(gk.SchemaError, match="no COOPERATES_WITH relationship has the property 'strength'"):
        centrality(G, weight="strength", types=["COOPERATES_WITH"])


@pytest.mark.parametrize(
    "kwargs, error",
    [({"types": ["HAS_CAPABILITY"]}, gk.SchemaError), ({"types": ["FRIENDS"]}, gk.SchemaError),
     ({"engine": "spark"}, AnalysisError), ({"samples": 0}, AnalysisError)],
)
def test_bad_parameters_raise_graphkit_errors(kwargs, error):
    with pytest.raises(error):
        centrality(gk.load(gk.SAMPLE), **kwargs)
