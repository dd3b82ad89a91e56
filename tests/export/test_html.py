"""The HTML exporter without a browser: view selection, sizes, escaping, offline-ness, CLI."""

from __future__ import annotations

import json
import re

import networkx as nx
import pandas as pd
import pytest

import graphkit as gk
from graphkit.cli import main
from graphkit.export.drawing import KIND_COLORS, LABEL_COLORS, prepare_drawing, select_view
from graphkit.export.html import HTMLGraph, render_fragment, render_html, script_json, write_html

XSS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "javascript:alert(3)",
    '"><svg onload=alert(4)>',
    "\u2028</SCRIPT >\u2029<!--",
]


@pytest.fixture(scope="module")
def sample():
    return gk.load(gk.SAMPLE)


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="[^"]+-data">(.*?)</script>', html, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def test_sample_view_is_the_actor_network(sample):
    # data/sample: 14 actors; 13 MEMBER_OF and 5 COOPERATES_WITH relationships among them.
    D = prepare_drawing(sample)
    assert len(D.nodes) == 14
    assert len(D.edges) == 18
    assert {e.type for e in D.edges} == {"MEMBER_OF", "COOPERATES_WITH"}
    assert {n.shape for n in D.nodes} == {"dot"}


def test_all_layers_add_capabilities_and_threats_with_their_shapes(sample):
    D = prepare_drawing(sample, layers="all")
    assert len(D.nodes) == 14 + 5 + 3
    assert len(D.edges) == sample.number_of_edges() == 47
    shapes = {n.label: n.shape for n in D.nodes}
    assert shapes == {"Actor": "dot", "Capability": "square", "Threat": "triangle"}
    colors = {n.label: n.color for n in D.nodes if n.label != "Actor"}
    assert colors == {"Capability": LABEL_COLORS["Capability"], "Threat": LABEL_COLORS["Threat"]}


def test_focus_draws_the_ego_network(sample):
    # Estonia: member of NATO and EU, cooperates with the USA (read off relationships.csv).
    assert sorted(select_view(sample, focus="EST")) == ["EST", "EU", "NATO", "USA"]
    # depth 2 adds NATO's and EU's other members, the USA's partners and Five Eyes.
    two = set(select_view(sample, focus="EST", depth=2))
    assert two == {"EST", "EU", "NATO", "USA", "GBR", "DEU", "FRA", "CAN", "FIVE_EYES"}


def test_types_select_relationships(sample):
    V = select_view(sample, types=["COOPERATES_WITH"])
    assert V.number_of_edges() == 5
    assert V.number_of_nodes() == 14  # isolated actors stay


def test_degree_sizes_follow_hand_counts(sample):
    # NATO: 6 members + cooperation with the EU = 7, the most of any actor.
    D = prepare_drawing(sample, size_by="degree", options={"dormant_after": 0})  # every tie, as counted
    score = {n.id: n.score for n in D.nodes}
    assert score["NATO"] == 7
    assert score["EU"] == 4  # DEU, FRA, EST members + NATO
    assert score["FIRST"] == 1
    by_size = sorted(D.nodes, key=lambda n: n.size)
    assert by_size[-1].id == "NATO"
    assert [n.score for n in by_size] == sorted(n.score for n in by_size)


def _power_iteration_pagerank(G: nx.Graph, alpha=0.85, iters=200) -> dict:
    nodes = list(G)
    pr = dict.fromkeys(nodes, 1 / len(nodes))
    for _ in range(iters):
        nxt = dict.fromkeys(nodes, (1 - alpha) / len(nodes))
        dangling = sum(pr[n] for n in nodes if G.degree(n, weight="weight") == 0)
        for n in nodes:
            deg = G.degree(n, weight="weight")
            for m in G[n]:
                nxt[m] += alpha * pr[n] * G[n][m]["weight"] / deg
        for n in nodes:
            nxt[n] += alpha * dangling / len(nodes)
        pr = nxt
    return pr


