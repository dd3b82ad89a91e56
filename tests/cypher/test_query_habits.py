"""Queries that say what they did: parameters in --list, defaults announced, empty answers
explained, and graphkit.query() from Python. Expectations come from the query files'
headers and the sample's CSV files (read with the csv module), not from graphkit."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import graphkit as gk
from graphkit.cypher import as_query
from graphkit.cypher.queryfile import SHARED_DEFAULTS

SAMPLE = Path(gk.SAMPLE)
QUERIES = Path(__file__).resolve().parents[2] / "queries"


def _graphkit(*args, cache):
    return subprocess.run(
        [sys.executable, "-m", "graphkit", *args, "--cache-dir", str(cache)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _header_defaults(path: Path) -> dict[str, str]:
    """Parameter defaults as written in a query file's header, read with a regex."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"//\s+(\w+) \(\w+(?:\[\])?, default (.+?)\):", line)
        if m:
            out[m[1]] = m[2]
    return out


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


def test_list_shows_every_parameter_with_its_default(cache):
    r = subprocess.run([sys.executable, "-m", "graphkit", "query", "--list"], capture_output=True, text=True)
    assert r.returncode == 0
    lines = {line.split()[0]: line for line in r.stdout.splitlines() if line.strip()}
    assert lines["cooperation_partners"].endswith("[actor=USA]")
    for path in sorted(QUERIES.glob("*.cypher")):
        for name, default in _header_defaults(path).items():
            shown = SHARED_DEFAULTS.get(default, default)  # a shared default is listed with its value
            assert f"{name}={shown}" in lines[path.stem], (path.stem, name)


def test_a_run_on_a_default_says_so_and_quiet_silences_it(cache):
    r = _graphkit("query", "cooperation_partners", str(SAMPLE), cache=cache)
    assert r.returncode == 0, r.stderr
    assert "using default actor=USA" in r.stderr
    given = _graphkit("query", "cooperation_partners", str(SAMPLE), "-p", "actor=EST", cache=cache)
    assert "default" not in given.stderr
    quiet = _graphkit("query", "cooperation_partners", str(SAMPLE), "-q", cache=cache)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout == r.stdout


def test_an_empty_answer_names_its_parameters_and_what_it_means(cache):
    r = _graphkit("query", "members_of_alliance", str(SAMPLE), "-p", "alliance=NOSUCH", cache=cache)
    assert r.returncode == 0, r.stderr
    assert "(0 rows)" in r.stdout
    assert "no rows (ran with alliance=NOSUCH)" in r.stderr
    assert "the id does not exist" in r.stderr  # the header's "Empty result:" line


def test_every_library_query_says_what_an_empty_answer_means():
    for path in sorted(QUERIES.glob("*.cypher")):
        assert as_query(path).empty_means, path.name


def test_gk_query_returns_a_frame_with_the_csv_count():
    with open(SAMPLE / "relationships.csv", encoding="utf-8", newline="") as f:
        members = {r["source"] for r in csv.DictReader(f) if r["type"] == "MEMBER_OF" and r["target"] == "EU"}
    df = gk.query("members_of_alliance", SAMPLE, alliance="EU")
    assert isinstance(df, pd.DataFrame)
    assert len(df) == len(members) and set(df["id"]) == members
    n = gk.query("MATCH (a:Actor)-[r:MEMBER_OF]->(b:Actor {id: $org}) RETURN count(*) AS n", SAMPLE, org="EU")
    assert n["n"].tolist() == [len(members)]


def test_a_mistyped_dataset_path_gets_did_you_mean(tmp_path, cache):
    real = tmp_path / "cyber-multilateral"
    real.mkdir()
    r = subprocess.run(
        [sys.executable, "-m", "graphkit", "info", str(tmp_path / "cyber-multilaterl")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"did you mean '{real}'" in r.stderr


def test_shell_schema_is_per_relationship_type(cache):
    """Each type lists only the properties its rows in the sample's CSV carry."""
    with open(SAMPLE / "relationships.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    r = subprocess.run(
        [sys.executable, "-m", "graphkit", "shell", str(SAMPLE), "-q", "--cache-dir", str(cache)],
        input=":schema\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    shown = dict(line.split(": ", 1) for line in r.stdout.splitlines() if ": " in line)
    for rtype in {row["type"] for row in rows}:
        mine = [row for row in rows if row["type"] == rtype]
        used = {k for row in mine for k, v in row.items() if v and k not in ("source", "type", "target")}
        names = {part.split()[0] for part in shown[rtype].split(", ")}
        expected = {"source" if k == "source_ref" else k for k in used}
        assert names == expected, rtype
