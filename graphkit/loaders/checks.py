"""The loaders' own checks, applied to a graph built in memory.

Every loader refuses, besides what :func:`graphkit.graph.validate` checks, ids that differ
only in case or Unicode normalisation, ids with invisible characters, look-alike and
mixed-script ids (:mod:`graphkit.loaders.ids`) and exact duplicate relationships
(:mod:`graphkit.loaders.duplicates`). A graph assembled in code (``graphkit merge``
joins datasets that each pass) can break those rules although each input kept them;
:func:`graph_problems` lists where, so that nothing is written that ``graphkit validate``
would reject.
"""

from __future__ import annotations

import networkx as nx

from graphkit.graph import id_key, validate
from graphkit.loaders.duplicates import DuplicateFinder
from graphkit.loaders.ids import IdChecks

__all__ = ["graph_problems"]


def graph_problems(G: nx.MultiDiGraph, *, limit: int = 100) -> list[str]:
    """What a loader would refuse in ``G`` (at most ``limit`` problems; empty when none).

    Examples
    --------
    >>> G = gk.new_graph()
    >>> gk.add_node(G, "USA", "Actor", name="United States", kind="state")
    >>> gk.add_node(G, "usa", "Actor", name="United States", kind="state")
    >>> graph_problems(G)
    ["node 'usa': id 'usa' differs from id 'USA' only in case or Unicode normalisation"]
    """
    out = list(validate(G))
    first: dict[str, str] = {}
    ids = IdChecks()
    for n in G.nodes:
        if not isinstance(n, str):
            continue
        other = first.setdefault(id_key(n), n)
        if other != n:
            a, b = (repr(n), repr(other)) if n.casefold() == other.casefold() else (ascii(n), ascii(other))
            out.append(f"node {n!r}: id {a} differs from id {b} only in case or Unicode normalisation")
            continue
        out += [f"node {n!r}: {m}" for m in ids.check(n, f"node {other!r}")]
    dupes = DuplicateFinder()
    for u, v, k, d in G.edges(keys=True, data=True):
        props = {x: y for x, y in d.items() if x != "type"}
        token = dupes.token(u, d.get("type"), v, props)
        if dupes.earlier(G, token, u, d.get("type"), v, props) is not None:
            out.append(
                f"relationship {u!r} -{d.get('type')}-> {v!r}: exact duplicate of another one "
                "(the same values: it would be counted twice by every weighted measure)"
            )
        else:
            dupes.remember(token, k, u, v, k)
        if len(out) >= limit:
            break
    return out[:limit]
