"""Query files: headers, parameters, the library, and MATCH clauses written for the embedded engine from the tree."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkit.cypher import (
    bind_params,
    check_query,
    library,
    parse_param_args,
    parse_param_value,
    parse_query,
    query_parameters,
    read_query,
    resolve_query,
    tokenize,
)
from graphkit.cypher import queryfile as cypher
from graphkit.errors import QueryError

ROOT = Path(__file__).resolve().parents[2]


def test_header_is_read():
    q = parse_query(
        "// Who is in?\n//\n// More words.\n// Parameters:\n//   alliance (string, default NATO): the id\n"
        "//   k (int): how many\n//   since (date, default 2001-02-03): from\n//   kinds (string[], default state,ngo): kinds\n"
        "// Example:\n//   graphkit query x data/sample\nMATCH (a) RETURN $alliance, $k, $since, $kinds",
        file="x.cypher",
    )
    assert q.description == "Who is in?"
    assert [(p.name, p.type, p.default, p.has_default) for p in q.params] == [
        ("alliance", "string", "NATO", True),
        ("k", "int", None, False),
        ("since", "date", dt.date(2001, 2, 3), True),
        ("kinds", "string[]", ["state", "ngo"], True),
    ]
    assert q.example == "graphkit query x data/sample"


@pytest.mark.parametrize(
    "line, words",
    [
        ("//   k (integer, default 3): x", "unknown parameter type 'integer'"),
        ("//   k (int, default three): x", "must be int"),
        ("//   k int default 3", "cannot read the parameter line"),
    ],
)
def test_bad_header_lines_name_the_line(line, words):
    with pytest.raises(QueryError, match=words) as exc:
        parse_query(f"// What\n// Parameters:\n{line}\nRETURN $k", file="q.cypher")
    assert str(exc.value).startswith("q.cypher:3:")


def test_parameter_values_are_typed():
    assert parse_param_value("x", "3") == 3
    assert parse_param_value("x", "3.5") == 3.5
    assert parse_param_value("x", "true") is True
    assert parse_param_value("x", "NATO") == "NATO"
    assert parse_param_value("x", "3", "string") == "3"
    assert parse_param_value("x", "yes", "bool") is True
    assert parse_param_value("x", "2024-01-31", "date") == dt.date(2024, 1, 31)
    assert parse_param_value("x", "1, 2", "int[]") == [1, 2]
    for text, t in (("x", "int"), ("nan", "float"), ("maybe", "bool"), ("31/01/2024", "date")):
        with pytest.raises(QueryError, match=f"parameter 'x' must be {t}"):
            parse_param_value("x", text, t)


def test_param_arguments():
    assert parse_param_args(["a=NATO", "n:int=3", "s=x=y"]) == {
        "a": ("NATO", None),
        "n": ("3", "int"),
        "s": ("x=y", None),
    }
    for bad, words in (
        ("novalue", "expected name=value"),
        ("1x=3", "not a parameter name"),
        ("n:long=3", "unknown parameter type"),
    ):
        with pytest.raises(QueryError, match=words):
            parse_param_args([bad])
    with pytest.raises(QueryError, match="given twice"):
        parse_param_args(["a=1", "a=2"])


def test_bind_uses_declared_types_defaults_and_refuses_strangers():
    q = parse_query(
        "// Q\n// Parameters:\n//   n (int, default 5): n\n//   id (string): id\n"
        "MATCH (a {id: $id}) RETURN a LIMIT $n",
        file="q.cypher",
    )
    assert bind_params(q, {"id": ("007", None)}) == {"id": "007", "n": 5}  # declared string stays text
    assert bind_params(q, {"id": ("x", None), "n": ("2", None)}) == {"id": "x", "n": 2}
    with pytest.raises(QueryError, match="id used but not given"):
        bind_params(q, {})
    with pytest.raises(QueryError, match="unknown parameter limit.*its parameters: id, n"):
        bind_params(q, {"id": ("x", None), "limit": ("3", None)})


def test_parameters_ignore_strings_and_comments():
    assert query_parameters("RETURN $a, '$b', \"$c\" // $d\n /* $e */ , $f") == {"a", "f"}


def test_tokens_rebuild_the_text():
    text = "MATCH (a:`Odd name`)-[:T*1..3]->(b) // c\nWHERE a.x =~ 'y\\'z' RETURN $p, 1.5e3"
    assert "".join(t.text for t in tokenize(text)) == text


def _statements(text: str, params: dict | None = None) -> list[str]:
    """The engine statements a query's MATCH clauses become (the engine faked: no rows, one Actor key)."""
    from graphkit import schema
    from graphkit.cypher.interpret import run_tree
    from graphkit.cypher.parser import parse
    from graphkit.cypher.semantic import check
    from graphkit.cypher.translate import EngineReader, property_uses

    columns = {
        "Actor": {"id": "STRING", "kind": "STRING", "founded": "INT64"},
        "MEMBER_OF": {"since": "INT64"},
        "COOPERATES_WITH": {"since": "INT64"},
    }

    def execute(q: str, p: dict) -> tuple[list[str], list[tuple]]:
        return [], []

    reader = EngineReader(execute, columns, list(schema.LABELS), list(schema.RELATIONSHIP_TYPES))
    tree = parse(text)
    check(tree, params or {})
    reader.uses = property_uses(tree)
    run_tree(tree, params or {}, graph=reader)
    return reader.statements


