"""MATCH queries on a small graph built by hand, with Neo4j's answers worked out by hand.

The graph (every expected row below is read off it, following the Cypher Manual's "Working
with null", "Equality, ordering and comparison of values", "Lists", "Maps", "Aggregating
functions" and the openCypher TCK's ``expressions/comparison`` NaN scenarios)::

    A (Actor, Alpha, state, founded 1990)  -MEMBER_OF {since: 2000}->  C (Actor, Gamma, alliance, founded 1949)
    B (Actor, Beta, state)                 -MEMBER_OF {}->             C
    A -COOPERATES_WITH {since: 2010, weight: 2.0}-> B
    A -HAS_CAPABILITY {level: 0.5}-> k1 (Capability, Forensics)
    B -HAS_CAPABILITY {}->           k1
    B -HAS_CAPABILITY {level: 1.0}-> k2 (Capability, Intel)
    D (Actor, Delta, state): no relationships

These are the value semantics the token bridge lost inside MATCH queries (``[1, null] =
[1, null]`` was true there); the queries now run from the syntax tree
(:mod:`graphkit.cypher.translate`): the engine matches, Python evaluates.
"""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graphkit.cypher import EmbeddedGraph


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node("A", label="Actor", name="Alpha", kind="state", founded=1990, aliases=["x", "y"])
    G.add_node("B", label="Actor", name="Beta", kind="state", aliases=["x"])
    G.add_node("C", label="Actor", name="Gamma", kind="alliance", founded=1949)
    G.add_node("D", label="Actor", name="Delta", kind="state")
    G.add_node("k1", label="Capability", name="Forensics")
    G.add_node("k2", label="Capability", name="Intel")
    G.add_edge("A", "C", type="MEMBER_OF", since=2000)
    G.add_edge("B", "C", type="MEMBER_OF")
    G.add_edge("A", "B", type="COOPERATES_WITH", since=2010, weight=2.0)
    G.add_edge("A", "k1", type="HAS_CAPABILITY", level=0.5)
    G.add_edge("B", "k1", type="HAS_CAPABILITY")
    G.add_edge("B", "k2", type="HAS_CAPABILITY", level=1.0)
    return G


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    with EmbeddedGraph.from_graph(_graph(), tmp_path_factory.mktemp("hand") / "g.db") as d:
        yield d


