"""The engine guarded: risky queries run in a forked child by default, and a crash there is a QueryError.

Expectations are hand-made: the constructs each query holds, the rows the same query gives
in-process, the signal the test hook sends.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.cypher.isolation import RISKY, isolation_mode, risky_constructs, should_isolate
from graphkit.cypher.parser import parse
from graphkit.cypher.run import isolated, run_query
from graphkit.errors import QueryError

ROOT = Path(__file__).resolve().parents[2]

# The openCypher TCK's query that segfaults the embedded engine (issue 30).
TCK_CRASH = "MATCH (a)-[r]-(s)-[p]-(b), p = (s)-[]-(t), (t), (t)-[]-(b) RETURN p"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "isolation-cache"))
    monkeypatch.delenv("GRAPHKIT_QUERY_ISOLATE", raising=False)


def _segfault(conn, args):  # a child that dies by a signal, as a crashing engine would
    os.kill(os.getpid(), signal.SIGSEGV)


def _exits(conn, args):  # a child that ends without a reply
    os._exit(3)


def _echo(conn, args):
    conn.send(("rows", (["pid", "arg"], [(os.getpid(), args[0])])))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("MATCH (a:Actor)-[:MEMBER_OF]->(b) WHERE NOT (a)-[:TARGETS]->() RETURN b.id", []),
        ("MATCH p = (a)--(b) RETURN p", [RISKY[0]]),
        ("MATCH p = shortestPath((a)-[*]-(b)) RETURN p", [RISKY[0], RISKY[1], RISKY[2]]),
        ("MATCH (a)-[:COOPERATES_WITH*1..3]->(b) RETURN b", [RISKY[2]]),
        ("MATCH (a), (b) RETURN a, b", [RISKY[3]]),
        ("MATCH (a) RETURN [(a)-->(b) | b.id] AS ids", [RISKY[4]]),
        ("MATCH (a) WITH a MATCH (b) RETURN a, b", []),
        (TCK_CRASH, [RISKY[0], RISKY[3]]),
    ],
)
def test_risky_constructs_are_found_in_the_tree(query, expected):
    assert risky_constructs(parse(query)) == expected


def test_isolation_modes():
    assert [isolation_mode({"GRAPHKIT_QUERY_ISOLATE": w}) for w in ("", "risky", "1", "all", "0", "off")] == [
        "risky",
        "risky",
        "all",
        "all",
        "off",
        "off",
    ]
    with pytest.raises(QueryError, match="names no isolation mode"):
        isolation_mode({"GRAPHKIT_QUERY_ISOLATE": "sometimes"})
    assert should_isolate("MATCH (a) RETURN a", "risky") is False
    assert should_isolate("MATCH (a) RETURN a", "all") is True
    assert should_isolate("MATCH p = (a)--(b) RETURN p", "off") is False


def test_the_tck_crashing_query_is_a_query_error_and_the_process_lives_on():
    with pytest.raises(QueryError, match="VariableAlreadyBound"):
        run_query(TCK_CRASH, gk.SAMPLE)
    # the same shape without the reused variable reaches the engine (in a child: it is risky)
    r = run_query(TCK_CRASH.replace("-[p]-", "-[q]-") + " LIMIT 1", gk.SAMPLE)
    assert r.columns == ["p"] and len(r) == 1
    assert run_query("MATCH (a:Actor {id: 'EST'}) RETURN a.name AS n", gk.SAMPLE).rows == [("Estonia",)]


def test_a_crash_in_the_child_is_a_query_error_and_the_next_query_runs():
    from graphkit.cypher.worker import server

    _, first = isolated(("a",), target=_echo).rows[0]
    assert first == "a"
    worker = server().proc
    assert worker is not None
    with pytest.raises(QueryError, match=r"crashed on this query \(signal 11\); graphkit kept running"):
        isolated((), target=_segfault)
    with pytest.raises(QueryError, match=r"crashed on this query \(exit status 3\)"):
        isolated((), target=_exits)
    pid, again = isolated(("b",), target=_echo).rows[0]
    assert again == "b" and pid not in (os.getpid(), worker.pid)
    assert server().proc is worker  # one persistent worker: only the children died
    # and a real query after the crash
    r = run_query(
        "MATCH p = (a:Actor {id: 'EST'})-[:MEMBER_OF]->(b) RETURN b.id AS id ORDER BY id", gk.SAMPLE
    )
    assert r.rows == [("EU",), ("NATO",)]


def test_a_stopped_worker_is_started_again():
    from graphkit.cypher.worker import server

    isolated(("x",), target=_echo)
    server().stop()
    assert isolated(("y",), target=_echo).rows[0][1] == "y"


LIBRARY_RISKY = ["shortest_cooperation_path", "brokers_between_alliances"]


@pytest.mark.parametrize("name", LIBRARY_RISKY)
def test_risky_library_queries_give_the_same_rows_isolated_and_in_process(name, monkeypatch):
    from graphkit.cypher.queryfile import read_query

    assert should_isolate(read_query(name).text, "risky")
    data = ROOT / "data" / "cyber-multilateral"
    isolated_rows = sorted(map(repr, run_query(name, data).rows))
    monkeypatch.setenv("GRAPHKIT_QUERY_ISOLATE", "off")
    assert sorted(map(repr, run_query(name, data).rows)) == isolated_rows


def test_the_child_uses_the_callers_folder_and_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT / "data")
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path / "here"))
    r = run_query("MATCH p = (a:Actor {id: 'EST'})-[:MEMBER_OF]->(b) RETURN count(p) AS n", "sample")
    assert r.rows == [(2,)]
    assert list((tmp_path / "here" / "embedded").glob("*.lbdb"))  # the cache the caller named


def test_errors_from_the_child_keep_their_message():
    with pytest.raises(QueryError, match="unknown label 'Nope'"):
        run_query("MATCH p = (a:Nope)--(b) RETURN p", gk.SAMPLE)


def test_an_isolated_query_shows_the_cache_being_built(tmp_path, monkeypatch):
    import io

    from graphkit.progress import Progress

    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path / "fresh"))
    out = io.StringIO()
    q = "MATCH p = (a:Actor {id: 'EST'})-[:MEMBER_OF]->(b) RETURN count(p) AS n"
    assert run_query(q, gk.SAMPLE, progress=Progress(stream=out)).rows == [(2,)]
    assert "building the embedded database" in out.getvalue()


def test_a_risky_query_on_a_graph_in_memory(monkeypatch):
    G = gk.load(gk.SAMPLE)
    q = "MATCH p = (a:Actor {id: 'EST'})-[:MEMBER_OF*1..2]->(b) RETURN b.id AS id ORDER BY id"
    assert should_isolate(q, "risky")
    isolated_ids = gk.query(q, G)["id"].tolist()
    monkeypatch.setenv("GRAPHKIT_QUERY_ISOLATE", "off")
    # EST's memberships in data/sample/relationships.csv: EU and NATO (neither is a member of anything)
    assert isolated_ids == gk.query(q, G)["id"].tolist() == ["EU", "NATO"]


def test_the_shell_runs_risky_queries_in_a_child_on_its_open_database(tmp_path):
    from graphkit.cypher.embedded import EmbeddedGraph
    from graphkit.cypher.queryfile import parse_query
    from graphkit.cypher.run import run_guarded

    risky = parse_query("MATCH p = (a:Actor {id: 'EST'})-[:MEMBER_OF]->(b) RETURN b.id AS id ORDER BY id")
    plain = parse_query("MATCH (a:Actor {id: 'EST'})-[:MEMBER_OF]->(b) RETURN b.id AS id ORDER BY id")
    with EmbeddedGraph.from_dataset(gk.SAMPLE, cache_dir=tmp_path) as db:
        assert run_guarded(db, risky, {}).rows == run_guarded(db, plain, {}).rows == [("EU",), ("NATO",)]
        with pytest.raises(QueryError, match="VariableAlreadyBound"):
            run_guarded(db, parse_query(TCK_CRASH), {})
        assert db.run(plain, {}).rows == [("EU",), ("NATO",)]  # the shell's own connection still works
