"""Pooling follows mandates; missing data is not zero: hand-worked tables, every row written out.

The scenario (threshold 0.5), worked by hand from the rules in graphkit/analysis/gaps.py:

    states A, B, C, D, E, S (regions: A B D S Europe, C Asia, E none); company M
    FORUM   international_org, no pools  -> pools none (a universal forum)   members A B C
    CERTNET international_org, pools c_ir                                    members A C
    ALLY    alliance, no pools           -> pools all                        members B D E
    A -COOPERATES_WITH-> D  pools c_le, instrument mou, since 2019
    M -COOPERATES_WITH-> A  no pools -> all
    A -COOPERATES_WITH-> S  pools none (a dialogue)
    holdings: B c_ir .9 c_ti .8 | C c_ir .7 c_ti .6 | D c_le .8 c_ti .9 | A c_ti .3 (below)
              S c_ti 1.0 | M c_dis .9 | E nothing at all (unassessed)
    t1 -> A requires c_ir c_ti c_le c_dis; t2 -> B, E requires c_le
    t1 ATTRIBUTED_TO S (basis sponsor), t1 ATTRIBUTED_TO C (basis origin)

No state has any level for c_dis, so A's need of c_dis is capability-unassessed.
"""

from __future__ import annotations

import networkx as nx
import pytest

import graphkit as gk
from graphkit.analysis import (
    alliance_gaps,
    capability_gaps,
    critical_actors,
    gap_summary,
    pooling_mandates,
)


def _rows(df, cols):
    return [[None if isinstance(x, float) and x != x else x for x in row] for row in df[cols].values.tolist()]


def mandates_graph() -> nx.MultiDiGraph:
    G = gk.new_graph()
    for a, region in (
        ("A", "Europe"),
        ("B", "Europe"),
        ("C", "Asia"),
        ("D", "Europe"),
        ("E", None),
        ("S", "Europe"),
    ):
        gk.add_node(G, a, "Actor", name=f"State {a}", kind="state", **({"region": region} if region else {}))
    gk.add_node(G, "M", "Actor", name="Company M", kind="company")
    gk.add_node(G, "FORUM", "Actor", name="Forum", kind="international_org")
    gk.add_node(G, "CERTNET", "Actor", name="CERT network", kind="international_org", pools="c_ir")
    gk.add_node(G, "ALLY", "Actor", name="Alliance", kind="alliance")
    for c in ("c_ir", "c_ti", "c_le", "c_dis"):
        gk.add_node(G, c, "Capability", name=c)
    for m, o in (
        ("A", "FORUM"),
        ("B", "FORUM"),
        ("C", "FORUM"),
        ("A", "CERTNET"),
        ("C", "CERTNET"),
        ("B", "ALLY"),
        ("D", "ALLY"),
        ("E", "ALLY"),
    ):
        gk.add_relationship(G, m, "MEMBER_OF", o)
    gk.add_relationship(G, "A", "COOPERATES_WITH", "D", pools="c_le", instrument="mou", since=2019)
    gk.add_relationship(G, "M", "COOPERATES_WITH", "A")
    gk.add_relationship(G, "A", "COOPERATES_WITH", "S", pools="none", instrument="dialogue")
    for a, c, lv in (
        ("B", "c_ir", 0.9),
        ("B", "c_ti", 0.8),
        ("C", "c_ir", 0.7),
        ("C", "c_ti", 0.6),
        ("D", "c_le", 0.8),
        ("D", "c_ti", 0.9),
        ("A", "c_ti", 0.3),
        ("S", "c_ti", 1.0),
        ("M", "c_dis", 0.9),
    ):
        gk.add_relationship(G, a, "HAS_CAPABILITY", c, level=lv)
    gk.add_node(G, "t1", "Threat", name="T1")
    gk.add_node(G, "t2", "Threat", name="T2")
    gk.add_relationship(G, "t1", "TARGETS", "A")
    for c in ("c_ir", "c_ti", "c_le", "c_dis"):
        gk.add_relationship(G, "t1", "REQUIRES", c)
    gk.add_relationship(G, "t2", "TARGETS", "B")
    gk.add_relationship(G, "t2", "TARGETS", "E")
    gk.add_relationship(G, "t2", "REQUIRES", "c_le")
    gk.add_relationship(G, "t1", "ATTRIBUTED_TO", "S", basis="sponsor")
    gk.add_relationship(G, "t1", "ATTRIBUTED_TO", "C", basis="origin")
    return G


@pytest.fixture
def mandates() -> nx.MultiDiGraph:
    return mandates_graph()


