"""Aggregations the engine groups (:meth:`EngineReader.aggregate`) give the Python-evaluated answer.

Every query below runs twice on a small graph built by hand, with nulls (a position without a
stance, capabilities without a level) and a relationship pattern where uniqueness matters:
once as users run it (the engine groups the matches and collects the aggregated values) and
once with the push-down switched off (every matched row evaluated in Python, the reference
path of :mod:`graphkit.cypher.interpret`). Both must give the same rows, and the expected
rows worked out by hand from the graph::

    A (Actor, state)  -POSITION {yes}->     n1, n2     -POSITION {no}-> n3
    B (Actor, state)  -POSITION {abstain}-> n1         -POSITION {yes}-> n2   -POSITION {}-> n3
    C (Actor, state)  -POSITION {no}->      n1
    D (Actor, no kind): no positions
    A -HAS_CAPABILITY {level 0.5}-> k1, A -HAS_CAPABILITY {}-> k2
    B -HAS_CAPABILITY {level 1.0}-> k1, B -HAS_CAPABILITY {level 0.25}-> k2
"""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graphkit.cypher import EmbeddedGraph
from graphkit.cypher.translate import EngineReader

ALIGN = (
    "MATCH (a:Actor)-[p:POSITION]->(n:Norm)<-[q:POSITION]-(b:Actor) "
    "WHERE a.id < b.id AND a.kind = 'state' AND b.kind = 'state' "
    "WITH a, b, count(n) AS shared, "
    "sum(1.0 - abs((CASE p.stance WHEN 'no' THEN 0.0 WHEN 'abstain' THEN 0.5 ELSE 1.0 END) "
    "- (CASE q.stance WHEN 'no' THEN 0.0 WHEN 'abstain' THEN 0.5 ELSE 1.0 END))) AS agree "
    "WHERE shared >= $min_shared "
    "RETURN a.id AS first, b.id AS second, shared, agree / shared AS agreement "
    "ORDER BY agreement DESC, shared DESC, first, second"
)


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for a in "ABC":
        G.add_node(a, label="Actor", name=a, kind="state")
    G.add_node("D", label="Actor", name="D")
    for n in ("n1", "n2", "n3"):
        G.add_node(n, label="Norm", name=n)
    G.add_node("k1", label="Capability", name="k1")
    G.add_node("k2", label="Capability", name="k2")
    for a, n, stance in [
        ("A", "n1", "yes"), ("A", "n2", "yes"), ("A", "n3", "no"),
        ("B", "n1", "abstain"), ("B", "n2", "yes"), ("B", "n3", None),
        ("C", "n1", "no"),
    ]:  # fmt: skip
        if stance is None:
            G.add_edge(a, n, type="POSITION")
        else:
            G.add_edge(a, n, type="POSITION", stance=stance)
    G.add_edge("A", "k1", type="HAS_CAPABILITY", level=0.5)
    G.add_edge("A", "k2", type="HAS_CAPABILITY")
    G.add_edge("B", "k1", type="HAS_CAPABILITY", level=1.0)
    G.add_edge("B", "k2", type="HAS_CAPABILITY", level=0.25)
    return G


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    with EmbeddedGraph.from_graph(_graph(), tmp_path_factory.mktemp("push") / "g.db") as d:
        yield d


