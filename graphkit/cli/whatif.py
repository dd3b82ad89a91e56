"""The whatif command: scenarios (X joins Y, leaves Y, signs with Z ...) against the baseline, in words and in whatif.csv."""

from __future__ import annotations

import argparse
from typing import Any

from graphkit.cli.common import (
    add_analysis_options,
    add_command,
    add_quiet,
    add_source,
    analysis_options,
    load_source,
    progress,
)

__all__ = ["register", "add_change_options", "scenarios_of"]

_CHANGES = (
    ("join", "ACTOR:ORG[:DATE]", "ACTOR becomes a member of ORG (from DATE, default the day analysed)"),
    ("leave", "ACTOR:ORG", "ACTOR's membership of ORG ends"),
    ("pause", "ACTOR:ORG[:STATUS]", "ACTOR's membership of ORG gets STATUS (suspended, frozen, observer, lapsed; "
                                    "default suspended)"),
    ("sign", "A:B:INSTRUMENT[:POOLS]", "a new agreement between A and B (POOLS: a ;-list of capability ids, all "
                                       "or none; default all)"),
    ("end", "A:B[:INSTRUMENT]", "the agreements between A and B (of INSTRUMENT) end"),
    ("add-actor", "ID:KIND[:NAME]", "a new actor"),
    ("remove-actor", "ID", "the actor and all its relationships go"),
    ("set-level", "ACTOR:CAPABILITY=LEVEL", "ACTOR holds CAPABILITY at LEVEL (0-1)"),
)  # fmt: skip


class _Change(argparse.Action):
    """Keeps every change option in the order given."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        changes = list(getattr(namespace, "changes", None) or [])
        changes.append((self.dest.replace("change_", ""), values, option_string))
        namespace.changes = changes


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "whatif",
        "What if: apply changes (join, leave, pause, sign, end, add or remove an actor, set a level) to a copy "
        "of the dataset, analyse it like `graphkit analyze`, and say what changes against today: gaps closed and "
        "opened (and through whom), rank moves, cluster changes, critical actors, uncovered threats, "
        "recommendations.",
        "graphkit whatif data/cyber-multilateral --leave ARM:CSTO\n"
        "  graphkit whatif data/cyber-multilateral --scenarios scenarios.csv -o out/whatif",
        _whatif,
    )
    add_source(p)
    add_change_options(p)
    p.add_argument(
        "-o",
        "--out",
        metavar="DIR",
        help="write whatif.csv (one row per scenario, actor and effect) and whatif.json (the summaries) "
        "into DIR (other files in DIR stay)",
    )
    p.add_argument("--json", action="store_true", help="print the summaries as JSON instead of sentences")
    p.add_argument("--no-recommend", action="store_true",
                   help="do not recommend partners for the actors a scenario touches (faster)")  # fmt: skip
    add_analysis_options(p, perturb_default=None)
    add_quiet(p)


def add_change_options(p: argparse.ArgumentParser) -> None:
    """The change options (``--join`` ...), ``--scenarios FILE`` and ``--name``."""
    g = p.add_argument_group(
        "scenario", "changes given on the command line form one scenario, applied in the order given"
    )
    for verb, metavar, text in _CHANGES:
        g.add_argument(f"--{verb}", dest=f"change_{verb.replace('-', '_')}", action=_Change, metavar=metavar,
                       help=text)  # fmt: skip
    g.add_argument(
        "--scenarios",
        metavar="FILE",
        help="a scenario file: CSV with columns scenario,change,arg1,arg2,... (one change per row; "
        "several named scenarios), or YAML (needs pyyaml)",
    )
    g.add_argument("--name", default=None, help="name of the command-line scenario (default: the changes)")
    p.set_defaults(changes=[])


def scenarios_of(args: argparse.Namespace) -> list[Any]:
    """The scenarios a command line gives: its change options and/or its scenario file (parsed, not applied)."""
    from graphkit.analysis.scenario_files import load_scenarios
    from graphkit.analysis.scenarios import Scenario, parse_change
    from graphkit.errors import AnalysisError

    out = []
    if getattr(args, "changes", None):
        changes = tuple(parse_change(verb, value, where=opt) for verb, value, opt in args.changes)
        out.append(Scenario(args.name or "; ".join(c.text() for c in changes), changes))
    if getattr(args, "scenarios", None):
        out += load_scenarios(args.scenarios)
    if not out:
        raise AnalysisError(
            "give a change (--join ACTOR:ORG, --leave ACTOR:ORG, --sign A:B:INSTRUMENT ...) or --scenarios FILE"
        )
    return out


def _whatif(args: argparse.Namespace) -> int:
    from graphkit.analysis.whatif import whatif
    from graphkit.errors import GraphkitError
    from graphkit.files import escape_terminal

    if args.engine == "gds":
        raise GraphkitError(
            "whatif analyses copies of the graph locally: use --engine auto, igraph or networkx"
        )
    scenarios = scenarios_of(args)  # a misspelt change fails before loading anything
    if args.out:
        from pathlib import Path

        from graphkit.files import check_output_file

        for name in ("whatif.csv", "whatif.json"):
            p = Path(args.out) / name
            if p.exists() or p.is_symlink():
                check_output_file(p)
    prog = progress(args)
    with prog.step("load"):
        G = load_source(args, whole=True)
    options = analysis_options(args).keywords()
    options.pop("perturb", None)
    result = whatif(G, scenarios, recommend=not args.no_recommend, progress=prog, **options)
    if args.json:
        print(result.to_json())
    else:
        for s in result.summaries:
            print(escape_terminal(f"== {s.name} (as of {s.day}): {'; '.join(s.changes)}"))
            for h in s.headlines:
                print(escape_terminal(f"  {h}"))
    if args.out:
        from graphkit.export.whatif_tables import write_whatif

        paths = write_whatif(result, args.out)
        prog.say(f"wrote {', '.join(p.name for p in paths)} to {args.out}")
    return 0
