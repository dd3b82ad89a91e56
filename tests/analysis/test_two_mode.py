"""Memberships as two-mode data: Newman's co-membership weights, a universal forum changes nothing."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from networkx.algorithms import bipartite

import graphkit as gk
from graphkit.analysis import analyze, centrality, clusters
from graphkit.analysis.centrality import most_central
from graphkit.analysis.engine import actor_network
from graphkit.analysis.measures import MEASURES, compute


def _graph(states, orgs, memberships, cooperation=(), tie_weight=None):
    """Canonical graph: ``orgs`` maps id -> kind; memberships (member, org); cooperation (a, b[, weight])."""
    G = gk.new_graph()
    for s in states:
        gk.add_node(G, s, "Actor", name=f"State {s}", kind="state")
    for o, kind in orgs.items():
        props = {"tie_weight": tie_weight[o]} if tie_weight and o in tie_weight else {}
        gk.add_node(G, o, "Actor", name=f"Org {o}", kind=kind, **props)
    for m, o in memberships:
        gk.add_relationship(G, m, "MEMBER_OF", o)
    for c in cooperation:
        props = {"weight": c[2]} if len(c) > 2 else {}
        gk.add_relationship(G, c[0], "COOPERATES_WITH", c[1], **props)
    return G


def _weights(net):
    return {
        frozenset((net.ids[u], net.ids[v])): w
        for u, v, w in zip(net.src.tolist(), net.dst.tolist(), net.weight.tolist(), strict=True)
    }


def test_hand_worked_five_states_two_organisations():
    """By hand. X (alliance) has members A, B, C: 1/(3-1) = 1/2 per tie. Y (forum) has all
    five states and tie_weight 2: 2/(5-1) = 1/2 per tie. D and E also cooperate (1)."""
    G = _graph(
        "ABCDE",
        {"X": "alliance", "Y": "international_org"},
        [(s, "X") for s in "ABC"] + [(s, "Y") for s in "ABCDE"],
        [("D", "E")],
        tie_weight={"Y": 2},
    )
    net = actor_network(G, two_mode=True)
    want = {
        **{frozenset(p): 1.0 for p in ("AB", "AC", "BC")},  # X 1/2 + Y 1/2
        **{frozenset(p): 0.5 for p in ("AD", "AE", "BD", "BE", "CD", "CE")},  # Y only
        frozenset("DE"): 1.5,  # Y 1/2 + cooperation 1
        **{frozenset(("X", s)): 0.5 for s in "ABC"},
        **{frozenset(("Y", s)): 0.5 for s in "ABCDE"},
    }
    assert _weights(net) == pytest.approx(want)
    assert net.weighted and net.two_mode
    c = centrality(G).set_index("id")
    # weighted degree: A = 1 + 1 + 1/2 + 1/2 (states) + 1/2 + 1/2 (X, Y) = 4; D = 4 * 1/2 + 1 + 1/2 ... by hand:
    # D: A, B, C 1/2 each, E 1.5, Y 1/2 = 3.5; X: 3 * 1/2 = 1.5; Y: 5 * 1/2 = 2.5
    assert c["weighted_degree"].to_dict() == pytest.approx({"A": 4, "B": 4, "C": 4, "D": 3.5, "E": 3.5,
                                                             "X": 1.5, "Y": 2.5})  # fmt: skip
    # degree counts direct ties: A's two memberships, D's membership and partner, X's three members
    assert c["degree"].to_dict() == {"A": 2, "B": 2, "C": 2, "D": 2, "E": 2, "X": 3, "Y": 5}
    # ranks within kind: states among states, organisations among their own kind
    assert c.loc[["A", "D"], "weighted_degree_kind_rank"].tolist() == [1, 4]
    assert c.loc[["X", "Y"], "weighted_degree_kind_rank"].tolist() == [1, 1]


def test_direct_network_is_unchanged():
    """two_mode=False: one tie per member-organisation pair, as before issue #12."""
    G = _graph("ABC", {"X": "alliance"}, [(s, "X") for s in "ABC"])
    net = actor_network(G)
    assert _weights(net) == {frozenset(("X", s)): 1.0 for s in "ABC"}
    assert not net.weighted


