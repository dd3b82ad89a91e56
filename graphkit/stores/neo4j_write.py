"""The write path to a Bolt server: rows grouped by shape, and the ``UNWIND ... MERGE`` queries."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.errors import SchemaError
from graphkit.stores.encoding import REL_KEY, STORE_KEYS, split_props

if TYPE_CHECKING:
    import networkx as nx

    from graphkit.stores.bolt import ServerInfo

__all__ = ["WriteSummary"]


@dataclass(frozen=True)
class WriteSummary:
    """What :meth:`Neo4jStore.write_graph` wrote."""

    nodes: int
    relationships: int
    seconds: float
    server: str

    @property
    def relationships_per_second(self) -> float:
        return self.relationships / self.seconds if self.seconds > 0 else float("inf")


def _row(head: list[Any], props: dict[str, Any], server: ServerInfo) -> tuple[tuple, list[Any]]:
    """A compact list row ``head + [props, float slots...]`` and its shape (the float keys).

    Rows are lists, not maps: a server that turns parameters into query text (FalkorDB)
    parses a list row several times faster than a map row.
    """
    plain, floats, float_lists = split_props(props, server)
    shape = (tuple(sorted(floats)), tuple(sorted(float_lists)))
    row = [*head, plain]
    row += [floats[k] for k in shape[0]]
    row += [float_lists[k] for k in shape[1]]
    return shape, row


def node_rows(G: nx.MultiDiGraph, label: str, server: ServerInfo) -> dict[tuple, list[list]]:
    groups: dict[tuple, list[list]] = defaultdict(list)
    for n, data in G.nodes(data=True):
        if data.get("label") != label:
            continue
        shape, row = _row([n], {k: v for k, v in data.items() if k != "label"}, server)
        groups[shape].append(row)
    return groups


def relationship_rows(G: nx.MultiDiGraph, server: ServerInfo) -> dict[tuple, list[list]]:
    groups: dict[tuple, list[list]] = defaultdict(list)
    ordinal: Counter = Counter()
    labels = {n: d.get("label") for n, d in G.nodes(data=True)}
    for u, v, data in G.edges(data=True):
        type_ = data["type"]
        k = ordinal[(u, type_, v)]
        ordinal[(u, type_, v)] += 1
        shape, row = _row([u, v, k], {key: val for key, val in data.items() if key != "type"}, server)
        groups[(type_, labels[u], labels[v], shape)].append(row)
    return groups


def _float_sets(var: str, first: int, shape: tuple) -> str:
    """``SET`` items decoding the float slots that start at row position ``first``."""
    floats, float_lists = shape
    sets = [f"{var}.{k} = r[{first + i}][0] * 2.0 ^ r[{first + i}][1]" for i, k in enumerate(floats)]
    first += len(floats)
    sets += [f"{var}.{k} = [p IN r[{first + i}] | p[0] * 2.0 ^ p[1]]" for i, k in enumerate(float_lists)]
    return "".join(", " + s for s in sets)


def node_query(label: str, shape: tuple) -> str:
    _check_vocabulary(labels=[label], shape=shape)
    return f"UNWIND $rows AS r MERGE (n:{label} {{id: r[0]}}) SET n = r[1], n.id = r[0]" + _float_sets(
        "n", 2, shape
    )


def relationship_query(type_: str, src: str, tgt: str, shape: tuple) -> str:
    _check_vocabulary(labels=[src, tgt], types=[type_], shape=shape)
    return (
        f"UNWIND $rows AS r MATCH (a:{src} {{id: r[0]}}) MATCH (b:{tgt} {{id: r[1]}}) "
        f"MERGE (a)-[x:{type_} {{{REL_KEY}: r[2]}}]->(b) SET x = r[3], x.{REL_KEY} = r[2]"
        + _float_sets("x", 4, shape)
    )


def _check_vocabulary(*, labels: list[str], shape: tuple, types: list[str] | tuple = ()) -> None:
    """The last line of defence: only schema names and identifiers reach query text."""
    for label in labels:
        if label not in schema.LABELS:
            raise SchemaError(f"label {label!r} is not a graphkit label")
    for type_ in types:
        if type_ not in schema.RELATIONSHIP_TYPES:
            raise SchemaError(f"relationship type {type_!r} is not a graphkit relationship type")
    for key in (*shape[0], *shape[1]):
        if not schema.is_identifier(key) or key in STORE_KEYS or key == "id":
            raise SchemaError(f"property name {key!r} may not appear in query text")


def batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def rate(done: int, t0: float) -> str:
    elapsed = time.perf_counter() - t0
    return f"{done / elapsed:,.0f} rows/s" if elapsed > 0 else "- rows/s"
