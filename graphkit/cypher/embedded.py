"""Cypher on a dataset without a server: the embedded engine behind the Neo4j dialect.

:class:`EmbeddedGraph` is a :class:`graphkit.stores.embedded.EmbeddedDatabase` that
loads a dataset from a path (cached by its fingerprint), refuses what the embedded engine
must not run, and runs Neo4j-dialect Cypher from its syntax tree: the engine matches the
patterns (:mod:`graphkit.cypher.translate`), Python evaluates the rest with Neo4j's value
semantics (:mod:`graphkit.cypher.interpret`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from graphkit.cypher.front import run_graph_query
from graphkit.cypher.lexer import position, tokenize
from graphkit.cypher.queryfile import QueryFile, check_query, parse_query
from graphkit.cypher.result import QueryResult
from graphkit.cypher.translate import EngineReader
from graphkit.errors import QueryError
from graphkit.progress import Progress
from graphkit.stores.embedded import EmbeddedDatabase, EngineError, dataset_fingerprint
from graphkit.stores.limits import QueryLimits

__all__ = ["EmbeddedGraph", "run_embedded", "check_embedded", "REFUSED_CLAUSES"]

#: Clauses the embedded engine refuses: they read or write files, load extensions, attach
#: other databases or change settings. Queries only read the dataset.
#: (Writes - CREATE, MERGE, SET, DELETE ... - are refused by the read-only database itself.)
REFUSED_CLAUSES = frozenset(
    {
        "LOAD",
        "COPY",
        "EXPORT",
        "IMPORT",
        "INSTALL",
        "UNINSTALL",
        "ATTACH",
        "USE",
        "CALL",
        "CHECKPOINT",
    }
)


class EmbeddedGraph(EmbeddedDatabase):
    """A dataset in the embedded Cypher engine, ready for queries.

    Open one with :meth:`from_dataset` (cached on disk) or :meth:`from_graph` (a graph
    built in code, written to a given folder); run Cypher with :meth:`run`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with EmbeddedGraph.from_dataset(gk.SAMPLE, cache_dir=tmp) as db:
    ...         db.run("MATCH (a:Actor)-[:MEMBER_OF]->(:Actor {id: $x}) RETURN count(*) AS n", {"x": "NATO"}).rows
    [(6,)]
    """

    @classmethod
    def from_dataset(
        cls,
        dataset: str | os.PathLike[str],
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        progress: Progress | None = None,
        as_of: Any = None,
        limits: QueryLimits | None = None,
        duplicates: str = "error",
    ) -> Self:
        """The dataset's cached database, built first when the dataset is new or changed.

        With ``as_of`` (a date, a year, ``"today"``), the database holds the network of
        that day (:func:`graphkit.graph.as_of`), cached under a key that includes the day;
        None or ``"all"``: every relationship. ``limits`` bound every query (default:
        :meth:`QueryLimits.from_env`); ``duplicates="merge"`` loads the dataset with exact
        duplicates merged.

        Raises
        ------
        DatasetError, FormatError
            When the dataset does not load.
        StoreError
            When the cache folder cannot be written.
        """
        from graphkit.loaders import load

        progress = progress or Progress(quiet=True)
        dataset = Path(dataset)
        if not dataset.exists():
            load(dataset)  # raises the loader's own clear error
        from graphkit.graph import as_of_date

        day = as_of_date(as_of)
        key = (
            dataset_fingerprint(dataset)
            + (f"-as-of-{day.isoformat()}" if day else "")
            + ("-merged" if duplicates == "merge" else "")
        )
        db = cls.open_cached(key, cache_dir=cache_dir, limits=limits)
        if db is not None:
            return db
        with progress.step(f"loading {dataset}"):
            G = load(dataset, duplicates=duplicates)
        if G.graph.get("merged_duplicates"):
            progress.say(
                f"merged {G.graph['merged_duplicates']:,} exact duplicate relationship(s) in {dataset}"
            )
        if day is not None:
            from graphkit.graph import as_of as _as_of

            G = _as_of(G, day)
        return cls.build_cached(G, key, cache_dir=cache_dir, progress=progress, limits=limits)

    def run(self, query: str | QueryFile, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run one Cypher statement (Neo4j dialect; see :mod:`graphkit.cypher.translate`).

        ``params`` must hold exactly the parameters the query uses (after header
        defaults: see :func:`graphkit.cypher.bind_params`).

        Raises
        ------
        QueryError
            A syntax error (with the line and column in the query's text), an unknown
            label, relationship type, property, variable, function or parameter, or a
            query that tries to write.
        """
        qf = query if isinstance(query, QueryFile) else parse_query(query, file="<query>")
        check_embedded(qf)
        params = dict(params or {})
        used = qf.param_names
        missing = sorted(used - set(params))
        if missing:
            raise QueryError(
                f"{qf.file}: parameter(s) {', '.join(missing)} used but not given (fix: --param {missing[0]}=VALUE)"
            )
        extra = sorted(set(params) - used)
        if extra:
            raise QueryError(
                f"{qf.file}: unknown parameter(s) {', '.join(extra)}: the query does not use them"
            )
        from graphkit import schema

        reader = EngineReader(
            self._engine_execute, self.columns, list(schema.LABELS), list(schema.RELATIONSHIP_TYPES)
        )
        return run_graph_query(qf, params, reader, self.limits)

    def _engine_execute(self, text: str, params: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
        """One statement :mod:`graphkit.cypher.translate` wrote, with the engine's refusals as QueryErrors."""
        try:
            return self.execute(text, params)
        except EngineError as exc:
            first = exc.engine_message.strip().split("\n")[0]
            raise QueryError(f"the embedded engine refused the query's pattern: {first}") from None


def run_embedded(
    dataset: str | os.PathLike[str],
    query: str | QueryFile,
    params: Mapping[str, Any] | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    limits: QueryLimits | None = None,
) -> QueryResult:
    """Run one Cypher query on a dataset with the embedded engine (cached; see the module docstring).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     r = run_embedded(gk.SAMPLE, "MATCH (t:Threat) RETURN t.id AS id ORDER BY id", cache_dir=tmp)
    >>> r.columns, r.rows[0]
    (['id'], ('threat:apt28',))
    """
    with EmbeddedGraph.from_dataset(dataset, cache_dir=cache_dir, progress=progress, limits=limits) as db:
        return db.run(query, params)


def check_embedded(qf: QueryFile) -> None:
    """Everything the embedded engine refuses before it runs: :func:`check_query` and :data:`REFUSED_CLAUSES`."""
    check_query(qf)
    _refuse_clauses(qf)


def _refuse_clauses(qf: QueryFile) -> None:
    """Refuse clauses that touch files, settings or data (see :data:`REFUSED_CLAUSES`)."""
    sig = [t for t in tokenize(qf.text) if t.kind not in ("ws", "comment")]
    for k, t in enumerate(sig):
        word = t.text.upper()
        if t.kind != "ident" or word not in REFUSED_CLAUSES:
            continue
        if k > 0 and sig[k - 1].text in (".", ":", "$"):  # a property, label or map key
            continue
        if k + 1 < len(sig) and sig[k + 1].text == ":":  # a map key {load: 1}
            continue
        if word == "LOAD" and k + 1 < len(sig) and sig[k + 1].text.upper() == "CSV":
            continue  # Neo4j's LOAD CSV: not ladybug syntax, reported as a syntax error
        line, col = position(qf.text, t.pos)
        raise QueryError(
            f"{qf.file}: the embedded engine only reads the dataset: {word} (line {line}, column {col}) "
            "is refused; queries cannot read or write other files, load extensions or change settings"
        )


def schema_in_use(db: EmbeddedGraph) -> dict[str, dict[str, tuple[str, int]]]:
    """Per node label and relationship type, the properties its rows actually carry:
    ``{table: {property: (type, rows holding it)}}``. The engine declares every
    relationship property on every relationship table; this says which ones are used.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, EmbeddedGraph.from_dataset(gk.SAMPLE, cache_dir=tmp) as db:
    ...     used = schema_in_use(db)
    >>> sorted(used["HAS_CAPABILITY"])
    ['level', 'source']
    """
    from graphkit import schema

    out: dict[str, dict[str, tuple[str, int]]] = {}
    for table, cols in db.columns.items():
        names = list(cols)
        if not names:
            out[table] = {}
            continue
        pattern = f"(x:{table})" if table in schema.LABELS else f"()-[x:{table}]->()"
        counts = ", ".join(f"count(x.{c}) AS c{i}" for i, c in enumerate(names))
        _, rows = db.execute(f"MATCH {pattern} RETURN {counts}", {})
        n = rows[0] if rows else [0] * len(names)
        out[table] = {c: (cols[c], int(k)) for c, k in zip(names, n, strict=True) if k}
    return out
