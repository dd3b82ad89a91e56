"""Capability gaps on a hand-worked scenario (every expected table written by hand), and
critical actors against a brute-force removal on random graphs."""

from __future__ import annotations

import random

import networkx as nx
import pandas as pd
import pytest

import graphkit as gk
from graphkit.analysis import (
    alliance_gaps,
    capability_gaps,
    critical_actors,
    gap_summary,
    recommend_partners,
    uncovered_threats,
)


@pytest.fixture
def scenario() -> nx.MultiDiGraph:
    """A and B are members of ORG; A cooperates with C; D and E stand alone.

    Holdings (threshold 0.5): A c1 .9, B c2 .8, C c3 .7, B c3 .4 (below), D c1 .5 (exactly), E c4 .6.
    t1 -> A, B requires c1 c2; t2 -> A, D requires c2 c3 c4; t3 -> ORG requires c3 c5; t4 -> A requires nothing.
    """
    G = gk.new_graph()
    for a in "ABCDE":
        gk.add_node(G, a, "Actor", name=f"Actor {a}", kind="company" if a == "C" else "state")
    gk.add_node(G, "ORG", "Actor", name="Org", kind="alliance")
    for c in ("c1", "c2", "c3", "c4", "c5"):
        gk.add_node(G, c, "Capability", name=c.upper())
    for t in ("t1", "t2", "t3", "t4"):
        gk.add_node(G, t, "Threat", name=t.upper())
    gk.add_relationship(G, "A", "MEMBER_OF", "ORG")
    gk.add_relationship(G, "B", "MEMBER_OF", "ORG")
    gk.add_relationship(G, "C", "COOPERATES_WITH", "A")
    for a, c, lv in (("A", "c1", 0.9), ("B", "c2", 0.8), ("C", "c3", 0.7), ("B", "c3", 0.4),
                     ("D", "c1", 0.5), ("E", "c4", 0.6)):
        gk.add_relationship(G, a, "HAS_CAPABILITY", c, level=lv)
    for t, targets, needs in (("t1", "AB", ["c1", "c2"]), ("t2", "AD", ["c2", "c3", "c4"]),
                              ("t3", ["ORG"], ["c3", "c5"]), ("t4", "A", [])):
        for a in targets:
            gk.add_relationship(G, t, "TARGETS", a)
        for c in needs:
            gk.add_relationship(G, t, "REQUIRES", c)
    return G


def _rows(df: pd.DataFrame, cols: list[str]) -> list[list]:
    return df[cols].values.tolist()


def test_capability_gaps_full_table(scenario):
    want = [
        ["A", "c2", 2, False, True],
        ["A", "c1", 1, True, True],
        ["A", "c3", 1, False, True],
        ["A", "c4", 1, False, False],
        ["B", "c1", 1, False, True],
        ["B", "c2", 1, True, True],
        ["D", "c2", 1, False, False],
        ["D", "c3", 1, False, False],
        ["D", "c4", 1, False, False],
        ["ORG", "c3", 1, False, False],
        ["ORG", "c5", 1, False, False],
    ]
    gaps = capability_gaps(scenario)
    assert _rows(gaps, list(gk.analysis.GAP_COLUMNS)) == want
    assert gaps["level"].tolist()[:2] == [pytest.approx(float("nan"), nan_ok=True), 0.9]


def test_partners_parameter_changes_pooling(scenario):
    only_coop = capability_gaps(scenario, partners=["COOPERATES_WITH"])
    a = only_coop[only_coop.actor_id == "A"]
    assert _rows(a, ["capability_id", "pooled"]) == [["c2", False], ["c1", True], ["c3", True], ["c4", False]]
    # a lower threshold lets B's c3 (level 0.4) count, so ORG pools c3 from its member B
    low = capability_gaps(scenario, threshold=0.4)
    assert _rows(low[low.actor_id == "ORG"], ["capability_id", "own", "pooled"]) == [
        ["c3", False, True], ["c5", False, False]]


def test_gap_summary_full_table(scenario):
    want = [
        ["A", 3, 5, 4, 1, 3, ["c2", "c3"], ["c4"]],
        ["B", 1, 2, 1, 0, 1, ["c1"], []],
        ["D", 1, 3, 3, 3, 0, [], ["c2", "c3", "c4"]],
        ["ORG", 1, 2, 2, 2, 0, [], ["c3", "c5"]],
    ]
    cols = ["actor_id", "threats", "needed_weight", "own_gap", "coalition_gap", "closed_by_cooperation",
            "closed_capabilities", "open_capabilities"]
    assert _rows(gap_summary(scenario), cols) == want


def test_alliance_gaps_full_table(scenario):
    want = [
        ["ORG", "c2", 2, True, 1, 2],
        ["ORG", "c3", 2, False, 0, 2],
        ["ORG", "c1", 1, True, 1, 2],
        ["ORG", "c4", 1, False, 0, 1],
        ["ORG", "c5", 1, False, 0, 1],
    ]
    cols = ["alliance_id", "capability_id", "weight", "own", "holders", "members_needing"]
    assert _rows(alliance_gaps(scenario), cols) == want


