"""Alignment: agreement, axis, camps and swing states, checked by hand and against the raw votes."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import graphkit as gk
from graphkit.analysis.alignment import (
    alignment_axis,
    pairwise_agreement,
    position_table,
    unga_position_table,
)
from graphkit.analysis.camps import alignment_camps, analyze_alignment, camp_summary, state_positions
from graphkit.analysis.likeminded import like_minded_coalition, like_minded_partners
from graphkit.loaders.unga import read_unga_votes

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "data" / "cyber-multilateral"
VOTES = ROOT / "data" / "unga-votes"

# A tiny vote matrix (1 yes, 0.5 abstain, 0 no, - absent):
#        n1   n2   n3
#   A    yes  no   yes
#   B    yes  abst no
#   C    no   no   -
#   D    -    yes  abst
TINY = pd.DataFrame(
    [
        ("A", "n1", 1.0),
        ("A", "n2", 0.0),
        ("A", "n3", 1.0),
        ("B", "n1", 1.0),
        ("B", "n2", 0.5),
        ("B", "n3", 0.0),
        ("C", "n1", 0.0),
        ("C", "n2", 0.0),
        ("D", "n2", 1.0),
        ("D", "n3", 0.5),
    ],
    columns=["actor_id", "norm_id", "score"],
)
# By hand: per shared norm 1 - |difference|, then the mean.
#   A-B: n1 1, n2 0.5, n3 0         -> 1.5/3 = 0.5
#   A-C: n1 0, n2 1                 -> 1/2   = 0.5
#   A-D: n2 0, n3 0.5               -> 0.5/2 = 0.25
#   B-C: n1 0, n2 0.5               -> 0.5/2 = 0.25
#   B-D: n2 0.5, n3 0.5             -> 1/2   = 0.5
#   C-D: n2 0                       -> 0/1   = 0
TINY_EXPECTED = [
    ["A", "B", 0.5, 3, 3.0],
    ["A", "C", 0.5, 2, 2.0],
    ["B", "D", 0.5, 2, 2.0],
    ["A", "D", 0.25, 2, 2.0],
    ["B", "C", 0.25, 2, 2.0],
    ["C", "D", 0.0, 1, 1.0],
]


def test_agreement_on_a_hand_computed_matrix():
    assert pairwise_agreement(TINY).values.tolist() == TINY_EXPECTED


def test_weights_by_hand():
    # n1 weighs 3: A-B = (3*1 + 0.5 + 0) / 5 = 0.7; A-C = (3*0 + 1) / 4 = 0.25
    got = pairwise_agreement(TINY, weights={"n1": 3}).set_index(["actor_a", "actor_b"])
    assert got.loc[("A", "B"), "agreement"] == pytest.approx(0.7)
    assert got.loc[("A", "C"), "agreement"] == pytest.approx(0.25)
    assert got.loc[("A", "B"), "weight_shared"] == 5.0


def test_min_shared_leaves_out_thin_pairs():
    got = pairwise_agreement(TINY, min_shared=2)
    assert ("C", "D") not in set(zip(got.actor_a, got.actor_b, strict=False))
    assert len(got) == 5


def test_axis_equals_the_first_eigenvector_of_the_covariance():
    """A second method: eigh of the covariance matrix (not an SVD of the data)."""
    rng = np.random.default_rng(7)
    X = rng.choice([0.0, 0.5, 1.0], size=(8, 12))
    p = pd.DataFrame(
        [(f"S{i}", f"n{j:02d}", X[i, j]) for i in range(8) for j in range(12)],
        columns=["actor_id", "norm_id", "score"],
    )
    got = alignment_axis(p, orient="S0").set_index("actor_id")["axis"]
    C = X - X.mean(axis=0)
    vals, vecs = np.linalg.eigh(C.T @ C)
    proj = C @ vecs[:, -1]
    proj = proj / np.abs(proj).max()
    if proj[0] < 0:
        proj = -proj
    assert [got[f"S{i}"] for i in range(8)] == pytest.approx(proj.tolist(), abs=1e-5)


def test_camps_and_swing_on_a_hand_made_case():
    # two blocs of three that agree fully inside and not at all across, and E who sits between
    rows = []
    for n in ("n1", "n2", "n3", "n4"):
        for a in ("A1", "A2", "A3"):
            rows.append((a, n, 1.0))
        for b in ("B1", "B2", "B3"):
            rows.append((b, n, 0.0))
        rows.append(("E", n, 1.0 if n in ("n1", "n2") else 0.0))
    p = pd.DataFrame(rows, columns=["actor_id", "norm_id", "score"])
    pairs = pairwise_agreement(p)
    camps = alignment_camps(pairs, k=2)
    camp = dict(zip(camps.actor_id, camps.camp, strict=False))
    assert camp["A1"] == camp["A2"] == camp["A3"] != camp["B1"] == camp["B2"] == camp["B3"]
    states = state_positions(gk.new_graph(), positions=p.assign(date=None), orient="A1", k=2)
    e = states.set_index("actor_id").loc["E"]
    assert e["own_camp_agreement"] == 0.5 and e["other_camp_agreement"] == 0.5 and bool(e["swing"])
    assert not states.set_index("actor_id").loc["A1", "swing"]
    summary = camp_summary(pairs, states)
    assert sorted(summary["cohesion"].round(4).tolist()) in (
        [0.5, 1.0],
        [0.75, 1.0],
    )  # E's camp: 3 pairs of 1, 3 of 0.5


# ----------------------------------------------------------------------------- the bundled data


@pytest.fixture(scope="module")
def G():
    return gk.load(DATASET)


@pytest.fixture(scope="module")
def cyber(G):
    return analyze_alignment(G)


def test_the_2018_camps_on_the_bundled_data(G, cyber):
    camp = dict(zip(cyber.states.actor_id, cyber.states.camp_name, strict=False))
    against = {
        u
        for u, v, d in G.edges(data=True)
        if d["type"] == "POSITION" and v == "A/RES/73/27" and d["stance"] == "no"
    }
    assert len(against) == 46
    assert {camp[a] for a in against} == {"with United States"}
    core = ["RUS", "CHN", "IRN", "CUB", "SYR", "PRK"]
    assert {camp[a] for a in core} == {"with Russia"}
    axis = dict(zip(cyber.states.actor_id, cyber.states.axis, strict=False))
    assert axis["USA"] > 0 and all(axis[a] < 0 for a in core)


def _raw_cyber_votes():
    rcids = {"6073", "6138", "6156", "9076", "9093", "9087"}
    out: dict[str, dict[str, str]] = {}
    with gzip.open(VOTES / "votes.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["rcid"] in rcids:
                code = "RS" if r["country_code"] == "YU" else r["country_code"]
                out.setdefault(code, {})[r["rcid"]] = r["vote"]
    return out


@pytest.mark.parametrize(
    "a, b",
    [
        ("US", "GB"),
        ("US", "RU"),
        ("RU", "CN"),
        ("IN", "BR"),
        ("US", "IN"),
        ("CN", "IR"),
        ("DE", "TR"),
        ("NA", "ZA"),
        ("RS", "RU"),
    ],
)
def test_agreement_recomputed_from_the_raw_votes(G, a, b):
    """Recomputed here from votes.csv.gz with the csv module and plain loops (the six votes)."""
    raw = _raw_cyber_votes()
    score = {"yes": 1.0, "abstain": 0.5, "no": 0.0}
    shared = set(raw[a]) & set(raw[b])
    want = sum(1 - abs(score[raw[a][r]] - score[raw[b][r]]) for r in shared) / len(shared)
    ids = {d["iso2"]: n for n, d in G.nodes(data=True) if d.get("kind") == "state" and d.get("iso2")}
    x, y = sorted((ids[a], ids[b]))
    pairs = gk.alignment(G, norms=[n for n, d in G.nodes(data=True) if d["label"] == "Norm" and "rcid" in d])
    row = pairs[(pairs.actor_a == x) & (pairs.actor_b == y)].iloc[0]
    assert row["agreement"] == pytest.approx(want, abs=1e-6)
    assert row["n_shared"] == len(shared)


def test_general_votes_agreement_recomputed_from_the_raw_votes(G):
    votes = read_unga_votes(VOTES, first_session=72, last_session=74)
    pairs = pairwise_agreement(unga_position_table(G, votes)).set_index(["actor_a", "actor_b"])
    calls = {}
    with open(VOTES / "roll_calls.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            calls[r["rcid"]] = int(r["session"])
    by = {"US": {}, "IL": {}, "FR": {}}
    with gzip.open(VOTES / "votes.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["country_code"] in by and 72 <= calls[r["rcid"]] <= 74:
                by[r["country_code"]][r["rcid"]] = {"yes": 1.0, "abstain": 0.5, "no": 0.0}[r["vote"]]
    for a, b, x, y in (("US", "IL", "ISR", "USA"), ("FR", "US", "FRA", "USA")):
        shared = set(by[a]) & set(by[b])
        want = sum(1 - abs(by[a][r] - by[b][r]) for r in shared) / len(shared)
        assert pairs.loc[(x, y), "agreement"] == pytest.approx(want, abs=1e-6)
        assert pairs.loc[(x, y), "n_shared"] == len(shared)


def test_position_table_refuses_an_unknown_norm(G):
    with pytest.raises(gk.SchemaError, match="no Norm"):
        position_table(G, norms=["A/RES/99/1"])


def test_gk_alignment_is_the_pairs_table(G, cyber):
    pd.testing.assert_frame_equal(gk.alignment(G), cyber.pairs)


def test_three_camps_on_the_bundled_data(cyber):
    sizes = dict(zip(cyber.camps.camp_name, cyber.camps["size"], strict=False))
    assert set(sizes) == {"with United States", "with Russia", "between"}
    assert all(0.8 < c <= 1 for c in cyber.camps.cohesion)
    sponsors = dict(zip(cyber.states.actor_id, cyber.states.camp_sponsor, strict=False))
    assert sponsors["USA"] == "USA" and sponsors["RUS"] == "RUS"


# ----------------------------------------------------------------------------- like-minded partners


def test_like_minded_partners_on_a_hand_made_graph():
    """A needs c1 (weight 2: two threats) and c2 (1); B (aligned) holds c1, C (opposed) c1 and c2."""
    G = gk.new_graph()
    for n in ("A", "B", "C", "S1", "S2"):
        gk.add_node(G, n, "Actor", name=n, kind="state")
    gk.add_node(G, "c1", "Capability", name="one")
    gk.add_node(G, "c2", "Capability", name="two")
    for n in ("n1", "n2"):
        gk.add_node(G, n, "Norm", name=n, kind="resolution", sponsors=["S1" if n == "n1" else "S2"])
    for t, caps in (("t1", ["c1", "c2"]), ("t2", ["c1"])):
        gk.add_node(G, t, "Threat", name=t)
        gk.add_relationship(G, t, "TARGETS", "A")
        for c in caps:
            gk.add_relationship(G, t, "REQUIRES", c)
    gk.add_relationship(G, "B", "HAS_CAPABILITY", "c1", level=0.9)
    gk.add_relationship(G, "C", "HAS_CAPABILITY", "c1", level=0.9)
    gk.add_relationship(G, "C", "HAS_CAPABILITY", "c2", level=0.9)
    gk.add_relationship(G, "A", "HAS_CAPABILITY", "c1", level=0.1)  # assessed, but too weak
    gk.add_relationship(G, "B", "HAS_CAPABILITY", "c2", level=0.1)
    votes = {
        "A": ("yes", "no"),
        "B": ("yes", "no"),
        "S1": ("yes", "no"),
        "C": ("no", "yes"),
        "S2": ("no", "yes"),
    }
    for actor, (v1, v2) in votes.items():
        gk.add_relationship(G, actor, "POSITION", "n1", stance=v1)
        gk.add_relationship(G, actor, "POSITION", "n2", stance=v2)
    # by default C (camp "with S2", A is "with S1") is left out: B closes c1 (weight 2), c2 stays open
    r = like_minded_partners(G, "A")
    assert r[["partner_id", "closes", "closed_weight", "remaining_weight", "alignment"]].values.tolist() == [
        ["B", ["c1"], 2, 1, 1.0]
    ]
    # asked for, C comes first on capability alone (weight 3 against 2) and is marked
    r = like_minded_partners(G, "A", include_opposite=True, alignment_weight=0)
    assert r["partner_id"].tolist() == ["C"] and r["opposite_camp"].tolist() == [True]
    # with full weight on alignment, B scores 2 x 1 = 2 and C 3 x 0 = 0
    r = like_minded_partners(G, "A", include_opposite=True, alignment_weight=1)
    assert r["partner_id"].tolist()[0] == "B"
    c = like_minded_coalition(G, "A", share=1.0, include_opposite=True, alignment_weight=1)
    assert c["partner_id"].tolist() == ["B", "C"] and c.attrs["reached"]
    assert not like_minded_coalition(G, "A", share=1.0).attrs["reached"]


@pytest.mark.parametrize("actor", ["VEN", "SYR", "KHM", "PRK"])
def test_held_out_recommendations_hold_no_state_of_the_opposite_camp(G, cyber, actor):
    camp = dict(zip(cyber.states.actor_id, cyber.states.camp_sponsor, strict=False))
    assert camp[actor] == "RUS"
    r = like_minded_partners(G, actor, k=10, alignment_weight=0)  # capability alone decides the order
    assert len(r) >= 1
    assert not any(camp.get(p) == "USA" for p in r["partner_id"])
    assert not r["opposite_camp"].any()