# (name, query, parameters, expected rows worked out by hand from the graph above)
CASES = [
    (
        "align",  # A-B: n1 yes/abstain 0.5, n2 yes/yes 1, n3 no/null(ELSE 1.0) 0 -> 1.5/3
        ALIGN,
        {"min_shared": 1},
        [("A", "B", 3, 0.5), ("B", "C", 1, 0.5), ("A", "C", 1, 0.0)],
    ),
    ("align_min_shared", ALIGN, {"min_shared": 2}, [("A", "B", 3, 0.5)]),
    (
        "counts_with_nulls",  # count(p.stance) leaves B's null stance out
        "MATCH (a:Actor)-[p:POSITION]->(n:Norm) "
        "WITH a, count(*) AS k, count(p) AS kp, count(p.stance) AS ks, count(DISTINCT n) AS dn, "
        "count(DISTINCT p.stance) AS kinds "
        "RETURN a.id AS id, k, kp, ks, dn, kinds ORDER BY id",
        {},
        [("A", 3, 3, 3, 3, 2), ("B", 3, 3, 2, 3, 2), ("C", 1, 1, 1, 1, 1)],
    ),
    (
        "numbers_with_nulls",  # A: one level (0.5) and a null; B: 1.0 and 0.25
        "MATCH (a:Actor)-[h:HAS_CAPABILITY]->(c:Capability) "
        "WITH a, sum(h.level) AS s, avg(h.level) AS m, min(h.level) AS lo, max(h.level) AS hi, "
        "stdev(h.level) AS sd, sum(DISTINCT h.level) AS sdist "
        "RETURN a.id AS id, s, m, lo, hi, sd, sdist ORDER BY id",
        {},
        [("A", 0.5, 0.5, 0.5, 0.5, 0.0, 0.5), ("B", 1.25, 0.625, 0.25, 1.0, math.sqrt(0.28125), 1.25)],
    ),
    (
        "strings_min_max",  # per norm, the stances as text; n3 has B's null
        "MATCH (a:Actor)-[p:POSITION]->(n:Norm) WITH n, min(p.stance) AS lo, max(p.stance) AS hi "
        "RETURN n.id AS id, lo, hi ORDER BY id",
        {},
        [("n1", "abstain", "yes"), ("n2", "yes", "yes"), ("n3", "no", "no")],
    ),
    (
        "uniqueness",  # p and q never the same relationship: A has 2 partners on n1, 1 on n2, 1 on n3
        "MATCH (a:Actor)-[p:POSITION]->(n:Norm)<-[q:POSITION]-(b:Actor) WITH a, count(*) AS k "
        "RETURN a.id AS id, k ORDER BY id",
        {},
        [("A", 4), ("B", 4), ("C", 2)],
    ),
    ("no_keys", "MATCH (n:Norm) RETURN count(*) AS k, count(n) AS kn", {}, [(3, 3)]),
    (
        "no_keys_no_match",  # one row: count 0, sum 0 (Neo4j's sum of nothing), min null
        "MATCH (a:Actor)-[h:HAS_CAPABILITY]->(c:Capability) WHERE a.id = 'D' "
        "RETURN count(*) AS k, sum(h.level) AS s, min(h.level) AS lo",
        {},
        [(0, 0, None)],
    ),
    (
        "carried_key",  # total is a grouping key carried from the row before
        "MATCH (c:Capability) WITH count(c) AS total "
        "MATCH (m:Actor)-[:POSITION]->(n:Norm) WITH total, n, count(DISTINCT m) AS members "
        "RETURN total, n.id AS id, members ORDER BY id",
        {},
        [(2, "n1", 3), (2, "n2", 2), (2, "n3", 2)],
    ),
    (
        "carried_key_no_match",  # a grouping key and no match: no row
        "MATCH (c:Capability) WITH count(c) AS total "
        "MATCH (m:Actor)-[:POSITION]->(n:Norm) WHERE n.id = 'none' RETURN total, count(*) AS k",
        {},
        [],
    ),
    (
        "order_limit_after_grouping",  # the WITH's ORDER BY (an alias and a key's property) and LIMIT
        "MATCH (a:Actor)-[p:POSITION]->(n:Norm) WITH a, count(*) AS k ORDER BY k DESC, a.id LIMIT 2 "
        "RETURN a.id AS id, k",
        {},
        [("A", 3), ("B", 3)],
    ),
]


def _rows(db, query, params, *, pushed):
    calls = []
    original = EngineReader.aggregate

    def spy(self, *args):
        got = original(self, *args) if pushed else None
        calls.append(got is not None)
        return got

    EngineReader.aggregate = spy
    try:
        return db.run(query, params).rows, any(calls)
    finally:
        EngineReader.aggregate = original


def _same(got, want):
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want, strict=True):
        assert len(g) == len(w)
        for x, y in zip(g, w, strict=True):
            if isinstance(y, float):
                assert type(x) is float and math.isclose(x, y, rel_tol=1e-12), (g, w)
            else:
                assert x == y and type(x) is type(y), (g, w)


@pytest.mark.parametrize("name,query,params,expected", CASES, ids=[c[0] for c in CASES])
def test_pushed_equals_python_and_hand(db, name, query, params, expected):
    pushed_rows, used = _rows(db, query, params, pushed=True)
    python_rows, _ = _rows(db, query, params, pushed=False)
    assert pushed_rows == python_rows  # the same values, types and order, to the last bit
    _same(pushed_rows, expected)
    assert used, "the engine should have grouped this aggregation"


@pytest.mark.parametrize(
    "query",
    [
        # grouping by a property (two nodes could share it): Python groups
        "MATCH (a:Actor)-[p:POSITION]->(n:Norm) RETURN a.kind AS kind, count(*) AS k",
        # OPTIONAL MATCH: its null rows are made in Python
        "MATCH (a:Actor) OPTIONAL MATCH (a)-[p:POSITION]->(n:Norm) RETURN a, count(n) AS k",
        # collect's order is not pushed; integer arithmetic (overflow) is not pushed
        "MATCH (a:Actor)-[p:POSITION]->(n:Norm) RETURN a, collect(n.id) AS ids",
        "MATCH (a:Actor)-[h:HAS_CAPABILITY]->(c) RETURN a, sum(h.level / 2) AS s",
        # a WHERE part evaluated in Python
        "MATCH (a:Actor)-[p:POSITION]->(n:Norm) WHERE a.name + 'x' = 'Ax' RETURN a, count(*) AS k",
    ],
)
def test_not_pushed(db, query):
    rows, used = _rows(db, query, {}, pushed=True)
    assert not used
    assert _unordered(rows) == _unordered(_rows(db, query, {}, pushed=False)[0])


def _unordered(rows):
    """Rows as Cypher defines them without ORDER BY: a bag of rows, each list a bag of values.

    The engine's scan order can differ between two runs of one query (it reads in parallel),
    so neither the row order nor the order ``collect`` sees is part of the result.
    """

    def cell(x):
        return sorted(x, key=repr) if isinstance(x, list) else x

    return sorted(([cell(x) for x in row] for row in rows), key=repr)
