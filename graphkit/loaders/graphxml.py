"""Read GraphML and GEXF into the canonical graph, checking the schema.

Reads what graphkit writes (GraphML 1.0 and GEXF 1.3, every property with its type), what
graphkit wrote before (GraphML with named key ids, GEXF 1.2draft through networkx) and
what other tools write: Gephi (GEXF 1.1draft to 1.3), yEd, Cytoscape, networkx. Elements
are matched by local name, so the namespace of any version is accepted.

XML that declares a DTD or entities is refused before parsing (see
:func:`graphkit.loaders.graphxml.load_graphml`), so no entity is ever expanded.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.errors import DatasetError, FormatError, Problem
from graphkit.graph import new_graph, node_problems, relationship_problems
from graphkit.loaders.duplicates import DuplicateFinder, check_mode
from graphkit.loaders.graphfile import (
    add_unless_duplicate,
    check_json_depth,
    explained,
    near_duplicate,
    refuse_dtd,
    restore,
)
from graphkit.loaders.header import property_count_problem
from graphkit.loaders.ids import IdChecks
from graphkit.loaders.values import LIST_SEPARATOR, infer_type, parse_cell
from graphkit.suggest import path_hint

__all__ = ["load_graphml", "load_gexf", "parse_gexf_list"]

GRAPHKIT_ID = "graphkit_id"
TYPES_KEY = "graphkit_types"
_SCALARS = ("string", "int", "float", "bool", "date")
_KNOWN_TYPES = frozenset(_SCALARS) | {t + "[]" for t in _SCALARS}
_GRAPHML_SCALAR = {
    "boolean": "bool",
    "int": "int",
    "long": "int",
    "float": "float",
    "double": "float",
    "string": "string",
}
_GEXF_SCALAR = {
    "integer": "int",
    "long": "int",
    "short": "int",
    "byte": "int",
    "biginteger": "int",
    "float": "float",
    "double": "float",
    "bigdecimal": "float",
    "boolean": "bool",
    "string": "string",
    "anyURI": "string",
    "char": "string",
}
_MAX_PROBLEMS = 100


def load_graphml(path: str | os.PathLike[str], *, duplicates: str = "error") -> nx.MultiDiGraph:
    """Read a GraphML file: graphkit's (types restored) or another tool's.

    Keys are looked up by id and domain (``for``), values converted by ``attr.type``;
    ``<data>`` with element content (yEd's graphics) is left out. Nested graphs are
    read flat; hyperedges and ports are left out.

    Raises
    ------
    FormatError
        When the file is not well-formed XML, declares a DTD, or is not GraphML.
    DatasetError
        When nodes or relationships break the schema (each problem names the node or
        relationship and the field).
    """
    path = Path(path)
    check_mode(duplicates)
    root = _parse(path, "graphml", "GraphML")
    keys: dict[tuple[str, str], tuple[str, str, str | None]] = {}
    for k in _children(root, "key"):
        kid = k.get("id")
        if not kid:
            raise FormatError(f"{path}: a <key> has no 'id'")
        name = k.get("attr.name") or kid
        kind = _GRAPHML_SCALAR.get((k.get("attr.type") or "string").strip(), "string")
        default = next((d.text or "" for d in _children(k, "default")), None)
        keys[(kid, k.get("for") or "all")] = (name, kind, default)
    graph = next(_children(root, "graph"), None)
    if graph is None:
        raise FormatError(f"{path}: no <graph> element in the GraphML file")
    problems: list[Problem] = []
    name = str(path)
    graph_data = _graphml_data(graph, "graph", keys, problems, name, "graph")
    types: dict[str, str] = {}
    if TYPES_KEY in graph_data:
        types = _property_types(graph_data[TYPES_KEY], path)
    nodes: list[tuple[str, dict[str, Any]]] = []
    real_id: dict[str, str] = {}
    for el in graph.iter():
        if _local(el.tag) != "node":
            continue
        xml_id = el.get("id")
        if xml_id is None:
            problems.append(Problem(name, "a <node> has no 'id'"))
            continue
        d = _graphml_data(el, "node", keys, problems, name, f"node {xml_id!r}")
        node_id = d.pop(GRAPHKIT_ID, xml_id) if types else xml_id
        real_id[xml_id] = node_id
        nodes.append((node_id, {k: restore(v, types.get(f"node:{k}")) for k, v in d.items()}))
    edges: list[tuple[str, str, dict[str, Any]]] = []
    edge_ids: list[str | None] = []
    for el in graph.iter():
        if _local(el.tag) != "edge":
            continue
        edge_ids.append(el.get("id"))
        u, v = el.get("source"), el.get("target")
        where = f"relationship {u!r} -> {v!r}"
        if u is None or v is None:
            problems.append(Problem(name, f"{where}: an <edge> needs 'source' and 'target'"))
            continue
        d = _graphml_data(el, "edge", keys, problems, name, where)
        edges.append(
            (
                real_id.get(u, u),
                real_id.get(v, v),
                {k: restore(x, types.get(f"edge:{k}")) for k, x in d.items()},
            )
        )
    return _build(name, nodes, edges, problems, duplicates=duplicates, edge_ids=edge_ids)


def _property_types(text: Any, path: Path) -> dict[str, str]:
    """graphkit's own ``graphkit_types`` graph attribute, checked like any other input: a
    JSON object (at most :data:`MAX_JSON_DEPTH` deep, read in linear time) mapping
    ``node:NAME`` / ``edge:NAME`` to one of graphkit's type names."""
    where = f"{path}: graph attribute {TYPES_KEY}"
    fix = "(it is written by graphkit: export the graph again, or remove the attribute to read the file untyped)"
    if not isinstance(text, str):
        raise FormatError(f"{where} is not text {fix}")
    check_json_depth(text, where)
    try:
        types = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError):
        raise FormatError(f"{where} is not valid JSON {fix}") from None
    if not isinstance(types, dict):
        raise FormatError(f"{where} is not a JSON object {fix}")
    known = ", ".join(sorted(_KNOWN_TYPES))
    for key, kind in types.items():
        scope, _, prop = key.partition(":")
        if scope not in ("node", "edge") or not prop:
            raise FormatError(f"{where}: key {key[:80]!r} is not node:NAME or edge:NAME {fix}")
        if not isinstance(kind, str) or kind not in _KNOWN_TYPES:
            shown = kind[:40] if isinstance(kind, str) else type(kind).__name__
            raise FormatError(f"{where}: {key[:80]!r} has type {shown!r}, not one of {known} {fix}")
    return types


