"""Commands for Cypher: query (a file or library query, embedded or on Neo4j) and shell."""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as _dt
import json
import sys
from typing import Any, TextIO

from graphkit.cli.common import add_command, add_neo4j_options, add_quiet, progress
from graphkit.errors import GraphkitError, QueryError

__all__ = ["register", "format_table", "write_result"]


def register(sub: Any) -> None:
    p = add_command(
        sub, "query",
        "Run a Cypher query file (or a library query by name) on a dataset, with no server, or on Neo4j.",
        "graphkit query members_of_alliance data/sample --param alliance=NATO --format csv",
        _query,
    )
    p.add_argument("query", metavar="QUERY", nargs="?",
                   help="a .cypher file, or the name of a library query (see --list)")
    p.add_argument("dataset", metavar="DATASET", nargs="?",
                   help="dataset folder, .xlsx, .json, .graphml or .gexf (default: the bundled sample)")
    p.add_argument("--list", action="store_true", help="list the query library with one line on each query")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a query parameter (repeatable); NAME:TYPE=VALUE forces a type (int, float, bool, date, string, string[])")
    p.add_argument("-f", "--format", choices=("table", "csv", "json"), default="table",
                   help="output format (default table)")
    _add_cache_dir(p)
    add_neo4j_options(p)
    add_quiet(p)

    p = add_command(
        sub, "shell",
        "An interactive Cypher prompt on a dataset (embedded engine), with history and tables.",
        "graphkit shell data/sample      # then: MATCH (a:Actor) RETURN a.id AS id LIMIT 5;",
        _shell,
    )
    p.add_argument("dataset", metavar="DATASET", nargs="?",
                   help="dataset folder, .xlsx, .json, .graphml or .gexf (default: the bundled sample)")
    _add_cache_dir(p)
    add_quiet(p)


def _add_cache_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cache-dir", default=None, metavar="DIR",
                   help="where the embedded engine caches loaded datasets "
                        "(env GRAPHKIT_CACHE_DIR; default $XDG_CACHE_HOME/graphkit or ~/.cache/graphkit)")


def _dataset(args: argparse.Namespace) -> str:
    if args.dataset:
        return args.dataset
    import graphkit

    progress(args).say(f"no DATASET given: using the bundled sample ({graphkit.SAMPLE})")
    return str(graphkit.SAMPLE)


def _query(args: argparse.Namespace) -> int:
    from graphkit.stores.cypher import bind_params, library, parse_param_args, read_query

    if args.list:
        if args.query:
            raise QueryError("--list takes no QUERY")
        queries = library()
        if not queries:
            raise QueryError("no query library found (looked in graphkit/queries and queries/)")
        width = max(len(q.name) for q in queries)
        for q in queries:
            print(f"{q.name:<{width}}  {q.description}")
        return 0
    if not args.query:
        raise QueryError("give a QUERY (a .cypher file or a library query name; see graphkit query --list)")
    qf = read_query(args.query)
    params = bind_params(qf, parse_param_args(args.param))
    if args.neo4j_uri and not args.dataset:
        from graphkit.stores.cypher import as_result, check_query
        from graphkit.stores.neo4j import run_cypher

        check_query(qf)
        result = as_result(run_cypher(args.neo4j_uri, qf.text, params, user=args.neo4j_user,
                                      password=args.neo4j_password, database=args.neo4j_database))
    else:
        from graphkit.stores.embedded import EmbeddedGraph, check_embedded

        check_embedded(qf)  # before loading anything
        if args.neo4j_uri:
            progress(args).say("DATASET given: running on the embedded engine, not on the Neo4j server")

        with EmbeddedGraph.from_dataset(_dataset(args), cache_dir=args.cache_dir, progress=progress(args)) as db:
            result = db.run(qf, params)
    write_result(result, args.format, sys.stdout)
    return 0


# ------------------------------------------------------------------------------ output


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_cell(v) if not isinstance(v, str) else v for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    return str(value)


