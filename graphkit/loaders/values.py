"""Typed property values from text cells: one column type, inferred or declared in the header.

A header cell is ``name`` or ``name:type`` where type is one of ``string``, ``int``,
``float``, ``bool``, ``date`` or one of those followed by ``[]`` (a ``;``-separated
list). Without a declaration a column's type is inferred from all its non-empty cells;
the writers declare a type exactly where inference would read it back differently, so
that a write and a load give back the same values with the same types.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from typing import Any

from graphkit import schema

__all__ = [
    "ColumnSpec",
    "parse_header",
    "infer_type",
    "parse_cell",
    "parse_column",
    "split_list",
    "format_value",
    "header_for",
    "LIST_SEPARATOR",
]

LIST_SEPARATOR = ";"

_INT = re.compile(r"^-?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^-?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_LONGEST_INT = 19  # a text this long has at most the 19 digits parse_cell allows
_BOOL = {"true": True, "false": False}

# Properties whose type the schema fixes, so that a stray word in them is an error
# rather than turning the whole column into text.
KNOWN_TYPES: dict[str, str] = {"level": "float", "weight": "float", "confidence": "float"}


@dataclass(frozen=True)
class ColumnSpec:
    """A column: its property name, its declared type (or None) and whether it is a list."""

    name: str
    declared: str | None = None

    @property
    def is_list(self) -> bool:
        if self.declared is not None:
            return self.declared.endswith("[]")
        return self.name in schema.LIST_PROPERTIES


def parse_header(cell: str) -> tuple[ColumnSpec | None, str | None]:
    """``(spec, None)`` for a good header cell, ``(None, reason)`` for a bad one."""
    text = cell.strip()
    name, sep, declared = text.partition(":")
    name = name.strip()
    if not schema.is_identifier(name):
        return None, (
            f"column name {text!r} is not allowed: use letters, digits and _, start with a letter, "
            "at most 64 characters"
        )
    if sep:
        declared = declared.strip()
        if declared.removesuffix("[]") not in schema.PROPERTY_TYPES:
            kinds = ", ".join(schema.PROPERTY_TYPES)
            return (
                None,
                f"unknown type {declared!r} in header {text!r}; use one of {kinds} (add [] for a list)",
            )
        return ColumnSpec(name, declared), None
    return ColumnSpec(name), None


def infer_type(name: str, texts: list[str]) -> str:
    """The scalar type of a column from its non-empty texts (list elements already split)."""
    if name in KNOWN_TYPES:
        return KNOWN_TYPES[name]
    if not texts:
        return "string"
    if all(_INT.match(t) for t in texts):
        return "int"
    if all(_is_number(t) for t in texts):
        return "float"
    if all(t.lower() in _BOOL for t in texts):
        return "bool"
    if all(_DATE.match(t) for t in texts):
        return "date"
    numeric = sum(1 for t in texts if _is_number(t))
    if numeric >= 2 and numeric * 4 >= len(texts) * 3:
        # Mostly numbers: the rest are very likely typos; parse_cell reports them.
        return "float" if not all(_INT.match(t) for t in texts if _is_number(t)) else "int"
    return "string"


def parse_cell(text: str, kind: str) -> tuple[Any, str | None]:
    """``(value, None)`` or ``(None, reason)`` for one scalar text of type ``kind``."""
    if kind == "string":
        return text, None
    if kind == "int":
        t = text.strip()
        if _INT.match(t):
            if len(t.lstrip("-")) > 19:  # beyond 64 bits; int() would refuse past 4,300 digits
                return None, f"{_shown(text)} is outside the 64-bit integer range"
            return int(t), None
        if _is_number(t):
            value = float(t)
            if math.isfinite(value) and value == int(value):
                return int(value), None
        return None, f"{_shown(text)} is not a whole number"
    if kind == "float":
        t = text.strip()
        if not _is_number(t):
            return None, f"{_shown(text)} is not a number"
        value = float(t)
        if not math.isfinite(value):
            return None, f"{_shown(text)} is too large to be a finite number"
        return value, None
    if kind == "bool":
        flag = _BOOL.get(text.strip().lower())
        if flag is None:
            return None, f"{_shown(text)} is not true or false"
        return flag, None
    if kind == "date":
        t = text.strip()
        if not _DATE.match(t):
            return None, f"{_shown(text)} is not a date written YYYY-MM-DD"
        try:
            return _dt.date.fromisoformat(t), None
        except ValueError:
            return None, f"{text!r} is not a calendar date"
    raise ValueError(f"unknown type {kind}")


def parse_column(texts: list[str], kind: str) -> list[Any] | None:
    """The values of ``texts`` as :func:`parse_cell` gives them, or None when any of them
    is not of type ``kind`` (:func:`parse_cell` then says why); a whole column at a time.

    Examples
    --------
    >>> parse_column(["3", "-12"], "int"), parse_column(["0.5", "1e3"], "float")
    ([3, -12], [0.5, 1000.0])
    >>> parse_column(["2024-02-29", "True"], "date") is None
    True
    """
    if kind == "string":
        return list(texts)
    if kind == "int":
        if all(map(_INT.fullmatch, texts)) and max(map(len, texts), default=0) <= _LONGEST_INT:
            return list(map(int, texts))
    elif kind == "float":
        if all(map(_FLOAT.fullmatch, texts)):
            values = list(map(float, texts))
            return values if all(map(math.isfinite, values)) else None
    elif kind == "bool":
        flags = list(map(_BOOL.get, map(str.lower, texts)))
        if None not in flags:
            return flags
    elif kind == "date" and all(map(_DATE.fullmatch, texts)):
        try:
            return list(map(_dt.date.fromisoformat, texts))
        except ValueError:
            return None
    # Something to look at closer (spaces, 3.0 in an int column ...): one text at a time.
    values = []
    for text in texts:
        value, reason = parse_cell(text, kind)
        if reason is not None:
            return None
        values.append(value)
    return values


def split_list(cell: str) -> list[str]:
    """The elements of a list cell: split at ``;``, stripped, empty ones left out.

    >>> split_list(" cert; ;csirt;")
    ['cert', 'csirt']
    """
    return [p.strip() for p in cell.split(LIST_SEPARATOR) if p.strip()]


def format_value(value: Any) -> str:
    """The text of a property value, as the loaders read it back."""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(format_value(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def header_for(name: str, values: list[Any], *, declare: bool = False) -> str:
    """The header cell for a property column: the name, typed where inference would differ
    (or, with ``declare``, wherever the type is not plain text: spreadsheets store 1.0 as 1).

    Raises
    ------
    ValueError
        When the values do not share one type, or a list element holds the separator.
    """
    kinds = {schema.value_type(v) for v in values}
    if None in kinds or len(kinds) > 1:
        names = sorted(k or "unsupported" for k in kinds)
        raise ValueError(f"property {name!r} mixes value types ({', '.join(names)})")
    (only,) = kinds
    kind = only or "string"  # None was refused above
    is_list = kind.endswith("[]")
    scalar = kind.removesuffix("[]")
    texts = []
    for v in values:
        if is_list:
            for x in v:
                t = format_value(x)
                if LIST_SEPARATOR in t or t != t.strip() or not t:
                    raise ValueError(
                        f"property {name!r}: list element {t!r} cannot be written "
                        f"(it holds {LIST_SEPARATOR!r}, is empty or has outer spaces)"
                    )
                texts.append(t)
        else:
            texts.append(format_value(v))
    implied_list = name in schema.LIST_PROPERTIES
    if declare and kind != "string" and name not in KNOWN_TYPES:
        return f"{name}:{kind}"
    if is_list == implied_list and infer_type(name, texts) == scalar:
        return name
    return f"{name}:{kind}"


def _shown(text: str, limit: int = 60) -> str:
    """``repr(text)``, cut short when long (a bad cell may hold a megabyte)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text):,} characters)"


def _is_number(text: str) -> bool:
    return _FLOAT.match(text) is not None
