"""graphkit.cypher.run_query on the sample against answers read straight from its CSV files.

The expectations use only the csv module on data/sample (no graphkit loader), so a fault
anywhere between the files and the engine shows up.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.cypher import QueryResult, as_query, run_query
from graphkit.errors import QueryError

SAMPLE = Path(gk.SAMPLE)


def _rows(name):
    with open(SAMPLE / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


ACTORS = {r["id"]: r for r in _rows("actors")}
RELS = _rows("relationships")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("alliance", ["NATO", "EU"])
def test_library_query_by_name_matches_the_csv(cache, alliance):
    r = run_query("members_of_alliance", SAMPLE, params={"alliance": alliance}, cache_dir=cache)
    assert isinstance(r, QueryResult)
    expected = sorted(
        (
            x["source"],
            ACTORS[x["source"]]["name"],
            ACTORS[x["source"]]["kind"],
            int(x["since"]) if x["since"] else None,
        )
        for x in RELS
        if x["type"] == "MEMBER_OF" and x["target"] == alliance
    )
    assert expected, "the sample has members"
    assert r.columns == ["id", "name", "kind", "since"]
    assert r.rows == expected


def test_cypher_text_and_header_default(cache):
    # no params: the header's default (NATO) applies
    by_default = run_query(Path("queries/members_of_alliance.cypher"), SAMPLE, cache_dir=cache)
    assert [row[0] for row in by_default.rows] == sorted(
        x["source"] for x in RELS if x["type"] == "MEMBER_OF" and x["target"] == "NATO"
    )
    r = run_query(
        "MATCH (a:Actor) RETURN a.kind AS kind, count(*) AS n ORDER BY kind", SAMPLE, cache_dir=cache
    )
    assert dict(r.rows) == dict(Counter(a["kind"] for a in ACTORS.values()))


def test_typed_params_from_text_pairs(cache):
    # (text, type) pairs as parse_param_args gives them are parsed with the declared type
    r = run_query("RETURN $n + 1 AS m", SAMPLE, params={"n": ("41", "int")}, cache_dir=cache)
    assert r.rows == [(42,)]


def test_no_dataset_means_the_sample(cache):
    a = run_query("MATCH (t:Threat) RETURN t.id AS id ORDER BY id", cache_dir=cache)
    assert [row[0] for row in a.rows] == sorted(t["id"] for t in _rows("threats"))


def test_errors_are_query_errors(cache):
    with pytest.raises(QueryError, match="unknown parameter"):
        run_query("members_of_alliance", SAMPLE, params={"nope": 1}, cache_dir=cache)
    with pytest.raises(QueryError, match="no such query file or library query"):
        run_query("no_such_query", SAMPLE, cache_dir=cache)
    with pytest.raises(QueryError, match="unknown label 'Actr'"):
        run_query("MATCH (a:Actr) RETURN a.id AS id", SAMPLE, cache_dir=cache)


def test_as_query_tells_names_from_text(tmp_path):
    assert as_query("members_of_alliance").name == "members_of_alliance"
    assert as_query("RETURN 1 AS one").text == "RETURN 1 AS one"
    f = tmp_path / "q.cypher"
    f.write_text("// Q.\nRETURN 2 AS two\n")
    assert as_query(str(f)).description == "Q."
