"""Neo4j over Bolt: write the canonical graph into a server, read it back, run Cypher.

:class:`Neo4jStore` accepts a URI or a live :class:`neo4j.Driver` (so tests can hand it a
real server or a test double). It detects what the server is and adapts:

========================  ==============================  =====================================
server                    Neo4j 5                         FalkorDB (and unknown Bolt servers)
========================  ==============================  =====================================
unique ``id`` per label   ``CREATE CONSTRAINT``           ``CREATE INDEX`` (no constraints)
dates                     native ``date``                 ISO text + ``gk_dates`` marker
float parameters          sent as they are                sent as ``[m, e1, e2]`` = m·2^e1·2^e2
string parameters         sent as they are                ``\\`` and ``'`` escaped (the server
                                                          splices them into query text)
failed write              rolled back                     may leave part of a batch behind
========================  ==============================  =====================================

Storage layout (documented so Cypher written by hand matches it): a node is
``(:Label {id, ...properties})``; a relationship is ``(a)-[:TYPE {gk_key, ...}]->(b)``
where ``gk_key`` numbers parallel relationships of one type between the same two nodes
(0, 1, ...), so loading the same dataset twice MERGEs onto the same relationships. On a
server without native dates, a node or relationship holding dates carries ``gk_dates``,
the list of its property names whose ISO text is a date; :func:`read_graph` turns them
back into :class:`datetime.date`. ``gk_key`` and ``gk_dates`` are therefore reserved.

Only labels and relationship types from :mod:`graphkit.schema`, and property keys that
pass :func:`graphkit.schema.is_identifier`, are ever spliced into query text; every value
is a parameter.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import pandas as pd

from graphkit import schema
from graphkit.errors import QueryError, SchemaError, StoreError
from graphkit.progress import Progress
from graphkit.stores.bolt import (
    ServerInfo,
    absorb_goodbye_bug,
    bolt_timeouts,
    mask_secret,
    parse_bolt_uri,
    quiet_driver_log,
    redact_uri,
)
from graphkit.stores.encoding import (
    DATES_KEY,
    REL_KEY,
    STORE_KEYS,
    decode,
    escape,
    escape_all,
    plain_value,
    write_problems,
)
from graphkit.stores.neo4j_write import (
    WriteSummary,
    batches,
    node_query,
    node_rows,
    rate,
    relationship_query,
    relationship_rows,
)

__all__ = [
    "Neo4jStore",
    "ServerInfo",
    "WriteSummary",
    "read_graph",
    "write_graph",
    "run_cypher",
    "redact_uri",
    "write_problems",
    "REL_KEY",
    "DATES_KEY",
    "STORE_KEYS",
]


class Neo4jStore:
    """A Neo4j (or other Bolt/Cypher) server holding graphkit's property graph.

    Parameters
    ----------
    uri_or_driver
        A ``bolt://``, ``neo4j://`` (``+s``/``+ssc``) URI, possibly with ``user:password@``,
        or a live :class:`neo4j.Driver` (which the store then neither configures nor closes).
    user, password
        Credentials; they override those in the URI. No password means no authentication.
    database
        The database to use (default: the server's default).
    connection_timeout
        Seconds to connect, hand-shake and log in (default ``GRAPHKIT_NEO4J_CONNECT_TIMEOUT``,
        else 10).
    timeout
        Seconds one request to the server (a query, a batch of a load, a read of one label)
        may take (default ``GRAPHKIT_NEO4J_TIMEOUT``, else 30): a server that accepts a
        query and then stalls, or drips a byte every few seconds, is a :class:`StoreError`
        within that time, not a wait for ever.

    Examples
    --------
    >>> store = Neo4jStore("bolt://neo4j:secret@localhost:7687")
    >>> store.uri
    'bolt://neo4j:***@localhost:7687'
    >>> store.close()
    """

    def __init__(
        self,
        uri_or_driver: Any,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        connection_timeout: float | None = None,
        timeout: float | None = None,
    ) -> None:
        connection_timeout, self.timeout = bolt_timeouts(connection_timeout, timeout)
        self._stalled = False
        self.database = database
        self._password = password
        self._server: ServerInfo | None = None
        self._address: tuple[str, int] | None = None
        self.driver: Any = None
        self._detecting = False
        self._used = False
        if isinstance(uri_or_driver, str):
            import neo4j

            quiet_driver_log()
            parts = parse_bolt_uri(uri_or_driver)  # a one-line StoreError, password hidden
            user = user if user is not None else parts.user
            password = password if password is not None else parts.password
            self._password = password
            clean = parts.clean
            self.uri = parts.shown
            self._address = (parts.host, parts.port)
            auth = neo4j.basic_auth(user or "neo4j", password) if password is not None else None
            try:
                self.driver = neo4j.GraphDatabase.driver(
                    clean,
                    auth=auth,
                    connection_timeout=connection_timeout,
                    connection_acquisition_timeout=connection_timeout,
                    max_transaction_retry_time=min(30.0, self.timeout),
                )
            except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
                raise StoreError(f"{self.uri}: {self._scrub(str(exc))}") from None
            self._owns_driver = True
        else:
            self.driver = uri_or_driver
            self._owns_driver = False
            self.uri = "<driver>"
            self._address = None

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        """Close the driver if this store opened it."""
        if not self._owns_driver:
            return
        if self._stalled:  # a request is still stuck on the server: closing would wait for it
            self._owns_driver = False
            return
        self.driver.close()
        self._owns_driver = False
        if self._used and self._server is not None and self._server.product == "falkordb":
            absorb_goodbye_bug(self._address)

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- server detection --------------------------------------------------------------
    @property
    def server(self) -> ServerInfo:
        """What the server is and how graphkit adapts to it (detected once, on first use)."""
        if self._server is None:
            self._detecting = True
            try:
                self._server = self._detect()
            finally:
                self._detecting = False
        return self._server

    def _detect(self) -> ServerInfo:
        # verify_connectivity fails at once where a managed transaction would retry for 30 s.
        options: dict[str, Any] = {"database": self.database} if self.database else {}
        self._call(lambda s: self.driver.verify_connectivity(**options))
        agent = (
            self._call(lambda s: s.execute_read(lambda tx: tx.run("RETURN 1 AS one").consume()).server.agent)
            or ""
        )
        product, version = "unknown", ""
        try:
            comps = self._read("CALL dbms.components() YIELD name, versions RETURN name, versions")
            for row in comps:
                if str(row["name"]).lower().startswith("neo4j"):
                    product, version = "neo4j", str((row["versions"] or [""])[0])
        except QueryError:
            pass
        if product == "unknown":
            try:
                names = {r["name"] for r in self._read("CALL dbms.procedures() YIELD name RETURN name")}
            except QueryError:
                names = set()
            if "algo.pageRank" in names and "db.idx.fulltext.createNodeIndex" in names:
                product, version = "falkordb", agent.partition("/")[2]
        neo = product == "neo4j"
        exact_floats = neo or self._probe_float()
        escape = False if neo else self._probe_strings()
        return ServerInfo(
            product=product,
            version=version,
            agent=self._scrub(str(agent)),  # a server may name the credentials it got anywhere
            constraints=neo,
            native_dates=neo,
            exact_float_params=exact_floats,
            escape_string_params=escape,
            rollback=neo,
        )

    def _probe_float(self) -> bool:
        x = 0.1 + 0.2
        try:
            rows = self._read("RETURN $x AS x", {"x": x}, encode=False)
        except QueryError:
            return False
        return bool(rows) and rows[0]["x"] == x

    def _probe_strings(self) -> bool:
        """Whether string parameters need escaping (True) or arrive as sent (False)."""
        s = "it's a \\n test"
        try:
            rows = self._read("RETURN $s AS s", {"s": s}, encode=False)
            if rows and rows[0]["s"] == s:
                return False
        except QueryError:
            pass
        rows = self._read("RETURN $s AS s", {"s": escape(s)}, encode=False)
        if rows and rows[0]["s"] == s:
            return True
        raise StoreError(
            f"{self.uri}: the server changes string parameters in transit "
            f"(sent {s!r}, got {rows[0]['s'] if rows else None!r}); graphkit cannot store text there exactly"
        )

    # -- writing -------------------------------------------------------------------------
    def write_graph(
        self,
        G: nx.MultiDiGraph,
        *,
        batch_size: int = 5000,
        wipe: bool = False,
        progress: Progress | None = None,
        per_row: bool = False,
    ) -> WriteSummary:
        """Write ``G`` into the server: constraints (or indexes) first, then nodes and relationships.

        Every write is an ``UNWIND $rows ... MERGE`` of up to ``batch_size`` rows per label or
        relationship type, run through ``session.execute_write`` (which retries transient
        errors), so writing the same graph twice leaves the same nodes and relationships.
        ``wipe`` first deletes every node with a graphkit label (and only those).
        ``per_row`` sends one statement per row instead (for benchmarks; slow).

        Raises
        ------
        SchemaError
            Before anything is written, when a label, type or property key is not allowed.
        StoreError
            When the server cannot be reached or refuses a write.
        """
        progress = progress or Progress(quiet=True)
        if batch_size < 1:
            raise StoreError(f"batch size must be at least 1, not {batch_size}")
        problems = write_problems(G)
        if problems:
            more = f" ... and {len(problems) - 10} more" if len(problems) > 10 else ""
            raise SchemaError(
                "nothing was written to the server: "
                + "; ".join(problems[:10])
                + more
                + " (fix: rename the property to letters, digits and _ starting with a letter)"
            )
        server = self.server
        start = time.perf_counter()
        self.ensure_constraints()
        if wipe:
            with progress.step("wiping graphkit's labels"):
                self.wipe()
        n_nodes = 0
        for label in schema.LABELS:
            groups = node_rows(G, label, server)
            total = sum(len(r) for r in groups.values())
            done = 0
            t0 = time.perf_counter()
            for shape, rows in groups.items():
                query = node_query(label, shape)
                for batch in batches(rows, 1 if per_row else batch_size):
                    self._write(query, {"rows": batch}, what=f"{label} nodes")
                    done += len(batch)
                    progress.count(f"{label} nodes ({rate(done, t0)})", done, total)
            n_nodes += total
        n_rels = 0
        rel_groups = relationship_rows(G, server)
        total = sum(len(r) for r in rel_groups.values())
        t0 = time.perf_counter()
        for (type_, src, tgt, shape), rows in rel_groups.items():
            query = relationship_query(type_, src, tgt, shape)
            for batch in batches(rows, 1 if per_row else batch_size):
                self._write(query, {"rows": batch}, what=f"{type_} relationships")
                n_rels += len(batch)
                progress.count(f"relationships ({rate(n_rels, t0)})", n_rels, total)
        elapsed = time.perf_counter() - start
        summary = WriteSummary(n_nodes, n_rels, elapsed, self.uri)
        progress.say(f"wrote {n_nodes:,} nodes and {n_rels:,} relationships to {self.uri} in {elapsed:.2f} s")
        return summary

    def ensure_constraints(self) -> None:
        """A uniqueness constraint on ``id`` per label (Neo4j 5), or an index where unsupported."""
        server = self.server
        if server.constraints:
            for label in schema.LABELS:
                self._write(
                    f"CREATE CONSTRAINT graphkit_{label.lower()}_id IF NOT EXISTS "
                    f"FOR (n:{label}) REQUIRE n.id IS UNIQUE",
                    {},
                    what="constraints",
                )
            return
        try:
            rows = self._read("CALL db.indexes() YIELD label, properties RETURN label, properties")
            have = {r["label"] for r in rows if "id" in (r["properties"] or [])}
        except QueryError:
            have = set()
        for label in schema.LABELS:
            if label not in have:
                # A server without db.indexes() may already hold the index; MERGE works either way.
                with contextlib.suppress(QueryError):
                    self._write(f"CREATE INDEX FOR (n:{label}) ON (n.id)", {}, what="indexes")

    def wipe(self, *, batch_size: int = 10000) -> int:
        """Delete every node with a graphkit label (and its relationships); return how many."""
        deleted = 0
        for label in schema.LABELS:
            while True:
                rows = self._write(
                    f"MATCH (n:{label}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted",
                    {"limit": batch_size},
                    what=f"wipe of {label} nodes",
                )
                n = int(rows[0]["deleted"]) if rows else 0
                deleted += n
                if n < batch_size:
                    break
        return deleted

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per graphkit label and relationships per graphkit type, as the server counts them."""
        nodes = {
            label: int(self._read(f"MATCH (n:{label}) RETURN count(n) AS c")[0]["c"])
            for label in schema.LABELS
        }
        rels = {
            t: int(self._read(f"MATCH ()-[r:{t}]->() RETURN count(r) AS c")[0]["c"])
            for t in schema.RELATIONSHIP_TYPES
        }
        return {"nodes": nodes, "relationships": rels}

    # -- reading -------------------------------------------------------------------------
    def read_graph(self, *, progress: Progress | None = None) -> nx.MultiDiGraph:
        """The canonical graph held by the server (graphkit's labels and types only).

        Raises
        ------
        StoreError
            When a node has no ``id``, two nodes share one, or a value cannot be read.
        """
        from graphkit.graph import add_node, add_relationship, new_graph

        progress = progress or Progress(quiet=True)
        G = new_graph()
        G.graph["source"] = self.uri
        for label in schema.LABELS:
            rows = self._read(f"MATCH (n:{label}) RETURN n.id AS id, properties(n) AS props ORDER BY id")
            for i, row in enumerate(rows, 1):
                node_id = row["id"]
                if not isinstance(node_id, str) or not node_id:
                    raise StoreError(
                        f"{self.uri}: a :{label} node has no text `id` property "
                        f"(properties {_short(row['props'])}); graphkit needs one on every node"
                    )
                props = decode(row["props"], where=f":{label} node {node_id!r}")
                props.pop("id", None)
                try:
                    add_node(G, node_id, label, **props)
                except SchemaError as exc:
                    raise StoreError(f"{self.uri}: {exc}") from None
                progress.count(f"{label} nodes", i, len(rows))
        done = 0
        for name, rel in schema.RELATIONSHIP_TYPES.items():
            for src in rel.sources:
                for tgt in rel.targets:
                    rows = self._read(
                        f"MATCH (a:{src})-[r:{name}]->(b:{tgt}) "
                        f"RETURN a.id AS s, b.id AS t, properties(r) AS props ORDER BY s, t, r.{REL_KEY}"
                    )
                    for row in rows:
                        props = decode(row["props"], where=f"{name} {row['s']!r} -> {row['t']!r}")
                        props.pop(REL_KEY, None)
                        try:
                            add_relationship(G, row["s"], name, row["t"], **props)
                        except SchemaError as exc:
                            raise StoreError(f"{self.uri}: {exc}") from None
                        done += 1
                        progress.count("relationships", done)
        return G

    # -- queries -------------------------------------------------------------------------
    def run(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False) -> pd.DataFrame:
        """Run one Cypher query with parameters; the rows as a DataFrame (columns in RETURN order).

        Nodes come back as dicts of their properties, relationships as dicts with ``type``,
        paths as lists of node ids, dates as :class:`datetime.date`.
        """
        params = self._encode_params(dict(params or {}))  # detects the server first, outside the transaction
        keys: list[str] = []

        def work(tx: Any) -> list[list[Any]]:
            result = tx.run(query, params)
            keys[:] = list(result.keys())
            return [[plain_value(v) for v in record.values()] for record in result]

        rows = self._transaction(work, write=write, what="query")
        return pd.DataFrame(rows, columns=keys, dtype=object)  # values exactly as the server sent them

    # -- plumbing --------------------------------------------------------------------------
    def _encode_params(self, params: dict[str, Any]) -> dict[str, Any]:
        server = self.server
        if server.escape_string_params:
            return escape_all(params)
        return params

    def _read(self, query: str, params: dict[str, Any] | None = None, *, encode: bool = True) -> list[dict]:
        return self._run_tx(query, params or {}, write=False, encode=encode, what="read")

    def _write(self, query: str, params: dict[str, Any], *, what: str) -> list[dict]:
        return self._run_tx(query, params, write=True, encode=True, what=what)

    def _run_tx(
        self, query: str, params: dict[str, Any], *, write: bool, encode: bool, what: str
    ) -> list[dict]:
        if encode and self._server is not None and self._server.escape_string_params:
            params = escape_all(params)

        def work(tx: Any) -> list[dict]:
            return [r.data() for r in tx.run(query, params)]

        return self._transaction(work, write=write, what=what)

    def _transaction(self, work: Callable[[Any], Any], *, write: bool, what: str) -> Any:
        if self._server is None and not self._detecting:
            self.server  # noqa: B018 -- detect first: fail fast when unreachable, adapt when reachable

        def call(session: Any) -> Any:
            return session.execute_write(work) if write else session.execute_read(work)

        return self._call(call, what=what, write=write)

    def _call(self, fn: Callable[[Any], Any], *, what: str = "connection", write: bool = False) -> Any:
        import neo4j.exceptions as ne

        self._used = True
        kwargs: dict[str, Any] = {"database": self.database} if self.database else {}

        def in_session() -> Any:
            with self.driver.session(**kwargs) as session:
                return fn(session)

        try:
            return self._within_timeout(in_session, what)
        except ne.AuthError as exc:
            raise StoreError(
                f"{self.uri}: authentication failed ({self._scrub(exc.message or str(exc))}) "
                "(fix: check --neo4j-user and --neo4j-password / GRAPHKIT_NEO4J_PASSWORD)"
            ) from None
        except (ne.ServiceUnavailable, ne.SessionExpired, OSError) as exc:
            raise StoreError(
                f"{self.uri}: cannot reach the server ({self._scrub(' '.join(str(exc).split()))}) "
                "(fix: start it, or check --neo4j-uri / GRAPHKIT_NEO4J_URI)"
            ) from None
        except ne.Neo4jError as exc:
            message = exc.message or ""
            if not message or message == "An unknown error occurred":
                message = "the server gave no reason (FalkorDB reports every error this way)"
            note = ""
            if write and self._server is not None and not self._server.rollback:
                note = (
                    "; this server does not roll back failed writes, so part of the batch may be "
                    "stored: load again (loading is idempotent) or use --wipe"
                )
            err = QueryError if what in ("query", "read") or not write else StoreError
            raise err(f"{self.uri}: {what} failed: {self._scrub(message)} [{exc.code}]{note}") from None
        except ne.DriverError as exc:
            raise StoreError(f"{self.uri}: {what} failed: {self._scrub(str(exc))}") from None

    def _within_timeout(self, work: Callable[[], Any], what: str) -> Any:
        """``work()``, or a :class:`StoreError` when the server has not finished it within
        :attr:`timeout` seconds. The work runs in a daemon thread (the driver's reads have
        no deadline of their own once logged in): a stalled one is left behind, and the
        store no longer closes the driver (which would wait for it)."""
        import threading

        if self._stalled:
            raise StoreError(f"{self.uri}: the server stopped answering earlier; connect again")
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["value"] = work()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                box["error"] = exc

        worker = threading.Thread(target=run, name="graphkit-bolt", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            self._stalled = True
            raise StoreError(
                f"{self.uri}: the server did not finish the {what} within {self.timeout:g} s "
                "(it accepted it, then stalled or sent almost nothing) (fix: check the server; "
                "for work that takes longer, set GRAPHKIT_NEO4J_TIMEOUT=SECONDS)"
            )
        if "error" in box:
            raise box["error"]
        return box.get("value")

    def _scrub(self, text: str) -> str:
        """A server's or driver's text with the password masked in every form it may take
        (plain, URL-, JSON-, HTML- or backslash-escaped: :func:`graphkit.stores.bolt.mask_secret`)."""
        return mask_secret(text, self._password)


# -- module-level entry points ----------------------------------------------------------------


def read_graph(
    uri: Any, *, user: str | None = None, password: str | None = None, database: str | None = None
) -> nx.MultiDiGraph:
    """Read graphkit's graph from a Neo4j server (the CLI's ``--neo4j-uri``)."""
    with Neo4jStore(uri, user=user, password=password, database=database) as store:
        return store.read_graph()


def write_graph(
    G: nx.MultiDiGraph,
    uri: Any,
    *,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    batch_size: int = 5000,
    wipe: bool = False,
    progress: Progress | None = None,
) -> WriteSummary:
    """Write ``G`` into a Neo4j server; see :meth:`Neo4jStore.write_graph`."""
    with Neo4jStore(uri, user=user, password=password, database=database) as store:
        return store.write_graph(G, batch_size=batch_size, wipe=wipe, progress=progress)


def run_cypher(
    uri: Any,
    query: str,
    params: dict[str, Any] | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    write: bool = False,
) -> pd.DataFrame:
    """Run one parameterised Cypher query on a Neo4j server; the rows as a DataFrame."""
    with Neo4jStore(uri, user=user, password=password, database=database) as store:
        return store.run(query, params, write=write)


def _short(props: Any) -> str:
    text = repr(props)
    return text if len(text) < 80 else text[:77] + "..."
