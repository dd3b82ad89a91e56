"""Cypher on a dataset without a server: the embedded engine behind the Neo4j dialect.

:class:`EmbeddedGraph` is a :class:`graphkit.stores.embedded.EmbeddedDatabase` that
loads a dataset from a path (cached by its fingerprint), refuses what the embedded engine
must not run, rewrites Neo4j-dialect Cypher (:mod:`graphkit.cypher.dialect`) and turns the
engine's errors into messages naming the query file's line and column.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from graphkit.cypher.dialect import RESULT_HIDDEN_PREFIX, to_embedded
from graphkit.cypher.dialect_functions import register_functions
from graphkit.cypher.front import guard_engine
from graphkit.cypher.lexer import located, position, tokenize
from graphkit.cypher.queryfile import QueryFile, check_query, parse_query
from graphkit.cypher.result import QueryResult
from graphkit.cypher.temporal_engine import register_temporal
from graphkit.errors import QueryError
from graphkit.progress import Progress
from graphkit.stores.embedded import EmbeddedDatabase, EngineError, dataset_fingerprint
from graphkit.stores.limits import QueryLimits, QueryStopped

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
        """Run one Cypher statement (Neo4j dialect; see :mod:`graphkit.cypher.dialect`).

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
        guard_engine(qf, params)  # what the engine would crash on is refused before it runs
        tr = to_embedded(qf.text, file=qf.file, params=params, columns=self.columns)
        register_functions(self._conn)
        register_temporal(self._conn)  # the gk_t_* functions of graphkit.cypher.temporal_engine
        text = _strip_final_semicolon(tr.text)
        # the engine counts lines from the first character that is not white space
        start = len(text) - len(text.lstrip())
        try:
            columns, rows = self.execute(text[start:], params)
        except EngineError as exc:
            raise _query_error(exc.engine_message, qf, tr, self.columns, start) from None
        except QueryStopped as exc:
            raise QueryError(exc.for_file(qf.file)) from None
        keep = [k for k, c in enumerate(columns) if not c.startswith(RESULT_HIDDEN_PREFIX)]
        if len(keep) < len(columns):  # RETURN * shows the bridge's own variables: not the user's
            columns = [columns[k] for k in keep]
            rows = [tuple(r[k] for k in keep) for r in rows]
        return QueryResult(columns, rows)


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


def _strip_final_semicolon(text: str) -> str:
    toks = tokenize(text)
    for t in reversed(toks):
        if t.kind in ("ws", "comment"):
            continue
        if t.text == ";":
            return text[: t.pos] + " " + text[t.pos + 1 :]
        break
    return text


_PARSER = re.compile(r"Parser exception: (?P<msg>.*?) \(line: (?P<line>\d+), offset: (?P<offset>\d+)\)", re.S)


def _query_error(
    message: str, qf: QueryFile, tr: Any, columns: dict[str, dict[str, str]], start: int = 0
) -> QueryError:
    """The engine's error as a QueryError naming ``file:line:column`` in the query file."""
    text = qf.text
    first = message.strip().split("\n")[0]

    def at(offset: int, what: str) -> QueryError:
        return located(qf.file, text, offset, what)

    m = _PARSER.search(message)
    if m:
        lines = tr.text[start:].split("\n")
        line_no = int(m["line"])
        offset = start + sum(len(s) + 1 for s in lines[: line_no - 1]) + int(m["offset"])
        from graphkit.cypher.syntax import explain_syntax_error

        where = tr.original_offset(offset)
        msg = re.sub(r"\s+", " ", m["msg"]).strip()
        if (
            not msg.startswith("extraneous input") or "expecting {" in msg
        ):  # rules and token lists: say it in words
            msg = explain_syntax_error(text, where, msg)
        return at(where, f"syntax error: {msg}")
    toks = [t for t in tokenize(text) if t.kind not in ("ws", "comment")]

    def find(pred: Any) -> int | None:
        for k, t in enumerate(toks):
            if pred(k, t):
                return t.pos
        return None

    m = re.search(r"ValueError: (?P<msg>(?P<fn>\w+)\(\).*)", first)
    if m:  # a bridged function (graphkit.cypher.dialect_functions) met what Neo4j calls an error
        fn = m["fn"].lower()
        pos = find(lambda k, t: t.text.lower() == fn and k + 1 < len(toks) and toks[k + 1].text == "(")
        return at(pos, m["msg"]) if pos is not None else QueryError(f"{qf.file}: {m['msg']}")
    if "Lambda paramName" in first:
        pos = find(lambda k, t: t.text == "[" and k + 2 < len(toks) and toks[k + 2].text.upper() == "IN")
        what = (
            "a list comprehension that uses an enclosing comprehension's variable is refused: the embedded "
            "engine cannot evaluate it; compute the inner list in a WITH (or UNWIND the outer list) first"
        )
        return at(pos, what) if pos is not None else QueryError(f"{qf.file}: {what}")
    m = re.search(r"function \+\((STRING,(?:INT|DOUBLE|FLOAT)\w*|(?:INT|DOUBLE|FLOAT)\w*,STRING)\)", first)
    if m:
        what = (
            "adding a string and a number is refused by the embedded engine (Neo4j concatenates them); "
            "write toString(number) + string, which both engines run"
        )
        pos = find(lambda k, t: t.text == "+")
        return at(pos, what) if pos is not None else QueryError(f"{qf.file}: {what}")
    m = re.search(r"Table (\w+) does not exist", first)
    if m:
        name = m[1]
        pos = find(lambda k, t: t.text.strip("`") == name)
        what = f"unknown label or relationship type {name!r}"
        return at(pos, what) if pos is not None else QueryError(f"{qf.file}: {what}")
    m = re.search(r"Cannot find property (\w+) for (\w+)", first)
    if m:
        prop = m[1]
        have = sorted({k for cols in columns.values() for k in cols})
        pos = find(lambda k, t: t.text == prop and k > 0 and toks[k - 1].text == ".")
        if pos is None:
            pos = find(lambda k, t: t.text == prop)
        what = (
            f"unknown property {prop!r} of {m[2]}: the dataset has no such property "
            f"(properties: {', '.join(have)})"
        )
        return at(pos, what) if pos is not None else QueryError(f"{qf.file}: {what}")
    m = re.search(r"Variable (\w+) is not in scope", first)
    if m:
        pos = find(lambda k, t: t.text == m[1] and t.kind == "ident")
        what = f"variable {m[1]!r} is not defined at this point of the query"
        return at(pos, what) if pos is not None else QueryError(f"{qf.file}: {what}")
    m = re.search(r"function (\w+) does not exist", first)
    if m:
        fn = m[1].lower()
        pos = find(lambda k, t: t.text.lower() == fn)
        what = f"unknown function {fn!r} (the embedded engine lacks it; see graphkit.cypher.dialect for the dialect)"
        return at(pos, what) if pos is not None else QueryError(f"{qf.file}: {what}")
    if "read-only" in first or "read only" in first:
        return QueryError(
            f"{qf.file}: the embedded engine only reads: queries cannot change the dataset "
            "(edit the dataset's files instead)"
        )
    cleaned = re.sub(r"^(Binder|Catalog|Runtime|Copy|Connection) exception: ", "", first)
    return QueryError(f"{qf.file}: the embedded engine refused the query: {cleaned}")


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