def load_gexf(path: str | os.PathLike[str], *, duplicates: str = "error") -> nx.MultiDiGraph:
    """Read a GEXF file (1.1draft, 1.2draft or 1.3): graphkit's or Gephi's.

    graphkit's label is the ``node_label`` attribute and the relationship type the
    ``rel_type`` attribute (or, for 1.3, the edge's ``kind``); a node without a ``name``
    attribute takes its GEXF ``label``. Attribute ids of the form ``name:type`` (what
    graphkit writes) give the exact graphkit type; otherwise the GEXF type does, and text
    attributes are read as lists (``aliases`` ...) or dates as graphkit wrote them before 1.3.

    Raises
    ------
    FormatError
        When the file is not well-formed XML, declares a DTD, or is not GEXF.
    DatasetError
        When nodes or relationships break the schema.
    """
    path = Path(path)
    name = str(path)
    check_mode(duplicates)
    root = _parse(path, "gexf", "GEXF")
    graph = next(_children(root, "graph"), None)
    if graph is None:
        raise FormatError(f"{path}: no <graph> element in the GEXF file")
    _refuse_dynamic(graph, path)
    _refuse_hierarchy(graph, path)
    attrs: dict[tuple[str, str], tuple[str, str, str | None]] = {}
    typed = False
    for block in _children(graph, "attributes"):
        cls = block.get("class", "node")
        for a in _children(block, "attribute"):
            aid, title = a.get("id"), a.get("title") or a.get("id")
            if aid is None or title is None:
                raise FormatError(f"{path}: an <attribute> of class {cls!r} has no 'id'")
            gexf_type = (a.get("type") or "string").strip()
            declared = aid.rsplit(":", 1)[1] if aid.startswith(title + ":") else None
            if declared in _KNOWN_TYPES:
                typed = True
                kind = declared
            elif gexf_type.startswith("list"):
                kind = _GEXF_SCALAR.get(gexf_type[4:], "string") + "[]"
            else:
                kind = _GEXF_SCALAR.get(gexf_type, "string")
            default = next((d.text or "" for d in _children(a, "default")), None)
            attrs[(cls, aid)] = (title, kind, default)
    problems: list[Problem] = []
    raw_nodes: list[tuple[str, str | None, dict[str, Any]]] = []
    for el in _descendants(graph, "nodes", "node"):
        nid = el.get("id")
        if nid is None:
            problems.append(Problem(name, "a <node> has no 'id'"))
            continue
        d = _attvalues(el, "node", attrs, problems, name, f"node {nid!r}")
        raw_nodes.append((nid, el.get("label"), d))
    raw_edges: list[tuple[str, str, dict[str, Any], ET.Element]] = []
    for el in _descendants(graph, "edges", "edge"):
        u, v = el.get("source"), el.get("target")
        where = f"relationship {u!r} -> {v!r}"
        if u is None or v is None:
            problems.append(Problem(name, f"{where}: an <edge> needs 'source' and 'target'"))
            continue
        raw_edges.append((u, v, _attvalues(el, "edge", attrs, problems, name, where), el))
    legacy = {} if typed else _legacy_types([d for *_, d in raw_nodes], [d for _, _, d, _ in raw_edges])
    nodes = []
    for nid, label, d in raw_nodes:
        d = {k: restore(x, legacy.get(f"node:{k}")) for k, x in d.items()}
        d["label"] = d.pop("node_label", None)
        if "name" not in d and label:
            d["name"] = label
        nodes.append((nid, d))
    edges = []
    for u, v, d, el in raw_edges:
        d = {k: restore(x, legacy.get(f"edge:{k}")) for k, x in d.items()}
        d.pop("networkx_key", None)  # what networkx's writer added to parallel edges
        rtype = d.pop("rel_type", None) or _type_of_kind(el.get("kind"))
        d["type"] = rtype
        weight = el.get("weight")
        if weight is not None and "weight" not in d and not typed:
            try:
                d["weight"] = float(weight)
            except ValueError:
                problems.append(
                    Problem(name, f"relationship {u!r} -> {v!r}: weight {weight!r} is not a number")
                )
        edges.append((u, v, d))
    return _build(
        name, nodes, edges, problems, duplicates=duplicates, edge_ids=[el.get("id") for *_, el in raw_edges]
    )


