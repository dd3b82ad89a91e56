"""Rendering a :class:`~graphkit.export.report.document.Report` as one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

from graphkit.export.report.document import (
    _STATE_TEXT,
    _SYMBOL,
    Bullets,
    Figure,
    GraphView,
    Grid,
    HeatMap,
    Paragraph,
    Report,
    Table,
    _fmt,
    _numeric_column,
)

# ---- HTML -----------------------------------------------------------------------------------


def render_report_html(report: Report) -> str:
    """The report as one self-contained HTML page (no request leaves the file)."""
    import base64

    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent.parent / "templates"),
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
