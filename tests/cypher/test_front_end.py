"""The Cypher front end: Neo4j's compile-time errors, value semantics, temporal values, bounded parsing.

Expected values are hand-computed from the Cypher Manual's rules ("Working with null",
"Equality, ordering and comparison of values") or are the openCypher TCK's published
answers (tests/tck holds the whole selection).
"""

import contextlib
import math

import networkx as nx
import pytest

import graphkit as gk
from graphkit.cypher.run import as_query
from graphkit.errors import QueryError


def one(q, **params):
    df = gk.query(q, gk.SAMPLE, **params)
    assert len(df) == 1
    return df.iloc[0].tolist()


@pytest.mark.parametrize(
    "query,expected",
    [
        ("RETURN [1, 2] = [null, 2] AS r", [None]),  # a null that decides it: null
        ("RETURN [1, 2] = [null, 3] AS r", [False]),  # decided by 2 <> 3 whatever the null is
        ("RETURN [null] = [1] AS r", [None]),
        ("RETURN {a: null} = {a: 1} AS r", [None]),
        ("RETURN {a: 1} = {b: 1} AS r", [False]),
        ("RETURN [1, 2] IN [[null, 2]] AS r", [None]),
        ("RETURN 2 IN [1, null] AS r, null IN [] AS s", [None, False]),
        ("RETURN [2E-01, 'a', false] AS l", [[0.2, "a", False]]),  # mixed lists keep their types
        ("RETURN {a: 1}.A AS r", [None]),  # map keys are case-sensitive
        ("RETURN CASE '0' WHEN 0 THEN 'int' ELSE 'other' END AS r", ["other"]),
        (
            "RETURN 1 = 1.0 AS r, toString(1.0) AS s, 7 / 2 AS i, -7 / 2 AS j, -7 % 2 AS k",
            [True, "1.0", 3, -3, -1],
        ),
        ("RETURN 0.0 / 0.0 = 0.0 / 0.0 AS r, 1 < 0.0 / 0.0 AS s", [False, False]),
        ("RETURN -9223372036854775808 AS m", [-(2**63)]),
        ("RETURN 0x1F AS h, 0o17 AS o, .5 AS f", [31, 15, 0.5]),
        ("RETURN [x IN [1, 2, 3] WHERE x > 1 | x * 10] AS l", [[20, 30]]),
        ("RETURN any(x IN [1, null] WHERE x = 2) AS a, all(x IN [] WHERE false) AS b", [None, True]),
        ("RETURN reduce(s = 0, x IN range(1, 4) | s + x) AS r", [10]),
        ("UNWIND [3, 1, 2] AS x WITH x ORDER BY x RETURN collect(x) AS c", [[1, 2, 3]]),
        (
            "UNWIND [1, 2, 2, null] AS x RETURN count(x) AS c, count(DISTINCT x) AS d, count(*) AS n",
            [3, 2, 4],
        ),
        ("RETURN min([1]) AS a", [[1]]),
        ("UNWIND [1, 'a', [1], null] AS x RETURN max(x) AS m", [1]),  # numbers sort after strings and lists
        ("RETURN 2 ^ 3 ^ 2 AS p", [64.0]),  # left-associative, always a float
        ("RETURN $p.k AS v", [None]),
    ],
)
def test_values_as_neo4j_has_them(query, expected):
    got = one(query, **({"p": {"K": 1}} if "$p" in query else {}))
    assert got == expected


