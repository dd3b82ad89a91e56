"""Issue 31, the third hostile round: real processes, signals, a full device and a stalling Bolt server.

Each test reproduces one class of the round with its own input (not the held-out cases)
and checks the outcome against what it must be, worked out by hand: the user's files
byte for byte, the exit code, the one line of the message, the objects a STIX reader
keeps under the versioning rules of STIX 2.1 (section 3.6: the newest ``modified``).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from bolt_stub import BoltStub
from make_corpus import BASE

import graphkit as gk

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _dataset(root: Path) -> Path:
    root.mkdir(parents=True)
    for name, text in BASE.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _gk(*argv: str | os.PathLike, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, "-m", "graphkit", *map(os.fsdecode, argv)],
        capture_output=True,
        env={**ENV, **(env or {})},
        timeout=120,
        **kw,
    )


def _text(done: subprocess.CompletedProcess) -> str:
    return (done.stdout + done.stderr).decode("utf-8", "replace")


def _tree(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def _no_traceback(done: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr, _text(done)


# ---- 1. temporary names never collide with, or remove, a user's files ------------------------


def test_a_users_folders_named_like_temporaries_survive(tmp_path):
    backup = tmp_path / ".out.json.tmp-4000000-my backup"
    backup.mkdir()
    (backup / "notes.txt").write_text("precious")
    data = _dataset(tmp_path / "data")
    assert _gk("convert", data, tmp_path / "out.json").returncode == 0
    drafts = data / ".graphkit.tmp-4000001-drafts"
    drafts.mkdir()
    (drafts / "draft.csv").write_text("mine")
    assert _gk("convert", tmp_path / "out.json", data).returncode == 0  # into the dataset folder
    assert (backup / "notes.txt").read_text() == "precious"
    assert (drafts / "draft.csv").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == [backup.name, "data", "out.json"]


# ---- 2. outputs replaced only when complete, including the PDF ---------------------------------

FAKE_CHROMIUM = """#!/bin/sh
for a in "$@"; do case "$a" in --print-to-pdf=*) out="${a#--print-to-pdf=}";; esac; done
case "$FAKE_MODE" in
  empty) exit 0;;
  slow) printf '%%PDF-1.4 partial' > "$out"; exec sleep 60;;  # still printing when killed
  *) printf '%%PDF-1.4\\n%%fake\\n' > "$out";;
esac
"""


@pytest.fixture
def chromium(tmp_path):
    exe = tmp_path / "fake-chromium"
    exe.write_text(FAKE_CHROMIUM)
    exe.chmod(0o755)
    return {"GRAPHKIT_CHROMIUM": str(exe)}


def test_pdf_report_rerun_failure_and_kill_leave_a_whole_report(tmp_path, chromium):
    data, out = _dataset(tmp_path / "data"), tmp_path / "report"
    argv = ("report", data, "-o", out, "--pdf", "--perturb", "0", "-q")
    first = _gk(*argv, env=chromium)
    assert first.returncode == 0, _text(first)
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF-")
    again = _gk(*argv, env=chromium)  # a second time into its own report folder
    assert again.returncode == 0, _text(again)
    before = _tree(out)
    empty = _gk(*argv, env={**chromium, "FAKE_MODE": "empty"})  # the browser prints nothing
    assert empty.returncode == 2 and b"could not print" in empty.stderr
    _no_traceback(empty)
    assert _tree(out) == before
    slow = subprocess.Popen(
        [PY, "-m", "graphkit", *map(str, argv)],
        env={**ENV, **chromium, "FAKE_MODE": "slow"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    printing = _wait_for_child(slow.pid, "sleep", 90)  # the browser, printing (exec'd into sleep)
    slow.kill()  # SIGKILL while the browser prints
    slow.wait()
    assert _tree(out) == before  # the old report, whole, and no temporary PDF inside it
    assert _gone(printing), "the browser outlived graphkit"


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _wait_for_child(pid: int, name: str, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for child in _children(pid):
            try:
                if name in Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace"):
                    return child
            except OSError:
                pass
        time.sleep(0.1)
    raise AssertionError(f"no {name} child appeared within {seconds} s")


def _gone(pid: int, seconds: float = 5.0) -> bool:
    """True once ``pid`` has ended (exited, or a zombie waiting for its reaper)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