CASES = [
    # ------------------------------------------------------------------ null and NaN in comparisons
    (
        "null_comparisons",
        "MATCH (a:Actor) RETURN a.id AS id, a.founded > 1950 AS late, a.founded = null AS eq ORDER BY id",
        [("A", True, None), ("B", None, None), ("C", False, None), ("D", None, None)],
    ),
    (
        "nan_comparisons",  # TCK Comparison1 [8], Comparison2 [5]: NaN is unequal and unordered; vs text null
        "MATCH (a:Actor {id: 'A'})-[h:HAS_CAPABILITY]->() WITH h.level * (0.0 / 0.0) AS nan "
        "RETURN nan = nan AS eq, nan <> nan AS ne, nan > 1 AS gt, nan <= 1 AS le, nan > 'a' AS gts",
        [(False, True, False, False, None)],
    ),
    ("nan_in_where", "MATCH (a:Actor) WHERE a.founded < 0.0 / 0.0 RETURN a.id AS id", []),
    (
        "null_in_in",
        "MATCH (a:Actor {id: 'A'}) RETURN 2 IN [1, null] AS x, a.founded IN [1990, null] AS y, "
        "a.founded IN [] AS z",
        [(None, True, False)],
    ),
    # ------------------------------------------------------------------ lists with nulls, mixed lists
    (
        "list_equality_with_nulls",
        "MATCH (a:Actor) WHERE a.id IN ['A', 'B'] RETURN a.id AS id, [a.founded, 1] = [a.founded, 1] AS same, "
        "[1, a.founded] = [2, a.founded] AS differ ORDER BY id",
        [("A", True, False), ("B", None, False)],
    ),
    (
        "mixed_list_keeps_types",
        "MATCH (a:Actor {id: 'A'}) RETURN [a.founded, a.name, 0.5, true, null] AS l, a.aliases[-1] AS last, "
        "a.aliases[5] AS out_of_range, a.aliases[0..1] AS head",
        [([1990, "Alpha", 0.5, True, None], "y", None, ["x"])],
    ),
    (
        "integer_and_float_kept_apart",
        "MATCH (a:Actor {id: 'A'}) RETURN a.founded / 4 AS i, a.founded / 4.0 AS f, toFloat(a.founded) AS t",
        [(497, 497.5, 1990.0)],
    ),
    # ------------------------------------------------------------------ maps
    (
        "map_keys_are_case_sensitive",
        "MATCH (a:Actor {id: 'A'}) RETURN {Name: a.name, name: a.id}.name AS lower, {Name: a.name}.name AS missing, "
        "a {.name, .founded} AS projection",
        [("A", None, {"name": "Alpha", "founded": 1990})],
    ),
    (
        "properties_and_labels",
        "MATCH (a:Actor {id: 'D'})-[*0..0]-() RETURN labels(a) AS l, properties(a) AS p",
        [(["Actor"], {"id": "D", "name": "Delta", "kind": "state"})],
    ),
    # ------------------------------------------------------------------ OPTIONAL MATCH
    (
        "optional_match_null_rows",
        "MATCH (a:Actor) OPTIONAL MATCH (a)-[m:MEMBER_OF]->(o:Actor) RETURN a.id AS id, o.id AS org, "
        "m.since AS since ORDER BY id",
        [("A", "C", 2000), ("B", "C", None), ("C", None, None), ("D", None, None)],
    ),
    (
        "optional_match_where_keeps_the_row",
        "MATCH (a:Actor) OPTIONAL MATCH (a)-[m:MEMBER_OF]->(o) WHERE m.since > 1999 "
        "RETURN a.id AS id, o.id AS org ORDER BY id",
        [("A", "C"), ("B", None), ("C", None), ("D", None)],
    ),
    (
        "optional_match_from_null",
        "OPTIONAL MATCH (x:Actor {id: 'nobody'}) OPTIONAL MATCH (x)-[:MEMBER_OF]->(o) RETURN x, o",
        [(None, None)],
    ),
    # ------------------------------------------------------------------ aggregation with nulls
    (
        "aggregates_skip_nulls",
        "MATCH (a:Actor) WITH a ORDER BY a.id RETURN count(a.founded) AS n, count(*) AS rows, "
        "sum(a.founded) AS s, avg(a.founded) AS m, min(a.founded) AS lo, max(a.founded) AS hi, "
        "collect(a.founded) AS c",
        [(2, 4, 3939, 1969.5, 1949, 1990, [1990, 1949])],
    ),
    (
        "aggregates_over_no_rows",
        "MATCH (a:Actor {id: 'nobody'}) RETURN count(a) AS n, sum(a.founded) AS s, collect(a.id) AS c, "
        "max(a.founded) AS m",
        [(0, 0, [], None)],
    ),
    (
        "null_is_a_grouping_key",
        "MATCH (a:Actor) RETURN a.founded AS f, count(*) AS n ORDER BY f",
        [(1949, 1), (1990, 1), (None, 2)],
    ),
    (
        "count_distinct_nodes_and_levels",
        "MATCH (a:Actor)-[h:HAS_CAPABILITY]->(c:Capability) RETURN count(DISTINCT a) AS actors, "
        "count(DISTINCT c) AS caps, count(h.level) AS levels, sum(h.level) AS total",
        [(2, 2, 2, 1.5)],
    ),
    # ------------------------------------------------------------------ ORDER BY across types
    (
        "order_by_across_types",  # ascending: string < boolean < number < null
        "MATCH (a:Actor) WITH a ORDER BY a.id WITH collect(a.founded) + ['x', 1.5, null, true] AS l "
        "UNWIND l AS v RETURN v ORDER BY v",
        [("x",), (True,), (1.5,), (1949,), (1990,), (None,)],
    ),
    (
        "order_by_desc_puts_nulls_first",
        "MATCH (a:Actor) RETURN a.id AS id ORDER BY a.founded DESC, id",
        [("B",), ("D",), ("A",), ("C",)],
    ),
    # ------------------------------------------------------------------ DISTINCT over lists and maps
    (
        "distinct_lists_and_maps",
        "MATCH (a:Actor)-[:MEMBER_OF]->(o:Actor) RETURN DISTINCT [o.id, o.founded] AS l, {org: o.id} AS m",
        [(["C", 1949], {"org": "C"})],
    ),
    (
        "distinct_lists_ordered",
        "MATCH (a:Actor) RETURN DISTINCT [a.kind, a.founded IS NULL] AS k ORDER BY k",
        [(["alliance", False],), (["state", False],), (["state", True],)],
    ),
    # ------------------------------------------------------------------ patterns
    (
        "relationship_matched_once_per_match",  # A-B-A would use the one COOPERATES_WITH twice
        "MATCH (a:Actor {id: 'A'})-[r1:COOPERATES_WITH]-(b)-[r2:COOPERATES_WITH]-(c) RETURN count(*) AS n",
        [(0,)],
    ),
    ("undirected_counts_both_ways", "MATCH (a)-[:MEMBER_OF]-(b) RETURN count(*) AS n", [(4,)]),
    (
        "pattern_predicates",
        "MATCH (a:Actor) WHERE (a)-[:HAS_CAPABILITY]->(:Capability {name: 'Intel'}) OR a.founded = 1949 "
        "RETURN a.id AS id ORDER BY id",
        [("B",), ("C",)],
    ),
    (
        "negated_pattern_predicate",
        "MATCH (a:Actor) WHERE NOT (a)-[:MEMBER_OF]->() RETURN a.id AS id ORDER BY id",
        [("C",), ("D",)],
    ),
    (
        "pattern_predicate_as_a_value",
        "MATCH (a:Actor) RETURN a.id AS id, exists((a)-[:MEMBER_OF]->()) AS member, "
        "exists((a)-[:HAS_CAPABILITY]->()) AND a.founded IS NULL AS capable_unfounded ORDER BY id",
        [("A", True, False), ("B", True, True), ("C", False, False), ("D", False, False)],
    ),
    (
        "pattern_predicate_in_with_where",
        "MATCH (a:Actor) WITH a, a.name AS name WHERE NOT (a)--() RETURN name",
        [("Delta",)],
    ),
    (
        "pattern_predicate_of_a_null_node_is_null",
        "MATCH (a:Actor) OPTIONAL MATCH (a)-[:COOPERATES_WITH]->(p) RETURN a.id AS id, "
        "exists((p)-[:MEMBER_OF]->()) AS e ORDER BY id",
        [("A", True), ("B", None), ("C", None), ("D", None)],
    ),
    (
        "pattern_comprehension",
        "MATCH (a:Actor) RETURN a.id AS id, [(a)-[h:HAS_CAPABILITY]->(c {name: 'Forensics'}) | [c.name, h.level]] AS caps, "
        "size([(a)-[:MEMBER_OF]->(o) WHERE o.founded < 1950 | o]) AS old ORDER BY id",
        [
            ("A", [["Forensics", 0.5]], 1),
            ("B", [["Forensics", None]], 1),
            ("C", [], 0),
            ("D", [], 0),
        ],
    ),
    (
        "variable_length_is_a_trail",
        "MATCH (a:Actor {id: 'A'})-[:MEMBER_OF|COOPERATES_WITH*1..2]-(x) RETURN x.id AS id, count(*) AS n "
        "ORDER BY id",
        [("B", 2), ("C", 2)],  # A-B, A-C-B; A-C, A-B-C (A-C-A, A-B-A reuse a relationship)
    ),
    (
        "path_functions",
        "MATCH p = (a:Actor {id: 'B'})-[:MEMBER_OF]->(o) RETURN length(p) AS n, [x IN nodes(p) | x.id] AS ids, "
        "[r IN relationships(p) | type(r)] AS types",
        [(1, ["B", "C"], ["MEMBER_OF"])],
    ),
    (
        "bound_nodes_carried_across_clauses",
        "MATCH (a:Actor)-[:MEMBER_OF]->(o) WITH o, count(a) AS members "
        "MATCH (m:Actor)-[:MEMBER_OF]->(o) WHERE m.founded IS NULL RETURN o.id AS org, members, m.id AS m",
        [("C", 2, "B")],
    ),
    (
        "string_never_equals_a_number",
        "MATCH (a:Actor) WHERE a.founded = '1990' OR a.founded = 1990.0 RETURN a.id AS id",
        [("A",)],
    ),
]


