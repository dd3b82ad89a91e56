"""Things given twice: exact duplicate relationships, and keys repeated in one JSON object.

An exact duplicate relationship (same source, type, target and the same value for every
property) is counted twice by every weighted measure (co-membership weights, cooperation
strength, capability pooling). Loaders report it with the file and both lines; with
``duplicates="merge"`` (``--merge-duplicates``) they keep the first and count the rest.
Parallel relationships that differ in any property (two agreements of different weight)
are not duplicates and stay.

A JSON object with a key given twice (``"kind": "state", "kind": "alliance"``) silently
keeps the last value in most parsers; :func:`repeated_key` finds the first such key and
its line so that the loaders can refuse it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from graphkit.errors import GraphkitError

__all__ = [
    "DUPLICATE_MODES",
    "DuplicateFinder",
    "check_mode",
    "repeated_key",
    "RepeatedKey",
    "no_repeated_keys",
    "MERGE_FIX",
]

DUPLICATE_MODES = ("error", "merge")
MERGE_FIX = (
    "delete the repeated row, or load with --merge-duplicates (load(..., duplicates='merge')) to keep one"
)


def check_mode(duplicates: str) -> None:
    if duplicates not in DUPLICATE_MODES:
        raise GraphkitError(f"duplicates={duplicates!r}: expected one of {', '.join(DUPLICATE_MODES)}")


class DuplicateFinder:
    """Exact duplicate relationships among those added to a graph, in O(1) per relationship.

    Each added relationship is remembered by a hash of ``(source, type, target,
    properties)`` with where it came from and its edge key (packed into one integer where
    they are integers: a million relationships take about 100 MB here); a later relationship
    with the same hash is compared with the edge of that key between its own endpoints,
    value by value and type by type (``1`` is not ``1.0``, which is not ``True``), so what is
    reported is always a real duplicate. (Only its earlier line could be wrong, if two
    different relationships had the same 64-bit hash and the second also repeated an edge.)
    """

    def __init__(self) -> None:
        self._seen: dict[int, Any] = {}
        self.merged = 0

    def token(self, source: str, rtype: str, target: str, props: Mapping[str, Any]) -> int:
        items = tuple(sorted(props.items())) if len(props) > 1 else tuple(props.items())
        try:
            return hash((source, rtype, target, items))
        except TypeError:  # a list value
            return hash((source, rtype, target, tuple((k, _hashable(v)) for k, v in items)))

    def earlier(
        self, G: nx.MultiDiGraph, token: int, source: str, rtype: str, target: str, props: Mapping[str, Any]
    ) -> Any | None:
        """Where the earlier exact duplicate came from (as given to :meth:`remember`), or None."""
        seen = self._seen.get(token)
        if seen is None:
            return None
        where, key = (seen >> _KEY_BITS, seen & _KEY_MASK) if type(seen) is int else seen
        if not G.has_edge(source, target, key):
            return None
        data = G.edges[source, target, key]
        if data.get("type") != rtype or len(data) != len(props) + 1:
            return None
        if all(k in data and _same(data[k], x) for k, x in props.items()):
            return where
        return None

    def remember(self, token: int, where: Any, source: str, target: str, key: Hashable) -> None:
        if token in self._seen:
            return
        if type(where) is int and type(key) is int and where >= 0 and 0 <= key <= _KEY_MASK:
            self._seen[token] = (where << _KEY_BITS) | key
        else:
            self._seen[token] = (where, key)


_KEY_BITS = 20
_KEY_MASK = (1 << _KEY_BITS) - 1


def _hashable(v: Any) -> Hashable:
    if isinstance(v, list | tuple):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return frozenset((k, _hashable(x)) for k, x in v.items())
    return v


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


class RepeatedKey(ValueError):
    """Raised by :func:`no_repeated_keys` (the object-pairs hook) on a key given twice."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A ``json.loads`` ``object_pairs_hook`` that refuses a key given twice in one object."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise RepeatedKey(k)
        out[k] = v
    return out


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"\s*:|"(?:[^"\\]|\\.)*"|[\[\]{}]')


def repeated_key(text: str) -> tuple[str, int] | None:
    """``(key, line)`` of the first key given twice in one JSON object of ``text``, or None.

    Only called once :func:`no_repeated_keys` has found one, to say where it is.

    >>> repeated_key('{"a": 1,\\n "b": {"c": 1, "c": 2}}')
    ('c', 2)
    """
    stack: list[set[str] | None] = []
    for m in _TOKENS.finditer(text):
        tok = m.group()
        if tok in ("{", "["):
            stack.append(set() if tok == "{" else None)
        elif tok in ("}", "]"):
            if stack:
                stack.pop()
        elif tok.endswith(":") and stack and stack[-1] is not None:
            key = json.loads(tok[:-1].rstrip())
            if key in stack[-1]:
                return key, text.count("\n", 0, m.start()) + 1
            stack[-1].add(key)
    return None
