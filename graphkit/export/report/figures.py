"""The report's figures (heat map, centrality bars, network PNG, each also slide-ready) and the interactive graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from graphkit.export.report.context import Context
from graphkit.export.report.document import STATE_TEXT, Figure
from graphkit.export.report.gap_sections import main_heatmap

__all__ = ["TIE_WORDS", "SLIDE_SIZE", "draw_figures", "interactive_graph"]

# ---- figures and the interactive graph ------------------------------------------------------

_COLOURS = {
    "own": "#2166ac",
    "pooled": "#92c5de",
    "missing": "#d6604d",
    "unknown": "#bdbdbd",
    None: "#f1f3f5",
}


TIE_WORDS = {
    "MEMBER_OF": "membership",
    "COOPERATES_WITH": "agreement",
    "POSITION": "position on a norm",
}
"""How a legend names each kind of tie."""

SLIDE_SIZE = (13.333, 7.5)
"""Slide-ready figures are drawn at 16:9 (a PowerPoint/Keynote widescreen slide, inches)."""

_STYLES = {
    "report": {"font.size": 9, "dpi": 110},
    "slide": {"font.size": 16, "dpi": 144},
}


def draw_figures(ctx: Context, folder: Path, focus: str | None, seed: int) -> dict[str, Figure]:
    """The report's static figures, written to ``folder`` (SVG charts, the network as PNG),
    each also drawn slide-ready (16:9, large type) as PNG and SVG in ``folder/slides``."""
    import io

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "slides").mkdir(exist_ok=True)
    figures: dict[str, Figure] = {}

    def render(draw: Any, style: str) -> Any:
        with plt.rc_context(
            {"font.size": _STYLES[style]["font.size"], "svg.fonttype": "none", "font.family": "DejaVu Sans"}
        ):
            return draw(plt, style)

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

    def slide(draw: Any, name: str) -> None:
        fig = render(draw, "slide")
        fig.set_size_inches(*SLIDE_SIZE)
        for fmt in ("png", "svg"):
            fig.savefig(
                folder / "slides" / f"{name}.{fmt}",
                format=fmt,
                dpi=_STYLES["slide"]["dpi"],
                metadata={"Date": None} if fmt == "svg" else None,
            )
        plt.close(fig)

    h = main_heatmap(ctx, focus)
    if h.actors and h.capabilities:
        draw = _heatmap_drawing(h)
        fig = render(draw, "report")
        figures["heatmap"] = save(fig, "gaps-heatmap", "Capability gap heat map", h.caption, "svg")
        figures["heatmap"].caption = "Capability gaps: " + h.caption
        figures["heatmap"].html = False
        slide(draw, "gaps-heatmap")

    c = ctx.centrality
    if len(c) and "pagerank" in c and "betweenness" in c:
        draw = _centrality_drawing(ctx)
        fig = render(draw, "report")
        figures["centrality"] = save(
            fig,
            "centrality",
            "Most central actors by PageRank and betweenness",
            f"The {min(ctx.top, len(c))} actors with the highest PageRank (left: how connected to "
            "well-connected actors; right: how often on the shortest routes between others).",
            "svg",
        )
        slide(draw, "centrality")

    draw, caption = _network_drawing(ctx, focus, seed)
    figures["network"] = save(render(draw, "report"), "network", "Actor network", caption, "png")
    slide(draw, "network")
    return figures


def _heatmap_drawing(h: Any) -> Any:
    """A function drawing the capability-gap heat map ``h`` in a style (report or slide)."""

    def draw(plt: Any, style: str) -> Any:
        import numpy as np
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        order = ["own", "pooled", "missing", "unknown", None]
        grid = np.array([[order.index(h.cells.get((a, c))) for c, _ in h.capabilities] for a, _ in h.actors])
        big = style == "slide"
        fig, ax = plt.subplots(
            figsize=(
                1.6 + (0.5 if big else 0.32) * len(h.capabilities),
                1.4 + (0.4 if big else 0.26) * len(h.actors),
            )
        )
        ax.imshow(
            grid,
            cmap=ListedColormap([_COLOURS[k] for k in order]),
            vmin=0,
            vmax=len(order) - 1,
            aspect="auto",
        )
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
        ax.set_title("Who holds the capabilities their threats need", loc="left", pad=34 if big else 24)
        ax.legend(
            handles=[Patch(color=_COLOURS[k], label=STATE_TEXT[k]) for k in order],
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncol=5,
            frameon=False,
        )
        return fig

    return draw


def _centrality_drawing(ctx: Context) -> Any:
    """A function drawing the most central actors' PageRank and betweenness side by side."""
    c = ctx.centrality
    topn = c.sort_values(["pagerank", "id"], ascending=[False, True]).head(ctx.top)[::-1]
    names = [_short(ctx.name(a), 30) for a in topn["id"]]

    def draw(plt: Any, style: str) -> Any:
        fig, axes = plt.subplots(1, 2, figsize=(8.5, 1.3 + 0.3 * len(topn)), sharey=True)
        titles = {
            "pagerank": "PageRank: tied to well-tied actors",
            "betweenness": "Betweenness: on others' shortest routes",
        }
        for ax, col, colour in ((axes[0], "pagerank", "#1f4e79"), (axes[1], "betweenness", "#d08c2a")):
            ax.barh(names, topn[col].astype(float), color=colour)
            ax.set_title(titles[col], loc="left", fontsize="medium")
            ax.set_xlabel("score (share of the network, 0 to 1)", fontsize="small")
            for spine in ("top", "right"):
                ax.spines[spine].set_visible(False)
        fig.suptitle("The most central actors", x=0.01, ha="left", fontweight="bold")
        fig.tight_layout()
        return fig

    return draw