@pytest.mark.parametrize("name, query, rows", CASES, ids=[c[0] for c in CASES])
def test_match_queries_give_neo4js_answer(db, name, query, rows):
    got = db.run(query).rows
    assert got == rows
    for got_row, want_row in zip(got, rows, strict=True):  # 1 and 1.0 are kept apart
        assert [type(x) for x in got_row] == [type(x) for x in want_row]


def test_nan_from_the_graph_is_a_float(db):
    ((v,),) = db.run(
        "MATCH (a:Actor {id: 'A'})-[h:HAS_CAPABILITY]->() RETURN h.level * (0.0 / 0.0) AS v"
    ).rows
    assert math.isnan(v)


def test_engine_statements_are_one_match_with_one_where(db):
    # ladybug 0.22 dropped a WHERE filter of a two-MATCH statement: the translation never writes one
    from graphkit import schema
    from graphkit.cypher.front import run_graph_query
    from graphkit.cypher.queryfile import parse_query
    from graphkit.cypher.translate import EngineReader

    reader = EngineReader(db.execute, db.columns, list(schema.LABELS), list(schema.RELATIONSHIP_TYPES))
    q = (
        "MATCH (t:Actor)-[a:MEMBER_OF]->(s:Actor {id: 'C'}) WITH DISTINCT t "
        "MATCH (t)-[:HAS_CAPABILITY]->(c:Capability) WHERE c.name = 'Intel' RETURN t.id AS id"
    )
    assert run_graph_query(parse_query(q), {}, reader).rows == [("B",)]
    assert len(reader.statements) == 2
    for text in reader.statements:
        assert text.count("MATCH") == 1 and text.count("WHERE") <= 1, text
