"""The incidence operators give the numbers of the explicit two-mode projection: weighted
degree, the adjacency product, PageRank, the eigenvector and modularity equal a dense
projection built here from the model's rule and igraph on the engine's projection, within
1e-9, on small random two-mode networks with every awkward case (one-member organisations,
organisations that are members, repeated memberships, a cooperation tie alongside a
membership, isolated actors, tie weights)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from two_mode_graphs import random_two_mode

import graphkit as gk
from graphkit.analysis import incidence as inc_ops
from graphkit.analysis import measures
from graphkit.analysis.clusters import modularity_of
from graphkit.analysis.engine import actor_network

ig = pytest.importorskip("igraph")


def _dense(G: nx.MultiDiGraph, ids: list[str], weight: str | None) -> np.ndarray:
    """The projection by the model's rule (engine docstring), pair by pair."""
    index = {a: i for i, a in enumerate(ids)}
    W = np.zeros((len(ids), len(ids)))
    members: dict[str, set[str]] = {}
    for u, v, d in G.edges(data=True):
        if u == v or u not in index or v not in index:
            continue
        if d["type"] == "MEMBER_OF":
            members.setdefault(v, set()).add(u)
        elif d["type"] == "COOPERATES_WITH":
            w = float(d.get(weight, 1.0)) if weight else 1.0
            W[index[u], index[v]] += w
            W[index[v], index[u]] += w
    for o, ms in members.items():
        t = float(G.nodes[o].get("tie_weight", 1.0))
        k = len(ms)
        c = t / (k - 1) if k > 1 else t
        for m in ms:
            W[index[m], index[o]] += c
            W[index[o], index[m]] += c
        for a in ms:
            for b in ms:
                if a != b:
                    W[index[a], index[b]] += c
    return W


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("weight", [None, "weight"])
def test_operator_equals_the_dense_projection(seed, weight):
    G = random_two_mode(seed)
    net = actor_network(G, weight=weight, two_mode=True)
    W = _dense(G, net.ids, weight)
    inc = net.incidence
    assert inc is not None
    np.testing.assert_allclose(inc.strength, W.sum(axis=1), rtol=0, atol=1e-9)
    np.testing.assert_allclose(inc_ops.weighted_degree(inc), net.strength, rtol=0, atol=1e-9)
    v = np.random.default_rng(seed).random(net.n)
    np.testing.assert_allclose(inc.matvec(v), W @ v, rtol=0, atol=1e-9)
    assert inc.projected_ties == sum(k * (k - 1) // 2 for k in inc.size.tolist())


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("weight", [None, "weight"])
def test_pagerank_and_eigenvector_equal_igraph_on_the_projection(seed, weight):
    G = random_two_mode(seed, weighted=weight is not None)
    net = actor_network(G, weight=weight, two_mode=True)
    g = net.igraph  # the engine's explicit projection
    pr = np.asarray(g.pagerank(weights="weight", damping=0.85, directed=False))
    np.testing.assert_allclose(inc_ops.pagerank(net.incidence), pr, rtol=0, atol=1e-9)
    assert inc_ops.pagerank(net.incidence).sum() == pytest.approx(1.0, abs=1e-12)
    # a connected piece, so that the leading eigenvector is unique
    comp = np.asarray(g.connected_components().membership)
    giant = np.bincount(comp).argmax()
    keep = [net.ids[i] for i in np.flatnonzero(comp == giant)]
    H = G.subgraph(keep + [n for n, d in G.nodes(data=True) if d["label"] != "Actor"]).copy()
    sub = actor_network(H, weight=weight, two_mode=True)
    ev = np.abs(np.asarray(sub.igraph.eigenvector_centrality(weights="weight")))
    np.testing.assert_allclose(inc_ops.eigenvector(sub.incidence), ev / np.linalg.norm(ev), rtol=0, atol=1e-9)


def test_eigenvector_equals_numpy_on_the_dense_projection():
    G = random_two_mode(7)
    net = actor_network(G, weight="weight", two_mode=True)
    W = _dense(G, net.ids, "weight")
    values, vectors = np.linalg.eigh(W)
    lead = np.abs(vectors[:, -1])
    if values[-1] - values[-2] > 1e-6:  # a unique leading eigenvector (the giant component's)
        np.testing.assert_allclose(inc_ops.eigenvector(net.incidence), lead, rtol=0, atol=1e-9)


def test_bundled_data_measures_unchanged():
    """analyze's measures on the bundled data: the incidence path gives igraph's values on the projection."""
    path = Path(__file__).resolve().parents[2] / "data" / "cyber-multilateral"
    if not path.exists():
        pytest.skip("data/cyber-multilateral not built")
    G = gk.load(path)
    net = actor_network(G, two_mode=True)
    assert net.incidence is not None
    g = net.igraph
    pr = np.asarray(g.pagerank(weights="weight", damping=0.85, directed=False))
    np.testing.assert_allclose(measures.compute(net, "pagerank", engine="igraph"), pr, rtol=0, atol=1e-9)
    with np.errstate(all="ignore"):
        ev = np.abs(np.asarray(g.eigenvector_centrality(weights="weight")))
    np.testing.assert_allclose(
        measures.compute(net, "eigenvector", engine="igraph"), ev / np.linalg.norm(ev), rtol=0, atol=1e-9
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_modularity_equals_igraph_and_the_projection(seed):
    G = random_two_mode(seed)
    net = actor_network(G, weight="weight", two_mode=True)
    rng = np.random.default_rng(seed)
    for membership in (
        np.asarray(net.igraph.community_multilevel(weights="weight").membership),
        rng.integers(0, 5, net.n),
        np.zeros(net.n, dtype=np.int64),
    ):
        q = inc_ops.modularity(net.incidence, membership)
        assert q == pytest.approx(modularity_of(net, membership), abs=1e-9)
        assert q == pytest.approx(net.igraph.modularity(membership.tolist(), weights="weight"), abs=1e-9)


def test_no_memberships_no_incidence():
    G = random_two_mode(1)
    assert actor_network(G, ["COOPERATES_WITH"], two_mode=True).incidence is None
    assert actor_network(G, two_mode=False).incidence is None


@pytest.mark.parametrize("seed", [1, 2])
def test_components_from_the_direct_ties_equal_the_projections(seed):
    net = actor_network(random_two_mode(seed), weight="weight", two_mode=True)
    assert np.array_equal(net.components(), np.asarray(net.igraph.connected_components().membership))
