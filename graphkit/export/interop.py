"""The graph in the shapes other tools expect: networkx (display names), node-link JSON, Cytoscape ``.cyjs``.

graphkit's own graph keeps its label (``Actor``, ``Capability``, ``Threat``) in the node's
``label`` and the relationship type in the edge's ``type``. networkx's GEXF and GraphML
writers, Gephi and pyvis read ``label`` as the text to show and ``type`` as the edge's
direction, so :func:`to_networkx` with ``style="display"`` renames them:

================= ==================================== ===================================
graphkit          ``style="display"``                  why
================= ==================================== ===================================
node ``label``    ``node_type``; ``label`` = the name  the text Gephi, pyvis and nx show
edge ``type``     ``relationship`` and ``label``       GEXF's ``type`` is directed/undirected
edge ``source``   ``source_ref``                       ``source`` is the start node elsewhere
lists, dates      text (``a; b``, ``YYYY-MM-DD``)      nx's GEXF writer reads lists as spells
================= ==================================== ===================================

:func:`write_node_link` writes networkx's node-link JSON (``nx.node_link_graph`` reads it
with every attribute; the edges are under both ``"edges"``, networkx 3.4 and later's
default key, and ``"links"``, the key before, so either default reads the file) and
:func:`write_cyjs` Cytoscape's JSON (``nx.cytoscape_graph`` reads it; Cytoscape Desktop
imports ``.cyjs``). Both keep graphkit's own names (``label`` = Actor ...) so that
:func:`graphkit.load` reads either file back exactly, dates included (the graph
attribute ``graphkit_types`` names the properties written as ISO text).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.files import atomic_path
from graphkit.loaders.graphfile import TYPES_KEY
from graphkit.loaders.values import LIST_SEPARATOR, format_value

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "to_networkx",
    "node_link_data",
    "write_node_link",
    "cytoscape_data",
    "write_cyjs",
    "with_analysis",
    "ANALYSIS_COLUMNS",
    "hex_rgb",
]

STYLES = ("data", "display")

ANALYSIS_COLUMNS: dict[str, tuple[str, ...]] = {
    "centrality": (
        "degree", "weighted_degree", "betweenness", "closeness", "eigenvector", "pagerank",
        "constraint", "effective_size", "core",
    ),
    "clusters": ("cluster", "cluster_name"),
    "gap_summary": ("needed_weight", "own_gap", "coalition_gap", "closed_by_cooperation"),
}  # fmt: skip
"""The analysis columns :func:`with_analysis` puts on the actors (``convert --with-analysis``)."""


def to_networkx(
    G: nx.MultiDiGraph, *, style: str = "display", viz: bool = False, **drawing: Any
) -> nx.MultiDiGraph:
    """A copy of ``G`` with the attribute names other tools expect.

    ``style="display"`` (see the module's table) gives a graph that ``nx.write_gexf``,
    ``nx.write_graphml``, pyvis and Gephi take as it is; ``style="data"`` keeps graphkit's
    names and values (a plain copy). ``viz=True`` adds networkx's ``viz`` node attribute
    (colour, size and position of graphkit's drawing; ``drawing`` options as in
    :func:`graphkit.write_html`), which ``nx.write_gexf`` writes as ``viz:`` elements.

    Examples
    --------
    >>> H = gk.to_networkx(gk.load(gk.SAMPLE))
    >>> H.nodes["EST"]["label"], H.nodes["EST"]["node_type"]
    ('Estonia', 'Actor')
    >>> d = H.get_edge_data("EST", "NATO")[0]
    >>> d["label"], d["relationship"], "type" in d
    ('MEMBER_OF', 'MEMBER_OF', False)
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    H = G.copy()
    if style == "data":
        return H
    H.graph.clear()  # nx.write_gexf writes a graph's name as an attribute GEXF 1.3 does not allow
    H.graph["title"] = str(G.graph.get("name", ""))
    for _, d in H.nodes(data=True):
        label = d.pop("label", None)
        for k, v in list(d.items()):
            d[k] = _text_value(v)
        d["node_type"] = label
        d["label"] = str(d.get("name", ""))
    for _, _, d in H.edges(data=True):
        rtype = d.pop("type", None)
        if "source" in d:
            d[schema.RELATIONSHIP_SOURCE_COLUMN] = d.pop("source")
        for k, v in list(d.items()):
            d[k] = _text_value(v)
        d["relationship"] = rtype
        d["label"] = rtype
    for n, d in H.nodes(data=True):
        if not d["label"]:
            d["label"] = str(n)
    if viz:
        from graphkit.export.drawing import prepare_drawing

        D = prepare_drawing(G, **{"layers": "all", **drawing})
        for node in D.nodes:
            r, g, b = hex_rgb(node.color)
            H.nodes[node.id]["viz"] = {
                "color": {"r": r, "g": g, "b": b, "a": 1.0},
                "size": node.size,
                "position": {"x": node.x, "y": node.y, "z": 0.0},
            }
    return H


def with_analysis(G: nx.MultiDiGraph, analysis: Any) -> nx.MultiDiGraph:
    """A copy of ``G`` whose actors carry the analysis' :data:`ANALYSIS_COLUMNS` (a column
    whose name a node property already uses is written ``analysis_<name>``; missing values
    are left out).

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> A = with_analysis(G, gk.analyze(G, seed=1))
    >>> round(A.nodes["NATO"]["pagerank"], 3) > 0, "cluster" in A.nodes["EST"], "pagerank" in G.nodes["NATO"]
    (True, True, False)
    """
    import pandas as pd

    H = G.copy()
    tables = analysis.tables()
    for table, columns in ANALYSIS_COLUMNS.items():
        frame = tables.get(table)
        if frame is None or not len(frame):
            continue
        key = "id" if "id" in frame.columns else "actor_id"
        for row in frame.to_dict("records"):
            n = row.get(key)
            if n not in H:
                continue
            d = H.nodes[n]
            for c in columns:
                v = row.get(c)
                if c not in row or v is None or (not isinstance(v, str) and pd.isna(v)):
                    continue
                name = c if c not in G.nodes[n] else f"analysis_{c}"
                d[name] = v.item() if hasattr(v, "item") else v
    return H


def node_link_data(G: nx.MultiDiGraph) -> dict[str, Any]:
    """networkx node-link data of ``G`` (graphkit's names, dates as ISO text typed in
    ``graph.graphkit_types``, a relationship's provenance as ``source_ref``)."""
    types: dict[str, str] = {}
    nodes = []
    for n, d in G.nodes(data=True):
        nodes.append({"id": n, **{k: _json(v, types, f"node:{k}") for k, v in d.items()}})
    edges = []
    for u, v, key, d in G.edges(keys=True, data=True):
        item: dict[str, Any] = {"source": u, "target": v, "key": key}
        for k, x in d.items():
            name = schema.RELATIONSHIP_SOURCE_COLUMN if k == "source" else k
            item[name] = _json(x, types, f"edge:{name}")
        edges.append(item)
    graph = {k: v for k, v in G.graph.items() if k in ("name",)}
    if types:
        graph[TYPES_KEY] = dict(sorted(types.items()))
    return {
        "directed": True,
        "multigraph": True,
        "graph": graph,
        "nodes": nodes,
        "edges": edges,
        "links": edges,
    }


def write_node_link(G: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write networkx node-link JSON: ``nx.node_link_graph(json.load(f))`` gives ``G`` back.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> G = gk.load(gk.SAMPLE)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_node_link(G, pathlib.Path(tmp) / "sample.nodelink.json")
    ...     H = nx.node_link_graph(json.loads(path.read_text()))
    ...     back = gk.load(path)
    >>> H.number_of_edges() == G.number_of_edges(), gk.graph_diff(G, back)
    (True, [])
    """
    return _write_json(node_link_data(G), path)


def cytoscape_data(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Cytoscape.js JSON of ``G`` (``nx.cytoscape_data`` of the display-ready values:
    lists stay lists, dates ISO text; the node's ``name`` is its display name)."""
    import networkx as nx

    H = G.copy()
    types: dict[str, str] = {}
    for _, d in H.nodes(data=True):
        for k, v in list(d.items()):
            d[k] = _json(v, types, f"node:{k}")
    for _, _, d in H.edges(data=True):
        if "source" in d:
            d[schema.RELATIONSHIP_SOURCE_COLUMN] = d.pop("source")
        for k, v in list(d.items()):
            d[k] = _json(v, types, f"edge:{k}")
    for n, d in H.nodes(data=True):
        d.setdefault("name", str(n))
    data: dict[str, Any] = nx.cytoscape_data(H)
    data["data"] = {"name": str(G.graph.get("name", "graphkit"))}
    if types:
        data["data"][TYPES_KEY] = dict(sorted(types.items()))
    return data


def write_cyjs(G: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write Cytoscape JSON (``.cyjs``): Cytoscape Desktop imports it, ``nx.cytoscape_graph`` reads it.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> G = gk.load(gk.SAMPLE)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_cyjs(G, pathlib.Path(tmp) / "sample.cyjs")
    ...     H = nx.cytoscape_graph(json.loads(path.read_text()))
    >>> sorted(H.nodes) == sorted(G.nodes), H.number_of_edges() == G.number_of_edges()
    (True, True)
    """
    return _write_json(cytoscape_data(G), path)


def hex_rgb(color: str) -> tuple[int, int, int]:
    """``#0072B2`` -> ``(0, 114, 178)``."""
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _write_json(doc: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8")
    return path


def _json(v: Any, types: dict[str, str], key: str) -> Any:
    """A JSON value; a date (or list of dates) as ISO text, its type noted in ``types``."""
    if isinstance(v, _dt.date):
        types[key] = "date"
        return v.isoformat()
    if isinstance(v, list | tuple):
        if v and all(isinstance(x, _dt.date) for x in v):
            types[key] = "date[]"
        return [x.isoformat() if isinstance(x, _dt.date) else x for x in v]
    if isinstance(v, float) and v != v:
        return None
    return v


def _text_value(v: Any) -> Any:
    """What networkx's GEXF and GraphML writers take: scalars as they are, the rest as text."""
    if isinstance(v, list | tuple):
        return LIST_SEPARATOR.join(format_value(x) for x in v)
    if isinstance(v, _dt.date):
        return v.isoformat()
    return v
