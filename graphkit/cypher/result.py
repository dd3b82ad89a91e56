"""Query results: one object for every backend, and its table, CSV and JSON forms."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from graphkit.files import escape_terminal, write_csv

__all__ = ["QueryResult", "as_result", "format_table", "write_result", "RESULT_FORMATS"]

#: The output formats of :func:`write_result` (and ``graphkit query --format``).
RESULT_FORMATS = ("table", "csv", "json")


@dataclass
class QueryResult:
    """Rows of a query: column names and one tuple per row (plain Python values)."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def to_frame(self) -> Any:
        """The rows as a :class:`pandas.DataFrame` with the result's columns."""
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=list(self.columns), dtype=object)

    def __len__(self) -> int:
        return len(self.rows)


def as_result(obj: Any) -> QueryResult:
    """A :class:`QueryResult` from what a store returns: itself, a DataFrame, ``(columns, rows)`` or records."""
    if isinstance(obj, QueryResult):
        return obj
    if hasattr(obj, "columns") and hasattr(obj, "itertuples"):
        return QueryResult(
            [str(c) for c in obj.columns], [tuple(r) for r in obj.itertuples(index=False, name=None)]
        )
    if isinstance(obj, tuple) and len(obj) == 2:
        cols, rows = obj
        return QueryResult(list(cols), [tuple(r) for r in rows])
    if hasattr(obj, "keys") and hasattr(obj, "values") and callable(obj.keys) and not isinstance(obj, dict):
        recs = list(obj)  # a driver result
        cols = list(obj.keys()) if not recs else list(recs[0].keys())
        return QueryResult(cols, [tuple(r.values()) for r in recs])
    recs = list(obj)
    if recs and isinstance(recs[0], Mapping):
        cols = list(recs[0].keys())
        return QueryResult(cols, [tuple(r.get(c) for c in cols) for r in recs])
    if not recs:
        return QueryResult([], [])
    raise TypeError(f"cannot read a query result from {type(obj).__name__}")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_cell(v) if not isinstance(v, str) else v for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    return str(value)


def format_table(columns: list[str], rows: list[tuple[Any, ...]], *, max_width: int = 60) -> str:
    """Rows as an aligned text table with a header rule and a row count.

    >>> print(format_table(["id", "n"], [("NATO", 6), ("EU", 3)]))
    id    n
    ----  -
    NATO  6
    EU    3
    (2 rows)
    """
    # Text from the data cannot act on the terminal: CR, C1 and bidi controls are shown escaped.
    cells = [[escape_terminal(_cell(v)) for v in r] for r in rows]
    columns = [escape_terminal(c) for c in columns]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in cells]
    widths = [len(c) for c in columns]
    for r in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, r, strict=True)]
    numeric = [
        all(isinstance(r[i], int | float) and not isinstance(r[i], bool) or r[i] is None for r in rows)
        and rows
        for i in range(len(columns))
    ]

    def line(vals: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w) for v, w, num in zip(vals, widths, numeric, strict=True)
        ).rstrip()

    out = [line(list(columns)), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _json_default(value: Any) -> Any:
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        return value.isoformat()
    if hasattr(value, "items"):
        return dict(value.items())
    if hasattr(value, "__iter__"):
        return list(value)
    return str(value)


def write_result(result: Any, fmt: str, out: TextIO) -> None:
    """Write a query result as ``table``, ``csv`` (formula-safe cells) or ``json`` (a list of objects)."""
    if fmt == "json":
        json.dump(result.records(), out, default=_json_default, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":  # the one CSV writer: line breaks quoted, formulas neutralised in every line
        write_csv(out, result.columns, ([_csv_cell(v) for v in r] for r in result.rows))
    else:
        out.write(format_table(result.columns, result.rows) + "\n")


def _csv_cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ";".join(_csv_cell(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return _cell(value)
