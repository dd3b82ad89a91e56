"""Cypher expressions evaluated in Python, with Neo4j's semantics for nulls, types and errors.

:func:`evaluate` computes one expression of the syntax tree (:mod:`graphkit.cypher.parser`)
for one row (a dict of variable values). Anything Neo4j treats as a type error raises
:class:`~graphkit.cypher.values.CypherTypeError`; arithmetic past 64 bits raises an
overflow error; nothing answers silently with a guess.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Callable
from typing import Any

from graphkit.cypher import temporal as T
from graphkit.cypher.values import (
    CypherTypeError,
    check_int,
    compare,
    equals,
    is_number,
    sort_cmp,
    type_name,
)
from graphkit.errors import QueryError

__all__ = ["Context", "evaluate", "FUNCTIONS", "AGGREGATES", "GRAPH_FUNCTIONS", "is_aggregate", "contains_aggregate", "java_float_text"]

#: The most list elements and rows one query may make (a memory bound).
MAX_CELLS = 30_000_000
#: The longest string one query may make (characters).
MAX_STRING = 50_000_000

AGGREGATES = frozenset({"count", "sum", "avg", "min", "max", "collect", "stdev", "stdevp", "percentilecont", "percentiledisc"})
#: Functions that need the graph (nodes, relationships, paths): the interpreter never runs them.
GRAPH_FUNCTIONS = frozenset({"id", "elementid", "labels", "type", "nodes", "relationships", "startnode", "endnode",
                             "length", "exists", "shortestpath", "allshortestpaths", "properties"})


class Context:
    """What an evaluation needs besides the row: the parameters and precomputed aggregates."""

    def __init__(self, params: dict[str, Any], deadline: float | None = None) -> None:
        self.params = params
        self.aggregates: dict[int, Any] = {}
        self.deadline = deadline
        self.cells = 0

    def spend(self, n: int) -> None:
        """Count ``n`` values made; stop the query past the time limit or :data:`MAX_CELLS`."""
        self.cells += n
        if self.cells > MAX_CELLS:
            raise QueryError(
                f"the query makes more than {MAX_CELLS:,} list elements: narrow the ranges or lists it builds"
            )
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryError("the query ran past its time limit")


def _bad(what: str, v: Any, code: str = "InvalidArgumentType") -> CypherTypeError:
    return CypherTypeError(f"type error: {what} does not accept {type_name(v)} ({_short(v)}) ({code})")


def _short(v: Any) -> str:
    s = repr(v)
    return s if len(s) < 60 else s[:57] + "..."


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
    raise _bad(what, v)


def evaluate(e: tuple, row: dict[str, Any], ctx: Context) -> Any:
    """The value of expression ``e`` in ``row``."""
    k = e[0]
    if k == "lit":
        return e[1]
    if k == "var":
        try:
            return row[e[1]]
        except KeyError:
            raise QueryError(f"variable `{e[1]}` not defined (UndefinedVariable)") from None
    if k == "param":
        if e[1] not in ctx.params:
            raise QueryError(f"expected a parameter named ${e[1]} (ParameterMissing)")
        return ctx.params[e[1]]
    if k == "op":
        return _binary(e[1], e[2], e[3], row, ctx)
    if k == "cmp":
        return _cmp(e[1], evaluate(e[2], row, ctx), evaluate(e[3], row, ctx))
    if k == "cmpchain":
        left = evaluate(e[1], row, ctx)
        out: bool | None = True
        for op, rhs in e[2]:
            right = evaluate(rhs, row, ctx)
            r = _cmp(op, left, right)
            if r is False:
                return False
            if r is None:
                out = None
            left = right
        return out
    if k == "not":
        v = _truth(evaluate(e[1], row, ctx), "NOT")
        return None if v is None else not v
    if k == "neg":
        v = evaluate(e[1], row, ctx)
        if v is None:
            return None
        if isinstance(v, bool) or not (is_number(v) or isinstance(v, T.Duration)):
            raise _bad("unary minus", v)
        if isinstance(v, int):
            return check_int(-v)
        return -v
    if k == "pos":
        v = evaluate(e[1], row, ctx)
        if v is not None and (isinstance(v, bool) or not (is_number(v) or isinstance(v, T.Duration))):
            raise _bad("unary plus", v)
        return v
    if k == "isnull":
        v = evaluate(e[1], row, ctx)
        return (v is not None) if e[2] else (v is None)
    if k == "prop":
        return _property(evaluate(e[1], row, ctx), e[2])
    if k == "index":
        return _index(evaluate(e[1], row, ctx), evaluate(e[2], row, ctx))
    if k == "slice":
        v = evaluate(e[1], row, ctx)
        lo = evaluate(e[2], row, ctx) if e[2] is not None else 0
        hi = evaluate(e[3], row, ctx) if e[3] is not None else None
        if v is None:
            return None
        if not isinstance(v, list):
            raise _bad("a slice [a..b]", v)
        if (e[2] is not None and lo is None) or (e[3] is not None and hi is None):
            return None
        for b in (lo, hi):
            if b is not None and (isinstance(b, bool) or not isinstance(b, int)):
                raise _bad("a slice bound", b)
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
            raise _bad("IN", lst)
        unknown = False
        for x in lst:
            r = equals(a, x)
            if r is True:
                return True
            if r is None:
                unknown = True
        return None if unknown else False
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
                    raise _bad("CASE WHEN", c)
        return evaluate(e[3], row, ctx) if e[3] is not None else None
    if k == "listcomp":
        _, var, src, where, proj = e
        lst = evaluate(src, row, ctx)
        if lst is None:
            return None
        if not isinstance(lst, list):
            raise _bad("a list comprehension", lst)
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
            raise _bad("reduce()", lst)
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
        if not isinstance(base, dict):
            raise _bad("a map projection", base)
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
        raise _bad(f"{kind}()", lst)
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
    if isinstance(a, float) and math.isnan(a) and is_number(b) or isinstance(b, float) and math.isnan(b) and is_number(a):
        return False
    c = compare(a, b)
    if c is None:
        return None
    return {"<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]


def _binary(op: str, ea: tuple, eb: tuple, row: dict[str, Any], ctx: Context) -> Any:
    if op in ("AND", "OR", "XOR"):
        a = _truth(evaluate(ea, row, ctx), op)
        b = _truth(evaluate(eb, row, ctx), op)
        if op == "AND":
            if a is False or b is False:
                return False
            return None if a is None or b is None else True
        if op == "OR":
            if a is True or b is True:
                return True
            return None if a is None or b is None else False
        return None if a is None or b is None else a != b
    return arithmetic(op, evaluate(ea, row, ctx), evaluate(eb, row, ctx))


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """``a op b`` for ``+ - * / % ^`` with Neo4j's types, nulls and overflow errors."""
    if op == "+":
        if isinstance(a, list) and isinstance(b, list):
            if len(a) + len(b) > MAX_CELLS:
                raise QueryError(f"a list of more than {MAX_CELLS:,} elements: narrow the query")
            return a + b
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
                    return math.nan if x == 0 or math.isnan(x) else math.copysign(math.inf, x) * math.copysign(1, y)
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
            raise QueryError(f"a string of more than {MAX_STRING:,} characters: narrow the query")
        return a + b
    if isinstance(a, T.Temporal) or isinstance(b, T.Temporal):
        return T.arithmetic(op, a, b)
    raise CypherTypeError(
        f"type error: cannot compute {type_name(a)} {op} {type_name(b)} ({_short(a)} {op} {_short(b)}) (InvalidArgumentType)"
    )


