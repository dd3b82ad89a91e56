"""The embedded engine's store (ladybug, the maintained fork of Kùzu): a graph in a database on disk.

This module is handed a graph; loading a dataset from a path, the Neo4j dialect and query
files are :mod:`graphkit.cypher`'s (:class:`graphkit.cypher.EmbeddedGraph`). A dataset
is loaded into an on-disk ladybug database once and cached, keyed by a hash of the
dataset's bytes (:func:`dataset_fingerprint`); the next query on unchanged data opens the cached database
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
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from graphkit import schema
from graphkit.errors import GraphkitError, QueryError, StoreError
from graphkit.files import atomic_path
from graphkit.progress import Progress
from graphkit.stores.fingerprint import changed_since_key, dataset_fingerprint, load_unchanged
from graphkit.stores.limits import QueryLimits, QueryStopped, address_space_cap, resident_bytes

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EmbeddedDatabase",
    "EngineError",
    "cache_root",
    "dataset_fingerprint",
    "load_unchanged",
    "database_schema",
    "COMMON_PROPERTIES",
    "CACHE_KEEP",
]

#: How many cached databases to keep (least recently used ones beyond this are removed).
CACHE_KEEP = 8

#: Properties every embedded database declares, with their types, so that the query
#: library runs on any dataset (ladybug, unlike Neo4j, refuses an undeclared property).
#: A dataset whose values of one of these have another type declares that type instead.
#: Full dates are ``DATE`` columns (``since_date``, ``until_date``, a norm's ``date``, a
#: threat's ``first_seen``), as Neo4j stores them (the Neo4j writer sends
#: :class:`datetime.date`, a Bolt ``Date``): the same query compares them in both stores.
#: ``since``/``until`` stay years (integers); ``last_confirmed`` stays text (``YYYY``,
#: ``YYYY-MM`` or ``YYYY-MM-DD``: Cypher's ``date(r.last_confirmed)`` reads each form).
COMMON_PROPERTIES: dict[str, dict[str, str]] = {
    schema.ACTOR: {
        "name": "string",
        "kind": "string",
        "iso3": "string",
        "region": "string",
        "founded": "int",
        "aliases": "string[]",
        "source": "string",
    },
    schema.CAPABILITY: {"name": "string", "description": "string", "source": "string"},
    schema.THREAT: {
        "name": "string",
        "aliases": "string[]",
        "incident_types": "string[]",
        "first_seen": "date",
        "source": "string",
    },
    "relationship": {
        "since": "int",
        "until": "int",
        "since_date": "date",
        "until_date": "date",
        "last_confirmed": "string",
        "instrument": "string",
        "weight": "float",
        "level": "float",
        "sectors": "string[]",
        "confidence": "float",
        "basis": "string",
        "via": "string[]",
        "source": "string",
    },
    schema.NORM: {
        "name": "string",
        "kind": "string",
        "date": "date",
        "sponsors": "string[]",
        "description": "string",
        "source": "string",
    },
}
#: A position carries its stance and date as well as the common relationship properties.
COMMON_PROPERTIES["POSITION"] = {**COMMON_PROPERTIES["relationship"], "stance": "string", "date": "date"}

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


class EngineError(QueryError):
    """The embedded engine refused a statement; ``engine_message`` is its own text.

    :mod:`graphkit.cypher` turns it into a message naming the query file's line and column.
    """

    def __init__(self, engine_message: str) -> None:
        super().__init__(f"the embedded engine refused the query: {engine_message.strip().splitlines()[0]}")
        self.engine_message = engine_message


class EmbeddedDatabase:
    """A graph in an on-disk embedded (ladybug) database, opened read-only.

    Build one from a graph with :meth:`from_graph` (a new path) or :meth:`build_cached`
    (the cache), reopen a cached one with :meth:`open_cached`, and run engine-dialect
    Cypher with :meth:`execute`. Loading a dataset, the Neo4j dialect and query files are
    the business of :mod:`graphkit.cypher` (:class:`graphkit.cypher.EmbeddedGraph`).

    Every statement runs under ``limits`` (:class:`graphkit.stores.limits.QueryLimits`:
    by default 15 s and 1 GiB, or ``GRAPHKIT_QUERY_TIMEOUT`` / ``GRAPHKIT_QUERY_MAX_MEMORY``):
    past them it stops with :class:`~graphkit.stores.limits.QueryStopped`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with EmbeddedDatabase.from_graph(gk.load(gk.SAMPLE), pathlib.Path(tmp) / "g.lbdb") as db:
    ...         db.execute("MATCH (t:Threat) RETURN count(*) AS n")
    (['n'], [(3,)])
    """

    _remove_on_close: Path | None = None  # a scratch database this object removes when closed

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        *,
        table_columns: dict[str, dict[str, str]] | None = None,
        limits: QueryLimits | None = None,
    ) -> None:
        import ladybug

        self.path = Path(db_path)
        self.limits = limits if limits is not None else QueryLimits.from_env()
        try:
            size = self.path.stat().st_size
            pool, reserve = _memory(size)
            self._pool = self.limits.buffer_pool(pool)
            self._db = ladybug.Database(
                str(self.path), read_only=True, buffer_pool_size=self._pool, max_db_size=reserve
            )
            self._conn = ladybug.Connection(self._db)
            if self.limits.timeout is not None:
                self._conn.set_query_timeout(max(1, int(self.limits.timeout * 1000)))
        except (RuntimeError, OSError) as exc:
            raise StoreError(
                f"{self.path}: cannot open the embedded database ({exc}); delete it to rebuild"
            ) from None
        self.columns = table_columns if table_columns is not None else self._read_columns()
        self.rebuilt = False

    # ------------------------------------------------------------------ opening

    @classmethod
    def open_cached(
        cls, key: str, *, cache_dir: str | os.PathLike[str] | None = None, limits: QueryLimits | None = None
    ) -> Self | None:
        """The cached database for fingerprint ``key`` (see :func:`dataset_fingerprint`), or None.

        A damaged cache entry is removed (and None returned), so that it is built again.
        """
        db_path = cache_root(cache_dir) / "embedded" / f"{key}.lbdb"
        if not db_path.is_file():
            return None
        try:
            db = cls(db_path, limits=limits)
        except StoreError:  # a damaged cache entry: build it again
            db_path.unlink(missing_ok=True)
            return None
        os.utime(db_path)
        return db

    @classmethod
    def build_cached(
        cls,
        G: nx.MultiDiGraph,
        key: str,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        progress: Progress | None = None,
        limits: QueryLimits | None = None,
    ) -> Self:
        """Write ``G`` into the cache under fingerprint ``key`` (atomically) and open it.

        Raises
        ------
        StoreError
            When the cache folder cannot be written.
        """
        progress = progress or Progress(quiet=True)
        root = cache_root(cache_dir) / "embedded"
        if changed_since_key(key):
            return cls._scratch(G, root, progress=progress, limits=limits)
        db_path = root / f"{key}.lbdb"
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
        db = cls(db_path, limits=limits)
        db.rebuilt = True
        return db

    @classmethod
    def _scratch(
        cls, G: nx.MultiDiGraph, root: Path, *, progress: Progress, limits: QueryLimits | None
    ) -> Self:
        """A database for ``G`` outside the cache (removed on close): the dataset changed while
        it was loaded, so ``G`` matches no fingerprint and must answer only this once."""
        import shutil
        import tempfile

        try:
            root.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=".scratch-", dir=root))
        except OSError as exc:
            raise StoreError(f"{root}: cannot create the cache folder ({exc.strerror})") from None
        try:
            with progress.step(
                "building the embedded database (the dataset changed while loading: not cached)"
            ):
                _build(G, scratch / "db.lbdb", progress)
            db = cls(scratch / "db.lbdb", limits=limits)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        db._remove_on_close = scratch
        db.rebuilt = True
        return db

    @classmethod
    def from_graph(
        cls, G: nx.MultiDiGraph, db_path: str | os.PathLike[str], *, limits: QueryLimits | None = None
    ) -> Self:
        """Write ``G`` to a new database file at ``db_path`` (which must not exist) and open it."""
        db_path = Path(db_path)
        if db_path.exists():
            raise StoreError(f"{db_path}: exists; give a new path for the embedded database")
        _build(G, db_path, Progress(quiet=True))
        return cls(db_path, limits=limits)

    def close(self) -> None:
        try:
            self._conn.close()
            self._db.close()
        except Exception:  # noqa: BLE001 - closing twice is harmless
            pass
        scratch = getattr(self, "_remove_on_close", None)
        if scratch is not None:  # a scratch database this object made (never the cache)
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)
            self._remove_on_close = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ queries

    def execute(
        self, text: str, params: Mapping[str, Any] | None = None
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one statement in the engine's own dialect: ``(columns, rows)`` of plain Python values.

        Raises
        ------
        EngineError
            When the engine refuses the statement (its message kept in ``engine_message``).
        QueryStopped
            When the statement runs past the time limit or needs more memory than the cap
            (:attr:`limits`); the engine and the process are left as they were.
        """
        limits = self.limits
        deadline = time.monotonic() + limits.timeout if limits.timeout is not None else None
        headroom = limits.headroom(self._pool)
        try:
            # The engine runs the query under the address-space cap. Fetching the rows does
            # not (the engine's row iterator spins when an allocation fails there): the rows
            # are counted against the same headroom by resident memory instead.
            with address_space_cap(headroom):
                try:
                    res: Any = self._conn.execute(text, dict(params or {}))
                except RuntimeError as exc:
                    raise _stopped(str(exc), limits) or EngineError(str(exc)) from None
            if isinstance(res, list):  # several statements: graphkit.cypher refuses them, kept safe here
                res = res[-1]
            columns = list(res.get_column_names())
            rows = []
            base = resident_bytes()
            while res.has_next():
                rows.append(tuple(v if type(v) in _AS_IS else _plain(v) for v in res.get_next()))
                if len(rows) % 4096 == 0:
                    if deadline is not None and time.monotonic() > deadline:
                        raise QueryStopped(limits, "time")
                    if (
                        headroom is not None
                        and base is not None
                        and (resident_bytes() or 0) - base > headroom
                    ):
                        raise QueryStopped(limits, "memory")
        except MemoryError:
            raise QueryStopped(limits, "memory") from None
        except RuntimeError as exc:  # fetching a row can fail in the engine too
            raise _stopped(str(exc), limits) or EngineError(str(exc)) from None
        return columns, rows

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


