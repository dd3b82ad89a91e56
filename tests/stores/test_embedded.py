"""The embedded Cypher engine: schema from the dataset, the on-disk cache, values and errors."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import networkx as nx
import pytest

import graphkit as gk
from graphkit.cypher import EmbeddedGraph, parse_query
from graphkit.cypher import run_embedded as run_query
from graphkit.errors import DatasetError, QueryError, StoreError
from graphkit.stores.embedded import cache_root, database_schema, dataset_fingerprint

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture
def dataset(tmp_path):
    """A private copy of data/sample that a test may change."""
    d = tmp_path / "ds"
    shutil.copytree(SAMPLE, d)
    return d


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    with EmbeddedGraph.from_dataset(SAMPLE, cache_dir=tmp_path_factory.mktemp("cache")) as db:
        yield db


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


# ------------------------------------------------------------------------------ cache


def test_second_open_uses_the_cache_and_nothing_is_written_to_the_dataset(dataset, tmp_path):
    before = _snapshot(dataset)
    cache = tmp_path / "cache"
    with EmbeddedGraph.from_dataset(dataset, cache_dir=cache) as db:
        assert db.rebuilt
        first_path = db.path
    with EmbeddedGraph.from_dataset(dataset, cache_dir=cache) as db:
        assert not db.rebuilt
        assert db.path == first_path
    assert _snapshot(dataset) == before
    assert first_path.parent.parent == cache and first_path.is_file()


def test_a_changed_dataset_is_reloaded(dataset, tmp_path):
    cache = tmp_path / "cache"
    q = "MATCH (a:Actor {id: 'NATO'}) RETURN a.name AS name"
    assert run_query(dataset, q, cache_dir=cache).rows == [("North Atlantic Treaty Organization",)]
    text = (dataset / "actors.csv").read_text(encoding="utf-8")
    (dataset / "actors.csv").write_text(
        text.replace("North Atlantic Treaty Organization", "NATO alliance"), encoding="utf-8"
    )
    with EmbeddedGraph.from_dataset(dataset, cache_dir=cache) as db:
        assert db.rebuilt
        assert db.run(q).rows == [("NATO alliance",)]
    assert len(list((cache / "embedded").glob("*.lbdb"))) == 2


def test_a_damaged_cache_entry_is_rebuilt(dataset, tmp_path):
    cache = tmp_path / "cache"
    with EmbeddedGraph.from_dataset(dataset, cache_dir=cache) as db:
        path = db.path
    path.write_bytes(b"not a database" * 100)
    with EmbeddedGraph.from_dataset(dataset, cache_dir=cache) as db:
        assert db.rebuilt and db.path == path
        assert db.run("MATCH (t:Threat) RETURN count(*) AS n").rows == [(3,)]


def test_fingerprint_follows_content_not_time(dataset):
    key = dataset_fingerprint(dataset)
    os.utime(dataset / "actors.csv", (1, 1))
    assert dataset_fingerprint(dataset) == key
    with open(dataset / "threats.csv", "a", encoding="utf-8") as f:
        f.write("threat:x,X,,,,\n")
    assert dataset_fingerprint(dataset) != key


def test_cache_location(monkeypatch, tmp_path):
    monkeypatch.delenv("GRAPHKIT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "graphkit"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "graphkit"
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path / "env"))
    assert cache_root() == tmp_path / "env"
    assert cache_root(tmp_path / "arg") == tmp_path / "arg"


def test_broken_dataset_raises_the_loaders_error_and_caches_nothing(dataset, tmp_path):
    (dataset / "relationships.csv").write_text("source,type,target\nUSA,LIKES,GBR\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="LIKES"):
        EmbeddedGraph.from_dataset(dataset, cache_dir=tmp_path / "cache")
    assert not list((tmp_path / "cache").rglob("*.lbdb"))


def test_unwritable_cache_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cache"):
        EmbeddedGraph.from_dataset(SAMPLE, cache_dir=blocker / "sub")


# ------------------------------------------------------------------------------ schema and values


def test_schema_types_come_from_the_dataset_values():
    G = gk.new_graph()
    gk.add_node(G, "A", "Actor", name="A", kind="state", score=1, tags=["x"], joined=dt.date(2020, 1, 2))
    gk.add_node(G, "B", "Actor", name="B", kind="state", score=2.5, tags=["y", "z"])
    gk.add_node(G, "C", "Capability", name="C")
    gk.add_relationship(G, "A", "HAS_CAPABILITY", "C", level=0.5, note="n")
    s = database_schema(G)
    assert s["Actor"]["score"] == "float"  # int and float widen to float
    assert s["Actor"]["tags"] == "string[]"
    assert s["Actor"]["joined"] == "date"
    assert s["HAS_CAPABILITY"]["note"] == "string"
    assert s["Threat"]["first_seen"] == "date"  # common properties are always declared


def test_values_round_trip_through_the_engine(tmp_path):
    G = gk.new_graph()
    gk.add_node(
        G,
        "A",
        "Actor",
        name="A",
        kind="state",
        score=1,
        tags=["x", "y"],
        joined=dt.date(2020, 1, 2),
        active=True,
    )
    gk.add_node(G, "B", "Actor", name="B", kind="alliance", score=2.5)
    gk.add_relationship(G, "A", "MEMBER_OF", "B", since=1999)
    with EmbeddedGraph.from_graph(G, tmp_path / "db.lbdb") as db:
        rows = db.run(
            "MATCH (a:Actor) RETURN a.id AS id, a.score AS s, a.tags AS t, a.joined AS j, a.active AS b "
            "ORDER BY id"
        ).rows
        assert rows == [("A", 1.0, ["x", "y"], dt.date(2020, 1, 2), True), ("B", 2.5, None, None, None)]
        node = db.run("MATCH (a:Actor {id: 'A'})-[r]->(b) RETURN a AS a, r AS r, type(r) AS t").rows[0]
        assert node[0]["label"] == "Actor" and node[0]["id"] == "A" and node[0]["tags"] == ["x", "y"]
        assert node[1]["type"] == "MEMBER_OF" and node[1]["since"] == 1999
        assert node[2] == "MEMBER_OF"
        assert db.run("MATCH (a:Actor) RETURN sum(a.score) AS s, count(*) AS n").rows == [(3.5, 2)]


def test_undirected_and_variable_length_patterns_agree_with_networkx(tmp_path):
    """On a random graph, k-hop reachability over COOPERATES_WITH (either direction) = networkx's."""
    R = nx.gnm_random_graph(40, 60, seed=7, directed=True)
    G = gk.new_graph()
    for n in R:
        gk.add_node(G, f"a{n}", "Actor", name=f"a{n}", kind="state")
    for u, v in R.edges:
        gk.add_relationship(G, f"a{u}", "COOPERATES_WITH", f"a{v}")
    U = nx.Graph((f"a{u}", f"a{v}") for u, v in R.edges)
    U.add_nodes_from(G)
    with EmbeddedGraph.from_graph(G, tmp_path / "db.lbdb") as db:
        got = db.run(
            "MATCH (a:Actor {id: 'a0'})-[:COOPERATES_WITH*1..3]-(b:Actor) WHERE b.id <> 'a0' "
            "RETURN DISTINCT b.id AS id"
        ).rows
        want = {n for n, d in nx.single_source_shortest_path_length(U, "a0", cutoff=3).items() if d >= 1}
        assert {r[0] for r in got} == want
        deg = db.run("MATCH (a:Actor)-[:COOPERATES_WITH]-(b:Actor) RETURN a.id AS id, count(*) AS k").rows
        # one row per relationship: in-degree + out-degree in the directed original
        assert dict(deg) == {f"a{n}": R.degree(n) for n in R if R.degree(n)}
        lonely = db.run("MATCH (a:Actor) WHERE NOT (a)-[:COOPERATES_WITH]-(:Actor) RETURN a.id AS id").rows
        assert {r[0] for r in lonely} == {n for n in U if U.degree(n) == 0}