def _property(v: Any, key: str) -> Any:
    if v is None:
        return None
    if isinstance(v, dict):
        return v.get(key)
    if isinstance(v, T.Temporal):
        return v.accessor(key)
    raise _bad(f"property access .{key}", v)


def _index(v: Any, i: Any) -> Any:
    if v is None or i is None:
        return None
    if isinstance(v, list):
        if isinstance(i, bool) or not isinstance(i, int):
            raise _bad("a list index", i)
        if -len(v) <= i < len(v):
            return v[i]
        return None
    if isinstance(v, dict):
        if not isinstance(i, str):
            raise _bad("a map key", i, "MapElementAccessByNonString")
        return v.get(i)
    raise _bad("indexing [ ]", v)


# ---------------------------------------------------------------- functions


def java_float_text(x: float) -> str:
    """A float as Java's ``Double.toString`` writes it (Neo4j's ``toString``)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1, x) < 0 else "0.0"
    if 1e-3 <= abs(x) < 1e7:
        return repr(x)
    from decimal import Decimal

    d = Decimal(repr(abs(x)))
    digits = "".join(map(str, d.as_tuple().digits)).rstrip("0") or "0"
    return ("-" if x < 0 else "") + digits[0] + "." + (digits[1:] or "0") + "E" + str(d.adjusted())


def to_string(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return java_float_text(v)
    if isinstance(v, str):
        return v
    if isinstance(v, T.Temporal):
        return str(v)
    raise _bad("toString()", v)


_INT_TEXT = re.compile(r"\s*[-+]?\d+\s*")


def to_integer(v: Any) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool):
        raise _bad("toInteger()", v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise _bad("toInteger()", v, "InvalidArgumentValue")
        return check_int(int(v))
    if isinstance(v, str):
        s = v.strip()
        if _INT_TEXT.fullmatch(s):
            n = int(s)
            if n > 2**63 - 1 or n < -(2**63):
                raise QueryError(f"integer overflow: {v!r} does not fit in a 64-bit INTEGER (NumberOutOfRange)")
            return n
        try:
            f = float(s)
        except ValueError:
            return None
        if math.isnan(f) or math.isinf(f) or s.lower() in ("nan", "infinity", "-infinity", "inf", "-inf", "+inf"):
            return None
        return check_int(int(f))
    raise _bad("toInteger()", v)


def to_float(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool):
        raise _bad("toFloat()", v)
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        s = v.strip()
        if s.lower() in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"):
            return None
        try:
            return float(s)
        except ValueError:
            return None
    raise _bad("toFloat()", v)


def to_boolean(v: Any) -> bool | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        s = v.strip().lower()
        return True if s == "true" else False if s == "false" else None
    if isinstance(v, int):
        return v != 0
    raise _bad("toBoolean()", v)


def _num(name: str, v: Any) -> float | int:
    if isinstance(v, bool) or not is_number(v):
        raise _bad(f"{name}()", v)
    return v


def _str(name: str, v: Any) -> str:
    if not isinstance(v, str):
        raise _bad(f"{name}()", v)
    return v


def _int(name: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _bad(f"{name}()", v)
    return v


def _math1(name: str, f: Callable[[float], float]) -> Callable[[Any], Any]:
    def g(x: Any) -> Any:
        x = _num(name, x)
        try:
            return f(float(x))
        except (ValueError, OverflowError):
            return math.nan

    return g


def _size(v: Any) -> int:
    if isinstance(v, list | str):
        return len(v)
    raise _bad("size()", v)


def _range(a: Any, b: Any, step: Any = 1) -> list[int]:
    a, b, step = _int("range", a), _int("range", b), _int("range", step)
    if step == 0:
        raise QueryError("range(): step argument cannot be zero (NumberOutOfRange)")
    if (b - a) // step + 1 > 5_000_000:
        raise QueryError("range(): more than 5,000,000 elements: use a smaller range")
    return list(range(a, b + (1 if step > 0 else -1), step))


def _substring(s: Any, start: Any, length: Any = None) -> str:
    s, start = _str("substring", s), _int("substring", start)
    if start < 0:
        raise QueryError("substring(): negative start (IndexOutOfBounds)")
    if length is None:
        return s[start:]
    length = _int("substring", length)
    if length < 0:
        raise QueryError("substring(): negative length (IndexOutOfBounds)")
    return s[start : start + length]


def _left(s: Any, n: Any) -> str:
    s, n = _str("left", s), _int("left", n)
    if n < 0:
        raise QueryError("left(): negative length (IndexOutOfBounds)")
    return s[:n]


def _right(s: Any, n: Any) -> str:
    s, n = _str("right", s), _int("right", n)
    if n < 0:
        raise QueryError("right(): negative length (IndexOutOfBounds)")
    return s[len(s) - n :] if n else ""


def _round(x: Any, precision: Any = None, mode: Any = None) -> float:
    x = float(_num("round", x))
    if math.isnan(x) or math.isinf(x):
        return x
    if precision is None:
        return float(math.floor(x + 0.5))
    from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

    p = _int("round", precision)
    if p < 0:
        raise QueryError("round(): negative precision (InvalidArgumentValue)")
    modes = {"UP": ROUND_UP, "DOWN": ROUND_DOWN, "CEILING": ROUND_CEILING, "FLOOR": ROUND_FLOOR,
             "HALF_UP": ROUND_HALF_UP, "HALF_DOWN": ROUND_HALF_DOWN, "HALF_EVEN": ROUND_HALF_EVEN}
    m = modes.get(str(mode).upper() if mode is not None else "HALF_UP")
    if m is None:
        raise QueryError(f"round(): unknown rounding mode {mode!r} (InvalidArgumentValue)")
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-p), rounding=m))


def _sign(x: Any) -> int:
    x = _num("sign", x)
    if isinstance(x, float) and math.isnan(x):
        return 0
    return (x > 0) - (x < 0)


def _abs(x: Any) -> Any:
    x = _num("abs", x)
    return check_int(abs(x)) if isinstance(x, int) else abs(x)


def _reverse(v: Any) -> Any:
    if isinstance(v, str):
        return v[::-1]
    if isinstance(v, list):
        return v[::-1]
    raise _bad("reverse()", v)


def _split(s: Any, d: Any) -> list[str]:
    s = _str("split", s)
    if isinstance(d, list):
        parts = [s]
        for sep in d:
            sep = _str("split", sep)
            parts = [p for q in parts for p in (q.split(sep) if sep else list(q))]
        return parts
    d = _str("split", d)
    if d == "":
        return list(s)
    return s.split(d)


def _replace(s: Any, a: Any, b: Any) -> str:
    return _str("replace", s).replace(_str("replace", a), _str("replace", b))


def _keys(v: Any) -> list[str]:
    if isinstance(v, dict):
        return list(v.keys())
    raise _bad("keys()", v)


def _head(v: Any) -> Any:
    if not isinstance(v, list):
        raise _bad("head()", v)
    return v[0] if v else None


def _last(v: Any) -> Any:
    if not isinstance(v, list):
        raise _bad("last()", v)
    return v[-1] if v else None


def _tail(v: Any) -> Any:
    if not isinstance(v, list):
        raise _bad("tail()", v)
    return v[1:]


def _trim(name: str, how: str) -> Callable[[Any], str]:
    def g(s: Any) -> str:
        s = _str(name, s)
        return s.strip(" \t\n\r\f\v") if how == "both" else s.lstrip(" \t\n\r\f\v") if how == "left" else s.rstrip(" \t\n\r\f\v")

    return g


def _to_list_conv(name: str, conv: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def g(v: Any) -> Any:
        if not isinstance(v, list):
            raise _bad(f"{name}()", v)
        out = []
        for x in v:
            try:
                out.append(conv(x))
            except CypherTypeError:
                out.append(None)
        return out

    return g


def _or_null(conv: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def g(v: Any) -> Any:
        try:
            return conv(v)
        except QueryError:
            return None

    return g


def _is_empty(v: Any) -> bool:
    if isinstance(v, list | str | dict):
        return len(v) == 0
    raise _bad("isEmpty()", v)


def _to_boolean_strict(v: Any) -> bool | None:
    if isinstance(v, int) and not isinstance(v, bool):
        return v != 0
    return to_boolean(v)


def _atan2(y: Any, x: Any) -> float:
    return math.atan2(float(_num("atan2", y)), float(_num("atan2", x)))


def _cot(x: Any) -> float:
    x = float(_num("cot", x))
    try:
        return 1 / math.tan(x)
    except ZeroDivisionError:
        return math.inf


def _log(name: str, f: Callable[[float], float]) -> Callable[[Any], float]:
    def g(x: Any) -> float:
        x = float(_num(name, x))
        if x == 0:
            return -math.inf
        if x < 0 or math.isnan(x):
            return math.nan
        return f(x)

    return g


def _sqrt(x: Any) -> float:
    x = float(_num("sqrt", x))
    return math.sqrt(x) if x >= 0 else math.nan


def _ceil(x: Any) -> float:
    x = _num("ceil", x)
    return float(math.ceil(x)) if not (isinstance(x, float) and (math.isnan(x) or math.isinf(x))) else x


def _floor(x: Any) -> float:
    x = _num("floor", x)
    return float(math.floor(x)) if not (isinstance(x, float) and (math.isnan(x) or math.isinf(x))) else x


def _exp(x: Any) -> float:
    try:
        return math.exp(float(_num("exp", x)))
    except OverflowError:
        return math.inf


#: name -> (minimum arguments, maximum arguments, function taking the evaluated arguments,
#: whether a null argument gives null without calling it)
FUNCTIONS: dict[str, tuple[int, int, Callable[..., Any], bool]] = {
    "abs": (1, 1, _abs, True),
    "ceil": (1, 1, _ceil, True),
    "floor": (1, 1, _floor, True),
    "round": (1, 3, _round, True),
    "sign": (1, 1, _sign, True),
    "rand": (0, 0, random.random, False),
    "sqrt": (1, 1, _sqrt, True),
    "exp": (1, 1, _exp, True),
    "log": (1, 1, _log("log", math.log), True),
    "log10": (1, 1, _log("log10", math.log10), True),
    "e": (0, 0, lambda: math.e, False),
    "pi": (0, 0, lambda: math.pi, False),
    "sin": (1, 1, _math1("sin", math.sin), True),
    "cos": (1, 1, _math1("cos", math.cos), True),
    "tan": (1, 1, _math1("tan", math.tan), True),
    "cot": (1, 1, _cot, True),
    "asin": (1, 1, _math1("asin", math.asin), True),
    "acos": (1, 1, _math1("acos", math.acos), True),
    "atan": (1, 1, _math1("atan", math.atan), True),
    "atan2": (2, 2, _atan2, True),
    "degrees": (1, 1, _math1("degrees", math.degrees), True),
    "radians": (1, 1, _math1("radians", math.radians), True),
    "haversin": (1, 1, _math1("haversin", lambda x: (1 - math.cos(x)) / 2), True),
    "tointeger": (1, 1, to_integer, True),
    "tofloat": (1, 1, to_float, True),
    "tostring": (1, 1, to_string, True),
    "toboolean": (1, 1, _to_boolean_strict, True),
    "tointegerornull": (1, 1, _or_null(to_integer), False),
    "tofloatornull": (1, 1, _or_null(to_float), False),
    "tostringornull": (1, 1, _or_null(to_string), False),
    "tobooleanornull": (1, 1, _or_null(_to_boolean_strict), False),
    "tointegerlist": (1, 1, _to_list_conv("toIntegerList", to_integer), True),
    "tofloatlist": (1, 1, _to_list_conv("toFloatList", to_float), True),
    "tostringlist": (1, 1, _to_list_conv("toStringList", to_string), True),
    "tobooleanlist": (1, 1, _to_list_conv("toBooleanList", _to_boolean_strict), True),
    "size": (1, 1, _size, True),
    "head": (1, 1, _head, True),
    "last": (1, 1, _last, True),
    "tail": (1, 1, _tail, True),
    "range": (2, 3, _range, False),
    "reverse": (1, 1, _reverse, True),
    "keys": (1, 1, _keys, True),
    "isempty": (1, 1, _is_empty, True),
    "left": (2, 2, _left, False),
    "right": (2, 2, _right, False),
    "substring": (2, 3, _substring, False),
    "trim": (1, 1, _trim("trim", "both"), True),
    "ltrim": (1, 1, _trim("ltrim", "left"), True),
    "rtrim": (1, 1, _trim("rtrim", "right"), True),
    "toupper": (1, 1, lambda s: _str("toUpper", s).upper(), True),
    "tolower": (1, 1, lambda s: _str("toLower", s).lower(), True),
    "replace": (3, 3, _replace, True),
    "split": (2, 2, _split, True),
}


def _call(e: tuple, row: dict[str, Any], ctx: Context) -> Any:
    _, name, distinct, args, text = e
    if name == "coalesce":
        for a in args:
            v = evaluate(a, row, ctx)
            if v is not None:
                return v
        return None
    spec = FUNCTIONS.get(name)
    values = [evaluate(a, row, ctx) for a in args]
    if name == "range":
        ctx.spend(0)
    if spec is None:
        if T.is_temporal_function(name):
            return T.call(name, values)
        raise QueryError(f"unknown function '{text.split('(')[0]}' (UnknownFunction)")
    lo, hi, f, null_in_null_out = spec
    if not lo <= len(values) <= hi:
        raise QueryError(f"wrong number of arguments to {text.split('(')[0]}() (InvalidNumberOfArguments)")
    if name in ("left", "right", "substring"):
        if values[0] is None:
            if any(v is None for v in values[1:]):
                raise QueryError(f"{name}(): a null length or start (InvalidArgumentType)")
            for v in values[1:]:
                _int(name, v)
            return None
    if name == "range" and any(v is None for v in values):
        raise _bad("range()", None)
    if null_in_null_out and any(v is None for v in values[:1]):
        return None
    if null_in_null_out and any(v is None for v in values):
        return None
    return f(*values)


def aggregate(name: str, distinct: bool, values: list[Any], extra: list[Any]) -> Any:
    """One aggregating function over the values of a group (nulls dropped first)."""
    vals = [v for v in values if v is not None]
    if distinct:
        from graphkit.cypher.values import group_key

        seen: set[Any] = set()
        uniq = []
        for v in vals:
            k = group_key(v)
            if k not in seen:
                seen.add(k)
                uniq.append(v)
        vals = uniq
    if name == "count":
        return len(vals)
    if name == "collect":
        return vals
    if name in ("min", "max"):
        if not vals:
            return None
        best = vals[0]
        for v in vals[1:]:
            c = sort_cmp(v, best)
            if (c < 0) if name == "min" else (c > 0):
                best = v
        return best
    if name in ("sum", "avg"):
        if vals and all(isinstance(v, T.Duration) for v in vals):
            return T.duration_sum(vals, average=name == "avg")
        for v in vals:
            _num(name, v)
        if name == "sum":
            if all(isinstance(v, int) for v in vals):
                return check_int(sum(vals))
            return math.fsum(vals)
        if not vals:
            return None
        return math.fsum(vals) / len(vals)
    if name in ("stdev", "stdevp"):
        for v in vals:
            _num(name, v)
        n = len(vals)
        if n < 2 and name == "stdev" or n == 0:
            return 0.0
        mean = math.fsum(vals) / n
        var = math.fsum((v - mean) ** 2 for v in vals) / (n - 1 if name == "stdev" else n)
        return math.sqrt(var)
    if name in ("percentilecont", "percentiledisc"):
        p = extra[0] if extra else None
        if p is None or isinstance(p, bool) or not is_number(p):
            raise _bad(f"{name}() percentile", p)
        if not 0 <= p <= 1:
            raise QueryError(f"{name}(): the percentile must be between 0.0 and 1.0 (NumberOutOfRange)")
        for v in vals:
            _num(name, v)
        if not vals:
            return None
        xs = sorted(vals)
        if name == "percentiledisc":
            idx = max(0, math.ceil(p * len(xs)) - 1) if p > 0 else 0
            return xs[idx]
        pos = p * (len(xs) - 1)
        lo = math.floor(pos)
        hi = math.ceil(pos)
        return float(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo))
    raise QueryError(f"unknown aggregating function {name}")
