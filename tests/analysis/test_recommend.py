"""Feasible, explained partner recommendations, worked by hand on the mandates scenario
(tests/analysis/test_pooling.py, whose docstring draws it).

A's only open need is c_ti (weight 1). Holders: S 1.0, D .9, B .8, C .6.
    S: sponsor (basis sponsor) of t1, which targets A -> never a candidate
    D: 0.25 + 0.35 x 0.6 (agreement, instrument mou: weight 0.6) + 0.15 (Europe) = 0.61
    C: 0.25 + 0.25 (CERTNET pools c_ir: a pooling organisation; origin of t1,
       not sponsor, so allowed; Asia)                                          = 0.50
    B: 0.25 + 0.15 (Europe; FORUM pools none, so no shared pooling organisation) = 0.40
"""

from __future__ import annotations

import json

import pytest

import graphkit as gk
from graphkit.analysis import FEASIBILITY_WEIGHTS, recommend_partners
from tests.analysis.test_pooling import mandates_graph


@pytest.fixture
def mandates():
    return mandates_graph()


def test_feasibility_weights_sum_to_one():
    assert sum(FEASIBILITY_WEIGHTS.values()) == pytest.approx(1.0)


def test_recommendation_table(mandates):
    r = recommend_partners(mandates, "A")
    assert r[
        [
            "rank",
            "partner_id",
            "closes",
            "closed_weight",
            "remaining_weight",
            "feasibility",
            "score",
            "alternatives",
        ]
    ].values.tolist() == [[1, "D", ["c_ti"], 1, 0, 0.61, 0.61, ["C", "B"]]]
    assert r["reason"].tolist() == [
        "closes c_ti (weight 1): the data show State A lacks it and no active partner covers it; "
        "feasible because they already cooperate under an agreement (mou, 2019) that could be widened "
        "to cover it; both are in the same region (Europe)"
    ]


def test_a_sponsor_is_never_recommended_but_an_origin_is(mandates):
    r = recommend_partners(mandates, "A", k=3)
    assert "S" not in set(r["partner_id"]) and "S" not in sum(r["alternatives"], [])
    # the same attribution read as origin: S is a candidate (a dialogue pooling none, Europe:
    # 0.25 + 0.35 x 0.3 + 0.15 = 0.505), behind D (an MoU: 0.61) and ahead of C (0.50)
    G = mandates.copy()
    for _, _, d in G.edges(data=True):
        if d["type"] == "ATTRIBUTED_TO":
            d["basis"] = "origin"
    r = recommend_partners(G, "A", k=3)
    assert r[["partner_id", "feasibility", "alternatives"]].values.tolist() == [["D", 0.61, ["S", "C"]]]
    # and with the basis left out, attribution is origin by default
    for _, _, d in G.edges(data=True):
        d.pop("basis", None)
    assert recommend_partners(G, "A")["alternatives"].tolist() == [["S", "C"]]


def test_nothing_to_recommend_when_every_need_is_pooled(mandates):
    # E (unassessed) gets its only need c_le through ALLY
    assert recommend_partners(mandates, "E").empty


def test_greedy_with_two_open_needs():
    # X needs p (2 threats) and q (1). Y holds p and q; Z holds p, same region as X, and
    # cooperates with X under an agreement that pools nothing.
    # Y: closes 3 at 0.25 -> 0.75; Z: closes 2 at 0.25 + 0.35 + 0.15 = 0.75 -> 1.5: Z first.
    # Then only q is open: Y closes 1 at 0.25.
    G = gk.new_graph()
    gk.add_node(G, "X", "Actor", name="X", kind="state", region="R")
    gk.add_node(G, "Y", "Actor", name="Y", kind="state", region="Q")
    gk.add_node(G, "Z", "Actor", name="Z", kind="state", region="R")
    for c in "pq":
        gk.add_node(G, c, "Capability", name=c.upper())
    gk.add_relationship(G, "X", "COOPERATES_WITH", "Z", pools="none")
    gk.add_relationship(G, "X", "HAS_CAPABILITY", "q", level=0.1)
    gk.add_relationship(G, "Y", "HAS_CAPABILITY", "p", level=0.9)
    gk.add_relationship(G, "Y", "HAS_CAPABILITY", "q", level=0.9)
    gk.add_relationship(G, "Z", "HAS_CAPABILITY", "p", level=0.6)
    for t, caps in (("t1", "pq"), ("t2", "p")):
        gk.add_node(G, t, "Threat", name=t)
        gk.add_relationship(G, t, "TARGETS", "X")
        for c in caps:
            gk.add_relationship(G, t, "REQUIRES", c)
    r = recommend_partners(G, "X")
    assert r[
        [
            "rank",
            "partner_id",
            "closes",
            "closed_weight",
            "remaining_weight",
            "feasibility",
            "score",
            "alternatives",
        ]
    ].values.tolist() == [
        [1, "Z", ["p"], 2, 1, 0.75, 1.5, ["Y"]],
        [2, "Y", ["q"], 1, 0, 0.25, 0.25, []],
    ]
    assert r["reason"].tolist()[1] == (
        "closes Q (weight 1): the data show X lacks it and no active partner covers it; "
        "feasible because nothing yet: no agreement, shared organisation or region"
    )


