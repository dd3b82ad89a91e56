"""One entry point for Cypher: a query (text, file or library name) on a dataset or on Neo4j."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphkit.cypher.params import bind_params
from graphkit.cypher.queryfile import QueryFile, check_query, library, parse_query, read_query
from graphkit.cypher.result import QueryResult, as_result
from graphkit.errors import QueryError
from graphkit.progress import Progress
from graphkit.stores.limits import QueryLimits

__all__ = ["run_query", "as_query", "library_listing"]


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
    looks_like_name = not any(c.isspace() or c in "()[]{}" for c in text)
    if looks_like_name or Path(text).is_file():
        return read_query(text)
    return parse_query(text, file="<query>")


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
    qf = as_query(query)
    values = bind_params(qf, params)
    progress = progress or Progress(quiet=True)
    if uri and dataset is None:
        from graphkit.stores import neo4j

        check_query(qf)
        frame = neo4j.run_cypher(uri, qf.text, values, user=user, password=password, database=database)
        return as_result(frame)
    from graphkit.cypher.embedded import EmbeddedGraph, check_embedded

    check_embedded(qf)  # before loading anything
    if uri:
        progress.say("DATASET given: running on the embedded engine, not on the Neo4j server")
    if dataset is None:
        import graphkit

        progress.say(f"no DATASET given: using the bundled sample ({graphkit.SAMPLE})")
        dataset = graphkit.SAMPLE
    with EmbeddedGraph.from_dataset(
        dataset, cache_dir=cache_dir, progress=progress, limits=limits, duplicates=duplicates
    ) as db:
        return db.run(qf, values)


def library_listing() -> str:
    """The query library, one line per query: its name and its one-line description.

    Raises
    ------
    QueryError
        When no query library is found.
    """
    queries = library()
    if not queries:
        raise QueryError("no query library found (looked in graphkit/queries and queries/)")
    width = max(len(q.name) for q in queries)
    return "\n".join(f"{q.name:<{width}}  {q.description}" for q in queries)
