"""Exports for the neighbours, each read back by the neighbour's own reader or checked against its documented format.

Independent expectations: networkx's own readers (``nx.node_link_graph``,
``nx.cytoscape_graph``), the official GEXF 1.3 schema (lxml), the header grammar of
Neo4j's operations manual ("Import header format", written out again here), and the
columns Kumu's import guide names ("Structure your data for Kumu", "JSON / Blueprints").
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

import graphkit as gk
from graphkit import schema
from graphkit.export.drawing_model import KIND_COLORS, LABEL_COLORS

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
GEXF_XSD = SCHEMAS / "gexf-1.3" / "gexf.xsd"
NS = {"g": "http://gexf.net/1.3"}


@pytest.fixture(scope="module")
def G():
    return gk.load(gk.SAMPLE)


def _plain(v):
    """A graphkit value as JSON holds it: dates as ISO text."""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _edges_by_ends(items):
    return Counter(json.dumps(x, sort_keys=True, default=str) for x in items)


# ---- networkx node-link ---------------------------------------------------------------------


@pytest.mark.parametrize("edges_key", [None, "links", "edges"])
def test_node_link_is_read_by_networkx_with_every_attribute(G, tmp_path, edges_key):
    path = gk.write(G, tmp_path / "g.nodelink.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    H = nx.node_link_graph(data) if edges_key is None else nx.node_link_graph(data, edges=edges_key)
    assert H.is_directed() and H.is_multigraph()
    assert sorted(H.nodes) == sorted(G.nodes)
    for n, d in G.nodes(data=True):
        assert H.nodes[n] == {k: _plain(v) for k, v in d.items()}, n
    expected = []
    for u, v, d in G.edges(data=True):
        attrs = {("source_ref" if k == "source" else k): _plain(x) for k, x in d.items()}
        expected.append({"u": u, "v": v, **attrs})
    got = [{"u": u, "v": v, **d} for u, v, d in H.edges(data=True)]
    assert _edges_by_ends(got) == _edges_by_ends(expected)


def test_node_link_loads_back_into_graphkit_exactly(G, tmp_path):
    path = gk.write(G, tmp_path / "g.nodelink.json")
    assert gk.graph_diff(G, gk.load(path)) == []
    # graphkit's own JSON keeps its own name and shape
    own = gk.write(G, tmp_path / "g.json")
    assert "relationships" in json.loads(own.read_text()) and gk.graph_diff(G, gk.load(own)) == []


# ---- Cytoscape ------------------------------------------------------------------------------


def test_cyjs_is_read_by_networkx_cytoscape_graph(G, tmp_path):
    path = gk.write(G, tmp_path / "g.cyjs")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) >= {"data", "elements"} and set(data["elements"]) == {"nodes", "edges"}
    H = nx.cytoscape_graph(data)
    assert H.is_directed() and H.is_multigraph()
    assert sorted(H.nodes) == sorted(G.nodes)
    for n, d in G.nodes(data=True):
        got = {k: v for k, v in H.nodes[n].items() if k not in ("id", "value")}
        assert got == {k: _plain(v) for k, v in d.items()}, n
    expected = [
        {"u": u, "v": v, **{("source_ref" if k == "source" else k): _plain(x) for k, x in d.items()}}
        for u, v, d in G.edges(data=True)
    ]
    got = [
        {"u": u, "v": v, **{k: x for k, x in d.items() if k not in ("source", "target", "key")}}
        for u, v, d in H.edges(data=True)
    ]
    assert _edges_by_ends(got) == _edges_by_ends(expected)


# ---- GEXF for Gephi ---------------------------------------------------------------------------


def _schema_errors(document: Path) -> list[str]:
    etree = pytest.importorskip("lxml.etree")
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    xsd = etree.XMLSchema(etree.parse(str(GEXF_XSD), parser))
    xsd.validate(etree.parse(str(document), parser))
    return [f"line {e.line}: {e.message}" for e in xsd.error_log]


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def test_gexf_carries_viz_for_every_node_and_validates(G, tmp_path):
    path = gk.write(G, tmp_path / "g.gexf")
    assert _schema_errors(path) == []
    root = ET.parse(path).getroot()
    nodes = root.findall(".//g:nodes/g:node", NS)
    assert len(nodes) == G.number_of_nodes()
    for el in nodes:
        n = el.get("id")
        color, size, pos = (el.find(f"g:{t}", NS) for t in ("color", "size", "position"))
        assert color is not None and size is not None and pos is not None, n
        d = G.nodes[n]
        want = KIND_COLORS[d["kind"]] if d["label"] == schema.ACTOR else LABEL_COLORS[d["label"]]
        assert (int(color.get("r")), int(color.get("g")), int(color.get("b"))) == _rgb(want), n
        assert float(size.get("value")) > 0
        float(pos.get("x")), float(pos.get("y"))
    assert "xmlns:viz=" in path.read_text(encoding="utf-8")[:400]
    # sizes follow the drawing's measure (PageRank): the highest-ranked actor is the largest
    a = gk.analyze(G)
    pr = a.centrality.set_index("id")["pagerank"]
    top = set(pr[abs(pr - pr.max()) <= 1e-12].index)  # equal PageRanks share the top
    sizes = {el.get("id"): float(el.find("g:size", NS).get("value")) for el in nodes}
    assert max(sizes, key=sizes.get) in top


def test_gexf_edge_weight_is_native_and_round_trip_is_exact(G, tmp_path):
    path = gk.write(G, tmp_path / "g.gexf")
    root = ET.parse(path).getroot()
    edges = root.findall(".//g:edges/g:edge", NS)
    weighted = [e for e in edges if e.get("weight") is not None]
    want = sorted(d["weight"] for *_, d in G.edges(data=True) if isinstance(d.get("weight"), int | float))
    assert sorted(float(e.get("weight")) for e in weighted) == want and want
    assert gk.graph_diff(G, gk.load(path)) == []


def test_convert_with_analysis_puts_measures_on_the_nodes(G, tmp_path):
    from graphkit.cli import main

    out = tmp_path / "a.gexf"
    assert main(["convert", str(gk.SAMPLE), str(out), "--with-analysis", "-q"]) == 0
    assert _schema_errors(out) == []
    H = gk.load(out)
    a = gk.analyze(G)
    pagerank = dict(zip(a.centrality["id"], a.centrality["pagerank"], strict=True))
    cluster = dict(zip(a.clusters["id"], a.clusters["cluster"], strict=True))
    for n, value in pagerank.items():
        assert H.nodes[n]["pagerank"] == pytest.approx(value)
        assert H.nodes[n]["cluster"] == cluster[n]
    assert any("own_gap" in H.nodes[n] for n in pagerank)


def test_to_networkx_display_is_what_nx_write_gexf_needs(G, tmp_path):
    H = gk.to_networkx(G, style="display")
    assert H.nodes["EST"]["label"] == G.nodes["EST"]["name"] and H.nodes["EST"]["node_type"] == "Actor"
    assert all("type" not in d for *_, d in H.edges(data=True))
    out = tmp_path / "nx.gexf"
    nx.write_gexf(H, out, version="1.3")
    # networkx 3.6's GEXF 1.3 writer has two slips of its own, whatever the graph: the XML
    # Schema instance namespace without "www." and a 'name' attribute on <graph> (1.2's).
    # Nothing else in the file (which the graph's names decide) breaks the schema; with
    # those two mended, it is valid.
    slips = ("XMLSchema-instance}schemaLocation", "{http://gexf.net/1.3}graph', attribute 'name'")
    assert [e for e in _schema_errors(out) if not any(s in e for s in slips)] == []
    text = out.read_text(encoding="utf-8")
    text = text.replace("http://w3.org/2001/XMLSchema-instance", "http://www.w3.org/2001/XMLSchema-instance")
    out.write_text(re.sub(r'(<graph [^>]*?) name="[^"]*"', r"\1", text), encoding="utf-8")
    assert _schema_errors(out) == []
    back = nx.read_gexf(out)
    assert back.nodes["EST"]["label"] == "Estonia"
    nx.write_graphml(H, tmp_path / "nx.graphml")  # lists and dates are text: no error
    V = gk.to_networkx(G, style="display", viz=True)
    assert all("viz" in d for _, d in V.nodes(data=True))


# ---- neo4j-admin ------------------------------------------------------------------------------

# The manual's grammar ("Import header format"), written out independently of the writer.
_TYPES = "int|long|float|double|boolean|byte|short|char|string|point|date|localtime|time|localdatetime|datetime|duration"
_PROPERTY = re.compile(rf"^[^:]+:(?:{_TYPES})(?:\[\])?$")
_NODE_SPECIAL = re.compile(r"^[^:]*:ID(?:\([^)]+\))?$|^:LABEL$")
_REL_SPECIAL = re.compile(r"^:(?:START_ID|END_ID|TYPE)(?:\([^)]+\))?$")


def _parse(value: str, field_type: str):
    if field_type.endswith("[]"):
        return [_parse(x, field_type[:-2]) for x in value.split(";")]
    return {
        "long": int,
        "double": float,
        "boolean": lambda s: {"true": True, "false": False}[s],
        "date": dt.date.fromisoformat,
        "string": str,
    }[field_type](value)


def test_neo4j_admin_files_follow_the_documented_header_grammar(G, tmp_path):
    out = gk.write(G, tmp_path / "import.neo4j")
    files = sorted(p.name for p in out.iterdir())
    assert files == ["actors.csv", "capabilities.csv", "import.sh", "relationships.csv", "threats.csv"]
    ids: dict[str, str] = {}
    props_back: dict[str, dict] = {}
    for name in ("actors.csv", "capabilities.csv", "threats.csv"):
        with open(out / name, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        assert sum(bool(re.match(r"^[^:]*:ID", h)) for h in header) == 1 and ":LABEL" in header
        for h in header:
            assert _PROPERTY.match(h) or _NODE_SPECIAL.match(h), h
        for row in rows[1:]:
            rec = dict(zip(header, row, strict=True))
            node_id = rec["id:ID"]
            assert node_id not in ids  # one id space: unique across the node files
            ids[node_id] = rec[":LABEL"]
            props_back[node_id] = {
                h.split(":")[0]: _parse(v, h.split(":", 1)[1])
                for h, v in rec.items()
                if v != "" and _PROPERTY.match(h)
            }
    for n, d in G.nodes(data=True):
        assert ids[n] == d["label"]
        assert props_back[n] == {k: v for k, v in d.items() if k != "label"}, n
    with open(out / "relationships.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    assert header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    for h in header:
        assert _PROPERTY.match(h) or _REL_SPECIAL.match(h), h
    got = []
    for row in rows[1:]:
        rec = dict(zip(header, row, strict=True))
        assert rec[":START_ID"] in ids and rec[":END_ID"] in ids
        props = {
            h.split(":")[0]: _parse(v, h.split(":", 1)[1])
            for h, v in rec.items()
            if v != "" and _PROPERTY.match(h)
        }
        got.append({"u": rec[":START_ID"], "v": rec[":END_ID"], "type": rec[":TYPE"], **props})
    expected = [{"u": u, "v": v, **d} for u, v, d in G.edges(data=True)]
    assert _edges_by_ends(got) == _edges_by_ends(expected)
    command = (out / "import.sh").read_text()
    assert (
        "neo4j-admin database import full --nodes=actors.csv --nodes=capabilities.csv --nodes=threats.csv "
        "--relationships=relationships.csv neo4j"
    ) in command


# ---- Kumu -------------------------------------------------------------------------------------


def test_kumu_workbook_has_the_documented_sheets_and_columns(G, tmp_path):
    import openpyxl

    path = gk.write(G, tmp_path / "g.kumu.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Elements", "Connections"]
    elements = [[c.value for c in row] for row in wb["Elements"].iter_rows()]
    connections = [[c.value for c in row] for row in wb["Connections"].iter_rows()]
    # Kumu: elements have Label (ID may come first); connections have From in A and To in B
    assert elements[0][:2] == ["ID", "Label"] and {"Type", "Description", "Tags"} <= set(elements[0])
    assert connections[0][:2] == ["From", "To"] and "Type" in connections[0]
    ids = {row[0] for row in elements[1:]}
    assert ids == set(G.nodes) and len(elements) - 1 == G.number_of_nodes()
    labels = {row[0]: row[1] for row in elements[1:]}
    assert labels["EST"] == "Estonia"
    assert all(row[0] in ids and row[1] in ids for row in connections[1:])
    assert len(connections) - 1 == G.number_of_edges()


def test_kumu_blueprint_uses_the_documented_keys(G, tmp_path):
    path = gk.write(G, tmp_path / "g.kumu.json")
    bp = json.loads(path.read_text(encoding="utf-8"))
    assert set(bp) == {"elements", "connections"}
    assert all({"id", "label", "type"} <= set(e) for e in bp["elements"])
    ids = {e["id"] for e in bp["elements"]}
    assert all(c["from"] in ids and c["to"] in ids for c in bp["connections"])
    assert {c["direction"] for c in bp["connections"]} <= {"directed", "undirected", "mutual"}
