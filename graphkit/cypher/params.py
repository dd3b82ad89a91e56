"""Query parameters: typed values from text (``k=v``, ``k:type=v``) and binding them to a query."""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from typing import Any

from graphkit.errors import QueryError

__all__ = ["PARAM_TYPES", "parse_param_value", "parse_param_args", "check_type"]

PARAM_TYPES = ("string", "int", "float", "bool", "date")


def check_type(ptype: str, where: str) -> None:
    base = ptype[:-2] if ptype.endswith("[]") else ptype
    if base not in PARAM_TYPES:
        raise QueryError(
            f"{where}: unknown parameter type {ptype!r}; expected one of "
            + ", ".join(PARAM_TYPES)
            + " or a list such as string[]"
        )


def parse_param_value(name: str, text: str, ptype: str | None = None, *, where: str = "--param") -> Any:
    """Turn the text of a parameter value into a value of its type.

    Without a declared type the value is read as an int, a float, ``true``/``false``,
    ``null`` or else as text. A list type splits on commas.

    >>> parse_param_value("n", "3", "int"), parse_param_value("x", "0.5"), parse_param_value("k", "a,b", "string[]")
    (3, 0.5, ['a', 'b'])
    """
    if ptype is None:
        t = text.strip()
        if _INT.match(t):
            return _int64(name, t, where)
        if _FLOAT.match(t):
            value = float(t)
            if not math.isfinite(value):
                raise QueryError(
                    f"{where}: parameter {name!r}: {_short(text)} is too large to be a finite number"
                    f" (fix: a number within about 1.8e308, or {name}:string=... for text)"
                )
            return value
        low = text.lower()
        if low in ("true", "false"):
            return low == "true"
        if low == "null":
            return None
        return text
    check_type(ptype, where)
    if ptype.endswith("[]"):
        items = [s.strip() for s in text.split(",")] if text.strip() else []
        return [parse_param_value(name, s, ptype[:-2], where=where) for s in items]
    try:
        if ptype == "string":
            return text
        if ptype == "int":
            if not _INT.match(text.strip()):
                raise ValueError
            return _int64(name, text.strip(), where)
        if ptype == "float":
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
        if ptype == "bool":
            low = text.strip().lower()
            if low in ("true", "yes", "1"):
                return True
            if low in ("false", "no", "0"):
                return False
            raise ValueError
        if ptype == "date":
            return _dt.date.fromisoformat(text.strip())
    except ValueError:
        pass
    examples = {"int": "3", "float": "0.5", "bool": "true", "date": "2024-01-31", "string": "text"}
    raise QueryError(
        f"{where}: parameter {name!r} must be {ptype}, got {text!r} (fix: e.g. {name}={examples[ptype]})"
    )


# Numbers as Cypher writes them (no Python-only forms such as 1_000 or "inf").
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
INT64 = (-(1 << 63), (1 << 63) - 1)


def _int64(name: str, text: str, where: str) -> int:
    """``text`` (digits) as an int, refused beyond 64 bits (what Neo4j and the embedded engine store)."""
    digits = text.lstrip("+-").lstrip("0")
    value = int(text) if len(digits) <= 19 else None  # int() refuses past 4,300 digits anyway
    if value is None or not INT64[0] <= value <= INT64[1]:
        raise QueryError(
            f"{where}: parameter {name!r}: {_short(text)} is outside the 64-bit integer range "
            f"({INT64[0]:,} to {INT64[1]:,}) (fix: a smaller number, or {name}:string=... for text)"
        )
    return value


def _short(text: str, limit: int = 40) -> str:
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text):,} characters)"


def parse_param_args(args: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """``--param`` arguments (``name=value`` or ``name:type=value``) as ``{name: (text, type)}``."""
    out: dict[str, tuple[str, str | None]] = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        if not sep:
            raise QueryError(f"--param {arg!r}: expected name=value (e.g. --param alliance=NATO)")
        name, _, ptype = name.strip().partition(":")
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"--param {arg!r}: {name!r} is not a parameter name (letters, digits, _)")
        if ptype:
            check_type(ptype, f"--param {arg!r}")
        if name in out:
            raise QueryError(f"--param {name} is given twice")
        out[name] = (value, ptype or None)
    return out
