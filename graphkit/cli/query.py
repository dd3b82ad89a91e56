"""Commands for Cypher: query (a file or library query, embedded or on Neo4j) and shell."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any

from graphkit.cli.common import (
    add_as_of,
    add_command,
    add_merge_duplicates,
    add_neo4j_options,
    add_quiet,
    progress,
)
from graphkit.cypher.result import RESULT_FORMATS
from graphkit.errors import GraphkitError, QueryError
from graphkit.loaders.formats import describe

__all__ = ["register"]


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "query",
        "Run a Cypher query file (or a library query by name) on a dataset, with no server, or on Neo4j.",
        "graphkit query members_of_alliance data/sample --param alliance=NATO --format csv",
        _query,
    )
    p.add_argument(
        "query",
        metavar="QUERY",
        nargs="?",
        help="a .cypher file, or the name of a library query (see --list)",
    )
    p.add_argument(
        "dataset", metavar="DATASET", nargs="?", help=f"{describe()} (default: the bundled sample)"
    )
    p.add_argument("--list", action="store_true", help="list the query library with one line on each query")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a query parameter (repeatable); NAME:TYPE=VALUE forces a type (int, float, bool, date, string, string[])",
    )
    p.add_argument(
        "-f", "--format", choices=RESULT_FORMATS, default="table", help="output format (default table)"
    )
    _add_cache_dir(p)
    add_as_of(p, default="today")
    _add_limits(p)
    add_neo4j_options(p)
    add_quiet(p)

    p = add_command(
        sub,
        "shell",
        "An interactive Cypher prompt on a dataset (embedded engine), with history and tables.",
        "graphkit shell data/sample      # then: MATCH (a:Actor) RETURN a.id AS id LIMIT 5;",
        _shell,
    )
    p.add_argument(
        "dataset", metavar="DATASET", nargs="?", help=f"{describe()} (default: the bundled sample)"
    )
    _add_cache_dir(p)
    _add_limits(p)
    add_quiet(p)


def _add_limits(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("limits (embedded engine)")
    g.add_argument(
        "--timeout",
        metavar="SECONDS",
        default=None,
        help="stop a query after this long (env GRAPHKIT_QUERY_TIMEOUT; default 15; 0: no limit)",
    )
    g.add_argument(
        "--max-memory",
        metavar="SIZE",
        default=None,
        help="stop a query that needs more memory than this, e.g. 512M or 4G "
        "(env GRAPHKIT_QUERY_MAX_MEMORY; default 1G; 0: no limit)",
    )
    add_merge_duplicates(p)


def _limits(args: argparse.Namespace) -> Any:
    from graphkit.stores.limits import QueryLimits

    return QueryLimits.from_env(timeout=args.timeout, max_memory=args.max_memory)


def _add_cache_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--cache-dir",
        default=None,
        metavar="DIR",
        help="where the embedded engine caches loaded datasets "
        "(env GRAPHKIT_CACHE_DIR; default $XDG_CACHE_HOME/graphkit or ~/.cache/graphkit)",
    )


def _query(args: argparse.Namespace) -> int:
    from graphkit.cypher import library_listing, parse_param_args, run_query, write_result

    if args.list:
        if args.query:
            raise QueryError("--list takes no QUERY")
        print(library_listing())
        return 0
    if not args.query:
        raise QueryError("give a QUERY (a .cypher file or a library query name; see graphkit query --list)")
    result = run_query(
        Path(args.query),
        args.dataset,
        uri=args.neo4j_uri,
        params=parse_param_args(args.param),
        user=args.neo4j_user,
        password=args.neo4j_password,
        database=args.neo4j_database,
        cache_dir=args.cache_dir,
        progress=progress(args),
        as_of=None if args.neo4j_uri and args.as_of == "today" else args.as_of,  # a server runs it as written
        limits=_limits(args),
        duplicates="merge" if args.merge_duplicates else "error",
    )
    write_result(result, args.format, sys.stdout)
    return 0


# ------------------------------------------------------------------------------ shell

_SHELL_HELP = """\
Type Cypher and end it with ';' (it may span lines). Commands:
  :help                 this text
  :schema               per label and relationship type: the properties its rows carry, typed, with counts
  :param NAME=VALUE     set a parameter for the next queries ($NAME); NAME:TYPE=VALUE forces a type
  :params               the parameters set so far
  :list                 the query library;  :run NAME  runs one (with :params and its defaults)
  :quit                 leave (also Ctrl-D)"""


def _shell(args: argparse.Namespace) -> int:
    from graphkit.cypher import EmbeddedGraph
    from graphkit.stores.embedded import cache_root

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
    dataset = args.dataset
    if not dataset:
        import graphkit

        progress(args).say(f"no DATASET given: using the bundled sample ({graphkit.SAMPLE})")
        dataset = str(graphkit.SAMPLE)
    with EmbeddedGraph.from_dataset(
        dataset,
        cache_dir=args.cache_dir,
        progress=progress(args),
        limits=_limits(args),
        duplicates="merge" if args.merge_duplicates else "error",
    ) as db:
        if interactive:
            print(
                f"graphkit shell on {args.dataset or 'the bundled sample'}: end a query with ';'; :help for help"
            )
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
    from graphkit.cypher import (
        bind_params,
        format_table,
        library,
        parse_param_args,
        parse_param_value,
        parse_query,
        read_query,
    )
    from graphkit.cypher.run import run_guarded

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
                    from graphkit.cypher.embedded import schema_in_use

                    for table, cols in schema_in_use(db).items():
                        used = ", ".join(f"{k} {t} ({n:,})" for k, (t, n) in cols.items())
                        print(f"{table}: {used or '(no rows)'}")
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
                    result = run_guarded(db, qf, bind_params(qf, given))
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
                raise QueryError(
                    f"parameter(s) {', '.join(missing)} not set (fix: :param {missing[0]}=VALUE)"
                )
            result = run_guarded(db, qf, {k: v for k, v in params.items() if k in used})
            print(format_table(result.columns, result.rows))
        except GraphkitError as exc:
            print(f"error: {exc}", file=sys.stderr)
        sys.stdout.flush()