@pytest.mark.parametrize(
    "neo4j, engine",
    [
        # a property compared with a value of its own type goes to the engine, as a parameter
        (
            "MATCH (a:Actor {id: 'NATO'}) RETURN a",
            "MATCH (gk_v1:`Actor`) WHERE gk_v1.`id` = $gk_p0 RETURN 0 AS c0, label(gk_v1) AS c1, gk_v1.id AS c2",
        ),
        # a string compared with an integer property is not: Python compares it (Neo4j: false, the engine: true)
        (
            "MATCH (a:Actor {founded: '1949'}) RETURN a",
            "MATCH (gk_v1:`Actor`) RETURN 0 AS c0, label(gk_v1) AS c1, gk_v1.id AS c2",
        ),
        # variable-length relationships are trails; every relationship's id comes back (uniqueness)
        (
            "MATCH (a)-[:MEMBER_OF*1..3]->(b) RETURN b",
            "MATCH (gk_v1)-[gk_a2:`MEMBER_OF`* TRAIL 1..3]->(gk_v3) RETURN 0 AS c0, label(gk_v1) AS c1, "
            "gk_v1.id AS c2, label(gk_v3) AS c3, gk_v3.id AS c4, "
            "list_transform(rels(gk_a2), gk_x -> label(gk_x)) AS c5, "
            "list_transform(rels(gk_a2), gk_x -> offset(ID(gk_x))) AS c6",
        ),
        (
            "MATCH p = shortestPath((a:Actor)-[:COOPERATES_WITH*..4]-(b:Actor)) RETURN p",
            "MATCH gk_v4 = (gk_v1:`Actor`)-[gk_a2:`COOPERATES_WITH`* SHORTEST 1..4]-(gk_v3:`Actor`) RETURN 0 AS c0, "
            "label(gk_v1) AS c1, gk_v1.id AS c2, label(gk_v3) AS c3, gk_v3.id AS c4, nodes(gk_v4) AS c5, "
            "rels(gk_v4) AS c6, list_transform(rels(gk_v4), gk_x -> offset(ID(gk_x))) AS c7, "
            "list_transform(rels(gk_a2), gk_x -> label(gk_x)) AS c8, "
            "list_transform(rels(gk_a2), gk_x -> offset(ID(gk_x))) AS c9",
        ),
        # list equality with nulls, CASE, coalesce ... stay in Python: only the pattern goes to the engine
        (
            "MATCH (a:Actor) WHERE [a.id, null] = [a.id, null] OR a.kind STARTS WITH 's' RETURN a.id",
            "MATCH (gk_v1:`Actor`) RETURN 0 AS c0, label(gk_v1) AS c1, gk_v1.id AS c2",
        ),
        (
            "MATCH (a:Actor) WHERE a.kind STARTS WITH 's' AND a.founded > 1900 RETURN a.id",
            "MATCH (gk_v1:`Actor`) WHERE (gk_v1.`kind` STARTS WITH $gk_p0) AND (gk_v1.`founded` > $gk_p1) "
            "RETURN 0 AS c0, label(gk_v1) AS c1, gk_v1.id AS c2",
        ),
        # a relationship read property by property comes back with those properties only
        (
            "MATCH (a:Actor)-[r:MEMBER_OF]->(o) RETURN r.since AS s",
            "MATCH (gk_v1:`Actor`)-[gk_v2:`MEMBER_OF`]->(gk_v3) RETURN 0 AS c0, label(gk_v1) AS c1, gk_v1.id AS c2, "
            "label(gk_v2) AS c3, offset(ID(gk_v2)) AS c4, gk_v2.`since` AS c5, label(gk_v3) AS c6, gk_v3.id AS c7",
        ),
        (
            "MATCH (a:Actor)-[r:MEMBER_OF]->(o) RETURN r",
            "MATCH (gk_v1:`Actor`)-[gk_v2:`MEMBER_OF`]->(gk_v3) RETURN 0 AS c0, label(gk_v1) AS c1, gk_v1.id AS c2, "
            "gk_v2 AS c3, offset(ID(gk_v2)) AS c4, label(gk_v3) AS c5, gk_v3.id AS c6",
        ),
        # a pattern predicate is a result column, evaluated with the rest of WHERE in Python
        (
            "MATCH (a:Actor) WHERE (a)-[:MEMBER_OF]->() RETURN a.id",
            "MATCH (gk_v1:`Actor`) RETURN 0 AS c0, label(gk_v1) AS c1, gk_v1.id AS c2, "
            "EXISTS { MATCH (gk_v1)-[gk_a2:`MEMBER_OF`]->(gk_a3) } AS c3",
        ),
    ],
)
def test_match_clauses_are_written_from_the_tree(neo4j, engine):
    assert _statements(neo4j) == [engine]