def test_gap_table_follows_mandates(mandates):
    # A's c_ir: FORUM pools nothing; CERTNET pools c_ir and C holds it. c_ti: B, C (FORUM,
    # pools none), D (agreement pools only c_le) and S (agreement pools none) hold it, but no
    # mandate covers it: open. c_le: the agreement with D. c_dis: M's agreement pools all.
    want = [
        ["A", "c_ir", 1, False, True, True, True, "via CERTNET (member)", "C"],
        ["A", "c_ti", 1, False, False, True, True, None, None],
        ["A", "c_le", 1, False, True, True, True, "via agreement with D (mou, 2019)", "D"],
        ["A", "c_dis", 1, False, True, True, False, "via agreement with M", "M"],
        ["B", "c_le", 1, False, True, True, True, "via ALLY (member)", "D"],
        ["E", "c_le", 1, False, True, False, True, "via ALLY (member)", "D"],
    ]
    cols = [
        "actor_id",
        "capability_id",
        "weight",
        "own",
        "pooled",
        "assessed",
        "capability_assessed",
        "route",
        "via_partner",
    ]
    gaps = capability_gaps(mandates)
    assert _rows(gaps, cols) == want
    assert _rows(gaps, ["level"]) == [[None], [0.3], [None], [None], [None], [None]]


