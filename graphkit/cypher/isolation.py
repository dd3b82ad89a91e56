"""Which queries the embedded engine runs in a child process: the isolation mode and the risky constructs.

The embedded engine is a native library: a crash in it (a signal) would end the Python
process. :func:`graphkit.cypher.run_query` therefore runs a query in a child process
(forked from a persistent fork server, so that a crash there is a ``QueryError`` and the
next query still runs) when :func:`should_isolate` says so:

- ``GRAPHKIT_QUERY_ISOLATE`` unset, empty or ``risky`` (the default): only queries whose
  syntax tree holds a construct of :data:`RISKY` (the patterns the engine has crashed on:
  path variables, shortest paths, variable-length relationships, several comma-separated
  patterns in one ``MATCH``, pattern comprehensions); every other query runs in-process;
- ``1``, ``all``: every query that reaches the engine;
- ``0``, ``off``: none (a crash in the engine then ends the process).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from graphkit.errors import QueryError

__all__ = ["ISOLATE_ENV", "MODES", "RISKY", "isolation_mode", "risky_constructs", "should_isolate"]

#: The environment variable that chooses the isolation mode.
ISOLATE_ENV = "GRAPHKIT_QUERY_ISOLATE"

#: The isolation modes and the words that select them.
MODES = {
    "risky": ("", "risky", "auto", "default"),
    "all": ("1", "all", "true", "yes", "on"),
    "off": ("0", "off", "false", "no", "none"),
}

#: The constructs that make a query risky, in Cypher words.
RISKY = (
    "a path variable (p = ...)",
    "shortestPath / allShortestPaths",
    "a variable-length relationship ([*..])",
    "several comma-separated patterns in one MATCH",
    "a pattern comprehension ([(a)-->(b) | ...])",
)


def isolation_mode(environ: Mapping[str, str] | None = None) -> str:
    """The isolation mode (``'risky'``, ``'all'`` or ``'off'``) that ``GRAPHKIT_QUERY_ISOLATE`` selects.

    Examples
    --------
    >>> isolation_mode({}), isolation_mode({"GRAPHKIT_QUERY_ISOLATE": "1"}), isolation_mode({"GRAPHKIT_QUERY_ISOLATE": "off"})
    ('risky', 'all', 'off')

    Raises
    ------
    QueryError
        For a value that names no mode.
    """
    env = os.environ if environ is None else environ
    word = env.get(ISOLATE_ENV, "").strip().lower()
    for mode, words in MODES.items():
        if word in words:
            return mode
    raise QueryError(
        f"{ISOLATE_ENV}={env.get(ISOLATE_ENV)!r} names no isolation mode: use risky (the default: "
        "risky queries in a child process), all (every query) or off (none)"
    )


def risky_constructs(tree: Any) -> list[str]:
    """The constructs of :data:`RISKY` that a parsed query (:func:`graphkit.cypher.parser.parse`) holds.

    Examples
    --------
    >>> from graphkit.cypher.parser import parse
    >>> risky_constructs(parse("MATCH (a)-[:MEMBER_OF]->(b) RETURN b.id"))
    []
    >>> risky_constructs(parse("MATCH p = (a)-[*1..2]-(b), (c) RETURN p"))
    ['a path variable (p = ...)', 'a variable-length relationship ([*..])', 'several comma-separated patterns in one MATCH']
    """
    found: set[int] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, tuple) or not node:
            continue
        head = node[0]
        if not isinstance(head, str):  # a tuple of items (a return item: expression, alias, text)
            stack.extend(node)
            continue
        if head == "path" and len(node) >= 4:
            if node[1] is not None:
                found.add(0)
            if node[3] is not None:
                found.add(1)
        elif head == "rel" and len(node) >= 5 and node[4] is not None:
            found.add(2)
        elif head == "match" and len(node) >= 3 and isinstance(node[2], list) and len(node[2]) > 1:
            found.add(3)
        elif head == "patcomp":
            found.add(4)
        stack.extend(x for x in node[1:] if isinstance(x, tuple | list))
    return [RISKY[k] for k in sorted(found)]


def should_isolate(text: str, mode: str | None = None) -> bool:
    """Whether the query ``text`` runs in a child process under ``mode`` (default: :func:`isolation_mode`).

    A query the parser cannot read is isolated in ``risky`` mode: what it holds is unknown.

    Examples
    --------
    >>> should_isolate("MATCH (a:Actor) RETURN count(*) AS n", "risky")
    False
    >>> should_isolate("MATCH p = (a)--(b) RETURN p", "risky"), should_isolate("RETURN 1", "all")
    (True, True)
    """
    mode = mode or isolation_mode()
    if mode != "risky":
        return mode == "all"
    from graphkit.cypher.parser import parse

    try:
        return bool(risky_constructs(parse(text)))
    except Exception:  # noqa: BLE001 - an unreadable query is isolated, never a traceback here
        return True
