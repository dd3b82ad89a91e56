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
        # nodes=: networkx's per-node path is Burt's formula; with scipy installed, networkx 3.6's
        # all-node sparse path divides the mutual weights by the wrong axis's maximum on
        # weighted graphs (3.889 instead of 3.861 for node 12 of seed 1)
        "effective_size": nx.effective_size(H, nodes=list(H), weight=w),
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
    num = [
        "degree",
        "weighted_degree",
        "betweenness",
        "closeness",
        "eigenvector",
        "pagerank",
        "constraint",
        "effective_size",
        "core",
    ]
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
    [
        ({"types": ["HAS_CAPABILITY"]}, gk.SchemaError),
        ({"types": ["FRIENDS"]}, gk.SchemaError),
        ({"engine": "spark"}, AnalysisError),
        ({"samples": 0}, AnalysisError),
    ],
)
def test_bad_parameters_raise_graphkit_errors(kwargs, error):
    with pytest.raises(error):
        centrality(gk.load(gk.SAMPLE), **kwargs)


# ---- brokerage: Gould & Fernandez (1989) by hand ------------------------------------------------

ROLE_NAMES = ("coordinator", "gatekeeper", "representative", "itinerant", "liaison")


def test_gould_fernandez_undirected_by_hand():
    """Groups A = {a, b, f, g}, B = {c, d}, C = {e}; ties a-b, b-c, c-d, b-d, b-e, e-f, b-g.
    b's neighbours a, c, d, e, g hold 10 pairs, c-d tied: 9 open paths, each counted both ways.
    a-g: coordinator x2; a-c, a-d, a-e, g-c, g-d, g-e: representative one way, gatekeeper the
    other (6 + 6); c-e, d-e: liaison x2 each. e brokers b-f (A, C, A): itinerant x2. c and d sit
    on a closed triangle with b; a, f, g have one tie."""
    from graphkit.analysis.centrality import BROKER_ROLES, gould_fernandez

    assert BROKER_ROLES == ROLE_NAMES
    names = "abcdefg"
    groups = ["A", "A", "B", "B", "C", "A", "A"]
    ties = ["ab", "bc", "cd", "bd", "be", "ef", "bg"]
    src = [names.index(t[0]) for t in ties]
    dst = [names.index(t[1]) for t in ties]
    got = gould_fernandez(7, src, dst, groups)
    want = {
        "a": [0, 0, 0, 0, 0],
        "b": [2, 6, 6, 0, 4],
        "c": [0, 0, 0, 0, 0],
        "d": [0, 0, 0, 0, 0],
        "e": [0, 0, 0, 2, 0],
        "f": [0, 0, 0, 0, 0],
        "g": [0, 0, 0, 0, 0],
    }
    assert {n: got[i].tolist() for i, n in enumerate(names)} == want


def test_gould_fernandez_directed_by_hand():
    """Arcs a->b, b->c, c->a, b->e, e->d, d->b; groups a, b: A; c, d: B; e: C. Open paths
    x -> y -> z (no arc x -> z): a->b->c (A A B representative), a->b->e (A A C representative),
    d->b->c (B A B itinerant), d->b->e (B A C liaison), b->c->a (A B A itinerant), c->a->b
    (B A A gatekeeper), b->e->d (A C B liaison), e->d->b (C B A liaison). The reverse arcs are
    absent: c has out-arc a only, d in-arc e only."""
    from graphkit.analysis.centrality import gould_fernandez

    names = "abcde"
    arcs = ["ab", "bc", "ca", "be", "ed", "db"]
    got = gould_fernandez(
        5,
        [names.index(t[0]) for t in arcs],
        [names.index(t[1]) for t in arcs],
        ["A", "A", "B", "B", "C"],
        directed=True,
    )
    want = {
        "a": [0, 1, 0, 0, 0],
        "b": [0, 0, 2, 1, 1],
        "c": [0, 0, 0, 1, 0],
        "d": [0, 0, 0, 0, 1],
        "e": [0, 0, 0, 0, 1],
    }
    assert {n: got[i].tolist() for i, n in enumerate(names)} == want


def test_gould_fernandez_without_groups_each_vertex_alone():
    """A star centre with three leaves in no group: every open path joins three groups (liaison)."""
    from graphkit.analysis.centrality import gould_fernandez

    got = gould_fernandez(4, [0, 0, 0], [1, 2, 3], [None, None, None, None])
    assert got.tolist() == [[0, 0, 0, 0, 6], [0] * 5, [0] * 5, [0] * 5]


