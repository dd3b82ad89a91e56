"""Neo4j's semantics for functions the embedded engine lacks or answers differently.

The dialect bridge (:mod:`graphkit.cypher.dialect`) rewrites such calls into calls of the
``gk_*`` functions below, which :func:`register_functions` adds to an embedded-engine
connection. Each follows Neo4j 5's documented behaviour (Cypher Manual, "Functions"), and
where the manual is silent, Neo4j's own implementation (``CypherFunctions`` and
``CypherRuntimeParser`` in the neo4j repository): the page or class is named at each
function. A call Neo4j answers with an error raises :class:`ValueError`, which the engine
reports and graphkit turns into a QueryError.

They take and return the engine's plain types (text, 64-bit integers, doubles, booleans
and lists of them), so they never see nodes or paths.
"""

from __future__ import annotations

import math
import re
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    InvalidOperation,
)
from fractions import Fraction
from typing import Any

__all__ = ["FUNCTIONS", "register_functions", "java_double_to_string", "neo4j_round", "slice_bounds"]

_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


# ------------------------------------------------------------------------------- strings


def _substring(s: str | None, start: int | None, length: int | None = None) -> str | None:
    # Cypher Manual, substring(): 0-based start; a negative (or null) start or length is an
    # error. (Neo4j's code returns null for a null start; the manual says error: we refuse.)
    if s is None:
        return None
    if start is None or start < 0:
        raise ValueError("substring(): start must be a non-negative integer (Neo4j raises an error)")
    if length is None:
        return s[start:]
    if length < 0:
        raise ValueError("substring(): length must be a non-negative integer (Neo4j raises an error)")
    return s[start : start + length]


def _substring2(s: str | None, start: int | None) -> str | None:
    return _substring(s, start)


def _substring3(s: str | None, start: int | None, length: int | None) -> str | None:
    if s is not None and length is None:
        raise ValueError("substring(): length must be a non-negative integer (Neo4j raises an error)")
    return _substring(s, start, length)


def _left(s: str | None, n: int | None) -> str | None:
    # Cypher Manual, left(): null original gives null; a null or negative length is an error.
    if s is None:
        return None
    if n is None or n < 0:
        raise ValueError("left(): length must be a non-negative integer (Neo4j raises an error)")
    return s[:n]


def _right(s: str | None, n: int | None) -> str | None:
    if s is None:
        return None
    if n is None or n < 0:
        raise ValueError("right(): length must be a non-negative integer (Neo4j raises an error)")
    return s[len(s) - n :] if n else ""


def _split(s: str | None, delimiter: str | None) -> list[str] | None:
    # Cypher Manual, split(); Neo4j's StringValue.split: every empty field is kept, an empty
    # delimiter splits into characters, an empty original gives [''].
    if s is None or delimiter is None:
        return None
    if s == "":
        return [""]
    if delimiter == "":
        return list(s)
    return s.split(delimiter)


def _is_java_whitespace(ch: str) -> bool:
    # java.lang.Character.isWhitespace: Unicode space separators except the no-break ones,
    # and \t \n \u000B \f \r \u001C-\u001F.
    import unicodedata

    if ch in "\t\n\u000b\f\r\u001c\u001d\u001e\u001f":
        return True
    if ch in "\u00a0\u2007\u202f":
        return False
    return unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _trim(s: str | None) -> str | None:
    # Cypher Manual, trim(): leading and trailing whitespace removed.
    if s is None:
        return None
    return _rtrim(_ltrim(s))


def _ltrim(s: str | None) -> str | None:
    if s is None:
        return None
    i = 0
    while i < len(s) and _is_java_whitespace(s[i]):
        i += 1
    return s[i:]


def _rtrim(s: str | None) -> str | None:
    if s is None:
        return None
    j = len(s)
    while j > 0 and _is_java_whitespace(s[j - 1]):
        j -= 1
    return s[:j]


def _upper(s: str | None) -> str | None:
    # Java's String.toUpperCase (full case mapping: 'ß' -> 'SS'), as Python's str.upper.
    return None if s is None else s.upper()


def _lower(s: str | None) -> str | None:
    return None if s is None else s.lower()


# --------------------------------------------------------------------------- conversions

