"""`graphkit query` and `graphkit shell`, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import graphkit as gk
from graphkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


def run(*args, input=None, env_cache=None):
    import os

    env = dict(os.environ)
    if env_cache:
        env["GRAPHKIT_CACHE_DIR"] = str(env_cache)
    return subprocess.run(
        [sys.executable, "-m", "graphkit", *map(str, args)],
        capture_output=True,
        text=True,
        input=input,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def cache(shared_cache, monkeypatch):
    """One cache for the module (the sample is built once); tests that check caching use their own."""
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(shared_cache))
    monkeypatch.delenv("GRAPHKIT_NEO4J_URI", raising=False)
    return shared_cache


def test_list_shows_every_library_query_with_its_description(cache):
    out = run("query", "--list", env_cache=cache)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.cypher"))
    assert [line.split()[0] for line in lines] == names
    assert any("members of an alliance" in line for line in lines)


def test_library_query_by_name_as_json(cache, capsys):
    assert (
        main(
            ["query", "members_of_alliance", str(SAMPLE), "--param", "alliance=EU", "--format", "json", "-q"]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    # data/sample/relationships.csv: DEU, FRA (1993) and EST (2004) are members of the EU
    assert rows == [
        {"id": "DEU", "name": "Germany", "kind": "state", "since": 1993},
        {"id": "EST", "name": "Estonia", "kind": "state", "since": 2004},
        {"id": "FRA", "name": "France", "kind": "state", "since": 1993},
    ]
    assert list(cache.glob("embedded/*.lbdb"))


def test_table_output_and_dates_in_json(cache, capsys, tmp_path):
    q = tmp_path / "threats.cypher"
    q.write_text(
        "// First sightings.\nMATCH (t:Threat) RETURN t.name AS name, t.first_seen AS seen, t.aliases AS aka\n"
        "ORDER BY seen\n"
    )
    assert main(["query", str(q), str(SAMPLE), "-q"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["name", "seen", "aka"]
    assert (
        out[2].startswith("APT28") and "2004-01-01" in out[2] and "[Fancy Bear, Sofacy, STRONTIUM]" in out[2]
    )
    assert out[-1] == "(3 rows)"
    assert main(["query", str(q), str(SAMPLE), "-q", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"name": "APT28", "seen": "2004-01-01", "aka": ["Fancy Bear", "Sofacy", "STRONTIUM"]}


def test_csv_cells_are_neutralised_against_formulas(cache, capsys, tmp_path):
    ds = tmp_path / "ds"
    shutil.copytree(SAMPLE, ds)
    text = (ds / "actors.csv").read_text(encoding="utf-8")
    (ds / "actors.csv").write_text(text.replace("Estonia", '=HYPERLINK("http://x")'), encoding="utf-8")
    assert main(["query", "members_of_alliance", str(ds), "--format", "csv", "-q"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["id", "name", "kind", "since"]
    est = next(r for r in rows if r[0] == "EST")
    assert est[1] == '\'=HYPERLINK("http://x")'
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_param_with_forced_type(cache, capsys, tmp_path):
    q = tmp_path / "q.cypher"
    q.write_text("MATCH (a:Actor) WHERE a.founded > $year RETURN a.id AS id ORDER BY id\n")
    assert main(["query", str(q), str(SAMPLE), "-q", "--param", "year:int=1990", "--format", "csv"]) == 0
    # founded after 1990: EU 1993, CERT_EU 2011
    assert capsys.readouterr().out.split() == ["id", "CERT_EU", "EU"]


@pytest.mark.parametrize(
    "args, words",
    [
        (["members_of_alliance", "SAMPLE", "--param", "aliance=EU"], "unknown parameter aliance"),
        (["members_of_aliance", "SAMPLE"], "no such query file or library query"),
        (["VOCAB", "SAMPLE"], "vocab.cypher:2:19: unknown relationship type 'MEMBER'"),
        (["members_of_alliance", "no/such/dataset"], "no/such/dataset"),
        (["most_targeted_actors", "SAMPLE", "--param", "limit=ten"], "parameter 'limit' must be int"),
        ([], "give a QUERY"),
    ],
)
def test_errors_exit_2_with_a_message(cache, tmp_path, capsys, args, words):
    (tmp_path / "vocab.cypher").write_text("// Bad type.\nMATCH (a:Actor)-[:MEMBER]->(b) RETURN a.id AS id\n")
    args = [
        str(SAMPLE) if a == "SAMPLE" else str(tmp_path / "vocab.cypher") if a == "VOCAB" else a for a in args
    ]
    assert main(["query", *args, "-q"]) == 2
    assert words in capsys.readouterr().err


def test_broken_query_file_names_the_line_exits_2_without_traceback(cache, tmp_path):
    (tmp_path / "broken.cypher").write_text(
        "// A broken query.\n// Parameters: none\nMATCH (a:Actor)\nRETURN a.id AS id,,\n"
    )
    out = run("query", tmp_path / "broken.cypher", SAMPLE, "-q", env_cache=cache)
    assert out.returncode == 2, out
    assert "broken.cypher:4:19: syntax error: expected an expression after ',', found ','" in out.stderr
    assert "RETURN a.id AS id,,\n" + " " * 20 + "^" in out.stderr
    assert "Traceback" not in out.stderr


def test_neo4j_uri_runs_the_same_file_on_the_server(tmp_path, capsys, monkeypatch):
    """With --neo4j-uri the query text and typed parameters go to graphkit.stores.neo4j.run_cypher."""
    import graphkit.stores.neo4j as neo4j

    cache = tmp_path / "cache"
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(cache))

    calls = []

    def fake_run_cypher(uri, query, params, *, user=None, password=None, database=None):
        calls.append((uri, query, params, user, password, database))
        return pd.DataFrame({"id": ["DEU"], "name": ["Germany"], "kind": ["state"], "since": [1993]})

    monkeypatch.setattr(neo4j, "run_cypher", fake_run_cypher)
    assert (
        main(
            [
                "query",
                "members_of_alliance",
                "--neo4j-uri",
                "bolt://db:7687",
                "--neo4j-password",
                "pw",
                "--param",
                "alliance=EU",
                "--format",
                "csv",
                "-q",
            ]
        )
        == 0
    )
    ((uri, text, params, user, password, _db),) = calls
    assert uri == "bolt://db:7687" and params == {"alliance": "EU"} and password == "pw"
    assert (
        text == (ROOT / "queries" / "members_of_alliance.cypher").read_text()
    )  # Neo4j gets the file as written
    assert capsys.readouterr().out.split() == ["id,name,kind,since", "DEU,Germany,state,1993"]
    assert not cache.exists()  # the embedded engine was not used


def test_shell_reads_piped_statements(cache):
    script = (
        ":param a=NATO\n"
        "MATCH (m:Actor)-[:MEMBER_OF]->(:Actor {id: $a})\nRETURN count(*) AS members;\n"
        "MATCH (a:Nope) RETURN a;\n"
        "MATCH (t:Threat) RETURN t.id AS id ORDER BY id LIMIT 1;\n"
        ":param limit=2\n:params\n:run most_targeted_actors\n"
    )
    out = run("shell", SAMPLE, "-q", input=script, env_cache=cache)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:4] == ["members", "-------", "      6", "(1 row)"]
    assert "threat:apt28" in out.stdout
    assert "a = 'NATO'" in out.stdout and "limit = 2" in out.stdout
    # :run takes limit=2 from :param: DEU and USA, 2 threats each (data/sample)
    assert out.stdout.rstrip().endswith("USA  United States  state        2\n(2 rows)")
    assert "unknown label 'Nope'" in out.stderr and "Traceback" not in out.stderr


def test_shell_is_interactive_with_history(cache, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    import os

    env = dict(os.environ, GRAPHKIT_CACHE_DIR=str(cache), TERM="dumb")
    child = pexpect.spawn(
        sys.executable, ["-m", "graphkit", "shell", str(SAMPLE), "-q"], env=env, encoding="utf-8", timeout=60
    )
    try:
        child.expect("graphkit> ")
        child.sendline("MATCH (a:Actor {kind: 'alliance'})")
        child.expect(r"\.\.\.> ")
        child.sendline("RETURN a.id AS id ORDER BY id;")
        child.expect(r"\(2 rows\)")
        assert "FIVE_EYES" in child.before and "NATO" in child.before
        child.expect("graphkit> ")
        child.sendline("MATCH (a:Actor RETURN a;")
        child.expect("syntax error")
        child.expect("graphkit> ")
        child.sendline(":schema")
        child.expect("HAS_CAPABILITY: ")
        child.expect("graphkit> ")
        child.sendline(":quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    history = (cache / "shell_history").read_text()
    assert "RETURN a.id AS id ORDER BY id;" in history


def test_default_dataset_is_the_bundled_sample(cache):
    out = run("query", "most_targeted_actors", "--param", "limit=1", "--format", "csv", env_cache=cache)
    assert out.returncode == 0, out.stderr
    assert "bundled sample" in out.stderr
    assert out.stdout.split() == ["id,name,kind,threats", "DEU,Germany,state,2"]
    assert gk.SAMPLE.is_dir()


def test_runs_under_an_address_space_limit(tmp_path):
    """ladybug's defaults reserve 8 TiB of address space; graphkit sizes it to the data (ulimit -v 3 GiB)."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    cmd = [
        sys.executable,
        "-m",
        "graphkit",
        "query",
        "threat_sponsors",
        str(SAMPLE),
        "-q",
        "--format",
        "csv",
        "--cache-dir",
        str(tmp_path / "cache"),
    ]
    for _ in range(2):  # build, then open the cached database
        out = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=limit, timeout=120)
        assert out.returncode == 0, out.stderr
        # data/sample: RUS sponsors apt28 and sandworm (targets DEU FRA USA NATO EST), CHN apt41 (USA GBR)
        assert out.stdout.split() == ["id,name,threats,targets", "RUS,Russia,2,5", "CHN,China,1,2"]


@pytest.mark.parametrize(
    "text, word",
    [
        ("LOAD FROM '/etc/passwd' (header=false) RETURN *", "LOAD"),
        ("COPY (MATCH (a:Actor) RETURN a.id) TO 'out.csv'", "COPY"),
        ("CALL table_info('Actor') RETURN *", "CALL"),
        ("INSTALL httpfs", "INSTALL"),
    ],
)
def test_file_and_extension_clauses_are_refused(cache, tmp_path, capsys, monkeypatch, text, word):
    monkeypatch.chdir(tmp_path)
    q = tmp_path / "q.cypher"
    q.write_text(text + "\n")
    assert main(["query", str(q), str(SAMPLE), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"only reads the dataset: {word} (line 1, column 1) is refused" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.cypher"]