def test_no_actor_with_zero_betweenness_is_a_broker():
    """Members m1..m4 of one organisation O, and two cooperation ties m1 - x and x - y. On the
    direct ties m2, m3, m4 broker nothing (one tie each to O); O brokers every pair of its members
    (coordinator or not); m1 brokers O - x; x brokers m1 - y. In the two-mode network the
    co-members are tied to each other, so O lies on no shortest path between two actors
    (betweenness 0): O is no broker although its Gould-Fernandez count is the largest."""
    from graphkit.analysis.centrality import brokerage

    G = gk.new_graph()
    gk.add_node(G, "O", "Actor", name="Org", kind="international_org")
    for a in ["m1", "m2", "m3", "m4", "x", "y"]:
        gk.add_node(G, a, "Actor", name=a, kind="state")
    for m in ["m1", "m2", "m3", "m4"]:
        gk.add_relationship(G, m, "MEMBER_OF", "O")
    gk.add_relationship(G, "m1", "COOPERATES_WITH", "x")
    gk.add_relationship(G, "x", "COOPERATES_WITH", "y")
    groups = {"O": "g1", "m1": "g1", "m2": "g1", "m3": "g1", "m4": "g1", "x": "g2", "y": "g2"}
    b = brokerage(G, groups=groups).set_index("id")
    # direct ties: O - m1..m4, m1 - x, x - y. O: 4 members, 6 open pairs x 2 = 12 coordinator paths.
    # m1: neighbours O, x (not tied): O -> m1 -> x representative, x -> m1 -> O gatekeeper.
    # x: neighbours m1, y: m1 -> x -> y (g1 g2 g2) gatekeeper, y -> x -> m1 representative.
    want = {
        "O": [12, 0, 0, 0, 0],
        "m1": [0, 1, 1, 0, 0],
        "x": [0, 1, 1, 0, 0],
        "m2": [0, 0, 0, 0, 0],
        "y": [0, 0, 0, 0, 0],
    }
    assert {a: b.loc[a, list(ROLE_NAMES)].astype(int).tolist() for a in want} == want
    assert float(b.loc["O", "betweenness"]) == 0.0 and not b.loc["O", "broker"]
    assert b.loc["m1", "broker"] and b.loc["x", "broker"]
    assert b.loc["O", "role"] == "coordinator" and b.loc["m2", "role"] == ""
    assert set(b.index[b["broker"]]) == {"m1", "x"}


def test_gould_fernandez_undirected_counts_as_the_loop_over_both_arcs():
    """The undirected counts (arrays, triangles) equal the vertex-by-vertex loop of the directed
    case given every tie as two arcs, on random multigraphs with self-loops and ungrouped vertices."""
    from graphkit.analysis.centrality import gould_fernandez

    rng = np.random.default_rng(0)
    for _ in range(40):
        n, m = int(rng.integers(2, 40)), int(rng.integers(0, 150))
        src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
        groups = [None if rng.random() < 0.1 else int(rng.integers(0, 4)) for _ in range(n)]
        want = gould_fernandez(n, np.r_[src, dst], np.r_[dst, src], groups, directed=True)
        np.testing.assert_array_equal(gould_fernandez(n, src, dst, groups), want)


@pytest.mark.parametrize("at_once", [1, 7, 1 << 20])
def test_brokerage_with_wedges_listed_in_blocks_counts_as_the_loop(at_once, monkeypatch):
    """The undirected counts with the triangles' wedges listed a block at a time (down to
    one tie per block) equal the vertex-by-vertex loop of the directed case, on networks
    dense enough for many triangles (counted by networkx)."""
    import sys

    import networkx as nx

    from graphkit.analysis.centrality import gould_fernandez

    monkeypatch.setattr(sys.modules["graphkit.analysis.centrality"], "WEDGES_AT_ONCE", at_once)
    rng = np.random.default_rng(1)
    triangles = 0
    for _ in range(15):
        n, m = int(rng.integers(3, 30)), int(rng.integers(0, 200))
        src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
        H = nx.Graph((int(a), int(b)) for a, b in zip(src, dst, strict=True) if a != b)
        triangles += sum(nx.triangles(H).values()) // 3
        groups = [int(rng.integers(0, 3)) for _ in range(n)]
        want = gould_fernandez(n, np.r_[src, dst], np.r_[dst, src], groups, directed=True)
        np.testing.assert_array_equal(gould_fernandez(n, src, dst, groups), want)
    assert triangles > 100
