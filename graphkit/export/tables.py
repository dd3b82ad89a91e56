"""Write the canonical graph as a dataset (CSV folder or .xlsx), node-link JSON, GraphML or GEXF.

Every writer writes to a temporary file or folder beside the target and moves it into
place at the end, so an interrupted run leaves the previous output intact. A file output
that is a symbolic link is written through; one that is a folder, a device (``/dev/null``)
or a FIFO is refused; a dataset folder that exists gets only its four CSV files replaced
(see :func:`write_dataset` and :mod:`graphkit.files`).
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.errors import OutputError
from graphkit.files import (
    FORMULA_PREFIXES,
    atomic_path,
    check_output_folder,
    neutralise_formula,
    replace_files,
    write_csv,
)
from graphkit.loaders.header import MAX_COLUMNS
from graphkit.loaders.values import format_value, header_for

# networkx loads only when a graph is written, so that the CSV helpers here stay cheap to import.
if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "write_dataset",
    "write_json",
    "write_graphml",
    "write_gexf",
    "write",
    "neutralise_formula",
    "atomic_path",
    "FORMULA_PREFIXES",
]


def write(
    G: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = True,
    format: str | None = None,
    analysis: Any = None,
    viz: bool = True,
) -> Path:
    """Write ``G`` in the format ``path`` names (see :mod:`graphkit.loaders.formats`): its
    extension (``.xlsx``, ``.json``, ``.graphml``, ``.gexf``), or a dataset folder when it
    has none.

    ``format`` names the format instead (a name of :func:`graphkit.loaders.formats.names`,
    as ``--to`` does). ``analysis`` (a :func:`graphkit.analyze` result) puts its centrality,
    cluster and gap columns on the actors (:func:`graphkit.export.interop.with_analysis`);
    a GEXF file then sizes its nodes by the analysis' own PageRank. ``viz=False`` leaves
    the drawing (colours, sizes, positions) out of a GEXF file: no layout is computed.

    Raises
    ------
    OutputError
        When the extension names no format graphkit writes, or the target cannot be replaced.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = gk.load(gk.SAMPLE)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = gk.write(G, pathlib.Path(tmp) / "sample.graphml")
    ...     gk.graph_diff(G, gk.load(out))
    []
    """
    from graphkit.errors import FormatError
    from graphkit.loaders.formats import for_path, get_format, names, resolve

    path = Path(path)
    if format is None:
        fmt = for_path(path, writing=True)
    else:
        try:
            fmt = get_format(format)
        except FormatError as exc:
            raise OutputError(str(exc)) from None
        if not fmt.writable or fmt.importer:
            raise OutputError(
                f"graphkit reads {fmt.name} but does not write it; write {', '.join(names(writing=True))}"
            )
    writer = resolve(fmt.writer or "")
    extra: dict[str, Any] = {} if viz or fmt.name != "gexf" else {"viz": False}
    if analysis is not None:
        from graphkit.export.interop import with_analysis

        G = with_analysis(G, analysis)
        if fmt.name == "gexf":
            extra["analysis"] = analysis
    if fmt.folder:
        writer(G, path, overwrite=overwrite, **extra)
    else:
        writer(G, path, **extra)
    return path


def write_dataset(G: nx.MultiDiGraph, path: str | os.PathLike[str], *, overwrite: bool = True) -> Path:
    """Write the four tables as a folder of CSV files, or one ``.xlsx`` workbook.

    A load of the result gives back every node, relationship and property with its type.

    A new folder is built aside and moved into place whole. In a folder that exists, only
    the CSV files the graph has rows for (:data:`DATASET_FILES`; ``norms.csv`` and
    ``positions.csv`` only when it has norms and positions) are replaced: every other file in it (notes,
    a ``README``, a ``.git/``, a report written inside it) is left as it was. A folder that
    is not empty and holds no ``actors.csv`` is not a dataset and is refused, as is a folder
    that is a symbolic link or one of the four names that is not a regular file
    (:class:`OutputError`, nothing changed). A ``.xlsx`` path that is a link is written
    through; one that is a device, FIFO or folder is refused.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> G = gk.load(gk.SAMPLE)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = gk.write_dataset(G, pathlib.Path(tmp) / "sample")
    ...     sorted(p.name for p in path.iterdir()), gk.graph_diff(G, gk.load(path))
    (['actors.csv', 'capabilities.csv', 'relationships.csv', 'threats.csv'], [])
    """
    path = Path(path)
    tables = _tables(G, declare=path.suffix.lower() == ".xlsx")
    if path.suffix.lower() == ".xlsx":
        with atomic_path(path) as tmp:
            _write_xlsx(tables, tmp)
        return path
    if path.is_symlink():
        check_output_folder(path, _dataset_owned, what="dataset")  # refuses the link
    if not path.exists():
        with atomic_path(path, folder=True, owned=_dataset_owned, what="dataset") as tmp:
            _write_csv_tables(tables, tmp)
        return path
    if not path.is_dir():
        check_output_folder(path, _dataset_owned, what="dataset")  # refuses the file, device ...
    if any(path.iterdir()) and not (path / "actors.csv").exists():
        raise OutputError(
            f"{path}: folder is not empty and is not a graphkit dataset (no actors.csv); "
            "it is left untouched — choose another output path"
        )
    if not overwrite:
        raise OutputError(f"{path}: exists")
    with replace_files(path, [f"{name}.csv" for name in tables], what="dataset") as tmp:
        _write_csv_tables(tables, tmp)
    return path


def _write_csv_tables(tables: dict[str, tuple[list[str], list[list[Any]]]], folder: Path) -> None:
    for name, (header, rows) in tables.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            # lines=False: a load gives back the same text (the loader removes only a
            # leading '); cells holding a line break are quoted all the same.
            write_csv(
                f,
                header,
                (["" if v is None else format_value(v) for v in row] for row in rows),
                lines=False,
            )


#: The files a dataset folder written by graphkit holds (and the only ones it replaces).
DATASET_FILES = frozenset(
    [f"{schema.NODE_FILES[label]}.csv" for label in schema.LABELS]
    + [f"{name}.csv" for name in (schema.RELATIONSHIPS_FILE, *schema.EXTRA_RELATIONSHIP_FILES)]
)
#: Relationship types written to a file of their own (positions.csv), not relationships.csv.
_OWN_FILE_TYPES = {"POSITION": "positions"}


def _dataset_owned(rel: str) -> bool:
    return rel in DATASET_FILES


def _tables(G: nx.MultiDiGraph, *, declare: bool = False) -> dict[str, tuple[list[str], list[list[Any]]]]:
    from graphkit.graph import nodes_of

    out: dict[str, tuple[list[str], list[list[Any]]]] = {}
    for label in schema.LABELS:
        ids, props = [], []
        for n, d in nodes_of(G, label):
            ids.append(n)
            props.append({k: v for k, v in d.items() if k != "label"})
        if not ids and schema.NODE_FILES[label] in schema.OPTIONAL_NODE_FILES:
            continue
        fixed = list(schema.REQUIRED_NODE_COLUMNS[label])[1:]
        header, rows = _columns_and_rows(props, fixed, f"{schema.NODE_FILES[label]}.csv", declare)
        out[schema.NODE_FILES[label]] = (["id", *header], [[i, *r] for i, r in zip(ids, rows, strict=True)])
    files: dict[str, tuple[list[tuple[str, str, str]], list[dict[str, Any]]]] = {
        schema.RELATIONSHIPS_FILE: ([], [])
    }
    for u, v, d in G.edges(data=True):
        ends, props = files.setdefault(_OWN_FILE_TYPES.get(d["type"], schema.RELATIONSHIPS_FILE), ([], []))
        ends.append((u, d["type"], v))
        p = {k: x for k, x in d.items() if k != "type"}
        if "source" in p:
            p[schema.RELATIONSHIP_SOURCE_COLUMN] = p.pop("source")
        props.append(p)
    for name, (ends, props) in files.items():
        header, rows = _columns_and_rows(props, [], f"{name}.csv", declare)
        out[name] = (
            ["source", "type", "target", *header],
            [[*e, *r] for e, r in zip(ends, rows, strict=True)],
        )
    return out


def _columns_and_rows(
    props: list[dict[str, Any]], fixed: list[str], file: str, declare: bool = False
) -> tuple[list[str], list[list[Any]]]:
    keys = list(fixed)
    seen = set(keys)
    for p in props:
        for k in p:
            if k not in seen:
                seen.add(k)
                keys.append(k)
    if len(keys) + 3 > MAX_COLUMNS:  # id, or source, type, target
        raise OutputError(
            f"{file}: would have {len(keys) + 3:,} columns, more than the {MAX_COLUMNS:,} a dataset table may "
            "have (graphkit could not read it back); nothing was written — drop the properties that do not "
            "matter, or write .json or .graphml instead"
        )
    header = []
    for k in keys:
        values = [p[k] for p in props if k in p]
        if k in fixed:
            header.append(k)
            continue
        try:
            header.append(header_for(k, values, declare=declare))
        except ValueError as exc:
            raise OutputError(f"{file}: {exc}") from None
    rows = [[p.get(k) for k in keys] for p in props]
    return header, rows


def _write_xlsx(tables: dict[str, tuple[list[str], list[list[Any]]]], path: Path) -> None:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover
        raise OutputError("writing .xlsx needs openpyxl: pip install openpyxl") from exc
    wb = openpyxl.Workbook(write_only=True)
    for name, (header, rows) in tables.items():
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append([_xlsx_cell(ws, v) for v in row])
    # Built in memory and written in one go: a full disk then fails in one write of ours
    # (an OutputError from atomic_path), not inside openpyxl's zip and sheet generators,
    # which would print "Exception ignored ... Traceback" when they are collected.
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getbuffer())


_EXACT_INT = 1 << 53


_XLSX_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def xlsx_escape(text: str) -> str:
    """Text as Excel stores it: a carriage return (which XML would turn into a line feed)
    as ``_x000D_``, and a literal ``_xHHHH_`` as ``_x005F_xHHHH_``."""
    return _XLSX_ESCAPED.sub(r"_x005F_\1", text).replace("\r", "_x000D_")


def _xlsx_cell(ws: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        value = format_value(value)  # needs 17 digits; a workbook keeps 16: exact as text
    if isinstance(value, list | tuple | str):
        # Text is stored as a text cell, never as a formula, whatever it starts with.
        cell = WriteOnlyCell(ws, value="")
        cell.value = xlsx_escape(format_value(value))
        cell.data_type = "s"
        return cell
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _EXACT_INT:
        # A spreadsheet holds numbers as doubles: beyond 2**53 it would change the digits.
        cell = WriteOnlyCell(ws, value="")
        cell.value = str(value)
        cell.data_type = "s"
        return cell
    if isinstance(value, _dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


# ---- node-link JSON ---------------------------------------------------------------------


def write_json(G: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write graphkit's node-link JSON: nodes and relationships with typed properties.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> G = gk.load(gk.SAMPLE)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = gk.write_json(G, pathlib.Path(tmp) / "sample.json")
    ...     gk.graph_diff(G, gk.load_json(path))
    []
    """
    path = Path(path)
    doc = {
        "graphkit": 1,
        "directed": True,
        "multigraph": True,
        "nodes": [
            {
                "id": n,
                "label": d["label"],
                "properties": {k: _json_value(v) for k, v in d.items() if k != "label"},
            }
            for n, d in G.nodes(data=True)
        ],
        "relationships": [
            {
                "source": u,
                "type": d["type"],
                "target": v,
                "properties": {k: _json_value(x) for k, x in d.items() if k != "type"},
            }
            for u, v, d in G.edges(data=True)
        ],
    }
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _json_value(v: Any) -> Any:
    if isinstance(v, _dt.date):
        return {"date": v.isoformat()}
    if isinstance(v, list | tuple):
        return [_json_value(x) for x in v]
    return v


