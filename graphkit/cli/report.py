"""The main job: `graphkit report` writes an analyst's network report."""

from __future__ import annotations

import argparse
from typing import Any

from graphkit.cli.common import (
    REPORT_PERTURB,
    REPORT_PERTURB_ACTORS,
    add_analysis_options,
    add_command,
    add_quiet,
    add_since,
    add_source,
    check_engine,
    dated,
    load_source,
    progress,
    report_perturb,
    run_analysis,
)
from graphkit.cli.output_rules import REPORT_OUTPUT_RULE

__all__ = ["register"]


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "report",
        "Write a network report: index.html (offline, self-contained), report.md with figures, and the CSV tables.",
        "graphkit report data/cyber-multilateral -o reports/cyber-multilateral --focus NATO --seed 1",
        _report,
    )
    add_source(p)
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="DIR",
        help=f"report folder to write: {REPORT_OUTPUT_RULE}",
    )
    p.add_argument(
        "--focus",
        metavar="ID",
        help="make the report about one actor or alliance: its partners or members, gaps and recommendations",
    )
    p.add_argument(
        "--top",
        type=_positive,
        default=10,
        metavar="N",
        help="how many actors each ranking shows (default 10)",
    )
    p.add_argument("--title", help="report title (default: from the dataset or the focus)")
    p.add_argument("--pdf", action="store_true",
                   help="also print index.html to report.pdf beside it (needs a headless Chromium: "
                        "Debian package chromium, or GRAPHKIT_CHROMIUM)")  # fmt: skip
    add_analysis_options(p, perturb_default=REPORT_PERTURB, perturb_adapts=True)
    add_since(p)
    p.add_argument("--scenario", metavar="FILE",
                   help="add a 'What if' section per scenario of FILE (CSV scenario,change,arg1,...; see "
                        "graphkit whatif) and write whatif.csv and whatif.json")  # fmt: skip
    p.add_argument(
        "--compare", nargs=2, metavar=("A", "B"), help="add a section comparing actors A and B side by side"
    )
    add_quiet(p)


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from graphkit.export.report import check_focus, check_report_path, write_report

    out = Path(args.output)
    check_report_path(out)  # fail before the slow part
    if args.pdf:
        from graphkit.export.report.pdf import require_chromium

        require_chromium()
    check_engine(args)
    if args.since is not None:
        from graphkit.analysis.changes import change_window

        change_window(args.since, args.as_of)  # before the slow part
    pr = progress(args)
    with pr.step("loading the dataset"):
        whole = load_source(args, whole=True)  # --since compares with an earlier date
        G = dated(whole, args)
    if args.focus is not None:
        check_focus(G, args.focus)  # before the analysis, which is the slow part
    if args.perturb is None:  # the default adapts to the network's size, and says so
        actors = sum(1 for _, label in G.nodes(data="label") if label == "Actor")
        args.perturb = report_perturb(actors)
        if args.perturb < REPORT_PERTURB:
            pr.say(
                f"stability: {args.perturb} perturbed runs, the default for {actors:,} actors "
                f"({REPORT_PERTURB} up to {REPORT_PERTURB_ACTORS:,}; each run repeats the analysis); "
                "--perturb N to choose"
            )
    scenarios = None
    if args.scenario is not None:
        from graphkit.analysis.scenario_files import load_scenarios
        from graphkit.analysis.scenarios import apply_changes

        scenarios = load_scenarios(args.scenario)
        for s in scenarios:  # a bad change fails before the analysis
            apply_changes(G, s)
    if args.compare is not None:
        from graphkit.analysis.compare import check_actor

        for x in args.compare:
            check_actor(G, x)
    with pr.step("analysing the network"):
        analysis = run_analysis(G, args, pr)
    dataset = args.dataset or args.neo4j_uri
    write_report(
        whole,
        out,
        focus=args.focus,
        top=args.top,
        title=args.title,
        seed=args.seed,
        dataset=str(dataset),
        progress=pr,
        analysis=analysis,
        since=args.since,
        scenarios=scenarios,
        compare=tuple(args.compare) if args.compare else None,
        pdf=args.pdf,  # printed inside the new folder, before it replaces the old report
    )
    return 0
