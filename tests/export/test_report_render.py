"""The report's rendering, escaping, CSV neutralisation and output folder rules.

These tests feed the report hand-made analysis tables for a four-actor graph whose
gaps are worked out by hand below, so they check the report alone; the end-to-end and
browser tests are in test_report.py.
"""

from __future__ import annotations

import csv
import html.parser
import types
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt

import graphkit as gk
from graphkit.errors import OutputError, SchemaError
from graphkit.export import report as R
from graphkit.export.report.context import Context
from graphkit.export.report.document import fmt
from graphkit.export.report.gap_sections import main_heatmap

XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'
MD_PAYLOAD = "Pipe | [link](http://evil.example) **bold** <script>alert(1)</script>"


@pytest.fixture
def tiny():
    """H -COOPERATES_WITH- A; A and B are members of ALLY; threat T targets A and B and needs c1 and c2.

    A has c1, B has c2, so by hand: A needs c1, c2 (weight 1 each), owns c1, gets c2 from
    its fellow member B; B the other way round. Own gap 1 each, coalition gap 0 each.
    """
    G = gk.new_graph("tiny")
    gk.add_node(G, "A", "Actor", name="Alpha", kind="state", source="=cmd|' /C calc'!A0")
    gk.add_node(G, "B", "Actor", name=XSS, kind="state")
    gk.add_node(G, "H", "Actor", name=FORMULA, kind="company")
    gk.add_node(G, "ALLY", "Actor", name=MD_PAYLOAD, kind="alliance")
    gk.add_node(G, "c1", "Capability", name="Incident response")
    gk.add_node(G, "c2", "Capability", name="-2+3 attribution")
    gk.add_node(G, "T", "Threat", name="@threat")
    gk.add_relationship(G, "A", "MEMBER_OF", "ALLY")
    gk.add_relationship(G, "B", "MEMBER_OF", "ALLY")
    gk.add_relationship(G, "H", "COOPERATES_WITH", "A", instrument="+ MoU")
    gk.add_relationship(G, "A", "HAS_CAPABILITY", "c1", level=0.9)
    gk.add_relationship(G, "B", "HAS_CAPABILITY", "c2", level=0.9)
    for a in ("A", "B"):
        gk.add_relationship(G, "T", "TARGETS", a)
    for c in ("c1", "c2"):
        gk.add_relationship(G, "T", "REQUIRES", c)
    # The actor network is the path H - A - ALLY - B. By hand (networkx's normalisation,
    # 1/((n-1)(n-2)/2) = 1/3): betweenness A = ALLY = 2/3, H = B = 0.
    ids = ["A", "B", "H", "ALLY"]
    analysis = types.SimpleNamespace(
        centrality=pd.DataFrame(
            {
                "id": ids,
                "name": [G.nodes[i]["name"] for i in ids],
                "kind": [G.nodes[i]["kind"] for i in ids],
                "degree": [2, 1, 1, 2],
                "weighted_degree": [2.0, 1.0, 1.0, 2.0],
                "betweenness": [2 / 3, 0.0, 0.0, 2 / 3],
                "closeness": [0.75, 0.5, 0.5, 0.75],
                "eigenvector": [0.6, 0.37, 0.37, 0.6],
                "pagerank": [0.32, 0.18, 0.18, 0.32],
                "constraint": [0.5, 1.0, 1.0, 0.5],
                "effective_size": [2.0, 1.0, 1.0, 2.0],
                "core": [1, 1, 1, 1],
            }
        ),
        clusters=pd.DataFrame({"id": ids, "cluster": [0, 0, 1, 0]}),
        gaps=pd.DataFrame(
            {
                "actor_id": ["A", "A", "B", "B"],
                "capability_id": ["c1", "c2", "c1", "c2"],
                "weight": [1, 1, 1, 1],
                "own": [True, False, False, True],
                "pooled": [True, True, True, True],
            }
        ),
        uncovered_threats=pd.DataFrame({"threat_id": ["T"], "note": ["-negative note"]}),
        critical_actors=pd.DataFrame({"actor_id": ["B", "A"], "gap_opened": [1.0, -0.5]}),
        alliance_gaps=pd.DataFrame(
            {"alliance_id": ["ALLY"], "capability_id": ["c1"], "weight": [2], "pooled": [True]}
        ),
        summary={"seed": 7, "modularity": 0.1, "cluster_method": "louvain", "betweenness": "exact"},
    )
    return G, analysis


def _report(G, analysis, **kw):
    recs = {"A": pd.DataFrame({"partner_id": ["B"], "closes": [1.0], "capability_ids": [["c2"]]})}
    return R.build_report(
        G, analysis, recommendations=recs, dataset="tiny", generated="2026-01-02 03:04", **kw
    )


# ---- Markdown ---------------------------------------------------------------------------

MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


