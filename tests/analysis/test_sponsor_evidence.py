"""Sponsorship graded by evidence (issue 26), worked by hand on the mandates scenario.

In the scenario (tests/analysis/test_pooling.py) threat t1, which targets A, is attributed
to S (the row graded here) and to C (origin, left alone). A's only open need is c_ti; S holds it at 1.0 and D at .9. When S
counts as a sponsor, S is never proposed and D is (feasibility .75, alternatives C, B);
when it does not, S ties D at .75 and, the stronger holder, comes first (alternatives D, C)
-- the two results of tests/analysis/test_recommend.py.

By default only government-backed sponsorship counts (SPONSOR_EVIDENCE):

    basis      evidence             counts by default   counts when widened to vendor+tracker
    sponsor    (none)               yes (ungraded data)  yes
    sponsor    government           yes                  yes
    sponsor    several_governments  yes                  yes
    sponsor    vendor               no                   yes
    sponsor    tracker              no                   yes
    suspected  vendor               no                   yes
    suspected  tracker              no                   yes
    suspected  (none)               no                   no
    origin     government           no                   no
"""

from __future__ import annotations

import pytest

from graphkit.analysis import recommend_partners
from graphkit.analysis.gaps import SPONSOR_EVIDENCE, counts_as_sponsor
from graphkit.schema import property_value_problem
from tests.analysis.test_pooling import mandates_graph

WIDE = ("government", "several_governments", "vendor", "tracker")

TABLE = [
    # basis, evidence, default, widened
    ("sponsor", None, True, True),
    ("sponsor", "government", True, True),
    ("sponsor", "several_governments", True, True),
    ("sponsor", "vendor", False, True),
    ("sponsor", "tracker", False, True),
    ("suspected", "vendor", False, True),
    ("suspected", "tracker", False, True),
    ("suspected", None, False, False),
    ("origin", "government", False, False),
]


def test_default_grades():
    assert SPONSOR_EVIDENCE == ("government", "several_governments")


@pytest.mark.parametrize(("basis", "evidence", "default", "widened"), TABLE)
def test_the_table(basis, evidence, default, widened):
    d = {"basis": basis} if evidence is None else {"basis": basis, "evidence": evidence}
    assert counts_as_sponsor(d) is default
    assert counts_as_sponsor(d, WIDE) is widened


def test_suspected_is_a_valid_basis():
    assert property_value_problem("ATTRIBUTED_TO", "basis", "suspected") is None


def _graded(basis: str, evidence: str | None):
    G = mandates_graph()
    for _, v, d in G.edges(data=True):
        if d["type"] == "ATTRIBUTED_TO" and v == "S":
            d["basis"] = basis
            if evidence is not None:
                d["evidence"] = evidence
    return G


@pytest.mark.parametrize(
    ("basis", "evidence", "expected"),
    [
        # D: 0.25 + 0.35 x 0.6 (its MoU with A) + 0.15 (same region) = 0.61 (test_recommend.py)
        ("sponsor", "government", [["D", 0.61, ["C", "B"]]]),
        ("sponsor", "several_governments", [["D", 0.61, ["C", "B"]]]),
        ("sponsor", None, [["D", 0.61, ["C", "B"]]]),
        # a vendor- or tracker-only sponsorship does not bar S by default: S is back among the
        # alternatives (0.505 behind D's 0.61, test_recommend.py)
        ("sponsor", "vendor", [["D", 0.61, ["S", "C"]]]),
        ("suspected", "tracker", [["D", 0.61, ["S", "C"]]]),
    ],
)
def test_recommendation_follows_the_grade(basis, evidence, expected):
    r = recommend_partners(_graded(basis, evidence), "A", k=3)
    assert r[["partner_id", "feasibility", "alternatives"]].values.tolist() == expected
