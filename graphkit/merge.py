"""Merge graphs by node id: stable, idempotent, with every property conflict reported.

Rules
-----
- Nodes are the same node when their ids are equal. The first graph that has a node
  decides its label and the value of every property it has; later graphs add only
  properties the node lacks. A later value that differs is a :class:`Conflict`.
  Different labels for one id cannot be merged: :class:`~graphkit.errors.SchemaError`.
- Relationships are the same relationship when source, type and target are equal
  (and, for ``COOPERATES_WITH``, the ``instrument`` too). Properties merge as for
  nodes. Parallel relationships within one graph stay parallel: the n-th one of a key
  in a later graph merges into the n-th one already there.

So ``merge_graphs([A, A])`` equals ``A`` and ``merge_graphs([merge_graphs([A, B]), B])``
equals ``merge_graphs([A, B])``.

The result is checked as ``graphkit validate`` checks a dataset (:func:`graphkit.loaders.checks.graph_problems`):
inputs that each pass can still clash (``USA`` in one, ``usa`` or a Cyrillic look-alike in
another; two parallel relationships that become exact duplicates once properties merge),
and :func:`merge_graphs` then raises a :class:`~graphkit.errors.DatasetError` instead of
returning a graph that ``graphkit merge`` would write and ``graphkit validate`` reject.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graphkit.errors import DatasetError, Problem, SchemaError
from graphkit.graph import add_node, add_relationship, new_graph

__all__ = ["Conflict", "MergeResult", "merge_graphs", "relationship_key"]


@dataclass(frozen=True)
class Conflict:
    """Two inputs disagree on one property; ``kept`` is the value in the result."""

    item: str
    property: str
    kept: Any
    dropped: Any
    kept_from: str
    dropped_from: str

    def __str__(self) -> str:
        return (
            f"{self.item}: {self.property} = {self.kept!r} (from {self.kept_from}) "
            f"kept over {self.dropped!r} (from {self.dropped_from})"
        )


@dataclass
class MergeResult:
    """The merged graph and every conflict found, in input order."""

    graph: nx.MultiDiGraph
    conflicts: list[Conflict] = field(default_factory=list)


def relationship_key(source: str, target: str, attrs: dict[str, Any]) -> tuple[Hashable, ...]:
    """What makes two relationships the same relationship."""
    key: tuple[Hashable, ...] = (source, attrs.get("type"), target)
    if attrs.get("type") == "COOPERATES_WITH":
        key += (attrs.get("instrument"),)
    return key


def merge_graphs(graphs: Sequence[nx.MultiDiGraph], names: Sequence[str] | None = None) -> MergeResult:
    """Merge canonical graphs in order; earlier graphs win conflicts.

    Parameters
    ----------
    graphs
        The graphs, highest priority first.
    names
        How to call each input in conflict messages (default ``input 1``, ``input 2`` ...).

    Raises
    ------
    SchemaError
        When one id has different labels in two inputs.
    DatasetError
        When the merged graph breaks a rule every loader checks (see the module docstring).

    Examples
    --------
    >>> A = gk.new_graph(); gk.add_node(A, "NATO", "Actor", name="NATO", kind="alliance")
    >>> B = gk.new_graph(); gk.add_node(B, "NATO", "Actor", name="N.A.T.O.", kind="alliance", founded=1949)
    >>> result = merge_graphs([A, B], names=["curated", "import"])
    >>> result.graph.nodes["NATO"]["founded"], result.graph.nodes["NATO"]["name"]
    (1949, 'NATO')
    >>> print(result.conflicts[0])
    node 'NATO': name = 'NATO' (from curated) kept over 'N.A.T.O.' (from import)
    """
    names = list(names) if names is not None else [f"input {i + 1}" for i in range(len(graphs))]
    if len(names) != len(graphs):
        raise ValueError("give one name per graph")
    out = new_graph()
    conflicts: list[Conflict] = []
    origin: dict[Hashable, dict[str, str]] = defaultdict(dict)  # item -> property -> input name
    for G, name in zip(graphs, names, strict=True):
        for n, data in G.nodes(data=True):
            props = {k: v for k, v in data.items() if k != "label"}
            if n not in out:
                add_node(out, n, data.get("label"), **props)
                origin[("node", n)].update(dict.fromkeys(data, name))
                continue
            if out.nodes[n].get("label") != data.get("label"):
                raise SchemaError(
                    f"node {n!r} is a {out.nodes[n].get('label')} in {origin[('node', n)].get('label', '?')} "
                    f"but a {data.get('label')} in {name}: give one of them another id"
                )
            conflicts += _merge_props(out.nodes[n], data, f"node {n!r}", origin[("node", n)], name)
        index: dict[tuple[Hashable, ...], list[int]] = defaultdict(list)
        for u, v, k, d in out.edges(keys=True, data=True):
            index[relationship_key(u, v, d)].append(k)
        used: dict[tuple[Hashable, ...], int] = defaultdict(int)
        for u, v, d in G.edges(data=True):
            rk = relationship_key(u, v, d)
            i = used[rk]
            used[rk] += 1
            if i < len(index[rk]):
                k = index[rk][i]
                label = f"relationship {u!r} -{d.get('type')}-> {v!r}"
                conflicts += _merge_props(out.edges[u, v, k], d, label, origin[("edge", u, v, k)], name)
            else:
                props = {x: y for x, y in d.items() if x != "type"}
                k = add_relationship(out, u, d.get("type"), v, **props)
                origin[("edge", u, v, k)].update(dict.fromkeys(d, name))
    from graphkit.loaders.checks import graph_problems

    problems = graph_problems(out)
    if problems:
        where = "merge of " + ", ".join(names)
        fix = "make the inputs agree (one spelling of each id, no repeated relationship), then merge again"
        raise DatasetError(
            [Problem(where, f"the merged dataset would not validate: {p}", fix=fix) for p in problems]
        )
    return MergeResult(out, conflicts)


def _merge_props(
    target: dict[str, Any], new: dict[str, Any], item: str, origin: dict[str, str], name: str
) -> list[Conflict]:
    conflicts = []
    for key, value in new.items():
        if key not in target:
            target[key] = value
            origin[key] = name
        elif not _same(target[key], value):
            conflicts.append(Conflict(item, key, target[key], value, origin.get(key, "?"), name))
    return conflicts


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b
