"""The checks Neo4j makes before running a query: variable scopes and kinds, columns, aggregation, UNION.

:func:`check` walks a syntax tree (:func:`graphkit.cypher.parser.parse`) and raises a
:class:`QueryError` naming the problem in Neo4j's words (``UndefinedVariable``,
``VariableTypeConflict``, ``ColumnNameConflict``, ``DifferentColumnsInUnion``,
``NoExpressionAlias``, ``NestedAggregation``, ``InvalidAggregation``,
``AmbiguousAggregationExpression``, ``NonConstantExpression``,
``NegativeIntegerArgument``, ``UnexpectedSyntax`` ...): the errors the openCypher TCK
expects at compile time. It also says whether a query needs the graph at all
(:func:`needs_graph`).
"""

from __future__ import annotations

from typing import Any

from graphkit.cypher import temporal_ops as TO
from graphkit.cypher.evaluate import contains_aggregate, is_aggregate
from graphkit.cypher.functions import AGGREGATES, FUNCTIONS, GRAPH_FUNCTIONS
from graphkit.errors import QueryError

__all__ = ["check", "needs_graph", "SemanticError", "column_names"]


class SemanticError(QueryError):
    """A query Neo4j rejects before running it."""


_ARITY = {
    "count": (1, 1),
    "sum": (1, 1),
    "avg": (1, 1),
    "min": (1, 1),
    "max": (1, 1),
    "collect": (1, 1),
    "stdev": (1, 1),
    "stdevp": (1, 1),
    "percentilecont": (2, 2),
    "percentiledisc": (2, 2),
    "id": (1, 1),
    "elementid": (1, 1),
    "labels": (1, 1),
    "type": (1, 1),
    "nodes": (1, 1),
    "relationships": (1, 1),
    "startnode": (1, 1),
    "endnode": (1, 1),
    "length": (1, 1),
    "exists": (1, 1),
    "properties": (1, 1),
    "coalesce": (1, 10**6),
}


def _err(message: str, code: str) -> SemanticError:
    return SemanticError(f"{message} ({code})")


def column_names(items: list[tuple], star_names: list[str]) -> list[str]:
    """The columns a projection makes: ``RETURN *``'s variables, then each item's alias or text."""
    return list(star_names) + [
        alias if alias is not None else (e[1] if e[0] == "var" else text) for e, alias, text in items
    ]


def needs_graph(tree: tuple) -> bool:
    """Whether a query reads the graph (a MATCH, CALL, pattern, or a graph function)."""
    stack: list[Any] = [tree]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            if x and x[0] in ("match", "callproc", "update", "pattern", "patcomp", "haslabels"):
                return True
            if x and x[0] == "call" and len(x) == 5 and x[1] in GRAPH_FUNCTIONS:
                return True
            stack.extend(x[1:] if x and isinstance(x[0], str) else x)
        elif isinstance(x, list):
            stack.extend(x)
    return False


def _has_aggregate(e: Any) -> bool:
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple) and x and isinstance(x[0], str):
            if x[0] == "countstar" or (x[0] == "call" and len(x) == 5 and x[1] in AGGREGATES):
                return True
            stack.extend(x[1:])
        elif isinstance(x, list | tuple):
            stack.extend(x)
    return False


