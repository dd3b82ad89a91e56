"""The analyst's network report: one self-contained HTML page, the same in Markdown, and the tables.

:func:`write_report` runs the analysis, builds one :class:`Report` (a small document of
sections, paragraphs, tables, a capability heat map and figures) and renders it twice —
``index.html`` for readers (offline, every style, script and image inline) and
``report.md`` for writers (figures as SVG/PNG in ``figures/``) — beside the CSV tables
of the analysis. Everything is written to a temporary folder that replaces the output
folder only when complete; a folder that is not a graphkit report is never replaced.

Names and properties come from data other people wrote: the HTML is rendered with
autoescaping, the Markdown escapes every character that could open markup, and CSV
cells that a spreadsheet would evaluate are neutralised.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.errors import OutputError, SchemaError
from graphkit.export.tables import atomic_path, neutralise_formula
from graphkit.graph import nodes_of, summary
from graphkit.progress import Progress

__all__ = [
    "write_report",
    "build_report",
    "render_report_html",
    "render_report_markdown",
    "write_report_tables",
    "escape_markdown",
    "Report",
    "Section",
    "Paragraph",
    "Bullets",
    "Table",
    "HeatMap",
    "Figure",
    "GraphView",
    "Grid",
    "REPORT_MARKER",
    "MEASURES",
]

REPORT_MARKER = ".graphkit-report"
"""The file that marks a folder as a graphkit report (only such a folder is ever replaced)."""

# Centrality measures shown in the report: column, title, one plain sentence on its meaning,
# and whether a high value ranks first.
MEASURES: tuple[tuple[str, str, str, bool], ...] = (
    (
        "degree",
        "Degree",
        "How many direct ties (memberships and cooperation) an actor has: its immediate reach.",
        True,
    ),
    (
        "weighted_degree",
        "Weighted degree",
        "Degree counting each tie by its strength: who has the most, and the strongest, direct ties.",
        True,
    ),
    (
        "betweenness",
        "Betweenness",
        "How often an actor lies on the shortest path between two others: who links camps that "
        "would otherwise stay apart.",
        True,
    ),
    (
        "closeness",
        "Closeness",
        "How few steps an actor needs to reach every other actor: who can spread word fastest.",
        True,
    ),
    (
        "eigenvector",
        "Eigenvector",
        "Being tied to actors who are themselves well tied: influence through influential partners.",
        True,
    ),
    (
        "pagerank",
        "PageRank",
        "Importance passed on along ties, as a random walk through the network spends its time: "
        "overall standing in the network.",
        True,
    ),
)


# ---- the document -----------------------------------------------------------------------


@dataclass
class Paragraph:
    """Plain text (never markup); ``strong`` is shown in bold before it."""

    text: str
    strong: str = ""


@dataclass
class Bullets:
    """A list of plain-text items."""

    items: list[str]


@dataclass
class Table:
    """A table of plain values; numbers are right-aligned and formatted to 3 significant digits."""

    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""
    empty: str = "Nothing to show."


@dataclass
class HeatMap:
    """Actors (rows) × capabilities (columns); a cell is ``own``, ``pooled``, ``missing`` or ``None``.

    ``weights[(actor, capability)]`` is how many threats targeting the actor need the capability.
    """

    actors: list[tuple[str, str]]
    capabilities: list[tuple[str, str]]
    cells: dict[tuple[str, str], str]
    weights: dict[tuple[str, str], float]
    caption: str = ""


@dataclass
class Figure:
    """An image beside ``report.md`` (relative path); the HTML page inlines it as a data URI."""

    path: str
    alt: str
    caption: str = ""
    data: bytes = b""
    mime: str = "image/svg+xml"
    html: bool = True  # False: only report.md shows it (the page has a richer equivalent)


@dataclass
class GraphView:
    """The interactive graph (a whole HTML page, shown in an iframe) and its static stand-in for Markdown."""

    html: str
    figure: Figure | None
    caption: str = ""


@dataclass
class Grid:
    """Blocks shown side by side where there is room (one after another in Markdown)."""

    blocks: list[Any]


Block = Paragraph | Bullets | Table | HeatMap | Figure | GraphView | Grid


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)


@dataclass
class Report:
    """Everything a report says, independent of how it is rendered."""

    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    sections: list[Section]
    generated: str
    focus: str | None = None


# ---- Markdown -----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#+!|~])")
_MD_LEADING = re.compile(r"^(\s*)([-=]|\d+[.)](?=\s|$))")


def escape_markdown(text: Any) -> str:
    """Text that Markdown shows as written: no markup, link, HTML or table cell break can be formed.

    The characters that open emphasis, code, links, images, headings, tables and
    strikethrough are backslash-escaped, a leading ``-``, ``=`` or ``1.`` cannot start a
    list or heading, ``<``, ``>`` and ``&`` become entities and line breaks become spaces,
    so a value can sit in a paragraph, a list item or a table cell.

    Examples
    --------
    >>> from graphkit.export.report import escape_markdown
    >>> print(escape_markdown('a|b [x](http://y) <img>'))
    a\\|b \\[x\\](http://y) &lt;img&gt;
    """
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _MD_LEADING.sub(
        lambda m: m.group(1) + "".join("\\" + c if not c.isdigit() else c for c in m.group(2)), s
    )
    return re.sub(r"[\r\n\t\v\f]+", " ", s)


def render_report_markdown(report: Report) -> str:
    """The report as GitHub-flavoured Markdown (figures referenced by relative path)."""
    out = [f"# {escape_markdown(report.title)}", "", f"*{escape_markdown(report.subtitle)}*", ""]
    if report.facts:
        out += _md_table(Table(["", ""], [[k, v] for k, v in report.facts]), header=False)
    out += ["## Contents", ""]
    for s in report.sections:
        out.append(f"- [{escape_markdown(s.title)}](#{s.id})")
    out.append("")
    for s in report.sections:
        out += _md_section(s, 2)
    return "\n".join(out).rstrip() + "\n"


def _md_section(s: Section, level: int) -> list[str]:
    out = [f'<a id="{s.id}"></a>', "", f"{'#' * level} {escape_markdown(s.title)}", ""]
    for b in s.blocks:
        out += _md_block(b)
    for sub in s.subsections:
        out += _md_section(sub, level + 1)
    return out


def _md_block(b: Block) -> list[str]:
    if isinstance(b, Paragraph):
        lead = f"**{escape_markdown(b.strong)}** " if b.strong else ""
        return [lead + escape_markdown(b.text), ""]
    if isinstance(b, Bullets):
        return [f"- {escape_markdown(i)}" for i in b.items] + [""]
    if isinstance(b, Table):
        return _md_table(b)
    if isinstance(b, HeatMap):
        return _md_heatmap(b)
    if isinstance(b, Grid):
        return [line for x in b.blocks for line in _md_block(x)]
    if isinstance(b, Figure):
        out = [f"![{escape_markdown(b.alt)}]({b.path})", ""]
        if b.caption:
            out += [f"*{escape_markdown(b.caption)}*", ""]
        return out
    if isinstance(b, GraphView):
        out = []
        if b.figure is not None:
            out += _md_block(b.figure)
        out += [
            escape_markdown("The interactive version of this graph is in index.html (open it in a browser)."),
            "",
        ]
        return out
    raise TypeError(f"unknown block {type(b).__name__}")  # pragma: no cover


def _md_table(t: Table, *, header: bool = True) -> list[str]:
    out = []
    if t.caption:
        out += [f"*{escape_markdown(t.caption)}*", ""]
    if not t.rows:
        return out + [escape_markdown(t.empty), ""]
    cols = t.columns if header else [""] * len(t.columns)
    align = ["---:" if _numeric_column(t, i) else ":---" for i in range(len(t.columns))]
    out.append("| " + " | ".join(escape_markdown(c) for c in cols) + " |")
    out.append("| " + " | ".join(align) + " |")
    for row in t.rows:
        out.append("| " + " | ".join(escape_markdown(_fmt(v)) for v in row) + " |")
    return out + [""]


_SYMBOL = {"own": "●", "pooled": "◐", "missing": "✕", None: "·"}
_STATE_TEXT = {
    "own": "has it",
    "pooled": "covered by a partner",
    "missing": "missing",
    None: "not needed",
}


def _md_heatmap(h: HeatMap) -> list[str]:
    out = []
    if h.caption:
        out += [f"*{escape_markdown(h.caption)}*", ""]
    if not h.actors or not h.capabilities:
        return out + ["No actor in this view faces a threat with known requirements.", ""]
    out.append("Legend: " + ", ".join(f"{_SYMBOL[k]} {v}" for k, v in _STATE_TEXT.items()) + ".  ")
    out.append("")
    out.append("| actor | " + " | ".join(escape_markdown(n) for _, n in h.capabilities) + " |")
    out.append("| :--- | " + " | ".join(":---:" for _ in h.capabilities) + " |")
    for a, name in h.actors:
        cells = [_SYMBOL[h.cells.get((a, c))] for c, _ in h.capabilities]
        out.append(f"| {escape_markdown(name)} | " + " | ".join(cells) + " |")
    return out + [""]


# ---- HTML -----------------------------------------------------------------------------------


def render_report_html(report: Report) -> str:
    """The report as one self-contained HTML page (no request leaves the file)."""
    import base64

    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = _fmt
    env.filters["data_uri"] = lambda f: f"data:{f.mime};base64," + base64.b64encode(f.data).decode("ascii")
    env.tests["paragraph"] = lambda b: isinstance(b, Paragraph)
    env.tests["bullets"] = lambda b: isinstance(b, Bullets)
    env.tests["table"] = lambda b: isinstance(b, Table)
    env.tests["heatmap"] = lambda b: isinstance(b, HeatMap)
    env.tests["figure"] = lambda b: isinstance(b, Figure)
    env.tests["graphview"] = lambda b: isinstance(b, GraphView)
    env.tests["grid"] = lambda b: isinstance(b, Grid)
    env.globals["numeric_column"] = _numeric_column
    env.globals["symbol"] = _SYMBOL
    env.globals["state_text"] = _STATE_TEXT
    return env.get_template("report_page.html").render(report=report)


def _numeric_column(t: Table, i: int) -> bool:
    values = [r[i] for r in t.rows if i < len(r) and r[i] is not None and r[i] != ""]
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        if v == int(v) and abs(v) < 1e6:
            return f"{int(v):,}"
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


# ---- building the report from a graph and its analysis ----------------------------------


def build_report(
    G: nx.MultiDiGraph,
    analysis: Any,
    *,
    focus: str | None = None,
    top: int = 10,
    title: str | None = None,
    dataset: str | None = None,
    seed: int | None = None,
    recommendations: Any = None,
    graph_html: str | None = None,
    figures: dict[str, Figure] | None = None,
    generated: str | None = None,
) -> Report:
    """The report's content: sections of text, tables and a heat map from ``analysis`` of ``G``.

    ``analysis`` carries the analysis results as DataFrames (``centrality``, ``clusters``,
    ``gaps`` and, where present, ``cluster_summary``, ``alliance_gaps``,
    ``uncovered_threats``, ``critical_actors``) and ``summary`` (a dict of parameters).
    ``recommendations`` maps an actor id to its partner-recommendation DataFrame.
    """
    if top < 1:
        raise OutputError(f"--top must be at least 1 (got {top})")
    if focus is not None:
        _check_focus(G, focus)
    figures = figures or {}
    recommendations = recommendations or {}
    ctx = _Context(G, analysis, top)
    generated = generated or _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    source_name = dataset or G.graph.get("name") or "the graph"
    if title is None:
        title = (
            f"{ctx.name(focus)}: partners, gaps and recommendations"
            if focus
            else f"Who can defend cyberspace together: {Path(str(source_name)).name}"
        )
    subtitle = f"Stakeholder network analysis of {source_name}" + (
        f", focused on {ctx.name(focus)} ({focus})" if focus else ""
    )
    s = summary(G)
    facts = [
        ("actors", f"{s['nodes'][schema.ACTOR]:,}"),
        ("capabilities", f"{s['nodes'][schema.CAPABILITY]:,}"),
        ("threats", f"{s['nodes'][schema.THREAT]:,}"),
        ("relationships", f"{G.number_of_edges():,}"),
        ("clusters", f"{ctx.cluster_count():,}"),
        ("uncovered threats", f"{len(ctx.frame('uncovered_threats')):,}"),
    ]
    sections: list[Section] = []
    if focus:
        sections += _focus_sections(ctx, focus, recommendations, figures)
    sections.append(_overview_section(ctx, source_name, generated, focus))
    sections.append(_centrality_section(ctx, figures))
    sections.append(_broker_section(ctx))
    sections.append(_cluster_section(ctx, focus))
    if not focus:
        sections.append(_gap_section(ctx, recommendations, figures))
    sections.append(_critical_section(ctx))
    sections.append(_graph_section(ctx, graph_html, figures.get("network"), focus))
    sections.append(_methods_section(ctx, seed))
    return Report(
        title=title, subtitle=subtitle, facts=facts, sections=sections, generated=generated, focus=focus
    )


def _check_focus(G: nx.MultiDiGraph, focus: str) -> None:
    if focus not in G:
        close = sorted(
            n
            for n, d in nodes_of(G, schema.ACTOR)
            if focus.lower() in n.lower() or focus.lower() in str(d.get("name", "")).lower()
        )[:5]
        hint = f"; did you mean {', '.join(close)}?" if close else "; `graphkit info` lists the actors"
        raise SchemaError(f"--focus {focus!r}: no actor with this id{hint}")
    if G.nodes[focus].get("label") != schema.ACTOR:
        raise SchemaError(
            f"--focus {focus!r} is a {G.nodes[focus].get('label')}, not an Actor; give an actor or alliance id"
        )


class _Context:
    """The graph, the analysis and helpers to read both."""

    def __init__(self, G: nx.MultiDiGraph, analysis: Any, top: int) -> None:
        import pandas as pd

        self.G = G
        self.analysis = analysis
        self.top = top
        self.pd = pd
        self.centrality = self.frame("centrality")
        self.gaps = self.frame("gaps")
        self.clusters = self.frame("clusters")
        self.info: dict[str, Any] = dict(getattr(analysis, "summary", None) or {})
        self.modularity = (
            (self.info.get("clusters") or {}).get("modularity")
            if isinstance(self.info.get("clusters"), dict)
            else self.info.get("modularity")
        )
        self.cluster_method = (self.info.get("parameters") or {}).get("cluster_method") or self.info.get(
            "cluster_method"
        )
        self._rank = {}
        if "pagerank" in self.centrality:
            order = self.centrality.sort_values(["pagerank", "id"], ascending=[False, True])
            self._rank = {a: i for i, a in enumerate(order["id"])}

    def frame(self, name: str) -> Any:
        df = getattr(self.analysis, name, None)
        if df is None:
            return self.pd.DataFrame()
        return df

    def name(self, node: Any) -> str:
        if node in self.G:
            return str(self.G.nodes[node].get("name", node))
        return str(node)

    def kind(self, node: Any) -> str:
        return str(self.G.nodes[node].get("kind", "")) if node in self.G else ""

    def importance(self, node: Any) -> int:
        """Position by PageRank (0 = most central); unknown actors last."""
        return self._rank.get(node, len(self._rank))

    def cluster_count(self) -> int:
        return int(self.clusters["cluster"].nunique()) if "cluster" in self.clusters else 0

    def gap_totals(self) -> Any:
        """Per actor: needed weight, own gap, coalition gap and what cooperation closes."""
        pd = self.pd
        g = self.gaps
        if g.empty:
            return pd.DataFrame(columns=["actor_id", "needed", "own_gap", "coalition_gap", "closed"])
        w = g["weight"].astype(float)
        t = (
            pd.DataFrame(
                {
                    "actor_id": g["actor_id"],
                    "needed": w,
                    "own_gap": w.where(~g["own"].astype(bool), 0.0),
                    "coalition_gap": w.where(~g["pooled"].astype(bool), 0.0),
                }
            )
            .groupby("actor_id", sort=False)
            .sum()
            .reset_index()
        )
        t["closed"] = t["own_gap"] - t["coalition_gap"]
        return t

    def table(
        self,
        df: Any,
        *,
        limit: int | None = None,
        caption: str = "",
        empty: str = "Nothing to show.",
        skip: tuple[str, ...] = (),
    ) -> Table:
        """Any analysis DataFrame as a table: id columns become names, list cells become text."""
        if df is None or len(df) == 0:
            return Table([], [], caption=caption, empty=empty)
        ids = sum(1 for c in df.columns if c == "id" or c.endswith("_id"))
        cols = [
            c
            for c in df.columns
            if c not in skip
            and not (c == "name" and ids == 1)  # the id column is shown as the name already
            and not (c.endswith("_name") and f"{c[:-5]}_id" in df.columns)
        ]
        header = []
        for c in cols:
            header.append(_header(c))
        rows = []
        for rec in df.head(limit).to_dict("records") if limit else df.to_dict("records"):
            row = []
            for c in cols:
                v = rec[c]
                if _is_id_column(c):
                    v = (
                        self.name(v)
                        if not isinstance(v, list | tuple)
                        else ", ".join(self.name(x) for x in v)
                    )
                row.append(_cell(v, self))
            rows.append(row)
        return Table(header, rows, caption=caption, empty=empty)


def _is_id_column(c: str) -> bool:
    return c == "id" or c.endswith("_id") or c in ("actor", "partner", "capability", "threat", "member")


def _header(c: str) -> str:
    if c == "id":
        return "actor"
    if c.endswith("_ids"):
        c = c[:-4] + "s"
    elif c.endswith("_id"):
        c = c[:-3]
    return c.replace("_", " ")


def _cell(v: Any, ctx: _Context) -> Any:
    import numpy as np

    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, list | tuple | set | frozenset | np.ndarray):
        items = [x.item() if isinstance(x, np.generic) else x for x in list(v)]
        return ", ".join(ctx.name(x) if isinstance(x, str) else _fmt(x) for x in items)
    if isinstance(v, float) and v != v:
        return None
    return v


def _overview_section(ctx: _Context, source_name: str, generated: str, focus: str | None) -> Section:
    G = ctx.G
    s = summary(G)
    findings = []
    c = ctx.centrality
    if len(c) and "pagerank" in c:
        best = c.sort_values(["pagerank", "id"], ascending=[False, True]).iloc[0]
        findings.append(f"Most central actor overall (PageRank): {ctx.name(best['id'])}.")
    if len(c) and "betweenness" in c and c["betweenness"].max() > 0:
        best = c.sort_values(["betweenness", "id"], ascending=[False, True]).iloc[0]
        findings.append(f"Strongest broker (betweenness): {ctx.name(best['id'])}.")
    if ctx.cluster_count():
        mod = ctx.modularity
        findings.append(
            f"{ctx.cluster_count()} cooperation clusters"
            + (f" (modularity {mod:.2f})" if isinstance(mod, int | float) else "")
            + "."
        )
    totals = ctx.gap_totals()
    if len(totals):
        helped = int((totals["closed"] > 0).sum())
        own = float(totals["own_gap"].sum())
        coal = float(totals["coalition_gap"].sum())
        share = f" ({(own - coal) / own:.0%} of all own-gap weight)" if own else ""
        findings.append(
            f"Cooperation narrows the capability gap of {helped} of {len(totals)} threatened actors"
            f"; it closes {_fmt(own - coal)} of {_fmt(own)} units of gap weight{share}."
        )
    unc = ctx.frame("uncovered_threats")
    findings.append(
        "Every threat can be answered by someone in the graph: no threat needs a capability that nobody has."
        if len(unc) == 0
        else f"{len(unc)} threat{'s need' if len(unc) != 1 else ' needs'} a capability that no actor in the graph has."
    )
    counts = Grid(
        [
            Table(["node label", "count"], [[label, n] for label, n in s["nodes"].items()]),
            Table(["relationship", "count"], [[t, n] for t, n in s["relationships"].items()]),
            Table(
                ["actor kind", "count"], [[k.replace("_", " "), n] for k, n in s["actor_kinds"].items() if n]
            ),
        ]
    )
    sources: Counter[str] = Counter()
    for _, d in G.nodes(data=True):
        if d.get("source"):
            sources[str(d["source"])] += 1
    for _, _, d in G.edges(data=True):
        if d.get("source"):
            sources[str(d["source"])] += 1
    facts_total = G.number_of_nodes() + G.number_of_edges()
    with_source = sum(sources.values())
    estimates = sum(n for k, n in sources.items() if k.lower().startswith("estimate"))
    src_rows = [[k, n] for k, n in sources.most_common(ctx.top + 5)]
    more = len(sources) - len(src_rows)
    blocks: list[Block] = [
        Paragraph("; ".join([f"Dataset: {source_name}", f"report written {generated}"]) + ".", "Scope."),
        Bullets(findings),
        counts,
        Paragraph(
            f"{with_source:,} of {facts_total:,} facts (nodes and relationships) name their source; "
            f"{estimates:,} of them are marked as estimates. "
            + (
                f"The {len(src_rows)} most cited sources are below ({more} more in the data)."
                if more > 0
                else "The sources are below."
            ),
            "Sources.",
        ),
        Table(["source", "facts"], src_rows, empty="No node or relationship names its source."),
    ]
    return Section("overview", "Summary", blocks)


def _centrality_section(ctx: _Context, figures: dict[str, Figure]) -> Section:
    c = ctx.centrality
    subs = []
    for col, title, meaning, high_first in MEASURES:
        if col not in c:
            continue
        order = c.sort_values([col, "id"], ascending=[not high_first, True]).head(ctx.top)
        rows = [
            [i + 1, ctx.name(r["id"]), ctx.kind(r["id"]).replace("_", " "), _cell(r[col], ctx)]
            for i, r in enumerate(order.to_dict("records"))
        ]
        subs.append(
            Section(
                f"measure-{col.replace('_', '-')}",
                title,
                [Paragraph(meaning), Table(["#", "actor", "kind", title.lower()], rows)],
            )
        )
    blocks: list[Block] = [
        Paragraph(
            f"The actor network joins two actors when one is a member of the other or they cooperate. "
            f"Each measure below ranks the {ctx.top} highest actors; they answer different questions, so "
            f"an actor high on one and low on another says something about its role."
        )
    ]
    if "centrality" in figures:
        blocks.append(figures["centrality"])
    return Section("central-actors", "Most central actors", blocks, subs)


def _broker_section(ctx: _Context) -> Section:
    c = ctx.centrality
    blocks: list[Block] = [
        Paragraph(
            "Brokers sit between partners who are not tied to each other, so information and trust "
            "pass through them. Burt's constraint is low for a broker (its partners are not tied to "
            "one another) and high for an actor inside a closed group; effective size counts partners "
            "that are not redundant. Actors with at least two ties, lowest constraint first."
        )
    ]
    if "constraint" in c and len(c):
        d = c[(c["degree"] >= 2) if "degree" in c else c.index == c.index]
        d = d[d["constraint"].notna()].sort_values(["constraint", "id"]).head(ctx.top)
        cols = [x for x in ("effective_size", "constraint", "betweenness") if x in d]
        rows = [
            [i + 1, ctx.name(r["id"]), ctx.kind(r["id"]).replace("_", " "), *[_cell(r[x], ctx) for x in cols]]
            for i, r in enumerate(d.to_dict("records"))
        ]
        blocks.append(
            Table(
                ["#", "actor", "kind", *[_header(x) for x in cols]],
                rows,
                empty="No actor has two or more ties.",
            )
        )
    return Section("brokers", "Brokers", blocks)


def _cluster_section(ctx: _Context, focus: str | None) -> Section:
    cl = ctx.clusters
    mod = ctx.modularity
    text = (
        f"Groups of actors more tied to each other than to the rest ({ctx.cluster_method or 'community detection'}"
        + (
            f"; modularity {mod:.2f}, where above 0.3 means clear groups"
            if isinstance(mod, int | float)
            else ""
        )
        + "). Each cluster is named after its most central member; members are listed by PageRank."
    )
    blocks: list[Block] = [Paragraph(text)]
    rows = []
    if "cluster" in cl and len(cl):
        groups: dict[Any, list[str]] = {}
        for rec in cl.to_dict("records"):
            groups.setdefault(rec["cluster"], []).append(rec["id"])
        summ = ctx.frame("cluster_summary")
        about = {r["cluster"]: r for r in summ.to_dict("records")} if "cluster" in summ else {}
        ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))
        if focus:
            ordered = [kv for kv in ordered if focus in kv[1]] + [kv for kv in ordered if focus not in kv[1]]
        limit = 24
        singles = 0
        for cid, members in ordered:
            if len(members) < 2 and len(ordered) > ctx.top:
                singles += 1
                continue
            members = sorted(members, key=lambda a: (ctx.importance(a), a))
            info = about.get(cid, {})
            kind = info.get("dominant_kind") or Counter(ctx.kind(a) for a in members).most_common(1)[0][0]
            region = info.get("dominant_region")
            names = ", ".join(ctx.name(a) for a in members[:limit])
            if len(members) > limit:
                names += f" and {len(members) - limit} more"
            rows.append(
                [
                    str(info.get("name") or f"{ctx.name(members[0])} cluster"),
                    len(members),
                    _cell(info.get("density"), ctx),
                    str(kind).replace("_", " "),
                    "" if region is None or region != region else str(region),
                    names,
                ]
            )
        if singles:
            blocks.append(
                Paragraph(f"{singles} actors without ties form clusters of their own and are not listed.")
            )
    blocks.append(
        Table(
            ["cluster", "size", "density", "main kind", "main region", "members"],
            rows,
            empty="No clusters were computed.",
        )
    )
    return Section("clusters", "Cooperation clusters", blocks)


def _heatmap(
    ctx: _Context, actors: list[str], caption: str, *, capabilities: list[str] | None = None
) -> HeatMap:
    g = ctx.gaps
    cells: dict[tuple[str, str], str] = {}
    weights: dict[tuple[str, str], float] = {}
    capw: dict[str, float] = {}
    wanted = set(actors)
    if len(g):
        for rec in g[g["actor_id"].isin(wanted)].to_dict("records"):
            key = (rec["actor_id"], rec["capability_id"])
            cells[key] = "own" if rec["own"] else "pooled" if rec["pooled"] else "missing"
            weights[key] = float(rec["weight"])
            capw[rec["capability_id"]] = capw.get(rec["capability_id"], 0.0) + float(rec["weight"])
    caps = capabilities or [c for c, _ in sorted(capw.items(), key=lambda kv: (-kv[1], kv[0]))][:30]
    return HeatMap(
        actors=[(a, ctx.name(a)) for a in actors],
        capabilities=[(c, ctx.name(c)) for c in caps],
        cells=cells,
        weights=weights,
        caption=caption,
    )


def _gap_section(ctx: _Context, recommendations: dict[str, Any], figures: dict[str, Figure]) -> Section:
    totals = ctx.gap_totals()
    blocks: list[Block] = [
        Paragraph(
            "An actor needs the capabilities required by the threats that target it. It owns some; "
            "its partners (actors it cooperates with and fellow members of its alliances) pool "
            "others; the rest is missing. The own gap is what it lacks alone, the coalition gap "
            "what it lacks with its partners; the difference is what multilateral cooperation buys it."
        ),
        _main_heatmap(ctx, None),
    ]
    if "heatmap" in figures:
        blocks.append(figures["heatmap"])
    closes = totals.sort_values(["closed", "actor_id"], ascending=[False, True])
    closes = closes[closes["closed"] > 0].head(ctx.top)
    gs = ctx.frame("gap_summary")
    closed_caps = (
        dict(zip(gs["actor_id"], gs["closed_capabilities"], strict=True))
        if "closed_capabilities" in gs
        else {}
    )
    subs = [
        Section(
            "cooperation-closes",
            "What cooperation closes",
            [
                Paragraph(
                    "Actors whose gap shrinks most when their partners' capabilities count "
                    "(weights: number of threats that need each missing capability)."
                ),
                Table(
                    [
                        "actor",
                        "needed",
                        "own gap",
                        "coalition gap",
                        "closed by cooperation",
                        "capabilities partners bring",
                    ],
                    [
                        [
                            ctx.name(r["actor_id"]),
                            r["needed"],
                            r["own_gap"],
                            r["coalition_gap"],
                            r["closed"],
                            _cell(closed_caps.get(r["actor_id"], []), ctx),
                        ]
                        for r in closes.to_dict("records")
                    ],
                    empty="Cooperation closes no actor's gap in this graph.",
                ),
            ],
        ),
    ]
    ag = ctx.frame("alliance_gaps")
    if "own" in ag:
        open_ag = ag[~ag["own"].astype(bool)].sort_values(["weight"], ascending=False, kind="stable")
        rows = [
            [ctx.name(r["alliance_id"]), ctx.name(r["capability_id"]), r["weight"], r.get("members_needing")]
            for r in open_ag.head(ctx.top * 2).to_dict("records")
        ]
        atable = Table(
            ["alliance", "capability no member has", "threats needing it", "members needing it"],
            rows,
            empty="Every capability that alliance members need is held by at least one member.",
        )
    else:
        atable = ctx.table(
            ag, limit=ctx.top * 2, empty="No alliance in the graph has members facing threats."
        )
    subs.append(
        Section(
            "alliance-gaps",
            "Alliance gaps",
            [
                Paragraph(
                    "For each alliance and organisation: capabilities its members need against the threats "
                    "that target them and that no member holds, heaviest first."
                ),
                atable,
            ],
        )
    )
    subs.append(_uncovered_section(ctx))
    subs.append(_recommendation_section(ctx, recommendations))
    return Section("gaps", "Capability gaps", blocks, subs)


def _uncovered_section(ctx: _Context) -> Section:
    unc = ctx.frame("uncovered_threats")
    blocks: list[Block] = [
        Paragraph(
            "Threats that need a capability no actor in the graph has: no partnership can "
            "answer them until someone builds the capability."
        ),
        ctx.table(unc, limit=ctx.top * 3, empty="Every threat can be answered by someone in the graph."),
    ]
    if len(unc) > ctx.top * 3:
        blocks.append(Paragraph(f"{len(unc) - ctx.top * 3} more in uncovered_threats.csv."))
    return Section("uncovered-threats", "Threats nobody covers", blocks)


def _recommendation_section(ctx: _Context, recommendations: dict[str, Any]) -> Section:
    blocks: list[Block] = [
        Paragraph(
            "New partners that would close most of an actor's remaining (coalition) gap, chosen "
            "greedily: each pick closes the most weight still open after the picks before it."
        )
    ]
    subs = []
    for actor, df in recommendations.items():
        subs.append(
            Section(
                f"recommend-{_slug(actor)}",
                f"Partners for {ctx.name(actor)}",
                [
                    ctx.table(
                        df,
                        limit=ctx.top,
                        skip=("actor_id",),
                        empty="No new partner would close any of its remaining gap.",
                    ),
                ],
            )
        )
    if not recommendations:
        blocks.append(Paragraph("No actor has a remaining gap that a new partner could close."))
    return Section("recommendations", "Partner recommendations", blocks, subs)


def _critical_section(ctx: _Context) -> Section:
    crit = ctx.frame("critical_actors")
    return Section(
        "critical-actors",
        "Critical actors",
        [
            Paragraph(
                "Actors whose loss would hurt most: removing them opens the largest coalition "
                "gaps in others, or cuts the cooperation network apart (an articulation point)."
            ),
            ctx.table(crit, limit=ctx.top, empty="No actor's loss opens a gap or splits the network."),
        ],
    )


def _graph_section(
    ctx: _Context, graph_html: str | None, figure: Figure | None, focus: str | None
) -> Section:
    caption = (
        f"{ctx.name(focus)} and its neighbourhood. " if focus else "The actor network. "
    ) + "Drag to move, scroll to zoom, hover a node for its properties."
    blocks: list[Block] = []
    if graph_html:
        blocks.append(GraphView(graph_html, figure, caption))
    elif figure is not None:
        blocks.append(figure)
    return Section("graph", "The network", blocks)


def _methods_section(ctx: _Context, seed: int | None) -> Section:
    info = ctx.info
    rows = []
    for k, v in _flatten(info):
        if "timing" in k or k.startswith("timings"):
            continue
        rows.append([k, v if isinstance(v, int | float | bool) else str(v)])
    versions = _versions()
    return Section(
        "methods",
        "Methods",
        [
            Paragraph(
                "Centrality runs on the undirected actor network (MEMBER_OF and COOPERATES_WITH, parallel "
                "ties merged). Degree, betweenness and closeness follow networkx's definitions, normalised; "
                "betweenness and closeness count hops (a cooperation strength is not a distance), weighted "
                "degree sums tie strengths. Constraint and effective size are Burt's. Clusters come from "
                "a seeded community detection. Capability gaps follow graphkit's definition: needed = "
                "capabilities required by threats targeting the actor, weighted by the number of such "
                "threats; own = capabilities held at or above the level threshold; pooled = own plus "
                "partners'. Partner recommendation is a greedy weighted set cover."
            ),
            Table(["parameter", "value"], rows, caption="Analysis parameters", empty=f"seed {seed}"),
            Table(["software", "version"], versions, caption="Software"),
        ],
    )


def _flatten(d: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    if isinstance(d, dict):
        for k, v in d.items():
            out += _flatten(v, f"{prefix}{k}." if not isinstance(v, dict) else f"{prefix}{k}.")
        return [(k.rstrip("."), v) for k, v in out]
    if isinstance(d, list | tuple):
        return [(prefix, ", ".join(str(x) for x in d))]
    return [(prefix, d)]


def _versions() -> list[list[str]]:
    import importlib.metadata as md

    rows = [["python", platform.python_version()]]
    for pkg in ("graphkit", "networkx", "igraph", "pandas", "numpy", "matplotlib", "pyvis", "jinja2"):
        try:
            rows.append([pkg, md.version(pkg)])
        except md.PackageNotFoundError:
            rows.append([pkg, "not installed"])
    return rows


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _focus_sections(
    ctx: _Context, focus: str, recommendations: dict[str, Any], figures: dict[str, Figure]
) -> list[Section]:
    G = ctx.G
    d = G.nodes[focus]
    members, memberships, partners = _relations(ctx, focus)
    is_group = bool(members)
    kind = d.get("kind", "actor")
    # profile
    prof_blocks: list[Block] = []
    kind_text = str(kind).replace("_", " ")
    article = "an" if kind_text[:1].lower() in "aeiou" else "a"
    facts = [f"{ctx.name(focus)} ({focus}) is {article} {kind_text}"]
    for key in ("region", "founded", "iso3"):
        if d.get(key) is not None:
            facts.append(f"{key} {d[key]}")
    prof_blocks.append(Paragraph("; ".join(facts) + ".", "Profile."))
    c = ctx.centrality
    if len(c) and focus in set(c["id"]):
        row = c[c["id"] == focus].iloc[0]
        rank_rows = []
        for col, title, _, high in MEASURES:
            if col in c:
                rank = int((c[col] > row[col]).sum() + 1) if high else int((c[col] < row[col]).sum() + 1)
                rank_rows.append([title, _cell(row[col], ctx), f"{rank} of {len(c)}"])
        prof_blocks.append(
            Table(["measure", "value", "rank"], rank_rows, caption="Where it stands in the network")
        )
    if memberships:
        prof_blocks.append(Paragraph(", ".join(ctx.name(m) for m in memberships) + ".", "Member of:"))
    sections = [Section("focus", f"About {ctx.name(focus)}", prof_blocks)]
    totals = ctx.gap_totals().set_index("actor_id") if len(ctx.gap_totals()) else None

    def gap_of(a: str, col: str) -> Any:
        return float(totals.loc[a, col]) if totals is not None and a in totals.index else 0.0

    if is_group:
        rows = [
            [
                ctx.name(m),
                ctx.kind(m),
                ctx.importance(m) + 1,
                gap_of(m, "needed"),
                gap_of(m, "own_gap"),
                gap_of(m, "coalition_gap"),
            ]
            for m in members
        ]
        sections.append(
            Section(
                "members",
                f"Members of {ctx.name(focus)}",
                [
                    Paragraph(
                        f"{len(members)} members, most central (PageRank) first, with the gap weight each "
                        "faces alone and with its partners."
                    ),
                    Table(["member", "kind", "network rank", "needed", "own gap", "coalition gap"], rows),
                ],
            )
        )
    prow = sorted(partners.items(), key=lambda kv: (ctx.importance(kv[0]), kv[0]))
    sections.append(
        Section(
            "partners",
            f"Partners of {ctx.name(focus)}",
            [
                Paragraph(
                    "Actors it cooperates with directly and fellow members of the organisations it belongs to."
                ),
                Table(
                    ["partner", "kind", "tie"],
                    [[ctx.name(p), ctx.kind(p), "; ".join(dict.fromkeys(h))] for p, h in prow],
                    empty="No cooperation or shared membership is recorded.",
                ),
            ],
        )
    )
    # gaps
    gblocks: list[Block] = []
    if is_group:
        ag = ctx.frame("alliance_gaps")
        own_rows = ag[ag["alliance_id"] == focus] if "alliance_id" in ag else ag.iloc[0:0]
        gblocks.append(
            Paragraph(
                f"What the members of {ctx.name(focus)} need against the threats that target them, what "
                "each has, what partners cover and what is missing."
            )
        )
        if {"capability_id", "weight", "own"} <= set(own_rows.columns):
            gblocks.append(
                Table(
                    [
                        "capability",
                        "threats needing it",
                        "held by a member",
                        "members holding it",
                        "members needing it",
                    ],
                    [
                        [
                            ctx.name(r["capability_id"]),
                            r["weight"],
                            bool(r["own"]),
                            r.get("holders"),
                            r.get("members_needing"),
                        ]
                        for r in own_rows.to_dict("records")
                    ],
                    caption=f"{ctx.name(focus)} as a whole",
                    empty="No member faces a threat with known requirements.",
                )
            )
        else:
            gblocks.append(
                ctx.table(
                    own_rows,
                    skip=("alliance_id",),
                    caption=f"{ctx.name(focus)} as a whole",
                    empty="No member faces a threat with known requirements.",
                )
            )
    g = ctx.gaps
    mine = g[g["actor_id"] == focus] if len(g) else g
    if len(mine):
        mine = mine.sort_values(["weight", "capability_id"], ascending=[False, True])
        gblocks.append(
            Table(
                ["capability", "threats needing it", "own", "with partners", "status"],
                [
                    [
                        ctx.name(r["capability_id"]),
                        r["weight"],
                        bool(r["own"]),
                        bool(r["pooled"]),
                        _STATE_TEXT["own" if r["own"] else "pooled" if r["pooled"] else "missing"],
                    ]
                    for r in mine.to_dict("records")
                ],
                caption=f"Capabilities {ctx.name(focus)} itself needs",
            )
        )
    elif not is_group:
        gblocks.append(
            Paragraph(f"No threat in the graph targets {ctx.name(focus)} with known requirements.")
        )
    gblocks.append(_main_heatmap(ctx, focus))
    if "heatmap" in figures:
        gblocks.append(figures["heatmap"])
    threats = sorted({u for u, _, e in G.in_edges(focus, data=True) if e.get("type") == "TARGETS"})
    if is_group:
        threats = sorted(
            {u for m in members for u, _, e in G.in_edges(m, data=True) if e.get("type") == "TARGETS"}
            | set(threats)
        )
    trows = []
    for t in threats:
        req = [v for _, v, e in G.out_edges(t, data=True) if e.get("type") == "REQUIRES"]
        trows.append([ctx.name(t), ", ".join(ctx.name(x) for x in sorted(req))])
    gsubs = [
        Section(
            "focus-threats",
            "Threats it faces",
            [
                Table(
                    ["threat", "requires"],
                    trows[: ctx.top * 5],
                    caption=f"{len(trows)} threats"
                    + (f" (first {ctx.top * 5} shown)" if len(trows) > ctx.top * 5 else ""),
                    empty="No threat in the graph targets it.",
                )
            ],
        )
    ]
    sections.append(Section("focus-gaps", f"Gaps of {ctx.name(focus)}", gblocks, gsubs))
    sections.append(_recommendation_section(ctx, recommendations))
    sections.append(_uncovered_section(ctx))
    return sections


# ---- writing ------------------------------------------------------------------------------


def write_report(
    G: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    focus: str | None = None,
    top: int = 10,
    title: str | None = None,
    seed: int = 42,
    dataset: str | None = None,
    progress: Progress | None = None,
    analysis: Any = None,
) -> Path:
    """Analyse ``G`` and write the report folder: ``index.html``, ``report.md``, ``figures/``, CSV tables.

    The folder is built beside ``path`` and moved into place only when complete. An
    existing ``path`` is replaced only when it is an empty folder or a graphkit report
    (it holds ``.graphkit-report``); anything else raises :class:`OutputError`.

    Parameters
    ----------
    focus : an actor or alliance id; the report then leads with its partners (or members),
        its gaps and its recommended partners.
    top : how many actors each ranking shows.
    seed : seed of every randomised step (community detection, sampling, layout).
    analysis : a precomputed :func:`graphkit.analysis.analyze` result (computed when None).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graphkit.export.report import write_report
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report"
    >>> _ = write_report(gk.load(gk.SAMPLE), out)
    >>> sorted(p.name for p in out.iterdir() if p.suffix in (".html", ".md"))
    ['index.html', 'report.md']
    """
    path = Path(path)
    progress = progress or Progress(quiet=True)
    check_report_path(path)
    if top < 1:
        raise OutputError(f"--top must be at least 1 (got {top})")
    if focus is not None:
        _check_focus(G, focus)
    if analysis is None:
        from graphkit.analysis import analyze

        with progress.step("analysing the network"):
            analysis = analyze(G, seed=seed, progress=progress)
    ctx = _Context(G, analysis, top)
    with progress.step("recommending partners"):
        recommendations = _recommendations(G, ctx, focus, progress)
    with atomic_path(path, folder=True) as tmp:
        _readable_by_umask(tmp)
        with progress.step("writing tables"):
            write_report_tables(
                analysis,
                tmp,
                recommendations=recommendations,
                extra={"dataset": dataset, "focus": focus, "top": top, "seed": seed},
            )
        with progress.step("drawing figures"):
            figures = _figures(ctx, tmp / "figures", focus, seed)
        with progress.step("drawing the interactive graph"):
            graph_html = _interactive_graph(G, ctx, focus, seed)
        with progress.step("writing index.html and report.md"):
            report = build_report(
                G,
                analysis,
                focus=focus,
                top=top,
                title=title,
                dataset=dataset,
                seed=seed,
                recommendations=recommendations,
                graph_html=graph_html,
                figures=figures,
            )
            (tmp / "index.html").write_text(render_report_html(report), encoding="utf-8")
            (tmp / "report.md").write_text(render_report_markdown(report), encoding="utf-8")
            (tmp / REPORT_MARKER).write_text(
                json.dumps(
                    {
                        "graphkit_report": 1,
                        "generated": report.generated,
                        "dataset": dataset,
                        "focus": focus,
                    }
                )
                + "\n",
                encoding="utf-8",
            )
    progress.say(f"report written to {path}/index.html")
    return path


def _readable_by_umask(folder: Path) -> None:
    """Give the temporary folder (created 0700) the permissions a plain mkdir would have."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)


def check_report_path(path: Path) -> None:
    """Raise :class:`OutputError` unless ``path`` is free, an empty folder or a graphkit report."""
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_dir() or path.is_symlink():
        raise OutputError(f"{path}: exists and is not a report folder; choose another output path")
    if any(path.iterdir()) and not (path / REPORT_MARKER).is_file():
        raise OutputError(
            f"{path}: folder is not empty and is not a graphkit report (no {REPORT_MARKER} file); "
            "it is left untouched — choose another output path or remove it yourself"
        )


def write_report_tables(
    analysis: Any,
    folder: str | os.PathLike[str],
    *,
    recommendations: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> list[Path]:
    """Write every DataFrame of ``analysis`` as ``NAME.csv`` plus ``summary.json``.

    Text cells that a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@`` ...) are
    neutralised with a leading ``'``; numbers stay numbers.
    """
    import pandas as pd

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    frames = {k: v for k, v in _frames(analysis).items()}
    recs = [df.assign(for_actor=a) for a, df in (recommendations or {}).items() if df is not None and len(df)]
    if recommendations is not None:
        frames["partner_recommendations"] = (
            pd.concat(recs, ignore_index=True) if recs else pd.DataFrame(columns=["for_actor"])
        )
    for name, df in frames.items():
        p = folder / f"{name}.csv"
        _neutralised(df).to_csv(p, index=False, lineterminator="\n")
        written.append(p)
    info = dict(getattr(analysis, "summary", None) or {})
    info["report"] = extra or {}
    p = folder / "summary.json"
    p.write_text(json.dumps(info, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(p)
    return written


def _frames(analysis: Any) -> dict[str, Any]:
    import pandas as pd

    names = [k for k in dir(analysis) if not k.startswith("_")]
    out = {}
    for k in names:
        try:
            v = getattr(analysis, k)
        except Exception:  # pragma: no cover - properties that cannot be read are skipped
            continue
        if isinstance(v, pd.DataFrame):
            out[k] = v
    return out


def _neutralised(df: Any) -> Any:
    """A copy of ``df`` whose text cells (and text inside list cells) cannot run as spreadsheet formulas."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype.kind in "biufcmM":
            continue
        out[col] = s.map(_neutral_value)
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out


def _neutral_value(v: Any) -> Any:
    import numpy as np

    if isinstance(v, str):
        return neutralise_formula(v)
    if isinstance(v, list | tuple | set | frozenset | np.ndarray):
        return neutralise_formula(";".join(str(x) for x in v))
    return v


def _recommendations(
    G: nx.MultiDiGraph, ctx: _Context, focus: str | None, progress: Progress
) -> dict[str, Any]:
    from graphkit.analysis import recommend_partners

    if focus:
        targets = [focus]
    else:
        totals = ctx.gap_totals()
        totals = totals[totals["coalition_gap"] > 0].sort_values(
            ["coalition_gap", "actor_id"], ascending=[False, True]
        )
        targets = list(totals["actor_id"].head(min(ctx.top, 5)))
    out = {}
    for i, a in enumerate(targets):
        out[a] = recommend_partners(G, a, k=ctx.top)
        progress.count("recommending partners", i + 1, len(targets), unit="actors")
    return out


def _relations(ctx: _Context, focus: str) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Members (if an alliance), memberships and partners (with how they are tied) of ``focus``."""
    G = ctx.G
    members = sorted(
        {u for u, v, e in G.in_edges(focus, data=True) if e.get("type") == "MEMBER_OF"},
        key=lambda a: (ctx.importance(a), a),
    )
    memberships = sorted(
        {v for u, v, e in G.out_edges(focus, data=True) if e.get("type") == "MEMBER_OF"},
        key=lambda a: (ctx.importance(a), a),
    )
    partners: dict[str, list[str]] = {}
    for u, v, e in list(G.out_edges(focus, data=True)) + list(G.in_edges(focus, data=True)):
        if e.get("type") == "COOPERATES_WITH":
            other = v if u == focus else u
            how = "cooperation" + (f" ({e['instrument']})" if e.get("instrument") else "")
            partners.setdefault(other, []).append(how)
    for org in memberships:
        for u, _, e in G.in_edges(org, data=True):
            if e.get("type") == "MEMBER_OF" and u != focus:
                partners.setdefault(u, []).append(f"fellow member of {ctx.name(org)}")
    return members, memberships, partners


def _main_heatmap(ctx: _Context, focus: str | None) -> HeatMap:
    """The report's heat map: the most threatened actors, or the focus and its members / partners."""
    if focus is None:
        totals = ctx.gap_totals().sort_values(
            ["own_gap", "needed", "actor_id"], ascending=[False, False, True]
        )
        shown = list(totals["actor_id"].head(max(ctx.top, 15)))
        return _heatmap(
            ctx,
            shown,
            f"The {len(shown)} actors with the largest gaps of their own, largest first; "
            "hover a cell for the number of threats behind it.",
        )
    members, _, partners = _relations(ctx, focus)
    others = members or sorted(partners, key=lambda a: (ctx.importance(a), a))
    limit = max(ctx.top * 3, 40)
    caption = (
        f"{ctx.name(focus)} and its {'members' if members else 'partners'}"
        + (f" (the {limit - 1} most central shown)" if len(others) > limit - 1 else "")
        + "."
    )
    return _heatmap(ctx, [focus] + others[: limit - 1], caption)


# ---- figures and the interactive graph ------------------------------------------------------

_COLOURS = {"own": "#2166ac", "pooled": "#92c5de", "missing": "#d6604d", None: "#f1f3f5"}


def _figures(ctx: _Context, folder: Path, focus: str | None, seed: int) -> dict[str, Figure]:
    """The report's static figures, written to ``folder`` (SVG charts, the network as PNG)."""
    import io

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Figure] = {}
    plt.rcParams.update({"font.size": 9, "svg.fonttype": "none", "font.family": "DejaVu Sans"})

    def save(fig: Any, name: str, alt: str, caption: str, fmt: str) -> Figure:
        buf = io.BytesIO()
        fig.savefig(
            buf, format=fmt, bbox_inches="tight", dpi=110, metadata={"Date": None} if fmt == "svg" else None
        )
        plt.close(fig)
        data = buf.getvalue()
        (folder / f"{name}.{fmt}").write_bytes(data)
        return Figure(
            f"figures/{name}.{fmt}", alt, caption, data, "image/svg+xml" if fmt == "svg" else "image/png"
        )

    h = _main_heatmap(ctx, focus)
    if h.actors and h.capabilities:
        import numpy as np
        from matplotlib.colors import ListedColormap

        order = ["own", "pooled", "missing", None]
        grid = np.array([[order.index(h.cells.get((a, c))) for c, _ in h.capabilities] for a, _ in h.actors])
        fig, ax = plt.subplots(figsize=(1.6 + 0.32 * len(h.capabilities), 1.0 + 0.26 * len(h.actors)))
        ax.imshow(grid, cmap=ListedColormap([_COLOURS[k] for k in order]), vmin=0, vmax=3, aspect="auto")
        ax.set_xticks(
            range(len(h.capabilities)), [_short(n, 32) for _, n in h.capabilities], rotation=55, ha="right"
        )
        ax.set_yticks(range(len(h.actors)), [_short(n, 34) for _, n in h.actors])
        ax.set_xticks(np.arange(-0.5, len(h.capabilities)), minor=True)
        ax.set_yticks(np.arange(-0.5, len(h.actors)), minor=True)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.tick_params(which="both", length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        from matplotlib.patches import Patch

        ax.legend(
            handles=[Patch(color=_COLOURS[k], label=_STATE_TEXT[k]) for k in order],
            loc="lower left",
            bbox_to_anchor=(0, 1.01),
            ncol=4,
            frameon=False,
        )
        figures["heatmap"] = save(fig, "gaps-heatmap", "Capability gap heat map", h.caption, "svg")
        figures["heatmap"].caption = "Capability gaps: " + h.caption
        figures["heatmap"].html = False

    c = ctx.centrality
    if len(c) and "pagerank" in c and "betweenness" in c:
        topn = c.sort_values(["pagerank", "id"], ascending=[False, True]).head(ctx.top)[::-1]
        names = [_short(ctx.name(a), 30) for a in topn["id"]]
        fig, axes = plt.subplots(1, 2, figsize=(8.5, 0.9 + 0.3 * len(topn)), sharey=True)
        for ax, col, colour in ((axes[0], "pagerank", "#1f4e79"), (axes[1], "betweenness", "#d08c2a")):
            ax.barh(names, topn[col].astype(float), color=colour)
            ax.set_title(col.capitalize() if col != "pagerank" else "PageRank", loc="left", fontsize=10)
            for spine in ("top", "right"):
                ax.spines[spine].set_visible(False)
        fig.tight_layout()
        figures["centrality"] = save(
            fig,
            "centrality",
            "Most central actors by PageRank and betweenness",
            f"The {len(topn)} actors with the highest PageRank, and their betweenness.",
            "svg",
        )

    figures["network"] = _network_figure(ctx, folder, focus, seed, save)
    return figures


def _drawing_options(ctx: _Context, focus: str | None) -> dict[str, Any]:
    """How the report draws the network: actors, coloured by cluster, sized by PageRank (the analysis's)."""
    opts: dict[str, Any] = {
        "layers": "actors",
        "color_by": "cluster" if len(ctx.clusters) else "kind",
        "size_by": "pagerank",
    }
    if len(ctx.clusters):
        cl = ctx.clusters
        if "cluster_name" in cl:  # the legend then names clusters as the report's tables do
            cl = cl.assign(cluster=cl["cluster_name"].astype(str))
        opts["clusters"] = cl
    if len(ctx.centrality):
        opts["scores"] = ctx.centrality
    if focus:
        opts.update(focus=focus, depth=1)
    return opts


def _network_figure(ctx: _Context, folder: Path, focus: str | None, seed: int, save: Any) -> Figure:
    """The network as a PNG for report.md: the interactive graph's positions, colours and sizes."""
    import matplotlib.pyplot as plt

    from graphkit.export.drawing import prepare_drawing

    D = prepare_drawing(ctx.G, seed=seed, **_drawing_options(ctx, focus))
    tied = {e.source for e in D.edges} | {e.target for e in D.edges} | {focus}
    D.nodes = [n for n in D.nodes if n.id in tied]  # actors without ties only ring the picture
    pos = {n.id: (n.x, -n.y) for n in D.nodes}
    from matplotlib.collections import LineCollection

    fig, ax = plt.subplots(figsize=(10, 7))
    segments = [(pos[e.source], pos[e.target]) for e in D.edges if e.source in pos and e.target in pos]
    ax.add_collection(LineCollection(segments, colors="#9aa5b1", alpha=0.35, linewidths=0.6, zorder=1))
    biggest = max((n.size for n in D.nodes), default=1) or 1
    ax.scatter(
        [n.x for n in D.nodes],
        [-n.y for n in D.nodes],
        s=[20 + 500 * (n.size / biggest) ** 2 for n in D.nodes],
        c=[n.color for n in D.nodes],
        edgecolors="white",
        linewidths=0.6,
        zorder=2,
    )
    import matplotlib.patheffects as pe

    labelled = sorted(D.nodes, key=lambda n: (ctx.importance(n.id), n.id))[: ctx.top]
    if focus and focus in pos and focus not in {n.id for n in labelled}:
        labelled += [n for n in D.nodes if n.id == focus]
    for n in labelled:
        ax.annotate(
            _short(n.name, 28),
            (n.x, -n.y),
            fontsize=8,
            ha="center",
            va="bottom",
            xytext=(0, 6),
            textcoords="offset points",
            zorder=3,
            path_effects=[pe.withStroke(linewidth=3, foreground="white")],
        )
    ax.set_axis_off()
    caption = ("The actor network" if not focus else f"{ctx.name(focus)} and its direct ties") + (
        ": colour = cooperation cluster, size = PageRank; the most central actors are labelled "
        "(actors without ties are left out here and shown in the interactive graph)."
    )
    return save(fig, "network", "Actor network", caption, "png")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _interactive_graph(G: nx.MultiDiGraph, ctx: _Context, focus: str | None, seed: int) -> str:
    """The interactive actor graph as a whole HTML page (see :mod:`graphkit.export.html`)."""
    from graphkit.export.html import render_html

    return render_html(G, **_drawing_options(ctx, focus))
