"""Write the canonical graph as GraphML 1.0 or GEXF 1.3, valid against the formats' own schemas.

GraphML follows ``http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd``: one ``<key>``
per property and domain, with an id unique in the file (``n_name`` for nodes, ``e_source``
for relationships, ``g_graphkit_types`` for the graph) and the property's name in
``attr.name``; edge ids ``e0``, ``e1`` ... unique in the file; node ids are graphkit's ids
where they are XML name tokens (``xs:NMTOKEN``), and otherwise ``n0``, ``n1`` ... with the
real id in the ``graphkit_id`` data. Lists and dates are text, their types kept in the graph
data ``graphkit_types``.

GEXF follows Gephi's current version, 1.3 (``http://gexf.net/1.3``): the node ``label``
is the name Gephi shows, graphkit's label is the ``node_label`` attribute, the
relationship type is both the edge's ``kind`` (1.3's way of telling parallel edges apart)
and the ``rel_type`` attribute; lists are 1.3 list types (``liststring``, ``listlong``
...). An attribute's id is ``name:type`` (``first_seen:date``), so that graphkit reads the
exact type back; GEXF has no date type, so dates are ``string`` values ``YYYY-MM-DD``.

Both writers stream the file to a temporary path and move it into place at the end, so
an interrupted run leaves the previous file intact.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.errors import OutputError
from graphkit.files import atomic_path
from graphkit.loaders.values import format_value

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["write_graphml", "write_gexf", "GRAPHML_NS", "GEXF_NS", "GRAPHKIT_ID"]

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GRAPHML_XSD = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
GEXF_NS = "http://gexf.net/1.3"
GEXF_XSD = "http://gexf.net/1.3/gexf.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# The data key (GraphML) that carries a node's graphkit id when that id is not an XML name token.
GRAPHKIT_ID = "graphkit_id"
TYPES_KEY = "graphkit_types"

# xs:NMTOKEN, kept to the name characters that every edition of XML 1.0 agrees on (ASCII and
# Latin-1 letters, digits, ``.-_:``): libxml2 validates with the first edition's tables,
# which leave out much of what the fifth edition allows (U+F900 ...).
NMTOKEN = re.compile("^[A-Za-z0-9._:\\-\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u00b7]+$")

_GRAPHML_TYPES = {"bool": "boolean", "int": "long", "float": "double", "string": "string"}
_GEXF_TYPES = {"bool": "boolean", "int": "long", "float": "double", "string": "string", "date": "string"}


def write_graphml(G: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write GraphML 1.0 (yEd, Cytoscape, Gephi) that validates against the official schema.

    Every node, relationship and property comes back from :func:`graphkit.load` with its
    type. Raises :class:`OutputError` when a property mixes value types within nodes (or
    within relationships), which a GraphML key cannot declare.
    """
    path = Path(path)
    node_keys = _property_types(G.nodes(data=True), "node", skip=())
    edge_keys = _property_types(((u, d) for u, _, d in G.edges(data=True)), "relationship", skip=())
    xml_ids = _graphml_node_ids(G)
    types = {f"node:{k}": t for k, t in node_keys.items()}
    types.update({f"edge:{k}": t for k, t in edge_keys.items()})
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        w = f.write
        w("<?xml version='1.0' encoding='utf-8'?>\n")
        w(
            f'<graphml xmlns="{GRAPHML_NS}" xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_XSD}">\n'
        )
        w(f'  <key id="g_{TYPES_KEY}" for="graph" attr.name="{TYPES_KEY}" attr.type="string"/>\n')
        if any(x != n for n, x in xml_ids.items()):
            w(f'  <key id="n_{GRAPHKIT_ID}" for="node" attr.name="{GRAPHKIT_ID}" attr.type="string"/>\n')
        for prefix, domain, keys in (("n", "node", node_keys), ("e", "edge", edge_keys)):
            for k, t in keys.items():
                w(
                    f'  <key id="{prefix}_{k}" for="{domain}" attr.name="{k}" attr.type="{_graphml_type(t)}"/>\n'
                )
        w('  <graph id="G" edgedefault="directed">\n')
        w(
            f'    <data key="g_{TYPES_KEY}">{_text(json.dumps(types, sort_keys=True, ensure_ascii=False))}</data>\n'
        )
        for n, d in G.nodes(data=True):
            x = xml_ids[n]
            w(f'    <node id="{_attr(x)}">')
            if x != n:
                w(f'<data key="n_{GRAPHKIT_ID}">{_text(n)}</data>')
            for k, v in d.items():
                w(f'<data key="n_{k}">{_text(_graphml_value(v))}</data>')
            w("</node>\n")
        for i, (u, v, d) in enumerate(G.edges(data=True)):
            w(f'    <edge id="e{i}" source="{_attr(xml_ids[u])}" target="{_attr(xml_ids[v])}">')
            for k, x in d.items():
                w(f'<data key="e_{k}">{_text(_graphml_value(x))}</data>')
            w("</edge>\n")
        w("  </graph>\n</graphml>\n")
    return path


