"""``graphkit viz``: an interactive HTML graph, or a PNG/SVG image, for a briefing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from graphkit import schema
from graphkit.cli.common import (
    MeasureNames,
    add_analysis_options,
    add_command,
    add_quiet,
    add_source,
    analysis_options,
    check_engine,
    load_source,
    progress,
    run_analysis,
)
from graphkit.cli.output_rules import OUTPUT_FILE_RULE
from graphkit.errors import GraphkitError, OutputError

__all__ = ["register"]

FORMATS = ("html", "png", "svg")


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "viz",
        "Draw the graph as one self-contained interactive HTML file (works offline) or a PNG/SVG image.",
        "graphkit viz data/sample --focus NATO --depth 1 -o nato.html",
        _viz,
    )
    add_source(p)
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help=f"output file: .html, .png or .svg; {OUTPUT_FILE_RULE}",
    )
    p.add_argument(
        "--format", choices=FORMATS, default=None, help="output format (default: from FILE's extension)"
    )
    p.add_argument("--focus", metavar="ID", help="draw only the ego network of this node id")
    p.add_argument("--depth", type=int, default=1, metavar="N", help="hops around --focus (default 1)")
    p.add_argument(
        "--layers",
        choices=("actors", "all"),
        default="actors",
        help="actors only (default), or with capabilities and threats",
    )
    p.add_argument(
        "--types",
        nargs="+",
        metavar="TYPE",
        help="relationship types to draw (space or comma separated; default: those of "
        f"the layers); any of {', '.join(schema.RELATIONSHIP_TYPES)}",
    )
    p.add_argument(
        "--color-by",
        choices=("kind", "cluster", "camp"),
        default="kind",
        help="colour by actor kind (default), by cluster (those of `graphkit analyze` "
        "with the same --seed and analysis options) or by camp on the norms (`graphkit align`)",
    )
    p.add_argument(
        "--size-by",
        choices=MeasureNames(),
        default="pagerank",
        metavar="MEASURE",
        help="node size: a centrality measure of the analysis, e.g. pagerank (default), degree, "
        "betweenness (any column of centrality.csv)",
    )
    p.add_argument("--title", help="heading (default: dataset name)")
    p.add_argument("--caption", help="line under the heading (default: dataset, counts, date)")
    p.add_argument(
        "--physics",
        choices=("auto", "on", "off"),
        default="auto",
        help="let the browser settle the layout (auto: only up to 300 nodes)",
    )
    p.add_argument(
        "--present",
        action="store_true",
        help="presentation mode (HTML): the graph fills the page, for a 16:9 slide or an iframe; "
        "the panel folds into a button (keys: F fit, / search, P panel)",
    )
    p.add_argument(
        "--isolates",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="draw actors without any drawn relationship (default: yes in HTML and ego graphs, "
        "no in a PNG/SVG of the whole network)",
    )
    p.add_argument(
        "--aggregate",
        choices=("auto", "on", "off"),
        default="auto",
        help="draw clusters as single nodes that a click expands (HTML; auto: above 2,000 nodes)",
    )
    add_analysis_options(p, types_flag="--network-types")
    add_quiet(p)


def _viz(args: argparse.Namespace) -> int:
    from graphkit.export.drawing import ANALYSIS_OPTIONS

    out = Path(args.output)
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise OutputError(
            f"{out}: cannot tell the format from {out.suffix or 'no extension'!r}; "
            "name the file .html, .png or .svg or give --format"
        )
    if args.format and out.suffix and out.suffix.lower().lstrip(".") != args.format:
        raise OutputError(f"{out}: extension {out.suffix} does not match --format {args.format}")
    if args.present and fmt != "html":
        raise OutputError(f"{out}: --present is a mode of the interactive page; name the file .html")
    types = None
    if args.types:
        types = [t.strip() for item in args.types for t in item.split(",") if t.strip()]
    if args.depth < 0:
        raise GraphkitError(f"--depth must be 0 or more, not {args.depth}")
    check_engine(args)
    prog = progress(args)
    with prog.step("loading graph"):
        G = load_source(args)
    # The drawing reads analysis results, computed by graphkit.analysis as `graphkit analyze`
    # computes them with the same options: only what is drawn, or all of it in GDS.
    chosen = analysis_options(args)
    analysis = run_analysis(G, args, prog) if args.engine == "gds" else None
    drawing_options = chosen.keywords(ANALYSIS_OPTIONS)
    camps = None
    if args.color_by == "camp":  # the camps of `graphkit align`, drawn as clusters are
        from graphkit.analysis.camps import state_positions

        states = state_positions(G)
        camps = dict(zip(states["actor_id"], states["camp_name"], strict=True))
    options: dict[str, Any] = dict(
        color_by="cluster" if camps is not None else args.color_by, clusters=camps,
        size_by=args.size_by, analysis=analysis, options=drawing_options,
        seed=args.seed, focus=args.focus, depth=args.depth, layers=args.layers, types=types, title=args.title,
        caption=args.caption,
    )  # fmt: skip
    if fmt == "html":
        from graphkit.export.html import write_html

        physics = {"auto": None, "on": True, "off": False}[args.physics]
        aggregate = {"auto": None, "on": True, "off": False}[args.aggregate]
        isolates = True if args.isolates is None else args.isolates
        path = write_html(G, out, physics=physics, progress=prog, present=args.present, isolates=isolates,
                          aggregate=aggregate, **options)  # fmt: skip
    else:
        from graphkit.export.static import write_image

        path = write_image(G, out, format=fmt, progress=prog, isolates=args.isolates, **options)
    prog.say(f"wrote {path}")
    return 0
