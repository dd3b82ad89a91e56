"""Queries that need no graph (``RETURN``, ``WITH``, ``UNWIND``, ``UNION``) run in Python.

A query without ``MATCH``, patterns or graph functions is answered here, from its syntax
tree, with Neo4j's semantics (:mod:`graphkit.cypher.evaluate`): no engine, no dataset.
:func:`run_tree` takes a checked tree (:func:`graphkit.cypher.semantic.check`) and returns
the columns and rows. Row counts are bounded (:data:`MAX_ROWS`) so that a query cannot
exhaust memory.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import math
import time
from collections.abc import Iterable, Iterator
from functools import cmp_to_key
from typing import Any, Protocol

from graphkit.cypher.evaluate import (
    Context,
    compiled,
    contains_aggregate,
    evaluate,
    has_patterns,
    is_aggregate,
)
from graphkit.cypher.functions import aggregate
from graphkit.cypher.semantic import column_names
from graphkit.cypher.temporal_make import statement_clock
from graphkit.cypher.values import from_python, group_key, order_key, sort_cmp, to_output
from graphkit.errors import QueryError
from graphkit.stores.limits import QueryLimits, QueryStopped, address_space_cap

__all__ = ["run_tree", "MAX_ROWS", "GraphReader"]

#: The most rows a clause may make (UNWIND of UNWIND ...) before the query is stopped.
MAX_ROWS = 5_000_000


class _Budget:
    def __init__(self, limits: QueryLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.timeout if limits.timeout else None

    def collect(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows as a list, checking the row budget and the clock as it grows."""
        out: list[dict[str, Any]] = []
        for r in rows:
            out.append(r)
            if len(out) & 1023 == 0:
                self.check(len(out))
        self.check(len(out))
        return out

    def tick(self) -> None:
        """Stop the query past its time limit."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryStopped(self.limits, "time")

    def check(self, rows: int) -> None:
        if rows > MAX_ROWS:
            raise QueryStopped(self.limits, "memory")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryStopped(self.limits, "time")


def _aggregates_in(e: Any, out: list[tuple]) -> None:
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            if is_aggregate(x):
                out.append(x)
                continue
            stack.extend(x[1:])
        elif isinstance(x, list):
            stack.extend(x)


def _project(
    clause: tuple, source: Iterable[dict[str, Any]], ctx: Context, budget: _Budget
) -> tuple[list[str], list[dict[str, Any]]]:
    _, distinct, star, items, order, skip, limit, where = clause
    rows: Iterator[dict[str, Any]] = iter(source)
    scope_names: list[str] = []
    if star:
        first = next(rows, None)
        if first is not None:
            scope_names = sorted(k for k in first if not k.startswith(" "))  # not the hidden columns
            rows = itertools.chain([first], rows)
    names = column_names(items, scope_names)
    aggregating = any(contains_aggregate(e) for e, _, _ in items)
    out: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (projected, scope for ORDER BY)
    sorted_already = False
    if not aggregating and not distinct and order and limit is not None:
        # ORDER BY ... LIMIT n: the n first rows, kept while streaming (memory bounded by n)
        top = _count(limit, ctx, "LIMIT") + (_count(skip, ctx, "SKIP") if skip is not None else 0)
        descs = [d for _, d in order]

        def row_cmp(a: tuple, b: tuple) -> int:
            for x, y, desc in zip(a[0], b[0], descs, strict=True):
                c = sort_cmp(x, y)
                if c:
                    return -c if desc else c
            return (a[1] > b[1]) - (a[1] < b[1])

        item_fs = [
            (compiled(e, ctx), n) for (e, _, _), n in zip(items, names[len(scope_names) :], strict=True)
        ]
        order_fs = [compiled(e, ctx) for e, _ in order]

        def keyed() -> Iterator[tuple]:
            for seq, row in enumerate(rows):
                proj = {nm: row[nm] for nm in scope_names}
                for f, nm in item_fs:
                    proj[nm] = f(row, ctx)
                scope = {**row, **proj}
                yield ([f(scope, ctx) for f in order_fs], seq, proj)

        out = [(p, {}) for _, _, p in heapq.nsmallest(top, keyed(), key=cmp_to_key(row_cmp))]
        sorted_already = True
    elif aggregating:
        listed = budget.collect(rows)
        keys = [
            (e, n)
            for (e, _, _), n in zip(items, names[len(scope_names) :], strict=True)
            if not contains_aggregate(e)
        ]
        groups: dict[Any, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        key_fs = [(compiled(e, ctx), n) for e, n in keys]
        for row in listed:
            vals = {n: f(row, ctx) for f, n in key_fs}
            for n in scope_names:
                vals[n] = row[n]
            gk = tuple(group_key(v) for v in vals.values())
            if gk not in groups:
                groups[gk] = (vals, [])
            groups[gk][1].append(row)
        if not groups and not keys and not scope_names:
            groups[()] = ({}, [])
        aggs: list[tuple] = []
        for e, _, _ in items:
            _aggregates_in(e, aggs)
        for e, _ in order:
            _aggregates_in(e, aggs)
        for vals, members in groups.values():
            for a in aggs:
                ctx.aggregates[id(a)] = _aggregate(a, members, ctx)
            proj = dict(vals)
            rep = dict(members[0]) if members else {}
            rep.update(vals)
            for (e, _, _), n in zip(items, names[len(scope_names) :], strict=True):
                if contains_aggregate(e):
                    proj[n] = evaluate(e, rep, ctx)
            ordered = {n: proj[n] for n in names}
            okeys = [_order_value(e, items, names, scope_names, ordered, rep, ctx) for e, _ in order]
            out.append((ordered, {"__order": okeys}))
    else:
        if not distinct and not order and limit is not None:
            first_n = _count(limit, ctx, "LIMIT") + (_count(skip, ctx, "SKIP") if skip is not None else 0)
            rows = itertools.islice(rows, first_n)
        item_fs = [
            (compiled(e, ctx), n) for (e, _, _), n in zip(items, names[len(scope_names) :], strict=True)
        ]
        for row in budget.collect(rows):
            proj = {n: row[n] for n in scope_names}
            for f, n in item_fs:
                proj[n] = f(row, ctx)
            out.append((proj, {**row, **proj} if order else {}))  # the scope only ORDER BY reads
    if distinct:
        seen: set[Any] = set()
        uniq = []
        for p, s in out:
            k = tuple(group_key(p[n]) for n in names)
            if k not in seen:
                seen.add(k)
                uniq.append((p, s))
        out = uniq
    if order and not sorted_already:

        def sort_values(pair: tuple[dict[str, Any], dict[str, Any]]) -> list[Any]:
            p, s = pair
            if "__order" in s:
                return s["__order"]
            if distinct:
                return [_order_value(e, items, names, scope_names, p, p, ctx) for e, _ in order]
            return [evaluate(e, s, ctx) for e, _ in order]

        decorated = [(sort_values(pair), pair) for pair in out]
        for i in range(len(order) - 1, -1, -1):
            desc = order[i][1]
            decorated.sort(key=_sort_key([kv[0][i] for kv in decorated], i), reverse=desc)
        out = [pair for _, pair in decorated]
    result = [p for p, _ in out]
    if skip is not None:
        result = result[_count(skip, ctx, "SKIP") :]
    if limit is not None:
        result = result[: _count(limit, ctx, "LIMIT")]
    if where is not None:
        kept = []
        test = compiled(where, ctx)
        for p in result:
            v = test(p, ctx)
            if v is not None and not isinstance(v, bool):
                raise QueryError(f"WHERE needs a boolean, got {v!r} (InvalidArgumentType)")
            if v is True:
                kept.append(p)
        result = kept
    budget.check(len(result))
    return names, result


def _kept(where: tuple, row: dict[str, Any], ctx: Context) -> bool:
    v = evaluate(where, row, ctx)
    if v is not None and not isinstance(v, bool):
        raise QueryError(f"WHERE needs a boolean, got {v!r} (InvalidArgumentType)")
    return v is True


def _sort_key(values: list[Any], i: int) -> Any:
    """A sort key for one ORDER BY column: native for plain numbers or strings, Cypher's order otherwise."""
    kinds = {type(v) for v in values}
    if kinds <= {int, float, type(None)} and not any(isinstance(v, float) and math.isnan(v) for v in values):
        return lambda kv: (kv[0][i] is None, kv[0][i] if kv[0][i] is not None else 0)
    if kinds <= {str, type(None)}:
        return lambda kv: (kv[0][i] is None, kv[0][i] if kv[0][i] is not None else "")
    return lambda kv: order_key(kv[0][i])


