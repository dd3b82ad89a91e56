"""Load node-link JSON, GraphML and GEXF into the canonical graph, checking the schema.

XML files that declare a DTD or entities are refused before parsing, so no external
entity is ever resolved and no entity expansion can blow up memory.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit.errors import DatasetError, FormatError, Problem
from graphkit.graph import id_key, new_graph, node_problems, relationship_problems
from graphkit.loaders.duplicates import (
    MERGE_FIX,
    DuplicateFinder,
    RepeatedKey,
    check_mode,
    no_repeated_keys,
    repeated_key,
)
from graphkit.loaders.header import property_count_problem
from graphkit.loaders.ids import IdChecks
from graphkit.loaders.source import read_input
from graphkit.loaders.values import LIST_SEPARATOR, parse_cell
from graphkit.schema import RELATIONSHIP_SOURCE_COLUMN
from graphkit.suggest import path_hint

__all__ = [
    "load_json",
    "read_json",
    "from_cytoscape",
    "MAX_JSON_DEPTH",
    "TYPES_KEY",
    "check_json_depth",
]

TYPES_KEY = "graphkit_types"
"""The graph attribute of networkx node-link JSON naming the properties graphkit wrote as text
(``{"node:joined": "date"}``)."""

MAX_JSON_DEPTH = 64


def load_json(path: str | os.PathLike[str], *, duplicates: str = "error") -> nx.MultiDiGraph:
    """Read graphkit's node-link JSON, networkx's (``nodes`` + ``links``/``edges``), or
    Cytoscape's (``.cyjs``: ``elements`` with ``nodes`` and ``edges``, each a ``data`` object).

    An exact duplicate relationship is a problem, or with ``duplicates="merge"`` kept once
    (see :mod:`graphkit.loaders.duplicates`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = gk.write(gk.load(gk.SAMPLE), pathlib.Path(tmp) / "sample.json")
    ...     G = gk.load_json(path)
    >>> G.number_of_nodes(), G.number_of_edges(), G.nodes["EST"]["name"]
    (22, 47, 'Estonia')
    """
    path = Path(path)
    name = str(path)
    check_mode(duplicates)
    doc = read_json(path)
    if isinstance(doc, dict) and isinstance(doc.get("elements"), dict):
        doc = from_cytoscape(doc)
    if not isinstance(doc, dict) or not isinstance(doc.get("nodes"), list):
        raise FormatError(f"{name}: not node-link JSON; expected an object with a 'nodes' list")
    problems: list[Problem] = []
    G = new_graph(path.stem)
    nested = "relationships" in doc
    # networkx's node-link JSON written by graphkit: dates are ISO text, typed here
    meta = doc.get("graph") if not nested else None
    typed = meta.get(TYPES_KEY) if isinstance(meta, dict) else None
    typed = typed if isinstance(typed, dict) else {}
    first_use: dict[str, tuple[str, str]] = {}
    ids, dupes = IdChecks(), DuplicateFinder()
    for i, item in enumerate(doc["nodes"]):
        where = f"nodes[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(name, f"{where} is not an object"))
            continue
        props = (
            item.get("properties", {})
            if nested
            else {k: v for k, v in item.items() if k not in ("id", "label")}
        )
        if not isinstance(props, dict):
            problems.append(Problem(name, f"{where}.properties is not an object"))
            continue
        props = {k: _typed(_from_json(v), typed.get(f"node:{k}")) for k, v in props.items()}
        node_id, label = item.get("id"), item.get("label")
        msgs = (
            property_count_problem(props)
            or _bad_dates(props)
            or node_problems(G, node_id, label, props)
            or near_duplicate(first_use, str(node_id), where)
            or ids.check(node_id, where)  # type: ignore[arg-type]  # a non-text id is reported above
        )
        problems += [Problem(name, f"{where}: {m}") for m in msgs]
        if not msgs:
            G.add_node(node_id, label=label, **props)
    edges = doc.get("relationships") if nested else doc.get("links", doc.get("edges", []))
    if not isinstance(edges, list):
        raise FormatError(f"{name}: 'relationships' must be a list")
    for i, item in enumerate(edges):
        where = f"relationships[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(name, f"{where} is not an object"))
            continue
        if nested:
            props = item.get("properties", {})
            if not isinstance(props, dict):
                problems.append(Problem(name, f"{where}.properties is not an object"))
                continue
        else:
            props = {k: v for k, v in item.items() if k not in ("source", "target", "type", "key")}
            if RELATIONSHIP_SOURCE_COLUMN in props and "source" not in props:  # provenance
                props["source"] = props.pop(RELATIONSHIP_SOURCE_COLUMN)
        props = {k: _typed(_from_json(v), typed.get(f"edge:{k}")) for k, v in props.items()}
        u, t, v = item.get("source"), item.get("type"), item.get("target")
        msgs = (
            property_count_problem(props)
            or _bad_dates(props)
            or (relationship_problems(G, u, t, v, props) if isinstance(t, str) else ["'type' is missing"])
        )
        problems += [Problem(name, f"{where}: {m}") for m in explained(msgs, ids, u, v)]
        if not msgs:
            problems += add_unless_duplicate(G, dupes, u, t, v, props, where, name, duplicates)  # type: ignore[arg-type]
        if len(problems) >= 100:
            break
    if problems:
        raise DatasetError(problems[:100], truncated=max(0, len(problems) - 100))
    if dupes.merged:
        G.graph["merged_duplicates"] = dupes.merged
    return G


def from_cytoscape(doc: dict[str, Any]) -> dict[str, Any]:
    """Cytoscape JSON as networkx node-link data (``id`` and ``value`` of a node's data are
    its id; an edge's ``key`` and ``id`` are dropped; ``graphkit_types`` kept).

    >>> from_cytoscape({"data": {}, "elements": {"nodes": [{"data": {"id": "A", "value": "A", "name": "a"}}],
    ...                 "edges": [{"data": {"source": "A", "target": "A", "key": 0, "type": "T"}}]}})["links"]
    [{'source': 'A', 'target': 'A', 'type': 'T'}]
    """
    elements = doc.get("elements", {})
    nodes, links = [], []
    for item in elements.get("nodes") or []:
        data = dict(item.get("data", {})) if isinstance(item, dict) else {}
        data.pop("value", None)
        nodes.append(data)
    for item in elements.get("edges") or []:
        data = dict(item.get("data", {})) if isinstance(item, dict) else {}
        data.pop("key", None)
        data.pop("id", None)
        links.append(data)
    meta = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    return {"graph": meta, "nodes": nodes, "links": links}


def add_unless_duplicate(
    G: nx.MultiDiGraph,
    dupes: DuplicateFinder,
    u: Any,
    t: str,
    v: Any,
    props: dict[str, Any],
    where: Any,
    name: str,
    duplicates: str,
) -> list[Problem]:
    """Add the relationship, or merge or report it when it exactly repeats an earlier one
    (``where`` says where this one is, for a later repeat's message)."""
    token = dupes.token(u, t, v, props)
    first = dupes.earlier(G, token, u, t, v, props)
    if first is None:
        dupes.remember(token, where, u, v, G.add_edge(u, v, type=t, **props))
        return []
    if duplicates == "merge":
        dupes.merged += 1
        return []
    return [
        Problem(
            name,
            f"{where}: exact duplicate of {first} ({u} -{t}-> {v} with the same values: it "
            "would be counted twice by every weighted measure)",
            fix=MERGE_FIX,
        )
    ]


def explained(msgs: list[str], ids: IdChecks, u: Any, v: Any) -> list[str]:
    """``msgs`` with an unresolved endpoint explained (an invisible character, a look-alike id)."""
    out = []
    for m in msgs:
        end = "source" if m.startswith("source id") else "target" if m.startswith("target id") else None
        better = ids.unresolved(u if end == "source" else v, end) if end and "does not resolve" in m else None
        out.append(better or m)
    return out


def read_json(path: str | os.PathLike[str]) -> Any:
    """Parse a JSON file that someone else wrote: UTF-8 (BOM allowed), at most
    :data:`MAX_JSON_DEPTH` levels deep; every failure is a :class:`FormatError`."""
    path = Path(path)
    name = str(path)
    if not os.path.lexists(path):
        raise FormatError(f"{name}: no such file{path_hint(path)}")
    try:
        text = read_input(path).decode("utf-8-sig")  # a regular file only: a FIFO would block
    except UnicodeDecodeError:
        raise FormatError(f"{name}: not UTF-8 text; save it as UTF-8") from None
    _check_depth(text, name)
    try:
        return json.loads(text, object_pairs_hook=no_repeated_keys)
    except RepeatedKey as exc:
        line = (repeated_key(text) or (exc.key, 0))[1]
        raise FormatError(
            f"{name}:{line}: key {exc.key!r} appears twice in one object; the second value would silently "
            "replace the first (fix: remove one of them)"
        ) from None
    except json.JSONDecodeError as exc:
        raise FormatError(f"{name}:{exc.lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise FormatError(f"{name}: JSON nested too deeply") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        what = "a number has too many digits to be a property value" if "digits" in str(exc) else str(exc)
        raise FormatError(f"{name}: not valid JSON ({what})") from None


def near_duplicate(first_use: dict[str, tuple[str, str]], node_id: str, where: str) -> list[str]:
    """A problem when ``node_id`` differs from an earlier id only in case or Unicode form."""
    key = id_key(node_id)
    if key in first_use:
        other, at = first_use[key]
        a, b = (
            (repr(node_id), repr(other))
            if node_id.casefold() == other.casefold()
            else (ascii(node_id), ascii(other))
        )
        return [
            f"id {a} differs from id {b} ({at}) only in case or Unicode normalisation; "
            "use one spelling of the id everywhere, or make the ids really differ"
        ]
    first_use[key] = (node_id, where)
    return []


def restore(value: Any, kind: str | None) -> Any:
    if kind is None or not isinstance(value, str):
        return value
    if kind.endswith("[]"):
        scalar = kind[:-2]
        return [parse_cell(p.strip(), scalar)[0] for p in value.split(LIST_SEPARATOR) if p.strip()]
    if kind == "date":
        return parse_cell(value, "date")[0]
    return value


def _typed(value: Any, kind: Any) -> Any:
    """A date (or list of dates) written as ISO text, where ``graphkit_types`` says so."""
    if kind == "date" and isinstance(value, str):
        return _from_json({"date": value})
    if kind == "date[]" and isinstance(value, list):
        return [_from_json({"date": x}) if isinstance(x, str) else x for x in value]
    return value


def _bad_dates(props: dict[str, Any]) -> list[str]:
    """Problems for ``{"date": ...}`` values that are not calendar dates (left as dicts)."""
    out = []
    for k, v in props.items():
        for x in v if isinstance(v, list) else [v]:
            if isinstance(x, dict) and set(x) == {"date"}:
                out.append(
                    f"property {k!r}: {str(x['date'])[:40]!r} is not a calendar date written YYYY-MM-DD"
                )
    return out


def _from_json(v: Any) -> Any:
    if isinstance(v, dict) and set(v) == {"date"} and isinstance(v["date"], str):
        try:
            return _dt.date.fromisoformat(v["date"])
        except ValueError:
            return v
    if isinstance(v, list):
        return [_from_json(x) for x in v]
    return v


def check_json_depth(text: str, name: str) -> None:
    """Raise :class:`FormatError` when the JSON ``text`` nests brackets deeper than
    :data:`MAX_JSON_DEPTH` (``name`` names the file); linear in the text's length.

    Only brackets outside strings count. Each string is skipped in one anchored match from
    its opening quote; a string that never ends ends the scan (nothing after it is outside a
    string, and the parser reports it), so 400 KB of escaped quotes without a closing one is
    one pass, not one pass per quote.

    Examples
    --------
    >>> check_json_depth('{"a": "[[[[", "b": [1, [2]]}', "x.json")
    >>> check_json_depth('"' + '\\\\"' * 5, "x.json")
    """
    depth = 0
    pos = 0
    search = _JSON_BRACKETS.search
    string_end = _JSON_STRING_REST.match
    while (m := search(text, pos)) is not None:
        ch = m.group()
        pos = m.end()
        if ch == '"':
            rest = string_end(text, pos)
            if rest is None:
                return  # an unterminated string: json.loads says where
            pos = rest.end()
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise FormatError(f"{name}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
        else:
            depth -= 1


_check_depth = check_json_depth
_JSON_BRACKETS = re.compile(r'["\[\]{}]')
_JSON_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.S)


def refuse_dtd(path: Path) -> bytes:
    """The bytes of an XML file, refused when not UTF-8 or when it declares a DTD or
    entities anywhere in the file.

    The whole file is scanned (a DTD may follow megabytes of comments), and UTF-16/32
    files are refused because the scan reads bytes as UTF-8. The file is read once (a
    regular file only: :func:`graphkit.loaders.source.read_input`); parse these bytes.
    """
    data = read_input(path)
    try:
        with io.BytesIO(data) as f:
            head = f.read(4)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
                raise FormatError(f"{path}: XML in UTF-16 or UTF-32 is refused; save it as UTF-8")
            f.seek(0)
            tail = b""
            while chunk := f.read(1 << 22):
                window = tail + chunk
                if _DTD.search(window):
                    raise FormatError(
                        f"{path}: XML with a DTD or entity declarations is refused (entities are never "
                        "expanded); remove the <!DOCTYPE ...> block"
                    )
                tail = window[-16:]
    except OSError as exc:
        raise FormatError(f"{path}: cannot be read ({exc.strerror})") from None
    return data


_DTD = re.compile(rb"<!(?i:doctype|entity)")
