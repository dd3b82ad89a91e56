"""GraphML and GEXF exports checked against the formats' official XML Schemas (lxml).

The schemas are the published GraphML 1.0 and GEXF 1.3 files, stored unedited in
``tests/schemas/`` (origin and licence in its README). The two remote locations that the
GraphML schemas name are resolved to the stored copies; any other remote location is
refused, so validation never leaves the machine.

Independent expectations: the official schemas (for validity), the graph that was written
(for the round trips), files written by graphkit 0.1's networkx-based writer (still read),
and a file in the style of the GEXF 1.3 primer's examples.
"""

from __future__ import annotations

import datetime as dt
import string
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphkit as gk
from graphkit import schema
from graphkit.loaders.ids import id_problem, skeleton

etree = pytest.importorskip("lxml.etree")

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "schemas"
FIXTURES = Path(__file__).parent / "fixtures"
GRAPHML_XSD = SCHEMAS / "graphml-1.0" / "graphml.xsd"
GEXF_XSD = SCHEMAS / "gexf-1.3" / "gexf.xsd"
REMOTE = {
    "http://graphml.graphdrawing.org/xmlns/1.0/graphml-structure.xsd": SCHEMAS
    / "graphml-1.0"
    / "graphml-structure.xsd",
    "http://graphml.graphdrawing.org/xmlns/1.0/xlink.xsd": SCHEMAS / "graphml-1.0" / "xlink.xsd",
}
DATASETS = ["sample", "cyber-multilateral", "cyber-multilateral-curated"]


class _Offline(etree.Resolver):
    """The stored copy for the schema URLs graphml.xsd names; no other remote location."""

    def resolve(self, url, pubid, context):
        if url in REMOTE:
            return self.resolve_filename(str(REMOTE[url]), context)
        if "://" in url and not url.startswith("file:"):
            raise OSError(f"schema location {url} is not stored in tests/schemas (validation is offline)")
        return None


def _parser():
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_Offline())
    return parser


@cache
def _schema(xsd: Path):
    return etree.XMLSchema(etree.parse(str(xsd), _parser()))


def schema_errors(xsd: Path, document: Path) -> list[str]:
    """Every error the official schema finds in ``document`` (empty when it is valid)."""
    s = _schema(xsd)
    s.validate(etree.parse(str(document), etree.XMLParser(resolve_entities=False, no_network=True)))
    return [f"line {e.line}: {e.message}" for e in s.error_log]


# ---- the schemas themselves ---------------------------------------------------------------


def test_schemas_catch_what_graphkit_0_1_wrote():
    """The stored schemas are not vacuous: they find the faults of the 0.1 writer's files
    (a key id used for nodes and edges, multigraph edge ids 0, 1 repeated; GEXF 1.2draft)."""
    graphml = schema_errors(GRAPHML_XSD, FIXTURES / "sample-graphkit-0.1.graphml")
    assert any("Duplicate key-sequence ['source']" in e for e in graphml)
    assert sum("Duplicate key-sequence ['0']" in e for e in graphml) == 46  # 47 edges, all with id 0
    gexf = schema_errors(GEXF_XSD, FIXTURES / "sample-graphkit-0.1.gexf")
    assert gexf and "No matching global declaration" in gexf[0]  # the 1.2draft namespace is not 1.3


def test_schema_locations_never_leave_the_machine(tmp_path):
    xsd = tmp_path / "remote.xsd"
    xsd.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:include schemaLocation="http://example.invalid/other.xsd"/></xs:schema>',
        encoding="utf-8",
    )
    with pytest.raises(etree.XMLSchemaParseError):
        etree.XMLSchema(etree.parse(str(xsd), _parser()))


# ---- graphkit's files are valid, and exact ------------------------------------------------


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize(
    ("suffix", "xsd"), [(".graphml", GRAPHML_XSD), (".gexf", GEXF_XSD)], ids=["graphml", "gexf"]
)
def test_bundled_datasets_validate_and_round_trip(tmp_path, dataset, suffix, xsd):
    G = gk.load(ROOT / "data" / dataset)
    path = gk.write(G, tmp_path / f"{dataset}{suffix}")
    assert schema_errors(xsd, path) == []
    assert gk.graph_diff(G, gk.load(path)) == []


