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
    for a, c, lv in (
        ("A", "c1", 0.9),
        ("B", "c2", 0.8),
        ("C", "c3", 0.7),
        ("B", "c3", 0.4),
        ("D", "c1", 0.5),
        ("E", "c4", 0.6),
    ):
        gk.add_relationship(G, a, "HAS_CAPABILITY", c, level=lv)
    for t, targets, needs in (
        ("t1", "AB", ["c1", "c2"]),
        ("t2", "AD", ["c2", "c3", "c4"]),
        ("t3", ["ORG"], ["c3", "c5"]),
        ("t4", "A", []),
    ):
        for a in targets:
            gk.add_relationship(G, t, "TARGETS", a)
        for c in needs:
            gk.add_relationship(G, t, "REQUIRES", c)
    return G


def _rows(df: pd.DataFrame, cols: list[str]) -> list[list]:
    """The table's rows as lists; NaN (unknown) becomes None so that rows compare with ==."""
    return _nan_as_none(df[cols].values.tolist())


def _nan_as_none(rows: list[list]) -> list[list]:
    return [[None if isinstance(x, float) and x != x else x for x in row] for row in rows]


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
        ["c3", False, True],
        ["c5", False, False],
    ]


def test_gap_summary_full_table(scenario):
    # ORG has no HAS_CAPABILITY at all: it is unassessed, so its own gap (and what cooperation
    # closes for it) is unknown, not 2, and so is its coalition gap (no partner covers c3, c5).
    nan = float("nan")
    want = [
        ["A", True, 3, 5, 4, 1, 3, 0, ["c2", "c3"], ["c4"]],
        ["B", True, 1, 2, 1, 0, 1, 0, ["c1"], []],
        ["D", True, 1, 3, 3, 3, 0, 0, [], ["c2", "c3", "c4"]],
        # unassessed: every need is without data, so neither gap is known (issue 25, item 4)
        ["ORG", False, 1, 2, nan, nan, nan, 2, [], []],
    ]
    cols = [
        "actor_id",
        "assessed",
        "threats",
        "needed_weight",
        "own_gap",
        "coalition_gap",
        "closed_by_cooperation",
        "unknown_weight",
        "closed_capabilities",
        "open_capabilities",
    ]
    assert _rows(gap_summary(scenario), cols) == _nan_as_none(want)


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
        ["t3", 2, 1, ["c5"], 1]
    ]


def test_recommend_partners_greedy(scenario):
    assert _rows(
        recommend_partners(scenario, "A"),
        ["rank", "partner_id", "closes", "closed_weight", "remaining_weight"],
    ) == [[1, "E", ["c4"], 1, 0]]
    # D has no partner: B, C and E each close weight 1 at the same feasibility (0.25: no link,
    # no region); ties go to the stronger holder (B .8, C .7, E .6), k stops at two
    assert _rows(recommend_partners(scenario, "D", k=2), ["partner_id", "closes", "remaining_weight"]) == [
        ["B", ["c2"], 2],
        ["C", ["c3"], 1],
    ]
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


def _pools(value, default):
    """The test's own reading of a pools value: a set of capability ids, or None for all."""
    if value is None:
        value = default
    items = value if isinstance(value, list) else value.split(";")
    items = [x.strip() for x in items]
    if items == ["all"]:
        return None
    if items == ["none"]:
        return set()
    return set(items)


def _within(caps, mandate):
    return set(caps) if mandate is None else set(caps) & mandate


