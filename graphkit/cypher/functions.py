"""Cypher's functions evaluated in Python: scalar, string, list, mathematical and aggregating ones.

Each follows the Cypher Manual's function pages (argument types, what null gives, what is
an error); a value of a type a function does not take raises a type error, never a
conversion Neo4j would not make. Floats print as Java's ``Double.toString``
(:func:`java_float_text`: ``1.0``, ``1.0E7``), as Neo4j's ``toString`` does.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from fractions import Fraction
from typing import Any

from graphkit.cypher import temporal as T
from graphkit.cypher import temporal_ops as TO
from graphkit.cypher.values import CypherTypeError, check_int, group_key, is_number, sort_cmp, type_error
from graphkit.errors import QueryError

__all__ = [
    "FUNCTIONS",
    "AGGREGATES",
    "GRAPH_FUNCTIONS",
    "aggregate",
    "java_float_text",
    "neo4j_round",
    "to_string",
    "to_integer",
    "to_float",
    "to_boolean",
    "int_arg",
]

AGGREGATES = frozenset(
    {"count", "sum", "avg", "min", "max", "collect", "stdev", "stdevp", "percentilecont", "percentiledisc"}
)
#: Functions that need the graph (nodes, relationships, paths): the interpreter never runs them.
GRAPH_FUNCTIONS = frozenset(
    {
        "id",
        "elementid",
        "labels",
        "type",
        "nodes",
        "relationships",
        "startnode",
        "endnode",
        "length",
        "exists",
        "shortestpath",
        "allshortestpaths",
        "properties",
    }
)


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
    raise type_error("toString()", v)


_INT_TEXT = re.compile(r"\s*[-+]?\d+\s*")


def to_integer(v: Any) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)  # the manual: toInteger(true) is 1
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise type_error("toInteger()", v, "InvalidArgumentValue")
        return check_int(int(v))
    if isinstance(v, str):
        s = v.strip()
        if _INT_TEXT.fullmatch(s):
            n = int(s)
            if n > 2**63 - 1 or n < -(2**63):
                raise QueryError(
                    f"integer overflow: {v!r} does not fit in a 64-bit INTEGER (NumberOutOfRange)"
                )
            return n
        try:
            f = float(s)
        except ValueError:
            return None
        if (
            math.isnan(f)
            or math.isinf(f)
            or s.lower() in ("nan", "infinity", "-infinity", "inf", "-inf", "+inf")
        ):
            return None
        return check_int(int(f))
    raise type_error("toInteger()", v)


def to_float(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool):
        raise type_error("toFloat()", v)
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
    raise type_error("toFloat()", v)


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
    raise type_error("toBoolean()", v)


def _num(name: str, v: Any) -> float | int:
    if isinstance(v, bool) or not is_number(v):
        raise type_error(f"{name}()", v)
    return v


def _str(name: str, v: Any) -> str:
    if not isinstance(v, str):
        raise type_error(f"{name}()", v)
    return v


def int_arg(name: str, v: Any) -> int:
    """``v`` when it is an INTEGER, else the type error of function ``name``."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise type_error(f"{name}()", v)
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
    raise type_error("size()", v)


def _range(a: Any, b: Any, step: Any = 1) -> list[int]:
    a, b, step = int_arg("range", a), int_arg("range", b), int_arg("range", step)
    if step == 0:
        raise QueryError("range(): step argument cannot be zero (NumberOutOfRange)")
    if (b - a) // step + 1 > 5_000_000:
        raise MemoryError("range() of more than 5,000,000 elements")  # the query's memory limit
    return list(range(a, b + (1 if step > 0 else -1), step))


def _substring(s: Any, start: Any, length: Any = None) -> str:
    s, start = _str("substring", s), int_arg("substring", start)
    if start < 0:
        raise QueryError("substring(): negative start (IndexOutOfBounds)")
    if length is None:
        return s[start:]
    length = int_arg("substring", length)
    if length < 0:
        raise QueryError("substring(): negative length (IndexOutOfBounds)")
    return s[start : start + length]


def _left(s: Any, n: Any) -> str:
    s, n = _str("left", s), int_arg("left", n)
    if n < 0:
        raise QueryError("left(): negative length (IndexOutOfBounds)")
    return s[:n]


