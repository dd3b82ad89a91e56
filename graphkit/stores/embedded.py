"""Cypher without a server: the embedded engine (ladybug, the maintained fork of Kùzu).

A dataset is loaded into an on-disk ladybug database once and cached, keyed by a hash
of the dataset's bytes; the next query on unchanged data opens the cached database
read-only and starts at once, and a changed dataset gets a fresh one. Nothing is ever
written into the dataset's folder. The cache lives in ``--cache-dir``, else
``$GRAPHKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/graphkit``, else ``~/.cache/graphkit``.

ladybug needs a declared schema: one node table per label (:data:`graphkit.schema.LABELS`)
keyed by ``id``, one relationship table per relationship type with its allowed endpoint
labels, and typed columns: the common properties below plus every property the dataset
has, typed by :func:`graphkit.schema.value_type`.

Why ladybug: it runs MATCH, OPTIONAL MATCH, WITH, variable-length and shortest paths,
NOT patterns and aggregation on disk, loads from Arrow tables, and is installed from
PyPI as a wheel. grand-cypher (Cypher over networkx) was measured and rejected: it
returned empty results, silently, for undirected patterns and lacks OPTIONAL MATCH,
WITH, NOT patterns and ``count(*)``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import decimal
import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.errors import GraphkitError, QueryError, StoreError
from graphkit.progress import Progress
from graphkit.stores.cypher import (
    QueryFile,
    QueryResult,
    check_query,
    located,
    parse_query,
    position,
    to_embedded,
    tokenize,
)

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EmbeddedGraph",
    "run_query",
    "cache_root",
    "dataset_fingerprint",
    "database_schema",
    "COMMON_PROPERTIES",
    "CACHE_KEEP",
    "REFUSED_CLAUSES",
    "check_embedded",
]

#: Clauses the embedded engine refuses: they read or write files, load extensions, attach
#: other databases or change settings. Queries only read the dataset.
#: (Writes - CREATE, MERGE, SET, DELETE ... - are refused by the read-only database itself.)
REFUSED_CLAUSES = frozenset({
    "LOAD", "COPY", "EXPORT", "IMPORT", "INSTALL", "UNINSTALL", "ATTACH", "USE", "CALL", "CHECKPOINT",
})

#: Bump when the way a dataset becomes a database changes: old cache entries stop matching.
FORMAT_VERSION = "1"

#: How many cached databases to keep (least recently used ones beyond this are removed).
CACHE_KEEP = 8

#: Properties every embedded database declares, with their types, so that the query
#: library runs on any dataset (ladybug, unlike Neo4j, refuses an undeclared property).
#: A dataset whose values of one of these have another type declares that type instead.
COMMON_PROPERTIES: dict[str, dict[str, str]] = {
    schema.ACTOR: {
        "name": "string", "kind": "string", "iso3": "string", "region": "string",
        "founded": "int", "aliases": "string[]", "source": "string",
    },
    schema.CAPABILITY: {"name": "string", "description": "string", "source": "string"},
    schema.THREAT: {
        "name": "string", "aliases": "string[]", "incident_types": "string[]",
        "first_seen": "date", "source": "string",
    },
    "relationship": {
        "since": "int", "instrument": "string", "weight": "float", "level": "float",
        "sectors": "string[]", "confidence": "float", "via": "string[]", "source": "string",
    },
}

_LB_TYPES = {"string": "STRING", "int": "INT64", "float": "DOUBLE", "bool": "BOOLEAN", "date": "DATE"}


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache folder: ``cache_dir``, ``$GRAPHKIT_CACHE_DIR``, ``$XDG_CACHE_HOME/graphkit`` or ``~/.cache/graphkit``."""
    if cache_dir:
        return Path(cache_dir)
    if os.environ.get("GRAPHKIT_CACHE_DIR"):
        return Path(os.environ["GRAPHKIT_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "graphkit"
    return Path.home() / ".cache" / "graphkit"


def dataset_fingerprint(path: str | os.PathLike[str]) -> str:
    """A hash of everything the loader reads from a dataset (its files' names and bytes).

    Raises
    ------
    StoreError
        When the dataset cannot be read.
    """
    import ladybug

    from graphkit import __version__

    path = Path(path)
    h = hashlib.sha256(f"graphkit {__version__} format {FORMAT_VERSION} ladybug {ladybug.__version__}\n".encode())
    if path.is_dir():
        names = [f"{schema.NODE_FILES[label]}.csv" for label in schema.LABELS] + [f"{schema.RELATIONSHIPS_FILE}.csv"]
        files = [path / n for n in names]
    else:
        files = [path]
    for f in files:
        h.update(f.name.encode() + b"\0")
        try:
            with open(f, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        except FileNotFoundError:
            h.update(b"<missing>")
        except OSError as exc:
            raise StoreError(f"{f}: cannot read ({exc.strerror})") from None
        h.update(b"\0")
    return h.hexdigest()[:32]


def database_schema(G: nx.MultiDiGraph) -> dict[str, dict[str, str]]:
    """Typed columns of each node and relationship table for ``G`` (schema type names).

    Keys are labels and relationship types; values map property to type (``'int'``,
    ``'string[]'`` ...). Node tables also hold ``id`` (the primary key).

    Examples
    --------
    >>> s = database_schema(gk.load(gk.SAMPLE))
    >>> s["Actor"]["founded"], s["REQUIRES"]["via"], s["TARGETS"]["sectors"]
    ('int', 'string[]', 'string[]')
    """
    seen: dict[str, dict[str, set[str]]] = {t: {} for t in (*schema.LABELS, *schema.RELATIONSHIP_TYPES)}
    for _, d in G.nodes(data=True):
        table = seen.get(d.get("label"))
        if table is not None:
            _observe(table, d, skip=("label",))
    for _, _, d in G.edges(data=True):
        table = seen.get(d.get("type"))
        if table is not None:
            _observe(table, d, skip=("type",))
    out: dict[str, dict[str, str]] = {}
    for name, props in seen.items():
        common = COMMON_PROPERTIES.get(name, COMMON_PROPERTIES["relationship"])
        cols = {"id": "string"} if name in schema.LABELS else {}
        cols.update(common)
        for key, kinds in props.items():
            if key == "id":
                continue
            cols[key] = _merge_types(kinds)
        out[name] = cols
    return out


class EmbeddedGraph:
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

    def __init__(self, db_path: str | os.PathLike[str], *, table_columns: dict[str, dict[str, str]] | None = None) -> None:
        import ladybug

        self.path = Path(db_path)
        try:
            size = self.path.stat().st_size
            pool, reserve = _memory(size)
            self._db = ladybug.Database(str(self.path), read_only=True, buffer_pool_size=pool, max_db_size=reserve)
            self._conn = ladybug.Connection(self._db)
        except (RuntimeError, OSError) as exc:
            raise StoreError(f"{self.path}: cannot open the embedded database ({exc}); delete it to rebuild") from None
        self.columns = table_columns if table_columns is not None else self._read_columns()
        self.rebuilt = False

    # ------------------------------------------------------------------ opening

    @classmethod
    def from_dataset(
        cls,
        dataset: str | os.PathLike[str],
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        progress: Progress | None = None,
    ) -> EmbeddedGraph:
        """The dataset's cached database, built first when the dataset is new or changed.

        Raises
        ------
        DatasetError, FormatError
            When the dataset does not load.
        StoreError
            When the cache folder cannot be written.
        """
        from graphkit.export.tables import atomic_path
        from graphkit.loaders import load

        progress = progress or Progress(quiet=True)
        dataset = Path(dataset)
        if not dataset.exists():
            load(dataset)  # raises the loader's own clear error
        root = cache_root(cache_dir) / "embedded"
        key = dataset_fingerprint(dataset)
        db_path = root / f"{key}.lbdb"
        if db_path.is_file():
            try:
                db = cls(db_path)
            except StoreError:  # a damaged cache entry: build it again
                db_path.unlink(missing_ok=True)
            else:
                os.utime(db_path)
                return db
        with progress.step(f"loading {dataset}"):
            G = load(dataset)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"{root}: cannot create the cache folder ({exc.strerror}); "
                "give --cache-dir or set GRAPHKIT_CACHE_DIR"
            ) from None
        with progress.step("building the embedded database"):
            try:
                with atomic_path(db_path) as tmp:
                    _build(G, tmp, progress)
            except GraphkitError:
                raise
            except OSError as exc:
                raise StoreError(f"{db_path}: cannot write the cached database ({exc.strerror})") from None
        _prune(root, keep=CACHE_KEEP)
        db = cls(db_path)
        db.rebuilt = True
        return db

    @classmethod
    def from_graph(cls, G: nx.MultiDiGraph, db_path: str | os.PathLike[str]) -> EmbeddedGraph:
        """Write ``G`` to a new database file at ``db_path`` (which must not exist) and open it."""
        db_path = Path(db_path)
        if db_path.exists():
            raise StoreError(f"{db_path}: exists; give a new path for the embedded database")
        _build(G, db_path, Progress(quiet=True))
        return cls(db_path)

    def close(self) -> None:
        try:
            self._conn.close()
            self._db.close()
        except Exception:  # noqa: BLE001 - closing twice is harmless
            pass

    def __enter__(self) -> EmbeddedGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ queries

    def run(self, query: str | QueryFile, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run one Cypher statement (Neo4j dialect; see :mod:`graphkit.stores.cypher`).

        ``params`` must hold exactly the parameters the query uses (after header
        defaults: see :func:`graphkit.stores.cypher.bind_params`).

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
            raise QueryError(f"{qf.file}: parameter(s) {', '.join(missing)} used but not given (fix: --param {missing[0]}=VALUE)")
        extra = sorted(set(params) - used)
        if extra:
            raise QueryError(f"{qf.file}: unknown parameter(s) {', '.join(extra)}: the query does not use them")
        tr = to_embedded(qf.text)
        text = _strip_final_semicolon(tr.text)
        # the engine counts lines from the first character that is not white space
        start = len(text) - len(text.lstrip())
        try:
            res: Any = self._conn.execute(text[start:], params)
        except RuntimeError as exc:
            raise _query_error(str(exc), qf, tr, self.columns, start) from None
        if isinstance(res, list):  # several statements: refused by check_query, kept safe here
            res = res[-1]
        columns = list(res.get_column_names())
        rows = []
        while res.has_next():
            rows.append(tuple(_plain(v) for v in res.get_next()))
        return QueryResult(columns, rows)

    def _read_columns(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for name in (*schema.LABELS, *schema.RELATIONSHIP_TYPES):
            try:
                res: Any = self._conn.execute(f"CALL table_info('{name}') RETURN *")
            except RuntimeError:
                continue
            cols = {}
            while res.has_next():
                row = list(res.get_next())
                cols[str(row[1])] = str(row[2])
            out[name] = cols
        return out


def run_query(
    dataset: str | os.PathLike[str],
    query: str | QueryFile,
    params: Mapping[str, Any] | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> QueryResult:
    """Run one Cypher query on a dataset with the embedded engine (cached; see the module docstring).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     r = run_query(gk.SAMPLE, "MATCH (t:Threat) RETURN t.id AS id ORDER BY id", cache_dir=tmp)
    >>> r.columns, r.rows[0]
    (['id'], ('threat:apt28',))
    """
    with EmbeddedGraph.from_dataset(dataset, cache_dir=cache_dir, progress=progress) as db:
        return db.run(query, params)


# ---------------------------------------------------------------------------- helpers


def _observe(table: dict[str, set[str]], d: Mapping[str, Any], skip: tuple[str, ...]) -> None:
    for key, value in d.items():
        if key in skip or value is None or not schema.is_identifier(key):
            continue
        table.setdefault(key, set()).add(schema.value_type(value) or "string")


def _merge_types(kinds: set[str]) -> str:
    if len(kinds) == 1:
        return next(iter(kinds))
    scalars = {k.removesuffix("[]") for k in kinds}
    is_list = any(k.endswith("[]") for k in kinds)
    if scalars <= {"int", "float"}:
        base = "float"
    elif len(scalars) == 1:
        base = next(iter(scalars))
    else:
        base = "string"
    return base + "[]" if is_list else base


def _lb_type(t: str) -> str:
    return _LB_TYPES[t[:-2]] + "[]" if t.endswith("[]") else _LB_TYPES[t]


def _arrow_type(t: str) -> Any:
    import pyarrow as pa

    base = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "date": pa.date32()}
    return pa.list_(base[t[:-2]]) if t.endswith("[]") else base[t]


def _coerce(value: Any, t: str) -> Any:
    """``value`` as a value of schema type ``t`` (widening int to float, anything to text)."""
    if value is None:
        return None
    if t.endswith("[]"):
        items = value if isinstance(value, list | tuple) else [value]
        return [_coerce(v, t[:-2]) for v in items]
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    if t == "float" and type(value) is int:
        return float(value)
    if t == "string" and not isinstance(value, str):
        return value.isoformat() if isinstance(value, _dt.date) else str(value)
    return value


def _q(name: str) -> str:
    return "`" + name.replace("`", "") + "`"


def _build(G: nx.MultiDiGraph, db_path: Path, progress: Progress) -> None:
    """Create the schema's tables in a new database file and copy ``G`` into them."""
    import ladybug
    import pyarrow as pa

    cols = database_schema(G)
    try:
        pool, reserve = _memory(512 * (G.number_of_nodes() + G.number_of_edges()))
        db = ladybug.Database(str(db_path), buffer_pool_size=pool, max_db_size=reserve)
        conn = ladybug.Connection(db)
    except RuntimeError as exc:
        raise StoreError(f"{db_path}: cannot create the embedded database ({exc}); "
                         "is the process's memory limit (ulimit -v) too low?") from None
    try:
        for label in schema.LABELS:
            defs = ", ".join(f"{_q(k)} {_lb_type(t)}" for k, t in cols[label].items())
            conn.execute(f"CREATE NODE TABLE {label}({defs}, PRIMARY KEY(id))")
        for name, rel in schema.RELATIONSHIP_TYPES.items():
            ends = ", ".join(f"FROM {s} TO {t}" for s in rel.sources for t in rel.targets)
            props = "".join(f", {_q(k)} {_lb_type(t)}" for k, t in cols[name].items())
            conn.execute(f"CREATE REL TABLE {name}({ends}{props})")
        n_total = G.number_of_nodes()
        done = 0
        for label in schema.LABELS:
            spec = cols[label]
            rows = [{"id": n, **{k: _coerce(d.get(k), t) for k, t in spec.items() if k != "id"}}
                    for n, d in G.nodes(data=True) if d.get("label") == label]
            if rows:
                table = pa.Table.from_pylist(rows, schema=pa.schema([(k, _arrow_type(t)) for k, t in spec.items()]))
                conn.execute(f"COPY {label} FROM $rows", {"rows": table})
            done += len(rows)
            progress.count("copying nodes", done, n_total, unit="nodes")
        m_total = G.number_of_edges()
        done = 0
        for name, rel in schema.RELATIONSHIP_TYPES.items():
            spec = cols[name]
            for s_label in rel.sources:
                for t_label in rel.targets:
                    rows = [
                        {"from": u, "to": v, **{k: _coerce(d.get(k), t) for k, t in spec.items()}}
                        for u, v, d in G.edges(data=True)
                        if d.get("type") == name
                        and G.nodes[u].get("label") == s_label
                        and G.nodes[v].get("label") == t_label
                    ]
                    if not rows:
                        continue
                    arrow_schema = pa.schema(
                        [("from", pa.string()), ("to", pa.string())] + [(k, _arrow_type(t)) for k, t in spec.items()]
                    )
                    table = pa.Table.from_pylist(rows, schema=arrow_schema)
                    conn.execute(f"COPY {name} FROM $rows (from='{s_label}', to='{t_label}')", {"rows": table})
                    done += len(rows)
                    progress.count("copying relationships", done, m_total, unit="relationships")
    except RuntimeError as exc:
        raise StoreError(f"cannot build the embedded database: {exc}") from None
    finally:
        conn.close()
        db.close()


def _memory(nbytes: int) -> tuple[int, int]:
    """ladybug's buffer pool and address-space reservation for a database of about ``nbytes``.

    ladybug's defaults reserve 8 TiB of address space and a buffer pool of a share of all
    memory, which fails under a limit on address space (``ulimit -v``); these sizes follow
    the data instead: a pool of 4x the data (512 MiB to 4 GiB) and a reservation of 16x
    (at least 1 GiB, a power of two as ladybug requires).
    """
    pool = min(max(512 << 20, 4 * nbytes), 4 << 30)
    reserve = 1 << max(30, (16 * max(nbytes, 1) - 1).bit_length())
    return pool, min(reserve, 1 << 43)


def check_embedded(qf: QueryFile) -> None:
    """Everything the embedded engine refuses before it runs: :func:`check_query` and :data:`REFUSED_CLAUSES`."""
    check_query(qf)
    _refuse_clauses(qf)


def _prune(root: Path, *, keep: int) -> None:
    """Remove the least recently used cached databases beyond ``keep``."""
    entries = sorted(root.glob("*.lbdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        for f in (old, old.with_name(old.name + ".wal")):
            with contextlib.suppress(OSError):
                f.unlink()


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


def _plain(value: Any) -> Any:
    """A result value as plain Python: numbers, text, dates, lists, dicts."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:  # a path
            return {"nodes": [_plain(n) for n in value["_NODES"]], "relationships": [_plain(r) for r in value["_RELS"]]}
        if "_LABEL" in value and "_ID" in value:  # a node or relationship
            out: dict[str, Any] = {("type" if "_SRC" in value else "label"): value["_LABEL"]}
            out.update({k: _plain(v) for k, v in value.items() if not k.startswith("_") and v is not None})
            return out
        return {k: _plain(v) for k, v in value.items()}
    return value


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
        msg = re.sub(r"\s+", " ", m["msg"]).strip()
        msg = re.sub(r"Invalid input <.*>:", "invalid input:", msg)
        if len(msg) > 120 and " expecting " in msg:  # the engine lists every token it could take
            msg = msg.split(" expecting ")[0] + " (unexpected here)"
        return at(tr.original_offset(offset), f"syntax error: {msg}")
    toks = [t for t in tokenize(text) if t.kind not in ("ws", "comment")]

    def find(pred: Any) -> int | None:
        for k, t in enumerate(toks):
            if pred(k, t):
                return t.pos
        return None

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
        what = (f"unknown property {prop!r} of {m[2]}: the dataset has no such property "
                f"(properties: {', '.join(have)})")
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
        what = f"unknown function {fn!r} (the embedded engine lacks it; see graphkit.stores.cypher for the dialect)"
        return at(pos, what) if pos is not None else QueryError(f"{qf.file}: {what}")
    if "read-only" in first or "read only" in first:
        return QueryError(f"{qf.file}: the embedded engine only reads: queries cannot change the dataset "
                          "(edit the dataset's files instead)")
    cleaned = re.sub(r"^(Binder|Catalog|Runtime|Copy|Connection) exception: ", "", first)
    return QueryError(f"{qf.file}: the embedded engine refused the query: {cleaned}")
