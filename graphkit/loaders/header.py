"""A table's header: one :class:`~graphkit.loaders.values.ColumnSpec` per cell, and each column's type.

Both dataset readers use these, the row-by-row one (:mod:`graphkit.loaders.tabular`) and
the column-by-column one (:mod:`graphkit.loaders.columnar`), so that a header means the
same to both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphkit import schema
from graphkit.errors import Problem
from graphkit.loaders.rows import Problems, Table
from graphkit.loaders.values import ColumnSpec, infer_type, parse_header
from graphkit.suggest import close_matches

__all__ = [
    "MAX_COLUMNS",
    "MAX_PROPERTIES",
    "NODE_FIXED",
    "REL_FIXED",
    "column_specs",
    "column_kind",
    "property_count_problem",
]

MAX_COLUMNS = 1000  # a table may have at most this many columns
#: The most properties one node or relationship may have: a table of them (plus id, or
#: source, type and target) stays within :data:`MAX_COLUMNS`, so that what is loaded can be written.
MAX_PROPERTIES = 990


def property_count_problem(props: dict[str, Any]) -> list[str]:
    """``[message]`` when ``props`` has more than :data:`MAX_PROPERTIES` entries, else ``[]``
    (checked before the values, so that 100,000 of them are not looked at one by one)."""
    if len(props) <= MAX_PROPERTIES:
        return []
    return [
        f"has {len(props):,} properties; at most {MAX_PROPERTIES:,} are allowed (a dataset table holds at most "
        f"{MAX_COLUMNS:,} columns): keep the properties that matter, or move the rest to a separate table"
    ]


# Columns whose type the schema fixes, whatever the header declares.
NODE_FIXED = {"id": "string", "name": "string", "kind": "string", "source": "string"}
REL_FIXED = {
    "source": "string",
    "type": "string",
    "target": "string",
    schema.RELATIONSHIP_SOURCE_COLUMN: "string",
}


_ONE_PER_ROW = ("id", "source", "type", "target")


def column_specs(
    table: Table, required: tuple[str, ...], problems: Problems
) -> list[ColumnSpec | None] | None:
    """One spec per header cell (None for a cell with no name); problems with the header
    go to ``problems``, and None is returned when the table cannot be read further.

    Examples
    --------
    >>> from graphkit.loaders.rows import Problems, Table
    >>> problems = Problems(10)
    >>> column_specs(Table("t.csv", ["id", "name", "", "since:int"]), ("id",), problems)
    [ColumnSpec(name='id', declared=None), ColumnSpec(name='name', declared=None), None, ColumnSpec(name='since', declared='int')]
    >>> column_specs(Table("t.csv", ["name"]), ("id",), problems) is None
    True
    >>> problems.items[0].message
    "required column 'id' is missing"
    """
    if len(table.header) > MAX_COLUMNS:
        problems.add(
            table.file,
            f"the header has {len(table.header):,} columns; a table may have at most {MAX_COLUMNS:,}",
            line=table.header_line,
            fix="remove the extra columns (is this the right file?)",
        )
        return None
    specs: list[ColumnSpec | None] = []
    seen: set[str] = set()
    ok = True
    for cell in table.header:
        if cell.strip() == "":
            specs.append(None)
            continue
        spec, reason = parse_header(cell)
        if spec is None:
            problems.add(
                table.file,
                reason or "bad header",
                line=table.header_line,
                column=cell,
                fix="rename the column (letters, digits and _)",
            )
            specs.append(None)
            continue
        if spec.is_list and spec.name in _ONE_PER_ROW and spec.name in required:
            # An id or a type is one text: a list of them would reach the graph as a list.
            problems.add(
                table.file,
                f"column '{spec.name}' holds one value per row, not a list",
                line=table.header_line,
                column=spec.name,
                fix=f"write the header cell as '{spec.name}'",
            )
            ok = False
        if spec.name in seen:
            problems.add(
                table.file,
                "column appears twice",
                line=table.header_line,
                column=spec.name,
                fix="remove or rename one of them",
            )
            ok = False
        seen.add(spec.name)
        specs.append(spec)
    for col in required:
        if col not in seen:
            near = close_matches(col, sorted(seen - set(required)), n=1)
            problems.items.insert(
                0,
                Problem(
                    table.file,
                    f"required column '{col}' is missing"
                    + (f"; the header has '{near[0]}' (a misspelling of '{col}'?)" if near else ""),
                    table.header_line,
                    col,
                    f"rename the column '{near[0]}' to '{col}'"
                    if near
                    else f"add a '{col}' column to the header",
                ),
            )
            ok = False
    return specs if ok else None


def column_kind(spec: ColumnSpec, fixed: dict[str, str], texts: Callable[[], list[str]]) -> str:
    """The scalar type of a column: fixed by the schema, declared in the header, or else
    inferred from ``texts()`` (the column's non-empty texts, stripped, lists split).

    Examples
    --------
    >>> column_kind(ColumnSpec("since"), {}, lambda: ["2004", "1999"])
    'int'
    >>> column_kind(ColumnSpec("id", "int"), NODE_FIXED, lambda: ["1"])
    'string'
    """
    if spec.name in fixed:
        return fixed[spec.name]
    if spec.declared is not None:
        return spec.declared.removesuffix("[]")
    return infer_type(spec.name, texts())