def _order_value(
    e: tuple,
    items: list,
    names: list[str],
    scope_names: list[str],
    proj: dict[str, Any],
    rep: dict[str, Any],
    ctx: Context,
) -> Any:
    for (ie, _, _), n in zip(items, names[len(scope_names) :], strict=True):
        if ie == e:
            return proj[n]
    return evaluate(e, {**rep, **proj}, ctx)


def _count(e: tuple, ctx: Context, what: str) -> int:
    v = evaluate(e, {}, ctx)
    if isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, float) and v.is_integer():
            raise QueryError(f"{what} takes an integer, not {v!r} (InvalidArgumentType)")
        raise QueryError(f"{what} takes an integer, not {v!r} (InvalidArgumentType)")
    if v < 0:
        raise QueryError(f"{what} takes a non-negative integer, not {v} (NegativeIntegerArgument)")
    return v


def _aggregate(a: tuple, members: list[dict[str, Any]], ctx: Context) -> Any:
    if a[0] == "countstar":
        return len(members)
    _, name, distinct, args, _text = a
    f = compiled(args[0], ctx)
    values = [f(m, ctx) for m in members]
    extra = [evaluate(x, members[0] if members else {}, ctx) for x in args[1:]] if members else [None]
    if name in ("percentilecont", "percentiledisc") and not members:
        return None
    return aggregate(name, distinct, values, extra)