def test_recommend_cli_json(tmp_path, capsys):
    from graphkit.cli import main

    G = mandates_graph()
    out = tmp_path / "dataset"
    gk.write_dataset(G, out)
    # --dormant-after 0 keeps the 2019 agreement with D whatever today's date
    assert main(["recommend", str(out), "A", "--json", "--dormant-after", "0"]) == 0
    picks = json.loads(capsys.readouterr().out)
    assert [
        (p["rank"], p["partner_id"], p["closes"], p["feasibility"], p["alternatives"]) for p in picks
    ] == [(1, "D", ["c_ti"], 0.61, ["C", "B"])]
    assert picks[0]["reason"].startswith("closes c_ti (weight 1): the data show State A lacks it")
    # by default (5 years) the agreement of 2019 is dormant as of today: it pools c_le no more
    # and is no link: D closes c_ti and c_le at 0.25 + 0.15 (Europe) = 0.40
    assert main(["recommend", str(out), "A", "--json"]) == 0
    picks = json.loads(capsys.readouterr().out)
    assert [(p["partner_id"], p["closes"], p["feasibility"]) for p in picks] == [("D", ["c_ti", "c_le"], 0.4)]


def test_own_organisations_are_not_new_partners_and_no_data_is_said():
    # X's open needs with data: c2 (only FORUM holds it; X is already a member of FORUM, which
    # pools nothing: a wider mandate, not a new partner) and c4 (Z: no link, 0.25). c3 has no
    # data: nobody is recommended for it and remaining_without_data names it.
    from graphkit.analysis.recommend import remaining_without_data
    from tests.analysis.test_gaps import _no_data_world

    G = _no_data_world()
    r = recommend_partners(G, "X", k=3)
    assert r[["rank", "partner_id", "closes", "closed_weight", "remaining_weight", "feasibility", "alternatives"]
             ].values.tolist() == [[1, "Z", ["c4"], 1, 1, 0.25, []]]  # fmt: skip
    assert r["reason"].tolist() == [
        "closes C4 (weight 1): the data show State X lacks it and no active partner covers it; "
        "feasible because nothing yet: no agreement, shared organisation or region"
    ]
    assert remaining_without_data(G, "X").values.tolist() == [
        ["c3", "C3", 1, "no state in the data has a level for it"]
    ]


def test_an_organisation_gets_members_or_partners_to_recruit():
    # asked for explicitly: AL (assessed through its own level of c1) needs c1 against t2; the
    # alliance kind has a level for c1 only (AL's .3), so c1 is a known lack; X, its member,
    # holds it but only as an observer (its c1 does not reach AL) and is no new partner; nobody
    # else holds c1: nothing to recommend. A state W holding c1, with no link (0.25), is the
    # member or partner to recruit.
    from tests.analysis.test_gaps import _no_data_world

    G = _no_data_world()
    gk.add_relationship(G, "AL", "HAS_CAPABILITY", "c1", level=0.3)
    gk.add_node(G, "t2", "Threat", name="t2")
    gk.add_relationship(G, "t2", "TARGETS", "AL")
    gk.add_relationship(G, "t2", "REQUIRES", "c1")
    G2 = G.copy()
    for a, b, d in G2.edges(data=True):
        if (a, b, d["type"]) == ("X", "AL", "MEMBER_OF"):
            d["status"] = "observer"  # X takes no full part: its c1 does not reach AL
    assert recommend_partners(G2, "AL").empty  # X is still AL's member: not a new partner
    gk.add_node(G2, "W", "Actor", name="State W", kind="state")
    gk.add_relationship(G2, "W", "HAS_CAPABILITY", "c1", level=0.7)
    r = recommend_partners(G2, "AL")
    assert r[["partner_id", "closes", "feasibility"]].values.tolist() == [["W", ["c1"], 0.25]]
    assert (
        r["reason"]
        .iloc[0]
        .startswith("a member or partner to recruit: closes C1 (weight 1): the data show Alliance lacks it")
    )
