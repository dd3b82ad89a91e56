"""Rendering a :class:`~graphkit.export.report.document.Report` as Markdown (every markup character escaped)."""

from __future__ import annotations

import re
from typing import Any

from graphkit.export.report.document import (
    STATE_TEXT,
    SYMBOL,
    Block,
    Bullets,
    Figure,
    GraphView,
    Grid,
    HeatMap,
    Paragraph,
    Report,
    Section,
    Table,
    fmt,
    numeric_column,
)
from graphkit.files import LINE_BREAKS, isolate_bidi

__all__ = ["escape_markdown", "render_report_markdown"]

# ---- Markdown -----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#+!|~])")
_MD_BREAKS = re.compile(f"[\t{re.escape(LINE_BREAKS)}]+")
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
    s = _MD_BREAKS.sub(" ", s)
    return isolate_bidi(s)  # a U+202E in a name cannot reverse the text around it


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
    align = ["---:" if numeric_column(t, i) else ":---" for i in range(len(t.columns))]
    out.append("| " + " | ".join(escape_markdown(c) for c in cols) + " |")
    out.append("| " + " | ".join(align) + " |")
    for row in t.rows:
        out.append("| " + " | ".join(escape_markdown(fmt(v)) for v in row) + " |")
    return out + [""]


def _md_heatmap(h: HeatMap) -> list[str]:
    out = []
    if h.caption:
        out += [f"*{escape_markdown(h.caption)}*", ""]
    if not h.actors or not h.capabilities:
        return out + ["No actor in this view faces a threat with known requirements.", ""]
    out.append("Legend: " + ", ".join(f"{SYMBOL[k]} {v}" for k, v in STATE_TEXT.items()) + ".  ")
    out.append("")
    out.append("| actor | " + " | ".join(escape_markdown(n) for _, n in h.capabilities) + " |")
    out.append("| :--- | " + " | ".join(":---:" for _ in h.capabilities) + " |")
    for a, name in h.actors:
        cells = [SYMBOL[h.cells.get((a, c))] for c, _ in h.capabilities]
        out.append(f"| {escape_markdown(name)} | " + " | ".join(cells) + " |")
    return out + [""]