@pytest.mark.parametrize(
    "query,code",
    [
        ("RETURN 1 AS a, 2 AS a", "ColumnNameConflict"),
        ("RETURN 1 AS a UNION RETURN 2 AS b", "DifferentColumnsInUnion"),
        ("RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a", "InvalidClauseComposition"),
        ("MATCH (p)-[]-() MATCH p = ()-[]-() RETURN p", "VariableAlreadyBound"),
        ("MATCH (a)-[r]-(s)-[p]-(b), p = (s)-[]-(t), (t), (t)-[]-(b) RETURN p", "bound"),
        ("MATCH (n) RETURN type(n)", "InvalidArgumentType"),
        ("MATCH (a) RETURN size((a)-->())", "UnexpectedSyntax"),
        ("RETURN 9223372036854775808 AS x", "IntegerOverflow"),
        ("RETURN 9223372036854775807 + 1 AS x", "overflow"),
        ("WITH 123 AS list RETURN list[0]", "InvalidArgumentType"),
        ("RETURN x", "UndefinedVariable"),
        ("WITH 1 + 1 RETURN 1", "NoExpressionAlias"),
        ("RETURN count(count(1))", "NestedAggregation"),
        ("UNWIND [1] AS x RETURN x, x + count(*) + y", "UndefinedVariable"),
        ("UNWIND [1] AS x WITH x AS y RETURN y + count(*) AS z", "AmbiguousAggregationExpression"),
        ("RETURN 1 LIMIT -1", "NegativeIntegerArgument"),
        ("UNWIND [1] AS x RETURN x SKIP x", "NonConstantExpression"),
        ("RETURN 'a' + 1", "toString()"),  # refused: Neo4j joins them as text
        ("RETURN [1] - 1", "InvalidArgumentType"),
        ("RETURN foo(1)", "UnknownFunction"),
    ],
)
def test_what_neo4j_rejects_is_rejected(query, code):
    with pytest.raises(QueryError) as info:
        gk.query(query, gk.SAMPLE)
    assert code in str(info.value)


@pytest.mark.parametrize(
    "query,expected",
    [  # the openCypher TCK's answers (expressions/temporal)
        ("RETURN date('2015-W30-2') AS d", "2015-07-21"),
        ("RETURN localtime('214032.142') AS d", "21:40:32.142"),
        ("RETURN datetime('2015-07-21T21:40:32.142+0100') AS d", "2015-07-21T21:40:32.142+01:00"),
        (
            "RETURN datetime('2015-07-21T21:40:32.142[Europe/London]') AS d",
            "2015-07-21T21:40:32.142+01:00[Europe/London]",
        ),
        ("RETURN duration('P0.75M') AS d", "P22DT19H51M49.5S"),
        ("RETURN duration({seconds: -2, milliseconds: 1}) AS d", "PT-1.999S"),
        ("RETURN duration.between(date('1984-10-11'), date('2015-06-24')) AS d", "P30Y8M13D"),
        ("RETURN duration.inSeconds(date('1984-10-11'), date('2015-06-24')) AS d", "PT269112H"),
        (
            "RETURN date.truncate('millennium', date({year: 2017, month: 10, day: 11}), {day: 2}) AS d",
            "2000-01-02",
        ),
        (
            "RETURN duration.inSeconds(datetime({year: 2017, month: 10, day: 29, hour: 0, timezone: 'Europe/Stockholm'}), "
            "localdatetime({year: 2017, month: 10, day: 29, hour: 4})) AS d",
            "PT5H",
        ),
    ],
)
def test_temporal_values(query, expected):
    (got,) = one(query)
    assert got == expected
    assert got.value is not None  # the value itself travels with its text


def test_temporal_accessors_and_comparison():
    got = one(
        "WITH datetime({year: 1984, month: 10, day: 11, hour: 12, minute: 31, timezone: '+01:00'}) AS d "
        "RETURN d.year, d.week, d.dayOfWeek, d.hour, d.offset, d < datetime('1984-10-11T12:31Z')"
    )
    assert got == [1984, 41, 4, 12, "+01:00", True]  # 11 Oct 1984 was the Thursday of ISO week 41


@pytest.mark.parametrize(
    "text",
    [
        "RETURN " + "NOT " * 20_000 + "true AS x",
        "RETURN " + " + ".join(["1"] * 30_000) + " AS x",
        "RETURN '" + "a" * 20_000_000 + "' AS x",
        "RETURN " + "[" * 50_000 + "]" * 50_000,
        "RETURN " + "(" * 50_000 + "1" + ")" * 50_000,
        "RETURN [1]" + "[0]" * 30_000,
        "RETURN size([x IN range(1, 2000000) | [y IN range(1, 2000000) | y]]) AS n",
    ],
    ids=[
        "20000-nots",
        "30000-plus",
        "20MB-literal",
        "deep-lists",
        "deep-parens",
        "long-index-chain",
        "huge-lists",
    ],
)
def test_runaway_query_texts_are_clean_errors(text):
    with pytest.raises(QueryError):
        gk.query(text, gk.SAMPLE)


