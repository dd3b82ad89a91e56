"""A large two-mode network is read without its co-member projection (issue 33): the ties
its hubs do not stand for, its tie count, the graph betweenness and closeness run on, the
strengths, the modularity and the ties inside clusters equal those of the explicit
projection (built as before, on small networks, with the threshold forced to 0), and a
whole analysis gives the same numbers without ever building the projection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from two_mode_graphs import random_two_mode

import graphkit as gk
from graphkit.analysis import engine, incidence, paths
from graphkit.analysis.clusters import modularity_of
from graphkit.analysis.engine import actor_network
from graphkit.analysis.paths import path_graph

pytest.importorskip("igraph")

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "cyber-multilateral"


def _both(G, monkeypatch, weight=None):
    """The network with its projection listed (as before) and read without it."""
    listed = actor_network(G, weight=weight, two_mode=True)
    monkeypatch.setattr(engine, "PROJECTION_FREE_PAIRS", 0)
    free = actor_network(G, weight=weight, two_mode=True)
    monkeypatch.undo()
    return listed, free


def _graphs():
    yield "random 1", random_two_mode(1), None
    yield "random 2 weighted", random_two_mode(2), "weight"
    yield "random 3, 150 actors", random_two_mode(3, actors=150, orgs=14, coop=200), "weight"
    if (BUNDLED / "actors.csv").exists():
        yield "bundled", gk.load(BUNDLED), None


@pytest.mark.parametrize("case", list(_graphs()), ids=lambda c: c[0])
def test_explicit_ties_and_path_graph_equal_the_projections(case, monkeypatch):
    _, G, weight = case
    listed, free = _both(G, monkeypatch, weight)
    assert listed.listed and not free.listed
    assert free.m == listed.m
    keep = ~listed.hubs.replaced
    ties = free.explicit
    np.testing.assert_array_equal(ties.src, listed.src[keep])
    np.testing.assert_array_equal(ties.dst, listed.dst[keep])
    np.testing.assert_allclose(ties.weight, listed.weight[keep], rtol=1e-12, atol=0)
    assert ties.replaced == int(listed.hubs.replaced.sum())
    for a, b in (("org", "org"), ("ptr", "ptr"), ("members", "members")):
        np.testing.assert_array_equal(getattr(free.hubs, a), getattr(listed.hubs, b))
    saves = ties.replaced > free.hubs.members.size  # else path_graph lists the projection
    P, Q = path_graph(free), path_graph(listed)
    assert free.listed != saves
    assert P.N == Q.N
    np.testing.assert_array_equal(P.indptr, Q.indptr)
    np.testing.assert_array_equal(P.indices, Q.indices)
    np.testing.assert_allclose(P.length, Q.length, rtol=1e-12, atol=0)
    np.testing.assert_allclose(free.strength, listed.strength, rtol=0, atol=1e-9)
    rng = np.random.default_rng(0)
    for k in (1, 3, 8):
        membership = rng.integers(0, k, free.n)
        assert modularity_of(free, membership) == pytest.approx(modularity_of(listed, membership), abs=1e-12)
        np.testing.assert_array_equal(free.ties_inside(membership), listed.ties_inside(membership))
    assert free.same_ties(listed) and listed.same_ties(free)
    assert free.listed != saves  # nothing else above built the projection
    np.testing.assert_array_equal(free.src, listed.src)  # asked for: built as before
    np.testing.assert_array_equal(free.dst, listed.dst)
    np.testing.assert_array_equal(free.count, listed.count)
    np.testing.assert_allclose(free.weight, listed.weight, rtol=1e-12, atol=0)
    assert free.listed


def test_a_hand_made_network():
    """O1 has a, b, c, d, e (c = 1/4), O2 has a, b, f, g (1/3), O3 has c, d, h (1/2, fewer
    than 4 members: no hub), O2 is a member of O1, a cooperates with c (weight 1 unweighted).
    Hubs: O1 and O2. By hand, the ties they cannot stand for, and their strengths:"""
    G = gk.new_graph()
    for a in ["a", "b", "c", "d", "e", "f", "g", "h", "O1", "O2", "O3"]:
        gk.add_node(G, a, "Actor", name=a, kind="alliance" if a.startswith("O") else "state")
    for org, ms in {"O1": "abcde", "O2": "abfg", "O3": "cdh"}.items():
        for m in ms:
            gk.add_relationship(G, m, "MEMBER_OF", org)
    gk.add_relationship(G, "O2", "MEMBER_OF", "O1")
    gk.add_relationship(G, "a", "COOPERATES_WITH", "c")
    c1, c2, c3 = 1 / 5, 1 / 3, 1 / 2  # O1 has 6 members with O2
    expected = {
        ("a", "b"): c1 + c2,  # two shared organisations
        ("a", "c"): 1 + c1,  # cooperation and O1
        ("c", "d"): c1 + c3,  # O1 and O3
        ("c", "h"): c3,  # O3 only, no hub
        ("d", "h"): c3,
        ("a", "O1"): c1, ("b", "O1"): c1, ("c", "O1"): c1, ("d", "O1"): c1, ("e", "O1"): c1,
        ("O2", "O1"): c1,
        ("a", "O2"): c2 + c1, ("b", "O2"): c2 + c1,  # member of O2, co-member of O2 in O1
        ("f", "O2"): c2, ("g", "O2"): c2,
        ("c", "O3"): c3, ("d", "O3"): c3, ("h", "O3"): c3,
    }  # fmt: skip
    net = actor_network(G, two_mode=True)
    inc = net.incidence
    ties = incidence.explicit_ties(inc, paths.HUB_MIN_MEMBERS)
    got = {
        tuple(sorted((net.ids[u], net.ids[v]))): w
        for u, v, w in zip(ties.src.tolist(), ties.dst.tolist(), ties.weight.tolist(), strict=True)
    }
    want = {tuple(sorted(k)): v for k, v in expected.items()}
    assert got.keys() == want.keys()
    for k, w in want.items():
        assert got[k] == pytest.approx(w, abs=1e-12), k
    # O1's 15 co-member pairs and O2's 6, less the 4 listed above ((a, b) twice, (a, c), (c, d),
    # (a, O2), (b, O2))
    assert ties.replaced == 15 + 6 - 6
    assert ties.m == net.m == len(expected) + 15
    hubbed = dict(
        zip(zip(ties.src.tolist(), ties.dst.tolist(), strict=True), ties.hubbed.tolist(), strict=True)
    )
    ab = tuple(sorted((net.index["a"], net.index["b"])))
    assert hubbed[ab] == 2


def test_analysis_equal_without_the_projection(monkeypatch):
    """The whole analysis with the projection-free network, the compiled kernel and Louvain on
    the incidence, against the analysis as before (projection, igraph): every centrality
    value within 1e-9, the same tie counts; clusters as good (modularity within 0.01); and
    the projection is never built."""
    from graphkit.analysis import kernel, louvain

    if not kernel.AVAILABLE or not louvain.available():
        pytest.skip("numba not installed")
    G = random_two_mode(7, actors=200, orgs=12, coop=300)
    before = gk.analyze(G, seed=1, weight="weight")
    built = []
    real = engine.projection_arrays
    monkeypatch.setattr(engine, "projection_arrays", lambda *a: built.append(1) or real(*a))
    monkeypatch.setattr(engine, "PROJECTION_FREE_PAIRS", 0)
    monkeypatch.setattr(louvain, "MIN_PROJECTED_TIES", 0)
    monkeypatch.setattr(paths, "KERNEL_MIN_WORK", 0)
    after = gk.analyze(G, seed=1, weight="weight")
    assert not built
    cols = ["degree", "weighted_degree", "betweenness", "closeness", "eigenvector", "pagerank"]
    a, b = after.centrality.set_index("id"), before.centrality.set_index("id")
    for c in cols:
        np.testing.assert_allclose(a[c].to_numpy(float), b.loc[a.index, c].to_numpy(float), rtol=0, atol=1e-9)
    assert after.summary["graph"] == before.summary["graph"]
    qa, qb = after.summary["clusters"]["modularity"], before.summary["clusters"]["modularity"]
    assert qa >= qb - 0.01
    s = after.cluster_summary
    assert s["internal_edges"].sum() <= before.summary["graph"]["actor_links"]


@pytest.mark.parametrize("seed", [1, 2])
def test_without_ties_equals_reading_the_graph_without_them(seed):
    """A stability run's network derived from the rows read once (without_ties) is the
    network read from the graph without those relationships: the same arrays, exactly,
    with the instruments as read and with another instrument table."""
    import random

    import networkx as nx

    from graphkit.analysis.engine import without_ties

    G = random_two_mode(seed)
    rng = random.Random(seed)
    for _, _, d in G.edges(data=True):
        if d["type"] == "COOPERATES_WITH" and rng.random() < 0.5:
            d["instrument"] = rng.choice(["treaty", "mou", "joint statement"])
    keyed = actor_network(G, weight="weight", two_mode=True, keyed=True)
    edges = list(G.edges(keys=True))
    for instruments in ("same", {"treaty": 0.5, "mou": 0.2}):
        for share in (0.0, 0.3, 0.8):
            drop = {e for e in edges if rng.random() < share}
            view = nx.subgraph_view(G, filter_edge=lambda u, v, k, drop=drop: (u, v, k) not in drop)
            want = actor_network(
                view,
                weight="weight",
                two_mode=True,
                instruments=None if instruments == "same" else instruments,
            )
            got = without_ties(keyed, drop, instruments=instruments)
            for a, b in ((got, want), (got.direct_network, want.direct_network)):
                for name in ("src", "dst", "weight", "count"):
                    np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
            assert got.same_ties(want) and got.m == want.m
            if want.incidence is not None:
                np.testing.assert_array_equal(got.incidence.share, want.incidence.share)