# ---- GraphML and GEXF -------------------------------------------------------------------


def write_graphml(G: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write GraphML 1.0 (yEd, Cytoscape, Gephi) that validates against the official schema;
    lists and dates are text, their types kept in the graph data ``graphkit_types`` so that
    :func:`graphkit.load` restores them (see :mod:`graphkit.export.graphxml`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> G = gk.load(gk.SAMPLE)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = gk.write_graphml(G, pathlib.Path(tmp) / "sample.graphml")
    ...     gk.graph_diff(G, gk.load_graphml(path))
    []
    """
    from graphkit.export import graphxml

    return graphxml.write_graphml(G, path)


def write_gexf(G: nx.MultiDiGraph, path: str | os.PathLike[str], **viz: Any) -> Path:
    """Write GEXF 1.3 for Gephi that validates against the official schema: node label =
    name; graphkit's label is ``node_label``, the relationship type the edge's ``kind`` and
    ``rel_type``; colours, sizes and positions of graphkit's drawing (``viz=False``: none;
    ``analysis=``: its measures size the nodes; see :mod:`graphkit.export.graphxml`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> G = gk.load(gk.SAMPLE)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = gk.write_gexf(G, pathlib.Path(tmp) / "sample.gexf")
    ...     gk.graph_diff(G, gk.load_gexf(path))
    []
    """
    from graphkit.export import graphxml

    return graphxml.write_gexf(G, path, **viz)
