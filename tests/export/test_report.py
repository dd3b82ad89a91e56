"""`graphkit report` end to end: the folder it writes, --focus, an interrupted run, hostile names, a real browser."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import graphkit as gk
from graphkit.cli import main
from graphkit.export.report import REPORT_MARKER

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "data" / "cyber-multilateral"
XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'
SCRIPT = "</script><script>alert(2)</script>"


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("r") / "sample"
    assert main(["report", str(gk.SAMPLE), "-o", str(out), "--quiet", "--top", "5"]) == 0
    return out


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """The sample with hostile names: a formula, an XSS payload, a script breaker, Markdown."""
    G = gk.load(gk.SAMPLE)
    G.nodes["USA"]["name"] = FORMULA
    G.nodes["NATO"]["name"] = XSS
    G.nodes["GBR"]["name"] = SCRIPT
    G.nodes["DEU"]["name"] = "| [click](http://evil.example) |"
    G.nodes["cap:threat_intel"]["name"] = "@SUM(1+1)"
    G.nodes["threat:apt28"]["name"] = "+APT28 <b>bold</b>"
    base = tmp_path_factory.mktemp("hostile")
    gk.write_dataset(G, base / "data")
    out = base / "report"
    assert main(["report", str(base / "data"), "-o", str(out), "--quiet"]) == 0
    return out


def test_report_folder_holds_page_markdown_figures_and_tables(sample_report):
    names = {p.relative_to(sample_report).as_posix() for p in sample_report.rglob("*") if p.is_file()}
    for expected in (
        "index.html",
        "report.md",
        REPORT_MARKER,
        "summary.json",
        "centrality.csv",
        "clusters.csv",
        "gaps.csv",
        "partner_recommendations.csv",
        "figures/network.png",
        "figures/gaps-heatmap.svg",
        "figures/centrality.svg",
    ):
        assert expected in names, sorted(names)
    md = (sample_report / "report.md").read_text(encoding="utf-8")
    for fig in ("figures/network.png", "figures/gaps-heatmap.svg", "figures/centrality.svg"):
        assert f"]({fig})" in md
    # the sample's facts, counted by hand from data/sample: 14 actors, 5 capabilities, 3 threats
    assert "| Actor | 14 |" in md and "| Capability | 5 |" in md and "| Threat | 3 |" in md
    page = (sample_report / "index.html").read_text(encoding="utf-8")
    assert "Methods" in page and "networkx" in page and "igraph" in page and "pandas" in page


def test_quiet_is_silent_and_progress_is_shown_otherwise(tmp_path, capsys):
    assert main(["report", str(gk.SAMPLE), "-o", str(tmp_path / "q"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["report", str(gk.SAMPLE), "-o", str(tmp_path / "v")]) == 0
    err = capsys.readouterr().err
    assert "analysing the network" in err and "drawing figures" in err and "index.html" in err


def test_a_second_run_replaces_an_earlier_report(sample_report, tmp_path):
    out = tmp_path / "again"
    assert main(["report", str(gk.SAMPLE), "-o", str(out), "--quiet", "--title", "title-one"]) == 0
    assert main(["report", str(gk.SAMPLE), "-o", str(out), "--quiet", "--title", "title-two"]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>title-two</title>" in page and "title-one" not in page
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folders left


def test_a_foreign_folder_is_refused_with_exit_2(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["report", str(gk.SAMPLE), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "not a graphkit report" in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--focus", "ATLANTIS"], "no actor with this id"),
        (["--focus", "cap:attribution"], "not an Actor"),
    ],
)
def test_bad_options_exit_2_with_a_message(tmp_path, capsys, args, message):
    assert main(["report", str(gk.SAMPLE), "-o", str(tmp_path / "x"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_focus_on_nato_is_about_its_members_gaps_and_partners(tmp_path):
    out = tmp_path / "nato"
    assert main(["report", str(gk.SAMPLE), "-o", str(out), "--quiet", "--focus", "NATO"]) == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    G = gk.load(gk.SAMPLE)
    members = sorted(u for u, v, d in G.in_edges("NATO", data=True) if d["type"] == "MEMBER_OF")
    assert members == ["CAN", "DEU", "EST", "FRA", "GBR", "USA"]  # data/sample/relationships.csv
    section = md.split("## Members of North Atlantic Treaty Organization")[1].split("\n## ")[0]
    for m in members:
        assert f"| {G.nodes[m]['name']} |" in section
    assert "## Gaps of North Atlantic Treaty Organization" in md
    assert "## Partner recommendations" in md and "Partners for North Atlantic Treaty Organization" in md
    assert md.index("## About North Atlantic Treaty Organization") < md.index("## The data")
    rec = _dict_rows(out / "partner_recommendations.csv")
    assert {r["for_actor"] for r in rec} <= {"NATO"}


def test_hostile_names_are_neutralised_in_every_csv(hostile_report):
    found = 0
    for f in sorted(hostile_report.glob("*.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@")), (f.name, cell)
                    if cell.lstrip("'").startswith(FORMULA):
                        assert cell.startswith("'" + FORMULA), (f.name, cell)
                        found += 1
    assert found >= 5  # centrality, clusters, cluster_summary, gaps, gap_summary ... all name USA


def test_hostile_names_cannot_break_the_markdown(hostile_report):
    from markdown_it import MarkdownIt

    md = (hostile_report / "report.md").read_text(encoding="utf-8")
    out = MarkdownIt("commonmark").enable("table").render(md)
    assert "<img src=x" not in out and "<script>" not in out and "<b>" not in out
    assert 'href="http://evil.example"' not in out


def test_sigkill_midway_leaves_nothing_or_the_previous_report(tmp_path):
    """Kill `graphkit report` while it writes into its temporary folder."""
    out = tmp_path / "killed"
    for previous in (None, "old report\n"):
        if previous:
            out.mkdir()
            (out / REPORT_MARKER).write_text("{}")
            (out / "index.html").write_text(previous)
        proc = subprocess.Popen(
            [sys.executable, "-m", "graphkit", "report", str(gk.SAMPLE), "-o", str(out), "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        killed = False
        while time.monotonic() < deadline and proc.poll() is None:
            tmps = [p for p in tmp_path.iterdir() if p.name.startswith(".killed.tmp-")]
            if tmps and any(tmps[0].iterdir()):  # it has started writing the report
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.002)
        proc.wait(30)
        assert killed, f"the run ended before it could be killed: {proc.stderr.read().decode()}"
        if previous:
            assert sorted(p.name for p in out.iterdir()) == [REPORT_MARKER, "index.html"]
            assert (out / "index.html").read_text() == previous
        else:
            assert not out.exists()
        for p in tmp_path.iterdir():  # what the killed run left is its hidden temporary folder only
            assert p == out or p.name.startswith(".killed.tmp-")


def _check_in_browser(page_for, report: Path, G, shot: Path) -> Any:
    """Open a report in headless Chromium and check what the bar asks; return the page."""
    loaded = page_for(report / "index.html", viewport=(1400, 900))
    page = loaded.page
    frame = page.frame_locator("#graph-frame")
    assert frame is not None
    inner = next(f for f in page.frames if f != page.main_frame)
    drawn = inner.wait_for_function(
        "() => { const g = window.graphkitGraphs && Object.values(window.graphkitGraphs)[0];"
        " return g && g.network && g.network.body.data.nodes.length; }",
        timeout=20_000,
    ).json_value()
    assert drawn == sum(1 for _, d in G.nodes(data=True) if d["label"] == "Actor")
    assert inner.locator("img[src='x']").count() == 0  # payload names are text in the graph too
    # the central actors (states, organisations, others: every actor of the hostile graph ranked
    # on every measure), the clusters, the heat map and the graph are on the page
    assert page.locator("#central-actors table.data tbody tr").count() >= 3
    assert page.locator("#central-states table.data thead th").count() >= 2 + 5
    assert page.locator("#clusters table.data tbody tr").count() >= 2
    assert page.locator("#gap-heatmap tbody tr").count() >= 2
    assert page.locator("#gap-heatmap td:not([data-state='none'])").count() >= 1
    # the sticky table of contents stays in view when scrolled
    page.evaluate("document.getElementById('methods').scrollIntoView({behavior: 'instant'})")
    box = page.locator("nav.toc").bounding_box()
    assert box is not None and box["y"] == 0
    page.mouse.move(700, 500)
    page.wait_for_timeout(300)
    assert loaded.external_requests == []
    assert loaded.page_errors == [] and loaded.console_errors == []
    assert loaded.dialogs == []
    page.evaluate("window.scrollTo(0, 0)")
    assert len(loaded.screenshot(shot)) > 20_000  # not a blank page
    return page


@pytest.mark.browser
def test_browser_shows_the_report_offline_and_runs_no_payload(hostile_report, page_for, tmp_path):
    G = gk.load(hostile_report.parent / "data")
    page = _check_in_browser(page_for, hostile_report, G, tmp_path / "hostile.png")
    # the sample's one open need nobody pools (critical-infrastructure protection) has no state
    # data at all, so its cells read "no data" rather than "missing"
    assert page.locator("#gap-heatmap td[data-state='unknown']").count() >= 1
    assert page.locator("img[src='x']").count() == 0
    text = page.locator("#central-actors").inner_text()
    assert XSS in text and FORMULA in text  # names are on screen, as text


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not (REAL / "actors.csv").exists(), reason="data/cyber-multilateral not built")
def test_browser_opens_the_demo_report(tmp_path, page_for):
    out = tmp_path / "cyber-multilateral"
    assert main(["report", str(REAL), "-o", str(out), "--quiet"]) == 0
    _check_in_browser(page_for, out, gk.load(REAL), tmp_path / "demo.png")


@pytest.mark.slow
@pytest.mark.skipif(not (REAL / "actors.csv").exists(), reason="data/cyber-multilateral not built")
def test_real_dataset_focus_nato(tmp_path):
    out = tmp_path / "nato"
    assert main(["report", str(REAL), "-o", str(out), "--quiet", "--focus", "NATO"]) == 0
    G = gk.load(REAL)
    members = {u for u, v, d in G.in_edges("NATO", data=True) if d["type"] == "MEMBER_OF"}
    assert len(members) >= 30  # NATO has 32 members (2024)
    md = (out / "report.md").read_text(encoding="utf-8")
    section = md.split("## Members of North Atlantic Treaty Organization")[1].split("\n## ")[0]
    rows = [
        line
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith(("| member", "| :---"))
    ]
    assert len(rows) == len(members)
    for m in members:
        assert f"| {G.nodes[m]['name']} |" in section
    gaps = md.split("## Gaps of North Atlantic Treaty Organization")[1].split("\n## ")[0]
    assert "North Atlantic Treaty Organization as a whole" in gaps
    assert "## Partner recommendations" in md


def _dict_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("focus", [None, "B"])
def test_a_graph_without_threats_or_capabilities_still_reports(tmp_path, focus):
    from graphkit.export.report import write_report

    G = gk.new_graph("two")
    gk.add_node(G, "A", "Actor", name="Alpha", kind="state")
    gk.add_node(G, "B", "Actor", name="Beta", kind="ngo")
    gk.add_node(G, "C", "Actor", name="Gamma", kind="state")
    gk.add_relationship(G, "A", "COOPERATES_WITH", "B")
    out = write_report(G, tmp_path / "r", focus=focus)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "No actor in this view faces a threat with known requirements." in md
    assert "Every threat can be answered by someone in the graph" in md
    if focus:
        assert "| Alpha | state | cooperation |" in md  # B's one partner


def test_paused_memberships_and_agreements_are_told_apart(tmp_path):
    """A frozen membership reads 'X in Y', a suspended agreement 'X–Y': never an agreement as a membership."""
    G = gk.load(gk.SAMPLE)
    for u, v, d in G.edges(data=True):
        if (u, v, d["type"]) in (("EST", "EU", "MEMBER_OF"), ("CHN", "RUS", "COOPERATES_WITH")):
            d["status"] = "frozen" if d["type"] == "MEMBER_OF" else "suspended"
    gk.write_dataset(G, tmp_path / "data")
    out = tmp_path / "report"
    assert main(["report", str(tmp_path / "data"), "-o", str(out), "--quiet"]) == 0
    text = (out / "report.md").read_text(encoding="utf-8")
    estonia, eu = G.nodes["EST"]["name"], G.nodes["EU"]["name"]
    china, russia = G.nodes["CHN"]["name"], G.nodes["RUS"]["name"]
    assert f"1 paused membership does not count: {estonia} in {eu} (frozen)." in text
    assert f"1 paused agreement does not count: {china}–{russia} (suspended)." in text
    assert f"{china} in {russia}" not in text