_TIME_ATTRS = ("start", "end", "startopen", "endopen", "timestamp", "timestamps")


def _refuse_dynamic(graph: ET.Element, path: Path) -> None:
    """Dynamic GEXF (values that change over time: attributes with ``mode="dynamic"``,
    ``<attvalue start=... end=...>``, ``<spells>``) has no place in a graphkit graph; refuse
    it with what to do instead of reading one of the values at random."""
    where = None
    for el in graph.iter():
        tag = _local(el.tag)
        if tag == "attributes" and el.get("mode") == "dynamic":
            titles = [a.get("title") or a.get("id") for a in _children(el, "attribute")]
            where = f"attribute(s) {', '.join(map(repr, titles))} are declared dynamic"
        elif tag == "attvalue" and any(el.get(a) is not None for a in _TIME_ATTRS):
            where = f"an <attvalue for={el.get('for')!r}> has a time interval"
        elif tag == "spells":
            where = "a node or edge has <spells> (a lifetime)"
        if where:
            raise FormatError(
                f"{path}: dynamic GEXF attributes are not supported: {where} (fix: export a static GEXF, "
                "e.g. from Gephi's timeline at one date, or keep one value per attribute; a tie's period "
                "goes in its since/until properties)"
            )


def _refuse_hierarchy(graph: ET.Element, path: Path) -> None:
    """A GEXF hierarchy (a ``<node>`` inside another node's ``<nodes>``, or a node with a
    ``pid`` parent) has no place in graphkit's flat graph: refuse it by name instead of
    dropping the inner nodes without a word."""
    for block in _children(graph, "nodes"):
        for node in _children(block, "node"):
            if node.get("pid") is not None:
                raise FormatError(
                    f"{path}: node {node.get('id')!r} has a parent (pid={node.get('pid')!r}): a GEXF "
                    "hierarchy is not supported (fix: export a flat graph, and write the parent as a "
                    "relationship, such as MEMBER_OF, between the two actors)"
                )
            inner = next((n for nodes in _children(node, "nodes") for n in _children(nodes, "node")), None)
            if inner is not None:
                raise FormatError(
                    f"{path}: node {inner.get('id')!r} is inside node {node.get('id')!r}: a GEXF hierarchy "
                    "(nested <nodes>) is not supported and its inner nodes would be lost (fix: export a flat "
                    "graph, and write the parent as a relationship, such as MEMBER_OF, between the two actors)"
                )