def test_uncovered_threats(scenario):
    got = uncovered_threats(scenario)
    assert _rows(got, ["threat_id", "required", "missing", "missing_capabilities", "targets"]) == [
        ["t3", 2, 1, ["c5"], 1]]


def test_recommend_partners_greedy(scenario):
    assert _rows(recommend_partners(scenario, "A"), ["rank", "partner_id", "closes", "closed_weight",
                                                     "remaining_weight"]) == [[1, "E", ["c4"], 1, 0]]
    # D has no partner: B, C and E each close weight 1; ties go to graph order, k stops at two
    assert _rows(recommend_partners(scenario, "D", k=2), ["partner_id", "closes", "remaining_weight"]) == [
        ["B", ["c2"], 2], ["C", ["c3"], 1]]
    with pytest.raises(gk.SchemaError, match="no actor with id 'c1' \\(it is not an Actor\\)"):
        recommend_partners(scenario, "c1")


def test_critical_actors_full_table(scenario):
    # A's c2 comes only from B through ORG (B and ORG critical, weight 2); A's c3 only from C;
    # B's c1 only from A through ORG. Cut vertices: ORG (B) and A (C).
    want = [
        ["ORG", 3, 2, 2, True],
        ["B", 2, 1, 1, False],
        ["A", 1, 1, 1, True],
        ["C", 1, 1, 1, False],
    ]
    cols = ["actor_id", "opened_weight", "opened_gaps", "actors_affected", "articulation_point"]
    for engine in ("igraph", "networkx"):
        assert _rows(critical_actors(scenario, engine=engine), cols) == want


# ---- brute force: remove each actor and recompute with plain sets --------------------


def _coalition_gaps(G, threshold, partners):
    actors = [n for n, d in G.nodes(data=True) if d["label"] == "Actor"]
    own = {a: set() for a in actors}
    need = {a: {} for a in actors}
    friends = {a: set() for a in actors}
    groups = {}
    for u, v, d in G.edges(data=True):
        if d["type"] == "HAS_CAPABILITY" and d.get("level", 1.0) >= threshold:
            own[u].add(v)
        elif d["type"] == "COOPERATES_WITH" and "COOPERATES_WITH" in partners:
            friends[u].add(v)
            friends[v].add(u)
        elif d["type"] == "MEMBER_OF" and "MEMBER_OF" in partners:
            groups.setdefault(v, {v}).add(u)
    for members in groups.values():
        for a in members:
            friends[a] |= members - {a}
    for t, d in G.nodes(data=True):
        if d["label"] != "Threat":
            continue
        caps = {v for _, v, e in G.out_edges(t, data=True) if e["type"] == "REQUIRES"}
        for _, a, e in G.out_edges(t, data=True):
            if e["type"] == "TARGETS":
                for c in caps:
                    need[a][c] = need[a].get(c, 0) + 1
    out = {}
    for a in actors:
        pooled = own[a].union(*(own[f] for f in friends[a]))
        out[a] = sum(w for c, w in need[a].items() if c not in pooled)
    return out


def _random_scenario(seed: int) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    G = gk.new_graph()
    actors = [f"a{i}" for i in range(14)]
    orgs = ["o0", "o1", "o2"]
    for a in actors + orgs:
        gk.add_node(G, a, "Actor", name=a, kind="alliance" if a in orgs else "state")
    for c in range(5):
        gk.add_node(G, f"c{c}", "Capability", name=f"c{c}")
    for a in actors:
        for o in rng.sample(orgs, rng.choice([0, 1, 1, 2])):
            gk.add_relationship(G, a, "MEMBER_OF", o)
    for _ in range(10):
        u, v = rng.sample(actors, 2)
        gk.add_relationship(G, u, "COOPERATES_WITH", v)
    for a in actors + orgs:
        for c in rng.sample(range(5), rng.choice([0, 1, 1, 2])):
            gk.add_relationship(G, a, "HAS_CAPABILITY", f"c{c}", level=rng.choice([0.3, 0.6, 0.9]))
    for t in range(6):
        gk.add_node(G, f"t{t}", "Threat", name=f"t{t}")
        for a in rng.sample(actors + orgs, 4):
            gk.add_relationship(G, f"t{t}", "TARGETS", a)
        for c in rng.sample(range(5), 2):
            gk.add_relationship(G, f"t{t}", "REQUIRES", f"c{c}")
    return G


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("partners", [("MEMBER_OF", "COOPERATES_WITH"), ("MEMBER_OF",), ("COOPERATES_WITH",)])
def test_critical_actors_equal_brute_force(seed, partners):
    G = _random_scenario(seed)
    base = _coalition_gaps(G, 0.5, partners)
    summary = gap_summary(G, partners=partners).set_index("actor_id")["coalition_gap"].to_dict()
    assert {a: w for a, w in base.items() if a in summary} == summary
    want = {}
    for x in base:
        H = G.copy()
        H.remove_node(x)
        after = _coalition_gaps(H, 0.5, partners)
        grown = sum(after[a] - base[a] for a in after)
        if grown:
            want[x] = grown
    got = critical_actors(G, partners=partners)
    got = dict(zip(got["actor_id"], got["opened_weight"], strict=False))
    assert {a: w for a, w in got.items() if w} == want
