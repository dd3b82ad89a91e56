"""Feasible, explained partner recommendations, worked by hand on the mandates scenario
(tests/analysis/test_pooling.py, whose docstring draws it).

A's only open need is c_ti (weight 1). Holders: S 1.0, D .9, B .8, C .6.
    S: sponsor (basis sponsor) of t1, which targets A -> never a candidate
    D: 0.25 + 0.35 (agreement mou 2019) + 0.15 (Europe)                      = 0.75
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
    ].values.tolist() == [[1, "D", ["c_ti"], 1, 0, 0.75, 0.75, ["C", "B"]]]
    assert r["reason"].tolist() == [
        "closes c_ti (weight 1); builds on an existing agreement (mou, 2019); the same region (Europe)"
    ]


def test_a_sponsor_is_never_recommended_but_an_origin_is(mandates):
    r = recommend_partners(mandates, "A", k=3)
    assert "S" not in set(r["partner_id"]) and "S" not in sum(r["alternatives"], [])
    # the same attribution read as origin: S (agreement pooling none, Europe: 0.75) ties D at
    # score 0.75 and closes the same weight; S is the stronger holder (1.0 against .9)
    G = mandates.copy()
    for _, _, d in G.edges(data=True):
        if d["type"] == "ATTRIBUTED_TO":
            d["basis"] = "origin"
    r = recommend_partners(G, "A", k=3)
    assert r[["partner_id", "feasibility", "alternatives"]].values.tolist() == [["S", 0.75, ["D", "C"]]]
    # and with the basis left out, attribution is origin by default
    for _, _, d in G.edges(data=True):
        d.pop("basis", None)
    assert recommend_partners(G, "A")["partner_id"].tolist() == ["S"]


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
    assert r["reason"].tolist()[1] == "closes Q (weight 1); builds on no existing link"


def test_recommend_cli_json(tmp_path, capsys):
    from graphkit.cli import main

    G = mandates_graph()
    out = tmp_path / "dataset"
    gk.write_dataset(G, out)
    assert main(["recommend", str(out), "A", "--json"]) == 0
    picks = json.loads(capsys.readouterr().out)
    assert [
        (p["rank"], p["partner_id"], p["closes"], p["feasibility"], p["alternatives"]) for p in picks
    ] == [(1, "D", ["c_ti"], 0.75, ["C", "B"])]
    assert picks[0]["reason"].startswith("closes c_ti (weight 1); builds on an existing agreement")
