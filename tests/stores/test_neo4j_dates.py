"""The dated queries of tests/cypher/test_temporal_engine.py on a real Neo4j: the same Cypher, the same rows.

The graph is written with the Neo4j writer (full dates as Bolt ``Date`` values, years as
integers, ``last_confirmed`` as text, as in the embedded store); each query's rows must
equal the plain-Python expectation that the embedded engine's test also meets. Skipped
without ``GRAPHKIT_TEST_NEO4J_URI`` (FalkorDB, the suite's Bolt server, keeps dates as text
and is not asked).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.stores.neo4j import Neo4jStore

ROOT = Path(__file__).resolve().parents[2]


def _dated_module():
    spec = importlib.util.spec_from_file_location(
        "_dated_queries", ROOT / "tests" / "cypher" / "test_temporal_engine.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DATED = _dated_module()


@pytest.mark.neo4j
def test_dated_queries_on_real_neo4j(neo4j_uri):
    G = gk.load(ROOT / DATED.DATA)
    with Neo4jStore(neo4j_uri) as store:
        store.write_graph(G, wipe=True)
        for name, (cypher, _, expected) in DATED.DATED.items():
            df = store.run(cypher)
            got = sorted((tuple(r) for r in df.itertuples(index=False, name=None)), key=DATED._key)
            assert got == sorted(expected(G), key=DATED._key), name
