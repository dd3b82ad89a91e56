"""Build the canonical graph from pandas DataFrames, checked exactly as a CSV dataset is.

:func:`from_pandas` takes one DataFrame per dataset table (``actors`` and
``relationships``; ``capabilities`` and ``threats`` when there are any). Each frame is
turned into the text its CSV file would hold (every column with a declared type, as
:func:`graphkit.write` declares them in a workbook) and read by the dataset loader's own
row-by-row checks, so that a problem is reported as the CSV loader reports it: the table's
name, the line the row would have in ``df.to_csv(index=False)`` (the header is line 1, so
``df.iloc[0]`` is line 2) and the column.

Missing values (``None``, ``NaN``, ``pd.NA``, ``NaT``) are absent properties; nullable
integer columns (``Int64``) stay integers, booleans stay booleans, ``datetime64`` values at
midnight and ``datetime.date`` values are dates, lists (or arrays) are list properties.
The frames' column order is kept in ``G.graph["columns"]`` for :func:`graphkit.to_pandas`.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.errors import DatasetError, Problem
from graphkit.loaders.duplicates import check_mode
from graphkit.loaders.rows import Problems, RowDeduper, Table
from graphkit.loaders.tabular import graph_from_tables
from graphkit.loaders.values import format_value, header_for

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = ["from_pandas", "FRAME_TABLES"]

FRAME_TABLES = (
    schema.NODE_FILES[schema.ACTOR],
    schema.NODE_FILES[schema.CAPABILITY],
    schema.NODE_FILES[schema.THREAT],
    schema.RELATIONSHIPS_FILE,
)
"""The table names, in the order the loader reads them (and :func:`graphkit.to_pandas` returns them)."""

_FIXED = {"id", "name", "kind", "source", "type", "target"}


def from_pandas(
    actors: pd.DataFrame,
    relationships: pd.DataFrame | None = None,
    capabilities: pd.DataFrame | None = None,
    threats: pd.DataFrame | None = None,
    *,
    name: str = "dataframes",
    duplicates: str = "error",
    max_problems: int = 100,
) -> nx.MultiDiGraph:
    """The graph of a dataset given as DataFrames (columns as in the CSV files).

    ``relationships`` has the columns ``source``, ``type`` and ``target``; a relationship's
    provenance is the ``source_ref`` column, as in ``relationships.csv``. A column named
    ``id`` may also be the frame's index (``df.set_index("id")``).

    Raises
    ------
    DatasetError
        Listing every problem, each with the table, the CSV line of the row and the column.

    Examples
    --------
    >>> import pandas as pd
    >>> actors = pd.DataFrame({"id": ["EST", "NATO"], "name": ["Estonia", "NATO"],
    ...                        "kind": ["state", "alliance"], "since": pd.array([1991, pd.NA], "Int64")})
    >>> rels = pd.DataFrame({"source": ["EST"], "type": ["MEMBER_OF"], "target": ["NATO"],
    ...                      "weight": [float("nan")]})
    >>> G = gk.from_pandas(actors, rels)
    >>> G.nodes["EST"]["since"], "since" in G.nodes["NATO"], G["EST"]["NATO"][0]
    (1991, False, {'type': 'MEMBER_OF'})
    >>> try:
    ...     gk.from_pandas(actors.assign(kind=["state", "planet"]), rels)
    ... except gk.DatasetError as exc:
    ...     print(exc.problems[0].file, exc.problems[0].line, exc.problems[0].column)
    actors 3 kind
    """
    import pandas as pd

    check_mode(duplicates)
    problems = Problems(max_problems)
    given = dict(zip(FRAME_TABLES, (actors, capabilities, threats, relationships), strict=True))
    if relationships is None:
        given[schema.RELATIONSHIPS_FILE] = pd.DataFrame(columns=list(schema.REQUIRED_RELATIONSHIP_COLUMNS))
    tables: dict[str, Table] = {}
    for table_name, frame in given.items():
        if frame is None:
            continue
        if not isinstance(frame, pd.DataFrame):
            raise DatasetError(
                [
                    Problem(
                        table_name,
                        f"is a {type(frame).__name__}, not a pandas DataFrame",
                        fix="pass a DataFrame (pd.DataFrame(records) or pd.read_csv(...))",
                    )
                ]
            )
        table = _table(table_name, frame, problems, duplicates)
        if table is not None:
            tables[table_name] = table
    G = graph_from_tables(tables, name, problems, duplicates=duplicates)
    # the frames' column order, so that graphkit.to_pandas gives the columns back in it
    G.graph["columns"] = {t: [str(c) for c in table.header] for t, table in tables.items()}
    return G


def _table(name: str, frame: pd.DataFrame, problems: Problems, duplicates: str) -> Table | None:
    """The text a CSV file of ``frame`` would hold, one declared header per column."""
    if frame.index.name == "id" and "id" not in frame.columns:
        frame = frame.reset_index()
    header: list[str] = []
    columns: list[list[str | None]] = []
    for i, column in enumerate(frame.columns):
        label = str(column)
        values = [_python(v) for v in frame.iloc[:, i].tolist()]
        present = [v for v in values if v is not None]
        if label in _FIXED or not present:
            header.append(label)
        else:
            try:
                header.append(header_for(label, present, declare=True))
            except ValueError as exc:
                problems.add(
                    name,
                    str(exc),
                    line=1,
                    column=label,
                    fix=f"give the column one type (df[{label!r}].astype(...))",
                )
                header.append(label)
                values = [None] * len(values)
        columns.append([None if v is None else format_value(v) for v in values])
    table = Table(name, header, header_line=1)
    dedupe = RowDeduper(table, problems, duplicates)
    for row in range(len(frame)):
        cells = tuple(col[row] for col in columns)
        if any(c is not None and c.strip() for c in cells):
            dedupe.add(row + 2, cells)
    table.merged = dedupe.merged
    return table


def _python(value: Any) -> Any:
    """A cell as a plain Python value (None when missing): numpy scalars unwrapped,
    timestamps at midnight as dates, arrays as lists."""
    import numpy as np
    import pandas as pd

    if value is None:
        return None
    if isinstance(value, list | tuple | np.ndarray):
        items = [_python(v) for v in value]
        items = [v for v in items if v is not None]
        return items or None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, _dt.datetime):  # pd.Timestamp too
        return value.date() if value.time() == _dt.time() and value.tzinfo is None else value.isoformat()
    return value
