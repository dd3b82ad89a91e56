"""Static images for slides: PNG or SVG with the same colours, shapes, layout and legend as the HTML.

Drawn with matplotlib from the same :class:`~graphkit.export.drawing.Drawing` as the
interactive page. Text from the data is drawn as plain text (no mathtext, so a ``$`` in a
name stays a dollar sign); in SVG it is XML-escaped text, never markup.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit.errors import GraphkitError, OutputError
from graphkit.export.drawing import (
    CLUSTER_COLORS,
    EDGE_STYLES,
    OTHER_COLOR,
    Drawing,
    DrawingOptions,
    LegendEntry,
    prepare_drawing,
)
from graphkit.export.tables import atomic_path
from graphkit.progress import Progress

__all__ = ["write_image", "draw_figure", "MARKERS"]

MARKERS = {"dot": "o", "square": "s", "triangle": "^", "diamond": "D"}
"""matplotlib marker for each vis-network shape."""

FORMATS = ("png", "svg")


def write_image(
    G: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    view: DrawingOptions | None = None,
    /,
    *,
    format: str | None = None,
    width: float = 12.0,
    height: float = 8.0,
    dpi: int = 150,
    progress: Progress | None = None,
    **keywords: Any,
) -> Path:
    """Write ``G`` as a PNG or SVG image (format from ``format`` or the file extension).

    An existing file at ``path`` is replaced whole; a symbolic link is written through; a
    folder, a device such as ``/dev/null`` or a FIFO is refused with
    :class:`~graphkit.errors.OutputError`, as is a full disk (nothing is left behind).

    Drawing options as in :func:`graphkit.export.html.write_html` (a
    :class:`~graphkit.export.drawing_model.DrawingOptions` or its fields); ``width`` and ``height`` are
    in inches, ``dpi`` applies to PNG. ``isolates`` draws actors without any drawn
    relationship; by default they are left out of an image of the whole network (where
    they only take room) and kept in an ego graph. Names never overlap: a less central
    name that would cover one already placed is left out.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "sample.svg"
    >>> from graphkit.export.static import write_image
    >>> write_image(gk.load(gk.SAMPLE), out).read_text()[:5]
    '<?xml'
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise OutputError(f"{path}: unknown image format {fmt!r}; use .png or .svg")
    o = DrawingOptions.of(view, **keywords)
    o = DrawingOptions.of(
        o, physics=False, isolates=(o.focus is not None) if o.isolates is None else o.isolates
    )
    drawing = prepare_drawing(G, o, progress=progress)
    progress = progress or Progress(quiet=True)
    with progress.step(f"drawing {fmt.upper()}"):
        fig = draw_figure(drawing, width=width, height=height)
        with atomic_path(path) as tmp:
            import matplotlib.pyplot as plt

            try:
                # SVG keeps text as (XML-escaped) text, so slides can edit and search it.
                with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "graphkit"}):
                    fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_metadata(fmt))
            finally:
                plt.close(fig)
    return path


