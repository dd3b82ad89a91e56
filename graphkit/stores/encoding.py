"""Values across Bolt: what may be written, and the encodings servers other than Neo4j need.

FalkorDB (and unknown Bolt servers) get floats as ``[m, e]`` pairs, dates as ISO text with a
``gk_dates`` marker and escaped string parameters; see :mod:`graphkit.stores.neo4j`.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.errors import StoreError

if TYPE_CHECKING:
    import networkx as nx

    from graphkit.stores.bolt import ServerInfo

__all__ = ["REL_KEY", "DATES_KEY", "STORE_KEYS", "write_problems"]

# The underscored helpers below are the store's own (graphkit.stores.neo4j and neo4j_write use them).

REL_KEY = "gk_key"

DATES_KEY = "gk_dates"

STORE_KEYS = frozenset({REL_KEY, DATES_KEY})

_INT64 = (-(2**63), 2**63 - 1)


def write_problems(G: nx.MultiDiGraph) -> list[str]:
    """Why ``G`` cannot be written safely (labels, types, property keys and values); empty if it can."""
    problems: list[str] = []
    good_keys: set[str] = set()
    labels = {}
    for n, data in G.nodes(data=True):
        label = labels[n] = data.get("label")
        if label not in schema.LABELS:
            problems.append(f"node {n!r}: label {label!r} is not one of {', '.join(schema.LABELS)}")
        if not isinstance(n, str) or not n:
            problems.append(f"node {n!r}: id must be non-empty text")
        for key, value in data.items():
            if key != "label":
                problems += _key_value_problems(f"node {n!r}", key, value, good_keys, reserved="id")
    for u, v, data in G.edges(data=True):
        type_ = data.get("type")
        rel = schema.RELATIONSHIP_TYPES.get(type_)
        if rel is None:
            problems.append(
                f"relationship {u!r} -{type_}-> {v!r}: type {type_!r} is not a graphkit relationship type"
            )
        elif labels[u] not in rel.sources or labels[v] not in rel.targets:
            problems.append(f"relationship {u!r} -{type_}-> {v!r}: endpoints' labels do not fit {type_}")
        for key, value in data.items():
            if key != "type":
                problems += _key_value_problems(
                    f"relationship {u!r} -{type_}-> {v!r}", key, value, good_keys, reserved="type"
                )
        if len(problems) > 100:
            break
    return problems


def _key_value_problems(where: str, key: Any, value: Any, good_keys: set[str], *, reserved: str) -> list[str]:
    if key not in good_keys:
        if not schema.is_identifier(key):
            return [f"{where}: property name {key!r} is not a plain identifier"]
        if key in STORE_KEYS or key == reserved:
            return [f"{where}: property name {key!r} is reserved by the Neo4j store"]
        good_keys.add(key)
    t = type(value)
    if t is str or t is bool:
        return []
    if t is int:
        return (
            []
            if _INT64[0] <= value <= _INT64[1]
            else [f"{where}: property {key!r} does not fit in a 64-bit integer"]
        )
    kind = schema.value_type(value)
    if kind is None:
        return [f"{where}: property {key!r} has a value of type {type(value).__name__}"]
    items = value if isinstance(value, list | tuple) else [value]
    if kind.startswith("int") and any(not _INT64[0] <= x <= _INT64[1] for x in items):
        return [f"{where}: property {key!r} does not fit in a 64-bit integer"]
    if kind.startswith("float") and any(not math.isfinite(x) for x in items):
        return [f"{where}: property {key!r} is not a finite number"]
    return []


def _encode_float(x: float) -> list[int]:
    """``[m, e]`` with ``x == m * 2.0 ** e`` exactly (``m`` odd, so ``1.0`` is ``[1, 0]``).

    For every finite double ``e`` lies in [-1074, 1023], where ``2.0 ** e`` is exact too.
    """
    f, e = math.frexp(x)
    m = int(f * 2**53)
    if m == 0:
        return [0, 0]
    zeros = (m & -m).bit_length() - 1
    return [m >> zeros, e - 53 + zeros]


def split_props(props: dict[str, Any], server: ServerInfo) -> tuple[dict, dict, dict]:
    """Plain properties, float properties and float-list properties (the last two encoded)."""
    plain: dict[str, Any] = {}
    floats: dict[str, Any] = {}
    float_lists: dict[str, Any] = {}
    dates: list[str] = []
    encode_floats = not server.exact_float_params
    for key, value in props.items():
        t = type(value)
        if t is tuple:
            value, t = list(value), list
        first = type(value[0]) if t is list and value else None
        if t is _dt.date or first is _dt.date:
            if server.native_dates:
                plain[key] = value
            else:
                plain[key] = value.isoformat() if t is _dt.date else [d.isoformat() for d in value]
                dates.append(key)
        elif encode_floats and t is float:
            floats[key] = _encode_float(value)
        elif encode_floats and first is float:
            float_lists[key] = [_encode_float(x) for x in value]
        else:
            plain[key] = value
    if dates:
        plain[DATES_KEY] = sorted(dates)
    return plain, floats, float_lists


def escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("'", "\\'")


def escape_all(value: Any) -> Any:
    t = type(value)
    if t is str:
        return escape(value) if ("'" in value or "\\" in value) else value
    if t is list or t is tuple:
        return [escape_all(v) for v in value]
    if t is dict:
        return {k: escape_all(v) for k, v in value.items()}
    if isinstance(value, str):
        return escape(value)
    return value


def decode(props: dict[str, Any], *, where: str) -> dict[str, Any]:
    props = dict(props or {})
    dates = props.pop(DATES_KEY, None) or []
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key in dates:
            try:
                out[key] = (
                    [_dt.date.fromisoformat(v) for v in value]
                    if isinstance(value, list)
                    else _dt.date.fromisoformat(value)
                )
            except (TypeError, ValueError):
                raise StoreError(f"{where}: property {key!r} is marked a date but holds {value!r}") from None
        else:
            out[key] = plain_value(value)
    return out


def plain_value(value: Any) -> Any:
    """A Bolt value as plain Python: dates as datetime.date, graph values as dicts and lists."""
    import neo4j.graph as ng
    import neo4j.time as nt

    if isinstance(value, nt.Date):
        return value.to_native()
    if isinstance(value, nt.DateTime | nt.Time | nt.Duration):
        return value.iso_format()
    if isinstance(value, ng.Node):
        return decode(dict(value.items()), where="a returned node")
    if isinstance(value, ng.Relationship):
        props = decode(dict(value.items()), where="a returned relationship")
        props.pop(REL_KEY, None)
        return {"type": value.type, **props}
    if isinstance(value, ng.Path):
        return [n.get("id") for n in value.nodes]
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_value(v) for k, v in value.items()}
    return value
