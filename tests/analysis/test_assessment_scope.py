"""A missing index row is no data, not a lack: needs are known only where an assessment rated the actor."""

from __future__ import annotations

import math

import networkx as nx
import pytest

import graphkit as gk
from graphkit.analysis import capability_gaps, gap_summary


def scope_graph(*, with_assessments: bool = True) -> nx.MultiDiGraph:
    """Four states and one threat needing c1..c4; two assessments rate different capabilities.

    ``index`` (think of a national index like ITU's) rates A on c1, c2 and B on c1, c2, c3;
    ``record`` (think of a public record of attributions) rates T and U on c4 only, and U
    also has an ``index`` row. T and B are members of an alliance (which pools everything).
    """
    G = gk.new_graph()
    for a in ("A", "B", "T", "U"):
        gk.add_node(G, a, "Actor", name=f"State {a}", kind="state")
    gk.add_node(G, "ALLY", "Actor", name="Alliance", kind="alliance")
    for c in ("c1", "c2", "c3", "c4"):
        gk.add_node(G, c, "Capability", name=c)
    for a, c, level, assessment in (
        ("A", "c1", 0.8, "index"),
        ("A", "c2", 0.2, "index"),
        ("B", "c1", 0.9, "index"),
        ("B", "c2", 0.9, "index"),
        ("B", "c3", 0.7, "index"),
        ("T", "c4", 1.0, "record"),
        ("U", "c1", 0.6, "index"),
        ("U", "c4", 0.3, "record"),
    ):
        extra = {"assessment": assessment} if with_assessments else {}
        gk.add_relationship(G, a, "HAS_CAPABILITY", c, level=level, **extra)
    gk.add_relationship(G, "T", "MEMBER_OF", "ALLY")
    gk.add_relationship(G, "B", "MEMBER_OF", "ALLY")
    gk.add_node(G, "threat1", "Threat", name="Threat 1")
    for a in ("A", "T", "U"):
        gk.add_relationship(G, "threat1", "TARGETS", a)
    for c in ("c1", "c2", "c3", "c4"):
        gk.add_relationship(G, "threat1", "REQUIRES", c)
    return G


def _status(gaps):
    return {(r.actor_id, r.capability_id): r.status for r in gaps.itertuples()}


# By hand (test_needs_are_known_only_where_an_assessment_rated_the_actor says why)
EXPECTED = {
    ("A", "c1"): "held",
    ("A", "c2"): "missing",
    ("A", "c3"): "missing",
    ("A", "c4"): "no data",
    ("T", "c1"): "covered",
    ("T", "c2"): "covered",
    ("T", "c3"): "covered",
    ("T", "c4"): "held",
    ("U", "c1"): "held",
    ("U", "c2"): "missing",
    ("U", "c3"): "missing",
    ("U", "c4"): "missing",
}


def test_needs_are_known_only_where_an_assessment_rated_the_actor():
    # By hand: the index covers c1, c2, c3 for states (B rates c3), the record covers c4.
    # A (index): c1 held (0.8), c2 missing (0.2 < 0.5), c3 missing (the index rates c3 and
    # A has no c3 row), c4 no data (no record row for A).
    # T (record only): c4 held; c1..c3 are not rated for T, but the alliance pools B's c1,
    # c2, c3 (0.9, 0.9, 0.7): covered, whatever T's own data.
    # U (index and record): c1 held (0.6), c2 and c3 missing, c4 missing (0.3).
    assert _status(capability_gaps(scope_graph())) == EXPECTED


def test_own_gaps_count_known_needs_only():
    # own gap = weight of known needs not owned (one threat, weight 1 each):
    # A: c2, c3 -> 2; T: its only known need c4 is held -> 0; U: c2, c3, c4 -> 3.
    s = gap_summary(scope_graph()).set_index("actor_id")
    assert s.loc["A", "own_gap"] == 2
    assert s.loc["T", "own_gap"] == 0
    assert s.loc["U", "own_gap"] == 3
    assert s.loc["A", "coalition_gap"] == 2
    assert s.loc["T", "coalition_gap"] == 0