def test_pagerank_matches_an_independent_power_iteration(sample):
    # every tie active and of strength 1 (the sample's agreements date from 2011-2019, dormant
    # today under the default horizon; an empty instrument table weighs each agreement 1)
    D = prepare_drawing(sample, size_by="pagerank", options={"dormant_after": 0, "instruments": {}})
    # issue #12: memberships are two-mode; built here by hand from the memberships: every
    # pair of members of an organisation of n members, and the organisation and each of
    # them, are tied with 1/(n-1); each cooperation counts 1
    A = gk.actor_graph(sample, ["COOPERATES_WITH"])
    for u, v in A.edges:
        A[u][v]["weight"] = float(A[u][v]["count"])
    members: dict = {}
    for u, v, d in sample.edges(data=True):
        if d["type"] == "MEMBER_OF":
            members.setdefault(v, set()).add(u)
    for org, ms in members.items():
        share = 1 / (len(ms) - 1) if len(ms) > 1 else 1.0
        ms = sorted(ms)
        pairs = [(org, m) for m in ms] + [(a, b) for i, a in enumerate(ms) for b in ms[i + 1 :]]
        for a, b in pairs:
            w = A[a][b]["weight"] if A.has_edge(a, b) else 0.0
            A.add_edge(a, b, weight=w + share)
    expected = _power_iteration_pagerank(A)
    for n in D.nodes:
        assert n.score == pytest.approx(expected[n.id], abs=1e-6)


def test_scores_and_clusters_from_dataframes(sample):
    scores = pd.DataFrame({"id": ["USA", "NATO"], "pagerank": [0.9, 0.1]})
    clusters = pd.DataFrame({"id": ["USA", "GBR", "CHN"], "cluster": [0, 0, 1]})
    D = prepare_drawing(sample, scores=scores, clusters=clusters, color_by="cluster")
    nodes = {n.id: n for n in D.nodes}
    assert nodes["USA"].size > nodes["NATO"].size > nodes["EU"].size  # absent = 0
    assert nodes["USA"].cluster == nodes["GBR"].cluster == "cluster 0"
    assert nodes["USA"].color == nodes["GBR"].color != nodes["CHN"].color
    assert [e.name for e in D.clusters] == ["cluster 0", "cluster 1", "no cluster"]
    with pytest.raises(gk.GraphkitError, match="no column 'betweenness'"):
        prepare_drawing(sample, scores=scores, size_by="betweenness")


def test_computed_clusters_split_the_two_camps(sample):
    D = prepare_drawing(sample, color_by="cluster", options={"dormant_after": 0})  # every tie
    c = {n.id: n.cluster for n in D.nodes}
    assert c["CHN"] == c["RUS"]
    assert c["CHN"] != c["NATO"]
    assert c["MICROSOFT"] == c["CERT_EU"] == c["FIRST"]


def test_kind_colours_come_from_the_palette(sample):
    D = prepare_drawing(sample)
    for n in D.nodes:
        assert n.color == KIND_COLORS[n.kind]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"focus": "NOPE"}, "no node has this id"),
        ({"focus": "cap:attribution"}, "use --layers all"),
        ({"layers": "everything"}, "unknown layers"),
        ({"types": ["LIKES"]}, "unknown relationship type"),
        ({"size_by": "eigen"}, "unknown size_by"),
        ({"color_by": "region"}, "unknown color_by"),
    ],
)
def test_bad_options_raise_graphkit_errors(sample, kwargs, message):
    with pytest.raises(gk.GraphkitError, match=message):
        render_html(sample, **kwargs)


def test_script_json_cannot_close_the_script_block():
    for payload in XSS:
        text = script_json({"x": payload})
        assert "<" not in text and ">" not in text and "&" not in text
        assert "\u2028" not in text and "\u2029" not in text
        assert json.loads(text) == {"x": payload}


def _xss_graph() -> nx.MultiDiGraph:
    G = gk.new_graph("<b>xss</b>")
    gk.add_node(G, "A", "Actor", name=XSS[0], kind="state", note=XSS[2])
    gk.add_node(G, "B", "Actor", name=XSS[1], kind="alliance", url=XSS[3])
    gk.add_node(G, "C", "Actor", name=XSS[4], kind="company")
    gk.add_relationship(G, "A", "MEMBER_OF", "B", source=XSS[0])
    gk.add_relationship(G, "A", "COOPERATES_WITH", "C", instrument=XSS[1])
    return G


def test_payloads_never_reach_the_markup_unescaped():
    html = render_html(_xss_graph(), title=XSS[1], caption=XSS[0])
    # Only our own tags: the page has exactly four script blocks and no img/svg markup.
    assert len(re.findall(r"<script\b", html, re.I)) == 4
    assert len(re.findall(r"</script", html, re.I)) == 4
    assert "<img" not in html and "<svg" not in html and "<!--" not in html
    data = _data(html)
    assert {n["name"] for n in data["nodes"]} == {XSS[0], XSS[1], XSS[4]}
    assert data["title"] == XSS[1] and data["caption"] == XSS[0]