class _Checker:
    def __init__(self) -> None:
        self.scope: dict[str, str] = {}

    # -- expressions
    def expr(self, e: Any, scope: dict[str, str], *, in_agg: bool = False, predicate: bool = False) -> None:
        if not isinstance(e, tuple):
            return
        k = e[0]
        if k == "var":
            if e[1] not in scope:
                raise _err(f"variable '{e[1]}' is not defined", "UndefinedVariable")
            if predicate and scope.get(e[1]) in ("node", "rel", "path"):
                raise _err(f"`{e[1]}` is a {scope[e[1]]}, not a boolean predicate", "InvalidArgumentType")
            return
        if k in ("lit", "param", "countstar"):
            return
        if k == "call":
            _, name, distinct, args, text = e
            if name in AGGREGATES:
                if any(_calls(a, "rand") for a in args):
                    raise _err(f"{text}: rand() inside an aggregating function", "NonConstantExpression")
                if in_agg:
                    raise _err(f"{text}: an aggregating function inside another one", "NestedAggregation")
                for a in args:
                    self.expr(a, scope, in_agg=True)
                lo, hi = _ARITY[name]
                if not lo <= len(args) <= hi:
                    raise _err(f"wrong number of arguments to {name}()", "InvalidNumberOfArguments")
                return
            if (
                name not in FUNCTIONS
                and name not in GRAPH_FUNCTIONS
                and name != "coalesce"
                and not TO.is_temporal_function(name)
            ):
                raise _err(f"unknown function '{text.split('(')[0]}'", "UnknownFunction")
            spec = FUNCTIONS.get(name)
            lo, hi = (spec[0], spec[1]) if spec else _ARITY.get(name, (0, 10**6))
            if not lo <= len(args) <= hi:
                raise _err(f"wrong number of arguments to {text.split('(')[0]}()", "InvalidNumberOfArguments")
            if (
                name in ("type",)
                and args
                and args[0][0] == "var"
                and scope.get(args[0][1]) in ("node", "path")
            ):
                raise _err("type() takes a relationship, not a node", "InvalidArgumentType")
            if (
                name in ("labels",)
                and args
                and args[0][0] == "var"
                and scope.get(args[0][1]) in ("rel", "path")
            ):
                raise _err("labels() takes a node", "InvalidArgumentType")
            if name == "exists" and args and args[0][0] not in ("prop", "pattern"):
                raise _err("exists() takes a property or a pattern", "InvalidArgumentType")
            for a in args:
                self.expr(a, scope, in_agg=in_agg, predicate=name == "exists")
            return
        if k in ("listcomp", "quant", "reduce"):
            # Neo4j: "Can't use aggregating expressions inside of expressions executing over lists"
            inner_parts = [e[3], e[4]] if k == "listcomp" else [e[4]] if k == "quant" else [e[5]]
            if any(_has_aggregate(x) for x in inner_parts):
                raise _err(
                    "an aggregating function inside a list comprehension, quantifier or reduce()",
                    "InvalidAggregation",
                )
        if k in ("listcomp", "quant"):
            var, src, where = e[1], e[2], e[3]
            if k == "quant":
                var, src, where = e[2], e[3], e[4]
                if where is None:
                    raise _err(f"{e[1]}(...) needs a WHERE predicate", "UnexpectedSyntax")
            self.expr(src, scope, in_agg=in_agg)
            inner = {**scope, var: "value"}
            self.expr(where, inner, in_agg=in_agg)
            if k == "listcomp":
                self.expr(e[4], inner, in_agg=in_agg)
            return
        if k == "reduce":
            _, acc, init, var, src, body = e
            self.expr(init, scope, in_agg=in_agg)
            self.expr(src, scope, in_agg=in_agg)
            self.expr(body, {**scope, acc: "value", var: "value"}, in_agg=in_agg)
            return
        if k == "pattern":
            if not predicate:
                raise _err(
                    "a pattern expression can only be used as a predicate (in WHERE or exists())",
                    "UnexpectedSyntax",
                )
            self.pattern_vars(e[1], scope, introduce=False)
            return
        if k == "patcomp":
            inner = dict(scope)
            self.pattern_vars(e[2], inner, introduce=True)
            self.expr(e[3], inner, in_agg=in_agg)
            self.expr(e[4], inner, in_agg=in_agg)
            return
        if k == "map":
            for _, x in e[1]:
                self.expr(x, scope, in_agg=in_agg)
            return
        if k == "list":
            for x in e[1]:
                self.expr(x, scope, in_agg=in_agg)
            return
        if k == "mapproj":
            if e[1] not in scope:
                raise _err(f"variable '{e[1]}' is not defined", "UndefinedVariable")
            for item in e[2]:
                if item[0] == "kv":
                    self.expr(item[2], scope, in_agg=in_agg)
                elif item[0] == "var":
                    self.expr(("var", item[1]), scope)
            return
        if k == "case":
            self.expr(e[1], scope, in_agg=in_agg)
            for w, t in e[2]:
                self.expr(w, scope, in_agg=in_agg, predicate=e[1] is None)
                self.expr(t, scope, in_agg=in_agg)
            self.expr(e[3], scope, in_agg=in_agg)
            return
        if k == "haslabels":
            self.expr(e[1], scope, in_agg=in_agg)
            return
        pred = predicate and (k in ("not",) or (k == "op" and e[1] in ("AND", "OR", "XOR")))
        for x in e[1:]:
            if isinstance(x, tuple):
                self.expr(x, scope, in_agg=in_agg, predicate=pred)
            elif isinstance(x, list):
                for y in x:
                    if (
                        isinstance(y, tuple)
                        and len(y) == 2
                        and isinstance(y[0], str)
                        and isinstance(y[1], tuple)
                        and k == "cmpchain"
                    ):
                        self.expr(y[1], scope, in_agg=in_agg)
                    else:
                        self.expr(y, scope, in_agg=in_agg)

    # -- patterns
    def pattern_vars(
        self, chain: list, scope: dict[str, str], *, introduce: bool, seen_rels: set | None = None
    ) -> None:
        for el in chain:
            if el[0] == "node":
                var, props = el[1], el[3]
                if var is not None:
                    kind = scope.get(var)
                    if kind is None and not introduce:
                        raise _err(
                            f"a pattern expression cannot introduce the new variable `{var}`",
                            "UndefinedVariable",
                        )
                    if kind is not None and kind not in ("node", "any"):
                        raise _err(f"`{var}` is a {kind}, not a node", "VariableTypeConflict")
                    scope[var] = "node"
                self.expr(props, scope)
            else:
                var, props, length = el[1], el[3], el[4]
                if var is not None:
                    kind = scope.get(var)
                    want = "rels" if length is not None else "rel"
                    if kind is None and not introduce:
                        raise _err(
                            f"a pattern expression cannot introduce the new variable `{var}`",
                            "UndefinedVariable",
                        )
                    if kind is not None and kind not in (want, "any"):
                        raise _err(f"`{var}` is a {kind}, not a relationship", "VariableTypeConflict")
                    if seen_rels is not None:
                        if var in seen_rels:
                            raise _err(
                                f"the relationship variable `{var}` is used twice in one pattern",
                                "RelationshipUniquenessViolation",
                            )
                        seen_rels.add(var)
                    scope[var] = want
                self.expr(props, scope)

    # -- clauses
    def single(self, clauses: list[tuple], outer: dict[str, str]) -> list[str] | None:
        scope = dict(outer)
        columns = None
        for n, c in enumerate(clauses):
            k = c[0]
            last = n == len(clauses) - 1
            if k == "match":
                _, optional, parts, where = c
                seen: set[str] = set()
                for part in parts:
                    pvar, chain = part[1], part[2]
                    if pvar is not None and pvar in scope:
                        raise _err(
                            f"`{pvar}` is already bound; a path variable must be new",
                            "VariableAlreadyBound",
                        )
                    self.pattern_vars(chain, scope, introduce=True, seen_rels=seen)
                    if pvar is not None:
                        if pvar in scope:
                            raise _err(
                                f"`{pvar}` is used as a path and as a node or relationship",
                                "VariableAlreadyBound",
                            )
                        scope[pvar] = "path"
                if where is not None:
                    if contains_aggregate(where):
                        raise _err("aggregating functions are not allowed in WHERE", "InvalidAggregation")
                    self.expr(where, scope, predicate=True)
            elif k == "unwind":
                self.expr(c[1], scope)
                if contains_aggregate(c[1]):
                    raise _err("aggregating functions are not allowed in UNWIND", "InvalidAggregation")
                if c[2] in scope:
                    raise _err(f"variable `{c[2]}` already declared", "VariableAlreadyBound")
                scope[c[2]] = "value"
            elif k in ("with", "return"):
                scope, columns = self.projection(c, scope, is_with=k == "with")
                if k == "return" and not last:
                    raise _err("RETURN must be the last clause", "InvalidClauseComposition")
            elif k == "callproc":
                raise QueryError(
                    f"CALL {c[1]}: procedures are not supported by graphkit's engine (ProcedureError)"
                )
            elif k == "update":
                raise QueryError(
                    f"the embedded engine only reads: queries cannot change the dataset ({c[1]} is refused; "
                    "edit the dataset's files instead)"
                )
        if clauses[-1][0] not in ("return",):
            raise _err(
                f"a query cannot end with {clauses[-1][0].upper()}: add a RETURN", "InvalidClauseComposition"
            )
        return columns

    def projection(
        self, c: tuple, scope: dict[str, str], *, is_with: bool
    ) -> tuple[dict[str, str], list[str]]:
        _, distinct, star, items, order, skip, limit, where = c
        if star and not scope:
            raise _err("RETURN * / WITH * with no variables in scope", "NoVariablesInScope")
        new: dict[str, str] = {k: v for k, v in scope.items()} if star else {}
        aggregating = False
        grouping: list[tuple] = []
        for e, alias, text in items:
            self.expr(e, scope)
            if contains_aggregate(e):
                aggregating = True
            else:
                grouping.append(e)
            if is_with and alias is None and e[0] != "var":
                raise _err(f"expression in WITH must be aliased (use AS): {text}", "NoExpressionAlias")
        names = column_names(items, sorted(scope) if star else [])
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise _err(f"multiple result columns with the same name `{dup}`", "ColumnNameConflict")
        if aggregating:
            for e, _alias, _text in items:
                if contains_aggregate(e) and not is_aggregate(e):
                    self._ambiguous(e, grouping, scope)
        for (e, _alias, _text), name in zip(items, names[len(names) - len(items) :], strict=True):
            # null and parameters have no type Neo4j knows at compile time: usable as a node later
            kind = (
                scope.get(e[1], "value")
                if e[0] == "var"
                else "any"
                if e in (("lit", None),) or e[0] == "param"
                else "value"
            )
            new[name] = kind
        if order:
            oscope = new if (distinct or aggregating) else {**scope, **new}
            for e, _desc in order:
                if (distinct or aggregating) and any(e == ie for ie, _, _ in items):
                    continue
                if contains_aggregate(e) and not aggregating:
                    raise _err(
                        "ORDER BY uses an aggregating function the projection does not have",
                        "InvalidAggregation",
                    )
                if contains_aggregate(e) and aggregating:
                    self.expr(e, {**scope, **new})
                    continue
                try:
                    self.expr(e, oscope)
                except SemanticError:
                    if distinct or aggregating:
                        raise _err(
                            "ORDER BY after DISTINCT or an aggregation can only use the projected columns",
                            "UndefinedVariable",
                        ) from None
                    raise
        for what, x in (("SKIP", skip), ("LIMIT", limit)):
            if x is None:
                continue
            if _has_vars(x):
                raise _err(f"{what} takes a constant expression, not a variable", "NonConstantExpression")
            if x[0] == "lit":
                v = x[1]
                if isinstance(v, bool) or not isinstance(v, int):
                    raise _err(f"{what} takes an integer, not {v!r}", "InvalidArgumentType")
                if v < 0:
                    raise _err(f"{what} takes a non-negative integer, not {v}", "NegativeIntegerArgument")
            if x[0] == "neg" and x[1][0] == "lit":
                raise _err(f"{what} takes a non-negative integer", "NegativeIntegerArgument")
        if where is not None:
            if contains_aggregate(where):
                raise _err("aggregating functions are not allowed in WHERE", "InvalidAggregation")
            self.expr(where, new, predicate=True)
        return new, names

    def _ambiguous(self, e: tuple, grouping: list[tuple], scope: dict[str, str]) -> None:
        stack = [e]
        while stack:
            x = stack.pop()
            if not isinstance(x, tuple):
                if isinstance(x, list):
                    stack.extend(x)
                continue
            if is_aggregate(x):
                continue
            if x in grouping:
                continue
            if x[0] == "var":
                raise _err(
                    f"`{x[1]}` is used beside an aggregating function without being a grouping key",
                    "AmbiguousAggregationExpression",
                )
            if x[0] in ("listcomp", "quant", "reduce"):
                continue
            stack.extend(x[1:])


def _calls(e: Any, name: str) -> bool:
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            if x and x[0] == "call" and x[1] == name:
                return True
            stack.extend(x[1:])
        elif isinstance(x, list):
            stack.extend(x)
    return False


def _has_vars(e: Any) -> bool:
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            if x and x[0] in ("var", "countstar") or (x and x[0] == "call" and x[1] in ("rand",)):
                return True
            stack.extend(x[1:])
        elif isinstance(x, list):
            stack.extend(x)
    return False


def check(tree: tuple, params: dict[str, Any] | None = None) -> list[str]:
    """Raise the error Neo4j would raise before running ``tree``; return its result columns."""
    _, parts, alls = tree
    if alls and any(alls) and not all(alls):
        raise _err("UNION and UNION ALL cannot be mixed in one query", "InvalidClauseComposition")
    columns: list[str] | None = None
    for part in parts:
        cols = _Checker().single(part, {})
        if columns is not None and cols != columns:
            raise _err("all parts of a UNION must return the same columns", "DifferentColumnsInUnion")
        columns = cols
    return columns or []