def test_without_assessments_every_row_of_a_kind_is_one_assessment():
    # The rule before the property existed: an assessed state is rated on every
    # capability some state has a level for (c1..c4), so T's c1..c3 would read as its
    # own lacks: own gap 3, and A's c4 is missing, not no data.
    G = scope_graph(with_assessments=False)
    got = _status(capability_gaps(G))
    assert got[("A", "c4")] == "missing"
    assert gap_summary(G).set_index("actor_id").loc["T", "own_gap"] == 3


def test_an_unassessed_actor_keeps_its_kind_wide_scope():
    G = scope_graph()
    gk.add_node(G, "V", "Actor", name="State V", kind="state")
    gk.add_relationship(G, "threat1", "TARGETS", "V")
    gaps = capability_gaps(G)
    v = gaps[gaps.actor_id == "V"]
    assert v["capability_assessed"].tolist() == [True, True, True, True]
    assert not v["assessed"].any()
    assert set(v["status"]) == {"no data"}
    assert math.isnan(gap_summary(G).set_index("actor_id").loc["V", "own_gap"])


def test_assessment_from_csv_groups_rows(tmp_path):
    (tmp_path / "actors.csv").write_text("id,name,kind\nA,State A,state\nB,State B,state\n", encoding="utf-8")
    (tmp_path / "capabilities.csv").write_text("id,name\nc1,C1\nc2,C2\n", encoding="utf-8")
    (tmp_path / "threats.csv").write_text("id,name\nt,T\n", encoding="utf-8")
    (tmp_path / "relationships.csv").write_text(
        "source,type,target,level,assessment\n"
        "A,HAS_CAPABILITY,c1,0.9,2024\n"
        "B,HAS_CAPABILITY,c2,0.9,2025\n"
        "t,TARGETS,A,,\n"
        "t,REQUIRES,c1,,\n"
        "t,REQUIRES,c2,,\n",
        encoding="utf-8",
    )
    G = gk.load(tmp_path)
    # A is rated by assessment "2024" only, which covers c1: its c2 need is no data
    assert _status(capability_gaps(G)) == {("A", "c1"): "held", ("A", "c2"): "no data"}


@pytest.mark.parametrize("value", [7, 2024.5])
def test_non_text_assessment_values_group_like_text(value):
    G = scope_graph()
    for _, _, d in G.edges(data=True):
        if d.get("assessment") == "index":
            d["assessment"] = value
    assert _status(capability_gaps(G)) == EXPECTED


def test_recommend_says_why_a_need_has_no_data():
    from graphkit.analysis.recommend import remaining_without_data

    G = scope_graph()
    gk.add_node(G, "c5", "Capability", name="c5")
    gk.add_relationship(G, "threat1", "REQUIRES", "c5")
    got = remaining_without_data(G, "A")[["capability_id", "why"]].values.tolist()
    # c4: states have levels (T, U, from the record) but no record rates A; c5: no state has one
    assert sorted(got) == [
        ["c4", "no index or record rating it covers it"],
        ["c5", "no state in the data has a level for it"],
    ]


def test_the_recommend_command_groups_the_reasons(tmp_path, capsys):
    from graphkit.cli import main

    G = scope_graph()
    gk.add_node(G, "c5", "Capability", name="c5")
    gk.add_node(G, "c6", "Capability", name="c6")
    gk.add_relationship(G, "threat1", "REQUIRES", "c5")
    gk.add_relationship(G, "threat1", "REQUIRES", "c6")
    from graphkit.export.tables import write_dataset

    write_dataset(G, tmp_path / "d")
    # A's open needs with data (c2, c3) could be closed by B; cut B's ties to A's world by
    # asking about T, whose open needs are all no data once the alliance covers c1..c3
    assert main(["recommend", str(tmp_path / "d"), "T", "-q"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == (
        "its remaining needs have no data (weight 2): c5, c6 (no state in the data has a level for them), "
        "so the data cannot say whether it lacks them or who would close them"
    )
