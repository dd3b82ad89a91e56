"""Every query in queries/ runs over Bolt against the test server loaded with
data/cyber-multilateral (and data/sample), and its rows match the independent Python
answers written for the embedded engine (tests/test_queries_embedded.py: plain loops over
the canonical graph, networkx for paths).

FALKORDB_CANNOT lists queries the FalkorDB test server cannot run, each with the reason;
they must still run on the embedded engine and on Neo4j (the ``neo4j`` test below runs
every query there when GRAPHKIT_TEST_NEO4J_URI is set).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.cypher import bind_params, read_query
from graphkit.stores.neo4j import Neo4jStore

ROOT = Path(__file__).resolve().parents[2]
QUERIES = sorted((ROOT / "queries").glob("*.cypher"))
MULTILATERAL = ROOT / "data" / "cyber-multilateral"

# query name -> why FalkorDB cannot run it (empty: all run).
FALKORDB_CANNOT: dict[str, str] = {
    # Neo4j runs allShortestPaths over undirected patterns (Cypher manual, "Shortest paths");
    # FalkorDB 4.18 answers such a pattern with an unnamed error, and only runs directed ones.
    "shortest_cooperation_path": "allShortestPaths over an undirected pattern",
}


def _expected_module():
    spec = importlib.util.spec_from_file_location(
        "_queries_expected", ROOT / "tests" / "test_queries_embedded.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXP = _expected_module()


class _Rows:
    def __init__(self, df):
        self.rows = [tuple(r) for r in df.itertuples(index=False, name=None)]


@pytest.fixture(scope="module")
def loaded(bolt_uri):
    G = gk.load(MULTILATERAL)
    store = Neo4jStore(bolt_uri)
    store.write_graph(G, wipe=True)
    yield G, store
    store.close()


def test_every_query_has_an_expected_answer():
    assert len(QUERIES) >= 10
    assert {q.stem for q in QUERIES} <= set(EXP.EXPECTED)


@pytest.mark.bolt
@pytest.mark.parametrize("path", QUERIES, ids=[q.stem for q in QUERIES])
def test_query_over_bolt_matches_python(loaded, path):
    G, store = loaded
    qf = read_query(path)
    if qf.name in FALKORDB_CANNOT and store.server.product == "falkordb":
        pytest.skip(f"FalkorDB cannot run {qf.name}: {FALKORDB_CANNOT[qf.name]}")
    for given in [{}, *EXP.EXTRA.get(qf.name, [])]:
        params = bind_params(qf, given)
        df = store.run(qf.text, params)
        if not given:
            assert len(df) >= 1, f"{qf.name} returns no row with its default parameters"
        expected, order = EXP.EXPECTED[qf.name](G, **params)
        EXP._compare(_Rows(df), expected, order, list_columns_are_sets=qf.name != "shortest_cooperation_path")


@pytest.mark.neo4j
def test_every_query_on_real_neo4j(neo4j_uri):
    G = gk.load(MULTILATERAL)
    with Neo4jStore(neo4j_uri) as store:
        store.write_graph(G, wipe=True)
        for path in QUERIES:
            qf = read_query(path)
            params = bind_params(qf, {})
            expected, order = EXP.EXPECTED[qf.name](G, **params)
            EXP._compare(
                _Rows(store.run(qf.text, params)),
                expected,
                order,
                list_columns_are_sets=qf.name != "shortest_cooperation_path",
            )
