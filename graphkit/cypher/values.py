"""Cypher values as Neo4j has them: types, three-valued equality, comparison and the global sort order.

Values are plain Python ones (``None`` for null, ``bool``, ``int`` kept apart from
``float``, ``str``, ``list``, ``dict`` with case-sensitive keys) and the temporal
classes of :mod:`graphkit.cypher.temporal`. Semantics follow the Cypher Manual
("Equality, ordering and comparison of values", "Working with null") and the openCypher
TCK (``expressions/comparison``, ``expressions/null``, ``clauses/return-orderby``).
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cmp_to_key
from typing import Any

from graphkit.cypher import temporal as T
from graphkit.errors import QueryError

__all__ = [
    "CypherTypeError",
    "type_name",
    "type_error",
    "short_text",
    "equals",
    "compare",
    "order_key",
    "sort_cmp",
    "is_number",
    "check_int",
    "INT_MIN",
    "INT_MAX",
    "to_output",
    "group_key",
    "Node",
    "Relationship",
    "Path",
    "from_python",
    "from_graph",
]

INT_MAX = 2**63 - 1
INT_MIN = -(2**63)


class Node:
    """A node read from the graph: its label, its properties (plain Python values) and its identity.

    Two nodes are the same node when their identities are equal (the label and the ``id``
    property, the dataset's key).
    """

    __slots__ = ("label", "props", "ident")

    def __init__(self, label: str, props: dict[str, Any]) -> None:
        self.label = label
        self.props = props
        self.ident = (label, props.get("id"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other.ident == self.ident

    def __hash__(self) -> int:
        return hash(self.ident)

    def __repr__(self) -> str:
        return f"(:{self.label} {{id: {self.props.get('id')!r}}})"

    def output(self) -> dict[str, Any]:
        """The node as a result cell: ``{"label": ..., property: value ...}``."""
        return {"label": self.label, **self.props}


class Relationship:
    """A relationship read from the graph: its type, its properties and its identity (the engine's id)."""

    __slots__ = ("type", "props", "ident")

    def __init__(self, type_: str, props: dict[str, Any], ident: Any) -> None:
        self.type = type_
        self.props = props
        self.ident = ident

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Relationship) and other.ident == self.ident

    def __hash__(self) -> int:
        return hash(self.ident)

    def __repr__(self) -> str:
        return f"[:{self.type}]"

    def output(self) -> dict[str, Any]:
        """The relationship as a result cell: ``{"type": ..., property: value ...}``."""
        return {"type": self.type, **self.props}


class Path:
    """A path read from the graph: its nodes and relationships, in order."""

    __slots__ = ("nodes", "rels")

    def __init__(self, nodes: list[Node], rels: list[Relationship]) -> None:
        self.nodes = nodes
        self.rels = rels

    def key(self) -> tuple:
        return (tuple(n.ident for n in self.nodes), tuple(r.ident for r in self.rels))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Path) and other.key() == self.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def output(self) -> dict[str, Any]:
        """The path as a result cell: ``{"nodes": [...], "relationships": [...]}``."""
        return {"nodes": [n.output() for n in self.nodes], "relationships": [r.output() for r in self.rels]}


def from_python(v: Any) -> Any:
    """A Python value (a parameter, a property read from the engine) as a Cypher value:
    dates become temporal values, tuples lists, map keys text."""
    if isinstance(v, dt.datetime):
        ns = ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000_000 + v.microsecond * 1000
        off = v.utcoffset()
        if off is None:
            return T.LocalDateTime(v.date(), ns)
        return T.DateTime(v.date(), ns, int(off.total_seconds()))
    if isinstance(v, dt.date):
        return T.Date(v)
    if isinstance(v, tuple | list):
        return [from_python(x) for x in v]
    if isinstance(v, dict):
        return {str(k): from_python(x) for k, x in v.items()}
    return v


def from_graph(v: Any) -> Any:
    """A property value read from the graph as a Cypher value (:func:`from_python`); a date or
    datetime keeps the value stored, which a result shows as it is (``datetime.date``), as the
    engine did, while temporal values a query computes are shown as their Cypher text."""
    if v is None or type(v) in _SCALARS:
        return v
    out = from_python(v)
    if isinstance(out, T.Temporal) and isinstance(v, dt.date):
        out.stored = v  # type: ignore[attr-defined]
    elif isinstance(out, list) and any(isinstance(x, T.Temporal) for x in out):
        out = [from_graph(x) for x in v]
    return out


class CypherTypeError(QueryError):
    """A value of the wrong type for an operation (Neo4j's TypeError at run time)."""


def short_text(v: Any) -> str:
    """A value's repr, cut to 60 characters, for error messages."""
    s = repr(v)
    return s if len(s) < 60 else s[:57] + "..."


def type_error(what: str, v: Any, code: str = "InvalidArgumentType") -> CypherTypeError:
    """The error for ``what`` meeting a value of a type it does not take."""
    return CypherTypeError(f"type error: {what} does not accept {type_name(v)} ({short_text(v)}) ({code})")