def format_table(columns: list[str], rows: list[tuple[Any, ...]], *, max_width: int = 60) -> str:
    """Rows as an aligned text table with a header rule and a row count.

    >>> print(format_table(["id", "n"], [("NATO", 6), ("EU", 3)]))
    id    n
    ----  -
    NATO  6
    EU    3
    (2 rows)
    """
    cells = [[_cell(v) for v in r] for r in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in cells]
    widths = [len(c) for c in columns]
    for r in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, r, strict=True)]
    numeric = [all(isinstance(r[i], int | float) and not isinstance(r[i], bool) or r[i] is None for r in rows) and rows
               for i in range(len(columns))]

    def line(vals: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(vals, widths, numeric, strict=True)).rstrip()

    out = [line(list(columns)), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _json_default(value: Any) -> Any:
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        return value.isoformat()
    if hasattr(value, "items"):
        return dict(value.items())
    if hasattr(value, "__iter__"):
        return list(value)
    return str(value)


def write_result(result: Any, fmt: str, out: TextIO) -> None:
    """Write a query result as ``table``, ``csv`` (formula-safe cells) or ``json`` (a list of objects)."""
    from graphkit.export.tables import neutralise_formula

    if fmt == "json":
        json.dump(result.records(), out, default=_json_default, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow([neutralise_formula(c) for c in result.columns])
        for r in result.rows:
            w.writerow([neutralise_formula(_csv_cell(v)) for v in r])
    else:
        out.write(format_table(result.columns, result.rows) + "\n")


def _csv_cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ";".join(_csv_cell(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return _cell(value)


# ------------------------------------------------------------------------------ shell

_SHELL_HELP = """\
Type Cypher and end it with ';' (it may span lines). Commands:
  :help                 this text
  :schema               node and relationship tables with their typed properties
  :param NAME=VALUE     set a parameter for the next queries ($NAME); NAME:TYPE=VALUE forces a type
  :params               the parameters set so far
  :list                 the query library;  :run NAME  runs one (with :params and its defaults)
  :quit                 leave (also Ctrl-D)"""


def _shell(args: argparse.Namespace) -> int:
    from graphkit.stores.embedded import EmbeddedGraph, cache_root

    interactive = sys.stdin.isatty()
    history = None
    if interactive:
        try:
            import readline

            history = cache_root(args.cache_dir) / "shell_history"
            with contextlib.suppress(OSError):
                readline.read_history_file(history)
            readline.set_history_length(1000)
        except ImportError:  # no readline on this platform: still a prompt, without history
            history = None
    with EmbeddedGraph.from_dataset(_dataset(args), cache_dir=args.cache_dir, progress=progress(args)) as db:
        if interactive:
            print(f"graphkit shell on {args.dataset or 'the bundled sample'}: end a query with ';'; :help for help")
        try:
            _repl(db, interactive)
        finally:
            if history is not None:
                import readline

                try:
                    history.parent.mkdir(parents=True, exist_ok=True)
                    readline.write_history_file(history)
                except OSError:
                    pass
    return 0


def _repl(db: Any, interactive: bool) -> None:
    from graphkit.stores.cypher import (
        bind_params,
        library,
        parse_param_args,
        parse_param_value,
        parse_query,
        read_query,
    )

    params: dict[str, Any] = {}
    buf: list[str] = []
    n = 0
    while True:
        prompt = ("graphkit> " if not buf else "     ...> ") if interactive else ""
        try:
            line = input(prompt)
        except EOFError:
            if buf:
                line = ";"
            else:
                if interactive:
                    print()
                return
        except KeyboardInterrupt:
            print()
            buf = []
            continue
        stripped = line.strip()
        if not buf and stripped.startswith(":"):
            cmd, _, rest = stripped.partition(" ")
            try:
                if cmd in (":quit", ":exit", ":q"):
                    return
                if cmd == ":help":
                    print(_SHELL_HELP)
                elif cmd == ":schema":
                    for table, cols in db.columns.items():
                        print(f"{table}: " + ", ".join(f"{k} {t}" for k, t in cols.items()))
                elif cmd == ":param":
                    for name, (text, ptype) in parse_param_args([rest]).items():
                        params[name] = parse_param_value(name, text, ptype)
                elif cmd == ":params":
                    for k, v in sorted(params.items()):
                        print(f"{k} = {v!r}")
                elif cmd == ":list":
                    for q in library():
                        print(f"{q.name}  {q.description}")
                elif cmd == ":run":
                    qf = read_query(rest.strip())
                    given = {k: v for k, v in params.items() if k in qf.param_names}
                    result = db.run(qf, bind_params(qf, given))
                    print(format_table(result.columns, result.rows))
                else:
                    print(f"unknown command {cmd}; :help lists them", file=sys.stderr)
            except GraphkitError as exc:
                print(f"error: {exc}", file=sys.stderr)
            continue
        if not stripped and not buf:
            continue
        buf.append(line)
        if not stripped.endswith(";"):
            continue
        text = "\n".join(buf)
        buf = []
        n += 1
        try:
            qf = parse_query(text, file=f"<shell #{n}>")
            used = qf.param_names
            missing = sorted(used - set(params))
            if missing:
                raise QueryError(f"parameter(s) {', '.join(missing)} not set (fix: :param {missing[0]}=VALUE)")
            result = db.run(qf, {k: v for k, v in params.items() if k in used})
            print(format_table(result.columns, result.rows))
        except GraphkitError as exc:
            print(f"error: {exc}", file=sys.stderr)
        sys.stdout.flush()

