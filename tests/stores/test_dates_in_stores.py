"""Full dates are date values in both stores; years stay integers and ``last_confirmed`` stays text.

Checked on data/cyber-multilateral without a server: the rows the Neo4j writer sends (a
``datetime.date`` parameter is a Bolt ``Date``, as the neo4j driver's manual says for
"Temporal types") and the engine's declared column types, against the types the dataset's
README gives each property.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.stores.bolt import ServerInfo
from graphkit.stores.embedded import EmbeddedDatabase, database_schema
from graphkit.stores.neo4j_write import relationship_rows

ROOT = Path(__file__).resolve().parents[2]

NEO4J = ServerInfo("neo4j", "5.26", "Neo4j/5.26", True, True, True, False, True)

# the dataset README: since/until years (int), since_date/until_date full dates, last_confirmed text
TYPES = {"since": int, "until": int, "since_date": dt.date, "until_date": dt.date, "last_confirmed": str}


@pytest.fixture(scope="module")
def graph():
    return gk.load(ROOT / "data" / "cyber-multilateral")


def test_the_neo4j_writer_sends_dates_as_dates(graph):
    seen: dict[str, set[type]] = {k: set() for k in TYPES}
    for (_type, _src, _tgt, _shape), rows in relationship_rows(graph, NEO4J).items():
        for row in rows:
            props = row[3]
            assert "gk_dates" not in props  # no text-with-a-marker on Neo4j
            for key in TYPES:
                if props.get(key) is not None:
                    seen[key].add(type(props[key]))
    assert seen == {k: {t} for k, t in TYPES.items()}


def test_the_engine_declares_dates_as_dates_on_every_dataset(graph, tmp_path):
    for G in (graph, gk.load(ROOT / "data" / "sample")):  # the sample has no since_date at all
        cols = database_schema(G)
        for rel in ("MEMBER_OF", "COOPERATES_WITH", "TARGETS"):
            assert {k: cols[rel][k] for k in TYPES} == {
                "since": "int",
                "until": "int",
                "since_date": "date",
                "until_date": "date",
                "last_confirmed": "string",
            }
    with EmbeddedDatabase.from_graph(graph, tmp_path / "g.lbdb") as db:
        assert db.columns["COOPERATES_WITH"]["since_date"] == "DATE"
        _, rows = db.execute(
            "MATCH (:Actor {id: 'USA'})-[r:COOPERATES_WITH]->(:Actor {id: 'JPN'}) "
            "RETURN r.since, r.since_date, r.last_confirmed"
        )
    expected = [
        (d.get("since"), d.get("since_date"), d.get("last_confirmed"))
        for u, v, d in graph.edges(data=True)
        if (u, v, d.get("type")) == ("USA", "JPN", "COOPERATES_WITH")
    ]
    assert sorted(rows, key=repr) == sorted(expected, key=repr) and len(rows) > 1
    # a year (int), a date value and the text as written, on the 2013 row (the first Japan-U.S.
    # Cyber Dialogue, Tokyo, 9-10 May 2013: dated by its first day, MOFA's joint statement)
    assert any(r[0] == 2013 and r[1] == dt.date(2013, 5, 9) and isinstance(r[2], str) for r in rows), rows