def write_gexf(
    G: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    viz: bool = True,
    drawing: Any = None,
    analysis: Any = None,
) -> Path:
    """Write GEXF 1.3 for Gephi (0.9.3 and later) that validates against the official schema.

    Node ``label`` = the name; graphkit's label is the ``node_label`` attribute; the
    relationship type is the edge's ``kind`` and its ``rel_type`` attribute; a numeric
    ``weight`` is also the edge's own ``weight`` (Gephi's). Every node, relationship and
    property comes back from :func:`graphkit.load` with its type.

    ``viz``: every node carries its colour, size and position in graphkit's drawing
    (:func:`graphkit.export.drawing.prepare_drawing` of every layer: colours by kind, size
    by PageRank, the drawing's layout), so Gephi opens the picture graphkit draws. Give a
    prepared ``drawing`` (its nodes are used as they are) or an ``analysis`` (its measures
    size the nodes, nothing is computed again). The 1.3 schema declares ``color``,
    ``size`` and ``position`` in GEXF's own namespace (1.2 had a separate viz namespace),
    so they are written ``viz:color`` ... with ``viz`` bound to ``http://gexf.net/1.3``:
    valid against the schema, and read by Gephi, which matches them by local name.
    """
    path = Path(path)
    looks = _looks(G, drawing, analysis) if viz else {}
    node_keys = _property_types(G.nodes(data=True), "node", skip=("label",))
    edge_keys = _property_types(((u, d) for u, _, d in G.edges(data=True)), "relationship", skip=("type",))
    node_attrs = {"node_label": "node_label:string", **{k: f"{k}:{t}" for k, t in node_keys.items()}}
    edge_attrs = {"rel_type": "rel_type:string", **{k: f"{k}:{t}" for k, t in edge_keys.items()}}
    types = {"node_label": "string", **node_keys}
    etypes = {"rel_type": "string", **edge_keys}
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        w = f.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n')
        w(
            f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{GEXF_NS}" xmlns:xsi="{XSI_NS}" '
            f'xsi:schemaLocation="{GEXF_NS} {GEXF_XSD}" version="1.3">\n'
        )
        w("  <meta>\n    <creator>graphkit</creator>\n")
        name = G.graph.get("name")
        if isinstance(name, str) and name:
            w(f"    <description>{_text(name)}</description>\n")
        w("  </meta>\n")
        w('  <graph defaultedgetype="directed" mode="static">\n')
        for cls, attrs, kinds in (("node", node_attrs, types), ("edge", edge_attrs, etypes)):
            w(f'    <attributes class="{cls}" mode="static">\n')
            for k, aid in attrs.items():
                w(f'      <attribute id="{_attr(aid)}" title="{k}" type="{_gexf_type(kinds[k])}"/>\n')
            w("    </attributes>\n")
        w(f'    <nodes count="{G.number_of_nodes()}">\n')
        for n, d in G.nodes(data=True):
            w(f'      <node id="{_attr(n)}" label="{_attr(str(d.get("name", n)))}"><attvalues>')
            w(f'<attvalue for="node_label:string" value="{_attr(d["label"])}"/>')
            for k, v in d.items():
                if k != "label":
                    w(f'<attvalue for="{_attr(node_attrs[k])}" value="{_attr(_gexf_value(v))}"/>')
            w("</attvalues>")
            look = looks.get(n)
            if look is not None:
                w(look)
            w("</node>\n")
        w("    </nodes>\n")
        w(f'    <edges count="{G.number_of_edges()}">\n')
        kinds_seen: dict[tuple[str, str, str], int] = {}
        for i, (u, v, d) in enumerate(G.edges(data=True)):
            kind = _edge_kind(kinds_seen, u, v, d["type"])
            weight = d.get("weight")
            native = (
                f' weight="{_number(float(weight))}"'
                if isinstance(weight, int | float) and not isinstance(weight, bool) and math.isfinite(weight)
                else ""
            )
            w(
                f'      <edge id="{i}" source="{_attr(u)}" target="{_attr(v)}" kind="{_attr(kind)}"{native}><attvalues>'
            )
            w(f'<attvalue for="rel_type:string" value="{_attr(d["type"])}"/>')
            for k, x in d.items():
                if k != "type":
                    w(f'<attvalue for="{_attr(edge_attrs[k])}" value="{_attr(_gexf_value(x))}"/>')
            w("</attvalues></edge>\n")
        w("    </edges>\n  </graph>\n</gexf>\n")
    return path


