"""graphkit.to_pyvis / write_pyvis: graphkit's drawing in pyvis, written offline, titles as text."""

from __future__ import annotations

import re

import pytest
from pyvis.network import Network

import graphkit as gk
from graphkit.export.drawing import KIND_COLORS, LABEL_SHAPES, prepare_drawing

XSS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    '<a href="javascript:alert(3)">x</a>',
    '"><svg onload=alert(4)>',
    "<iframe src=javascript:alert(5)>",
]


@pytest.fixture(scope="module")
def sample():
    return gk.load(gk.SAMPLE)


def _xss_graph():
    G = gk.new_graph()
    gk.add_node(G, "A", "Actor", name=XSS[0], kind="state", note=XSS[2])
    gk.add_node(G, "B", "Actor", name=XSS[1], kind="alliance", url=XSS[3])
    gk.add_node(G, "C", "Actor", name=XSS[3], kind="company", region=XSS[4])
    gk.add_relationship(G, "A", "MEMBER_OF", "B", source=XSS[0])
    gk.add_relationship(G, "A", "COOPERATES_WITH", "C", instrument=XSS[1])
    return G


def test_network_carries_graphkits_encodings(sample):
    net = gk.to_pyvis(sample, size_by="degree")
    assert isinstance(net, Network)
    by_id = {n["id"]: n for n in net.nodes}
    actors = {n for n, d in sample.nodes(data=True) if d["label"] == "Actor"}
    assert set(by_id) == actors
    for n in actors:
        d = sample.nodes[n]
        # colour and shape from the kind palette, checked against the graph's own data
        assert by_id[n]["color"] == KIND_COLORS[d["kind"]]
        assert by_id[n]["shape"] == LABEL_SHAPES["Actor"]
        assert by_id[n]["group"] == d["kind"]
        assert by_id[n]["title"].splitlines()[0] == d["name"]
    # NATO has the most ties in the sample (six members and the EU-NATO link): drawn largest
    V = gk.select(sample, labels=["Actor"], types=["MEMBER_OF", "COOPERATES_WITH"])
    degree = {n: V.degree(n) for n in actors}
    assert max(by_id.values(), key=lambda x: x["size"])["id"] == max(degree, key=degree.get) == "NATO"
    # the same model as the HTML page: sizes and positions equal prepare_drawing's
    D = prepare_drawing(sample, size_by="degree")
    for dn in D.nodes:
        assert (by_id[dn.id]["size"], by_id[dn.id]["x"], by_id[dn.id]["y"]) == (dn.size, dn.x, dn.y)
    rels = [
        (u, v, d["type"])
        for u, v, d in sample.edges(data=True)
        if d["type"] in ("MEMBER_OF", "COOPERATES_WITH")
    ]
    assert len(net.edges) == len(rels)
    arrows = {e["type"]: e["arrows"] for e in net.edges}
    assert arrows == {"MEMBER_OF": "to", "COOPERATES_WITH": ""}
    legend = {x["group"]: x["count"] for x in net.graphkit_legend if x["shape"] != "line"}
    kinds = {}
    for n in actors:
        kinds[sample.nodes[n]["kind"]] = kinds.get(sample.nodes[n]["kind"], 0) + 1
    assert legend == kinds


def test_cluster_colouring_uses_the_analysis_clusters(sample):
    analysis = gk.analyze(sample, seed=7)
    net = gk.to_pyvis(sample, analysis=analysis, color_by="cluster")
    table = analysis.clusters.set_index("id")
    col = "cluster_name" if "cluster_name" in table.columns else "cluster"
    for n in net.nodes:
        assert n["group"] == str(table.loc[n["id"], col])
    # members of one cluster share one colour, different clusters differ (up to ten)
    colours = {}
    for n in net.nodes:
        colours.setdefault(n["group"], set()).add(n["color"])
    assert all(len(c) == 1 for c in colours.values())


def test_focus_actor_is_largest_and_drawn_last(sample):
    net = gk.to_pyvis(sample, focus="NATO")
    assert net.nodes[-1]["id"] == "NATO"
    assert max(net.nodes, key=lambda n: n["size"])["id"] == "NATO"


def test_written_page_has_no_external_tags(sample, tmp_path):
    out = gk.write_pyvis(gk.to_pyvis(sample), tmp_path / "p.html")
    page = out.read_text()
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert "bootstrap" not in page.lower()
    from graphkit.export.html import VIS_NETWORK_VERSION

    assert f"@version {VIS_NETWORK_VERSION}" in page  # graphkit's vis-network, not pyvis's 9.1.2
    assert "@version 9.1.2" not in page


def test_pyvis_own_writer_gets_escaped_titles_when_it_would_use_innerhtml(tmp_path):
    # pyvis switches to innerHTML for every title once one contains "href"
    net = gk.to_pyvis(_xss_graph())
    titles = [n["title"] for n in net.nodes]
    assert all("<" not in t.replace("<br>", "") for t in titles)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in t for t in titles)


def test_folder_is_refused(sample, tmp_path):
    with pytest.raises(gk.OutputError, match="is a folder"):
        gk.write_pyvis(gk.to_pyvis(sample), tmp_path)


@pytest.mark.browser
def test_page_works_offline_in_chromium(page_for, sample, tmp_path):
    net = gk.to_pyvis(sample)
    net.select_menu = True  # a pyvis feature that needs tom-select: inlined too
    out = gk.write_pyvis(net, tmp_path / "p.html")
    loaded = page_for(out)
    loaded.wait_for("typeof network !== 'undefined' && network.body.nodeIndices.length > 0")
    assert loaded.external_requests == []
    assert loaded.requests == [out.as_uri()]
    assert loaded.page_errors == [] and loaded.console_errors == []
    assert loaded.page.evaluate("network.body.nodeIndices.length") == len(net.nodes) == 14
    assert loaded.page.evaluate("network.body.edgeIndices.length") == len(net.edges)
    assert loaded.page.evaluate("document.querySelectorAll('.ts-wrapper').length") == 1  # tom-select ran
    legend = loaded.page.locator("#graphkit-legend").inner_text()
    assert "state" in legend and "MEMBER_OF" in legend


@pytest.mark.browser
def test_payload_titles_show_as_text_in_chromium(page_for, tmp_path):
    out = gk.write_pyvis(gk.to_pyvis(_xss_graph(), title=XSS[1]), tmp_path / "x.html")
    loaded = page_for(out)
    page = loaded.page
    loaded.wait_for("typeof network !== 'undefined' && network.body.nodeIndices.length === 3")
    points = page.evaluate(
        """network.body.nodeIndices.map(id => { const p = network.canvasToDOM(network.getPosition(id));
           const r = network.body.container.getBoundingClientRect(); return [id, r.left + p.x, r.top + p.y]; })"""
    )
    shown = []
    for _node_id, x, y in points:
        page.mouse.move(x - 30, y - 30)
        page.mouse.move(x, y, steps=4)
        page.wait_for_timeout(900)
        shown.append(
            page.evaluate(
                "document.querySelector('div.popup') ? document.querySelector('div.popup').innerText : ''"
            )
        )
        page.mouse.click(x, y)
    assert any(XSS[0] in s for s in shown)  # the payload is on screen, as text
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, a').length") == 0
    assert loaded.dialogs == [] and loaded.page_errors == []
    assert loaded.external_requests == []