_INT_TEXT = re.compile(r"[+-]?\d+")
_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_JAVA_DOUBLE = re.compile(r"[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)")


def _string_to_integer(text: str) -> int | None:
    # Neo4j's CypherRuntimeParser.parseAsLongOrElseNoValue: trimmed; Long.parseLong, else
    # BigDecimal (exponents allowed) truncated towards zero; outside the 64-bit range an error.
    t = text.strip()
    if _INT_TEXT.fullmatch(t):
        value = int(t)
    elif _DECIMAL_TEXT.fullmatch(t):
        try:
            value = int(Decimal(t))  # int() of a Decimal truncates towards zero
        except (InvalidOperation, ValueError, OverflowError):
            return None
    else:
        return None
    if not _LONG_MIN <= value <= _LONG_MAX:
        raise ValueError(f"toInteger(): {text!r} is outside the 64-bit integer range (Neo4j raises an error)")
    return value


def _string_to_float(text: str) -> float | None:
    # Neo4j: Double.parseDouble (which trims and takes NaN, Infinity and a d/f suffix),
    # else null.
    t = text.strip()
    if not _JAVA_DOUBLE.fullmatch(t):
        return None
    t = t.rstrip("fFdD") if not t.endswith("Infinity") else t
    return float(t.replace("Infinity", "inf"))


def _double_to_integer(d: float) -> int:
    # Java's (long) cast: towards zero, NaN -> 0, saturating at the 64-bit range.
    if math.isnan(d):
        return 0
    if math.isinf(d):
        return _LONG_MAX if d > 0 else _LONG_MIN
    return max(_LONG_MIN, min(_LONG_MAX, int(d)))


def java_double_to_string(d: float) -> str:
    """``d`` as Java's ``Double.toString`` writes it (what Neo4j's ``toString(float)`` returns).

    Shortest digits that read back as ``d``; plain notation for 10^-3 <= |d| < 10^7, else
    ``d.dddE±n``; always at least one digit after the point.

    >>> [java_double_to_string(x) for x in (1.0, 2.5, 1e7, 1e-4, 123456.789, -0.0, float("nan"))]
    ['1.0', '2.5', '1.0E7', '1.0E-4', '123456.789', '-0.0', 'NaN']
    """
    if math.isnan(d):
        return "NaN"
    if math.isinf(d):
        return "Infinity" if d > 0 else "-Infinity"
    if d == 0:
        return "-0.0" if math.copysign(1.0, d) < 0 else "0.0"
    sign = "-" if d < 0 else ""
    digits, exp = _shortest_digits(abs(d))  # value = 0.DIGITS * 10^exp
    if 1e-3 <= abs(d) < 1e7:
        if exp <= 0:
            return f"{sign}0.{'0' * -exp}{digits}"
        whole, frac = digits[:exp].ljust(exp, "0"), digits[exp:]
        return f"{sign}{whole}.{frac or '0'}"
    frac = digits[1:] or "0"
    return f"{sign}{digits[0]}.{frac}E{exp - 1}"


def _shortest_digits(x: float) -> tuple[str, int]:
    """The shortest decimal digits of positive ``x`` (Python's repr) and the exponent e with x = 0.d * 10^e."""
    mantissa, _, exponent = repr(x).partition("e")
    intpart, _, fracpart = mantissa.partition(".")
    digits = (intpart + fracpart).lstrip("0")
    exp = len(intpart.lstrip("0")) if intpart.strip("0") else -(len(fracpart) - len(fracpart.lstrip("0")))
    if exponent:
        exp += int(exponent)
    return digits.rstrip("0") or "0", exp


def _to_integer(text: str | None, d: float | None, kind: str | None) -> int | None:
    # Cypher Manual, toInteger(): integers unchanged, floats truncated, booleans 1/0,
    # strings parsed (null when they do not parse); other types are an error.
    if kind is None or kind == "NULL" or (text is None and d is None):
        return None
    if kind in ("DOUBLE", "FLOAT"):
        return None if d is None else _double_to_integer(d)
    if kind == "BOOL":
        return None if text is None else int(text == "True")
    if kind.startswith(("INT", "UINT", "SERIAL")):
        return None if text is None else int(text)
    if kind == "STRING":
        return None if text is None else _string_to_integer(text)
    raise ValueError(
        f"toInteger(): expected a string, number or boolean, got a {kind} (Neo4j raises an error)"
    )