def test_page_is_self_contained_with_a_strict_csp(sample):
    html = render_html(sample)
    # No resource is referenced by URL: no src= or href= at all, no @import, no url().
    assert not re.search(r"\b(src|href)\s*=", html.split("<script>", 1)[0] + html.rsplit("</script>", 2)[-1])
    from graphkit.export.html import vis_network_js

    # URLs only in vis-network's licence comment and, as text, in the data (source properties)
    rest = re.sub(r'(?s)<script type="application/json".*?</script>', "", html.replace(vis_network_js(), ""))
    assert "http:" not in rest and "https:" not in rest
    import html as _html

    csp = _html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "default-src 'none'" in csp and "unsafe-eval" not in csp and "script-src 'sha256-" in csp
    assert "vis-network 10.1.5" in html


def test_write_html_replaces_the_file_and_refuses_a_folder(sample, tmp_path):
    out = tmp_path / "x.html"
    out.write_text("old")
    assert write_html(sample, out) == out
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["x.html"]  # no temp files left
    with pytest.raises(gk.OutputError, match="is a folder"):
        write_html(sample, tmp_path)


def test_fragment_and_notebook_embedding(sample):
    a = render_fragment(sample, include_library=True)
    b = render_fragment(sample, focus="NATO")
    ids = re.findall(r'<div id="(graphkit-\d+)"', a + b)
    assert len(set(ids)) == 2
    assert "vis-network" in a and a.count("<script>") == 3
    assert b.count("<script>") == 1  # only the draw call; the page holds the library
    frame = HTMLGraph(sample)._repr_html_()
    assert frame.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts"' in frame


def test_cli_viz_writes_html_png_svg(tmp_path, capsys):
    assert main(["viz", str(gk.SAMPLE), "-o", str(tmp_path / "a.html"), "-q"]) == 0
    assert main(["viz", str(gk.SAMPLE), "-o", str(tmp_path / "a.png"), "--layers", "all", "-q"]) == 0
    assert main(["viz", str(gk.SAMPLE), "-o", str(tmp_path / "b.svg"), "--focus", "NATO",
                 "--types", "MEMBER_OF,COOPERATES_WITH", "--color-by", "cluster", "-q"]) == 0  # fmt: skip
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--focus", "NATOO"], "did you mean 'NATO'"),
        (["--types", "FOO"], "unknown relationship type"),
        (["--format", "png"], "does not match --format png"),
        (["--depth", "-1"], "--depth must be 0 or more"),
    ],
)
def test_cli_viz_errors_exit_2_without_traceback(tmp_path, capsys, argv, message):
    assert main(["viz", str(gk.SAMPLE), "-o", str(tmp_path / "x.html"), "-q", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.html").exists()


def test_show_raises_no_warning(sample):
    import warnings

    pytest.importorskip("IPython")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shown = gk.show(sample, focus="NATO", height=300, isolated=True)
        markup = shown._repr_html_()
        shared = gk.show(sample, focus="NATO", height=300)._repr_html_()
    assert '<iframe srcdoc="&lt;!DOCTYPE html&gt;' in markup and "height:300px" in markup
    assert "graphkitDraw" in shared and "height:300px" in shared


def test_show_not_inline_writes_the_page_beside_and_stays_small(sample, tmp_path, monkeypatch):
    import warnings

    pytest.importorskip("IPython")
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inline = gk.show(sample, isolated=True)._repr_html_()
        first = gk.show(sample, inline=False)._repr_html_()
        second = gk.show(sample, inline=False, focus="NATO")._repr_html_()
    assert len(inline.encode()) > 500_000  # vis-network is inlined
    for markup in (first, second):
        assert len(markup.encode()) < 50_000
    pages = sorted(tmp_path.glob("graphkit-*.html"))
    assert len(pages) == 2
    srcs = re.findall(r'src="([^"]+)"', first + second)
    assert sorted(srcs) == sorted(p.name for p in pages)  # relative to the notebook's folder
    assert all('sandbox="allow-scripts"' in m for m in (first, second))
    # the file is the page write_html writes; showing again rewrites the same file
    assert (tmp_path / srcs[0]).read_text(encoding="utf-8") == render_html(sample)
    gk.show(sample, inline=False)
    assert len(list(tmp_path.glob("graphkit-*.html"))) == 2
    out = tmp_path / "sub dir" / "g.html"
    out.parent.mkdir()
    named = gk.show(sample, inline=False, path=out)._repr_html_()
    assert 'src="sub%20dir/g.html"' in named and out.exists()