WORKERS = """
import sys, numpy as np
from graphkit.analysis.parallel import betweenness_from_sources
rng = np.random.default_rng(1); n = 20000
src, dst = rng.integers(0, n, 80000), rng.integers(0, n, 80000)
print("go", flush=True)
betweenness_from_sources(n, src, dst, None, range(n), jobs=2)
"""


def test_worker_processes_die_with_a_killed_parent():
    parent = subprocess.Popen([PY, "-c", WORKERS], env=ENV, stdout=subprocess.PIPE)
    assert parent.stdout.readline().strip() == b"go"
    deadline = time.monotonic() + 60
    while len(_children(parent.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = _children(parent.pid)
    assert len(workers) >= 2
    parent.kill()
    parent.wait()
    assert all(_gone(w) for w in workers), "a worker outlived its parent"


def test_sigint_during_an_xlsx_conversion_is_one_line_and_130(tmp_path):
    from benchmarks.synthetic import synthetic_graph

    sys.path.insert(0, str(ROOT))
    big = tmp_path / "big.json"
    gk.write(synthetic_graph(6000, seed=2, coop_edges_per_actor=3), big)
    for delay in (1.0, 2.5):
        child = subprocess.Popen(
            [PY, "-m", "graphkit", "convert", str(big), str(tmp_path / "x.xlsx")],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        time.sleep(delay)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
        if child.returncode == 0:  # finished before the signal: nothing to check
            continue
        assert child.returncode == 130, err
        assert err.decode().strip().splitlines()[-1] == "graphkit convert: interrupted"
        assert b"Traceback" not in err and b"Exception ignored" not in err
        assert not (tmp_path / "x.xlsx").exists() or zipfile.is_zipfile(tmp_path / "x.xlsx")


# ---- 3. the embedded cache answers only for the data it was built from ------------------------


def test_a_graph_loaded_while_its_dataset_was_rewritten_is_not_cached(tmp_path):
    from graphkit.loaders import load
    from graphkit.stores.embedded import EmbeddedDatabase, dataset_fingerprint

    data = _dataset(tmp_path / "data")
    actors = (data / "actors.csv").read_text()
    key = dataset_fingerprint(data)
    # a writer replaces actors.csv (with the same bytes: only the file's identity changes,
    # as when it went to another version and back while the graph was loaded)
    (data / "new.csv.part").write_text(actors)
    os.replace(data / "new.csv.part", data / "actors.csv")
    G = load(data)
    actors_in_g = sum(1 for _, d in G.nodes(data=True) if d["label"] == "Actor")
    with EmbeddedDatabase.build_cached(G, key, cache_dir=tmp_path / "cache") as db:
        assert db.execute("MATCH (a:Actor) RETURN count(*) AS n")[1] == [(actors_in_g,)]  # answers from G
        assert db.rebuilt
    assert not (tmp_path / "cache" / "embedded" / f"{key}.lbdb").exists()
    assert list((tmp_path / "cache" / "embedded").iterdir()) == []  # the scratch database is gone
    # unchanged since the fingerprint: cached as before
    key = dataset_fingerprint(data)
    with EmbeddedDatabase.build_cached(load(data), key, cache_dir=tmp_path / "cache"):
        pass
    assert (tmp_path / "cache" / "embedded" / f"{key}.lbdb").is_file()


def test_load_unchanged_retries_until_the_dataset_holds_still(tmp_path):
    from graphkit.errors import StoreError
    from graphkit.loaders import load
    from graphkit.stores.embedded import dataset_fingerprint, load_unchanged

    data = _dataset(tmp_path / "data")
    calls = []

    def rewriting_load():
        calls.append(1)
        if len(calls) < 3:  # the first two loads race a writer
            (data / "a.part").write_text((data / "actors.csv").read_text())
            os.replace(data / "a.part", data / "actors.csv")
        return load(data)

    key, G = load_unchanged(data, rewriting_load)
    assert (
        len(calls) == 3
        and key == dataset_fingerprint(data)
        and G.number_of_nodes() == gk.load(data).number_of_nodes()
    )
    calls.clear()
    with pytest.raises(StoreError, match="changed while it was being read"):
        load_unchanged(data, rewriting_load, attempts=2)


# ---- 4. streams and terminals ------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("info", "{d}"),
        ("validate", "{d}"),
        ("query", "cooperation_partners", "{d}", "-q"),
        ("recommend", "{d}", "USA"),
    ],
    ids=["info", "validate", "query", "recommend"],
)
def test_a_full_stdout_is_one_line_and_exit_2(tmp_path, argv):
    data = _dataset(tmp_path / "data")
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [PY, "-m", "graphkit", *(a.format(d=data) for a in argv)],
            stdout=full,
            stderr=subprocess.PIPE,
            env={**ENV, "GRAPHKIT_CACHE_DIR": str(tmp_path / "cache")},
            timeout=120,
        )
    assert done.returncode == 2
    lines = done.stderr.decode().strip().splitlines()
    assert (
        lines[-1]
        == f"graphkit {argv[0]}: error: cannot write to standard output (No space left on device); the output is incomplete"
    )
    _no_traceback(done)


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["info", "--help"]])
def test_help_to_a_full_stdout_is_an_error_too(argv):
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [PY, "-m", "graphkit", *argv], stdout=full, stderr=subprocess.PIPE, env=ENV, timeout=60
        )
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        "graphkit: error: cannot write to standard output (No space left on device); the output is incomplete"
    )