def test_long_query_text_is_never_read_as_a_path():
    text = "RETURN '" + "x" * 1000 + "' AS s"
    assert as_query(text).file == "<query>"
    assert one(text) == ["x" * 1000]


def test_query_a_graph_in_memory():
    G = gk.load(gk.SAMPLE)
    on_folder = gk.query("MATCH (a:Actor) RETURN count(*) AS n", gk.SAMPLE)["n"].tolist()
    on_graph = gk.query("MATCH (a:Actor) RETURN count(*) AS n", G)["n"].tolist()
    assert (
        on_graph
        == on_folder
        == [G.number_of_nodes() - sum(1 for _, d in G.nodes(data=True) if d.get("label") != "Actor")]
    )
    assert gk.query("MATCH (n) RETURN count(*) AS n", nx.MultiDiGraph())["n"].tolist() == [0]


def test_graph_free_queries_need_no_dataset_load(tmp_path):
    # answered in Python: a folder that is not a dataset is never opened
    assert gk.query("RETURN 1 + 1 AS two", tmp_path / "nowhere")["two"].tolist() == [2]


def test_nan_is_a_float():
    (v,) = one("RETURN 0.0 / 0.0 AS n")
    assert math.isnan(v)


def _crash(conn, args):  # a child that dies by a signal, as a crashing engine would
    import os
    import signal

    os.kill(os.getpid(), signal.SIGSEGV)


def test_an_engine_crash_in_an_isolated_query_is_a_query_error():
    from graphkit.cypher.run import isolated

    with pytest.raises(QueryError, match="crashed on this query .signal 11."):
        isolated((), target=_crash)


def test_isolated_queries_give_the_engines_rows(monkeypatch):
    monkeypatch.setenv("GRAPHKIT_QUERY_ISOLATE", "1")
    assert gk.query("MATCH (a:Actor {id: 'EST'}) RETURN a.name AS n", gk.SAMPLE)["n"].tolist() == ["Estonia"]


_ATOMS = [
    "1",
    "-3",
    "2.5",
    "0.0",
    "'a'",
    "null",
    "true",
    "[]",
    "[1, null]",
    "{a: 1, b: null}",
    "x",
    "$p",
    "date('2015-07-21')",
    "duration({days: 1, hours: 2})",
    "localtime('12:00')",
    "9223372036854775807",
]
_FUNCS = [
    "abs",
    "ceil",
    "round",
    "sqrt",
    "toInteger",
    "toFloat",
    "toString",
    "toBoolean",
    "size",
    "head",
    "tail",
    "reverse",
    "keys",
    "trim",
    "toUpper",
    "date",
    "duration",
    "collect",
    "count",
    "sum",
    "min",
]
_OPS = ["+", "-", "*", "/", "%", "^", "=", "<>", "<", ">=", "AND", "OR", "XOR", "IN", "STARTS WITH", "=~"]


def _expr(rng, depth=0):
    r = rng.random()
    if depth > 3 or r < 0.3:
        return rng.choice(_ATOMS)
    if r < 0.55:
        return f"{_expr(rng, depth + 1)} {rng.choice(_OPS)} {_expr(rng, depth + 1)}"
    if r < 0.7:
        return f"{rng.choice(_FUNCS)}({_expr(rng, depth + 1)})"
    if r < 0.8:
        return f"[y IN {_expr(rng, depth + 1)} WHERE {_expr(rng, depth + 1)} | {_expr(rng, depth + 1)}]"
    if r < 0.9:
        return f"{_expr(rng, depth + 1)}[{_expr(rng, depth + 1)}]"
    return f"CASE {_expr(rng, depth + 1)} WHEN {_expr(rng, depth + 1)} THEN {_expr(rng, depth + 1)} END"


def test_generated_queries_give_rows_or_a_query_error_never_another_exception():
    import random

    rng = random.Random(20261207)
    for _ in range(400):
        q = f"UNWIND [1, null, 'a', 2.5, [1]] AS x RETURN {_expr(rng)} AS r"
        with contextlib.suppress(QueryError):
            gk.query(q, gk.SAMPLE, **({"p": [1]} if "$p" in q else {}))