@pytest.mark.parametrize(
    "payload",
    [
        XSS,
        FORMULA,
        MD_PAYLOAD,
        "a | b | c",
        "[x](javascript:alert(1))",
        "![i](http://e/x.png)",
        "**bold** _em_ `code` ~~del~~",
        "# heading",
        "- item",
        "1. item",
        "> quote",
        "---",
        "===",
        "<https://evil.example>",
        "&lt;b&gt; entity",
        "line\nbreak | cell",
        "\\| escaped pipe",
        "x\\",
    ],
)
def test_escaped_text_is_only_text_in_a_paragraph_and_a_table_cell(payload):
    # An independent CommonMark parser (markdown-it-py) reads the escaped value back.
    para = MD.render(R.escape_markdown(payload))
    assert para.startswith("<p>") and para.count("<p>") == 1
    for tag in (
        "<a ",
        "<img",
        "<script",
        "<em>",
        "<strong>",
        "<code>",
        "<s>",
        "<h1",
        "<ul",
        "<ol",
        "<blockquote",
        "<hr",
    ):
        assert tag not in para, (payload, para)
    table = f"| a | b |\n| --- | --- |\n| {R.escape_markdown(payload)} | end |\n"
    out = MD.render(table)
    assert out.count("<td>") == 2, (payload, out)  # the value stayed in its cell
    assert "<td>end</td>" in out
    assert "<a " not in out and "<img" not in out and "<script" not in out
    # and the text a reader sees is the value itself (line breaks become spaces)
    text = MD.render(R.escape_markdown(payload)).removeprefix("<p>").removesuffix("</p>\n")
    assert html_unescape(text) == " ".join(payload.split("\n")) or payload.endswith("\\")


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_markdown_report_tables_keep_their_shape(tiny):
    G, analysis = tiny
    md = R.render_report_markdown(_report(G, analysis))
    tokens = MD.parse(md)
    # every table row has as many cells as its header
    widths, row = [], 0
    for t in tokens:
        if t.type == "tr_open":
            row = 0
        elif t.type in ("th_open", "td_open"):
            row += 1
        elif t.type == "tr_close":
            widths.append(row)
        elif t.type == "table_close":
            assert len(set(widths)) == 1, widths
            widths = []
    rendered = MD.render(md)
    assert "<img src=x" not in rendered and "<script>" not in rendered
    assert 'href="http://evil.example"' not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered  # shown as text
    # figures are referenced beside report.md, never inlined
    assert "data:image" not in md


# ---- HTML ---------------------------------------------------------------------------------


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_shows_names_as_text_and_runs_none_of_them(tiny):
    G, analysis = tiny
    page = R.render_report_html(_report(G, analysis, graph_html="<p>graph " + XSS + "</p>"))
    p = _Tags()
    p.feed(page)
    assert not [t for t, a in p.tags if t == "img" and "onerror" in a]
    assert not [a for t, a in p.tags for k in a if k.startswith("on")]
    assert [t for t, _ in p.tags].count("script") == 1  # only the page's own table-of-contents script
    text = "".join(p.text)
    assert XSS in text and FORMULA in text and MD_PAYLOAD.replace("<script>", "<script>") in text
    # the embedded graph is a whole document inside srcdoc, escaped as an attribute
    frame = [a for t, a in p.tags if t == "iframe"]
    assert len(frame) == 1 and frame[0]["srcdoc"] == "<p>graph " + XSS + "</p>"
    assert frame[0]["sandbox"] == "allow-scripts"
    # self-contained: nothing to fetch
    for t, a in p.tags:
        for k in ("src", "href"):
            v = a.get(k)
            assert v is None or v.startswith(("#", "data:")), (t, a)


def test_html_and_markdown_carry_the_same_sections(tiny):
    G, analysis = tiny
    rep = _report(G, analysis)
    page, md = R.render_report_html(rep), R.render_report_markdown(rep)
    for s in rep.sections:
        assert f'id="{s.id}"' in page and f'<a id="{s.id}"></a>' in md


def test_heat_map_cells_follow_the_gap_table(tiny):
    G, analysis = tiny
    h = main_heatmap(Context(G, analysis, 10), None)
    assert h.cells == {("A", "c1"): "own", ("A", "c2"): "pooled", ("B", "c1"): "pooled", ("B", "c2"): "own"}
    page = R.render_report_html(_report(G, analysis))
    p = _Tags()
    p.feed(page)
    states = [a["data-state"] for t, a in p.tags if t == "td" and "data-state" in a]
    assert sorted(states) == ["own", "own", "pooled", "pooled"]


def test_gap_totals_by_hand(tiny):
    G, analysis = tiny
    t = Context(G, analysis, 10).gap_totals().set_index("actor_id")
    # A and B: need 2 capabilities (1 threat each), own 1, partners cover the other.
    # (a gaps table without the assessed columns counts every actor and capability as assessed)
    want = {
        "needed": 2.0,
        "own_gap": 1.0,
        "coalition_gap": 0.0,
        "closed": 1.0,
        "assessed": True,
        "open_known": 0.0,
        "coalition_known": 0.0,
        "unknown": 0.0,
    }
    assert t.loc["A"].to_dict() == want
    assert t.loc["B"].to_dict() == want