def _needs(G, threshold, partners):
    """{actor: {capability: [weight, known, pooled]}} with plain loops and sets."""
    actors = [n for n, d in G.nodes(data=True) if d["label"] == "Actor"]
    own = {a: set() for a in actors}
    assessed = set()
    covered = set()
    need = {a: {} for a in actors}
    gets = {a: set() for a in actors}
    groups = {}
    for u, v, d in G.edges(data=True):
        if d["type"] == "HAS_CAPABILITY":
            assessed.add(u)
            covered.add((G.nodes[u]["kind"], v))
            if d.get("level", 1.0) >= threshold:
                own[u].add(v)
        elif d["type"] == "MEMBER_OF":
            groups.setdefault(v, {v}).add(u)
    for u, v, d in G.edges(data=True):
        if d["type"] == "COOPERATES_WITH" and "COOPERATES_WITH" in partners:
            mandate = _pools(d.get("pools"), "all")
            gets[u] |= _within(own[v], mandate)
            gets[v] |= _within(own[u], mandate)
    if "MEMBER_OF" in partners:
        for org, members in groups.items():
            d = G.nodes[org]
            mandate = _pools(d.get("pools"), "all" if d["kind"] == "alliance" else "none")
            for a in members:
                for b in members - {a}:
                    gets[a] |= _within(own[b], mandate)
    for t, d in G.nodes(data=True):
        if d["label"] != "Threat":
            continue
        caps = {v for _, v, e in G.out_edges(t, data=True) if e["type"] == "REQUIRES"}
        for _, a, e in G.out_edges(t, data=True):
            if e["type"] == "TARGETS":
                for c in caps:
                    need[a].setdefault(c, [0, False, False])[0] += 1
    for a in actors:
        for c, row in need[a].items():
            row[1] = a in assessed and (G.nodes[a]["kind"], c) in covered
            row[2] = c in own[a] or c in gets[a]
    return need


def _random_scenario(seed: int) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    G = gk.new_graph()
    actors = [f"a{i}" for i in range(14)]
    orgs = ["o0", "o1", "o2"]
    caps = [f"c{c}" for c in range(5)]
    for a in actors:
        gk.add_node(G, a, "Actor", name=a, kind=rng.choice(["state", "state", "company"]))
    for o in orgs:
        pools = rng.choice([None, "all", "none", ";".join(rng.sample(caps, 2)), rng.sample(caps, 3)])
        gk.add_node(
            G,
            o,
            "Actor",
            name=o,
            kind=rng.choice(["alliance", "international_org"]),
            **({} if pools is None else {"pools": pools}),
        )
    for c in caps:
        gk.add_node(G, c, "Capability", name=c)
    for a in actors:
        for o in rng.sample(orgs, rng.choice([0, 1, 1, 2])):
            gk.add_relationship(G, a, "MEMBER_OF", o)
    for _ in range(10):
        u, v = rng.sample(actors + orgs[:1], 2)
        pools = rng.choice([None, None, "all", "none", ";".join(rng.sample(caps, 2))])
        gk.add_relationship(G, u, "COOPERATES_WITH", v, **({} if pools is None else {"pools": pools}))
    for a in actors + orgs:
        for c in rng.sample(range(5), rng.choice([0, 1, 1, 2, 3])):
            gk.add_relationship(G, a, "HAS_CAPABILITY", f"c{c}", level=rng.choice([0.3, 0.6, 0.9]))
    for t in range(6):
        gk.add_node(G, f"t{t}", "Threat", name=f"t{t}")
        for a in rng.sample(actors + orgs, 4):
            gk.add_relationship(G, f"t{t}", "TARGETS", a)
        for c in rng.sample(range(5), 2):
            gk.add_relationship(G, f"t{t}", "REQUIRES", f"c{c}")
    return G


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("partners", [("MEMBER_OF", "COOPERATES_WITH"), ("MEMBER_OF",), ("COOPERATES_WITH",)])
def test_gaps_and_critical_actors_equal_brute_force(seed, partners):
    """Random mandates (declared, defaulted, lists, ;-text): pooled flags, coalition gaps and
    critical actors equal plain-set recomputation, removing each actor in turn."""
    G = _random_scenario(seed)
    base = _needs(G, 0.5, partners)
    gaps = capability_gaps(G, partners=partners)
    got = {
        (r["actor_id"], r["capability_id"]): [
            r["weight"],
            r["assessed"] and r["capability_assessed"],
            r["pooled"],
        ]
        for r in gaps.to_dict("records")
    }
    assert got == {(a, c): row for a, caps in base.items() for c, row in caps.items()}
    summary = gap_summary(G, partners=partners).set_index("actor_id")
    got_gap = {a: None if g != g else g for a, g in summary["coalition_gap"].items()}
    assessed = summary["assessed"].to_dict()
    # the coalition gap counts known needs only; an unassessed actor's is 0 when every need is
    # pooled, else unknown
    assert got_gap == {
        a: sum(w for w, known, p in caps.values() if known and not p)
        if assessed[a] or all(p for _, _, p in caps.values())
        else None
        for a, caps in base.items()
        if caps
    }
    want = {}
    for x in base:
        H = G.copy()
        H.remove_node(x)
        after = _needs(H, 0.5, partners)
        opened = sum(
            w
            for a, caps in base.items()
            if a != x
            for c, (w, known, p) in caps.items()
            if known and p and not after[a][c][2]
        )
        if opened:
            want[x] = opened
    got = critical_actors(G, partners=partners)
    got = dict(zip(got["actor_id"], got["opened_weight"], strict=False))
    assert {a: w for a, w in got.items() if w} == want