def test_graphml_keys_and_edge_ids_are_unique(tmp_path):
    path = gk.write(gk.load(gk.SAMPLE), tmp_path / "s.graphml")
    doc = etree.parse(str(path))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = [(k.get("id"), k.get("for"), k.get("attr.name")) for k in doc.findall("g:key", ns)]
    assert len({k[0] for k in keys}) == len(keys)
    assert ("n_source", "node", "source") in keys and ("e_source", "edge", "source") in keys
    edge_ids = [e.get("id") for e in doc.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(edge_ids) == len(set(edge_ids)) == 47


def test_gexf_is_1_3_with_kinds_and_no_internal_attributes(tmp_path):
    G = gk.load(gk.SAMPLE)
    path = gk.write(G, tmp_path / "s.gexf")
    text = path.read_text(encoding="utf-8")
    assert "networkx_key" not in text
    doc = etree.parse(str(path))
    ns = {"x": "http://gexf.net/1.3"}
    assert doc.getroot().get("version") == "1.3"
    graph = doc.find("x:graph", ns)
    assert set(graph.attrib) == {"defaultedgetype", "mode"}
    kinds = sorted(e.get("kind") for e in graph.iterfind("x:edges/x:edge", ns))
    assert kinds == sorted(d["type"] for *_, d in G.edges(data=True))
    nato = graph.find("x:nodes/x:node[@id='NATO']", ns)
    assert nato.get("label") == "North Atlantic Treaty Organization"  # what Gephi shows


def test_parallel_relationships_of_one_type_get_distinct_gexf_kinds(tmp_path):
    """GEXF 1.3: the triplet source-target-kind must be unique (primer, Parallel edges)."""
    G = gk.new_graph()
    gk.add_node(G, "A", "Actor", name="A", kind="state")
    gk.add_node(G, "B", "Actor", name="B", kind="state")
    gk.add_relationship(G, "A", "COOPERATES_WITH", "B", instrument="MoU 2019")
    gk.add_relationship(G, "A", "COOPERATES_WITH", "B", instrument="treaty 2023")
    gk.add_relationship(G, "A", "MEMBER_OF", "B")
    path = gk.write(G, tmp_path / "p.gexf")
    assert schema_errors(GEXF_XSD, path) == []
    doc = etree.parse(str(path))
    triplets = [
        (e.get("source"), e.get("target"), e.get("kind")) for e in doc.iter("{http://gexf.net/1.3}edge")
    ]
    assert len(set(triplets)) == 3
    assert gk.graph_diff(G, gk.load(path)) == []


# ---- generated graphs: ids that are not XML names, hostile text, every value type ----------

_chars = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
) | st.sampled_from("\n\t\r")
_text = st.text(_chars, min_size=1, max_size=10).filter(lambda s: s.strip() != "")
_ids = (
    st.text(_chars, min_size=1, max_size=8)
    | st.sampled_from(["n0", "n1", "e0", "a b", "<&>", '"q"', "x:y", "1"])
).filter(lambda s: s.strip() != "" and s == s.strip() and id_problem(s) is None)
_items = st.text(string.ascii_letters + string.digits + " ,[]'\"\\-_.=", min_size=1, max_size=8).filter(
    lambda s: s == s.strip() and ";" not in s
)
VALUES = {
    "int": st.integers(-(2**63), 2**63 - 1),
    "float": st.floats(allow_nan=False, allow_infinity=False),
    "bool": st.booleans(),
    "date": st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    "string": _text | st.sampled_from(["1", "true", "2024-01-01", "[a, b]", "NaN", "INF"]),
    "string[]": st.lists(_items, min_size=1, max_size=3),
    "int[]": st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=3),
    "float[]": st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=3),
    "bool[]": st.lists(st.booleans(), min_size=1, max_size=3),
}
_keys = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda k: k not in {"id", "label", "name", "kind", "type", "target", "key", "level", "weight"}
)


@st.composite
def graphs(draw):
    types = draw(st.dictionaries(_keys, st.sampled_from(sorted(VALUES)), max_size=4))
    G = gk.new_graph("generated")
    node_ids = draw(st.lists(_ids, min_size=1, max_size=7, unique_by=lambda i: skeleton(gk.graph.id_key(i))))
    for n in node_ids:
        label = draw(st.sampled_from(schema.LABELS))
        kinds = {"Actor": schema.ACTOR_KINDS, "Norm": schema.NORM_KINDS}.get(label)
        extra = {"kind": draw(st.sampled_from(kinds))} if kinds else {}
        props = {k: draw(VALUES[t]) for k, t in types.items() if draw(st.booleans())}
        gk.add_node(G, n, label, name=draw(_text), **extra, **props)
    for _ in range(draw(st.integers(0, 8))):
        u, v = draw(st.sampled_from(node_ids)), draw(st.sampled_from(node_ids))
        lu, lv = G.nodes[u]["label"], G.nodes[v]["label"]
        fitting = [
            t.name
            for t in schema.RELATIONSHIP_TYPES.values()
            if lu in t.sources
            and lv in t.targets
            and not (u == v and t.name in ("MEMBER_OF", "COOPERATES_WITH"))
        ]
        if fitting:
            props = {k: draw(VALUES[t]) for k, t in types.items() if draw(st.booleans())}
            t = draw(st.sampled_from(fitting))
            if t == "POSITION":
                props["stance"] = draw(st.sampled_from(schema.STANCES))
            if {"type": t, **props} in G.get_edge_data(u, v, default={}).values():
                continue  # an exact duplicate: the loaders refuse it (tests/hostile)
            gk.add_relationship(G, u, t, v, **props)
    return G