def test_rankings_follow_the_scores(tiny):
    G, analysis = tiny
    rep = _report(G, analysis, top=2)
    sec = next(s for s in rep.sections if s.id == "central-actors")
    # issue #29: three tables (states, organisations, everyone else), each actor ranked within
    # its group on every measure; states: A (betweenness 2/3) above B (0)
    tables = {s.id: next(b for b in s.blocks if isinstance(b, R.Table)) for s in sec.subsections}
    assert list(tables) == ["central-states", "central-organisations", "central-others"]
    states = tables["central-states"]
    col = states.columns.index("Betweenness")
    assert sorted((r[col], r[1]) for r in states.rows) == [(1, "Alpha"), (2, XSS)]
    assert [r[1] for r in tables["central-organisations"].rows] == [MD_PAYLOAD]
    assert [r[1] for r in tables["central-others"].rows] == [FORMULA]


def test_focus_on_an_alliance_lists_members_and_their_gaps(tiny):
    G, analysis = tiny
    rep = _report(G, analysis, focus="ALLY")
    ids = [s.id for s in rep.sections]
    assert ids[:3] == ["focus", "members", "partners"]
    members = next(s for s in rep.sections if s.id == "members")
    table = next(b for b in members.blocks if isinstance(b, R.Table))
    assert sorted(r[0] for r in table.rows) == sorted(["Alpha", XSS])
    assert [r[4:] for r in table.rows] == [[1.0, 0.0], [1.0, 0.0]]  # own gap, coalition gap
    h = next(b for s in rep.sections if s.id == "focus-gaps" for b in s.blocks if isinstance(b, R.HeatMap))
    assert [a for a, _ in h.actors] == ["ALLY", "A", "B"]


def test_focus_on_an_actor_lists_partners_by_tie(tiny):
    G, analysis = tiny
    rep = _report(G, analysis, focus="A")
    partners = next(s for s in rep.sections if s.id == "partners")
    table = next(b for b in partners.blocks if isinstance(b, R.Table))
    rows = {r[0]: r[2] for r in table.rows}
    assert rows == {XSS: f"fellow member of {MD_PAYLOAD}", FORMULA: "cooperation (+ MoU)"}


@pytest.mark.parametrize("focus, message", [("NOPE", "no actor with this id"), ("c1", "not an Actor")])
def test_bad_focus_is_a_clear_error(tiny, focus, message):
    G, analysis = tiny
    with pytest.raises(SchemaError, match=message):
        _report(G, analysis, focus=focus)


# ---- CSV ----------------------------------------------------------------------------------


def test_every_csv_cell_that_a_spreadsheet_would_evaluate_is_neutralised(tiny, tmp_path):
    G, analysis = tiny
    recs = {
        "A": pd.DataFrame(
            {
                "partner_id": ["H"],
                "partner_name": [FORMULA],
                "closes": [1.0],
                "capability_ids": [["=c2", "c1"]],
            }
        )
    }
    R.write_report_tables(analysis, tmp_path, recommendations=recs)
    seen_formula = 0
    for f in tmp_path.glob("*.csv"):
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if FORMULA in cell:
                        assert cell == "'" + FORMULA, (f.name, cell)
                        seen_formula += 1
                    if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not _is_number(cell)):
                        pytest.fail(f"{f.name}: {cell!r} would be evaluated")
    assert seen_formula == 2  # centrality.csv (name) and partner_recommendations.csv
    crit = _dict_rows(tmp_path / "critical_actors.csv")
    assert [r["gap_opened"] for r in crit] == ["1.0", "-0.5"]  # numbers stay numbers
    unc = _dict_rows(tmp_path / "uncovered_threats.csv")
    assert unc[0]["note"] == "'-negative note"
    recs_rows = _dict_rows(tmp_path / "partner_recommendations.csv")
    assert recs_rows[0]["capability_ids"] == "'=c2;c1" and recs_rows[0]["for_actor"] == "A"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# ---- the output folder --------------------------------------------------------------------


def test_a_folder_that_is_not_a_report_is_never_replaced(tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    with pytest.raises(OutputError, match="not a graphkit report"):
        R.check_report_path(out)
    assert (out / "thesis.docx").read_text() == "years of work"
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(OutputError, match="not a report folder"):
        R.check_report_path(f)
    empty = tmp_path / "empty"
    empty.mkdir()
    R.check_report_path(empty)  # an empty folder is fine
    ours = tmp_path / "old-report"
    ours.mkdir()
    (ours / R.REPORT_MARKER).write_text("{}")
    (ours / "index.html").write_text("old")
    R.check_report_path(ours)  # an earlier report may be replaced


def test_escape_markdown_doctest_values():
    assert R.escape_markdown(None) == ""
    assert R.escape_markdown(3) == "3"
    assert R.escape_markdown("R&D") == "R&amp;D"


def test_number_formatting():
    assert [fmt(v) for v in (None, True, 1234, 2.0, 0.123456, 12345.6, float("nan"))] == [
        "",
        "yes",
        "1,234",
        "2",
        "0.123",
        "12,346",
        "",
    ]


def test_top_must_be_positive(tiny):
    G, analysis = tiny
    with pytest.raises(OutputError, match="at least 1"):
        _report(G, analysis, top=0)


def test_unused_path_is_free(tmp_path):
    R.check_report_path(Path(tmp_path) / "new")


def _dict_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
