"""Two actors side by side on a hand-built graph: every expected value worked out by hand."""

from __future__ import annotations

import pytest

import graphkit as gk
from graphkit.analysis.compare import compare
from graphkit.errors import AnalysisError


@pytest.fixture
def pair():
    """A and B share organisation O (pools all, since 2001 and 2005) and sign an MoU (2010, last confirmed 2025,
    pools cap:x); A alone is in P. A holds x (0.9) and y (0.3); B holds y (0.8). Threat T
    targets A and B and needs x and y; C is reached from A only through D."""
    G = gk.new_graph()
    for a, kind in [("A", "state"), ("B", "state"), ("C", "state"), ("D", "state"), ("O", "alliance"),
                    ("P", "international_org")]:  # fmt: skip
        gk.add_node(G, a, "Actor", name=f"Actor {a}", kind=kind)
    for c in ("cap:x", "cap:y"):
        gk.add_node(G, c, "Capability", name=c[-1].upper())
    gk.add_node(G, "T", "Threat", name="T")
    for u, t, v, p in [
        ("A", "MEMBER_OF", "O", {"since": 2001}),
        ("B", "MEMBER_OF", "O", {"since": 2005}),
        ("A", "MEMBER_OF", "P", {"since": 2003}),
        (
            "A",
            "COOPERATES_WITH",
            "B",
            {"instrument": "mou", "since": 2010, "last_confirmed": 2025, "pools": "cap:x"},
        ),
        ("A", "COOPERATES_WITH", "D", {}),
        ("D", "COOPERATES_WITH", "C", {}),
        ("A", "HAS_CAPABILITY", "cap:x", {"level": 0.9}),
        ("A", "HAS_CAPABILITY", "cap:y", {"level": 0.3}),
        ("B", "HAS_CAPABILITY", "cap:y", {"level": 0.8}),
        ("T", "TARGETS", "A", {}),
        ("T", "TARGETS", "B", {}),
        ("T", "REQUIRES", "cap:x", {}),
        ("T", "REQUIRES", "cap:y", {}),
    ]:
        gk.add_relationship(G, u, t, v, **p)
    return G


def test_compare_by_hand(pair):
    c = compare(pair, "A", "B", as_of="2024")
    assert c.shared_organisations[["organisation_id", "since_a", "since_b"]].values.tolist() == [
        ["O", "2001", "2005"]
    ]
    assert (c.only_a, c.only_b) == (["P"], [])
    assert c.agreements[["source", "target", "instrument", "since", "pools"]].values.tolist() == [
        ["A", "B", "mou", "2010", "cap:x"]
    ]
    assert c.path == ["A", "B"] and c.path_steps == ["Actor A cooperates with Actor B"]
    caps = c.capabilities.set_index("capability_id")
    # A holds x, needs y, which B holds and O (an alliance: pools all) pools: pooled via O
    # (the MoU pools only x). B needs x: pooled through the MoU with A, needs y: own.
    assert caps.loc["cap:x", ["holds_a", "holds_b", "status_a", "status_b"]].tolist() == [
        True,
        False,
        "own",
        "pooled",
    ]
    assert caps.loc["cap:y", ["holds_a", "holds_b", "status_a", "status_b"]].tolist() == [
        False,
        True,
        "pooled",
        "own",
    ]
    assert caps.loc["cap:x", "route_b"] == "via agreement with A (mou, 2010)"
    assert caps.loc["cap:y", "route_a"] == "via O (member)"
    assert (c.a_could_pool_for_b, c.b_could_pool_for_a) == (["cap:x"], ["cap:y"])
    # nothing is left open for either: nobody is recommended
    assert (c.b_rank_for_a, c.a_rank_for_b) == (None, None)
    assert c.alignment is None and c.positions_shared == 0


def test_path_through_whom(pair):
    c = compare(pair, "A", "C", as_of="2024")
    assert c.path == ["A", "D", "C"]
    assert c.path_steps == ["Actor A cooperates with Actor D", "Actor D cooperates with Actor C"]


def test_alignment_counts_abstention_half(pair):
    if "POSITION" not in gk.schema.RELATIONSHIP_TYPES:
        # positions arrive with the like-minded issue; built here without the schema's check
        for n in ("N1", "N2", "N3"):
            pair.add_node(n, label="Norm", name=n)
        for a, n, s in [("A", "N1", "yes"), ("B", "N1", "yes"), ("A", "N2", "yes"), ("B", "N2", "abstain"),
                        ("A", "N3", "no"), ("B", "N3", "yes")]:  # fmt: skip
            pair.add_edge(a, n, type="POSITION", stance=s)
        c = compare(pair, "A", "B", as_of="2024")
        # by hand: (1 + 0.5 + 0) / 3
        assert (c.alignment, c.positions_shared) == (pytest.approx(0.5), 3)


def test_unknown_actor_suggests(pair):
    with pytest.raises(AnalysisError, match=r"no actor 'AA' \(did you mean 'A'"):
        compare(pair, "AA", "B")
    with pytest.raises(AnalysisError, match="two different actors"):
        compare(pair, "A", "A")
