import networkx as nx
import pytest

import graphkit as gk
from graphkit.errors import SchemaError


@pytest.fixture
def G():
    G = gk.new_graph()
    gk.add_node(G, "A", "Actor", name="A", kind="state")
    gk.add_node(G, "B", "Actor", name="B", kind="state")
    gk.add_node(G, "X", "Actor", name="X", kind="alliance")
    gk.add_node(G, "c", "Capability", name="c")
    gk.add_node(G, "t", "Threat", name="t")
    return G


@pytest.mark.parametrize(
    "id, label, props, fragment",
    [
        ("A", "Actor", {"name": "again", "kind": "state"}, "duplicate id"),
        ("", "Actor", {"name": "n", "kind": "state"}, "non-empty"),
        (" Z", "Actor", {"name": "n", "kind": "state"}, "spaces"),
        ("Z", "Person", {"name": "n"}, "unknown label"),
        ("Z", "Actor", {"name": "n", "kind": "army"}, "not an actor kind"),
        ("Z", "Actor", {"kind": "state"}, "'name' is required"),
        ("Z", "Threat", {"name": "n", "score": float("nan")}, "finite"),
        ("Z", "Threat", {"name": "n", "bad key": 1}, "not allowed"),
        ("Z", "Threat", {"name": "n", "label": "x"}, "reserved"),
        ("Z", "Threat", {"name": "n", "note": ""}, "empty text"),
        ("Z", "Threat", {"name": "n", "obj": {"a": 1}}, "type dict"),
    ],
)
def test_add_node_rejects(G, id, label, props, fragment):
    with pytest.raises(SchemaError, match=fragment):
        gk.add_node(G, id, label, **props)


@pytest.mark.parametrize(
    "u, t, v, fragment",
    [
        ("t", "MEMBER_OF", "X", "cannot start from a Threat"),
        ("A", "HAS_CAPABILITY", "B", "cannot point to a Actor"),
        ("A", "LIKES", "B", "unknown relationship type"),
        ("A", "MEMBER_OF", "nowhere", "does not resolve"),
        ("A", "COOPERATES_WITH", "A", "to itself"),
    ],
)
def test_add_relationship_rejects(G, u, t, v, fragment):
    with pytest.raises(SchemaError, match=fragment):
        gk.add_relationship(G, u, t, v)


def test_actor_graph_merges_parallel_and_opposite_edges(G):
    gk.add_relationship(G, "A", "COOPERATES_WITH", "B", weight=2.0)
    gk.add_relationship(G, "B", "COOPERATES_WITH", "A", weight=3.0)
    gk.add_relationship(G, "A", "MEMBER_OF", "X")
    gk.add_relationship(G, "t", "TARGETS", "A")
    A = gk.actor_graph(G, weight="weight")
    assert isinstance(A, nx.Graph) and not A.is_directed()
    assert sorted(A.nodes) == ["A", "B", "X"]
    assert A["A"]["B"] == {"count": 2, "weight": 5.0}
    assert A["A"]["X"] == {"count": 1, "weight": 1}
    only_coop = gk.actor_graph(G, types=["COOPERATES_WITH"])
    assert not only_coop.has_edge("A", "X") and only_coop["A"]["B"]["weight"] == 2


def test_select_and_ego(G):
    gk.add_relationship(G, "A", "MEMBER_OF", "X")
    gk.add_relationship(G, "B", "MEMBER_OF", "X")
    gk.add_relationship(G, "t", "TARGETS", "A")
    assert set(gk.select(G, labels=["Actor"]).nodes) == {"A", "B", "X"}
    assert gk.select(G, types=["TARGETS"]).number_of_edges() == 1
    assert set(gk.ego_graph(G, "A", 1).nodes) == {"A", "X", "t"}
    assert set(gk.ego_graph(G, "A", 2).nodes) == {"A", "X", "t", "B"}
    with pytest.raises(SchemaError):
        gk.ego_graph(G, "nobody")


def test_summary_counts_sample_by_hand():
    s = gk.summary(gk.load(gk.SAMPLE))
    assert s["nodes"] == {"Actor": 14, "Capability": 5, "Threat": 3, "Norm": 0}
    assert s["actor_kinds"]["state"] == 8
    assert s["relationships"]["MEMBER_OF"] == 13
    assert sum(s["relationships"].values()) == 47


def test_validate_finds_problems_in_a_graph_built_by_hand():
    H = nx.MultiDiGraph()
    H.add_node("a", label="Actor", name="a", kind="state")
    H.add_node("b", label="Capability")
    H.add_edge("a", "b", type="MEMBER_OF")
    problems = gk.validate(H)
    assert any("'name' is required" in p for p in problems)
    assert any("cannot point to a Capability" in p for p in problems)
    assert gk.validate(gk.load(gk.SAMPLE)) == []
