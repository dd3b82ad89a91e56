"""Queries that read the graph, from the syntax tree: the engine matches patterns, Python does the rest.

Every clause of a query runs in :mod:`graphkit.cypher.interpret` with Neo4j's value
semantics; a ``MATCH`` / ``OPTIONAL MATCH`` clause is answered by :class:`EngineReader`:

* its patterns are written, from the tree, as one engine statement (one ``MATCH`` with
  at most one ``WHERE``; the nodes bound by earlier clauses are passed in as a list of
  keys, ``UNWIND $gk_keys``), which returns the new nodes (as keys, their properties read
  once per node), relationships (type, id and the properties the query reads) and paths;
* of the ``WHERE`` (split at ``AND``), the parts whose answer the engine gives exactly as
  Neo4j does - comparisons of a property with a literal, parameter or property of the same
  type, node equality, ``IS NULL``, ``STARTS WITH`` ... - go to the engine; every other
  part is evaluated in Python over the rows, with pattern predicates (``(a)-[:T]->(b)``)
  computed by the engine as ``EXISTS { MATCH ... }`` result columns (never in its WHERE);
* relationship uniqueness within the clause (Neo4j matches a relationship once per
  ``MATCH``; the engine allows repeats) and ``OPTIONAL MATCH``'s null rows are applied in
  Python.

Pattern predicates and pattern comprehensions in ``WITH`` / ``RETURN`` are computed the
same way before the projection (:meth:`EngineReader.project_patterns`). What cannot be run
this way is refused from the tree (:func:`refuse_unsupported`), naming the construct and a
rewrite that also runs on Neo4j.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from graphkit import schema
from graphkit.cypher.evaluate import (
    Context,
    compiled,
    contains_aggregate,
    evaluate,
    has_patterns,
    is_aggregate,
    walk,
)
from graphkit.cypher.functions import aggregate
from graphkit.cypher.values import Node, Path, Relationship
from graphkit.errors import QueryError

__all__ = ["EngineReader", "refuse_unsupported", "property_uses", "UNBOUNDED_HOPS"]

#: Variable-length relationships without an upper bound are refused; this is what to write instead.
UNBOUNDED_HOPS = "give the variable-length relationship an upper bound (*1..10): both engines run it"

_NUMERIC = {"INT64", "INT32", "INT16", "INT8", "UINT64", "UINT32", "DOUBLE", "FLOAT", "SERIAL"}
_REFUSED_CALLS = {
    "id": "id() is refused: the engine's internal ids are not Neo4j's; use the node's key, n.id",
    "elementid": "elementId() is refused: the engine's internal ids are not Neo4j's; use the node's key, n.id",
    "startnode": "startNode() is refused on the embedded engine: name the start node in the pattern, "
    "MATCH (a)-[r]->(b), and use a",
    "endnode": "endNode() is refused on the embedded engine: name the end node in the pattern, "
    "MATCH (a)-[r]->(b), and use b",
    "shortestpath": "shortestPath() as a value is refused: write it in a MATCH, "
    "MATCH p = shortestPath((a)-[*..6]-(b))",
    "allshortestpaths": "allShortestPaths() as a value is refused: write it in a MATCH, "
    "MATCH p = allShortestPaths((a)-[*..6]-(b))",
}


def refuse_unsupported(tree: tuple) -> None:
    """Refuse, before anything runs, what a graph query cannot run on the embedded engine.

    Raises
    ------
    QueryError
        Naming the construct and what to write instead (something Neo4j runs too).
    """
    for part in tree[1]:
        for clause in part:
            kind = clause[0]
            if kind == "callproc":
                raise QueryError(
                    f"CALL {clause[1]} is refused: the embedded engine has no procedures; "
                    "query the nodes and relationships with MATCH"
                )
            if kind == "update":
                raise QueryError(
                    f"{clause[1]} is refused: the embedded engine only reads the dataset "
                    "(edit the dataset's files instead)"
                )
            if kind == "match":
                for path in clause[2]:
                    _check_pattern(path)
                _check_exprs(clause[3], where=True)
            else:
                _check_exprs(clause[1:], where=False)


def _check_pattern(path: tuple) -> None:
    for el in path[2]:
        if el[0] == "rel" and el[4] is not None and el[4][1] is None:
            raise QueryError(
                f"a variable-length relationship without an upper bound is refused: {UNBOUNDED_HOPS}"
            )
        if (
            el[0] == "rel"
            and el[4] is not None
            and path[3] is None
            and el[4][0] is not None
            and el[4][0] > el[4][1]
        ):
            raise QueryError("a variable-length relationship whose lower bound is above its upper bound")
    if path[3] is not None and sum(1 for el in path[2] if el[0] == "rel") != 1:
        raise QueryError(f"{path[3]}() needs a pattern with exactly one relationship (a)-[*..6]-(b)")


def _check_exprs(e: Any, *, where: bool) -> None:
    for x in walk(e):
        k = x[0]
        if k == "call" and len(x) == 5 and x[1] in _REFUSED_CALLS:
            raise QueryError(_REFUSED_CALLS[x[1]])
        if k == "patcomp" and where:
            raise QueryError(
                "a pattern comprehension [(a)-->(b) | ...] in a MATCH's WHERE is refused on the embedded "
                "engine: compute it in a WITH after the MATCH (WITH a, [(a)-->(b) | b.id] AS ids WHERE ...)"
            )
        if k == "pattern" and not where and not any(el[1] for el in x[1] if el[0] == "node"):
            raise QueryError(
                "a pattern expression without a variable from the query ((a)-->() names a) is refused on the "
                "embedded engine outside a MATCH's WHERE: write it in a MATCH's WHERE, or OPTIONAL MATCH it "
                "and count() the matches"
            )
        if k in ("listcomp", "quant", "reduce") and any(y[0] in ("pattern", "patcomp") for y in walk(x[1:])):
            raise QueryError(
                "a pattern expression inside a list comprehension or list predicate is refused on the "
                "embedded engine: UNWIND the list and test the pattern in a MATCH's WHERE"
            )


def property_uses(tree: tuple) -> dict[str, set[str] | None] | None:
    """For each variable name of a query, the properties read from it (``r.since``; a name not
    listed reads none), or None when the value is used whole (returned, collected, passed to a
    function, renamed ...); None for the whole query when it uses ``*`` or a clause not read here.

    A relationship whose variable is only read property by property is fetched with those
    properties only; comparing it (``r1 = r2``) or counting it needs its identity, which is
    always fetched.
    """
    uses: dict[str, set[str] | None] = {}

    def whole(v: str) -> None:
        uses[v] = None

    def walk(e: Any) -> None:
        if isinstance(e, list):
            for x in e:
                walk(x)
            return
        if not isinstance(e, tuple) or not e or not isinstance(e[0], str):
            if isinstance(e, tuple):
                for x in e:
                    walk(x)
            return
        k = e[0]
        if k == "prop" and e[1][0] == "var":
            got = uses.setdefault(e[1][1], set())
            if got is not None:
                got.add(e[2])
            return
        if k == "var":
            whole(e[1])
            return
        if k == "call" and len(e) == 5 and e[1] == "count" and len(e[3]) == 1 and e[3][0][0] == "var":
            return  # count(r), count(DISTINCT r): identity only
        if k == "cmp" and e[1] in ("=", "<>") and e[2][0] == "var" and e[3][0] == "var":
            return  # r1 = r2: identity only
        if k == "mapproj":
            whole(e[1])
        if k in ("listcomp", "quant"):
            whole(e[1] if k == "listcomp" else e[2])
        if k == "reduce":
            whole(e[1])
            whole(e[3])
        if k in ("pattern", "patcomp"):
            chain = e[1] if k == "pattern" else e[2]
            for el in chain:
                walk(el[3])
            if k == "patcomp":
                walk(e[3])
                walk(e[4])
            return
        for x in e[1:]:
            walk(x)

    for part in tree[1]:
        for c in part:
            if c[0] == "match":
                for path in c[2]:
                    if path[1] is not None:
                        whole(path[1])
                    for el in path[2]:
                        walk(el[3])
                walk(c[3])
            elif c[0] in ("with", "return"):
                _, _distinct, star, items, order, skip, limit, where = c
                if star:
                    return None
                for e, alias, _text in items:
                    if c[0] == "with" and e[0] == "var" and alias in (None, e[1]):
                        continue  # carried on under its name
                    walk(e)
                    if alias is not None:
                        whole(alias)
                walk([x for x, _ in order])
                walk([skip, limit, where])
            elif c[0] == "unwind":
                walk(c[1])
                whole(c[2])
            else:
                return None
    return uses


def _conjuncts(e: Any) -> list[tuple]:
    if e is None:
        return []
    if e[0] == "op" and e[1] == "AND":
        return _conjuncts(e[2]) + _conjuncts(e[3])
    return [e]


def _category(t: str) -> str | None:
    if t == "STRING":
        return "STRING"
    if t in _NUMERIC:
        return "NUM"
    if t == "BOOL" or t == "BOOLEAN":
        return "BOOL"
    return None


def _value_category(v: Any) -> str | None:
    if isinstance(v, bool):
        return "BOOL"
    if isinstance(v, int):
        return "NUM" if -(2**63) <= v < 2**63 else None
    if isinstance(v, float):
        return "NUM" if math.isfinite(v) else None
    if isinstance(v, str):
        return "STRING"
    return None


class _Element:
    """One variable of a MATCH clause as the engine sees it."""

    def __init__(self, name: str, kind: str, tables: list[str], hops: bool = False) -> None:
        self.name = name  # the engine's name
        self.kind = kind  # node, rel, path
        self.tables = tables  # the candidate labels or relationship types
        self.hops = hops  # a variable-length relationship (a list of relationships)


class _Statement:
    """The engine statement of one MATCH clause being built."""

    def __init__(self, reader: EngineReader, ctx: Context, bound: set[str]) -> None:
        self.reader = reader
        self.ctx = ctx
        self.bound = bound  # variables bound by earlier clauses (values in the rows)
        self.node_bound: set[str] = set()  # those of them that hold nodes (or null)
        self.elements: dict[str, _Element] = {}  # user variable -> element
        self.anon: list[_Element] = []
        self.bound_nodes: list[str] = []  # bound variables the statement needs, in order
        self.params: dict[str, Any] = {}
        self.where: list[str] = []
        self.python: list[tuple] = []  # conjuncts evaluated in Python
        self.columns: list[tuple[str, str, str]] = []  # (engine text, what, user name)
        self.counter = [0]  # shared with the statements of pattern predicates: engine names never repeat
        self.hidden = 0
        self.nothing = False  # a label or type the dataset does not have: the clause matches nothing

    # -- names
    def new_name(self, prefix: str = "gk_v") -> str:
        self.counter[0] += 1
        return f"{prefix}{self.counter[0]}"

    def hidden_name(self) -> str:
        self.hidden += 1
        return f" gk{self.hidden}"

    def param(self, value: Any) -> str:
        name = f"gk_p{len(self.params)}"  # the dict is shared with pattern predicates' statements
        self.params[name] = value
        return "$" + name

    # -- patterns
    def path(self, path: tuple) -> str:
        _, var, chain, kind = path
        parts = []
        for el in chain:
            parts.append(self.node(el) if el[0] == "node" else self.rel(el, kind))
        text = "".join(parts)
        if var is not None:
            name = self.new_name()
            self.elements[var] = _Element(name, "path", [])
            text = f"{name} = {text}"
        return text

    def node(self, el: tuple) -> str:
        _, var, labels, props = el
        known = [lb for lb in labels if lb in self.reader.node_tables]
        if len(set(labels)) > 1 or len(known) < len(labels):
            self.nothing = True  # every node has one label, and it is one the dataset has
        if var is not None and var in self.elements:
            e = self.elements[var]
            text = e.name
        elif var is not None and var in self.bound:
            e = _Element(self.new_name(), "node", known[:1] or list(self.reader.node_tables))
            self.elements[var] = e
            self.bound_nodes.append(var)
            text = e.name
        else:
            e = _Element(
                self.new_name("gk_v" if var else "gk_a"), "node", known[:1] or list(self.reader.node_tables)
            )
            if var is not None:
                self.elements[var] = e
            else:
                self.anon.append(e)
            text = e.name
        if known:
            text += ":" + _quote(known[0])
        self.properties(e, var, props)
        return "(" + text + ")"

    def rel(self, el: tuple, shortest: str | None) -> str:
        _, var, types, props, length, left, right = el
        if var is not None and (var in self.bound or var in self.elements):
            raise QueryError(
                f"the relationship variable `{var}` of an earlier clause is matched again: the embedded engine "
                f"refuses it; match a new variable and compare: MATCH (a)-[{var}2]->(b) WHERE {var}2 = {var}"
            )
        known = [t for t in types if t in self.reader.rel_tables]
        if types and not known:
            self.nothing = True
        tables = known or list(self.reader.rel_tables)
        e = _Element(self.new_name("gk_v" if var else "gk_a"), "rel", tables, hops=length is not None)
        if var is not None:
            self.elements[var] = e
        else:
            self.anon.append(e)
        inner = e.name
        if known:
            inner += ":" + "|".join(_quote(t) for t in known)
        if length is not None:
            lo = 1 if length[0] is None else length[0]
            how = {"shortestpath": "SHORTEST", "allshortestpaths": "ALL SHORTEST"}.get(
                shortest or "", "TRAIL"
            )
            inner += f"* {how} {lo}..{length[1]}"
        elif shortest is not None:
            inner += "* " + ("SHORTEST" if shortest == "shortestpath" else "ALL SHORTEST") + " 1..1"
            e.hops = True
        self.properties(e, var, props)
        arrow_l = "<-" if left and not right else "-"
        arrow_r = "->" if right and not left else "-"
        return f"{arrow_l}[{inner}]{arrow_r}"

    def properties(self, e: _Element, var: str | None, props: Any) -> None:
        if props is None:
            return
        if props[0] == "param":
            value = self.ctx.params.get(props[1])
            if value is None:
                self.nothing = True
                return
            if not isinstance(value, dict):
                raise QueryError(f"the pattern's property map ${props[1]} must be a map")
            items: list[tuple[str, tuple]] = [(k, ("lit", v)) for k, v in value.items()]
        else:
            items = list(props[1])
        for key, expr in items:
            pushed = self.push_property(e, key, expr)
            if pushed is not None:
                self.where.append(pushed)
                continue
            if e.hops:
                x = " gk_x"
                self.python.append(
                    (
                        "quant",
                        "all",
                        x,
                        ("var", self.user_name(e, var)),
                        ("cmp", "=", ("prop", ("var", x), key), expr),
                    )
                )
            else:
                self.python.append(("cmp", "=", ("prop", ("var", self.user_name(e, var)), key), expr))

    def user_name(self, e: _Element, var: str | None) -> str:
        if var is not None:
            return var
        hidden = self.hidden_name()
        self.elements[hidden] = e
        self.anon.remove(e)
        return hidden

    def push_property(self, e: _Element, key: str, expr: tuple) -> str | None:
        if e.hops:
            return None
        if expr[0] == "lit":
            value = expr[1]
        elif expr[0] == "param" and expr[1] in self.ctx.params:
            value = self.ctx.params[expr[1]]
        else:
            return None
        cat = _value_category(value)
        if cat is None or self.property_category(e, key) != cat:
            return None
        return f"{e.name}.{_quote(key)} = {self.param(value)}"

    def property_category(self, e: _Element, key: str) -> str | None:
        cats = set()
        for t in e.tables:
            col = self.reader.columns.get(t, {}).get(key)
            if col is not None:
                cats.add(_category(col))
        return cats.pop() if len(cats) == 1 else None

    # -- WHERE
    def expr(self, e: tuple) -> tuple[str, str] | None:
        """The engine's text and the value's category for an expression whose answer is Neo4j's there."""
        k = e[0]
        if k == "lit" or (k == "param" and e[1] in self.ctx.params):
            value = e[1] if k == "lit" else self.ctx.params[e[1]]
            cat = _value_category(value)
            return (self.param(value), cat) if cat else None
        if k == "var" and e[1] not in self.elements and e[1] in self.node_bound:
            self.elements[e[1]] = _Element(self.new_name(), "node", list(self.reader.node_tables))
            self.bound_nodes.append(e[1])
        if k == "var" and e[1] in self.elements and self.elements[e[1]].kind == "node":
            return self.elements[e[1]].name, "NODE"
        if k == "prop" and e[1][0] == "var" and e[1][1] in self.elements:
            el = self.elements[e[1][1]]
            if el.kind == "path" or el.hops:
                return None
            cat = self.property_category(el, e[2])
            return (f"{el.name}.{_quote(e[2])}", cat) if cat else None
        if k == "call" and len(e) == 5 and e[1] == "coalesce" and e[3]:
            parts = [self.expr(x) for x in e[3]]
            known = [p for p in parts if p is not None]
            cats = {p[1] for p in known}
            if len(known) < len(parts) or len(cats) != 1 or "NODE" in cats:
                return None
            return f"coalesce({', '.join(p[0] for p in known)})", cats.pop()
        if k == "cmp":
            a, b = self.expr(e[2]), self.expr(e[3])
            if a is None or b is None or a[1] != b[1] or (a[1] == "NODE" and e[1] not in ("=", "<>")):
                return None
            return f"({a[0]} {e[1]} {b[0]})", "BOOL"
        if k == "op" and e[1] in ("AND", "OR"):
            a, b = self.expr(e[2]), self.expr(e[3])
            if a is None or b is None or a[1] != "BOOL" or b[1] != "BOOL":
                return None
            return f"({a[0]} {e[1]} {b[0]})", "BOOL"
        if k == "not":
            a = self.expr(e[1])
            return (f"(NOT {a[0]})", "BOOL") if a is not None and a[1] == "BOOL" else None
        if k == "isnull" and e[1][0] == "prop":
            a = self.expr(e[1])
            return (f"({a[0]} IS {'NOT ' if e[2] else ''}NULL)", "BOOL") if a is not None else None
        if k == "strpred" and e[1] != "=~":
            a, b = self.expr(e[2]), self.expr(e[3])
            if a is None or b is None or a[1] != "STRING" or b[1] != "STRING":
                return None
            return f"({a[0]} {e[1]} {b[0]})", "BOOL"
        if k == "in":
            a = self.expr(e[1])
            src = e[2]
            if src[0] == "list" and all(x[0] == "lit" for x in src[1]):
                values = [x[1] for x in src[1]]
            elif src[0] == "param" and isinstance(self.ctx.params.get(src[1]), list):
                values = self.ctx.params[src[1]]
            else:
                return None
            if a is None or not values or any(_value_category(v) != a[1] for v in values):
                return None
            return f"({a[0]} IN {self.param(list(values))})", "BOOL"
        return None

    def aggregate_text(self, e: tuple) -> tuple[str, Callable[[Any], Any]] | None:
        """An aggregate as the engine's text and how its engine value becomes Neo4j's (see
        :meth:`EngineReader.aggregate`); None when it is not pushed."""
        if e[0] == "countstar":
            return "count(*)", _as_count
        _, name, distinct, args, _text = e
        if len(args) != 1:
            return None
        arg = args[0]
        if name == "count" and arg[0] == "var" and arg[1] in self.elements:
            el = self.elements[arg[1]]
            if el.kind == "node" and distinct:
                return f"count(DISTINCT {el.name})", _as_count
            if el.kind in ("node", "rel") and not el.hops and not distinct:
                return "count(*)", _as_count
            return None
        if name not in ("count", "sum", "avg", "min", "max", "stdev", "stdevp"):
            return None
        value = self.value(arg)
        if value is None:
            return None

        def finish(v: Any) -> Any:
            return aggregate(name, distinct, list(v or []), [])

        return f"collect({value[0]})", finish

    def value(self, e: tuple) -> tuple[str, str] | None:
        """The engine's text and exact type (STRING, INT64, DOUBLE, BOOL) of an expression whose
        every value, null included, the engine computes exactly as Python does from the same row:
        literals and parameters, properties of one declared type, ``+ - *`` and ``abs()`` of
        DOUBLE values (IEEE arithmetic, no error either side), simple ``CASE`` on a string."""
        k = e[0]
        if k == "lit" or (k == "param" and e[1] in self.ctx.params):
            v = e[1] if k == "lit" else self.ctx.params[e[1]]
            t = {str: "STRING", bool: "BOOL", float: "DOUBLE", int: "INT64"}.get(type(v))
            if t is None or (t == "INT64" and not -(2**63) <= v < 2**63):
                return None
            return self.param(v), t
        if k == "prop" and e[1][0] == "var" and e[1][1] in self.elements:
            el = self.elements[e[1][1]]
            if el.kind == "path" or el.hops:
                return None
            types = {str(c) for c in (self.reader.columns.get(t, {}).get(e[2]) for t in el.tables) if c}
            typ = types.pop() if len(types) == 1 else None
            if typ not in ("STRING", "INT64", "DOUBLE", "BOOL"):
                return None
            return f"{el.name}.{_quote(e[2])}", str(typ)
        if k == "op" and e[1] in ("+", "-", "*"):
            a, b = self.value(e[2]), self.value(e[3])
            if a is None or b is None or a[1] != "DOUBLE" or b[1] != "DOUBLE":
                return None
            return f"({a[0]} {e[1]} {b[0]})", "DOUBLE"
        if k == "call" and len(e) == 5 and e[1] == "abs" and len(e[3]) == 1 and not e[2]:
            a = self.value(e[3][0])
            return (f"abs({a[0]})", "DOUBLE") if a is not None and a[1] == "DOUBLE" else None
        if k == "case" and e[1] is not None:
            subject = self.value(e[1])
            if subject is None or subject[1] != "STRING":
                return None
            whens = [(self.value(w), self.value(t)) for w, t in e[2]]
            other = self.value(e[3]) if e[3] is not None else None
            results = [t for _, t in whens] + ([other] if e[3] is not None else [])
            if any(
                w is None or w[1] != "STRING" or e2[0] != "lit"
                for (w, _), (e2, _) in zip(whens, e[2], strict=True)
            ):
                return None
            if any(t is None for t in results) or len({t[1] for t in results if t is not None}) != 1:
                return None
            kind = results[0][1] if results[0] is not None else None
            if kind not in ("DOUBLE", "STRING"):
                return None
            text = f"CASE {subject[0]} " + " ".join(
                f"WHEN {w[0]} THEN {t[0]}" for w, t in whens if w is not None and t is not None
            )
            if other is not None:
                text += f" ELSE {other[0]}"
            return text + " END", kind
        return None

    def predicate_columns(self, e: Any) -> Any:
        """``e`` with each pattern predicate replaced by a hidden column the engine computes."""
        if isinstance(e, list):
            return [self.predicate_columns(x) for x in e]
        if not isinstance(e, tuple) or not e:
            return e
        if not isinstance(e[0], str):  # (expression, alias, text) of a projection ...
            return tuple(self.predicate_columns(x) if isinstance(x, tuple | list) else x for x in e)
        if e[0] == "call" and len(e) == 5 and e[1] == "exists" and len(e[3]) == 1:
            arg = e[3][0]
            if arg[0] == "pattern":
                return self.predicate_columns(arg)
            if arg[0] == "prop":
                return ("isnull", self.predicate_columns(arg), True)
        if e[0] == "pattern":
            text = self.exists_text(e)
            if text is None:
                return ("lit", False)
            hidden = self.hidden_name()
            self.columns.append((text, "value", hidden))
            return ("var", hidden)
        return tuple(self.predicate_columns(x) if isinstance(x, tuple | list) else x for x in e)

    def exists_text(self, e: tuple) -> str | None:
        """A pattern predicate as the engine's ``EXISTS { MATCH ... }``; None when it can match nothing."""
        sub = _Statement(self.reader, self.ctx, set())
        sub.counter = self.counter
        sub.params = self.params
        sub.elements = dict(self.elements)
        for el in e[1]:
            var = el[1]
            if var is not None and var not in self.elements:
                if var not in self.bound:
                    raise QueryError(f"variable '{var}' is not defined (UndefinedVariable)")
                self.elements[var] = _Element(self.new_name(), "node", list(self.reader.node_tables))
                self.bound_nodes.append(var)
                sub.elements[var] = self.elements[var]
        text = "".join(sub.node(el) if el[0] == "node" else sub.rel_in_predicate(el) for el in e[1])
        if sub.nothing:
            return None
        self.where_extra(sub)
        return f"EXISTS {{ MATCH {text}{sub.where_text()} }}"

    def rel_in_predicate(self, el: tuple) -> str:
        if el[1] is not None and el[1] in self.elements:
            raise QueryError(
                f"the relationship `{el[1]}` inside a pattern predicate is refused on the embedded engine: "
                "compare it in WHERE with another relationship variable"
            )
        return self.rel(el, None)

    def where_extra(self, sub: _Statement) -> None:
        if sub.python:
            raise QueryError(
                "a pattern predicate whose property map the embedded engine cannot compare as Neo4j does "
                "is refused: give the value with the property's type (toInteger(), toString() ...)"
            )

    def where_text(self) -> str:
        return " WHERE " + " AND ".join(self.where) if self.where else ""


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class EngineReader:
    """Answers MATCH clauses with the embedded engine (see the module docstring).

    ``execute`` runs one statement in the engine's dialect (``(columns, rows)``);
    ``columns`` is the database's ``{label or type: {property: type}}``.
    """

    def __init__(
        self,
        execute: Callable[[str, dict[str, Any]], tuple[list[str], list[tuple[Any, ...]]]],
        columns: Mapping[str, Mapping[str, str]],
        node_tables: list[str],
        rel_tables: list[str],
    ) -> None:
        self.execute = execute
        self.columns = columns
        self.node_tables = [t for t in node_tables if t in columns]
        self.rel_tables = [t for t in rel_tables if t in columns]
        #: the engine statements run, in order (for tests and ``--explain``-like messages)
        self.statements: list[str] = []
        #: the nodes read so far, by (label, id)
        self.nodes: dict[tuple[str, Any], Node] = {}
        #: per variable, the properties the query reads (:func:`property_uses`); None: every property
        self.uses: dict[str, set[str] | None] | None = None

    def check_properties(self, tree: tuple) -> None:
        """Refuse a property of a node or relationship that no label or type of the dataset has
        (most likely a misspelling; Neo4j would answer null with a warning), naming the properties there are.
        A property the model gives a meaning to (:data:`graphkit.schema.MODEL_PROPERTIES`) is never refused.

        Raises
        ------
        QueryError
            ``unknown property 'colour' ...`` (located by :mod:`graphkit.cypher.front`).
        """
        known = {k for cols in self.columns.values() for k in cols}
        if not known:
            return
        known |= schema.MODEL_PROPERTIES
        graph_vars: set[str] = set()
        other: set[str] = set()
        used: list[str] = []
        for x in walk(tree):
            k = x[0]
            if k in ("node", "rel") and len(x) >= 4:
                if x[1] is not None:
                    graph_vars.add(x[1])
                if isinstance(x[3], tuple) and x[3][0] == "map":
                    used += [key for key, _ in x[3][1]]
            elif k in ("unwind",):
                other.add(x[2])
            elif k in ("listcomp", "quant", "reduce"):
                other.add(x[1] if k == "listcomp" else x[2] if k == "quant" else x[3])
        for part in tree[1]:
            for c in part:
                if c[0] in ("with", "return"):
                    for e, alias, _ in c[3]:
                        if alias is not None and not (e[0] == "var" and e[1] in graph_vars):
                            other.add(alias)
        nodes_rels = graph_vars - other
        for x in walk(tree):
            if x[0] == "prop" and x[1][0] == "var" and x[1][1] in nodes_rels:
                used.append(x[2])
            elif x[0] == "mapproj" and x[1] in nodes_rels:
                used += [item[1] for item in x[2] if item[0] == "prop"]
        for key in used:
            if key not in known:
                raise QueryError(
                    f"unknown property '{key}': the dataset has no such property on any node or relationship "
                    f"(properties: {', '.join(sorted(known))})"
                )

    def load_nodes(self, keys: set[tuple[str, Any]]) -> None:
        """Read the properties of the nodes in ``keys`` not read yet (one statement per label)."""
        by_label: dict[str, list[Any]] = {}
        for label, ident in keys:
            if (label, ident) not in self.nodes:
                by_label.setdefault(label, []).append(ident)
        for label, idents in by_label.items():
            for start in range(0, len(idents), 10_000):
                _, rows = self.execute(
                    f"MATCH (n:{_quote(label)}) WHERE n.id IN $ids RETURN n",
                    {"ids": idents[start : start + 10_000]},
                )
                for (d,) in rows:
                    node = _node(d)
                    if node is not None:
                        self.nodes[node.ident] = node

    def match(self, clause: tuple, rows: list[dict[str, Any]], ctx: Context) -> list[dict[str, Any]]:
        """The rows after one ``MATCH`` / ``OPTIONAL MATCH`` clause (Neo4j's semantics)."""
        _, optional, paths, where = clause
        if not rows:
            return []
        st = _Statement(self, ctx, set(rows[0]))
        st.node_bound = {
            k
            for k in rows[0]
            if any(isinstance(r[k], Node) for r in rows)
            and all(r[k] is None or isinstance(r[k], Node) for r in rows)
        }
        parts = [st.path(p) for p in paths]
        python: list[tuple] = []
        for c in _conjuncts(where):
            # a part with a pattern predicate stays in Python (the predicate an engine column): an
            # EXISTS subquery inside the engine's WHERE ran 8 times slower there (brokers_between_alliances)
            pushed = st.expr(c) if not any(x[0] == "pattern" for x in walk(c)) else None
            if pushed is not None and pushed[1] == "BOOL":
                st.where.append(pushed[0])
            else:
                python.append(st.predicate_columns(c))
        python = st.python + python
        new = [v for v in st.elements if v not in st.bound and not v.startswith(" ")]
        if st.nothing:
            return [{**r, **dict.fromkeys(new)} for r in rows] if optional else []
        results = self._run(st, parts, rows)
        out: list[dict[str, Any]] = []
        hidden = any(v.startswith(" ") for v in st.elements) or bool(st.columns)
        tests = [compiled(c, ctx) for c in python]
        alone = len(rows) == 1
        for row, found in zip(rows, results, strict=True):
            kept = 0
            for values in found:
                scope = {**row, **values} if row or not alone else values  # one row {}: no copy
                if not tests or all(t(scope, ctx) is True for t in tests):
                    out.append({k: v for k, v in scope.items() if not k.startswith(" ")} if hidden else scope)
                    kept += 1
            if optional and not kept:
                out.append({**row, **dict.fromkeys(new)})
        return out

    def aggregate(
        self, clause: tuple, proj: tuple, rows: list[dict[str, Any]], ctx: Context
    ) -> tuple[tuple, list[dict[str, Any]]] | None:
        """A ``MATCH`` and the aggregating ``WITH`` / ``RETURN`` after it grouped by the engine, or
        None when this cannot be done with Neo4j's answer (then both run as usual).

        Pushed: a non-optional MATCH with one row before it, every WHERE part pushed, no paths or
        variable-length relationships; grouping items that are node variables of the MATCH (grouped
        by the node's key, as Python groups them) or variables of the row before; aggregates
        ``count(*)``, ``count(v)`` of an element of the MATCH (never null), ``count(DISTINCT n)`` of a
        node, and ``count sum avg min max stdev stdevp`` (DISTINCT too) of an expression whose every
        value the engine computes as Python does (:meth:`_Statement.value`): the engine collects
        the group's values and :func:`graphkit.cypher.functions.aggregate` computes the aggregate, as
        for unpushed rows. Relationship uniqueness is a condition of the statement. Returns the
        projection rewritten without aggregates (they become hidden variables of the rows) and the
        grouped rows; ORDER BY, SKIP, LIMIT, DISTINCT and WHERE then run in Python as usual.
        """
        _, optional, paths, where = clause
        if optional or len(rows) != 1 or proj[0] not in ("with", "return"):
            return None
        _, _distinct, star, items, order, _skip, _limit, _where = proj
        if star or not any(contains_aggregate(e) for e, _, _ in items):
            return None
        if has_patterns(proj):
            return None
        row = rows[0]
        st = _Statement(self, ctx, set(row))
        st.node_bound = {k for k, v in row.items() if isinstance(v, Node)}
        parts = [st.path(p) for p in paths]
        for c in _conjuncts(where):
            if any(x[0] == "pattern" for x in walk(c)):
                return None
            pushed = st.expr(c)
            if pushed is None or pushed[1] != "BOOL":
                return None
            st.where.append(pushed[0])
        if st.nothing or st.python or st.columns or st.bound_nodes:
            return None
        rels = []
        for el in [*st.elements.values(), *st.anon]:
            if el.kind == "path" or el.hops:
                return None
            if el.kind == "rel":
                rels.append(el)
        unique = [
            f"ID({a.name}) <> ID({b.name})"
            for i, a in enumerate(rels)
            for b in rels[i + 1 :]
            if set(a.tables) & set(b.tables)
        ]
        keys: list[str] = []
        carried = False
        found: list[tuple[tuple, str, str, Callable[[Any], Any]]] = []  # (aggregate, hidden, text, finish)

        def replace(e: Any) -> Any:
            if isinstance(e, list):
                return [replace(x) for x in e]
            if not isinstance(e, tuple) or not e or not isinstance(e[0], str):
                return tuple(replace(x) for x in e) if isinstance(e, tuple) else e
            if not is_aggregate(e):
                return tuple(replace(x) if isinstance(x, tuple | list) else x for x in e)
            for a, hidden, _, _ in found:
                if a == e:
                    return ("var", hidden)
            pushed = st.aggregate_text(e)
            if pushed is None:
                raise _NotPushed
            hidden = f" gka{len(found)}"
            found.append((e, hidden, *pushed))
            return ("var", hidden)

        try:
            new_items = []
            for e, alias, text in items:
                if contains_aggregate(e):
                    new_items.append((replace(e), alias, text))
                    continue
                if e[0] != "var":
                    return None
                if e[1] in st.elements and st.elements[e[1]].kind == "node":
                    keys.append(e[1])
                elif e[1] in row and e[1] not in st.elements:
                    carried = True
                else:
                    return None
                new_items.append((e, alias, text))
            new_order = [(replace(e), d) for e, d in order]
        except _NotPushed:
            return None
        keys = list(dict.fromkeys(keys))
        cols = []
        for v in keys:
            name = st.elements[v].name
            cols += [f"label({name})", f"{name}.id"]
        cols.append("count(*)")
        cols += [text for _, _, text, _ in found]
        text = "MATCH " + ", ".join(parts)
        if st.where or unique:
            text += " WHERE " + " AND ".join(st.where + unique)
        text += " RETURN " + ", ".join(f"{c} AS c{n}" for n, c in enumerate(cols))
        self.statements.append(text)
        _, result = self.execute(text, st.params)
        width = 2 * len(keys)
        self.load_nodes({(r[2 * i], r[2 * i + 1]) for r in result for i in range(len(keys))})
        out: list[dict[str, Any]] = []
        for r in result:
            if (keys or carried) and not r[width]:
                continue  # no match: no group
            d = dict(row)
            for i, v in enumerate(keys):
                d[v] = self.nodes[(r[2 * i], r[2 * i + 1])]
            for j, (_, hidden, _, finish) in enumerate(found):
                d[hidden] = finish(r[width + 1 + j])
            out.append(d)
        if not keys and not carried and not out:  # an aggregation without grouping keys: one row
            d = dict(row)
            for _, hidden, _, finish in found:
                d[hidden] = finish(None)
            out.append(d)
        head = (proj[0], proj[1], False, new_items, new_order, proj[5], proj[6], proj[7])
        return head, out

    def project_patterns(
        self, clause: tuple, rows: list[dict[str, Any]], ctx: Context
    ) -> tuple[tuple, list[dict[str, Any]]]:
        """A WITH / RETURN clause whose pattern predicates (``exists((a)-->())``) are replaced by
        hidden columns, and the rows with those columns (computed by the engine for each distinct
        combination of the nodes they name; null where one of those nodes is null)."""
        if not rows or not has_patterns(clause):
            return clause, rows
        clause, rows = self._comprehensions(clause, rows, ctx)
        if not any(x[0] == "pattern" for x in walk(list(clause[1:]))):
            return clause, rows
        st = _Statement(self, ctx, set(rows[0]))
        st.node_bound = {
            k
            for k in rows[0]
            if any(isinstance(r[k], Node) for r in rows)
            and all(r[k] is None or isinstance(r[k], Node) for r in rows)
        }
        rewritten = st.predicate_columns(clause)
        hidden = [h for _, _, h in st.columns]
        results = self._run(st, [], rows)
        out = []
        for row, found in zip(rows, results, strict=True):
            out.append({**row, **(found[0] if found else dict.fromkeys(hidden))})
        return rewritten, out

    def _comprehensions(
        self, clause: tuple, rows: list[dict[str, Any]], ctx: Context
    ) -> tuple[tuple, list[dict[str, Any]]]:
        """Pattern comprehensions ``[(a)-[r]->(b) WHERE ... | b.id]`` as hidden list columns: the
        pattern is matched as a MATCH clause (:meth:`match`) once per distinct combination of the
        nodes of earlier clauses it names, and the projection evaluated in Python per match."""
        found: list[tuple] = []

        def collect(e: Any) -> Any:
            if isinstance(e, list):
                return [collect(x) for x in e]
            if not isinstance(e, tuple) or not e:
                return e
            if e[0] == "patcomp":
                hidden = f" gkc{len(found)}"
                found.append((hidden, e))
                return ("var", hidden)
            return tuple(collect(x) if isinstance(x, tuple | list) else x for x in e)

        clause = collect(clause)
        for hidden, (_, pvar, chain, where, proj) in found:
            named = [el[1] for el in chain if el[1] is not None]
            bound = [v for v in dict.fromkeys(named) if v in rows[0]]
            keys: dict[tuple, dict[str, Any]] = {}
            for row in rows:
                if any(row[v] is None for v in bound):
                    raise QueryError(
                        "a pattern comprehension from a null node is refused on the embedded engine: "
                        "filter the rows first (WHERE n IS NOT NULL)"
                    )
                keys.setdefault(tuple(_key_of(row[v]) for v in bound), {v: row[v] for v in bound})
            matched = self.match(
                ("match", False, [("path", pvar, chain, None)], where), list(keys.values()), ctx
            )
            lists: dict[tuple, list[Any]] = {k: [] for k in keys}
            for m in matched:
                lists[tuple(_key_of(m[v]) for v in bound)].append(evaluate(proj, m, ctx))
            rows = [{**row, hidden: list(lists[tuple(_key_of(row[v]) for v in bound)])} for row in rows]
        return clause, rows

    def _run(
        self, st: _Statement, parts: list[str], rows: list[dict[str, Any]]
    ) -> list[list[dict[str, Any]]]:
        """For each row, the variable values of its matches (relationship uniqueness applied)."""
        keys: dict[tuple, int] = {}
        row_key: list[int | None] = []
        for row in rows:
            key = []
            for var in st.bound_nodes:
                v = row.get(var)
                if v is None:
                    break
                if not isinstance(v, Node):
                    raise QueryError(
                        f"`{var}` is used as a node in a pattern but holds a {type(v).__name__.lower()} "
                        "(VariableTypeConflict)"
                    )
                key.append(v.ident)
            else:
                row_key.append(keys.setdefault(tuple(key), len(keys)))
                continue
            row_key.append(None)
        if not keys:
            return [[] for _ in rows]
        conds = []
        extra_parts = []
        key_maps: list[dict[str, Any]] = [{"i": i} for i in range(len(keys))]
        for j, var in enumerate(st.bound_nodes):
            el = st.elements[var]
            labels = {k[j][0] for k in keys}
            for node_keys, idx in keys.items():
                key_maps[idx][f"b{j}"] = node_keys[j][1]
                key_maps[idx][f"l{j}"] = node_keys[j][0]
            conds.append(f"{el.name}.id = gk_k.b{j}")
            if len(labels) > 1:
                conds.append(f"label({el.name}) = gk_k.l{j}")
            if not any(f"({el.name}:" in p or f"({el.name})" in p for p in parts):
                extra_parts.append(
                    f"({el.name}:{_quote(next(iter(labels)))})" if len(labels) == 1 else f"({el.name})"
                )
            else:
                # a bound node written without a label: the key's label keeps the engine on one table
                for n, p in enumerate(parts):
                    if len(labels) == 1:
                        parts[n] = p.replace(f"({el.name})", f"({el.name}:{_quote(next(iter(labels)))})")
        where = conds + st.where
        text = ""
        params = dict(st.params)
        if st.bound_nodes:
            text = "UNWIND $gk_keys AS gk_k "
            params["gk_keys"] = key_maps
        text += "MATCH " + ", ".join(parts + extra_parts)
        if where:
            text += " WHERE " + " AND ".join(where)
        cols = ["gk_k.i" if st.bound_nodes else "0"]
        decoders: list[tuple[str, str, str]] = []  # (what, user name, element kind)
        for var, el in st.elements.items():
            if var in st.bound and not var.startswith(" "):
                continue
            if el.kind == "node":  # the key only: properties are read once per node (:meth:`nodes`)
                cols += [f"label({el.name})", f"{el.name}.id"]
                decoders.append(("node", var, ""))
            elif (
                el.kind == "rel"
                and not el.hops
                and self.uses is not None
                and self.uses.get(var, set()) is not None
            ):
                # only the properties the query reads (the engine declares every property on every type)
                wanted = self.uses.get(var) or set()
                read = sorted(k for k in wanted if any(k in self.columns[t] for t in el.tables))
                cols += [f"label({el.name})", f"offset(ID({el.name}))"] + [
                    f"{el.name}.{_quote(k)}" for k in read
                ]
                decoders.append(("relp", var, "\x00".join(read)))
            elif el.kind == "rel" and not el.hops:
                cols += [el.name, f"offset(ID({el.name}))"]
                decoders.append(("rel", var, ""))
            elif el.kind == "rel":
                cols += [f"rels({el.name})", f"list_transform(rels({el.name}), gk_x -> offset(ID(gk_x)))"]
                decoders.append(("rels", var, ""))
            else:
                cols += [
                    f"nodes({el.name})",
                    f"rels({el.name})",
                    f"list_transform(rels({el.name}), gk_x -> offset(ID(gk_x)))",
                ]
                decoders.append(("path", var, ""))
        for el in st.anon:
            if el.kind == "rel" and el.hops:
                cols += [
                    f"list_transform(rels({el.name}), gk_x -> label(gk_x))",
                    f"list_transform(rels({el.name}), gk_x -> offset(ID(gk_x)))",
                ]
                decoders.append(("ids", "", ""))
            elif el.kind == "rel":
                cols += [f"label({el.name})", f"offset(ID({el.name}))"]
                decoders.append(("id", "", ""))
        for expr, _, hidden in st.columns:
            cols.append(expr)
            decoders.append(("value", hidden, ""))
        text += " RETURN " + ", ".join(f"{c} AS c{n}" for n, c in enumerate(cols))
        self.statements.append(text)
        _, result = self.execute(text, params)
        starts = _node_columns(decoders)
        self.load_nodes({(r[k], r[k + 1]) for r in result for k in starts})
        found: list[list[dict[str, Any]]] = [[] for _ in keys]
        nodes = self.nodes
        plan = _decode_plan(decoders)
        simple = all(what in ("node", "relp", "value", "id") for what, _, _, _ in plan)
        rel_count = sum(1 for what, _, _, _ in plan if what in ("relp", "id"))
        if simple:
            # the frequent shapes (nodes, relationships read by property, engine values): one pass
            # per row without list building; uniqueness checked only with two relationships or more
            for r in result:
                got: dict[str, Any] = {}
                seen: list[Any] = []
                for what, var, at, keys_read in plan:
                    if what == "node":
                        got[var] = nodes[(r[at], r[at + 1])]
                    elif what == "relp":
                        typ = str(r[at])
                        ident = (typ, r[at + 1])
                        kept: dict[str, Any] = {}
                        for j, pn in enumerate(keys_read, start=at + 2):
                            pv = r[j]
                            if pv is not None:
                                kept[pn] = pv
                        got[var] = Relationship(typ, kept, ident)
                        seen.append(ident)
                    elif what == "id":
                        seen.append((r[at], r[at + 1]))
                    else:
                        got[var] = r[at]
                if rel_count > 1 and len(set(seen)) < rel_count:
                    continue  # Neo4j matches a relationship once per MATCH clause
                found[int(r[0])].append(got)
            return [found[i] if i is not None else [] for i in row_key]
        for r in result:
            values: dict[str, Any] = {}
            rel_ids: list[Any] = []
            k = 1
            for what, var, extra in decoders:
                if what == "relp":
                    names = extra.split("\x00") if extra else []
                    props = {
                        n: v
                        for n, v in zip(names, r[k + 2 : k + 2 + len(names)], strict=True)
                        if v is not None
                    }
                    rel = Relationship(str(r[k]), props, (str(r[k]), r[k + 1]))
                    values[var] = rel
                    rel_ids.append(rel.ident)
                    k += 2 + len(names)
                elif what == "node":
                    values[var] = self.nodes[(r[k], r[k + 1])]
                    k += 2
                elif what == "rel":
                    rel = _rel(r[k], r[k + 1])
                    values[var] = rel
                    rel_ids.append(rel.ident)
                    k += 2
                elif what == "rels":
                    rels = [_rel(x, i) for x, i in zip(r[k], r[k + 1], strict=True)]
                    values[var] = rels
                    rel_ids += [x.ident for x in rels]
                    k += 2
                elif what == "path":
                    rels = [_rel(x, i) for x, i in zip(r[k + 1], r[k + 2], strict=True)]
                    values[var] = Path([n for n in (_node(x) for x in r[k]) if n is not None], rels)
                    k += 3
                elif what == "id":
                    rel_ids.append((r[k], r[k + 1]))
                    k += 2
                elif what == "ids":
                    rel_ids += list(zip(r[k], r[k + 1], strict=True))
                    k += 2
                else:
                    values[var] = r[k]
                    k += 1
            if len(set(rel_ids)) < len(rel_ids):
                continue  # Neo4j matches a relationship once per MATCH clause
            found[int(r[0])].append(values)
        return [found[i] if i is not None else [] for i in row_key]


