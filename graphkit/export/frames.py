"""The canonical graph as pandas DataFrames, one per dataset table (:func:`graphkit.from_pandas` reads them back).

Columns are those of the CSV files: ``id`` and the node properties (``name``, ``kind`` ...
first); ``source``, ``type``, ``target`` and the relationship properties, a relationship's
provenance in ``source_ref``. A property a row does not have is missing. Column types:

========== ===========================================================
int        ``Int64`` (pandas' nullable integer: missing is ``pd.NA``)
float      ``float64`` (missing is ``NaN``)
bool       ``boolean`` (nullable)
string     pandas' own inference (``str`` in pandas 3, ``object`` before)
date       ``object`` holding ``datetime.date`` (missing is ``None``)
list       ``object`` holding Python lists (missing is ``None``)
========== ===========================================================

Columns come in the order of the frames the graph was built from
(``G.graph["columns"]``, set by :func:`graphkit.from_pandas`), else fixed columns first
and the rest as first met. Relationships come in the graph's order (grouped by start node). Frames built with these types go through ``to_pandas(from_pandas(...))`` unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.errors import OutputError
from graphkit.loaders.frames import FRAME_TABLES

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = ["to_pandas"]


def to_pandas(G: nx.MultiDiGraph) -> dict[str, pd.DataFrame]:
    """``{"actors", "capabilities", "threats", "relationships"}`` as DataFrames.

    Raises
    ------
    OutputError
        When one property holds values of different types (a column holds one).

    Examples
    --------
    >>> frames = gk.to_pandas(gk.load(gk.SAMPLE))
    >>> list(frames), frames["actors"].columns[:3].tolist()
    (['actors', 'capabilities', 'threats', 'relationships'], ['id', 'name', 'kind'])
    >>> gk.graph_diff(gk.load(gk.SAMPLE), gk.from_pandas(**frames))
    []
    """
    from graphkit.graph import nodes_of

    out: dict[str, pd.DataFrame] = {}
    columns = G.graph.get("columns")
    columns = columns if isinstance(columns, dict) else {}
    order = {label: columns.get(schema.NODE_FILES[label]) for label in schema.LABELS}
    for label in schema.LABELS:
        rows = [{"id": n, **{k: v for k, v in d.items() if k != "label"}} for n, d in nodes_of(G, label)]
        fixed = list(schema.REQUIRED_NODE_COLUMNS[label])
        out[schema.NODE_FILES[label]] = _frame(rows, fixed, schema.NODE_FILES[label], order.get(label))
    rels = []
    for u, v, d in G.edges(data=True):
        row = {"source": u, "type": d["type"], "target": v}
        for k, x in d.items():
            if k != "type":
                row[schema.RELATIONSHIP_SOURCE_COLUMN if k == "source" else k] = x
        rels.append(row)
    out[schema.RELATIONSHIPS_FILE] = _frame(
        rels,
        list(schema.REQUIRED_RELATIONSHIP_COLUMNS),
        schema.RELATIONSHIPS_FILE,
        columns.get(schema.RELATIONSHIPS_FILE),
    )
    return {name: out[name] for name in FRAME_TABLES}


def _frame(rows: list[dict[str, Any]], fixed: list[str], table: str, order: Any = None) -> pd.DataFrame:
    import pandas as pd

    keys = list(fixed)
    if isinstance(order, list):  # the column order of the frames the graph was built from
        keys += [k.partition(":")[0] for k in order if k.partition(":")[0] not in keys]
    for r in rows:
        keys += [k for k in r if k not in keys]
    data: dict[str, Any] = {}
    for k in keys:
        values = [r.get(k) for r in rows]
        kinds = {schema.value_type(v) for v in values if v is not None}
        if len(kinds) > 1:
            raise OutputError(
                f"{table}: property {k!r} mixes value types ({', '.join(sorted(map(str, kinds)))}); "
                "a DataFrame column holds one"
            )
        kind = next(iter(kinds), None) or "string"
        if kind == "int":
            data[k] = pd.array(values, dtype="Int64")
        elif kind == "float":
            data[k] = pd.array([float("nan") if v is None else v for v in values], dtype="float64")
        elif kind == "bool":
            data[k] = pd.array(values, dtype="boolean")
        elif kind == "date" or kind.endswith("[]"):
            data[k] = pd.Series(values, dtype=object)
        elif not rows:
            data[k] = pd.Series([], dtype="str" if pd.__version__ >= "3" else object)
        else:
            data[k] = pd.Series(values)
    return pd.DataFrame(data, columns=keys)