@pytest.mark.parametrize("seed", range(6))
def test_co_membership_weights_equal_networkx_collaboration_projection(seed):
    rng = random.Random(seed)
    states = [f"S{i}" for i in range(rng.randint(6, 25))]
    orgs = {f"O{j}": rng.choice(["alliance", "international_org"]) for j in range(rng.randint(2, 7))}
    memberships = [(s, o) for o in orgs for s in rng.sample(states, rng.randint(1, len(states)))]
    G = _graph(states, orgs, memberships)
    B = nx.Graph()
    B.add_nodes_from(states, bipartite=0)
    B.add_nodes_from(orgs, bipartite=1)
    B.add_edges_from(memberships)
    P = bipartite.collaboration_weighted_projected_graph(B, states)
    got = _weights(actor_network(G, two_mode=True))
    projected = {k: w for k, w in got.items() if all(a in P for a in k)}
    want = {frozenset((u, v)): d["weight"] for u, v, d in P.edges(data=True) if d["weight"] > 0}
    assert projected.keys() == want.keys()
    for k, w in want.items():
        assert projected[k] == pytest.approx(w, rel=1e-12, abs=0), k
    # and each organisation is tied to its members with 1 / (n - 1)
    for o in orgs:
        n = B.degree(o)
        for s in B[o]:
            assert got[frozenset((o, s))] == pytest.approx(1 / (n - 1) if n > 1 else 1.0)


def _random_world(seed: int, n_states: int = 40):
    rng = random.Random(seed)
    states = [f"S{i:02d}" for i in range(n_states)]
    orgs = {f"O{j}": rng.choice(["alliance", "international_org"]) for j in range(8)}
    memberships = [(s, o) for o in orgs for s in rng.sample(states, rng.randint(3, 12))]
    coop = set()
    while len(coop) < 50:
        a, b = rng.sample(states, 2)
        coop.add((min(a, b), max(a, b), round(rng.uniform(0.5, 3), 2)))
    return states, orgs, memberships, sorted(coop)


STRENGTH_ROBUST = [m for m in MEASURES if m != "core"]
"""Every measure but the core, a coarse integer that a tie to everyone lifts unevenly
(Spearman 0.52 at worst over 10 such worlds; the report does not rank by it)."""


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("weight", [None, "weight"])
def test_a_forum_every_state_joins_barely_changes_the_order_of_states(seed, weight):
    states, orgs, memberships, coop = _random_world(seed)
    before = centrality(_graph(states, orgs, memberships, coop), weight=weight)
    forum = {**orgs, "FORUM": "international_org"}
    after = centrality(
        _graph(states, forum, memberships + [(s, "FORUM") for s in states], coop), weight=weight
    )
    b = before[before.kind == "state"].set_index("id")
    a = after[after.kind == "state"].set_index("id").loc[b.index]
    for name in STRENGTH_ROBUST:
        x, y = b[name].astype(float), a[name].astype(float)
        if x.nunique() <= 1 and y.nunique() <= 1:
            continue
        rho = x.rank().corr(y.rank())  # Spearman: Pearson correlation of the ranks
        assert rho >= 0.9, (name, rho)
    # the forum is everyone's co-member but nobody's hub
    top = after.sort_values(["pagerank", "id"], ascending=[False, True]).iloc[0]["id"]
    assert top != "FORUM"
    assert after.set_index("id").loc["FORUM", "betweenness"] <= after["betweenness"].median()


def test_without_two_mode_the_forum_becomes_the_hub():
    """The property above is the two-mode network's doing: in the direct network the forum
    is the most central actor on betweenness and PageRank."""
    states, orgs, memberships, coop = _random_world(0)
    forum = {**orgs, "FORUM": "international_org"}
    G = _graph(states, forum, memberships + [(s, "FORUM") for s in states], coop)
    direct = centrality(G, two_mode=False)
    assert direct.sort_values("betweenness", ascending=False).iloc[0]["id"] == "FORUM"
    assert direct.sort_values("pagerank", ascending=False).iloc[0]["id"] == "FORUM"