def _unwind(
    c: tuple, rows: Iterable[dict[str, Any]], ctx: Context, budget: _Budget
) -> Iterator[dict[str, Any]]:
    """UNWIND's rows, made one at a time (the clock checked as they are made)."""
    made = 0
    for row in rows:
        v = evaluate(c[1], row, ctx)
        if v is None:
            continue
        for x in v if isinstance(v, list) else [v]:
            made += 1
            if made & 1023 == 0:
                budget.tick()
            yield {**row, c[2]: x}


class GraphReader(Protocol):
    """What answers a ``MATCH`` clause: the rows it makes from the rows before it."""

    def match(self, clause: tuple, rows: list[dict[str, Any]], ctx: Context) -> list[dict[str, Any]]: ...

    def project_patterns(
        self, clause: tuple, rows: list[dict[str, Any]], ctx: Context
    ) -> tuple[tuple, list[dict[str, Any]]]: ...

    def aggregate(
        self, clause: tuple, proj: tuple, rows: list[dict[str, Any]], ctx: Context
    ) -> tuple[tuple, list[dict[str, Any]]] | None: ...


def _single(
    clauses: list[tuple | None], ctx: Context, budget: _Budget, graph: GraphReader | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    rows: Iterable[dict[str, Any]] = [{}]
    names: list[str] = []
    clauses = list(clauses)
    for i, c in enumerate(clauses):
        if c is None:
            continue  # the projection answered with the MATCH before it
        k = c[0]
        after = clauses[i + 1] if i + 1 < len(clauses) else None
        if k == "match" and graph is not None and after is not None and after[0] in ("with", "return"):
            listed = budget.collect(rows)
            grouped = graph.aggregate(c, after, listed, ctx) if len(listed) == 1 else None
            if grouped is not None:
                # the engine grouped the matches (EngineReader.aggregate); the rest of the projection
                # (its expressions of the aggregates, ORDER BY, SKIP, LIMIT, WHERE) runs here as usual
                head, rows = grouped
                names, rows = _project(head, rows, ctx, budget)
                clauses[i + 1] = None
                continue
            rows = listed
        if k == "unwind":
            rows = _unwind(c, rows, ctx, budget)
        elif k in ("with", "return") and graph is not None and has_patterns(c):
            # pattern predicates: the engine computes them as hidden columns, before the projection
            # for its items and ORDER BY, after it for a WITH's WHERE (which sees the projected names)
            head, rows = graph.project_patterns(c[:7] + (None,), budget.collect(rows), ctx)
            names, rows = _project(head, rows, ctx, budget)
            if c[7] is not None:
                where, rows = graph.project_patterns(("where", c[7]), rows, ctx)
                rows = [{n: r[n] for n in names} for r in rows if _kept(where[1], r, ctx)]
        elif k in ("with", "return"):
            names, rows = _project(c, rows, ctx, budget)
        elif k == "match" and graph is not None:
            rows = graph.match(c, budget.collect(rows), ctx)
            budget.check(len(rows))
        else:
            raise QueryError(f"{k.upper()} needs the graph")
    return names, list(rows)


def run_tree(
    tree: tuple,
    params: dict[str, Any],
    *,
    limits: QueryLimits | None = None,
    graph: GraphReader | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows of a checked query: graph-free, or with ``graph`` answering its ``MATCH`` clauses."""
    lim = limits or QueryLimits.from_env()
    gc_was_on = gc.isenabled()
    gc.disable()  # rows are plain dicts without cycles: the collector only slows large UNWINDs down
    try:
        if graph is not None:  # the engine caps its own memory (it maps its buffer pool up front)
            return _run_tree(tree, params, lim, graph)
        with address_space_cap(lim.max_memory):
            return _run_tree(tree, params, lim, graph)
    except MemoryError:
        raise QueryStopped(lim, "memory") from None
    finally:
        if gc_was_on:
            gc.enable()


def _run_tree(
    tree: tuple, params: dict[str, Any], limits: QueryLimits, graph: GraphReader | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    _, parts, alls = tree
    ctx = Context({k: from_python(v) for k, v in params.items()}, limits)
    statement_clock()
    budget = _Budget(limits)
    columns: list[str] = []
    all_rows: list[dict[str, Any]] = []
    for part in parts:
        columns, rows = _single(part, ctx, budget, graph)
        all_rows.extend(rows)
    if parts and len(parts) > 1 and not all(alls):
        seen: set[Any] = set()
        uniq = []
        for r in all_rows:
            k = tuple(group_key(r[c]) for c in columns)
            if k not in seen:
                seen.add(k)
                uniq.append(r)
        all_rows = uniq
    return columns, [tuple(to_output(r[c]) for c in columns) for r in all_rows]