@pytest.mark.parametrize(
    ("suffix", "xsd"), [(".graphml", GRAPHML_XSD), (".gexf", GEXF_XSD)], ids=["graphml", "gexf"]
)
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(G=graphs())
def test_generated_graphs_validate_and_round_trip(tmp_path_factory, suffix, xsd, G):
    path = gk.write(G, tmp_path_factory.mktemp("xsd") / f"g{suffix}")
    assert schema_errors(xsd, path) == []
    assert gk.graph_diff(G, gk.load(path)) == []


# ---- files graphkit did not write with this version -----------------------------------------


@pytest.mark.parametrize("name", ["sample-graphkit-0.1.graphml", "sample-graphkit-0.1.gexf"])
def test_files_of_the_0_1_writer_are_still_read_exactly(name):
    """Written from data/sample by graphkit 0.1 (networkx: named key ids, GEXF 1.2draft).

    The sample has since gained ``basis`` on its attributions and a more specific source
    for them; the 0.1 files predate both, so attributions are compared without them."""
    now, old = gk.load(gk.SAMPLE), gk.load(FIXTURES / name)
    for G in (now, old):
        for _, _, d in G.edges(data=True):
            if d["type"] == "ATTRIBUTED_TO":
                d.pop("basis", None)
                d.pop("source", None)
    assert gk.graph_diff(now, old) == []


def test_graphml_from_networkx_with_default_key_ids(tmp_path):
    import networkx as nx

    H = nx.MultiDiGraph()
    H.add_node("EST", label="Actor", name="Estonia", kind="state", founded=1918)
    H.add_node("NATO", label="Actor", name="NATO", kind="alliance")
    H.add_edge("EST", "NATO", type="MEMBER_OF", since=2004)
    H.add_edge("EST", "NATO", type="COOPERATES_WITH", weight=0.5)
    nx.write_graphml(H, tmp_path / "nx.graphml")  # keys d0, d1 ... with attr.name
    G = gk.load(tmp_path / "nx.graphml")
    assert G.nodes["EST"] == {"label": "Actor", "name": "Estonia", "kind": "state", "founded": 1918}
    assert sorted((d["type"], d.get("since"), d.get("weight")) for *_, d in G.edges(data=True)) == [
        ("COOPERATES_WITH", None, 0.5),
        ("MEMBER_OF", 2004, None),
    ]


def test_gexf_in_the_style_of_the_1_3_primer(tmp_path):
    """Attribute ids chosen by another tool, list values as in the primer (``[foo, bar]``),
    the relationship type only in ``kind``, and Gephi's ``weight`` on every edge."""
    path = tmp_path / "gephi.gexf"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <graph defaultedgetype="directed">
    <attributes class="node">
      <attribute id="0" title="node_label" type="string"/>
      <attribute id="1" title="kind" type="string"/>
      <attribute id="2" title="aliases" type="liststring"/>
      <attribute id="3" title="founded" type="integer"><default>1949</default></attribute>
    </attributes>
    <nodes>
      <node id="NATO" label="North Atlantic Treaty Organization">
        <attvalues><attvalue for="0" value="Actor"/><attvalue for="1" value="alliance"/>
          <attvalue for="2" value="[OTAN, 'North Atlantic Alliance']"/></attvalues>
      </node>
      <node id="EST" label="Estonia">
        <attvalues><attvalue for="0" value="Actor"/><attvalue for="1" value="state"/>
          <attvalue for="3" value="1918"/></attvalues>
      </node>
    </nodes>
    <edges>
      <edge source="EST" target="NATO" kind="MEMBER_OF" weight="1.0"/>
    </edges>
  </graph>
</gexf>
""",
        encoding="utf-8",
    )
    assert schema_errors(GEXF_XSD, path) == []
    G = gk.load(path)
    assert G.nodes["NATO"]["name"] == "North Atlantic Treaty Organization"
    assert G.nodes["NATO"]["aliases"] == ["OTAN", "North Atlantic Alliance"]
    assert G.nodes["NATO"]["founded"] == 1949  # the attribute's default
    assert G.nodes["EST"]["founded"] == 1918
    assert [(u, v, d["type"]) for u, v, d in G.edges(data=True)] == [("EST", "NATO", "MEMBER_OF")]
