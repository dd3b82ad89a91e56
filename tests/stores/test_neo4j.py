"""The Neo4j store against a real Bolt server (FalkorDB from scripts/bolt-test-server/).

Expectations come from the loaded dataset itself (graphkit.summary, graph_diff against the
graph that was written), from hand-written values, and from Python's own float arithmetic —
never from what the store returned before.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphkit as gk
from graphkit import schema
from graphkit.cli import main
from graphkit.errors import QueryError, SchemaError, StoreError
from graphkit.graph import graph_diff, summary
from graphkit.stores import neo4j as store_mod
from graphkit.stores.encoding import _encode_float
from graphkit.stores.neo4j import Neo4jStore, read_graph, redact_uri, run_cypher, write_graph

pytestmark = pytest.mark.bolt

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
MULTILATERAL = ROOT / "data" / "cyber-multilateral"

INJECTION = "name}) DETACH DELETE n //"


def _expected_counts(G):
    s = summary(G)
    return {"nodes": s["nodes"], "relationships": s["relationships"]}


# --------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    "uri, shown",
    [
        ("bolt://neo4j:secret@db.example.org:7687", "bolt://neo4j:***@db.example.org:7687"),
        ("neo4j+s://alice:p%40ss@host", "neo4j+s://alice:***@host"),
        ("bolt://host:7687", "bolt://host:7687"),
        ("bolt://bob@host", "bob@host"),
    ],
)
def test_redact_uri(uri, shown):
    assert redact_uri(uri).endswith(shown)
    assert "secret" not in redact_uri(uri) and "p%40ss" not in redact_uri(uri)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_encoding_is_exact(x):
    m, e = _encode_float(x)
    assert isinstance(m, int) and isinstance(e, int)
    assert -(2**63) <= m < 2**63 and -1074 <= e <= 1023
    assert m * 2.0**e == x  # Python's own float arithmetic, as the server computes it


def test_write_problems_reject_unsafe_keys_and_values():
    G = nx.MultiDiGraph()
    G.add_node("A", label="Actor", name="A", kind="state", **{INJECTION: "x"})
    G.add_node("B", label="Actor", name="B", kind="state", gk_key=1, big=2**70)
    G.add_node("C", label="Bogus", name="C")
    G.add_edge("A", "B", type="MEMBER_OF; DROP", since=1)
    problems = store_mod.write_problems(G)
    text = "\n".join(problems)
    assert repr(INJECTION) in text
    assert "'gk_key' is reserved" in text
    assert "64-bit" in text
    assert "'Bogus'" in text
    assert "'MEMBER_OF; DROP'" in text


# --------------------------------------------------------------------------- server detection


def test_detects_the_test_server_and_adapts(bolt_store):
    info = bolt_store.server
    assert info.product == "falkordb"
    # FalkorDB: no constraints, no dates over Bolt, floats printed with 6 decimals,
    # strings spliced into query text, no rollback -- graphkit works around each.
    assert not info.constraints and not info.native_dates and not info.rollback
    assert not info.exact_float_params and info.escape_string_params
    bolt_store.ensure_constraints()
    bolt_store.ensure_constraints()  # twice: no error (an index already there is kept)
    indexed = bolt_store.run("CALL db.indexes() YIELD label, properties RETURN label, properties")
    assert {r.label for r in indexed.itertuples() if "id" in r.properties} >= set(schema.LABELS)


# --------------------------------------------------------------------------- round trips


def test_sample_round_trip_is_exact_and_idempotent(bolt_store):
    G = gk.load(SAMPLE)
    bolt_store.write_graph(G, wipe=True)
    assert bolt_store.counts() == _expected_counts(G)
    bolt_store.write_graph(G)  # again: MERGE onto the same nodes and relationships
    assert bolt_store.counts() == _expected_counts(G)
    H = bolt_store.read_graph()
    assert graph_diff(G, H) == []
    assert graph_diff(H, G) == []
    # Types survive: first_seen is a date, aliases a list, levels floats, since ints.
    assert H.nodes["threat:apt28"]["first_seen"] == dt.date(2004, 1, 1)
    assert type(H.nodes["threat:apt28"]["first_seen"]) is dt.date
    assert H.nodes["threat:apt28"]["aliases"] == ["Fancy Bear", "Sofacy", "STRONTIUM"]


def test_multilateral_round_trip_is_exact_and_idempotent(bolt_uri):
    G = gk.load(MULTILATERAL)
    with Neo4jStore(bolt_uri) as store:
        first = store.write_graph(G, wipe=True)
        counts = store.counts()
        store.write_graph(G)
        assert store.counts() == counts == _expected_counts(G)
        assert first.relationships == G.number_of_edges()
        H = store.read_graph()
    assert graph_diff(G, H) == []
    assert graph_diff(H, G) == []


def _awkward_graph() -> nx.MultiDiGraph:
    G = gk.new_graph()
    gk.add_node(
        G,
        "CIV",
        "Actor",
        name="Côte d'Ivoire",
        kind="state",
        motto="L'Union \\ Discipline \\n",
        tags=["it's", 'say "hi"', "back\\slash", "日本", "\t tab"],
        population=-(2**63),
        gdp=2**62,
        ratio=0.1 + 0.2,
        tiny=5e-324,
        huge=1.7976931348623157e308,
        member=True,
        neutral=False,
        founded=dt.date(1960, 8, 7),
        dates=[dt.date(2001, 1, 1), dt.date(1999, 12, 31)],
        scores=[1.0, 1 / 3, -2.5],
        empty=[],
    )
    gk.add_node(G, "X", "Actor", name="x'}) DETACH DELETE n //", kind="other")
    gk.add_node(G, "cap:a", "Capability", name="A capability")
    gk.add_node(G, "threat:t", "Threat", name="T", first_seen=dt.date(2020, 2, 29))
    gk.add_relationship(G, "CIV", "COOPERATES_WITH", "X", weight=1.0, instrument="MoU 'alpha'")
    gk.add_relationship(G, "CIV", "COOPERATES_WITH", "X", weight=2.5, since=dt.date(2019, 5, 1))
    gk.add_relationship(G, "CIV", "COOPERATES_WITH", "X", weight=1.0, instrument="MoU 'alpha'")  # a twin
    gk.add_relationship(G, "CIV", "HAS_CAPABILITY", "cap:a", level=0.123456789012345)
    gk.add_relationship(G, "threat:t", "REQUIRES", "cap:a", via=["T1566", "T1190"], weight=3)
    return G


def test_awkward_values_round_trip_exactly(bolt_store):
    G = _awkward_graph()
    bolt_store.write_graph(G, wipe=True)
    bolt_store.write_graph(G)
    H = bolt_store.read_graph()
    assert graph_diff(G, H) == []
    assert H.nodes["CIV"]["ratio"] == 0.30000000000000004
    assert H.nodes["CIV"]["motto"] == "L'Union \\ Discipline \\n"
    assert H.nodes["X"]["name"] == "x'}) DETACH DELETE n //"  # a value, stored verbatim
    assert H.number_of_edges("CIV", "X") == 3  # parallel relationships stay parallel
    assert type(H.nodes["CIV"]["gdp"]) is int and type(H.nodes["CIV"]["member"]) is bool


def test_update_overwrites_and_removes_properties(bolt_store):
    G = _awkward_graph()
    bolt_store.write_graph(G, wipe=True)
    G.nodes["CIV"]["name"] = "Ivory Coast"
    del G.nodes["CIV"]["motto"]
    next(iter(G["CIV"]["X"].values()))["weight"] = 9.75
    bolt_store.write_graph(G)
    H = bolt_store.read_graph()
    assert graph_diff(G, H) == []
    assert "motto" not in H.nodes["CIV"]


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
_value = st.one_of(
    _text.filter(lambda s: s.strip() != ""),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
    st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=3),
    st.lists(_text.filter(lambda s: s.strip() != ""), max_size=3),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    props=st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), _value, max_size=5),
    name=_text.filter(lambda s: s.strip() == s and s != ""),
)
def test_any_property_values_round_trip(bolt_store, props, name):
    props.pop("name", None)
    props.pop("kind", None)
    props.pop("id", None)
    G = gk.new_graph()
    gk.add_node(G, "A", "Actor", name=name, kind="state", **props)
    gk.add_node(G, "B", "Actor", name="B", kind="alliance")
    gk.add_relationship(G, "A", "MEMBER_OF", "B", **props)
    bolt_store.write_graph(G, wipe=True)
    assert graph_diff(G, bolt_store.read_graph()) == []


# --------------------------------------------------------------------------- safety


def test_unsafe_property_key_is_rejected_before_anything_is_written(bolt_store):
    G = gk.load(SAMPLE)
    bolt_store.write_graph(G, wipe=True)
    before = bolt_store.counts()
    bad = gk.new_graph()
    bad.add_node("EVIL", label="Actor", name="Evil", kind="state", **{INJECTION: "x"})  # bypasses add_node
    with pytest.raises(SchemaError, match=r"nothing was written.*DETACH DELETE"):
        bolt_store.write_graph(bad)
    assert bolt_store.counts() == before
    assert bolt_store.run("MATCH (n:Actor {id: 'EVIL'}) RETURN n").empty


def test_csv_column_named_like_an_injection_is_rejected_by_the_cli(bolt_uri, tmp_path, capsys):
    with Neo4jStore(bolt_uri) as store:
        store.write_graph(gk.load(SAMPLE), wipe=True)
        before = store.counts()
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in SAMPLE.glob("*.csv"):
        text = f.read_text(encoding="utf-8")
        if f.name == "actors.csv":
            lines = text.splitlines()
            lines[0] += f',"{INJECTION}"'
            lines[1:] = [line + ",x" for line in lines[1:]]
            text = "\n".join(lines) + "\n"
        (bad / f.name).write_text(text, encoding="utf-8")
    rc = main(["load", str(bad), "--neo4j-uri", bolt_uri, "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "actors.csv" in err and "DETACH DELETE" in err and "Traceback" not in err
    with Neo4jStore(bolt_uri) as store:
        assert store.counts() == before


def test_wipe_removes_only_graphkit_labels(bolt_store):
    bolt_store.write_graph(gk.load(SAMPLE), wipe=True)
    bolt_store.run("CREATE (:Keeper {id: 'mine'})", write=True)
    try:
        bolt_store.wipe()
        assert sum(bolt_store.counts()["nodes"].values()) == 0
        assert len(bolt_store.run("MATCH (k:Keeper) RETURN k.id AS id")) == 1
    finally:
        bolt_store.run("MATCH (k:Keeper) DELETE k", write=True)


def test_password_never_appears_in_errors(capsys):
    port = _closed_port()
    secret = "s3cr3t-Pa55"
    with pytest.raises(StoreError) as info:
        read_graph(f"bolt://neo4j:{secret}@127.0.0.1:{port}")
    assert secret not in str(info.value) and "***" in str(info.value)
    with pytest.raises(StoreError) as info:
        read_graph(f"bolt://127.0.0.1:{port}", user="neo4j", password=secret)
    assert secret not in str(info.value)
    rc = main(["load", str(SAMPLE), "--neo4j-uri", f"bolt://neo4j:{secret}@127.0.0.1:{port}", "--quiet"])
    out, err = capsys.readouterr()
    assert rc == 2 and secret not in out + err and "cannot reach" in err and "Traceback" not in err


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_not_a_neo4j_uri():
    with pytest.raises(StoreError, match="not a Neo4j URI"):
        Neo4jStore("http://user:pw@localhost:7474")


# --------------------------------------------------------------------------- queries


def test_run_returns_rows_with_exact_parameters(bolt_uri):
    G = _awkward_graph()
    write_graph(G, bolt_uri, wipe=True)
    df = run_cypher(
        bolt_uri,
        "MATCH (a:Actor) WHERE a.name = $name RETURN a.id AS id, a.name AS name",
        {"name": "Côte d'Ivoire"},
    )
    assert df.to_dict("records") == [{"id": "CIV", "name": "Côte d'Ivoire"}]
    df = run_cypher(bolt_uri, "MATCH (t:Threat) RETURN t AS t, t.first_seen AS seen")
    assert list(df.columns) == ["t", "seen"]
    assert df.loc[0, "t"]["first_seen"] == dt.date(2020, 2, 29)  # a node's dates come back as dates


def test_query_error_is_clear(bolt_store):
    with pytest.raises(QueryError, match="read failed|query failed"):
        bolt_store.run("MATCH (n:Actor RETURN n")


# --------------------------------------------------------------------------- CLI


def test_cli_load_twice_gives_the_same_counts(bolt_uri, capsys):
    G = gk.load(SAMPLE)
    assert main(["load", str(SAMPLE), "--neo4j-uri", bolt_uri, "--wipe", "--yes", "--quiet"]) == 0
    assert main(["load", str(SAMPLE), "--neo4j-uri", bolt_uri, "--batch-size", "7"]) == 0
    out, err = capsys.readouterr()
    assert f"{G.number_of_nodes()} graphkit nodes and {G.number_of_edges()} relationships" in out
    assert "rows/s" in err  # progress with a rate when not --quiet
    with Neo4jStore(bolt_uri) as store:
        assert store.counts() == _expected_counts(G)


def test_cli_wipe_without_tty_or_yes_refuses(bolt_uri, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    rc = main(["load", str(SAMPLE), "--neo4j-uri", bolt_uri, "--wipe"])
    assert rc == 2
    assert "--yes" in capsys.readouterr().err


def test_cli_reads_back_from_the_server(bolt_uri, capsys, monkeypatch):
    write_graph(gk.load(SAMPLE), bolt_uri, wipe=True)
    monkeypatch.setenv("GRAPHKIT_NEO4J_URI", bolt_uri)
    assert (
        main(["info", "--neo4j-uri", bolt_uri, "--json", "--as-of", "all"]) == 0
    )  # the whole graph read back
    import json

    info = json.loads(capsys.readouterr().out)
    assert info.pop("time")["as_of"] == "all"
    assert info == summary(gk.load(SAMPLE))


# --------------------------------------------------------------------------- real Neo4j only


@pytest.mark.neo4j
def test_neo4j_constraints_native_dates_and_round_trip(neo4j_uri):
    G = _awkward_graph()
    with Neo4jStore(neo4j_uri) as store:
        assert store.server.product == "neo4j"
        assert store.server.constraints and store.server.native_dates and store.server.rollback
        store.write_graph(G, wipe=True)
        store.write_graph(G)
        names = set(store.run("SHOW CONSTRAINTS YIELD name RETURN name")["name"])
        assert {f"graphkit_{label.lower()}_id" for label in schema.LABELS} <= names
        dates = store.run("MATCH (n:Actor {id: 'CIV'}) RETURN n.founded AS d, n.gk_dates AS marker")
        assert dates.loc[0, "d"] == dt.date(1960, 8, 7) and dates.loc[0, "marker"] is None
        assert graph_diff(G, store.read_graph()) == []
        assert math.isclose(store.run("RETURN $x AS x", {"x": 0.1 + 0.2}).loc[0, "x"], 0.30000000000000004)
