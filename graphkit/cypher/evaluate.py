"""Cypher expressions evaluated in Python, with Neo4j's semantics for nulls, types and errors.

:func:`evaluate` computes one expression of the syntax tree (:mod:`graphkit.cypher.parser`)
for one row (a dict of variable values). Anything Neo4j treats as a type error raises
:class:`~graphkit.cypher.values.CypherTypeError`; arithmetic past 64 bits raises an
overflow error; nothing answers silently with a guess.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

from graphkit.cypher import temporal as T
from graphkit.cypher import temporal_ops as TO
from graphkit.cypher.functions import AGGREGATES, FUNCTIONS, int_arg
from graphkit.cypher.values import (
    CypherTypeError,
    Node,
    Path,
    Relationship,
    check_int,
    compare,
    equals,
    from_graph,
    is_number,
    short_text,
    type_error,
    type_name,
)
from graphkit.errors import QueryError
from graphkit.stores.limits import QueryLimits, QueryStopped

__all__ = [
    "Context",
    "evaluate",
    "compiled",
    "arithmetic",
    "is_aggregate",
    "contains_aggregate",
    "walk",
    "has_patterns",
    "MAX_CELLS",
    "MAX_STRING",
]


def walk(e: Any) -> Any:
    """Every node (tuple) of a syntax tree or of a list of them, depth first."""
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            yield x
            stack.extend(x[1:] if x and isinstance(x[0], str) else x)
        elif isinstance(x, list):
            stack.extend(x)


def has_patterns(clause: tuple) -> bool:
    """Whether a clause holds a pattern predicate or a pattern comprehension (the engine's work)."""
    return any(x[0] in ("pattern", "patcomp") for x in walk(list(clause[1:])))


#: The most list elements and rows one query may make (a memory bound).
MAX_CELLS = 10_000_000
#: The longest string one query may make (characters).
MAX_STRING = 50_000_000


class Context:
    """What an evaluation needs besides the row: the parameters and precomputed aggregates."""

    def __init__(self, params: dict[str, Any], limits: QueryLimits | None = None) -> None:
        self.params = params
        self.aggregates: dict[int, Any] = {}
        self.compiled: dict[int, Any] = {}
        self.limits = limits or QueryLimits(timeout=None, max_memory=None)
        t = self.limits.timeout
        self.deadline = time.monotonic() + t if t else None
        self.cells = 0

    def spend(self, n: int) -> None:
        """Count ``n`` values made; stop the query past its time limit or :data:`MAX_CELLS` (a memory bound)."""
        self.cells += n
        if self.cells > MAX_CELLS:
            raise QueryStopped(self.limits, "memory")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryStopped(self.limits, "time")


def compiled(e: tuple, ctx: Context) -> Any:
    """``e`` as a function of ``(row, ctx)`` giving what :func:`evaluate` gives, faster on many rows.

    The frequent kinds (literals, variables, parameters, properties, arithmetic, comparisons,
    ``CASE``, ``IS NULL``, function calls) become closures over the same helpers
    :func:`evaluate` uses; every other kind is handed to :func:`evaluate` itself.
    """
    key = id(e)
    got = ctx.compiled.get(key)
    if got is not None and got[0] is e:
        return got[1]
    f = _compile(e, ctx)
    ctx.compiled[key] = (e, f)  # ``e`` kept alive: its id is never reused for another expression
    return f


def _compile(e: tuple, ctx: Context) -> Any:
    k = e[0]
    if k == "lit":
        value = e[1]
        return lambda row, ctx: value
    if k == "var":
        name = e[1]

        def var(row: dict[str, Any], ctx: Context) -> Any:
            try:
                return row[name]
            except KeyError:
                raise QueryError(f"variable '{name}' is not defined (UndefinedVariable)") from None

        return var
    if k == "prop":
        inner, key = compiled(e[1], ctx), e[2]
        return lambda row, ctx: _property(inner(row, ctx), key)
    if k == "op" and e[1] not in ("AND", "OR", "XOR"):
        op, fa, fb = e[1], compiled(e[2], ctx), compiled(e[3], ctx)
        return lambda row, ctx: arithmetic(op, fa(row, ctx), fb(row, ctx))
    if k == "cmp":
        op, fa, fb = e[1], compiled(e[2], ctx), compiled(e[3], ctx)
        return lambda row, ctx: _cmp(op, fa(row, ctx), fb(row, ctx))
    if k == "op":  # AND, OR, XOR: both sides evaluated, as _binary does
        op, fa, fb = e[1], compiled(e[2], ctx), compiled(e[3], ctx)
        return lambda row, ctx: _logic(op, _truth(fa(row, ctx), op), _truth(fb(row, ctx), op))
    if k == "not":
        inner = compiled(e[1], ctx)

        def negation(row: dict[str, Any], ctx: Context) -> Any:
            v = _truth(inner(row, ctx), "NOT")
            return None if v is None else not v

        return negation
    if k == "isnull":
        inner, negated = compiled(e[1], ctx), e[2]
        return lambda row, ctx: (inner(row, ctx) is not None) if negated else (inner(row, ctx) is None)
    if k == "case" and e[1] is not None:
        subject = compiled(e[1], ctx)
        whens = [(compiled(w, ctx), compiled(t, ctx)) for w, t in e[2]]
        other = compiled(e[3], ctx) if e[3] is not None else None

        def simple_case(row: dict[str, Any], ctx: Context) -> Any:
            v = subject(row, ctx)
            for w, t in whens:
                if equals(v, w(row, ctx)) is True:
                    return t(row, ctx)
            return other(row, ctx) if other is not None else None

        return simple_case
    if k == "call" and len(e) == 5 and e[1] not in AGGREGATES and e[1] != "coalesce":
        fargs = [compiled(a, ctx) for a in e[3]]
        return lambda row, ctx: _apply(e, [f(row, ctx) for f in fargs], ctx)
    return lambda row, ctx: evaluate(e, row, ctx)


def is_aggregate(e: Any) -> bool:
    return isinstance(e, tuple) and (e[0] == "countstar" or (e[0] == "call" and e[1] in AGGREGATES))


def contains_aggregate(e: Any) -> bool:
    """Whether an expression has an aggregating call outside any nested scope of its own."""
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            if is_aggregate(x):
                return True
            stack.extend(x[1:])
        elif isinstance(x, list):
            stack.extend(x)
    return False


def _truth(v: Any, what: str) -> bool | None:
    if v is None or isinstance(v, bool):
        return v
    raise type_error(what, v)


def evaluate(e: tuple, row: dict[str, Any], ctx: Context) -> Any:
    """The value of expression ``e`` in ``row``."""
    k = e[0]
    if k == "lit":
        return e[1]
    if k == "var":
        try:
            return row[e[1]]
        except KeyError:
            raise QueryError(f"variable '{e[1]}' is not defined (UndefinedVariable)") from None
    if k == "param":
        if e[1] not in ctx.params:
            raise QueryError(f"expected a parameter named ${e[1]} (ParameterMissing)")
        return ctx.params[e[1]]
    # the most frequent kinds first (rows of graph queries evaluate these millions of times)
    if k == "prop":
        return _property(evaluate(e[1], row, ctx), e[2])
    if k == "call" and e[1] not in AGGREGATES:
        return _call(e, row, ctx)
    if k == "op":
        return _binary(e[1], e[2], e[3], row, ctx)
    if k == "case":
        if e[1] is not None:
            subject = evaluate(e[1], row, ctx)
            for w, t in e[2]:
                if equals(subject, evaluate(w, row, ctx)) is True:
                    return evaluate(t, row, ctx)
        else:
            for w, t in e[2]:
                c = evaluate(w, row, ctx)
                if c is True:
                    return evaluate(t, row, ctx)
                if c is not None and not isinstance(c, bool):
                    raise type_error("CASE WHEN", c)
        return evaluate(e[3], row, ctx) if e[3] is not None else None

    if k == "cmp":
        return _cmp(e[1], evaluate(e[2], row, ctx), evaluate(e[3], row, ctx))
    if k == "cmpchain":
        left = evaluate(e[1], row, ctx)
        result: bool | None = True
        for op, rhs in e[2]:
            right = evaluate(rhs, row, ctx)
            r = _cmp(op, left, right)
            if r is False:
                return False
            if r is None:
                result = None
            left = right
        return result
    if k == "not":
        v = _truth(evaluate(e[1], row, ctx), "NOT")
        return None if v is None else not v
    if k == "neg":
        v = evaluate(e[1], row, ctx)
        if v is None:
            return None
        if isinstance(v, bool) or not (is_number(v) or isinstance(v, T.Duration)):
            raise type_error("unary minus", v)
        if isinstance(v, int):
            return check_int(-v)
        return -v
    if k == "pos":
        v = evaluate(e[1], row, ctx)
        if v is not None and (isinstance(v, bool) or not (is_number(v) or isinstance(v, T.Duration))):
            raise type_error("unary plus", v)
        return v
    if k == "isnull":
        v = evaluate(e[1], row, ctx)
        return (v is not None) if e[2] else (v is None)
    if k == "index":
        return _index(evaluate(e[1], row, ctx), evaluate(e[2], row, ctx))
    if k == "slice":
        v = evaluate(e[1], row, ctx)
        lo = evaluate(e[2], row, ctx) if e[2] is not None else 0
        hi = evaluate(e[3], row, ctx) if e[3] is not None else None
        if v is None:
            return None
        if not isinstance(v, list):
            raise type_error("a slice [a..b]", v)
        if (e[2] is not None and lo is None) or (e[3] is not None and hi is None):
            return None
        for b in (lo, hi):
            if b is not None and (isinstance(b, bool) or not isinstance(b, int)):
                raise type_error("a slice bound", b)
        n = len(v)
        lo = max(0, lo + n if lo < 0 else lo)
        hi = n if hi is None else max(0, hi + n if hi < 0 else hi)
        return v[lo:hi]
    if k == "list":
        ctx.spend(len(e[1]))
        return [evaluate(x, row, ctx) for x in e[1]]
    if k == "map":
        return {key: evaluate(x, row, ctx) for key, x in e[1]}
    if k == "strpred":
        a, b = evaluate(e[2], row, ctx), evaluate(e[3], row, ctx)
        if not isinstance(a, str) or not isinstance(b, str):
            return None
        op = e[1]
        if op == "STARTS WITH":
            return a.startswith(b)
        if op == "ENDS WITH":
            return a.endswith(b)
        if op == "CONTAINS":
            return b in a
        try:
            return re.fullmatch(b, a, re.DOTALL) is not None
        except re.error as exc:
            raise QueryError(f"invalid regular expression {b!r}: {exc} (InvalidArgumentValue)") from None
    if k == "in":
        a, lst = evaluate(e[1], row, ctx), evaluate(e[2], row, ctx)
        if lst is None:
            return None
        if not isinstance(lst, list):
            raise type_error("IN", lst)
        unknown = False
        for x in lst:
            r = equals(a, x)
            if r is True:
                return True
            if r is None:
                unknown = True
        return None if unknown else False
    if k == "listcomp":
        _, var, src, where, proj = e
        lst = evaluate(src, row, ctx)
        if lst is None:
            return None
        if not isinstance(lst, list):
            raise type_error("a list comprehension", lst)
        out_list = []
        inner = dict(row)
        ctx.spend(len(lst) + 1)
        deadline = ctx.deadline
        for x in lst:
            if deadline is not None and time.monotonic() > deadline:
                ctx.spend(0)
            inner[var] = x
            if where is not None and _truth(evaluate(where, inner, ctx), "WHERE") is not True:
                continue
            out_list.append(evaluate(proj, inner, ctx) if proj is not None else x)
        return out_list
    if k == "quant":
        return _quantifier(e, row, ctx)
    if k == "reduce":
        _, acc, init, var, src, body = e
        lst = evaluate(src, row, ctx)
        value = evaluate(init, row, ctx)
        if lst is None:
            return None
        if not isinstance(lst, list):
            raise type_error("reduce()", lst)
        inner = dict(row)
        ctx.spend(len(lst) + 1)
        deadline = ctx.deadline
        for x in lst:
            if deadline is not None and time.monotonic() > deadline:
                ctx.spend(0)
            inner[acc] = value
            inner[var] = x
            value = evaluate(body, inner, ctx)
        return value
    if k == "countstar" or (k == "call" and e[1] in AGGREGATES):
        try:
            return ctx.aggregates[id(e)]
        except KeyError:
            raise QueryError("an aggregating function cannot be used here (InvalidAggregation)") from None
    if k == "call":
        return _call(e, row, ctx)
    if k == "mapproj":
        base = row.get(e[1])
        if base is None:
            return None
        if isinstance(base, Node | Relationship):
            base = {k: from_graph(v) for k, v in base.props.items()}
        if not isinstance(base, dict):
            raise type_error("a map projection", base)
        out: dict[str, Any] = {}
        for item in e[2]:
            if item[0] == "all":
                out.update(base)
            elif item[0] == "prop":
                out[item[1]] = base.get(item[1])
            elif item[0] == "kv":
                out[item[1]] = evaluate(item[2], row, ctx)
            else:
                out[item[1]] = evaluate(("var", item[1]), row, ctx)
        return out
    if k == "haslabels":
        v = evaluate(e[1], row, ctx)
        if v is None:
            return None
        if not isinstance(v, Node):
            raise type_error("a label expression (n:Label)", v)
        return all(label == v.label for label in e[2])
    raise QueryError(f"{_construct(k)} cannot be evaluated without a graph")


def _construct(kind: str) -> str:
    return {
        "pattern": "a pattern expression",
        "patcomp": "a pattern comprehension",
        "haslabels": "a label expression (n:Label)",
    }.get(kind, kind)


def _quantifier(e: tuple, row: dict[str, Any], ctx: Context) -> bool | None:
    _, kind, var, src, where = e
    lst = evaluate(src, row, ctx)
    if lst is None:
        return None
    if not isinstance(lst, list):
        raise type_error(f"{kind}()", lst)
    trues = nulls = 0
    inner = dict(row)
    ctx.spend(len(lst) + 1)
    deadline = ctx.deadline
    for x in lst:
        if deadline is not None and time.monotonic() > deadline:
            ctx.spend(0)
        inner[var] = x
        r = _truth(evaluate(where, inner, ctx), f"{kind}() WHERE") if where is not None else _truth(x, kind)
        if r is True:
            trues += 1
            if kind == "any":
                return True
            if kind == "none":
                return False
            if kind == "single" and trues > 1:
                return False
        elif r is None:
            nulls += 1
        elif kind == "all":
            return False
    if kind == "any":
        return None if nulls else False
    if kind == "all":
        return None if nulls else True
    if kind == "none":
        return None if nulls else True
    if nulls:
        return None
    return trues == 1


def _cmp(op: str, a: Any, b: Any) -> bool | None:
    if op == "=":
        return equals(a, b)
    if op == "<>":
        r = equals(a, b)
        return None if r is None else not r
    if (
        isinstance(a, float)
        and math.isnan(a)
        and is_number(b)
        or isinstance(b, float)
        and math.isnan(b)
        and is_number(a)
    ):
        return False
    c = compare(a, b)
    if c is None:
        return None
    return {"<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]


def _binary(op: str, ea: tuple, eb: tuple, row: dict[str, Any], ctx: Context) -> Any:
    if op in ("AND", "OR", "XOR"):
        return _logic(op, _truth(evaluate(ea, row, ctx), op), _truth(evaluate(eb, row, ctx), op))
    return arithmetic(op, evaluate(ea, row, ctx), evaluate(eb, row, ctx))


def _logic(op: str, a: bool | None, b: bool | None) -> bool | None:
    """``a AND b``, ``a OR b``, ``a XOR b`` in three-valued logic."""
    if op == "AND":
        if a is False or b is False:
            return False
        return None if a is None or b is None else True
    if op == "OR":
        if a is True or b is True:
            return True
        return None if a is None or b is None else False
    return None if a is None or b is None else a != b


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """``a op b`` for ``+ - * / % ^`` with Neo4j's types, nulls and overflow errors."""
    if op == "+":
        if isinstance(a, list) and isinstance(b, list):
            if len(a) + len(b) > MAX_CELLS:
                raise MemoryError(f"a list of more than {MAX_CELLS:,} elements")
            return a + b
        # a list and null: null is appended (the TCK, expressions/quantifier, relies on it)
        if isinstance(a, list):
            return a + [b]
        if isinstance(b, list):
            return [a] + b
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            if op == "+":
                return check_int(a + b)
            if op == "-":
                return check_int(a - b)
            if op == "*":
                return check_int(a * b)
            if op == "/":
                if b == 0:
                    raise QueryError("/ by zero (ArithmeticError)")
                q = abs(a) // abs(b)
                return check_int(q if (a >= 0) == (b >= 0) else -q)
            if op == "%":
                if b == 0:
                    raise QueryError("/ by zero (ArithmeticError)")
                return int(math.fmod(a, b)) if abs(a) < 2**52 else (abs(a) % abs(b)) * (1 if a >= 0 else -1)
            if op == "^":
                try:
                    return float(a) ** float(b)
                except (OverflowError, ZeroDivisionError):
                    return math.inf
        x, y = float(a), float(b)
        try:
            if op == "+":
                return x + y
            if op == "-":
                return x - y
            if op == "*":
                return x * y
            if op == "/":
                if y == 0:
                    return (
                        math.nan
                        if x == 0 or math.isnan(x)
                        else math.copysign(math.inf, x) * math.copysign(1, y)
                    )
                return x / y
            if op == "%":
                return math.nan if y == 0 else math.fmod(x, y)
            if op == "^":
                r = x**y
                return r if not isinstance(r, complex) else math.nan
        except OverflowError:
            return math.inf
        except ZeroDivisionError:
            return math.inf
    if op == "+" and isinstance(a, str) and isinstance(b, str):
        if len(a) + len(b) > MAX_STRING:
            raise MemoryError(f"a string of more than {MAX_STRING:,} characters")
        return a + b
    if op == "+" and (isinstance(a, str) or isinstance(b, str)):
        raise QueryError(
            f"`+` of a {type_name(a)} and a {type_name(b)} is refused (Neo4j joins some of these as text): "
            "convert the other side with toString() first, which runs on Neo4j too"
        )
    if isinstance(a, T.Temporal) or isinstance(b, T.Temporal):
        return TO.arithmetic(op, a, b)
    raise CypherTypeError(
        f"type error: cannot compute {type_name(a)} {op} {type_name(b)} ({short_text(a)} {op} {short_text(b)}) (InvalidArgumentType)"
    )


def _property(v: Any, key: str) -> Any:
    if v is None:
        return None
    if isinstance(v, Node | Relationship):
        return from_graph(v.props.get(key))
    if isinstance(v, dict):
        return v.get(key)
    if isinstance(v, T.Temporal):
        return v.accessor(key)
    raise type_error(f"property access .{key}", v)


def _index(v: Any, i: Any) -> Any:
    if v is None or i is None:
        return None
    if isinstance(v, list):
        if isinstance(i, bool) or not isinstance(i, int):
            raise type_error("a list index", i)
        if -len(v) <= i < len(v):
            return v[i]
        return None
    if isinstance(v, dict):
        if not isinstance(i, str):
            raise type_error("a map key", i, "MapElementAccessByNonString")
        return v.get(i)
    raise type_error("indexing [ ]", v)


def _call(e: tuple, row: dict[str, Any], ctx: Context) -> Any:
    _, name, distinct, args, text = e
    if name == "coalesce":
        for a in args:
            v = evaluate(a, row, ctx)
            if v is not None:
                return v
        return None
    return _apply(e, [evaluate(a, row, ctx) for a in args], ctx)


def _apply(e: tuple, values: list[Any], ctx: Context) -> Any:
    """A (non-aggregating, non-``coalesce``) function call ``e`` on its argument values."""
    _, name, distinct, args, text = e
    spec = FUNCTIONS.get(name)
    if name in _GRAPH_CALLS:
        if len(values) != 1:
            raise QueryError(f"wrong number of arguments to {name}() (InvalidNumberOfArguments)")
        return _graph_call(name, values[0])
    if name == "range":
        ctx.spend(0)
    if spec is None:
        if TO.is_temporal_function(name):
            return TO.call(name, values)
        raise QueryError(f"unknown function '{text.split('(')[0]}' (UnknownFunction)")
    lo, hi, f, null_in_null_out = spec
    if not lo <= len(values) <= hi:
        raise QueryError(f"wrong number of arguments to {text.split('(')[0]}() (InvalidNumberOfArguments)")
    if name in ("left", "right", "substring") and values[0] is None:
        if any(v is None for v in values[1:]):
            raise QueryError(f"{name}(): a null length or start (InvalidArgumentType)")
        for v in values[1:]:
            int_arg(name, v)
        return None
    if name == "range" and any(v is None for v in values):
        raise type_error("range()", None)
    if null_in_null_out and any(v is None for v in values[:1]):
        return None
    if null_in_null_out and any(v is None for v in values):
        return None
    return f(*values)


_GRAPH_CALLS = frozenset({"labels", "type", "nodes", "relationships", "length", "properties", "keys", "size"})


def _graph_call(name: str, v: Any) -> Any:
    """The functions of nodes, relationships and paths (Cypher Manual, "Scalar functions", "List functions")."""
    if v is None:
        return None
    if name == "labels" and isinstance(v, Node):
        return [v.label]
    if name == "type" and isinstance(v, Relationship):
        return v.type
    if name in ("nodes", "relationships", "length") and isinstance(v, Path):
        if name == "nodes":
            return list(v.nodes)
        if name == "relationships":
            return list(v.rels)
        return len(v.rels)
    if name in ("properties", "keys") and isinstance(v, Node | Relationship):
        props = {k: from_graph(x) for k, x in v.props.items() if x is not None}
        return props if name == "properties" else list(props)
    if name in ("keys", "properties", "size"):
        if name == "size" and isinstance(v, Path):
            raise type_error("size()", v)
        spec = FUNCTIONS.get(name)
        if spec is not None:
            return spec[2](v)
        if name == "properties" and isinstance(v, dict):
            return v
    raise type_error(f"{name}()", v)
