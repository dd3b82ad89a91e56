"""Kumu imports: a JSON blueprint or an Excel workbook with Elements and Connections sheets.

Kumu's documentation ("Structure your data for Kumu", "JSON / Blueprints") names the
columns: an element has a ``Label`` and optionally an ``ID`` (first column), ``Type``,
``Description``, ``Tags`` and any other field; a connection has ``From`` and ``To`` (the
elements' ids when elements have ids), ``Type`` and ``Direction`` (``directed``,
``undirected`` or ``mutual``). Several values in one cell are separated by ``|``.

graphkit writes every node as an element (``ID`` = graphkit's id, so that two actors
with one name stay two; ``Label`` = its name; ``Type`` = the actor's kind, or
``Capability`` / ``Threat``; ``Description`` and ``Tags`` from the properties of those
names) and every relationship as a connection (``Type`` = the relationship type;
``COOPERATES_WITH`` undirected, the rest directed). Other properties are fields of their
own name (lists ``|``-separated in the workbook, JSON lists in the blueprint).
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.errors import OutputError
from graphkit.files import atomic_path

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["kumu_blueprint", "write_kumu_json", "write_kumu_xlsx", "ELEMENT_COLUMNS", "CONNECTION_COLUMNS"]

ELEMENT_COLUMNS = ("ID", "Label", "Type", "Description", "Tags")
CONNECTION_COLUMNS = ("From", "To", "Type", "Direction")
_UNDIRECTED = {"COOPERATES_WITH"}
_TAKEN = {"name", "kind", "label", "description", "tags"}


def kumu_blueprint(G: nx.MultiDiGraph) -> dict[str, list[dict[str, Any]]]:
    """The blueprint: ``{"elements": [...], "connections": [...]}`` (keys in lower case, as Kumu's examples).

    Examples
    --------
    >>> bp = kumu_blueprint(gk.load(gk.SAMPLE))
    >>> bp["elements"][0]["id"], bp["elements"][0]["label"], bp["elements"][0]["type"]
    ('USA', 'United States', 'state')
    >>> {k: bp["connections"][0][k] for k in ("from", "to", "type", "direction")}
    {'from': 'USA', 'to': 'NATO', 'type': 'MEMBER_OF', 'direction': 'directed'}
    """
    elements = []
    for n, d in G.nodes(data=True):
        e: dict[str, Any] = {"id": str(n), "label": str(d.get("name", n)), "type": _type(d)}
        if "description" in d:
            e["description"] = _json(d["description"])
        if "tags" in d:
            e["tags"] = [str(t) for t in d["tags"]] if isinstance(d["tags"], list) else [str(d["tags"])]
        for k, v in d.items():
            if k not in _TAKEN:
                e[k] = _json(v)
        elements.append(e)
    connections = []
    for u, v, d in G.edges(data=True):
        c: dict[str, Any] = {
            "from": str(u),
            "to": str(v),
            "type": d["type"],
            "direction": "undirected" if d["type"] in _UNDIRECTED else "directed",
        }
        for k, x in d.items():
            if k != "type":
                c[k if k not in c else f"{k}_"] = _json(x)
        connections.append(c)
    return {"elements": elements, "connections": connections}


def write_kumu_json(G: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write a Kumu JSON blueprint (drop it onto a Kumu map, or Import > JSON)."""
    path = Path(path)
    text = json.dumps(kumu_blueprint(G), ensure_ascii=False, indent=1, allow_nan=False)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def write_kumu_xlsx(G: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write a Kumu import workbook: sheets ``Elements`` and ``Connections``.

    Examples
    --------
    >>> import openpyxl, pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_kumu_xlsx(gk.load(gk.SAMPLE), pathlib.Path(tmp) / "sample.kumu.xlsx")
    ...     wb = openpyxl.load_workbook(out)
    ...     [c.value for c in wb["Elements"][1]][:5], [c.value for c in wb["Connections"][1]][:4]
    (['ID', 'Label', 'Type', 'Description', 'Tags'], ['From', 'To', 'Type', 'Direction'])
    """
    try:
        import openpyxl
        from openpyxl.cell import WriteOnlyCell
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise OutputError("writing .xlsx needs openpyxl: pip install openpyxl") from exc
    from graphkit.export.tables import xlsx_escape

    bp = kumu_blueprint(G)
    wb = openpyxl.Workbook(write_only=True)
    for sheet, rows, fixed in (
        ("Elements", bp["elements"], ("id", "label", "type", "description", "tags")),
        ("Connections", bp["connections"], ("from", "to", "type", "direction")),
    ):
        ws = wb.create_sheet(sheet)
        extra: list[str] = []
        for r in rows:
            extra += [k for k in r if k not in fixed and k not in extra]
        names = [*(ELEMENT_COLUMNS if sheet == "Elements" else CONNECTION_COLUMNS), *extra]
        ws.append(names)
        for r in rows:
            cells = []
            for k in (*fixed, *extra):
                v = r.get(k)
                if isinstance(v, list):
                    v = "|".join(str(x) for x in v)
                if isinstance(v, str):
                    cell = WriteOnlyCell(ws, value="")
                    cell.value = xlsx_escape(v)
                    cell.data_type = "s"  # text, never a formula
                    cells.append(cell)
                else:
                    cells.append(v)
            ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buf.getbuffer())
    return path


def _type(d: dict[str, Any]) -> str:
    label = d.get("label", schema.ACTOR)
    return str(d.get("kind", label)) if label == schema.ACTOR else str(label)


def _json(v: Any) -> Any:
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    if isinstance(v, float) and v != v:
        return None
    return v