def _to_float(text: str | None, d: float | None, kind: str | None) -> float | None:
    # Cypher Manual, toFloat(): numbers as floats, strings parsed (null when they do not parse).
    if kind is None or kind == "NULL" or (text is None and d is None):
        return None
    if kind in ("DOUBLE", "FLOAT"):
        return d
    if kind.startswith(("INT", "UINT", "SERIAL")):
        return None if text is None else float(int(text))
    if kind == "STRING":
        return None if text is None else _string_to_float(text)
    raise ValueError(f"toFloat(): expected a string or number, got a {kind} (Neo4j raises an error)")


def _to_string(text: str | None, d: float | None, kind: str | None) -> str | None:
    # Cypher Manual, toString(): floats as Java writes them ('1.0'), booleans 'true'/'false'.
    if kind is None or kind == "NULL" or (text is None and d is None):
        return None
    if kind in ("DOUBLE", "FLOAT"):
        return None if d is None else java_double_to_string(d)
    if kind == "BOOL":
        return None if text is None else text.lower()
    if kind.endswith("]") or kind.startswith(("NODE", "REL", "RECURSIVE", "STRUCT", "MAP")):
        raise ValueError(f"toString(): cannot convert a {kind} (Neo4j raises an error)")
    return text


def _to_boolean(text: str | None, kind: str | None) -> bool | None:
    # Neo4j's CypherFunctions.toBoolean: strings trimmed, case-insensitive 'true'/'false'
    # (else null); integers: 0 is false.
    if kind is None or kind == "NULL" or text is None:
        return None
    if kind == "BOOL":
        return text == "True"
    if kind == "STRING":
        return {"true": True, "false": False}.get(text.strip().lower())
    if kind.startswith(("INT", "UINT", "SERIAL")):
        return int(text) != 0
    raise ValueError(
        f"toBoolean(): expected a string, integer or boolean, got a {kind} (Neo4j raises an error)"
    )


def _float_to_string(d: float | None) -> str | None:
    return None if d is None else java_double_to_string(d)


def _string_to_integer_udf(s: str | None) -> int | None:
    return None if s is None else _string_to_integer(s)


def _string_to_float_udf(s: str | None) -> float | None:
    return None if s is None else _string_to_float(s)


def _double_to_integer_udf(d: float | None) -> int | None:
    return None if d is None else _double_to_integer(d)


def _bool_to_integer(b: bool | None) -> int | None:
    return None if b is None else int(b)


def _bool_to_string(b: bool | None) -> str | None:
    return None if b is None else ("true" if b else "false")


def _string_to_boolean(s: str | None) -> bool | None:
    return _to_boolean(s, "STRING")


