"""The report as a small document: sections of paragraphs, bullets, tables, a heat map and figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphkit.analysis.measures import MEASURES as REGISTRY
from graphkit.analysis.measures import RANKED_MEASURES
from graphkit.export.drawing import KIND_NAMES, kind_name  # noqa: F401 - one spelling of a kind

__all__ = [
    "REPORT_MARKER",
    "MEASURES",
    "ranked_measures",
    "Paragraph",
    "Bullets",
    "Table",
    "HeatMap",
    "Figure",
    "GraphView",
    "Grid",
    "Items",
    "Block",
    "Section",
    "Report",
    "SYMBOL",
    "STATE_TEXT",
    "fmt",
    "numeric_column",
]

REPORT_MARKER = ".graphkit-report"
"""The file that marks a folder as a graphkit report (only such a folder is ever replaced)."""

MEASURES: tuple[tuple[str, str, str, bool], ...] = tuple(
    (m.name, m.title, m.description, m.high_first) for m in RANKED_MEASURES
)
"""Centrality measures the report ranks actors by (from :data:`graphkit.analysis.measures.MEASURES`):
column, title, one plain sentence on its meaning, and whether a high value ranks first."""


def ranked_measures() -> list[tuple[str, str, str, bool]]:
    """:data:`MEASURES` as the registry holds it now (a measure added at run time is ranked too)."""
    return [(m.name, m.title, m.description, m.high_first) for m in REGISTRY.values() if m.ranked]


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
    """Actors (rows) × capabilities (columns); a cell is ``own``, ``pooled``, ``missing``, ``unknown`` (no data) or ``None``.

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


@dataclass
class Items:
    """A list cell shown condensed when long: a count and the first few, the full list on demand.

    Markdown reads ``13 capabilities: A, B, C and 10 more``; the HTML page shows the same line
    and unfolds the full list (``<details>``). Lists of at most ``shown + 1`` items are shown whole.
    """

    items: list[str]
    noun: str = "items"  # plural
    singular: str = "item"
    shown: int = 3
    sep: str = ", "

    @property
    def condensed(self) -> bool:
        return len(self.items) > self.shown + 1

    def summary(self) -> str:
        if not self.condensed:
            return self.sep.join(self.items)
        n = len(self.items)
        return f"{n} {self.noun}: {self.sep.join(self.items[: self.shown])} and {n - self.shown} more"

    def full(self) -> str:
        return self.sep.join(self.items)


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


SYMBOL = {"own": "●", "pooled": "◐", "missing": "✕", "unknown": "?", None: "·"}
STATE_TEXT = {
    "own": "has it",
    "pooled": "covered by a partner",
    "missing": "missing",
    "unknown": "no data",
    None: "not needed",
}


def fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Items):
        return v.summary()
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


def numeric_column(t: Table, i: int) -> bool:
    values = [r[i] for r in t.rows if i < len(r) and r[i] is not None and r[i] != ""]
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