def _right(s: Any, n: Any) -> str:
    s, n = _str("right", s), int_arg("right", n)
    if n < 0:
        raise QueryError("right(): negative length (IndexOutOfBounds)")
    return s[len(s) - n :] if n else ""


_MODES = {
    "UP": ROUND_UP,
    "DOWN": ROUND_DOWN,
    "CEILING": ROUND_CEILING,
    "FLOOR": ROUND_FLOOR,
    "HALF_UP": ROUND_HALF_UP,
    "HALF_DOWN": ROUND_HALF_DOWN,
    "HALF_EVEN": ROUND_HALF_EVEN,
}


def neo4j_round(value: float, precision: int = 0, mode: str | None = None) -> float:
    """Neo4j's ``round(value[, precision[, mode]])`` (Cypher Manual, round(); ``CypherFunctions.round``).

    Without a mode and with precision 0, Java's ``Math.round``: the nearest integer, ties
    towards positive infinity. Otherwise the shortest decimal form of ``value``
    (``BigDecimal.valueOf``) rounded to ``precision`` places with ``mode`` (default
    ``HALF_UP``: ties away from zero). A negative precision is an error.

    >>> neo4j_round(-1.5), neo4j_round(2.5), neo4j_round(-1.5, 0), neo4j_round(-1.55, 1), neo4j_round(1.005, 2)
    (-1.0, 3.0, -1.0, -1.6, 1.01)
    >>> neo4j_round(-1.5, 0, "HALF_UP"), neo4j_round(0.49999999999999994)
    (-2.0, 0.0)
    """
    if precision < 0:
        raise QueryError("round(): the precision must not be negative (InvalidArgumentValue)")
    if math.isnan(value) or math.isinf(value):
        return value
    if mode is None and precision == 0:
        return float(math.floor(Fraction(value) + Fraction(1, 2)))
    name = "HALF_UP" if mode is None else str(mode).upper()
    exact = Decimal(repr(value))
    if name == "UNNECESSARY":
        if exact != exact.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_DOWN):
            raise QueryError(
                "round(): rounding is necessary but the mode is UNNECESSARY (InvalidArgumentValue)"
            )
        return value
    if name not in _MODES:
        raise QueryError(
            f"round(): unknown rounding mode {mode!r}; valid: CEILING, FLOOR, UP, DOWN, "
            "HALF_EVEN, HALF_UP, HALF_DOWN, UNNECESSARY (InvalidArgumentValue)"
        )
    exponent = exact.as_tuple().exponent
    if isinstance(exponent, int) and -exponent <= precision:  # fewer decimals than asked for
        return value
    return float(exact.quantize(Decimal(1).scaleb(-precision), rounding=_MODES[name]))


def _round(x: Any, precision: Any = None, mode: Any = None) -> float:
    x = float(_num("round", x))
    p = 0 if precision is None else int_arg("round", precision)
    return neo4j_round(x, p, None if mode is None else str(mode))


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
    raise type_error("reverse()", v)


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
    raise type_error("keys()", v)


def _head(v: Any) -> Any:
    if not isinstance(v, list):
        raise type_error("head()", v)
    return v[0] if v else None


def _last(v: Any) -> Any:
    if not isinstance(v, list):
        raise type_error("last()", v)
    return v[-1] if v else None


def _tail(v: Any) -> Any:
    if not isinstance(v, list):
        raise type_error("tail()", v)
    return v[1:]


def _trim(name: str, how: str) -> Callable[[Any], str]:
    def g(s: Any) -> str:
        s = _str(name, s)
        return (
            s.strip(" \t\n\r\f\v")
            if how == "both"
            else s.lstrip(" \t\n\r\f\v")
            if how == "left"
            else s.rstrip(" \t\n\r\f\v")
        )

    return g


def _to_list_conv(name: str, conv: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def g(v: Any) -> Any:
        if not isinstance(v, list):
            raise type_error(f"{name}()", v)
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
    raise type_error("isEmpty()", v)


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


def aggregate(name: str, distinct: bool, values: list[Any], extra: list[Any]) -> Any:
    """One aggregating function over the values of a group (nulls dropped first)."""
    vals = [v for v in values if v is not None]
    if distinct:
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
            return TO.duration_sum(vals, average=name == "avg")
        if not all(type(v) is float or type(v) is int for v in vals):  # the frequent case checked at once
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
            raise type_error(f"{name}() percentile", p)
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
