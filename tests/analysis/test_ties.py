"""Ties have a life cycle (graphkit.ties): states, the active network and instrument strength, worked by hand.

Day D = 2026-06-01, horizon 5 years = 5 x 365.25 = 1826.25 days. Days from a tie's evidence to D:
    2014-01-01: 4534 (dormant)    2021-05-01: 1857 (dormant)    2021-06-02: 1825 (active)
    2022-01-01: 1612 (active)     2024-01-01: 882 (active)      2015-01-01: 4169 (dormant)
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

import graphkit as gk
from graphkit.analysis import capability_gaps
from graphkit.analysis.engine import actor_network
from graphkit.ties import (
    DEFAULT_DORMANT_AFTER,
    INSTRUMENT_WEIGHTS,
    TIE_STATE_COLUMNS,
    active_network,
    instrument_weight,
    shared_inactive,
    sharing_states,
    tie_state,
    tie_states,
)

D = dt.date(2026, 6, 1)

# (attributes, state at D with 5 years, with 0 years, without a day)
CASES = [
    ({"type": "COOPERATES_WITH", "since": 2014}, "dormant", "active", "active"),
    ({"type": "COOPERATES_WITH", "since": 2014, "last_confirmed": 2024}, "active", "active", "active"),
    ({"type": "COOPERATES_WITH", "since": 2022}, "active", "active", "active"),
    ({"type": "COOPERATES_WITH", "since": "2021-05-01"}, "dormant", "active", "active"),
    ({"type": "COOPERATES_WITH", "since": "2021-06-02"}, "active", "active", "active"),
    # evidence written as a year (1 January) is never older than the tie's own start
    (
        {"type": "COOPERATES_WITH", "since": "2021-06-02", "last_confirmed": "2021"},
        "active",
        "active",
        "active",
    ),
    ({"type": "COOPERATES_WITH", "since": 2014, "last_confirmed": 2013}, "dormant", "active", "active"),
    ({"type": "COOPERATES_WITH"}, "active", "active", "active"),  # undated: no evidence to judge by
    ({"type": "COOPERATES_WITH", "since": 2020, "status": "lapsed"}, "ended", "ended", "active"),
    ({"type": "COOPERATES_WITH", "since": 2020, "until": 2025}, "ended", "ended", "active"),
    ({"type": "COOPERATES_WITH", "since": 2027}, "future", "future", "active"),
    ({"type": "MEMBER_OF", "since": 1949}, "active", "active", "active"),  # a membership stands
    ({"type": "MEMBER_OF", "since": 1949, "last_confirmed": 2015}, "dormant", "active", "active"),
    ({"type": "MEMBER_OF", "since": 2002, "status": "frozen"}, "paused", "paused", "paused"),
    (
        {"type": "MEMBER_OF", "since": 2002, "status": "participation frozen (2024)"},
        "paused",
        "paused",
        "paused",
    ),
    ({"type": "MEMBER_OF", "since": 2002, "status": "Observer"}, "paused", "paused", "paused"),
    ({"type": "MEMBER_OF", "since": 2002, "status": "suspended"}, "paused", "paused", "paused"),
    ({"type": "MEMBER_OF", "since": 2002, "status": "active"}, "active", "active", "active"),
    ({"type": "MEMBER_OF", "since": 1948, "status": "withdrew", "until": 2023}, "ended", "ended", "active"),
]


@pytest.mark.parametrize(("attrs", "five", "zero", "undated"), CASES)
def test_tie_state_table(attrs, five, zero, undated):
    assert (tie_state(attrs, D, 5), tie_state(attrs, D, 0), tie_state(attrs, None, 5)) == (
        five,
        zero,
        undated,
    )


def test_default_horizon_is_five_years():
    assert DEFAULT_DORMANT_AFTER == 5.0
    assert tie_state({"type": "COOPERATES_WITH", "since": 2014}, D) == "dormant"


@pytest.mark.parametrize("bad", [-1, "5", float("nan"), True])
def test_a_bad_horizon_is_an_analysis_error(bad):
    with pytest.raises(gk.AnalysisError, match="must be a number of years, 0 or more"):
        tie_state({"type": "COOPERATES_WITH"}, D, bad)


def test_a_bad_last_confirmed_names_the_relationship():
    G = _world()
    G.edges["A", "B", 0]["last_confirmed"] = "spring 2024"
    with pytest.raises(gk.SchemaError, match=r"'A' -COOPERATES_WITH-> 'B': property 'last_confirmed'"):
        tie_states(G, D, 5)


def test_instrument_weights_of_the_bundled_instruments():
    # the eight instruments of data/cyber-multilateral, in three tiers
    got = {i: instrument_weight({"instrument": i}) for i in (
        "agreement", "joint_operation", "mou", "partnership", "capacity_building",
        "dialogue", "joint_statement", "exercise")}  # fmt: skip
    assert got == {
        "agreement": 1.0, "joint_operation": 1.0,
        "mou": 0.6, "partnership": 0.6, "capacity_building": 0.6,
        "dialogue": 0.3, "joint_statement": 0.3, "exercise": 0.3,
    }  # fmt: skip
    assert INSTRUMENT_WEIGHTS["treaty"] == 1.0


@pytest.mark.parametrize(
    ("instrument", "weight"),
    [
        ("Joint statement on cyber cooperation", 0.3),  # the longest key it contains: joint_statement
        ("information-sharing agreement", 1.0),
        ("capacity-building partnership", 0.6),
        ("EU-NATO joint declaration", 0.3),
        ("MoU", 0.6),
        ("letter of intent", 1.0),  # not in the table: counts as before, 1
        (None, 1.0),
        ("  ", 1.0),
    ],
)
def test_instrument_weight_reads_free_text(instrument, weight):
    assert instrument_weight({} if instrument is None else {"instrument": instrument}) == weight


def test_instrument_table_is_overridable():
    table = {"mou": 0.9, "dialogue": 0.1}
    assert [instrument_weight({"instrument": i}, table) for i in ("mou", "Dialogue", "agreement")] == [
        0.9,
        0.1,
        1.0,
    ]


def _world() -> nx.MultiDiGraph:
    """A, B, C, E states; ORG an alliance (pools all) of A, C and E (E's membership frozen).

    A-B agreement (mou) 2014, never confirmed since: dormant at D. B-C dialogue 2024: active.
    B holds c1 (the capability A needs against t1); C holds c2 (E needs it against t2).
    """
    G = gk.new_graph()
    for a in "ABCE":
        gk.add_node(G, a, "Actor", name=a, kind="state")
    gk.add_node(G, "ORG", "Actor", name="Org", kind="alliance")
    for c in ("c1", "c2"):
        gk.add_node(G, c, "Capability", name=c)
    gk.add_relationship(G, "A", "COOPERATES_WITH", "B", instrument="mou", since=2014)
    gk.add_relationship(G, "B", "COOPERATES_WITH", "C", instrument="dialogue", since=2024)
    gk.add_relationship(G, "A", "MEMBER_OF", "ORG", since=1990)
    gk.add_relationship(G, "C", "MEMBER_OF", "ORG", since=1990)
    gk.add_relationship(G, "E", "MEMBER_OF", "ORG", since=2002, status="frozen")
    gk.add_relationship(G, "A", "HAS_CAPABILITY", "c2", level=0.9)
    gk.add_relationship(G, "E", "HAS_CAPABILITY", "c1", level=0.2)
    gk.add_relationship(G, "B", "HAS_CAPABILITY", "c1", level=0.9)
    gk.add_relationship(G, "C", "HAS_CAPABILITY", "c2", level=0.8)
    for t, target, cap in (("t1", "A", "c1"), ("t2", "E", "c2")):
        gk.add_node(G, t, "Threat", name=t)
        gk.add_relationship(G, t, "TARGETS", target)
        gk.add_relationship(G, t, "REQUIRES", cap)
    return G


def test_tie_states_full_table():
    got = tie_states(_world(), D, 5)
    assert list(got.columns) == list(TIE_STATE_COLUMNS)
    assert got[["source", "type", "target", "status", "state"]].values.tolist() == [
        ["A", "COOPERATES_WITH", "B", "active", "dormant"],
        ["A", "MEMBER_OF", "ORG", "active", "active"],
        ["B", "COOPERATES_WITH", "C", "active", "active"],
        ["C", "MEMBER_OF", "ORG", "active", "active"],
        ["E", "MEMBER_OF", "ORG", "frozen", "paused"],
    ]


def test_active_network_keeps_every_node_and_the_other_relationships():
    G = _world()
    H = active_network(G, D, 5)
    gone = {(u, v, d["type"]) for u, v, d in G.edges(data=True)} - {
        (u, v, d["type"]) for u, v, d in H.edges(data=True)
    }
    assert gone == {("A", "B", "COOPERATES_WITH"), ("E", "ORG", "MEMBER_OF")}
    assert set(H.nodes) == set(G.nodes) and H.graph["dormant_after"] == 5
    # nothing inactive: the graph itself, no copy
    assert active_network(H, D, 5) is H


def test_dormant_agreement_and_frozen_membership_do_not_pool():
    # A needs c1: only B holds it, through the 2014 MoU -> dormant at D (5 years): not pooled;
    # with 0 years (every tie kept) pooled via the agreement. E needs c2: C and A hold it
    # through ORG, but E's membership is frozen: no route, whatever the horizon.
    G = gk.as_of(_world(), D)
    cols = ["actor_id", "capability_id", "own", "pooled", "route", "status"]

    def rows(df):
        return [[None if x != x else x for x in row] for row in df[cols].values.tolist()]

    assert rows(capability_gaps(G)) == [
        ["A", "c1", False, False, None, "missing"],
        ["E", "c2", False, False, None, "missing"],
    ]
    assert rows(capability_gaps(G, dormant_after=0)) == [
        ["A", "c1", False, True, "via agreement with B (mou, 2014)", "covered"],
        ["E", "c2", False, False, None, "missing"],
    ]
    # without the frozen status E gets c2 from A (the stronger holder, 0.9) through ORG
    G.edges["E", "ORG", 0]["status"] = "active"
    assert rows(capability_gaps(G))[1] == ["E", "c2", False, True, "via ORG (member)", "covered"]


def test_active_actor_network_weighed_by_instrument():
    # Two-mode network of _world at D: ORG has 2 active members (A, C; E frozen): each tie 1/(2-1) = 1.
    # A-ORG 1, C-ORG 1, A-C 1 (co-members); B-C the dialogue: 0.3; the dormant A-B MoU is out.
    net = actor_network(gk.as_of(_world(), D), two_mode=True)
    got = {
        tuple(sorted((net.ids[u], net.ids[v]))): round(float(w), 9)
        for u, v, w in zip(net.src, net.dst, net.weight, strict=True)
    }
    assert got == {("A", "ORG"): 1.0, ("C", "ORG"): 1.0, ("A", "C"): 1.0, ("B", "C"): 0.3}
    # every tie kept (0 years): the MoU counts 0.6; E stays out (paused, whatever the horizon)
    net = actor_network(gk.as_of(_world(), D), two_mode=True, dormant_after=0)
    got = {
        tuple(sorted((net.ids[u], net.ids[v]))): round(float(w), 9)
        for u, v, w in zip(net.src, net.dst, net.weight, strict=True)
    }
    assert got == {("A", "ORG"): 1.0, ("C", "ORG"): 1.0, ("A", "C"): 1.0, ("B", "C"): 0.3, ("A", "B"): 0.6}
    # another instrument table
    net = actor_network(gk.as_of(_world(), D), two_mode=True, instruments={"dialogue": 0.5})
    assert round(float(net.weight[net.edge_index(*[[net.index["B"]], [net.index["C"]]])][0]), 9) == 0.5


def test_analyze_counts_dormant_and_paused_ties():
    from graphkit.analysis import analyze

    s = analyze(_world(), as_of=D).summary
    assert s["ties"] == {
        "dormant_after": 5.0,
        "dormant": 1,
        "paused": 1,
        "by_type": {"COOPERATES_WITH": {"active": 1, "dormant": 1}, "MEMBER_OF": {"active": 2, "paused": 1}},
        "paused_ties": [["E", "MEMBER_OF", "ORG", "frozen"]],
    }
    assert s["parameters"]["dormant_after"] == 5.0
    s = analyze(_world(), as_of=D, dormant_after=0).summary
    assert (s["ties"]["dormant"], s["ties"]["paused"]) == (0, 1)


def test_critical_actors_follow_the_horizon():
    # With every tie kept (0 years), A reaches c1 only through the MoU with B: B is critical
    # for A (weight 1); the network A-B-C-ORG-A is a cycle (E's frozen membership is out): no
    # cut vertex. At 5 years the MoU is dormant: nothing is pooled, nobody is critical through
    # pooling, and the active network is the path B-C-ORG-A: C and ORG cut it.
    from graphkit.analysis import critical_actors

    G = gk.as_of(_world(), D)
    every = critical_actors(G, dormant_after=0)
    assert every[["actor_id", "opened_weight", "articulation_point"]].values.tolist() == [
        ["B", 1, False],
    ]
    five = critical_actors(G)
    assert five[["actor_id", "opened_weight", "articulation_point"]].values.tolist() == [
        ["C", 0, True],
        ["ORG", 0, True],
    ]


def test_shared_states_are_judged_once_and_give_the_same_networks(monkeypatch):
    # _world at D, 5 years: the A-B MoU (dormant) and E's frozen membership (paused) are
    # not active: the hand-worked set. Inside one block the ties are judged once for
    # the tie table, the actor network and the active network together; outside a block
    # nothing is shared (each caller judges every tie).
    import graphkit.analysis.engine as engine
    import graphkit.ties as ties

    G = gk.as_of(_world(), D)
    judged = []
    real = ties.tie_state

    def counting(attrs, day, dormant_after=DEFAULT_DORMANT_AFTER):
        judged.append(attrs.get("type"))
        return real(attrs, day, dormant_after)

    monkeypatch.setattr(ties, "tie_state", counting)
    monkeypatch.setattr(engine, "tie_state", counting)
    alone = (
        tie_states(G, D, 5),
        actor_network(G, two_mode=True, as_of=D, dormant_after=5),
        active_network(G, D, 5),
    )
    # the table and the active network judge A's and C's identical memberships once (4 each),
    # the network on its own every tie (5)
    assert len(judged) == 4 + 5 + 4 and shared_inactive(G, D, 5) is None
    judged.clear()
    with sharing_states():
        together = (
            tie_states(G, D, 5),
            actor_network(G, two_mode=True, as_of=D, dormant_after=5),
            active_network(G, D, 5),
        )
        assert len(judged) == 4
        assert shared_inactive(G, D, 5) == {("A", "B", 0), ("E", "ORG", 0)} and len(judged) == 4
        shared_inactive(G, D, 0)  # another horizon: judged again, and kept instead
        assert len(judged) == 8 and shared_inactive(G, D, 0) == {("E", "ORG", 0)}
        tie_states(G, D, 0)  # the table takes the ties judged for the set (once)
        assert len(judged) == 8
        tie_states(G, D, 0)  # asked again: judged again (only the set is kept)
        assert len(judged) == 12
    assert shared_inactive(G, D, 5) is None
    assert alone[0].equals(together[0])
    a, b = alone[1], together[1]
    assert (a.ids, a.src.tolist(), a.dst.tolist(), a.weight.tolist()) == (
        b.ids,
        b.src.tolist(),
        b.dst.tolist(),
        b.weight.tolist(),
    )
    assert sorted(alone[2].edges(keys=True)) == sorted(together[2].edges(keys=True))


def test_shared_states_still_name_a_bad_relationship():
    G = _world()
    G.edges["B", "C", 0]["last_confirmed"] = "not a date"
    with sharing_states(), pytest.raises(gk.SchemaError, match="'B' -COOPERATES_WITH-> 'C'"):
        actor_network(G, two_mode=True, as_of=D)
    with sharing_states(), pytest.raises(gk.AnalysisError, match="dormant_after"):
        shared_inactive(G, D, -1)


def test_ties_alike_are_judged_alike_and_classes_are_told_apart():
    # 2014 and "2014" are both 1 January 2014 (dormant at D; confirmed in 2024: active);
    # True equals 1 (the year 1, a date) but is another class, judged on its own: not a date,
    # it fails, naming its relationship; so does a value that cannot be a dictionary key.
    G = _world()
    gk.add_relationship(G, "C", "COOPERATES_WITH", "E", instrument="mou", since="2014")
    gk.add_relationship(
        G, "B", "COOPERATES_WITH", "E", instrument="mou", since=2014, last_confirmed=dt.date(2024, 1, 1)
    )
    got = tie_states(G, D, 5)
    assert got[["source", "target", "state"]].values.tolist() == [
        ["A", "B", "dormant"],
        ["A", "ORG", "active"],
        ["B", "C", "active"],
        ["B", "E", "active"],
        ["C", "ORG", "active"],
        ["C", "E", "dormant"],
        ["E", "ORG", "paused"],
    ]
    gk.add_relationship(G, "A", "COOPERATES_WITH", "E", since=1)
    table = tie_states(G, D, 5)
    assert table.loc[(table.source == "A") & (table.target == "E"), "state"].tolist() == ["dormant"]
    for since in (True, [2014]):
        H = G.copy()
        gk.add_relationship(H, "C", "COOPERATES_WITH", "A", since=2014)
        H.edges["C", "A", 0]["since"] = since  # as a graph built by hand may hold it
        with pytest.raises(gk.SchemaError, match=r"'C' -COOPERATES_WITH-> 'A'"):
            tie_states(H, D, 5)