# --------------------------------------------------------------------------------- maths

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
    >>> neo4j_round(-1.5, 0, "HALF_UP")
    -2.0
    """
    if precision < 0:
        raise ValueError("round(): the precision must not be negative (Neo4j raises an error)")
    if math.isnan(value) or math.isinf(value):
        return value
    if mode is None and precision == 0:
        return float(math.floor(Fraction(value) + Fraction(1, 2)))
    name = "HALF_UP" if mode is None else mode
    if name == "UNNECESSARY":
        exact = Decimal(repr(value))
        if exact != exact.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_DOWN):
            raise ValueError(
                "round(): rounding is necessary but the mode is UNNECESSARY (Neo4j raises an error)"
            )
        return value
    if name not in _MODES:
        raise ValueError(
            f"round(): unknown rounding mode {name!r}; valid: CEILING, FLOOR, UP, DOWN, "
            "HALF_EVEN, HALF_UP, HALF_DOWN, UNNECESSARY (Neo4j raises an error)"
        )
    exact = Decimal(repr(value))
    exponent = exact.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent <= precision:  # fewer decimals than asked for: nothing to round
        return value
    return float(exact.quantize(Decimal(1).scaleb(-precision), rounding=_MODES[name]))


def _round1(x: float | None) -> float | None:
    return None if x is None else neo4j_round(x)


def _round2(x: float | None, p: int | None) -> float | None:
    return None if x is None or p is None else neo4j_round(x, p)


def _round3(x: float | None, p: int | None, mode: str | None) -> float | None:
    return None if x is None or p is None or mode is None else neo4j_round(x, p, mode)


def _exp(x: float | None) -> float | None:
    if x is None:
        return None
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


# --------------------------------------------------------------------------------- lists


def slice_bounds(size: int, start: int | None, end: int | None) -> tuple[int, int]:
    """Python slice bounds of Neo4j's ``list[start..end]`` (``CypherFunctions.fullSlice``).

    0-based, end exclusive, a negative bound counts from the end.

    >>> slice_bounds(5, 1, -1), slice_bounds(5, -2, None), slice_bounds(5, None, 2)
    ((1, 4), (3, 5), (0, 2))
    """
    lo = 0 if start is None else (start if start >= 0 else size + start)
    hi = size if end is None else (end if end >= 0 else size + end)
    lo, hi = max(0, min(lo, size)), max(0, min(hi, size))
    return lo, max(lo, hi)


def _position(size: int | None, index: int | None) -> int | None:
    # Neo4j's CypherFunctions.listAccess: 0-based, negative from the end, out of range -> null.
    # Returned as the engine's 1-based position (null when there is no such element).
    if size is None or index is None:
        return None
    if index < 0:
        index += size
    if index < 0 or index >= size:
        return None
    return index + 1


def _slice_from(start: int | None) -> int | None:
    # The engine's slices are 1-based with an inclusive end, and count -1 as the last element.
    return None if start is None else (start + 1 if start >= 0 else start)


def _slice_to(end: int | None) -> int | None:
    return None if end is None else (end if end >= 0 else end - 1)


def _where(mask: list[bool | None] | None) -> list[int] | None:
    """1-based positions where a comprehension's predicate is true."""
    if mask is None:
        return None
    return [i for i, b in enumerate(mask, 1) if b is True]


def _count_true(mask: list[bool | None] | None) -> int | None:
    return None if mask is None else sum(1 for b in mask if b is True)


def _any(mask: list[bool | None] | None) -> bool | None:
    # Cypher Manual, any(): null if the predicate is null for an element and true for none.
    if mask is None:
        return None
    if any(b is True for b in mask):
        return True
    return None if any(b is None for b in mask) else False


def _all(mask: list[bool | None] | None) -> bool | None:
    # Cypher Manual, all(): null if the predicate is null for an element and false for none.
    if mask is None:
        return None
    if any(b is False for b in mask):
        return False
    return None if any(b is None for b in mask) else True


def _none(mask: list[bool | None] | None) -> bool | None:
    result = _any(mask)
    return None if result is None else not result


def _single(mask: list[bool | None] | None) -> bool | None:
    # Cypher Manual, single(): true if the predicate holds for exactly one element; null when
    # the nulls leave it undecided.
    if mask is None:
        return None
    trues = sum(1 for b in mask if b is True)
    if trues > 1:
        return False
    if any(b is None for b in mask):
        return None
    return trues == 1


def _in(
    found: bool | None, lhs_is_null: bool | None, element_is_null: list[bool | None] | None
) -> bool | None:
    # Cypher Manual, "Working with null": 2 IN [1, null] is null, null IN [] is false.
    if element_is_null is None:
        return None
    if found is True:
        return True
    if not element_is_null:
        return False
    if lhs_is_null or any(element_is_null):
        return None
    return False


def _true_or_null(found: bool | None) -> bool | None:
    # x IN a list that holds a null: true when found, else null.
    return True if found is True else None


def _false_if_null(found: bool | None) -> bool | None:
    # x IN an empty list: always false (even for a null x).
    return False if found is None else found


