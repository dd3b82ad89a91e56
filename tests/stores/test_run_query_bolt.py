"""graphkit.cypher.run_query with a URI runs on the Bolt server, and agrees with the embedded engine."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.cypher import run_query
from graphkit.stores.neo4j import Neo4jStore

SAMPLE = Path(gk.SAMPLE)


@pytest.mark.bolt
def test_run_query_over_bolt_matches_the_csv_and_the_embedded_engine(bolt_uri, tmp_path):
    with Neo4jStore(bolt_uri) as store:
        store.write_graph(gk.load(SAMPLE), wipe=True)
    with open(SAMPLE / "relationships.csv", encoding="utf-8", newline="") as f:
        expected = sorted(
            r["source"] for r in csv.DictReader(f) if r["type"] == "MEMBER_OF" and r["target"] == "EU"
        )
    over_bolt = run_query("members_of_alliance", uri=bolt_uri, params={"alliance": "EU"})
    assert [row[0] for row in over_bolt.rows] == expected
    embedded = run_query("members_of_alliance", SAMPLE, params={"alliance": "EU"}, cache_dir=tmp_path)
    assert over_bolt.columns == embedded.columns
    assert over_bolt.rows == embedded.rows