def type_name(v: Any) -> str:
    """The Cypher type of a value (``INTEGER``, ``LIST<ANY>`` ...)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "BOOLEAN"
    if isinstance(v, int):
        return "INTEGER"
    if isinstance(v, float):
        return "FLOAT"
    if isinstance(v, str):
        return "STRING"
    if isinstance(v, list):
        return "LIST"
    if isinstance(v, dict):
        return "MAP"
    if isinstance(v, T.Temporal):
        return v.TYPE
    if isinstance(v, Node):
        return "NODE"
    if isinstance(v, Relationship):
        return "RELATIONSHIP"
    if isinstance(v, Path):
        return "PATH"
    return type(v).__name__.upper()


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def check_int(v: int) -> int:
    """``v`` when it fits in 64 bits, else the error Neo4j raises (integer overflow)."""
    if v > INT_MAX or v < INT_MIN:
        raise QueryError(f"integer overflow: {v} does not fit in a 64-bit INTEGER (ArithmeticError)")
    return v


_SCALARS = (str, int, float, bool)


def equals(a: Any, b: Any) -> bool | None:
    """``a = b`` in Cypher: True, False or None (null) — null anywhere inside that decides it gives null."""
    ta = type(a)
    if ta is type(b) and ta in _SCALARS:  # the frequent case (NaN = NaN is False in Python too)
        return a == b
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        unknown = False
        for x, y in zip(a, b, strict=True):
            r = equals(x, y)
            if r is False:
                return False
            if r is None:
                unknown = True
        return None if unknown else True
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        unknown = False
        for k in a:
            r = equals(a[k], b[k])
            if r is False:
                return False
            if r is None:
                unknown = True
        return None if unknown else True
    if isinstance(a, bool) and isinstance(b, bool):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, T.Temporal) and isinstance(b, T.Temporal):
        if type(a) is not type(b):
            return False
        return a.equal(b)
    if isinstance(a, Node | Relationship | Path):
        return a == b
    return False


def compare(a: Any, b: Any) -> int | None:
    """-1, 0 or 1 when ``a`` and ``b`` are comparable with ``<`` (same kind), else None (null)."""
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if isinstance(a, float) and math.isnan(a) or isinstance(b, float) and math.isnan(b):
            return None
        return (a > b) - (a < b)
    if isinstance(a, bool) and isinstance(b, bool):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    if isinstance(a, list) and isinstance(b, list):
        for x, y in zip(a, b, strict=False):
            c = compare(x, y)
            if c is None:
                return None
            if c:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if isinstance(a, T.Temporal) and isinstance(b, T.Temporal) and type(a) is type(b):
        return a.compare(b)
    return None


_RANK = {
    "MAP": 0,
    "NODE": 1,
    "RELATIONSHIP": 2,
    "LIST": 3,
    "PATH": 4,
    "DATETIME": 5,
    "LOCALDATETIME": 6,
    "DATE": 7,
    "TIME": 8,
    "LOCALTIME": 9,
    "DURATION": 10,
    "STRING": 11,
    "BOOLEAN": 12,
    "INTEGER": 13,
    "FLOAT": 13,
    "NULL": 15,
}


def sort_cmp(a: Any, b: Any) -> int:
    """The total order ORDER BY, ``min`` and ``max`` use (nulls last, NaN after every number)."""
    t = type(a)
    if t is type(b) and (t is str or t is int or (t is float and a == a and b == b)):
        return (a > b) - (a < b)  # the frequent case: two values of one plain type (no NaN)
    ta, tb = type_name(a), type_name(b)
    ra, rb = _RANK.get(ta, 14), _RANK.get(tb, 14)
    if ra != rb:
        if ra == 13 and rb == 13:
            pass
        else:
            return -1 if ra < rb else 1
    if ra == 15:
        return 0
    if ra == 13:
        na = isinstance(a, float) and math.isnan(a)
        nb = isinstance(b, float) and math.isnan(b)
        if na or nb:
            return 0 if na and nb else (1 if na else -1)
        return (a > b) - (a < b)
    if ra == 0:
        ka, kb = sorted(a), sorted(b)
        for x, y in zip(ka, kb, strict=False):
            if x != y:
                return -1 if x < y else 1
            c = sort_cmp(a[x], b[y])
            if c:
                return c
        return (len(ka) > len(kb)) - (len(ka) < len(kb))
    if ra == 3:
        for x, y in zip(a, b, strict=False):
            c = sort_cmp(x, y)
            if c:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if isinstance(a, T.Temporal):
        return a.sort_compare(b)
    if isinstance(a, Node | Relationship):
        ia, ib = repr(a.ident), repr(b.ident)
        return (ia > ib) - (ia < ib)
    if isinstance(a, Path):
        pa, pb = repr(a.key()), repr(b.key())
        return (pa > pb) - (pa < pb)
    return (a > b) - (a < b)


order_key = cmp_to_key(sort_cmp)


def group_key(v: Any) -> Any:
    """A hashable key under which equal values (DISTINCT, grouping) meet; ``1`` and ``1.0`` meet."""
    t = type(v)
    if t is Node:  # the frequent kinds first (grouping matched rows)
        return ("node", v.ident)
    if t is str:
        return ("s", v)
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, int):
        return ("n", v)
    if isinstance(v, float):
        if math.isnan(v):
            return ("nan",)
        if v.is_integer():
            return ("n", int(v))
        return ("n", v)
    if isinstance(v, list):
        return ("l", tuple(group_key(x) for x in v))
    if isinstance(v, dict):
        return ("m", tuple(sorted((k, group_key(x)) for k, x in v.items())))
    if isinstance(v, T.Temporal):
        return ("t", type(v).__name__, v.key())
    if isinstance(v, Node):
        return ("node", v.ident)
    if isinstance(v, Relationship):
        return ("rel", repr(v.ident))
    if isinstance(v, Path):
        return ("path", repr(v.key()))
    return ("s", v) if isinstance(v, str) else ("o", repr(v))


def to_output(v: Any) -> Any:
    """A value as a result cell: temporal values as their text (``'2015-07-21'``), the rest as is."""
    if isinstance(v, list):
        return [to_output(x) for x in v]
    if isinstance(v, dict):
        return {k: to_output(x) for k, x in v.items()}
    if isinstance(v, T.Temporal):
        stored = getattr(v, "stored", None)
        return stored if stored is not None else T.TemporalText(v)
    if isinstance(v, Node | Relationship | Path):
        return v.output()
    return v
