"""Commands on datasets: validate, info, convert."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from graphkit.cli.common import add_as_of, add_command, add_quiet, add_source, load_source, progress
from graphkit.cli.output_rules import DATASET_OUTPUT_RULE
from graphkit.cli.streams import STDIO, STDOUT_FORMAT, write_stdout
from graphkit.errors import DatasetError
from graphkit.loaders.formats import ALIASES, FORMATS, describe, for_path, get_format, names


def format_list(*, writing: bool = False) -> str:
    """``name (.suffix)`` for every format one can read (or write), from the registry."""
    usable = [f for f in FORMATS if not f.importer and (f.writable if writing else f.readable)]
    return ", ".join(f"{f.name} ({f.suffixes[0] or 'folder'})" for f in usable)


__all__ = ["register", "format_list"]


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "validate",
        "Check a dataset against the schema and print every problem.",
        "graphkit validate data/sample --json",
        _validate,
    )
    add_source(p, neo4j=False)
    p.add_argument(
        "--json", action="store_true", help="print one JSON object: valid, counts and every problem"
    )
    add_quiet(p)
    p = add_command(
        sub,
        "info",
        "Count nodes by label, relationships by type and actors by kind.",
        "graphkit info data/sample --json",
        _info,
    )
    add_source(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_as_of(p, default="today")
    add_quiet(p)
    p = add_command(
        sub,
        "convert",
        "Write a dataset in another format (chosen by OUT's extension, or --to).",
        "graphkit convert data/sample sample.gexf --with-analysis\n"
        "  graphkit convert data/sample - --to cyjs > sample.cyjs\n"
        "  formats: " + format_list(writing=True),
        _convert,
    )
    add_source(p, neo4j=False)
    p.add_argument(
        "out",
        metavar="OUT",
        nargs="?",
        help=f"output path: {describe(writing=True)}; - writes to standard output "
        f"({STDOUT_FORMAT} JSON unless --to says otherwise); {DATASET_OUTPUT_RULE}",
    )
    p.add_argument("-o", "--output", dest="output", metavar="OUT", help="the output path (same as OUT)")
    p.add_argument(
        "--to",
        metavar="FORMAT",
        choices=[*names(writing=True), *ALIASES],
        help=f"the format to write, whatever OUT's extension: {', '.join(names(writing=True))}",
    )
    p.add_argument(
        "--with-analysis",
        action="store_true",
        help="run graphkit analyze (default options) and put its centrality, cluster and gap columns "
        "on the actors; a GEXF file is then sized by that PageRank",
    )
    p.add_argument(
        "--no-viz",
        dest="viz",
        action="store_false",
        help="GEXF without graphkit's colours, sizes and positions (no layout is computed: faster on "
        "very large graphs)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object describing what was written")
    add_quiet(p)


def _validate(args: argparse.Namespace) -> int:
    if getattr(args, "json", False):
        return _validate_json(args)
    try:
        G = load_source(args)
    except DatasetError as exc:
        print(f"{args.dataset}: invalid", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        if exc.truncated:
            print(f"  ... and {exc.more}", file=sys.stderr)
        return 1
    n, m = G.number_of_nodes(), G.number_of_edges()
    print(f"{args.dataset}: valid ({n} nodes, {m} relationships)")
    return 0


def _info(args: argparse.Namespace) -> int:
    from graphkit.graph import as_of, ended_relationships, summary

    whole = load_source(args, whole=True)
    G = as_of(whole, args.as_of)
    s: dict[str, Any] = summary(G)
    time = {
        "as_of": G.graph.get("as_of", "all"),
        "relationships": whole.number_of_edges(),
        "in_force": G.number_of_edges(),
        "ended": ended_relationships(whole),
    }
    if args.json:
        print(json.dumps({**s, "time": time}, indent=2))
        return 0
    for section, counts in s.items():
        print(f"{section.replace('_', ' ')}:")
        width = max(len(k) for k in counts)
        for k, v in counts.items():
            print(f"  {k:<{width}}  {v:>7,}")
    if time["as_of"] != "all":
        print(
            f"as of {time['as_of']}: {time['in_force']:,} of {time['relationships']:,} relationships in force"
        )
    print(
        f"ended relationships (until on or before today): {time['ended']:,}"
        + ("" if time["as_of"] != "all" else "; counted above (--as-of today leaves them out)")
    )
    return 0


def _validate_json(args: argparse.Namespace) -> int:
    problems: list[dict[str, Any]] = []
    counts = {"nodes": None, "relationships": None}
    try:
        G = load_source(args)
        counts = {"nodes": G.number_of_nodes(), "relationships": G.number_of_edges()}
        more = 0
    except DatasetError as exc:
        problems = [
            {"file": p.file, "line": p.line, "column": p.column, "message": p.message, "fix": p.fix}
            for p in exc.problems
        ]
        more = exc.truncated
    doc = {
        "dataset": args.dataset,
        "valid": not problems,
        **counts,
        "problems": problems,
        "more_problems": more,
    }
    print(json.dumps(doc, indent=2, ensure_ascii=False))
    return 0 if not problems else 1


def _convert(args: argparse.Namespace) -> int:
    from graphkit.errors import GraphkitError
    from graphkit.export.tables import write

    out = args.output or args.out
    if not out:
        raise GraphkitError("give OUT (or -o OUT): a path, or - for standard output")
    if args.output and args.out and args.output != args.out:
        raise GraphkitError(f"two outputs given ({args.out} and -o {args.output}); give one")
    G = load_source(args)
    analysis = None
    if args.with_analysis:
        from graphkit.analysis import analyze

        analysis = analyze(G, progress=progress(args))
    n, m = G.number_of_nodes(), G.number_of_edges()
    if out == STDIO:
        name = write_stdout(G, args.to, analysis=analysis, viz=args.viz)
        report = {"output": "-", "format": name, "nodes": n, "relationships": m}
        if args.json:
            print(json.dumps(report), file=sys.stderr)
        elif not args.quiet:
            print(f"wrote {name} to standard output ({n} nodes, {m} relationships)", file=sys.stderr)
        return 0
    path = write(G, out, format=args.to, analysis=analysis, viz=args.viz)
    fmt = get_format(args.to) if args.to else for_path(path, writing=True)
    if args.json:
        print(json.dumps({"output": str(path), "format": fmt.name, "nodes": n, "relationships": m}))
        return 0
    print(f"wrote {path} ({fmt.name}; {n} nodes, {m} relationships)")
    return 0
