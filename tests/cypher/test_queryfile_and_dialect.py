"""Query files: headers, parameters, the library, and the Neo4j -> embedded dialect bridge."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
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
    to_embedded,
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


@pytest.mark.parametrize(
    "neo4j, embedded",
    [
        ("RETURN type(r)", "RETURN label(r)"),
        ("RETURN r.type, {type: 1}", "RETURN r.type, {type: 1}"),
        ("RETURN labels(n)", "RETURN [label(n)]"),
        ("RETURN [x IN xs | x.id]", "RETURN list_transform((xs)[1..4611686018427387901], gk_v1 -> gk_v1.id)"),
        (
            "RETURN [x IN xs WHERE x > 1]",
            "RETURN list_transform((gk_where(list_transform((xs)[1..4611686018427387900], gk_v1 -> gk_v1 > 1)))"
            "[1..4611686018427387899], gk_i2 -> ((xs)[gk_i2]))",
        ),
        (
            "RETURN [x IN xs WHERE x > 1 | x * 2]",
            "RETURN list_transform((gk_where(list_transform((xs)[1..4611686018427387900], gk_v1 -> gk_v1 > 1)))"
            "[1..4611686018427387899], gk_i2 -> ((xs)[gk_i2]) * 2)",
        ),
        (
            "RETURN [x IN [y IN ys | y] | x]",
            "RETURN list_transform((list_transform((ys)[1..4611686018427387900], gk_v2 -> gk_v2))"
            "[1..4611686018427387899], gk_v1 -> gk_v1)",
        ),
        ("RETURN [1, 2], xs[0]", "RETURN [1, 2], list_extract(xs, gk_position(size(xs), 0))"),
        ("MATCH p = shortestPath((a)-[:T*..4]-(b))", "MATCH p = (a)-[:T* SHORTEST 1..4]-(b)"),
        ("MATCH p = allShortestPaths((a)-[:T*]-(b))", "MATCH p = (a)-[:T* ALL SHORTEST]-(b)"),
        ("MATCH (a)-[:T*1..3]-(b)", "MATCH (a)-[:T* TRAIL 1..3]-(b)"),
        ("MATCH (a)-[r:T*2]->(b)", "MATCH (a)-[r:T* TRAIL 2..2]->(b)"),
        ("MATCH (a)-[:T]->(b)", "MATCH (a)-[:T]->(b)"),
        (
            "RETURN toInteger('3'), toString(1), split(s, ';')",
            "RETURN gk_string_to_integer('3'), to_string(1), gk_split(s, ';')",
        ),
        (
            "RETURN head(xs), last(xs)",
            "RETURN list_extract(xs, gk_position(size(xs), 0)), list_extract(xs, gk_position(size(xs), -1))",
        ),
        ("RETURN 'type(r)' // type(r)\n", "RETURN 'type(r)'           \n"),
    ],
)
def test_dialect_bridge(neo4j, embedded):
    # unnamed RETURN items also get Neo4j's column name (`AS `the text``): tested in test_parity
    named = to_embedded(neo4j).text
    assert re.sub(r" AS `(?:[^`]|``)*`", "", named) == embedded


def test_bridge_keeps_line_numbers():
    text = "// a\n// b\nMATCH p = shortestPath((a)-[:T*..4]-(b))\nRETURN [n IN nodes(p) | n.id]\n"
    assert to_embedded(text).text.count("\n") == text.count("\n")


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
def test_lexing_and_bridging_never_crash_and_keep_lines(text):
    assert "".join(t.text for t in tokenize(text)) == text
    try:
        tr = to_embedded(text)
    except QueryError as exc:  # a refused construct: a clean error at a line and column
        assert str(exc).startswith("<query>:")
    else:
        assert tr.text.count("\n") == text.count("\n")
        for offset in range(len(tr.text) + 1):
            assert 0 <= tr.original_offset(offset) <= len(text)
    query_parameters(text)
    with contextlib.suppress(QueryError):
        check_query(parse_query(text))