# ---- no data is no data (issue 25, item 4) ----------------------------------------------


def _no_data_world():
    """AL an alliance (pools all) of X and Y; FORUM an organisation (pools none) of X that holds c2.

    t targets X and requires c1 c2 c3 c4. X holds c1 (.9); Y has c2 at .2 (below 0.5); no
    state has any level for c3; Z (no member) holds c4 (.8) and has an agreement with AL.
    """
    G = gk.new_graph()
    for a in "XYZ":
        gk.add_node(G, a, "Actor", name=f"State {a}", kind="state")
    gk.add_node(G, "AL", "Actor", name="Alliance", kind="alliance")
    gk.add_node(G, "FORUM", "Actor", name="Forum", kind="international_org")
    for c in ("c1", "c2", "c3", "c4"):
        gk.add_node(G, c, "Capability", name=c.upper())
    gk.add_relationship(G, "X", "MEMBER_OF", "AL")
    gk.add_relationship(G, "Y", "MEMBER_OF", "AL")
    gk.add_relationship(G, "X", "MEMBER_OF", "FORUM")
    gk.add_relationship(G, "AL", "COOPERATES_WITH", "Z")
    for a, c, level in (("X", "c1", 0.9), ("Y", "c2", 0.2), ("Z", "c4", 0.8), ("FORUM", "c2", 0.9)):
        gk.add_relationship(G, a, "HAS_CAPABILITY", c, level=level)
    gk.add_node(G, "t", "Threat", name="t")
    gk.add_relationship(G, "t", "TARGETS", "X")
    for c in ("c1", "c2", "c3", "c4"):
        gk.add_relationship(G, "t", "REQUIRES", c)
    return G


def test_alliance_status_held_covered_missing_no_data():
    # AL: c1 held (X); c2 missing (Y has a level, below the threshold; Z does not hold it);
    # c3 no data (no member has a level); c4 covered (Z, through AL's own agreement)
    a = alliance_gaps(_no_data_world())
    cols = ["alliance_id", "capability_id", "weight", "own", "holders", "members_needing", "members",
            "assessed_members", "members_with_level", "status"]  # fmt: skip
    assert a[a.alliance_id == "AL"][cols].values.tolist() == [
        ["AL", "c1", 1, True, 1, 1, 2, 2, 1, "held"],
        ["AL", "c2", 1, False, 0, 1, 2, 2, 1, "missing"],
        ["AL", "c3", 1, False, 0, 1, 2, 2, 0, "no data"],
        ["AL", "c4", 1, False, 0, 1, 2, 2, 0, "covered"],
    ]


def test_need_status_and_summary_keep_no_data_apart():
    # X: c1 held; c2 missing (states have levels for it; FORUM pools none); c3 no data (no state
    # has a level); c4 missing (Z holds it, but X has no tie to Z: AL's agreement pools to AL)
    G = _no_data_world()
    g = capability_gaps(G)
    assert g[g.actor_id == "X"][["capability_id", "status"]].values.tolist() == [
        ["c1", "held"], ["c2", "missing"], ["c3", "no data"], ["c4", "missing"],
    ]  # fmt: skip
    s = gap_summary(G).set_index("actor_id").loc["X"]
    assert [s["own_gap"], s["coalition_gap"], s["unknown_weight"], s["open_capabilities"], s["no_data_capabilities"]] == [
        2.0, 2.0, 1, ["c2", "c4"], ["c3"],
    ]  # fmt: skip


def test_unknown_needs_never_make_a_coalition_gap_larger_than_an_own_gap():
    for seed in range(12):
        s = gap_summary(_random_scenario(seed))
        known = s[s["assessed"]]
        assert (known["coalition_gap"] <= known["own_gap"]).all(), seed