# ---- helpers ------------------------------------------------------------------------------


def _looks(G: nx.MultiDiGraph, drawing: Any, analysis: Any) -> dict[str, str]:
    """Each node's ``viz:color``, ``viz:size`` and ``viz:position`` elements, from the drawing."""
    if drawing is None:
        from graphkit.export.drawing import prepare_drawing

        drawing = prepare_drawing(G, layers="all", analysis=analysis)
    out = {}
    for node in drawing.nodes:
        c = node.color.lstrip("#")
        r, g, b = int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
        out[node.id] = (
            f'<viz:color r="{r}" g="{g}" b="{b}" a="1.0"/>'
            f'<viz:size value="{_number(float(max(node.size, 0.0)))}"/>'
            f'<viz:position x="{_number(float(node.x))}" y="{_number(float(node.y))}" z="0.0"/>'
        )
    return out


def _property_types(
    items: Iterable[tuple[Any, dict[str, Any]]], what: str, *, skip: Iterable[str]
) -> dict[str, str]:
    """``{property: schema type}`` over nodes (or relationships); one type per property."""
    skip = set(skip)
    types: dict[str, str] = {}
    for _, d in items:
        for k, v in d.items():
            if k in skip:
                continue
            kind = schema.value_type(v) or "string"
            if types.setdefault(k, kind) != kind:
                raise OutputError(
                    f"property {k!r} of {what}s mixes value types ({types[k]} and {kind}); "
                    "GraphML and GEXF declare one type per property: make the values one type"
                )
    return types


def _graphml_node_ids(G: nx.MultiDiGraph) -> dict[str, str]:
    """The XML id of each node: its own id when it is an NMTOKEN, else a fresh ``n<i>``."""
    out: dict[str, str] = {}
    taken = {n for n in G.nodes if NMTOKEN.match(n)}
    i = 0
    for n in G.nodes:
        if n in taken:
            out[n] = n
            continue
        while f"n{i}" in taken:
            i += 1
        out[n] = f"n{i}"
        taken.add(out[n])
    return out


def _graphml_type(kind: str) -> str:
    return _GRAPHML_TYPES.get(kind, "string")  # lists and dates are text, typed by graphkit_types


def _gexf_type(kind: str) -> str:
    if kind.endswith("[]"):
        return "list" + _GEXF_TYPES[kind[:-2]] if kind[:-2] != "date" else "liststring"
    return _GEXF_TYPES[kind]


def _number(v: float) -> str:
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "INF" if v > 0 else "-INF"
    return repr(v)


def _graphml_value(v: Any) -> str:
    if isinstance(v, float):
        return _number(v)
    return format_value(v)


def _gexf_value(v: Any) -> str:
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_gexf_item(x) for x in v) + "]"
    if isinstance(v, float):
        return _number(v)
    return format_value(v)


_LIST_SPECIAL = frozenset(",[]'\"\\")


def _gexf_item(v: Any) -> str:
    """One element of a GEXF list: bare when unambiguous, else double-quoted with backslash escapes."""
    text = _gexf_value(v)
    if isinstance(v, str) and (not text or text != text.strip() or any(c in _LIST_SPECIAL for c in text)):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _edge_kind(seen: dict[tuple[str, str, str], int], u: str, v: str, rtype: str) -> str:
    """The relationship type, numbered from the second parallel edge of one type on
    (``COOPERATES_WITH 2``): GEXF 1.3 wants source-target-kind to be unique."""
    n = seen.get((u, v, rtype), 0) + 1
    seen[(u, v, rtype)] = n
    return rtype if n == 1 else f"{rtype} {n}"


_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
)


def _text(s: str) -> str:
    """Element text; a carriage return as a character reference (a parser turns a raw one into LF)."""
    return s.translate(_TEXT_ESCAPES)


def _attr(s: str) -> str:
    """An attribute value; tab, LF and CR as character references (a parser turns raw ones into spaces)."""
    return s.translate(_ATTR_ESCAPES)
