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

The package, one job per module: ``document`` (the document model), ``markdown`` and
``page`` (the two renderers), ``context`` (what sections read), ``sections`` and ``focus``
(the section builders), ``build`` (a report from an analysis), ``figures`` (charts and the
drawn network) and ``write`` (the folder, written atomically).
"""

from __future__ import annotations

from graphkit.export.report.build import build_report
from graphkit.export.report.context import check_focus as check_focus
from graphkit.export.report.document import (
    MEASURES,
    REPORT_MARKER,
    Bullets,
    Figure,
    GraphView,
    Grid,
    HeatMap,
    Paragraph,
    Report,
    Section,
    Table,
)
from graphkit.export.report.markdown import escape_markdown, render_report_markdown
from graphkit.export.report.page import render_report_html
from graphkit.export.report.write import check_report_path, write_report, write_report_tables

__all__ = [
    "write_report",
    "build_report",
    "render_report_html",
    "render_report_markdown",
    "write_report_tables",
    "check_report_path",
    "check_focus",
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
