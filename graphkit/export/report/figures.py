"""The report's figures (heat map, centrality bars, network PNG) and the interactive graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from graphkit.export.report.context import _Context
from graphkit.export.report.document import _STATE_TEXT, Figure
from graphkit.export.report.gap_sections import _main_heatmap

# ---- figures and the interactive graph ------------------------------------------------------

_COLOURS = {
    "own": "#2166ac",
    "pooled": "#92c5de",
    "missing": "#d6604d",
    "unknown": "#bdbdbd",
    None: "#f1f3f5",
}


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

        order = ["own", "pooled", "missing", "unknown", None]
        grid = np.array([[order.index(h.cells.get((a, c))) for c, _ in h.capabilities] for a, _ in h.actors])
        fig, ax = plt.subplots(figsize=(1.6 + 0.32 * len(h.capabilities), 1.0 + 0.26 * len(h.actors)))
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
        from matplotlib.patches import Patch

        ax.legend(
            handles=[Patch(color=_COLOURS[k], label=_STATE_TEXT[k]) for k in order],
            loc="lower left",
            bbox_to_anchor=(0, 1.01),
            ncol=5,
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

    return render_html(G, seed=seed, **_drawing_options(ctx, focus))