def parse_gexf_list(text: str) -> list[str]:
    """The elements of a GEXF 1.3 list value: ``[a, b]``, ``['a', "b, c"]`` or ``[]``.

    Quoted elements may hold commas and brackets, and backslash escapes (``\\"``, ``\\\\``).

    Examples
    --------
    >>> parse_gexf_list('[dance, ski]'), parse_gexf_list('["a, b", \\'c\\']'), parse_gexf_list('[]')
    (['dance', 'ski'], ['a, b', 'c'], [])
    """
    s = text.strip()
    if s.startswith("[") and s.endswith("]"):
        s = s[1:-1]
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        while i < n and s[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        if s[i] in "'\"":
            quote, i, buf = s[i], i + 1, []
            while i < n and s[i] != quote:
                if s[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(s[i])
                i += 1
            out.append("".join(buf))
            i += 1
            while i < n and s[i] != ",":
                i += 1
        else:
            j = s.find(",", i)
            j = n if j < 0 else j
            out.append(s[i:j].strip())
            i = j
        i += 1  # the comma
    return out


# ---- helpers ------------------------------------------------------------------------------


def _parse(path: Path, root_name: str, what: str) -> ET.Element:
    if not os.path.lexists(path):
        raise FormatError(f"{path}: no such file{path_hint(path)}")
    data = refuse_dtd(path)  # the bytes of a regular file (a FIFO is never opened)
    try:
        root = ET.parse(io.BytesIO(data)).getroot()
    except ET.ParseError as exc:  # "unclosed token: line 6, column 0"
        raise FormatError(
            f"{path}: not readable {what} (ParseError: {exc}); the XML is not well-formed"
        ) from None
    except OSError as exc:
        raise FormatError(f"{path}: cannot be read ({exc.strerror})") from None
    if _local(root.tag) != root_name:
        raise FormatError(
            f"{path}: not {what}: the root element is <{_local(root.tag)}>, expected <{root_name}>"
        )
    return root


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: ET.Element, name: str):
    return (c for c in el if _local(c.tag) == name)


def _descendants(graph: ET.Element, container: str, name: str):
    for block in _children(graph, container):
        yield from _children(block, name)


def _graphml_data(
    el: ET.Element, domain: str, keys: dict, problems: list[Problem], name: str, where: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for d in _children(el, "data"):
        kid = d.get("key")
        spec = keys.get((kid, domain)) or keys.get((kid, "all"))
        if spec is None:
            problems.append(Problem(name, f"{where}: <data key={kid!r}> names no <key> for {domain}s"))
            continue
        if len(d):  # element content (yEd graphics, SVG ...): not a property value
            continue
        value = _scalar(d.text or "", spec[1])
        if isinstance(value, _Bad):
            problems.append(Problem(name, f"{where}: property {spec[0]!r}: {value.message}"))
            continue
        out[spec[0]] = value
    for (_, dom), (prop, kind, default) in keys.items():
        if default is not None and dom in (domain, "all") and prop not in out:
            value = _scalar(default, kind)
            if not isinstance(value, _Bad):
                out[prop] = value
    return out


def _attvalues(
    el: ET.Element, cls: str, attrs: dict, problems: list[Problem], name: str, where: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for block in _children(el, "attvalues"):
        for a in _children(block, "attvalue"):
            aid = a.get("for") or a.get("id")
            spec = attrs.get((cls, aid)) if aid is not None else None
            if spec is None:
                problems.append(Problem(name, f"{where}: <attvalue for={aid!r}> names no {cls} attribute"))
                continue
            value = _value(a.get("value", ""), spec[1])
            if isinstance(value, _Bad):
                problems.append(Problem(name, f"{where}: property {spec[0]!r}: {value.message}"))
                continue
            out[spec[0]] = value
    for (c, _), (prop, kind, default) in attrs.items():
        if c == cls and default is not None and prop not in out:
            value = _value(default, kind)
            if not isinstance(value, _Bad):
                out[prop] = value
    return out


@dataclass(frozen=True)
class _Bad:
    """Why a text is not a value of its declared type."""

    message: str


def _value(text: str, kind: str) -> Any:
    if kind.endswith("[]"):
        items = [_scalar(x, kind[:-2]) for x in parse_gexf_list(text)]
        bad = next((x for x in items if isinstance(x, _Bad)), None)
        return bad if bad is not None else items
    return _scalar(text, kind)


def _scalar(text: str, kind: str) -> Any:
    """``text`` as a value of a graphkit scalar type, or a :class:`_Bad` saying why not."""
    if kind == "string":
        return text
    t = text.strip()
    if kind == "bool":
        if t.lower() in ("true", "1"):
            return True
        if t.lower() in ("false", "0"):
            return False
        return _Bad(f"{t[:40]!r} is not true or false")
    if kind == "float":
        special = {"INF": math.inf, "-INF": -math.inf, "NaN": math.nan}
        if t in special:
            return special[t]
        try:
            return float(t)
        except ValueError:
            return _Bad(f"{t[:40]!r} is not a number")
    value, why = parse_cell(t, kind)
    return _Bad(why or "") if why else value


_KIND = re.compile(r"^(?P<type>[A-Z_]+)(?: [0-9]+)?$")


def _type_of_kind(kind: str | None) -> str | None:
    """The relationship type in a GEXF 1.3 ``kind`` (``MEMBER_OF``, ``COOPERATES_WITH 2``)."""
    m = _KIND.match(kind or "")
    return m.group("type") if m and m.group("type") in schema.RELATIONSHIP_TYPES else None


def _legacy_types(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, str]:
    """Types of text attributes in GEXF graphkit wrote before 1.3: the known list properties
    (``;``-separated) as lists, and text whose every value is ``YYYY-MM-DD`` as dates."""
    values: dict[str, list[Any]] = {}
    for scope, items in (("node", nodes), ("edge", edges)):
        for d in items:
            for k, v in d.items():
                values.setdefault(f"{scope}:{k}", []).append(v)
    types = {}
    for key, vs in values.items():
        if not all(isinstance(v, str) for v in vs):
            continue
        prop = key.split(":", 1)[1]
        if prop in schema.LIST_PROPERTIES:
            parts = [p.strip() for v in vs for p in v.split(LIST_SEPARATOR) if p.strip()]
            types[key] = infer_type(prop, parts) + "[]"
        elif prop not in ("node_label", "rel_type") and infer_type(prop, vs) == "date":
            types[key] = "date"
    return types


def _build(
    name: str,
    nodes: list[tuple[str, dict[str, Any]]],
    edges: list[tuple[str, str, dict[str, Any]]],
    problems: list[Problem],
    *,
    duplicates: str = "error",
    edge_ids: list[str | None] | None = None,
) -> nx.MultiDiGraph:
    G = new_graph(Path(name).stem)
    first_use: dict[str, tuple[str, str]] = {}
    ids, dupes = IdChecks(), DuplicateFinder()
    for n, d in nodes:
        d = dict(d)
        label = d.pop("label", None)
        msgs = (
            property_count_problem(d)
            or node_problems(G, n, label, d)
            or near_duplicate(first_use, n, f"node {n!r}")
            or ids.check(n, f"node {n!r}")
        )
        problems += [Problem(name, f"node {n!r}: {m}") for m in msgs]
        if not msgs:
            G.add_node(n, label=label, **d)
        if len(problems) >= _MAX_PROBLEMS:
            break
    for i, (u, v, d) in enumerate(edges):
        if len(problems) >= _MAX_PROBLEMS:
            break
        d = dict(d)
        t = d.pop("type", None)
        msgs = property_count_problem(d) or (
            relationship_problems(G, u, t, v, d)
            if isinstance(t, str)
            else ["the relationship type is missing (no 'type' data, 'rel_type' attribute or edge kind)"]
        )
        where = f"relationship {u!r} -> {v!r}"
        problems += [Problem(name, f"{where}: {m}") for m in explained(msgs, ids, u, v)]
        if not msgs:
            eid = edge_ids[i] if edge_ids is not None and i < len(edge_ids) else None
            this = f"edge {eid!r}" if eid is not None else f"edge #{i + 1}"
            dup = add_unless_duplicate(G, dupes, u, t, v, d, this, name, duplicates)
            problems += [Problem(name, f"{where}: {p.message.split(': ', 1)[1]}", fix=p.fix) for p in dup]
    if problems:
        raise DatasetError(problems[:_MAX_PROBLEMS], truncated=max(0, len(problems) - _MAX_PROBLEMS))
    if dupes.merged:
        G.graph["merged_duplicates"] = dupes.merged
    return G