def test_a_closed_stdout_is_an_error_not_silence(tmp_path):
    data = _dataset(tmp_path / "data")
    done = subprocess.run(
        [PY, "-m", "graphkit", "info", str(data)],
        stderr=subprocess.PIPE,
        env=ENV,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 2 and b"standard output is closed" in done.stderr
    _no_traceback(done)


def test_shell_with_stdin_closed_or_not_utf8(tmp_path):
    data = _dataset(tmp_path / "data")
    env = {**ENV, "GRAPHKIT_CACHE_DIR": str(tmp_path / "cache")}
    closed = subprocess.run(
        [PY, "-m", "graphkit", "shell", str(data), "-q"],
        capture_output=True,
        env=env,
        timeout=120,
        preexec_fn=lambda: os.close(0),
    )
    assert closed.returncode == 0, _text(closed)
    _no_traceback(closed)
    bad = subprocess.run(
        [PY, "-m", "graphkit", "shell", str(data), "-q"],
        capture_output=True,
        env=env,
        timeout=120,
        input=b"MATCH (a:Actor) RETURN '\xff\xfe' AS x;\n",
    )
    assert bad.returncode == 2
    assert (
        bad.stderr.decode()
        .strip()
        .splitlines()[-1]
        .startswith("graphkit shell: error: standard input is not UTF-8 (byte 0xff")
    )
    _no_traceback(bad)


def test_control_characters_in_a_file_name_are_shown_not_sent(tmp_path):
    name = tmp_path / "evil\x1b]0;pwned\x07\r\x9bname.json"
    done = _gk("info", name)
    assert done.returncode == 2
    assert not any(c in done.stderr for c in (b"\x1b", b"\x07", b"\r", "\x9b".encode()))
    assert b"evil\\x1b]0;pwned\\x07\\r\\x9bname.json" in done.stderr


def test_a_dataset_folder_whose_name_is_not_utf8(tmp_path):
    data = _dataset(Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9-data")))
    out = Path(os.fsdecode(bytes(tmp_path) + b"/rep\xff"))
    done = _gk("report", data, "-o", out, "--perturb", "0", "-q")
    assert done.returncode == 0, _text(done)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["report"]["dataset"].endswith("caf\\xe9-data")
    bad = _gk("info", Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9-missing")))
    assert bad.returncode == 2 and b"caf\\xe9-missing" in bad.stderr


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e400"])
def test_resolution_must_be_finite_and_positive(tmp_path, value):
    done = _gk("report", _dataset(tmp_path / "d"), "-o", tmp_path / "r", f"--resolution={value}", "-q")
    assert done.returncode == 2 and b"--resolution: must be a finite number above 0" in done.stderr
    _no_traceback(done)
    assert not (tmp_path / "r").exists()


# ---- 5. bounded parsing ------------------------------------------------------------------------

SST_REL = (
    b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/>'
)


def _strings_bomb(tmp_path: Path, strings: int) -> Path:
    good, bomb = tmp_path / "good.xlsx", tmp_path / "bomb.xlsx"
    gk.write(gk.load(gk.SAMPLE), good)
    with zipfile.ZipFile(good) as z, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as w:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", SST_REL + b"</Relationships>")
            w.writestr(info.filename, data)
        with w.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            block = b"<si><t>B</t></si>" * 10_000
            for _ in range(strings // 10_000):
                f.write(block)
            f.write(b"</sst>")
    return bomb


def test_a_shared_strings_bomb_is_refused_from_the_headers(tmp_path):
    bomb = _strings_bomb(tmp_path, 20_000_000)  # 340 MB of strings in well under 1 MB
    assert bomb.stat().st_size < 1_000_000
    done = _gk("validate", bomb)
    assert done.returncode == 2
    assert (
        b"part xl/sharedStrings.xml unpacks to 340,000," in done.stderr
        and b"is it a zip bomb?" in done.stderr
    )


def _graphml_with_types(tmp_path: Path, types_text: str) -> Path:
    import html
    import re

    src = tmp_path / "s.graphml"
    gk.write(gk.load(gk.SAMPLE), src)
    text = src.read_text()
    m = re.search(r'<data key="(\w+)">(\{[^<]*\})</data>', text)
    out = tmp_path / "t.graphml"
    out.write_text(text.replace(m.group(0), f'<data key="{m.group(1)}">{html.escape(types_text)}</data>'))
    return out


@pytest.mark.parametrize(
    ("types_text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "graph attribute graphkit_types: JSON nested deeper than 64 levels"),
        ('{"node:name": 7}', "graph attribute graphkit_types: 'node:name' has type 'int', not one of"),
        ('{"node:name": "blob"}', "graph attribute graphkit_types: 'node:name' has type 'blob', not one of"),
        ('{"name": "string"}', "graph attribute graphkit_types: key 'name' is not node:NAME or edge:NAME"),
        ('"string"', "graph attribute graphkit_types is not a JSON object"),
    ],
    ids=["deep", "number", "unknown", "key", "not-object"],
)
def test_graphkit_types_are_checked_as_hostile_input(tmp_path, types_text, message):
    path = _graphml_with_types(tmp_path, types_text)
    with pytest.raises(gk.GraphkitError, match=message.replace("[", r"\[").replace("(", r"\(")) as caught:
        gk.load(path)
    assert str(path) in str(caught.value)


def test_a_node_with_100000_properties_is_refused_before_writing(tmp_path):
    doc = json.loads(gk.write(gk.load(gk.SAMPLE), tmp_path / "s.json").read_text())
    doc["nodes"][0]["properties"].update({f"p{i}": i for i in range(100_000)})
    wide = tmp_path / "wide.json"
    wide.write_text(json.dumps(doc))
    done = _gk("convert", wide, tmp_path / "w.xlsx")
    assert done.returncode == 2
    assert b"nodes[0]: has 100,005 properties; at most 990 are allowed" in done.stderr
    assert not (tmp_path / "w.xlsx").exists()
    # 14 actors with 100 properties each: fine one by one, 1,409 columns together
    doc = json.loads((tmp_path / "s.json").read_text())
    for j, node in enumerate(n for n in doc["nodes"] if n["label"] == "Actor"):
        node["properties"].update({f"q{j}_{i}": i for i in range(100)})
    union = tmp_path / "union.json"
    union.write_text(json.dumps(doc))
    for out in (tmp_path / "u.xlsx", tmp_path / "u"):
        done = _gk("convert", union, out)
        assert done.returncode == 2 and b"actors.csv: would have 1,409 columns" in done.stderr
        assert not out.exists()


def test_a_gexf_hierarchy_is_refused_by_name(tmp_path):
    import re

    src = tmp_path / "s.gexf"
    gk.write(gk.load(gk.SAMPLE), src)
    text = src.read_text()
    m = re.search(r'(<node id="([^"]*)"[^>]*>)(.*?)(</node>)', text, re.S)
    nested = m.group(1) + m.group(3) + '<nodes><node id="INNER" label="Inner"/></nodes>' + m.group(4)
    (tmp_path / "h.gexf").write_text(text.replace(m.group(0), nested, 1))
    with pytest.raises(
        gk.GraphkitError, match=f"node 'INNER' is inside node '{m.group(2)}': a GEXF hierarchy"
    ):
        gk.load(tmp_path / "h.gexf")


def test_json_nesting_check_is_linear_on_escaped_quotes(tmp_path):
    from graphkit.loaders.graphfile import check_json_depth

    text = '{"a": "' + '\\"' * 200_000  # 400 KB, never closed
    check_json_depth(text, "x.json")  # one pass (was one pass per quote: minutes)
    path = tmp_path / "q.json"
    path.write_text(text)
    with pytest.raises(gk.GraphkitError, match="q.json:1: not valid JSON"):
        gk.load(path)


def test_a_subnormal_weight_is_refused_not_an_empty_pagerank(tmp_path):
    rels = BASE["relationships.csv"].splitlines()
    header = rels[0].split(",")
    w = header.index("weight")
    rows = [
        ",".join(c if i != w or not c else "5e-324" for i, c in enumerate(r.split(","))) for r in rels[1:]
    ]
    data = _dataset(tmp_path / "d")
    (data / "relationships.csv").write_text("\n".join([rels[0], *rows]) + "\n")
    done = _gk("analyze", data, "--weight", "weight", "-o", tmp_path / "a", "-q")
    assert done.returncode == 2 and b"= 5e-324 is too small to compute with" in done.stderr
    assert not (tmp_path / "a").exists()


# ---- 6. STIX 2.1 versioning and feed hygiene ---------------------------------------------------

SET = "intrusion-set--11111111-1111-4111-8111-111111111111"
LOC = "location--22222222-2222-4222-8222-222222222222"


def _bundle(path: Path, *objects: dict) -> Path:
    path.write_text(
        json.dumps(
            {"type": "bundle", "id": "bundle--44444444-4444-4444-8444-444444444444", "objects": list(objects)}
        )
    )
    return path


def _obj(kind: str, oid: str, day: int, **fields) -> dict:
    stamp = f"2024-01-{day:02d}T00:00:00.000Z"
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": oid,
        "created": "2024-01-01T00:00:00.000Z",
        "modified": stamp,
        **fields,
    }


def _feed(tmp_path: Path, file: str, set_day: int = 1, **set_fields) -> Path:
    return _bundle(
        tmp_path / file,
        _obj("intrusion-set", SET, set_day, **{"name": "Old name", **set_fields}),
        _obj("location", LOC, 1, country="EE", name="Estonia"),
        _obj(
            "relationship",
            "relationship--33333333-3333-4333-8333-333333333333",
            1,
            relationship_type="targets",
            source_ref=SET,
            target_ref=LOC,
        ),
    )


def test_overlapping_feeds_import_one_object_that_validates(tmp_path):
    from graphkit.loaders.stix import load_stix

    a, b = _feed(tmp_path, "a.json"), _feed(tmp_path, "b.json")
    result = load_stix([a, b])
    assert sorted(result.graph.nodes) == ["EST", SET] and result.graph.number_of_edges() == 1
    assert (
        result.skipped[
            "repeated copies of a STIX object (same id and modified, e.g. overlapping feeds): one kept"
        ]
        == 3
    )
    done = _gk("import", "stix", a, b, "-o", tmp_path / "out", "-q")
    assert done.returncode == 0, _text(done)
    assert _gk("validate", tmp_path / "out").returncode == 0


def test_the_newest_version_wins_and_a_revoked_one_removes_the_object(tmp_path):
    from graphkit.loaders.stix import load_stix

    old = _feed(tmp_path, "old.json")
    new = _feed(tmp_path, "new.json", set_day=3, name="New name")
    for order in ([old, new], [new, old]):
        G = load_stix(order).graph
        assert G.nodes[SET]["name"] == "New name"
    revoked = _bundle(tmp_path / "revoked.json", _obj("intrusion-set", SET, 5, name="New name", revoked=True))
    result = load_stix([old, revoked, new])
    assert SET not in result.graph
    assert result.skipped["revoked or deprecated intrusion-set objects"] == 1
    assert (
        result.skipped[
            "older versions of a STIX object (a newer 'modified' of the same id was read): newest kept"
        ]
        == 2
    )


def test_unresolved_references_are_capped_and_a_huge_field_names_the_file(tmp_path):
    refs = [
        _obj(
            "relationship",
            f"relationship--{i:08d}-3333-4333-8333-333333333333",
            1,
            relationship_type="targets",
            source_ref=SET,
            target_ref=f"identity--{i:08d}-0000-4000-8000-000000000000",
        )
        for i in range(5000)
    ]
    many = _bundle(tmp_path / "many.json", _obj("intrusion-set", SET, 1, name="A set"), *refs)
    done = _gk("import", "stix", many, "-o", tmp_path / "o")
    line = next(x for x in done.stdout.decode().splitlines() if "matched no actor" in x)
    assert line.startswith("5000 names matched no actor (5000 mentions): identity--")
    assert line.endswith(", ... and 4980 more") and len(line) < 2000
    big = _bundle(
        tmp_path / "big.json", _obj("intrusion-set", SET, 1, name="A set", description="x" * 2_000_000)
    )
    done = _gk("import", "stix", big, "-o", tmp_path / "o2")
    assert done.returncode == 2 and f"{big}: {SET}: ".encode() in done.stderr


# ---- 7. Bolt servers that stall, drip or repeat the credentials ---------------------------------


@pytest.mark.parametrize("mode", ["silent", "stall", "stall-query", "drip-query"])
def test_a_stalling_bolt_server_times_out(tmp_path, mode):
    stub = BoltStub(mode, drip=1.0)
    try:
        start = time.monotonic()
        done = _gk(
            "info",
            "--neo4j-uri",
            f"bolt://127.0.0.1:{stub.port}",
            "--neo4j-password",
            "pw",
            env={"GRAPHKIT_NEO4J_TIMEOUT": "4", "GRAPHKIT_NEO4J_CONNECT_TIMEOUT": "3"},
        )
        took = time.monotonic() - start
    finally:
        stub.close()
    assert done.returncode == 2, _text(done)
    assert done.stderr.startswith(f"graphkit info: error: bolt://127.0.0.1:{stub.port}: ".encode())
    assert took < 60  # bounded (4 s deadline plus start-up), not a wait for ever
    _no_traceback(done)


def test_credentials_a_server_repeats_are_masked_in_every_encoding(tmp_path):
    password = 'p"w/é%41 x'
    stub = BoltStub("echo")
    try:
        done = _gk("info", "--neo4j-uri", f"bolt://127.0.0.1:{stub.port}", "--neo4j-password", password)
    finally:
        stub.close()
    text = _text(done)
    assert done.returncode == 2 and "authentication failed" in text
    from urllib.parse import quote

    for form in (password, json.dumps(password)[1:-1], quote(password, safe=""), "é%41"):
        assert form not in text, form
    assert text.count("***") >= 3
