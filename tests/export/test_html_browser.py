"""The HTML pages in a real headless Chromium: offline, complete, interactive and inert to payloads."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import graphkit as gk
from graphkit.cli import main
from graphkit.export.html import HTMLGraph, render_fragment, vis_network_script, write_html

pytestmark = pytest.mark.browser

XSS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "javascript:alert(3)",
    '"><svg onload=alert(4)>',
    "<iframe src=javascript:alert(5)>",
]

API = "Object.values(window.graphkitGraphs)[0]"


def _open(page_for, path, **kw):
    loaded = page_for(path, **kw)
    loaded.wait_for(f"window.graphkitGraphs && {API} && {API}.ready", timeout_ms=60_000)
    return loaded


def _clean(loaded):
    assert loaded.external_requests == []
    assert loaded.page_errors == []
    assert loaded.console_errors == []
    assert loaded.dialogs == []


def _counts(loaded):
    return loaded.page.evaluate(f"{API}.drawnCounts()")


@pytest.fixture(scope="module")
def sample():
    return gk.load(gk.SAMPLE)


@pytest.fixture(scope="module")
def sample_html(tmp_path_factory):
    out = tmp_path_factory.mktemp("viz") / "x.html"
    assert main(["viz", str(gk.SAMPLE), "-o", str(out), "-q"]) == 0
    return out


def test_cli_page_loads_offline_and_draws_every_node(page_for, sample_html, sample):
    loaded = _open(page_for, sample_html)
    _clean(loaded)
    assert loaded.requests == [sample_html.as_uri()]
    actors = sum(1 for _, d in sample.nodes(data=True) if d["label"] == "Actor")
    assert loaded.page.evaluate(f"{API}.network.body.data.nodes.length") == actors == 14
    assert _counts(loaded) == {"nodes": 14, "edges": 18}
    # physics settled, then switched off
    assert loaded.page.evaluate(f"{API}.network.physics.physicsEnabled") is False


def test_all_layers_draw_every_node_and_relationship(page_for, sample, tmp_path):
    out = write_html(sample, tmp_path / "all.html", layers="all")
    loaded = _open(page_for, out)
    _clean(loaded)
    assert _counts(loaded) == {"nodes": sample.number_of_nodes(), "edges": sample.number_of_edges()}


def test_filters_hide_kinds_and_relationship_types(page_for, sample_html, sample):
    loaded = _open(page_for, sample_html)
    page = loaded.page
    kinds = {n: d["kind"] for n, d in sample.nodes(data=True) if d["label"] == "Actor"}
    rels = [(u, v, d["type"]) for u, v, d in sample.edges(data=True) if d["type"] in ("MEMBER_OF", "COOPERATES_WITH")]

    page.get_by_role("checkbox", name="state").uncheck()
    keep = {n for n, k in kinds.items() if k != "state"}
    expected_edges = sum(1 for u, v, _ in rels if u in keep and v in keep)
    assert _counts(loaded) == {"nodes": len(keep), "edges": expected_edges}

    page.get_by_role("checkbox", name="MEMBER_OF").uncheck()
    expected_edges = sum(1 for u, v, t in rels if u in keep and v in keep and t == "COOPERATES_WITH")
    assert _counts(loaded) == {"nodes": len(keep), "edges": expected_edges}

    page.get_by_role("checkbox", name="state").check()
    page.get_by_role("checkbox", name="MEMBER_OF").check()
    assert _counts(loaded) == {"nodes": 14, "edges": 18}
    _clean(loaded)


def test_search_selects_and_highlights_the_neighbourhood(page_for, sample_html):
    loaded = _open(page_for, sample_html)
    page = loaded.page
    page.get_by_placeholder("name or id").fill("fran")
    result = page.locator(".gk-results button")
    assert result.all_inner_texts() == ["France (FRA)"]
    result.first.click()
    assert page.evaluate(f"{API}.network.getSelectedNodes()") == ["FRA"]
    groups = page.evaluate(f"Object.fromEntries({API}.nodes.get().map(n => [n.id, n.group]))")
    # France: member of NATO and the EU; nothing else is next to it.
    shown = {n for n, g in groups.items() if not g.startswith("faded-")}
    assert shown == {"FRA", "NATO", "EU"}
    assert "France" in page.locator(".gk-details").inner_text()
    page.get_by_role("button", name="Clear selection").click()
    groups = page.evaluate(f"{API}.nodes.get().map(n => n.group)")
    assert not any(g.startswith("faded-") for g in groups)
    _clean(loaded)


def test_hover_tooltip_lists_properties_as_text(page_for, sample_html):
    loaded = _open(page_for, sample_html)
    page = loaded.page
    x, y = page.evaluate(
        f"""(() => {{ const net = {API}.network; const p = net.canvasToDOM(net.getPosition("NATO"));
            const r = net.body.container.getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }})()"""
    )
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=5)
    tip = page.locator(".gk-tip")
    tip.wait_for(state="visible", timeout=5_000)
    text = tip.inner_text()
    assert "North Atlantic Treaty Organization" in text
    assert "1949" in text and "founded" in text
    _clean(loaded)


def _xss_dataset(tmp_path):
    G = gk.new_graph()
    gk.add_node(G, "A", "Actor", name=XSS[0], kind="state", note=XSS[2])
    gk.add_node(G, "B", "Actor", name=XSS[1], kind="alliance", url=XSS[3])
    gk.add_node(G, "C", "Actor", name=XSS[3], kind="company", region=XSS[4])
    gk.add_node(G, "D", "Actor", name=XSS[4], kind="ngo")
    gk.add_relationship(G, "A", "MEMBER_OF", "B", source=XSS[0])
    gk.add_relationship(G, "A", "COOPERATES_WITH", "C", instrument=XSS[1])
    gk.add_relationship(G, "D", "COOPERATES_WITH", "C", instrument=XSS[4])
    folder = tmp_path / "xss"
    gk.write_dataset(G, folder)
    return folder


def _hover_everything(page):
    points = page.evaluate(
        f"""(() => {{ const net = {API}.network; const r = net.body.container.getBoundingClientRect();
            return net.body.nodeIndices.map(id => {{ const p = net.canvasToDOM(net.getPosition(id));
            return [r.left + p.x, r.top + p.y]; }}); }})()"""
    )
    for x, y in points:
        page.mouse.move(x - 20, y - 20)
        page.mouse.move(x, y, steps=4)
        page.wait_for_timeout(250)
        page.mouse.click(x, y)
    return len(points)


def test_payloads_in_names_and_properties_show_as_text(page_for, tmp_path):
    folder = _xss_dataset(tmp_path)
    out = tmp_path / "xss.html"
    assert main(["viz", str(folder), "-o", str(out), "--title", XSS[1], "--caption", XSS[0], "-q"]) == 0
    loaded = _open(page_for, out)
    page = loaded.page
    assert _hover_everything(page) == 4
    page.get_by_placeholder("name or id").fill("<")
    assert sorted(page.locator(".gk-results button").all_inner_texts()) == sorted(
        f"{name} ({i})" for i, name in zip("ABCD", [XSS[0], XSS[1], XSS[3], XSS[4]], strict=True)
    )
    page.locator(".gk-results button").first.click()
    page.wait_for_timeout(300)
    assert page.title() == XSS[1]
    body = page.locator("body").inner_text()
    assert XSS[0] in body and XSS[2] in body  # caption, and A's note in the details panel
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed, a').length") == 0
    _clean(loaded)


def test_payloads_in_cluster_names_show_as_text_in_the_legend(page_for, sample, tmp_path):
    clusters = pd.DataFrame({"id": ["USA", "GBR", "CHN"], "cluster": [XSS[0], XSS[0], XSS[1]]})
    out = write_html(sample, tmp_path / "c.html", clusters=clusters, color_by="cluster")
    loaded = _open(page_for, out)
    legend = loaded.page.locator(".gk-side").inner_text()
    assert XSS[0] in legend and XSS[1] in legend
    assert loaded.page.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
    _clean(loaded)


def test_works_inside_iframes_and_as_fragments(page_for, sample, sample_html, tmp_path):
    frame_src = tmp_path / "frame.html"
    frame_src.write_text(f'<!DOCTYPE html><iframe src="{sample_html.as_uri()}" width="900" height="600"></iframe>'
                         f'{HTMLGraph(sample, focus="NATO", height=500)._repr_html_()}')  # fmt: skip
    loaded = page_for(frame_src)
    frames = [f for f in loaded.page.frames if f != loaded.page.main_frame]
    assert len(frames) == 2
    for f in frames:
        f.wait_for_function(f"window.graphkitGraphs && {API} && {API}.ready", timeout=60_000)
    counts = sorted(f.evaluate(f"{API}.drawnCounts().nodes") for f in frames)
    assert counts == [8, 14]  # NATO, its six members and the EU; the whole sample
    _clean(loaded)

    host = tmp_path / "host.html"
    host.write_text(
        "<!DOCTYPE html><meta charset=utf-8><body>"
        + vis_network_script()
        + render_fragment(sample, height="400px")
        + render_fragment(sample, focus="CHN", height="300px")
    )
    loaded = page_for(host)
    loaded.wait_for("window.graphkitGraphs && Object.values(window.graphkitGraphs).every(g => g.ready)")
    counts = loaded.page.evaluate("Object.values(window.graphkitGraphs).map(g => g.drawnCounts())")
    assert counts == [{"nodes": 14, "edges": 18}, {"nodes": 2, "edges": 1}]
    _clean(loaded)


def _non_white_share(png: bytes) -> tuple[float, int]:
    import matplotlib.image as mpimg
    import numpy as np

    img = mpimg.imread(io.BytesIO(png))[..., :3]
    ink = (img < 0.95).any(axis=2)
    colours = len({tuple(c) for c in (img[ink] * 255).astype(int)[:: max(1, ink.sum() // 5000)]})
    return float(ink.mean()), colours if np is not None else 0


def test_large_graph_draws_everything_with_physics_off(page_for, tmp_path):
    from benchmarks.synthetic import synthetic_graph

    G = synthetic_graph(5000, seed=3, coop_edges_per_actor=4)
    V = gk.select(G, labels=["Actor"], types=["MEMBER_OF", "COOPERATES_WITH"])
    assert V.number_of_nodes() == 5000 and V.number_of_edges() > 20_000
    out = write_html(G, tmp_path / "big.html")
    loaded = _open(page_for, out)
    _clean(loaded)
    assert loaded.page.evaluate(f"{API}.network.body.data.nodes.length") == 5000
    assert _counts(loaded) == {"nodes": 5000, "edges": V.number_of_edges()}
    assert loaded.page.evaluate(f"{API}.network.physics.physicsEnabled") is False
    assert loaded.page.evaluate(f"{API}.stabilizedMs") is None  # no simulation ever ran
    share, colours = _non_white_share(loaded.screenshot())
    assert share > 0.10 and colours > 8  # a drawing, not a blank page


def test_sample_screenshot_is_not_blank(page_for, sample_html, tmp_path):
    loaded = _open(page_for, sample_html)
    shot = tmp_path / "sample.png"
    share, colours = _non_white_share(loaded.screenshot(shot))
    assert share > 0.02 and colours > 6
