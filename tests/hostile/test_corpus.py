"""Every hostile input in manifest.toml, run through the CLI: the outcome written there, no
traceback, under 30 s and 2 GiB, the input untouched and, on an error, every output path
exactly as it was."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tomllib
from pathlib import Path

import pytest
from generated import BUILDERS
from harness import MEMORY_BUDGET, TIME_BUDGET, Result, run_cli, tree_hash
from make_corpus import CORPUS, FORMULAS, SECRET, XSS
from outputs import OUT_CHECKS, OUT_COMMAND_SETS, SETUPS

import graphkit as gk

HERE = Path(__file__).resolve().parent
MANIFEST = tomllib.loads((HERE / "manifest.toml").read_text(encoding="utf-8"))["input"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SECRET_MARKERS = [
    line.split(":", 1)[0] + ":x:" for line in Path(SECRET).read_text().splitlines()[:1] if ":" in line
]

# What runs on an input. {in} is the input, {out} a folder holding outputs from an earlier
# good run (the paths an error must leave alone); an accepted input writes to new paths.
COMMAND_SETS = {
    "load": {
        "error": [
            ["validate", "{in}"],
            ["info", "{in}"],
            ["convert", "{in}", "{out}/existing.json"],
            ["convert", "{in}", "{out}/existing-dataset"],
            ["analyze", "{in}", "-o", "{out}/existing-analysis", "-q"],
            ["report", "{in}", "-o", "{out}/existing-report", "-q"],
            ["viz", "{in}", "-o", "{out}/existing.html", "-q"],
        ],
        "accept": [
            ["validate", "{in}"],
            ["info", "{in}", "--json"],
            ["convert", "{in}", "{out}/new.json"],
            ["convert", "{in}", "{out}/new-dataset"],
            ["convert", "{in}", "{out}/new.xlsx"],
            ["convert", "{in}", "{out}/new.graphml"],
            ["analyze", "{in}", "-o", "{out}/new-analysis", "-q"],
            ["report", "{in}", "-o", "{out}/new-report", "-q"],
            ["viz", "{in}", "-o", "{out}/new.html", "-q"],
            ["viz", "{in}", "-o", "{out}/new.svg", "--format", "svg", "-q"],
        ],
    },
    "import-misp": {
        "error": [["import", "misp-galaxy", "{in}", "-o", "{out}/existing-dataset", "-q"]],
        "accept": [["import", "misp-galaxy", "{in}", "-o", "{out}/new-dataset", "-q"]],
    },
    "import-stix": {
        "error": [["import", "stix", "{in}", "-o", "{out}/existing-dataset", "-q"]],
        "accept": [["import", "stix", "{in}", "-o", "{out}/new-dataset", "-q"]],
    },
    "query": {
        "error": [
            ["query", "{in}", str(CORPUS / "csv-bom-crlf"), "-q"],
            ["query", "{in}", str(CORPUS / "csv-bom-crlf"), "-f", "csv", "-q"],
        ],
    },
    "query-formulas": {
        "accept": [["query", "{in}", str(CORPUS / "csv-formula-names"), "-f", "csv", "-q"]],
    },
    # Issue 16 (input side): duplicates merged on request, a query under a short time limit.
    "load-merge-duplicates": {
        "accept": [
            ["validate", "{in}", "--merge-duplicates"],
            ["info", "{in}", "--json", "--merge-duplicates"],
            ["convert", "{in}", "{out}/new.json", "--merge-duplicates"],
            ["convert", "{in}", "{out}/new-dataset", "--merge-duplicates"],
            ["analyze", "{in}", "-o", "{out}/new-analysis", "-q", "--merge-duplicates"],
        ],
    },
}
# A big input runs as a child process (memory measured); only the commands that differ in
# how they read it, since every other command fails at the same load.
SUBPROCESS_COMMANDS = {
    "load": [["validate", "{in}"], ["convert", "{in}", "{out}/existing.json"]],
    # A million failing rows take seconds per command: one command is enough to show it.
    "validate-only": [["validate", "{in}"]],
    "query": [["query", "{in}", str(CORPUS / "csv-bom-crlf"), "-q"]],
    "import-misp": COMMAND_SETS["import-misp"]["error"],
    "import-stix": COMMAND_SETS["import-stix"]["error"],
    "query-timeout": [["query", "{in}", str(CORPUS / "csv-bom-crlf"), "-q", "--timeout", "2"]],
    "validate-merge-duplicates": [["validate", "{in}", "--merge-duplicates"]],
}


def _params():
    out = []
    for entry in MANIFEST:
        marks = []
        if entry.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=entry["xfail"]))
        if entry.get("check") in ("html_payloads",):
            marks.append(pytest.mark.browser)
        out.append(pytest.param(entry, id=entry["name"], marks=marks))
    return out


@pytest.fixture(scope="session")
def existing_outputs(tmp_path_factory) -> Path:
    """Outputs of a good run of every command, to copy where an error must leave them alone."""
    root = tmp_path_factory.mktemp("existing")
    good = CORPUS / "csv-bom-crlf"
    for argv in COMMAND_SETS["load"]["error"][2:]:
        r = run_cli([a.format(**{"in": good, "out": root}) for a in argv], subprocess=False)
        assert r.rc == 0, r.describe()
    return root


def test_manifest_lists_every_input_once():
    names = [e["name"] for e in MANIFEST]
    assert len(names) == len(set(names))
    on_disk = {p.name for p in CORPUS.iterdir()}
    committed = {e["name"] for e in MANIFEST if not e.get("generated") and not e.get("input")}
    assert committed == on_disk
    assert {e["input"] for e in MANIFEST if e.get("input")} <= on_disk
    assert {e["setup"] for e in MANIFEST if e.get("setup")} <= set(SETUPS)
    assert {e["name"] for e in MANIFEST if e.get("generated")} <= set(BUILDERS)
    for e in MANIFEST:
        assert e["expect"] in ("error", "accept"), e
        assert e.get("messages") if e["expect"] == "error" else e.get("why"), e
    assert len(MANIFEST) >= 40


@pytest.mark.parametrize("entry", _params())
def test_hostile_input(entry, tmp_path, existing_outputs, request, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path / "cache"))
    if entry.get("generated"):
        src = BUILDERS[entry["name"]](_mkdir(tmp_path / "in"))
    else:
        src = tmp_path / "in" / entry.get("input", entry["name"])
        _copy(CORPUS / entry.get("input", entry["name"]), src)
    out = tmp_path / "out"
    shutil.copytree(existing_outputs, out)
    if entry.get("setup"):  # an output-side case: what the user has at the output paths
        SETUPS[entry["setup"]](out, request)
    expect = entry["expect"]
    child = bool(entry.get("subprocess"))
    commands = entry.get("commands", "load")
    argvs = SUBPROCESS_COMMANDS[commands] if child else {**COMMAND_SETS, **OUT_COMMAND_SETS}[commands][expect]
    before_in, before_out = tree_hash(src), tree_hash(out)
    results: list[Result] = []
    for argv in argvs:
        argv = [a.format(**{"in": src, "out": out}) for a in argv]
        r = run_cli(argv, subprocess=child, cwd=tmp_path)
        results.append(r)
        text = r.output
        assert "Traceback" not in text, r.describe()
        assert r.wall < TIME_BUDGET, r.describe()
        if r.peak_rss is not None:
            assert r.peak_rss < MEMORY_BUDGET, r.describe()
        assert "out of memory" not in text, r.describe()
        for marker in SECRET_MARKERS:
            assert marker not in text, f"{SECRET} leaked into the output\n{r.describe()}"
        if expect == "error":
            assert r.rc in (1, 2), r.describe()
            for message in entry["messages"]:
                assert message.replace("{in}", str(src)) in text, f"missing {message!r}\n{r.describe()}"
        else:
            assert r.rc == 0, r.describe()
    assert tree_hash(src) == before_in, "the input was changed"
    stray = {p.name for p in tmp_path.iterdir()} - {"in", "out", "cache"}
    assert not stray, f"a command wrote outside its output path: {sorted(stray)}"
    if expect == "error":
        assert tree_hash(out) == before_out, "an output path was changed by a failing command"
    assert not list(tmp_path.rglob(".*.tmp-*")), "a temporary file or folder was left behind"
    for f in out.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert not any(m.encode() in data for m in SECRET_MARKERS), f"{SECRET} leaked into {f}"
    if entry.get("check"):
        CHECKS[entry["check"]](src, out, request, results)


# ---- checks of accepted inputs ----------------------------------------------------------------


def check_bom_crlf(src: Path, out: Path, request, results) -> None:
    G = gk.load(out / "new.json")
    assert G.nodes["USA"]["name"] == "United States"  # no BOM in the id header or cells, no \r in values
    assert G.nodes["NATO"].get("region") is None
    assert gk.graph_diff(G, gk.load(out / "new-dataset")) == []


def check_member_cycle(src: Path, out: Path, request, results) -> None:
    G = gk.load(out / "new.json")
    member = {(u, v) for u, v, _ in gk.graph.relationships_of(G, "MEMBER_OF")}
    assert ("NATO", "USA") in member and ("USA", "NATO") in member
    assert (out / "new-analysis" / "summary.json").is_file()
    assert (out / "new-report" / "index.html").is_file()


def check_duplicates_merged(src: Path, out: Path, request, results) -> None:
    """Exact duplicates are kept once; a parallel tie with another weight stays."""
    for path in (out / "new.json", out / "new-dataset"):
        G = gk.load(path)
        ties = sorted(d.get("weight") for u, v, d in gk.graph.relationships_of(G, "COOPERATES_WITH"))
        assert ties == [0.5, 0.9], (path, ties)
        assert sum(1 for _ in gk.graph.relationships_of(G, "MEMBER_OF")) == 2, path
    assert "merged 3 exact duplicate" in results[0].output, results[0].describe()


def check_five_nodes(src: Path, out: Path, request, results) -> None:
    G = gk.load(out / "new.json")
    assert sorted(G) == sorted(["USA", "GBR", "NATO", "cap:ir", "threat:apt28"])
    assert G.nodes["GBR"]["region"] == "Europe"  # column D, outside a stale dimension


def check_html_payloads(src: Path, out: Path, request, results) -> None:
    names = {d["name"] for _, d in gk.load(out / "new.json").nodes(data=True)}
    assert set(XSS) <= names, "a payload was changed on the way through"
    page_for = request.getfixturevalue("page_for")
    for page in ("new-report/index.html", "new.html", "new.svg"):
        text = (out / page).read_text(encoding="utf-8")
        for payload in XSS:
            if "<" in payload:
                assert payload not in text, f"unescaped in {page}: {payload}"
        loaded = page_for(out / page)
        loaded.page.wait_for_timeout(1000)  # let the graph draw its labels
        assert loaded.dialogs == [], f"a payload ran in the browser: {page}"
        assert loaded.page_errors == [], page
        assert loaded.external_requests == [], page
        # <img src=x onerror=...> parsed as HTML would fetch ./x, even where a sandbox
        # (the report's iframe) keeps alert() from opening a dialog.
        assert not [u for u in loaded.requests if u.endswith("/x")], f"a payload was parsed as HTML: {page}"
    _no_formula_in_csv(out)


def check_formula_payloads(src: Path, out: Path, request, results) -> None:
    for path in (out / "new-dataset", out / "new.xlsx", out / "new.json", out / "new.graphml"):
        names = {d["name"] for _, d in gk.load(path).nodes(data=True)}
        assert set(FORMULAS) <= names, f"a formula changed on the way through {path.name}"
    _no_formula_in_csv(out)
    import openpyxl

    wb = openpyxl.load_workbook(out / "new.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"


def check_imported_payloads(src: Path, out: Path, request, results) -> None:
    names = {d["name"] for _, d in gk.load(out / "new-dataset").nodes(data=True)}
    assert {s.strip() for s in XSS + FORMULAS} <= names  # importers strip outer white space
    _no_formula_in_csv(out)


def check_query_csv_escaped(src: Path, out: Path, request, results) -> None:
    rows = list(csv.reader(io.StringIO(results[0].stdout)))
    names = [r[0] for r in rows[1:]]
    assert len(names) == 9
    for cell in names:
        assert not cell.startswith(FORMULA_START), f"formula survives into CSV output: {cell!r}"
    assert {n[1:] if n.startswith("'") else n for n in names} >= set(FORMULAS)


def _no_formula_in_csv(root: Path) -> None:
    """No CSV cell anywhere under ``root`` starts like a formula, unless it is a plain number."""
    for f in root.rglob("*.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.reader(fh), start=1):
                for cell in row:
                    if cell.startswith(FORMULA_START) and not _is_number(cell):
                        raise AssertionError(f"{f}:{line}: formula survives into a CSV cell: {cell!r}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


CHECKS = {name[len("check_") :]: fn for name, fn in globals().items() if name.startswith("check_")}
CHECKS.update(OUT_CHECKS)  # the output side (outputs.py)


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst)
    else:
        shutil.copyfile(src, dst)


def _mkdir(p: Path) -> Path:
    p.mkdir(parents=True)
    return p


def test_summary_json_of_accepted_input_is_json(tmp_path):
    """`info --json` on an accepted hostile input prints one JSON object (nothing else on stdout)."""
    r = run_cli(["info", str(CORPUS / "csv-html-names"), "--json"], subprocess=False)
    assert r.rc == 0 and json.loads(r.stdout)["nodes"]["Actor"] == 9


@pytest.mark.browser
def test_browser_check_sees_a_payload_that_runs(tmp_path, page_for):
    """Negative control: the same payloads pasted raw into a page do fire, and are seen."""
    page = tmp_path / "raw.html"
    page.write_text("<html><body>" + "".join(f"<p>{p}</p>" for p in XSS) + "</body></html>", encoding="utf-8")
    loaded = page_for(page)
    loaded.page.wait_for_timeout(500)
    assert loaded.dialogs, "alert() from a raw payload was not seen"
    assert [u for u in loaded.requests if u.endswith("/x")]