@pytest.mark.parametrize(
    "text, words",
    [
        ("MATCH (a:Actors) RETURN a", "unknown label 'Actors'"),
        ("MATCH (a)-[:MEMBER_OF|COOPERATE]-(b) RETURN a", "unknown relationship type 'COOPERATE'"),
        ("MATCH (a)-[:MEMBER_OF|:KNOWS]-(b) RETURN a", "unknown relationship type 'KNOWS'"),
        ("// only a comment\n", "empty"),
    ],
)
def test_check_query_refuses_unknown_vocabulary(text, words):
    with pytest.raises(QueryError, match=words):
        check_query(parse_query(text))


def test_check_query_accepts_maps_comprehensions_and_schema_names():
    check_query(
        parse_query(
            "MATCH (a:Actor {kind: 'state'})-[r:MEMBER_OF|COOPERATES_WITH]-(b:Actor)\n"
            "RETURN {id: a.id, n: b.name} AS m, [x IN collect(b) | x.id] AS ids, CASE WHEN a.x THEN 1 END AS c"
        )
    )


def test_library_is_found_by_name_and_lists_descriptions():
    names = [q.name for q in library()]
    assert "members_of_alliance" in names and len(names) >= 10
    assert all(q.description and q.example.startswith("graphkit query ") for q in library())
    assert resolve_query("members_of_alliance") == ROOT / "queries" / "members_of_alliance.cypher"
    assert resolve_query("members_of_alliance.cypher").name == "members_of_alliance.cypher"
    with pytest.raises(QueryError, match="no such query.*members_of_alliance"):
        resolve_query("members_of_aliance")


def test_every_library_query_declares_what_it_uses_with_defaults():
    for q in library():
        declared = {p.name for p in q.params}
        assert declared == q.param_names, q.name
        assert all(p.has_default for p in q.params), q.name
        check_query(q)


def test_installed_wheel_layout_is_searched_first(tmp_path, monkeypatch):
    pkg = tmp_path / "site" / "graphkit"
    (pkg / "stores").mkdir(parents=True)
    (pkg / "queries").mkdir()
    (pkg / "queries" / "only_here.cypher").write_text("// Shipped in the wheel.\nRETURN 1 AS one\n")
    monkeypatch.setattr(cypher, "__file__", str(pkg / "cypher" / "queryfile.py"))
    assert cypher.library_dirs()[0] == pkg / "queries"
    assert [q.name for q in cypher.library()] == ["only_here"]


def test_read_query_errors_are_clear(tmp_path):
    bad = tmp_path / "bad.cypher"
    bad.write_bytes(b"RETURN '\xff'")
    with pytest.raises(QueryError, match="not UTF-8"):
        read_query(bad)
    with pytest.raises(QueryError, match="not a file"):
        read_query(tmp_path)


cypher_text = st.lists(
    st.sampled_from(
        list("()[]{}|:*.,;$'\"/\\ \n-<>=ab1")
        + ["IN ", "WHERE ", "type(", "head(", "shortestPath(", "labels(", "*..3", "//"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(cypher_text)
def test_lexing_and_parsing_never_crash(text):
    from graphkit.cypher.parser import parse

    assert "".join(t.text for t in tokenize(text)) == text
    with contextlib.suppress(QueryError):  # a syntax error: a clean QueryError
        parse(text)
    query_parameters(text)
    with contextlib.suppress(QueryError):
        check_query(parse_query(text))


def test_property_uses():
    from graphkit.cypher.parser import parse
    from graphkit.cypher.translate import property_uses

    uses = property_uses(
        parse(
            "MATCH (a)-[r:T]->(b)-[s:T]->(c) WITH a, r, s, b AS x WHERE r.since > 1 AND r <> s "
            "RETURN a.id, r.level, count(DISTINCT s), collect(x)"
        )
    )
    assert uses["r"] == {"since", "level"}  # compared as a whole with s: identity only
    assert uses is not None and "s" not in uses  # counted: identity only, no property
    assert uses["a"] == {"id"}
    assert uses["b"] is None and uses["x"] is None  # renamed, collected: whole
    assert property_uses(parse("MATCH (a)-[r]->(b) RETURN *")) is None
