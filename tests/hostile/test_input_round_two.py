"""Issue 16, input side: what the corpus (manifest.toml) cannot hold as a file.

Unreadable folders (run with dropped privileges), malformed ``--neo4j-uri`` values,
query parameters past 64 bits, the embedded engine's limits, exact duplicates counted
once, look-alike ids against Unicode's own table, and ``merge`` refusing to write what
``validate`` would reject. Expected values are worked out by hand in each test.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from harness import run_cli
from make_corpus import BASE

import graphkit as gk
from graphkit.errors import DatasetError, GraphkitError, QueryError
from graphkit.loaders.ids import id_problem, invisible_problem, mixed_script_problem, skeleton
from graphkit.stores.limits import QueryLimits, parse_seconds, parse_size

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "s3cr3t-pw"


def _dataset(root: Path, **files: str) -> Path:
    root.mkdir(parents=True)
    for name, text in BASE.items():
        (root / name).write_text(files.get(name[:-4], text), encoding="utf-8")
    return root


# ---- class 7: an unreadable dataset, run as a user who may not read it ------------------------

_PR_CAPBSET_DROP, _CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 24, 1, 2


def _without_file_privileges() -> None:  # pragma: no cover - runs in the child
    """Drop root's power to ignore file permissions (the child then meets them like anyone)."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
            if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _unprivileged(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), GRAPHKIT_CACHE_DIR=str(cwd / "cache"))
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        preexec_fn=_without_file_privileges,
    )


@pytest.fixture
def unreadable(tmp_path):
    made = []

    def make(mode_folder: int | None = None, mode_file: int | None = None) -> Path:
        d = _dataset(tmp_path / f"ds{len(made)}")
        if mode_file is not None:
            (d / "actors.csv").chmod(mode_file)
        if mode_folder is not None:
            d.chmod(mode_folder)
        made.append(d)
        return d

    yield make
    for d in made:
        d.chmod(0o755)
        for f in d.iterdir():
            f.chmod(0o644)


def _check_dropped(tmp_path: Path, folder: Path) -> None:
    """Negative control: without the privileges, the child really cannot list the folder."""
    probe = _unprivileged([sys.executable, "-c", f"import os; os.listdir({str(folder)!r})"], tmp_path)
    if probe.returncode == 0:
        pytest.skip(
            "cannot drop the privilege to read any file here (no CAP_SETPCAP?), so the test cannot "
            "see an unreadable folder"
        )


@pytest.mark.parametrize(
    "argv",
    [["validate"], ["info"], ["convert", "{out}/x.json"], ["query", "members_of_alliance"]],
    ids=lambda a: a[0],
)
def test_unreadable_folder_is_one_line_and_exit_2(tmp_path, unreadable, argv):
    d = unreadable(mode_folder=0o000)
    _check_dropped(tmp_path, d)
    args = [a.replace("{out}", str(tmp_path)) for a in argv]
    cmd = (
        [sys.executable, "-m", "graphkit", args[0], *args[1:2], str(d), *args[2:]]
        if args[0] == "query"
        else [sys.executable, "-m", "graphkit", args[0], str(d), *args[1:]]
    )
    r = _unprivileged([*cmd, "-q"], tmp_path)
    assert r.returncode == 2, r
    assert "Traceback" not in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1, r.stderr
    assert f"{d}" in r.stderr and "Permission denied" in r.stderr, r.stderr


def test_unreadable_table_names_the_file(tmp_path, unreadable):
    d = unreadable(mode_file=0o000)
    probe = _unprivileged([sys.executable, "-c", f"open({str(d / 'actors.csv')!r}).read()"], tmp_path)
    if probe.returncode == 0:
        pytest.skip("cannot drop the privilege to read any file here")
    r = _unprivileged([sys.executable, "-m", "graphkit", "validate", str(d)], tmp_path)
    assert r.returncode == 1, r
    assert "Traceback" not in r.stderr
    assert f"{d / 'actors.csv'}: cannot be read (Permission denied)" in r.stderr, r.stderr
    # relationships are not checked against an unread table (no cascade of "does not resolve")
    assert "does not resolve" not in r.stderr, r.stderr