# ---------------------------------------------------------------------------- helpers


def _stopped(message: str, limits: QueryLimits) -> QueryStopped | None:
    """The engine's message as a QueryStopped when it says a limit was reached, else None."""
    if message.strip() == "Interrupted." or "timeout" in message.lower():
        return QueryStopped(limits, "time")
    if "bad_alloc" in message or "Unable to allocate memory" in message or "buffer pool is full" in message:
        return QueryStopped(limits, "memory")
    return None


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

    base = {
        "string": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
    }
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
        raise StoreError(
            f"{db_path}: cannot create the embedded database ({exc}); "
            "is the process's memory limit (ulimit -v) too low?"
        ) from None
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
            rows = [
                {"id": n, **{k: _coerce(d.get(k), t) for k, t in spec.items() if k != "id"}}
                for n, d in G.nodes(data=True)
                if d.get("label") == label
            ]
            if rows:
                table = pa.Table.from_pylist(
                    rows, schema=pa.schema([(k, _arrow_type(t)) for k, t in spec.items()])
                )
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
                        [("from", pa.string()), ("to", pa.string())]
                        + [(k, _arrow_type(t)) for k, t in spec.items()]
                    )
                    table = pa.Table.from_pylist(rows, schema=arrow_schema)
                    conn.execute(
                        f"COPY {name} FROM $rows (from='{s_label}', to='{t_label}')", {"rows": table}
                    )
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


def _prune(root: Path, *, keep: int) -> None:
    """Remove the least recently used cached databases beyond ``keep``."""
    entries = sorted(root.glob("*.lbdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        for f in (old, old.with_name(old.name + ".wal")):
            with contextlib.suppress(OSError):
                f.unlink()


#: result values that are plain Python already (the frequent case: no call per value)
_AS_IS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """A result value as plain Python: numbers, text, dates, lists, dicts."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [v if type(v) in _AS_IS else _plain(v) for v in value]
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:  # a path
            return {
                "nodes": [_plain(n) for n in value["_NODES"]],
                "relationships": [_plain(r) for r in value["_RELS"]],
            }
        if "_LABEL" in value and "_ID" in value:  # a node or relationship
            out: dict[str, Any] = {("type" if "_SRC" in value else "label"): value["_LABEL"]}
            out.update({k: _plain(v) for k, v in value.items() if not k.startswith("_") and v is not None})
            return out
        return {k: _plain(v) for k, v in value.items()}
    return value