def test_universal_forum_scenario_tables():
    states, orgs, memberships, coop = _random_world(3)
    forum = {**orgs, "FORUM": "international_org"}
    G = _graph(states, forum, memberships + [(s, "FORUM") for s in states], coop)
    a = analyze(G)
    top = a.summary["most_central"]
    assert set(top) == {"state", "alliance", "international_org"}
    c = a.centrality
    for measure in ("weighted_degree", "betweenness", "closeness", "eigenvector", "pagerank"):
        assert top["state"][measure] in states
        overall = c.sort_values([measure, "id"], ascending=[False, True]).iloc[0]["id"]
        assert overall != "FORUM", measure
    # the headline rank columns: rank 1 within the kind is the most_central entry
    c = a.centrality
    for kind, best in top.items():
        rows = c[(c.kind == kind) & (c["pagerank_kind_rank"] == 1)]
        assert best["pagerank"] in rows["id"].tolist()
    # no cluster is named after the forum
    assert "Org FORUM" not in set(a.clusters["cluster_name"])
    assert not a.cluster_summary["name"].str.startswith("Org FORUM").any()


def test_most_central_by_hand():
    t = pd.DataFrame(
        {"id": ["a", "b", "c", "d"], "kind": ["state", "state", "alliance", "alliance"],
         "pagerank": [0.1, 0.4, 0.3, 0.3], "constraint": [0.5, 0.2, np.nan, 0.9]}
    )  # fmt: skip
    assert most_central(t) == {
        "state": {"pagerank": "b", "constraint": "b"},  # constraint: lowest first
        "alliance": {"pagerank": "c", "constraint": "d"},  # tie on PageRank: first id; NaN skipped
    }


@pytest.mark.parametrize("name", list(MEASURES))
def test_engines_agree_on_the_two_mode_network(name):
    states, orgs, memberships, coop = _random_world(1, n_states=25)
    net = actor_network(_graph(states, orgs, memberships, coop), two_mode=True)
    a = np.asarray(compute(net, name, engine="igraph"), dtype=float)
    b = np.asarray(compute(net, name, engine="networkx"), dtype=float)
    assert np.allclose(a, b, atol=1e-6, equal_nan=True), name


def test_clusters_run_on_the_two_mode_network():
    """Two camps of four states that each share a small alliance, all in one forum: the
    forum does not merge them, and each cluster is named after a state."""
    camp1, camp2 = ["A1", "A2", "A3", "A4"], ["B1", "B2", "B3", "B4"]
    G = _graph(
        camp1 + camp2,
        {"ALLY1": "alliance", "ALLY2": "alliance", "FORUM": "international_org"},
        [(s, "ALLY1") for s in camp1] + [(s, "ALLY2") for s in camp2] + [(s, "FORUM") for s in camp1 + camp2],
    )
    cl = clusters(G, seed=0).set_index("id")
    assert cl.loc[camp1, "cluster"].nunique() == 1 and cl.loc[camp2, "cluster"].nunique() == 1
    assert cl.loc["A1", "cluster"] != cl.loc["B1", "cluster"]
    assert set(cl["cluster_name"]) <= {f"State {s}" for s in camp1 + camp2}


@pytest.mark.parametrize("bad", [0, -1, "heavy", float("inf")])
def test_tie_weight_must_be_a_positive_number(bad):
    G = _graph("AB", {"X": "alliance"}, [("A", "X"), ("B", "X")])
    G.nodes["X"]["tie_weight"] = bad
    with pytest.raises(gk.SchemaError, match="tie_weight"):
        actor_network(G, two_mode=True)


def test_report_headlines_in_the_universal_forum_scenario():
    from graphkit.export.report import build_report
    from graphkit.export.report.document import Table

    states, orgs, memberships, coop = _random_world(2)
    forum = {**orgs, "FORUM": "international_org"}
    G = _graph(states, forum, memberships + [(s, "FORUM") for s in states], coop)
    a = analyze(G, perturb=3)
    rep = build_report(G, a)
    summary = next(s for s in rep.sections if s.id == "summary")
    findings = [row[0] for row in next(b for b in summary.blocks if isinstance(b, Table)).rows]
    state_line = next(f for f in findings if "is the best-connected state" in f)
    org_line = next(f for f in findings if "is the best-connected organisation" in f)
    best_state = a.summary["most_central"]["state"]["pagerank"]
    assert state_line.startswith(f"State {best_state} ") and "Org FORUM" not in state_line + org_line
    assert "Global forums that most states join are left out" in org_line
    assert any(s.id == "stability" for s in rep.sections)