class _NotPushed(Exception):
    """An aggregate the engine cannot compute as Neo4j does (:meth:`EngineReader.aggregate`)."""


def _as_count(v: Any) -> int:
    return int(v) if v is not None else 0


def _key_of(v: Any) -> Any:
    """A hashable identity of a bound value (a node's key)."""
    if isinstance(v, Node | Relationship):
        return v.ident
    return repr(v)


def _decode_plan(decoders: list[tuple[str, str, str]]) -> list[tuple[str, str, int, list[str]]]:
    """Per decoder: what it decodes, the user variable, its first result column and its property names."""
    widths = {"node": 2, "rel": 2, "rels": 2, "path": 3, "id": 2, "ids": 2, "value": 1}
    out, k = [], 1
    for what, var, extra in decoders:
        names = extra.split("\x00") if what == "relp" and extra else []
        out.append((what, var, k, names))
        k += widths[what] if what != "relp" else 2 + len(names)
    return out


def _node_columns(decoders: list[tuple[str, str, str]]) -> list[int]:
    """The result columns (after the key column) where a node's label and id start."""
    widths = {"node": 2, "rel": 2, "rels": 2, "path": 3, "id": 2, "ids": 2, "value": 1}
    out, k = [], 1
    for what, _, extra in decoders:
        if what == "node":
            out.append(k)
        k += widths[what] if what != "relp" else 2 + (len(extra.split("\x00")) if extra else 0)
    return out


def _node(d: Any) -> Node | None:
    if d is None:
        return None
    props = dict(d)
    label = props.pop("label", None)
    return Node(str(label), props)


def _rel(d: Any, offset: Any) -> Relationship:
    """A relationship from the engine's map of it and its offset in its type's table (its identity)."""
    props = dict(d)
    type_ = str(props.pop("type", None))
    return Relationship(type_, props, (type_, offset))