#: name -> (function, parameter types, return type) as the engine declares them.
FUNCTIONS: dict[str, tuple[Any, list[str], str]] = {
    "gk_substring2": (_substring2, ["STRING", "INT64"], "STRING"),
    "gk_substring3": (_substring3, ["STRING", "INT64", "INT64"], "STRING"),
    "gk_left": (_left, ["STRING", "INT64"], "STRING"),
    "gk_right": (_right, ["STRING", "INT64"], "STRING"),
    "gk_split": (_split, ["STRING", "STRING"], "STRING[]"),
    "gk_trim": (_trim, ["STRING"], "STRING"),
    "gk_ltrim": (_ltrim, ["STRING"], "STRING"),
    "gk_rtrim": (_rtrim, ["STRING"], "STRING"),
    "gk_upper": (_upper, ["STRING"], "STRING"),
    "gk_lower": (_lower, ["STRING"], "STRING"),
    "gk_to_integer": (_to_integer, ["STRING", "DOUBLE", "STRING"], "INT64"),
    "gk_to_float": (_to_float, ["STRING", "DOUBLE", "STRING"], "DOUBLE"),
    "gk_to_string": (_to_string, ["STRING", "DOUBLE", "STRING"], "STRING"),
    "gk_to_boolean": (_to_boolean, ["STRING", "STRING"], "BOOL"),
    "gk_string_to_integer": (_string_to_integer_udf, ["STRING"], "INT64"),
    "gk_string_to_float": (_string_to_float_udf, ["STRING"], "DOUBLE"),
    "gk_string_to_boolean": (_string_to_boolean, ["STRING"], "BOOL"),
    "gk_float_to_integer": (_double_to_integer_udf, ["DOUBLE"], "INT64"),
    "gk_float_to_string": (_float_to_string, ["DOUBLE"], "STRING"),
    "gk_bool_to_integer": (_bool_to_integer, ["BOOL"], "INT64"),
    "gk_bool_to_string": (_bool_to_string, ["BOOL"], "STRING"),
    "gk_round1": (_round1, ["DOUBLE"], "DOUBLE"),
    "gk_round2": (_round2, ["DOUBLE", "INT64"], "DOUBLE"),
    "gk_round3": (_round3, ["DOUBLE", "INT64", "STRING"], "DOUBLE"),
    "gk_exp": (_exp, ["DOUBLE"], "DOUBLE"),
    "gk_position": (_position, ["INT64", "INT64"], "INT64"),
    "gk_slice_from": (_slice_from, ["INT64"], "INT64"),
    "gk_slice_to": (_slice_to, ["INT64"], "INT64"),
    "gk_where": (_where, ["BOOL[]"], "INT64[]"),
    "gk_count_true": (_count_true, ["BOOL[]"], "INT64"),
    "gk_any": (_any, ["BOOL[]"], "BOOL"),
    "gk_all": (_all, ["BOOL[]"], "BOOL"),
    "gk_none": (_none, ["BOOL[]"], "BOOL"),
    "gk_single": (_single, ["BOOL[]"], "BOOL"),
    "gk_in": (_in, ["BOOL", "BOOL", "BOOL[]"], "BOOL"),
    "gk_true_or_null": (_true_or_null, ["BOOL"], "BOOL"),
    "gk_false_if_null": (_false_if_null, ["BOOL"], "BOOL"),
}

#: Functions whose every argument is checked for null by the function itself.
_OWN_NULLS = {
    "gk_to_integer", "gk_to_float", "gk_to_string", "gk_to_boolean", "gk_substring3",
    "gk_left", "gk_right", "gk_where", "gk_count_true", "gk_any", "gk_all", "gk_none",
    "gk_single", "gk_in", "gk_true_or_null", "gk_false_if_null", "gk_substring2",
    "gk_split", "gk_round2", "gk_round3",
}  # fmt: skip


def _plain_signature(fn: Any, n: int) -> Any:
    # the engine reads a Python function's annotations and cannot read postponed ones
    if n == 1:
        return lambda a: fn(a)
    if n == 2:
        return lambda a, b: fn(a, b)
    return lambda a, b, c: fn(a, b, c)


def register_functions(conn: Any) -> None:
    """Add the ``gk_*`` functions to an embedded-engine (ladybug) connection (once per connection)."""
    if getattr(conn, "_graphkit_functions", False):
        return
    for name, (fn, params, returns) in FUNCTIONS.items():
        try:
            conn.create_function(
                name,
                _plain_signature(fn, len(params)),
                params,
                returns,
                default_null_handling=name not in _OWN_NULLS,
            )
        except RuntimeError as exc:
            if "already exists" not in str(exc):
                raise
    conn._graphkit_functions = True