# ------------------------------------------------------------------------------ errors


HEADER = "// What?\n//\n// Parameters:\n//   x (string, default NATO): an id\n"


@pytest.mark.parametrize(
    "body, line, col, words",
    [
        # the front end's parser points at the word where the expression was expected
        ("MATCH (a:Actor)\nWHERE a.id =\nRETURN a", 7, 1, "syntax error"),
        ("MATCH (a:Actor {id: $x})\nRETURN a.id AS id,, a.name", 6, 19, "syntax error"),
        ("MATCH (a:Actr {id: $x}) RETURN a", 5, 10, "unknown label 'Actr'"),
        (
            "MATCH (a {id: $x})-[:MEMBER|COOPERATES_WITH]->(b) RETURN b",
            5,
            22,
            "unknown relationship type 'MEMBER'",
        ),
        ("MATCH (a:Actor {id: $x})\nRETURN a.colour AS c", 6, 10, "unknown property 'colour'"),
        ("MATCH (a:Actor {id: $x})\nRETURN b.id AS c", 6, 8, "variable 'b'"),
        ("MATCH (a:Actor {id: $x}) RETURN 1 AS x; MATCH (b) RETURN b", 5, 39, "one statement"),
    ],
)
def test_errors_name_the_line_and_column_in_the_file(sample_db, body, line, col, words):
    qf = parse_query(HEADER + body, file="queries/bad.cypher")
    with pytest.raises(QueryError) as exc:
        sample_db.run(qf, {"x": "NATO"} if "$x" in body else {})
    text = str(exc.value)
    assert text.startswith(f"queries/bad.cypher:{line}:{col}: "), text
    assert words in text
    assert "Traceback" not in text


def test_translated_constructs_map_errors_back_to_the_original_column(sample_db):
    # the comprehension and type() are rewritten before the engine sees the text
    q = "MATCH p = (a:Actor)-[r]->(b) RETURN [n IN nodes(p) | n.id] AS ids, type(r) AS t WHERE"
    with pytest.raises(QueryError) as exc:
        sample_db.run(parse_query(q, file="q.cypher"))
    assert str(exc.value).startswith("q.cypher:1:81: syntax error"), str(exc.value)


def test_parameters_must_match_the_query(sample_db):
    q = parse_query("MATCH (a:Actor {id: $id}) RETURN a.name AS name", file="q.cypher")
    with pytest.raises(QueryError, match="id used but not given"):
        sample_db.run(q, {})
    with pytest.raises(QueryError, match="unknown parameter.*nope"):
        sample_db.run(q, {"id": "USA", "nope": 1})
    assert sample_db.run(q, {"id": "USA"}).rows == [("United States",)]


def test_writes_are_refused_and_the_cache_is_unchanged(sample_db):
    before = sample_db.path.stat().st_size
    with pytest.raises(QueryError, match="cannot change the dataset"):
        sample_db.run("CREATE (:Actor {id: 'X', name: 'X', kind: 'state'})")
    assert sample_db.run("MATCH (a:Actor) RETURN count(*) AS n").rows == [(14,)]
    assert sample_db.path.stat().st_size == before