def draw_figure(drawing: Drawing, *, width: float = 12.0, height: float = 8.0) -> Any:
    """A matplotlib Figure of ``drawing``: graph on the left, legend on the right."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    with plt.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "graphkit"}):
        fig = plt.figure(figsize=(width, height))
        ax = fig.add_axes((0.01, 0.02, 0.76, 0.86))
        ax.set_axis_off()
        fig.text(0.01, 0.965, drawing.title, fontsize=15, fontweight="bold", va="top", parse_math=False)
        fig.text(0.01, 0.925, drawing.caption, fontsize=8.5, color="#5b6570", va="top", parse_math=False)
        if not drawing.nodes:
            ax.text(0.5, 0.5, "nothing to draw", ha="center", transform=ax.transAxes, parse_math=False)
            return fig
        pos = {n.id: (n.x, -n.y) for n in drawing.nodes}  # screen y grows downwards
        large = len(drawing.nodes) > 300
        for t in EDGE_STYLES:
            segs = [(pos[e.source], pos[e.target]) for e in drawing.edges if e.type == t]
            if not segs:
                continue
            st = EDGE_STYLES[t]
            ax.add_collection(
                LineCollection(segs, colors=st["color"], linewidths=0.4 if large else 1.0,
                               alpha=0.3 if large else 0.7, linestyles="--" if st["dashes"] else "-",
                               zorder=1)
            )  # fmt: skip
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        lo, hi = min(n.size for n in drawing.nodes), max(n.size for n in drawing.nodes)
        big = 600 if not large else 120
        small = 40 if not large else 4
        for shape, marker in MARKERS.items():
            group = [n for n in drawing.nodes if n.shape == shape]
            if not group:
                continue
            sizes = [small + (big - small) * ((n.size - lo) / (hi - lo) if hi > lo else 0.5) for n in group]
            ax.scatter([pos[n.id][0] for n in group], [pos[n.id][1] for n in group], s=sizes,
                       c=[n.color for n in group], marker=marker, edgecolors="#333333",
                       linewidths=0.5 if not large else 0.2, zorder=2)  # fmt: skip
        pad = 0.06 * max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(min(ys) - pad, max(ys) + pad)
        ax.set_aspect("equal", adjustable="box")
        _place_labels(fig, ax, drawing, pos)

        handles, labels = [], []
        colour_entries = drawing.clusters if drawing.color_by == "cluster" else drawing.kinds
        if drawing.color_by == "cluster" and len(colour_entries) > len(CLUSTER_COLORS) + 1:
            # the ten coloured clusters by name, the rest (all one grey) as one line
            rest = colour_entries[len(CLUSTER_COLORS) :]
            colour_entries = colour_entries[: len(CLUSTER_COLORS)] + [
                LegendEntry(
                    "", f"{len(rest):,} smaller clusters", OTHER_COLOR, "dot", sum(x.count for x in rest)
                )
            ]
        for entry in colour_entries:
            handles.append(Line2D([], [], marker=MARKERS.get(entry.shape, "o"), linestyle="",
                                  markerfacecolor=entry.color, markeredgecolor="#333333", markersize=9))  # fmt: skip
            labels.append(f"{_short(entry.name)} ({entry.count:,})")
        if drawing.color_by == "cluster":
            for entry in drawing.kinds:
                handles.append(Line2D([], [], marker=MARKERS.get(entry.shape, "o"), linestyle="",
                                      markerfacecolor="#ffffff", markeredgecolor="#333333", markersize=9))  # fmt: skip
                labels.append(f"{entry.name} ({entry.count:,})")
        for entry in drawing.types:
            handles.append(
                Line2D([], [], color=entry.color, linestyle="--" if entry.dashes else "-", linewidth=2)
            )
            labels.append(f"{entry.name} ({entry.count:,})")
        # size legend: the largest, a middle and the smallest node, with their scores
        ranked = (
            sorted((n for n in drawing.nodes if n.id != drawing.focus), key=lambda n: n.size) or drawing.nodes
        )
        picks = (
            [ranked[-1]]
            + ([ranked[len(ranked) // 2]] if len(ranked) > 2 else [])
            + ranked[:1] * (len(ranked) > 1)
        )
        for n in picks:
            area = small + (big - small) * ((n.size - lo) / (hi - lo) if hi > lo else 0.5)
            handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="#b9c7d6",
                                  markeredgecolor="#333333", markersize=max(2.0, area**0.5)))  # fmt: skip
            labels.append(f"{drawing.size_by} {n.score:.3g}")
        legend = fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.78, 0.88), frameon=False,
                            fontsize=9, title=f"colour: {drawing.color_by}, size: {drawing.size_by}",
                            title_fontsize=9, alignment="left")  # fmt: skip
        for text in legend.get_texts():
            text.set_parse_math(False)
        legend.get_title().set_parse_math(False)
    return fig


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _place_labels(fig: Any, ax: Any, drawing: Drawing, pos: dict[str, tuple[float, float]]) -> list[str]:
    """Names of the labelled nodes, the most central first, leaving out any that would overlap.

    Returns the ids whose names were drawn (the focus first, then by score).
    """
    order = sorted(
        (n for n in drawing.nodes if n.show_label),
        key=lambda n: (n.id != drawing.focus, -n.score, n.id),
    )
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    placed: list[Any] = []
    drawn: list[str] = []
    for n in order:
        x, y = pos[n.id]
        text = ax.annotate(n.name, (x, y), xytext=(0, -9), textcoords="offset points", ha="center",
                           va="top", fontsize=8, zorder=3, parse_math=False,
                           bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})  # fmt: skip
        box = text.get_window_extent(renderer)
        if any(box.overlaps(other) for other in placed):
            text.remove()
            continue
        placed.append(box)
        drawn.append(n.id)
    fig.graphkit_labels = drawn
    return drawn


def _metadata(fmt: str) -> dict[str, Any]:
    if fmt == "svg":
        return {"Date": None, "Creator": "graphkit"}
    if fmt == "png":
        return {"Software": "graphkit"}
    raise GraphkitError(f"unknown image format {fmt!r}")  # pragma: no cover
