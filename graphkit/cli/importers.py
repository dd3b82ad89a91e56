"""Commands that bring other formats in: import misp-galaxy, import stix, merge."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from graphkit.cli.common import add_command, add_quiet, progress
from graphkit.cli.output_rules import DATASET_OUTPUT_RULE
from graphkit.loaders.formats import describe, get_format

__all__ = ["register"]


def register(sub: Any) -> None:
    imp = sub.add_parser(
        "import",
        help="Import threat intelligence (MISP galaxy clusters, STIX 2.1 bundles) as a dataset.",
        description="Import threat intelligence (MISP galaxy clusters, STIX 2.1 bundles) as a dataset.",
        epilog="Example:\n  graphkit import misp-galaxy --installed threat-actor country -o threats",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.set_defaults(func=lambda args: (imp.print_help(), 2)[1])
    isub = imp.add_subparsers(dest="format", metavar="FORMAT")

    p = add_command(
        isub,
        "misp-galaxy",
        f"Read {get_format('misp-galaxy').description} into a dataset.",
        "graphkit import misp-galaxy threat-actor.json country.json -o threats --actors data/cyber-multilateral-curated\n"
        "  graphkit import misp-galaxy --installed threat-actor mitre-intrusion-set mitre-course-of-action -o threats",
        _misp,
    )
    p.add_argument(
        "files", metavar="FILE", nargs="+", help="galaxy cluster .json files (names with --installed)"
    )
    p.add_argument(
        "--installed",
        action="store_true",
        help="FILE names the cluster files pymispgalaxies ships (threat-actor, country ...)",
    )
    _common(p)

    p = add_command(
        isub,
        "stix",
        f"Read {get_format('stix').description} into a dataset.",
        "graphkit import stix enterprise-attack.json -o attack --map-mitigations",
        _stix,
    )
    p.add_argument("files", metavar="BUNDLE", nargs="+", help="STIX 2.1 bundle .json files")
    p.add_argument(
        "--map-mitigations",
        action="store_true",
        help="map ATT&CK mitigations (M1032 ...) to graphkit's capability taxonomy",
    )
    _common(p)

    p = add_command(
        sub,
        "merge",
        "Merge datasets by node id (earlier inputs win conflicts, which are reported).",
        "graphkit merge data/cyber-multilateral-curated threats -o data/cyber-multilateral",
        _merge,
    )
    p.add_argument(
        "inputs", metavar="DATASET", nargs="+", help=f"datasets ({describe()}), highest priority first"
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help=f"output path: {describe(writing=True)}; {DATASET_OUTPUT_RULE}",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 without writing when any property conflicts")
    p.add_argument("--show", type=int, default=20, metavar="N", help="print at most N conflicts (default 20)")
    add_quiet(p)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help=f"output path: {describe(writing=True)}; {DATASET_OUTPUT_RULE}",
    )
    p.add_argument(
        "--actors",
        metavar="DATASET",
        help="match victims and sponsors against this dataset's actors and copy them",
    )
    add_quiet(p)


def _misp(args: argparse.Namespace) -> int:
    from graphkit.loaders import load
    from graphkit.loaders.misp import installed_galaxy_path, load_misp_galaxy

    files = (
        [installed_galaxy_path(f.removesuffix(".json")) for f in args.files] if args.installed else args.files
    )
    prog = progress(args)
    actors = load(args.actors) if args.actors else None
    with prog.step("reading galaxy clusters"):
        result = load_misp_galaxy(files, actors=actors, capabilities=actors)
    return _write(result, args)


def _stix(args: argparse.Namespace) -> int:
    from graphkit.loaders import load
    from graphkit.loaders.misp import RequirementRules
    from graphkit.loaders.stix import load_stix

    prog = progress(args)
    actors = load(args.actors) if args.actors else None
    rules = RequirementRules.default() if args.map_mitigations else None
    with prog.step("reading STIX bundles"):
        result = load_stix(args.files, actors=actors, mitigation_map=rules, capabilities=actors)
    return _write(result, args)


def _write(result: Any, args: argparse.Namespace) -> int:
    from graphkit.export.tables import write

    path = write(result.graph, args.output)
    print(result.report())
    print(f"wrote {path}")
    return 0


def _merge(args: argparse.Namespace) -> int:
    from graphkit.export.tables import write
    from graphkit.loaders import load
    from graphkit.merge import merge_graphs

    prog = progress(args)
    graphs = []
    for path in args.inputs:
        with prog.step(f"loading {path}"):
            graphs.append(load(path))
    result = merge_graphs(graphs, names=args.inputs)
    if result.conflicts:
        print(f"{len(result.conflicts)} conflicting properties (first input wins):", file=sys.stderr)
        for c in result.conflicts[: args.show]:
            print(f"  {c}", file=sys.stderr)
        if len(result.conflicts) > args.show:
            print(f"  ... and {len(result.conflicts) - args.show} more", file=sys.stderr)
        if args.strict:
            print("not written (--strict)", file=sys.stderr)
            return 1
    path = write(result.graph, args.output)
    G = result.graph
    print(
        f"wrote {path} ({G.number_of_nodes()} nodes, {G.number_of_edges()} relationships, "
        f"{len(result.conflicts)} conflicts)"
    )
    return 0
