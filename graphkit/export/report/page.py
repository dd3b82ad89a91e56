"""Rendering a :class:`~graphkit.export.report.document.Report` as one self-contained HTML page."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graphkit.export.report.document import (
    STATE_TEXT,
    SYMBOL,
    Bullets,
    Figure,
    GraphView,
    Grid,
    HeatMap,
    Items,
    Paragraph,
    Report,
    Table,
    fmt,
    numeric_column,
)
from graphkit.files import isolate_bidi

__all__ = ["render_report_html", "script_sources"]

# ---- HTML -----------------------------------------------------------------------------------

_TEMPLATES = Path(__file__).parent.parent / "templates"
_CSP = re.compile(r'http-equiv="Content-Security-Policy" content="([^"]*)"')
_HASH = re.compile(r"sha256-[A-Za-z0-9+/=]+")
_LONG_TOKEN = re.compile(r"\S{28,}")
"""A run of 28 or more characters without a space (an address or a path, not a word)."""


def render_report_html(report: Report) -> str:
    """The report as one self-contained HTML page (no request leaves the file)."""
    import jinja2
    import markupsafe

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = _cell_html
    env.filters["data_uri"] = lambda f: f"data:{f.mime};base64," + base64.b64encode(f.data).decode("ascii")
    env.tests["paragraph"] = lambda b: isinstance(b, Paragraph)
    env.tests["bullets"] = lambda b: isinstance(b, Bullets)
    env.tests["table"] = lambda b: isinstance(b, Table)
    env.tests["heatmap"] = lambda b: isinstance(b, HeatMap)
    env.tests["figure"] = lambda b: isinstance(b, Figure)
    env.tests["graphview"] = lambda b: isinstance(b, GraphView)
    env.tests["grid"] = lambda b: isinstance(b, Grid)
    env.globals["numeric_column"] = numeric_column
    env.globals["symbol"] = SYMBOL
    env.globals["state_text"] = STATE_TEXT
    page_js = (_TEMPLATES / "report_page.js").read_text(encoding="utf-8")
    return env.get_template("report_page.html").render(
        report=report, page_js=markupsafe.Markup(page_js), script_src=script_sources(report, page_js)
    )


def _cell_html(v: Any) -> Any:
    """A table cell as HTML: text escaped; a long list as its summary that unfolds into the whole list."""
    import markupsafe

    if isinstance(v, Items) and v.condensed:
        e = markupsafe.escape
        return markupsafe.Markup(
            f'<details class="items"><summary>{e(isolate_bidi(v.summary()))}</summary>'
            f"{e(isolate_bidi(v.full()))}</details>"
        )
    text = isolate_bidi(fmt(v))
    if not _LONG_TOKEN.search(text):
        return text
    # a web address or path longer than a column may break after its slashes and dots, never
    # a word: each such point gets an optional break (<wbr>); every piece stays escaped
    e = markupsafe.escape
    parts, last = [], 0
    for m in _LONG_TOKEN.finditer(text):
        parts.append(str(e(text[last : m.start()])))
        pieces = re.split(r"(?<=[/._?&=-])", m.group(0))
        parts.append("<wbr>".join(str(e(p)) for p in pieces))
        last = m.end()
    parts.append(str(e(text[last:])))
    return markupsafe.Markup("".join(parts))


def script_sources(report: Report, page_js: str) -> str:
    """The page's ``script-src``: the sha256 of its own script and of every script of the
    interactive graph pages it frames (a ``srcdoc`` frame inherits the page's policy).

    No ``'unsafe-inline'``: a ``<script>`` that the data could smuggle in would not run.
    """
    hashes = [_sha256(page_js)]
    for view in _graph_views(report.sections):
        m = _CSP.search(view.html)
        for directive in html.unescape(m.group(1)).split(";") if m else ():
            if directive.split()[:1] == ["script-src"]:
                hashes += [h for h in _HASH.findall(directive) if h not in hashes]
    return " ".join(f"'{h}'" for h in hashes)


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def _graph_views(sections: list[Any]) -> Iterator[GraphView]:
    for s in sections:
        for b in s.blocks:
            yield from _views_in(b)
        yield from _graph_views(s.subsections)


def _views_in(b: Any) -> Iterator[GraphView]:
    if isinstance(b, GraphView):
        yield b
    elif isinstance(b, Grid):
        for x in b.blocks:
            yield from _views_in(x)