def _drawing_options(ctx: Context, focus: str | None) -> dict[str, Any]:
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


def _network_drawing(ctx: Context, focus: str | None, seed: int) -> tuple[Any, str]:
    """A function drawing the network (the interactive graph's positions, colours and sizes),
    with a legend for colours and tie kinds and labels that never overlap; and its caption."""
    from graphkit.export.drawing import prepare_drawing

    D = prepare_drawing(ctx.G, seed=seed, **_drawing_options(ctx, focus))
    tied = {e.source for e in D.edges} | {e.target for e in D.edges} | {focus}
    nodes = [n for n in D.nodes if n.id in tied]  # actors without ties only ring the picture
    pos = {n.id: (n.x, -n.y) for n in nodes}
    ranked = sorted(nodes, key=lambda n: (n.id != focus, ctx.importance(n.id), n.id))
    coloured = D.clusters if D.color_by == "cluster" and D.clusters else D.kinds
    biggest = max((n.size for n in nodes), default=1) or 1

    def draw(plt: Any, style: str) -> Any:
        import matplotlib.patheffects as pe
        from matplotlib.collections import LineCollection
        from matplotlib.lines import Line2D

        big = style == "slide"
        fig, ax = plt.subplots(figsize=SLIDE_SIZE if big else (10, 7.5))
        for entry in D.types:
            segments = [
                (pos[e.source], pos[e.target])
                for e in D.edges
                if e.type == entry.value and e.source in pos and e.target in pos
            ]
            ax.add_collection(
                LineCollection(
                    segments,
                    colors=entry.color,
                    alpha=0.6 if entry.value == "COOPERATES_WITH" else 0.35,
                    linewidths=1.1 if entry.value == "COOPERATES_WITH" else 0.6,
                    linestyles="--" if entry.dashes else "-",
                    zorder=1,
                )
            )
        ax.scatter(
            [n.x for n in nodes],
            [-n.y for n in nodes],
            s=[(30 if big else 20) + (800 if big else 500) * (n.size / biggest) ** 2 for n in nodes],
            c=[n.color for n in nodes],
            edgecolors="white",
            linewidths=0.6,
            zorder=2,
        )
        ax.autoscale_view()
        ax.set_axis_off()
        if big:  # the slide keeps its 16:9 frame: the legend gets the right quarter
            fig.subplots_adjust(left=0.01, right=0.76, top=0.9, bottom=0.02)
        _place_labels(fig, ax, [(n.name, pos[n.id]) for n in ranked], limit=ctx.top + 5, effects=pe)
        shown = sorted(coloured, key=lambda c: -c.count)[:8]
        handles = [
            Line2D([], [], marker="o", linestyle="", markersize=9, color=c.color, label=_short(c.name, 26))
            for c in shown
        ]
        handles += [
            Line2D(
                [],
                [],
                color=t.color,
                linestyle="--" if t.dashes else "-",
                linewidth=1.5,
                label=TIE_WORDS.get(t.value, t.name),
            )
            for t in D.types
        ]
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            title=("colour: bloc" if D.color_by == "cluster" else "colour: kind") + "; line: tie",
            fontsize="small",
        )
        ax.set_title(
            (f"{ctx.name(focus)} and its direct ties" if focus else "Who is tied to whom")
            + " (size: PageRank)",
            loc="left",
        )
        return fig

    caption = ("The actor network" if not focus else f"{ctx.name(focus)} and its direct ties") + (
        ": colour = cooperation bloc, size = PageRank, solid and dashed lines as in the legend; "
        "the most central actors are named where their label does not cover another "
        "(actors without ties are left out here and shown in the interactive graph)."
    )
    return draw, caption


def _place_labels(fig: Any, ax: Any, candidates: list[tuple[str, Any]], *, limit: int, effects: Any) -> int:
    """Label ``candidates`` (most important first) where a label overlaps no label placed before
    it; at most ``limit`` labels. Returns how many were placed."""
    renderer = fig.canvas.get_renderer()
    placed: list[Any] = []
    for name, xy in candidates:
        if len(placed) >= limit:
            break
        text = ax.annotate(
            _short(name, 28),
            xy,
            fontsize="small",
            ha="center",
            va="bottom",
            xytext=(0, 6),
            textcoords="offset points",
            zorder=3,
            path_effects=[effects.withStroke(linewidth=3, foreground="white")],
        )
        box = text.get_window_extent(renderer).expanded(1.05, 1.1)
        if any(box.overlaps(other) for other in placed):
            text.remove()
            continue
        placed.append(box)
    return len(placed)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def interactive_graph(G: nx.MultiDiGraph, ctx: Context, focus: str | None, seed: int) -> str:
    """The interactive actor graph as a whole HTML page (see :mod:`graphkit.export.html`)."""
    from graphkit.export.html import render_html

    return render_html(G, seed=seed, **_drawing_options(ctx, focus))