def test_gap_summary_unknown_is_not_zero(mandates):
    # A: own gap over the three known needs (c_ir c_ti c_le) = 3, coalition gap 1 (c_ti), closed
    # 2 (c_ir c_le); c_dis is unknown (weight 1). E is unassessed: own gap unknown, not 1;
    # its coalition gap is 0 all the same (ALLY covers its only need).
    want = [
        ["A", True, 1, 4, 3, 1, 2, 1, ["c_ir", "c_le"], ["c_ti"]],
        ["B", True, 1, 1, 1, 0, 1, 0, ["c_le"], []],
        ["E", False, 1, 1, None, 0, None, 1, [], []],
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
    assert _rows(gap_summary(mandates), cols) == want


def test_critical_actors_skip_forums_and_unknowns(mandates):
    # A's c_ir: only via CERTNET, one holder C -> CERTNET 1, C 1. A's c_le: only D's agreement
    # -> D 1. B's c_le: only via ALLY, one holder D -> ALLY 1, D 1. E (unassessed) and A's c_dis
    # (no state data) are not summed. FORUM pools nothing and opens nothing. Cut vertices: A
    # (M and S hang on it) and ALLY (E hangs on it).
    want = [
        ["D", 2, 2, 2, False],
        ["ALLY", 1, 1, 1, True],
        ["C", 1, 1, 1, False],
        ["CERTNET", 1, 1, 1, False],
        ["A", 0, 0, 0, True],
    ]
    cols = ["actor_id", "opened_weight", "opened_gaps", "actors_affected", "articulation_point"]
    for engine in ("igraph", "networkx"):
        assert _rows(critical_actors(mandates, engine=engine), cols) == want


def test_alliance_gaps_count_assessed_members(mandates):
    # FORUM: t1 (A) and t2 (B) -> c_le weight 2; holders among A B C FORUM: c_ir B C, c_ti B C.
    # CERTNET: t1 (A); holders among A C: c_ir C, c_ti C (A's .3 is below). ALLY: t2 (B, E);
    # D holds c_le; members B D E, assessed B D. Any level (members_with_level): FORUM c_ti A B C
    # (A's .3 counts as data), c_ir B C; CERTNET c_ti A C, c_ir C; nobody in FORUM or CERTNET
    # has a level for c_le or c_dis (unknown, not missing).
    want = [
        ["FORUM", "c_le", 2, False, 0, 2, 3, 3, 0],
        ["FORUM", "c_ir", 1, True, 2, 1, 3, 3, 2],
        ["FORUM", "c_ti", 1, True, 2, 1, 3, 3, 3],
        ["FORUM", "c_dis", 1, False, 0, 1, 3, 3, 0],
        ["CERTNET", "c_ir", 1, True, 1, 1, 2, 2, 1],
        ["CERTNET", "c_ti", 1, True, 1, 1, 2, 2, 2],
        ["CERTNET", "c_le", 1, False, 0, 1, 2, 2, 0],
        ["CERTNET", "c_dis", 1, False, 0, 1, 2, 2, 0],
        ["ALLY", "c_le", 1, True, 1, 2, 3, 2, 1],
    ]
    cols = [
        "alliance_id",
        "capability_id",
        "weight",
        "own",
        "holders",
        "members_needing",
        "members",
        "assessed_members",
        "members_with_level",
    ]
    assert _rows(alliance_gaps(mandates), cols) == want


def test_pooling_mandates_table(mandates):
    want = [
        ["organisation", "FORUM", None, ["none"], False],
        ["organisation", "CERTNET", None, ["c_ir"], True],
        ["organisation", "ALLY", None, ["all"], False],
        ["agreement", "A", "D", ["c_le"], True],
        ["agreement", "A", "S", ["none"], True],
        ["agreement", "M", "A", ["all"], False],
    ]
    got = _rows(pooling_mandates(mandates), ["via", "source", "target", "pools", "declared"])
    assert sorted(got[:3], key=lambda r: ["FORUM", "CERTNET", "ALLY"].index(r[1])) == want[:3]
    assert sorted(got[3:]) == want[3:]


def test_pools_as_list_and_text_agree(mandates):
    G = mandates.copy()
    G.nodes["CERTNET"]["pools"] = ["c_ir", "c_ti"]
    key = next(k for k, d in G["A"]["D"].items() if d["type"] == "COOPERATES_WITH")
    G["A"]["D"][key]["pools"] = "c_le; c_ti"
    gaps = capability_gaps(G).set_index(["actor_id", "capability_id"])
    # c_ti now comes through the agreement with D (preferred over CERTNET's holder C)
    assert gaps.loc[("A", "c_ti"), ["pooled", "route", "via_partner"]].tolist() == [
        True,
        "via agreement with D (mou, 2019)",
        "D",
    ]


def test_universal_forum_pooling_none_adds_nothing(mandates):
    # Declaring pools=all on FORUM brings back the old everything-through-anything reading:
    # A's c_ti is then covered by B (the strongest FORUM holder), and FORUM becomes critical
    # for nothing alone (B and C both hold c_ti).
    G = mandates.copy()
    before = gap_summary(G).set_index("actor_id")["coalition_gap"].to_dict()
    G.nodes["FORUM"]["pools"] = "all"
    after = gap_summary(G).set_index("actor_id")["coalition_gap"].to_dict()
    assert before == {"A": 1, "B": 0, "E": 0}
    assert after == {"A": 0, "B": 0, "E": 0}
    gaps = capability_gaps(G).set_index(["actor_id", "capability_id"])
    assert gaps.loc[("A", "c_ti"), ["route", "via_partner"]].tolist() == ["via FORUM (member)", "B"]


@pytest.mark.parametrize(
    "where, value, message",
    [
        (
            "node",
            "c_irr",
            r"actor 'CERTNET': pools names 'c_irr', which is not a capability id; did you mean c_ir\b",
        ),
        ("node", ["c_ir", "c_tii"], r"actor 'CERTNET': pools names 'c_tii'.*did you mean c_ti\b"),
        ("node", "all;c_ir", r"actor 'CERTNET': pools = 'all;c_ir' mixes all with other entries"),
        ("edge", "c_le;cap:xyz", r"relationship 'A' -COOPERATES_WITH-> 'D': pools names 'cap:xyz'"),
        ("edge", 3, r"relationship 'A' -COOPERATES_WITH-> 'D': pools = 3 is not text or a list"),
    ],
)
def test_bad_pools_are_schema_errors(mandates, where, value, message):
    G = mandates.copy()
    if where == "node":
        G.nodes["CERTNET"]["pools"] = value
    else:
        key = next(k for k, d in G["A"]["D"].items() if d["type"] == "COOPERATES_WITH")
        G["A"]["D"][key]["pools"] = value
    with pytest.raises(gk.SchemaError, match=message):
        capability_gaps(G)


def test_pools_of_an_actor_without_members_is_checked_too(mandates):
    G = mandates.copy()
    G.nodes["M"]["pools"] = "c_nope"
    with pytest.raises(gk.SchemaError, match="actor 'M': pools names 'c_nope'"):
        gap_summary(G)


def test_basis_must_be_sponsor_or_origin(mandates):
    with pytest.raises(gk.SchemaError, match="property 'basis' is 'state'; expected sponsor or origin"):
        gk.add_relationship(mandates, "t2", "ATTRIBUTED_TO", "S", basis="state")
    G = mandates.copy()
    G.add_edge("t2", "S", type="ATTRIBUTED_TO", basis="rumoured")  # bypasses add_relationship
    with pytest.raises(gk.SchemaError, match="'t2' -ATTRIBUTED_TO-> 'S': property 'basis' is 'rumoured'"):
        gap_summary(G)
    assert any("basis" in p for p in gk.validate(G))


def test_levels_near_threshold_in_the_summary(mandates):
    # levels .9 .8 .7 .6 .8 .9 .3 1.0 .9: none within 0.05 of 0.5; of 0.6: the .6 (C c_ti)
    s = gk.analyze(mandates, dormant_after=0).summary["gaps"]  # keep the 2019 agreement whatever the date
    assert (s["threshold"], s["levels"], s["levels_near_threshold"], s["unassessed_actors"]) == (0.5, 9, 0, 1)
    # own gaps A 3 + B 1; coalition gap over needs with data: A's c_ti; unknown: A c_dis, E c_le
    assert (
        s["total_own_gap"],
        s["total_coalition_gap_known"],
        s["total_coalition_gap"],
        s["total_unknown_weight"],
        s["actors_helped_by_cooperation"],
    ) == (4, 1, 1, 2, 2)
    s = gk.analyze(mandates, threshold=0.62).summary["gaps"]
    assert s["levels_near_threshold"] == 1


def test_csv_dataset_with_list_and_text_pools(tmp_path):
    # actors.csv declares pools:string[]; relationships.csv has pools as ;-text
    (tmp_path / "actors.csv").write_text(
        "id,name,kind,pools:string[]\nA,A,state,\nB,B,state,\nO,O,international_org,c1\n", encoding="utf-8"
    )
    (tmp_path / "capabilities.csv").write_text("id,name\nc1,C1\nc2,C2\nc3,C3\n", encoding="utf-8")
    (tmp_path / "threats.csv").write_text("id,name\nt,T\n", encoding="utf-8")
    (tmp_path / "relationships.csv").write_text(
        "source,type,target,level,pools,basis\n"
        "A,MEMBER_OF,O,,,\nB,MEMBER_OF,O,,,\n"
        "A,COOPERATES_WITH,B,,c2,\n"
        "B,HAS_CAPABILITY,c1,0.9,,\nB,HAS_CAPABILITY,c2,0.9,,\nB,HAS_CAPABILITY,c3,0.9,,\n"
        "A,HAS_CAPABILITY,c3,0.1,,\n"
        "t,TARGETS,A,,,\nt,REQUIRES,c1,,,\nt,REQUIRES,c2,,,\nt,REQUIRES,c3,,,\n"
        "t,ATTRIBUTED_TO,B,,,sponsor\n",
        encoding="utf-8",
    )
    G = gk.load(tmp_path)
    gaps = capability_gaps(G)
    assert _rows(gaps, ["capability_id", "pooled", "route"]) == [
        ["c1", True, "via O (member)"],
        ["c2", True, "via agreement with B"],
        ["c3", False, None],
    ]
    bad = (tmp_path / "relationships.csv").read_text(encoding="utf-8").replace("sponsor", "sponsr")
    (tmp_path / "relationships.csv").write_text(bad, encoding="utf-8")
    with pytest.raises(
        gk.GraphkitError, match="relationships.csv:13: column 'basis': property 'basis' is 'sponsr'"
    ):
        gk.load(tmp_path)


def test_organisation_itself_shares_within_its_mandate():
    # O (international_org, pools p) holds p .8 and q .9; member X needs p and q; O needs r,
    # held by member Y .7 but outside O's mandate (X p .2 and Y q .3 are below 0.5). By hand: X gets p from O itself ("via O
    # (member)", partner O), not q (outside the mandate); O gets nothing for r.
    G = gk.new_graph()
    gk.add_node(G, "O", "Actor", name="O", kind="international_org", pools=["p"])
    gk.add_node(G, "X", "Actor", name="X", kind="state")
    gk.add_node(G, "Y", "Actor", name="Y", kind="state")
    for c in "pqr":
        gk.add_node(G, c, "Capability", name=c)
    for m in "XY":
        gk.add_relationship(G, m, "MEMBER_OF", "O")
    gk.add_relationship(G, "O", "HAS_CAPABILITY", "p", level=0.8)
    gk.add_relationship(G, "O", "HAS_CAPABILITY", "q", level=0.9)
    gk.add_relationship(G, "Y", "HAS_CAPABILITY", "r", level=0.7)
    gk.add_relationship(G, "X", "HAS_CAPABILITY", "p", level=0.2)  # states have data on p and q,
    gk.add_relationship(G, "Y", "HAS_CAPABILITY", "q", level=0.3)  # below the threshold
    for t, target, caps in (("t1", "X", "pq"), ("t2", "O", "r")):
        gk.add_node(G, t, "Threat", name=t)
        gk.add_relationship(G, t, "TARGETS", target)
        for c in caps:
            gk.add_relationship(G, t, "REQUIRES", c)
    cols = ["actor_id", "capability_id", "own", "pooled", "route", "via_partner"]
    assert _rows(capability_gaps(G), cols) == [
        ["O", "r", False, False, None, None],
        ["X", "p", False, True, "via O (member)", "O"],
        ["X", "q", False, False, None, None],
    ]
    # widen the mandate to r: O now gets r from its member Y
    G.nodes["O"]["pools"] = "p;r"
    assert _rows(capability_gaps(G), cols)[0] == ["O", "r", False, True, "via its member Y", "Y"]
    # losing O opens X's p (O is the organisation and the only holder); O's own r is not summed:
    # no international_org has any level for r, so that need is unknown
    assert _rows(critical_actors(G), ["actor_id", "opened_weight", "opened_gaps"]) == [["O", 1, 1]]
