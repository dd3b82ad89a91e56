"""One entry point for Cypher: a query (text, file or library name) on a dataset or on Neo4j."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphkit.cypher.isolation import should_isolate
from graphkit.cypher.queryfile import (
    MAX_QUERY_CHARS,
    QueryFile,
    bind_params,
    check_query,
    library,
    parse_query,
    read_query,
)
from graphkit.cypher.result import QueryResult, as_result
from graphkit.errors import GraphkitError, QueryError
from graphkit.progress import Progress
from graphkit.stores.limits import QueryLimits

__all__ = [
    "run_query",
    "query",
    "as_query",
    "library_listing",
    "defaulted",
    "empty_result_note",
    "run_engine",
    "run_guarded",
    "isolated",
]


def as_query(query: str | os.PathLike[str] | QueryFile) -> QueryFile:
    """A :class:`QueryFile` from a query file's path, a library query's name or Cypher text.

    A :class:`~pathlib.Path`, an existing file, or a string with no white space and no
    brackets (``members_of_alliance``, ``queries/x.cypher``) is read as a file or
    library query; any other string is Cypher text.

    Examples
    --------
    >>> as_query("members_of_alliance").name, as_query("RETURN 1 AS one").file
    ('members_of_alliance', '<query>')
    """
    if isinstance(query, QueryFile):
        return query
    if isinstance(query, os.PathLike):
        return read_query(Path(query))
    text = str(query)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query text is {len(text):,} characters long, more than the {MAX_QUERY_CHARS:,} accepted: "
            "pass long values as parameters ($name) instead of writing them in the query"
        )
    looks_like_name = not any(c.isspace() or c in "()[]{}" for c in text)
    if looks_like_name and len(text) <= 4096 or _is_file(text):
        return read_query(text)
    return parse_query(text, file="<query>")


def _is_file(text: str) -> bool:
    """Whether ``text`` names an existing file (never an error: query text is not a path)."""
    if len(text) > 4096 or "\n" in text or "\0" in text:
        return False
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def run_query(
    query: str | os.PathLike[str] | QueryFile,
    dataset: str | os.PathLike[str] | None = None,
    *,
    uri: str | None = None,
    params: Mapping[str, Any] | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    as_of: Any = None,
    limits: QueryLimits | None = None,
    duplicates: str = "error",
) -> QueryResult:
    """Run one Cypher query and return its rows; the backend follows the arguments.

    With ``uri`` and no ``dataset`` the query goes, as written, to Neo4j (or any Bolt
    server) at ``uri``. Otherwise it runs on the embedded engine over ``dataset`` (the
    bundled sample when None), loaded once and cached on disk (``cache_dir``).

    Parameters
    ----------
    query
        Cypher text, a ``.cypher`` file, or the name of a library query (see :func:`as_query`).
    dataset
        A dataset folder or any file :func:`graphkit.load` reads.
    uri
        A Bolt URI (``bolt://host:7687``, ``neo4j+s://...``); ignored when ``dataset`` is given.
    as_of
        On the embedded engine, query the network of this day (a date, ``"YYYY-MM-DD"``,
        a year, ``"today"``; see :func:`graphkit.graph.as_of`); None or ``"all"``: every
        relationship. Neo4j is queried as it is, so a date with ``uri`` is refused.
    params
        Parameter values by name; a ``(text, type)`` pair (as from
        :func:`graphkit.cypher.parse_param_args`) is parsed with the header's declared
        type. Parameters the query's header gives a default may be left out.
    limits
        The embedded engine's time limit and memory cap (default: 15 s and 1 GiB, or
        ``GRAPHKIT_QUERY_TIMEOUT`` / ``GRAPHKIT_QUERY_MAX_MEMORY``; see
        :mod:`graphkit.stores.limits`). A query past them stops with a QueryError.
    duplicates
        ``"merge"`` to load a dataset with exact duplicate relationships merged.

    Raises
    ------
    QueryError
        A query that cannot be read or does not run, with ``file:line:column``; unknown or
        missing parameters.
    StoreError
        When the server cannot be reached or the cache cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     r = run_query("members_of_alliance", gk.SAMPLE, params={"alliance": "EU"}, cache_dir=tmp)
    >>> r.columns[:2], len(r) > 0
    (['id', 'name'], True)
    """
    try:
        return _run_query(
            query,
            dataset,
            uri,
            params,
            user,
            password,
            database,
            cache_dir,
            progress,
            as_of,
            limits,
            duplicates,
        )
    except GraphkitError:
        raise
    except RecursionError:
        raise QueryError("the query is nested too deeply to be read (split it up)") from None
    except MemoryError:
        raise QueryError(
            "the query needs more memory than graphkit may use (narrow it, or add a LIMIT)"
        ) from None
    except Exception as exc:  # noqa: BLE001 - no query may end in a traceback
        raise QueryError(
            f"the query failed inside graphkit ({type(exc).__name__}: {str(exc)[:200]})"
        ) from exc


def _run_query(
    query: str | os.PathLike[str] | QueryFile,
    dataset: Any,
    uri: str | None,
    params: Mapping[str, Any] | None,
    user: str | None,
    password: str | None,
    database: str | None,
    cache_dir: str | os.PathLike[str] | None,
    progress: Progress | None,
    as_of: Any,
    limits: QueryLimits | None,
    duplicates: str,
) -> QueryResult:
    qf = as_query(query)
    values = bind_params(qf, params)
    progress = progress or Progress(quiet=True)
    for name in sorted(defaulted(qf, params)):
        progress.say(f"using default {name}={_show(values[name])} (set it with --param {name}=VALUE)")
    result = _run(
        qf, values, dataset, uri, user, password, database, cache_dir, progress, as_of, limits, duplicates
    )
    if len(result) == 0:
        progress.say(empty_result_note(qf, values))
    return result


def query(
    query_or_file: str | os.PathLike[str] | QueryFile,
    dataset: str | os.PathLike[str] | None = None,
    *,
    uri: str | None = None,
    **params: Any,
) -> Any:
    """Run a Cypher query and return its rows as a :class:`pandas.DataFrame`.

    The same engine as ``graphkit query``: the embedded engine over ``dataset`` (the
    bundled sample when None), or Neo4j at ``uri`` when no dataset is given. Keyword
    arguments are the query's parameters (``**{"from": "GBR"}`` for a name Python
    reserves); those left out take the query header's default.

    Examples
    --------
    >>> df = gk.query("members_of_alliance", gk.SAMPLE, alliance="NATO")
    >>> sorted(df["id"])
    ['CAN', 'DEU', 'EST', 'FRA', 'GBR', 'USA']
    >>> gk.query("MATCH (a:Actor) RETURN count(*) AS n", gk.SAMPLE)["n"].tolist()
    [14]

    ``dataset`` may also be a graph in memory (from :func:`graphkit.load`,
    :func:`graphkit.from_pandas` ...), queried without a cache:

    >>> gk.query("MATCH (a:Actor) RETURN count(*) AS n", gk.load(gk.SAMPLE))["n"].tolist()
    [14]
    """
    return run_query(query_or_file, dataset, uri=uri, params=params).to_frame()


def defaulted(query: QueryFile, given: Mapping[str, Any] | None) -> set[str]:
    """Names of the parameters that ``query`` runs with its header's default for.

    Examples
    --------
    >>> sorted(defaulted(as_query("cooperation_partners"), {}))
    ['actor']
    >>> sorted(defaulted(as_query("cooperation_partners"), {"actor": "EST"}))
    []
    """
    given = given or {}
    return {
        n
        for n in query.param_names
        if n not in given and (d := query.declared(n)) is not None and d.has_default
    }


def empty_result_note(query: QueryFile, values: Mapping[str, Any]) -> str:
    """Why a query may have returned no rows: the parameters it ran with, and what the
    query's header says an empty answer means.

    Examples
    --------
    >>> empty_result_note(as_query("RETURN 1 AS x LIMIT 0"), {})
    'no rows (the query has no parameters)'
    """
    ran = ", ".join(f"{k}={_show(v)}" for k, v in sorted(values.items())) or None
    text = f"no rows (ran with {ran})" if ran else "no rows (the query has no parameters)"
    if query.empty_means:
        text += f": {query.empty_means}"
    return text


def _show(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def _run(
    qf: QueryFile,
    values: dict[str, Any],
    dataset: str | os.PathLike[str] | None,
    uri: str | None,
    user: str | None,
    password: str | None,
    database: str | None,
    cache_dir: str | os.PathLike[str] | None,
    progress: Progress,
    as_of: Any = None,
    limits: QueryLimits | None = None,
    duplicates: str = "error",
) -> QueryResult:
    if uri and dataset is None:
        from graphkit.stores import neo4j

        if as_of is not None and str(as_of).strip().lower() != "all":
            raise QueryError(
                f"--as-of {as_of} cannot be applied on a Neo4j server: the query runs there as written. "
                "Filter in Cypher (WHERE coalesce(r.since, 0) <= $year ...), or give a DATASET to query "
                "the network of that date on the embedded engine"
            )

        check_query(qf)
        frame = neo4j.run_cypher(uri, qf.text, values, user=user, password=password, database=database)
        return as_result(frame)
    from graphkit.cypher.embedded import check_embedded
    from graphkit.cypher.front import answer_without_graph

    check_embedded(qf)  # one statement, bracket depth, clauses that touch files (before anything else)
    answered = answer_without_graph(qf, values, limits)
    if answered is not None:
        return answered
    if uri:
        progress.say("DATASET given: running on the embedded engine, not on the Neo4j server")
    if dataset is None:
        import graphkit

        progress.say(f"no DATASET given: using the bundled sample ({graphkit.SAMPLE})")
        dataset = graphkit.SAMPLE
    args = (qf, values, dataset, cache_dir, as_of, limits, duplicates)
    if should_isolate(qf.text):  # risky queries by default; GRAPHKIT_QUERY_ISOLATE=all / off
        if not progress.quiet and not _is_graph(dataset):
            # load and cache the dataset here, so that its progress is shown; the child opens the cache
            from graphkit.cypher.embedded import EmbeddedGraph

            EmbeddedGraph.from_dataset(
                dataset,
                cache_dir=cache_dir,
                progress=progress,
                as_of=as_of,
                limits=limits,
                duplicates=duplicates,
            ).close()
        return _isolated(args, limits)
    return run_engine(*args, progress=progress)


def run_engine(
    qf: QueryFile,
    values: dict[str, Any],
    dataset: Any,
    cache_dir: str | os.PathLike[str] | None,
    as_of: Any,
    limits: QueryLimits | None,
    duplicates: str,
    progress: Progress | None = None,
) -> QueryResult:
    """Run a checked query on the embedded engine over a dataset path or a graph in memory."""
    from graphkit.cypher.embedded import EmbeddedGraph

    if _is_graph(dataset):
        import tempfile

        if as_of is not None and str(as_of).strip().lower() != "all":
            from graphkit.graph import as_of as _as_of

            dataset = _as_of(dataset, as_of)
        with (
            tempfile.TemporaryDirectory(prefix="graphkit-query-") as tmp,
            EmbeddedGraph.from_graph(dataset, Path(tmp) / "graph.db", limits=limits) as db,
        ):
            return db.run(qf, values)
    with EmbeddedGraph.from_dataset(
        dataset, cache_dir=cache_dir, progress=progress, as_of=as_of, limits=limits, duplicates=duplicates
    ) as db:
        return db.run(qf, values)


def run_guarded(db: Any, qf: QueryFile, values: Mapping[str, Any]) -> QueryResult:
    """``db.run(qf, values)`` on an open :class:`~graphkit.cypher.EmbeddedGraph` (the shell's), in a
    child process that opens the same database when the query is risky (:func:`should_isolate`):
    a crash in the engine is then a QueryError and the shell keeps running."""
    if not should_isolate(qf.text):
        return db.run(qf, values)
    return _isolated((Path(db.path), qf, dict(values), db.limits), db.limits, _open_child)


def _open_child(conn: Any, args: tuple) -> None:
    from graphkit.cypher.embedded import EmbeddedGraph

    path, qf, values, limits = args

    def run() -> QueryResult:
        with EmbeddedGraph(path, limits=limits) as db:
            return db.run(qf, values)

    _reply(conn, run)


def _engine_child(conn: Any, args: tuple) -> None:
    _reply(conn, lambda: run_engine(*args))


def _reply(conn: Any, work: Any) -> None:
    try:
        result = work()
        conn.send(("rows", (result.columns, result.rows)))
    except GraphkitError as exc:
        conn.send(("error", (type(exc).__name__, str(exc))))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as a QueryError
        conn.send(
            ("error", ("QueryError", f"the query failed inside the engine ({type(exc).__name__}: {exc})"))
        )


def isolated(args: tuple, limits: QueryLimits | None = None, target: Any = None) -> QueryResult:
    """:func:`run_engine` with ``args`` in a child process: a crash there (a signal) is a QueryError.

    ``target(conn, args)`` replaces the engine call (a picklable, module-level function that
    replies with ``conn.send``; tests use it to crash the child on purpose).
    """
    return _isolated(args, limits, target)


def _isolated(args: tuple, limits: QueryLimits | None, target: Any = None) -> QueryResult:
    """Run the engine in a child process, so that a crash in it (a signal) is a QueryError, not a dead process.

    On POSIX the child is forked from a persistent worker (:mod:`graphkit.cypher.worker`),
    elsewhere spawned; it is given the query's time limit and 30 s more, and runs with the
    caller's working folder, ``GRAPHKIT_*`` settings and the limits resolved here.
    """
    lim = limits or QueryLimits.from_env()
    if len(args) == 7 and args[5] is None:
        args = (*args[:5], lim, args[6])
    wait = (lim.timeout or 3600.0) + 30.0
    if os.name == "posix":
        from graphkit.cypher.worker import server

        kind, payload = server().run(target or _engine_child, args, wait)
    else:
        kind, payload = _spawned(target or _engine_child, args, wait)
    if kind == "timeout":
        raise QueryError(f"the embedded engine gave no answer within {wait:g} s; the query was stopped")
    if kind == "died":
        sig, code = payload
        how = f"signal {sig}" if sig else f"exit status {code}" if code is not None else "the worker ended"
        raise QueryError(
            f"the embedded engine crashed on this query ({how}); graphkit kept running. "
            "Simplify the pattern (fewer path variables, shorter chains) or run it on Neo4j"
        )
    if kind == "error":
        name, message = payload
        from graphkit import errors

        cls = getattr(errors, name, None)  # the same class where it is made from a message alone
        simple = (errors.QueryError, errors.StoreError, errors.FormatError, errors.SchemaError)
        raise (cls if isinstance(cls, type) and issubclass(cls, simple) else QueryError)(message)
    columns, rows = payload
    return QueryResult(list(columns), [tuple(r) for r in rows])


def _spawned(target: Any, args: tuple, wait: float) -> tuple[str, Any]:
    """``target(conn, args)`` in a spawned child (where there is no fork): ``(kind, payload)``."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(child, args), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(wait):
            return "timeout", wait
        reply: tuple[str, Any] = parent.recv()
        return reply
    except EOFError:
        proc.join(5)
        code = proc.exitcode
        return "died", ((-code, None) if code is not None and code < 0 else (None, code))
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()


def _is_graph(obj: Any) -> bool:
    """Whether ``obj`` is a graph in memory (a networkx graph) rather than a dataset path."""
    return hasattr(obj, "nodes") and hasattr(obj, "edges") and hasattr(obj, "graph")


def library_listing() -> str:
    """The query library, one line per query: its name, its one-line description and its
    parameters with their defaults (``actor=USA``).

    Examples
    --------
    >>> [line for line in library_listing().splitlines() if line.startswith("cooperation_partners")][0].endswith("[actor=USA]")
    True

    Raises
    ------
    QueryError
        When no query library is found.
    """
    queries = library()
    if not queries:
        raise QueryError("no query library found (looked in graphkit/queries and queries/)")
    width = max(len(q.name) for q in queries)
    return "\n".join(f"{q.name:<{width}}  {q.description}{_param_list(q)}" for q in queries)


def _param_list(q: QueryFile) -> str:
    shown = [f"{p.name}={_show(p.default)}" if p.has_default else f"{p.name}=?" for p in q.params]
    return f"  [{', '.join(shown)}]" if shown else ""