def test_folder_without_search_permission(tmp_path, unreadable):
    d = unreadable(mode_folder=0o444)  # names can be listed, files cannot be opened
    probe = _unprivileged([sys.executable, "-c", f"open({str(d / 'actors.csv')!r}).read()"], tmp_path)
    if probe.returncode == 0:
        pytest.skip("cannot drop the privilege to read any file here")
    r = _unprivileged([sys.executable, "-m", "graphkit", "info", str(d)], tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r
    assert "Permission denied" in r.stderr


# ---- class 7: malformed Neo4j URIs: one line, exit 2, never the password -----------------------

BAD_URIS = [
    (f"bolt://neo4j:{PASSWORD}@[::1", "an IPv6 address is missing its closing ']'"),
    (f"bolt://neo4j:{PASSWORD}@localhost:abc", "the port 'abc' is not a number from 1 to 65535"),
    (f"bolt://neo4j:{PASSWORD}@localhost:99999", "the port '99999' is not a number from 1 to 65535"),
    (f"bolt://neo4j:{PASSWORD}@[::1]:76x87", "the port '76x87' is not a number from 1 to 65535"),
    (f"neo4j://neo4j:{PASSWORD}@db host:7687", "holds no spaces or control characters"),
    (f"http://neo4j:{PASSWORD}@localhost:7474", "not a Neo4j URI"),
    (f"bolt://neo4j:{PASSWORD}@localhost:7687/neo4j", "has no path"),
]


@pytest.mark.parametrize(("uri", "message"), BAD_URIS, ids=[m for _, m in BAD_URIS])
@pytest.mark.parametrize(
    "command", [["info"], ["query", "members_of_alliance"], ["analyze", "-o", "{tmp}/a"]], ids=lambda c: c[0]
)
def test_malformed_neo4j_uri(tmp_path, uri, message, command):
    argv = [c.replace("{tmp}", str(tmp_path)) for c in command] + ["--neo4j-uri", uri, "-q"]
    r = run_cli(argv, subprocess=False, cwd=tmp_path)
    assert r.rc == 2, r.describe()
    assert "Traceback" not in r.output
    assert PASSWORD not in r.output
    assert message in r.stderr, r.describe()
    assert r.stderr.count("\n") == 1, r.describe()
    assert "***" in r.stderr or "@" not in uri


def test_password_from_the_option_is_never_shown(tmp_path):
    r = run_cli(
        ["info", "--neo4j-uri", "bolt://localhost:abc", "--neo4j-password", PASSWORD], subprocess=False
    )
    assert r.rc == 2 and PASSWORD not in r.output and "port 'abc'" in r.stderr


# ---- class 8: query parameters past 64 bits are refused while parsing them ---------------------


@pytest.mark.parametrize(
    ("param", "fragment"),
    [
        ("n=9223372036854775808", "'9223372036854775808' is outside the 64-bit integer range"),  # 2**63
        ("n=-9223372036854775809", "is outside the 64-bit integer range"),
        ("n:int=" + "9" * 5000, "(5,000 characters) is outside the 64-bit integer range"),
        ("n=1e999", "is too large to be a finite number"),
    ],
)
def test_parameter_out_of_range(tmp_path, param, fragment):
    q = tmp_path / "q.cypher"
    q.write_text("RETURN $n AS n\n", encoding="utf-8")
    r = run_cli(["query", str(q), "-p", param, "--cache-dir", str(tmp_path / "c"), "-q"], subprocess=False)
    assert r.rc == 2, r.describe()
    assert "--param: parameter 'n'" in r.stderr and fragment in r.stderr, r.describe()
    assert "pybind" not in r.output.lower() and "engine" not in r.stderr


def test_parameter_edges_of_the_range_pass(tmp_path):
    """-2**63 and 2**63 - 1 are 64-bit integers: both reach the engine and come back exactly."""
    q = tmp_path / "q.cypher"
    q.write_text("RETURN $n AS n\n", encoding="utf-8")
    for value in (-(2**63), 2**63 - 1):
        r = run_cli(
            ["query", str(q), "-p", f"n={value}", "-f", "json", "--cache-dir", str(tmp_path / "c"), "-q"],
            subprocess=False,
        )
        assert r.rc == 0, r.describe()
        assert f'"n": {value}' in r.stdout


# ---- class 4: the embedded engine's limits -------------------------------------------------------


def test_limits_parse():
    assert (
        parse_size("512M") == 512 * 2**20
        and parse_size("2GB") == 2 * 10**9
        and parse_size("1.5G") == 3 * 2**29
    )
    assert parse_size("0") is None and parse_seconds("0") is None and parse_seconds("2.5") == 2.5
    for bad in ("lots", "-1G", "10"):
        with pytest.raises(GraphkitError):
            parse_size(bad)
    with pytest.raises(GraphkitError):
        parse_seconds("soon")


def test_limits_from_env(monkeypatch):
    monkeypatch.setenv("GRAPHKIT_QUERY_TIMEOUT", "7")
    monkeypatch.setenv("GRAPHKIT_QUERY_MAX_MEMORY", "300M")
    assert QueryLimits.from_env() == QueryLimits(timeout=7.0, max_memory=300 * 2**20)
    assert QueryLimits.from_env(timeout="0", max_memory="2G") == QueryLimits(
        timeout=None, max_memory=2 * 2**30
    )
    monkeypatch.setenv("GRAPHKIT_QUERY_TIMEOUT", "never")
    with pytest.raises(GraphkitError, match="GRAPHKIT_QUERY_TIMEOUT: 'never' is not a number of seconds"):
        QueryLimits.from_env()


def test_bad_limit_option_is_a_clear_error(tmp_path):
    r = run_cli(["query", "members_of_alliance", "--max-memory", "lots", "-q"], subprocess=False)
    assert r.rc == 2 and "--max-memory: 'lots' is not a size" in r.stderr, r.describe()


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


def _open(cache: Path, limits: QueryLimits):
    from graphkit.cypher import EmbeddedGraph

    return EmbeddedGraph.from_dataset(gk.SAMPLE, cache_dir=cache, limits=limits)


def test_runaway_stops_at_the_memory_cap_and_the_engine_still_answers(cache):
    with _open(cache, QueryLimits(timeout=60, max_memory=256 << 20)) as db:
        _memory_runaways(db)


def _memory_runaways(db) -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    for runaway in (
        "UNWIND range(1, 100000000000) AS x RETURN count(x) AS n",
        "UNWIND range(1, 100000) AS a UNWIND range(1, 1000) AS b RETURN a, b",
    ):
        with pytest.raises(QueryError, match="needs more memory than the limit of 256 MiB"):
            db.run(runaway)
        assert resource.getrlimit(resource.RLIMIT_AS) == before  # the process's limit is restored
    # the same connection still answers, correctly: the sample has 3 threats (threats.csv)
    assert db.run("MATCH (t:Threat) RETURN count(*) AS n").rows == [(3,)]


def test_runaway_stops_at_the_time_limit(cache):
    with _open(cache, QueryLimits(timeout=2, max_memory=None)) as db:
        _time_runaway(db)


def _time_runaway(db) -> None:
    with pytest.raises(QueryError, match=r"stopped after 2 s \(the time limit\)"):
        db.run(
            "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN a, b ORDER BY a DESC LIMIT 1"
        )
    assert db.run("RETURN 40 + 2 AS n").rows == [(42,)]


def test_runaway_range_in_a_child_stays_under_4_gib(tmp_path):
    """The issue's query, as a whole command with the defaults: exit 2, a clear message, no crash.
    (The harness also caps the child's address space at 6 GiB as a safety net; it used 17.7 GB.)"""
    q = tmp_path / "q.cypher"
    q.write_text("UNWIND range(1, 100000000000) AS x RETURN count(x) AS n\n", encoding="utf-8")
    r = run_cli(["query", str(q), "--cache-dir", str(tmp_path / "c"), "-q"], subprocess=True, cwd=tmp_path)
    assert r.rc == 2, r.describe()
    assert r.peak_rss < 4 << 30
    assert "the query was stopped: it needs more memory than the limit of 1 GiB" in r.stderr


# ---- class 6: exact duplicates are counted once, or refused ----------------------------------------


def test_merged_duplicates_count_once_in_weighted_measures(tmp_path):
    """USA-GBR: 0.9 (line 4), three exact repeats of it, and one tie of 0.5. Merged: 0.9 + 0.5 = 1.4
    (before this fix the loader summed 0.9 * 4 + 0.5 = 4.1)."""
    rel = (
        BASE["relationships.csv"]
        + "USA,COOPERATES_WITH,GBR,,0.9,\n" * 2
        + "USA,COOPERATES_WITH,GBR,,0.90,\n"
        + "USA,COOPERATES_WITH,GBR,,0.5,\n"
    )
    d = _dataset(tmp_path / "d", relationships=rel)
    with pytest.raises(DatasetError) as info:
        gk.load(d)
    assert [p.line for p in info.value.problems] == [8, 9, 10]
    G = gk.load(d, duplicates="merge")
    assert G.graph["merged_duplicates"] == 3
    A = gk.graph.actor_graph(G, ["COOPERATES_WITH"], weight="weight")
    assert A["USA"]["GBR"]["weight"] == pytest.approx(1.4) and A["USA"]["GBR"]["count"] == 2


def test_parallel_ties_that_differ_are_not_duplicates(tmp_path):
    rel = BASE["relationships.csv"] + "USA,COOPERATES_WITH,GBR,2001,0.9,\nGBR,COOPERATES_WITH,USA,,0.9,\n"
    G = gk.load(_dataset(tmp_path / "d", relationships=rel))  # another year; the other direction
    assert sum(1 for *_, d in G.edges(data=True) if d["type"] == "COOPERATES_WITH") == 3


def test_an_exact_duplicate_node_row(tmp_path):
    d = _dataset(tmp_path / "d", actors=BASE["actors.csv"] + "GBR,United Kingdom,state,Europe\n")
    with pytest.raises(DatasetError, match=r"actors.csv:5: exact duplicate of line 3"):
        gk.load(d)
    assert gk.load(d, duplicates="merge").number_of_nodes() == 5


def test_duplicates_mode_is_checked():
    with pytest.raises(GraphkitError, match="duplicates='keep'"):
        gk.load(gk.SAMPLE, duplicates="keep")


# ---- class 8: invisible and look-alike ids -------------------------------------------------------


@pytest.mark.parametrize(
    ("look_alike", "latin", "cp"),
    [
        # (source, prototype) pairs as Unicode's confusables.txt 14.0.0 lists them
        ("U\u0405A", "USA", "U+0405 CYRILLIC CAPITAL LETTER DZE"),
        ("\u0441ert", "cert", "U+0441 CYRILLIC SMALL LETTER ES"),
        ("\u039d\u0391\u03a4\u039f", "NATO", None),  # GREEK CAPITAL NU, ALPHA, TAU, OMICRON
        ("\u0440\u0430ypal", "paypal", "U+0440 CYRILLIC SMALL LETTER ER"),
    ],
)
def test_skeleton_matches_unicode_confusables(look_alike, latin, cp):
    assert skeleton(look_alike) == skeleton(latin)
    assert look_alike != latin
    if cp:
        assert cp in (mixed_script_problem(look_alike) or "")


def test_single_script_and_separate_words_are_fine():
    for ok in (
        "USA",
        "\u0420\u043e\u0441\u0441\u0438\u044f",
        "actor:\u0420\u041a\u041d",
        "cap:ir",
        "Caf\u00e9",
        "APT28",
    ):
        assert id_problem(ok) is None, ok
    assert skeleton("APT1") == skeleton("APTl")  # in the table, but two ASCII ids are never reported


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("\ufeffGBR", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("G\u200dBR", "U+200D ZERO WIDTH JOINER"),
        ("GBR\u00ad", "U+00AD SOFT HYPHEN"),
        ("G\ufe0fBR", "U+FE0F VARIATION SELECTOR-16"),
        ("\u2066GBR", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("GB\tR", "U+0009 CHARACTER TABULATION"),
    ],
)
def test_invisible_characters_are_named(text, name):
    assert name in invisible_problem(text)


def test_invisible_characters_are_fine_in_names(tmp_path):
    """Only ids are refused: a zero-width joiner belongs in some scripts' names."""
    actors = BASE["actors.csv"] + "IND,\u092d\u093e\u0930\u0924 \u0915\u094d\u200d\u0937,state,Asia\n"
    G = gk.load(_dataset(tmp_path / "d", actors=actors))
    assert "\u200d" in G.nodes["IND"]["name"]


def test_lookalike_reference_names_the_id_it_resembles(tmp_path):
    rel = BASE["relationships.csv"] + "U\u0405A,COOPERATES_WITH,GBR,,,\n"
    with pytest.raises(DatasetError) as info:
        gk.load(_dataset(tmp_path / "d", relationships=rel))
    (p,) = info.value.problems
    assert p.line == 8 and "it looks like id 'USA' (actors.csv line 2)" in p.message


# ---- class 8: merge validates what it would write --------------------------------------------


def _graph(*nodes: tuple[str, str], edges=()) -> gk.nx.MultiDiGraph:
    G = gk.new_graph()
    for n, kind in nodes:
        gk.add_node(G, n, "Actor", name=n, kind=kind)
    for u, v, props in edges:
        gk.add_relationship(G, u, "COOPERATES_WITH", v, **props)
    return G


@pytest.mark.parametrize("case", ["case", "lookalike", "duplicate"])
def test_merge_refuses_what_validate_would_reject(tmp_path, case):
    if case == "case":
        a, b = _graph(("USA", "state")), _graph(("usa", "state"))
        fragment = "id 'usa' differs from id 'USA' only in case"
    elif case == "lookalike":
        # NATO in Greek capitals (one script, so valid alone) looks like NATO in Latin ones
        a, b = _graph(("NATO", "alliance")), _graph(("\u039d\u0391\u03a4\u039f", "alliance"))
        fragment = "is confusable with id 'NATO'"
    else:  # b's tie merges into a's first, which then equals a's second
        a = _graph(
            ("USA", "state"), ("GBR", "state"), edges=[("USA", "GBR", {}), ("USA", "GBR", {"weight": 0.9})]
        )
        b = _graph(("USA", "state"), ("GBR", "state"), edges=[("USA", "GBR", {"weight": 0.9})])
        fragment = "exact duplicate"
    for G in (a, b):  # each input on its own is valid
        assert not gk.graph.validate(G)
    pa, pb, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    gk.write_dataset(a, pa)
    gk.write_dataset(b, pb)
    assert run_cli(["validate", str(pa)], subprocess=False).rc == 0
    assert run_cli(["validate", str(pb)], subprocess=False).rc == 0
    r = run_cli(["merge", str(pa), str(pb), "-o", str(out), "-q"], subprocess=False)
    assert r.rc == 2 and fragment in r.stderr and "would not validate" in r.stderr, r.describe()
    assert not out.exists()


def test_merge_of_compatible_inputs_validates(tmp_path):
    a = _graph(("USA", "state"), ("GBR", "state"), edges=[("USA", "GBR", {"weight": 0.9})])
    b = _graph(("GBR", "state"), ("FRA", "state"), edges=[("GBR", "FRA", {})])
    pa, pb, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    gk.write_dataset(a, pa)
    gk.write_dataset(b, pb)
    assert run_cli(["merge", str(pa), str(pb), "-o", str(out), "-q"], subprocess=False).rc == 0
    r = run_cli(["validate", str(out)], subprocess=False)
    assert r.rc == 0 and "valid (3 nodes, 2 relationships)" in r.stdout
