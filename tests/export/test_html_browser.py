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
    _wait(loaded.page, f"window.graphkitGraphs && {API} && {API}.ready")
    return loaded


def _wait(page, expression, timeout_ms=60_000):
    """Poll ``expression`` (wait_for_function evaluates strings, which the page's CSP forbids)."""
    waited = 0
    while not page.evaluate(f"!!({expression})"):
        if waited > timeout_ms:
            raise AssertionError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(100)
        waited += 100


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
    rels = [
        (u, v, d["type"])
        for u, v, d in sample.edges(data=True)
        if d["type"] in ("MEMBER_OF", "COOPERATES_WITH")
    ]

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
    out = write_html(G, tmp_path / "big.html", aggregate=False)  # every node drawn at once
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


# ---- present mode, first views, filters (issue 18) ----

DATA = gk.SAMPLE.parent / "cyber-multilateral"


def _label_boxes(loaded):
    """Screen boxes of the names vis-network actually drew (its own measured label sizes)."""
    return loaded.page.evaluate(
        f"""(() => {{ const a = {API}, net = a.network; net.redraw(); return a.labelsShown.map(id => {{
            const b = net.body.nodes[id], m = b.labelModule; const s = m.size;
            const v = m.fontOptions.vadjust || 0;  /* vis-network shifts the drawn text by vadjust */
            const tl = net.canvasToDOM({{x: s.left, y: s.top + v}}), br = net.canvasToDOM({{x: s.left + s.width, y: s.top + v + s.height}});
            const c = net.canvasToDOM({{x: b.x, y: b.y}}), r = net.body.container.getBoundingClientRect();
            const seen = c.x >= 0 && c.y >= 0 && c.x <= r.width && c.y <= r.height;  /* vis sizes drawn labels only */
            return seen ? [id, tl.x, tl.y, br.x, br.y, m.fontOptions.size * net.getScale()] : null; }})
            .filter(x => x); }})()"""
    )


def _overlaps(boxes):
    bad = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:
                bad.append((a[0], b[0]))
    return bad


def test_present_mode_fills_a_slide_and_draws_the_focus_largest(page_for, tmp_path):
    out = tmp_path / "nato.html"
    assert main(["viz", str(DATA), "--focus", "NATO", "--present", "-o", str(out), "-q"]) == 0
    loaded = _open(page_for, out, viewport=(960, 540))
    page = loaded.page
    w, h = page.evaluate(
        f"(() => {{ const r = {API}.network.body.container.getBoundingClientRect(); return [r.width, r.height]; }})()"
    )
    assert w * h >= 0.85 * 960 * 540
    sizes = page.evaluate(f"Object.fromEntries({API}.nodes.get().map(n => [n.id, n.size]))")
    assert max(sizes, key=sizes.get) == "NATO"
    assert page.evaluate(f"{API}.network.body.nodeIndices.at(-1)") == "NATO"  # drawn last: on top
    assert not page.locator(".gk-side").is_visible()
    # the panel is one button away; "/" opens it on the search box, Escape folds it again
    page.keyboard.press("/")
    assert page.locator(".gk-side").is_visible()
    assert page.evaluate("document.activeElement.className") == "gk-search"
    page.keyboard.type("eston")
    page.keyboard.press("Enter")
    assert page.evaluate(f"{API}.network.getSelectedNodes()") == ["EST"]
    page.keyboard.press("Escape")
    assert not page.locator(".gk-side").is_visible()
    assert page.evaluate(f"{API}.network.getSelectedNodes()") == []
    page.evaluate(f"{API}.network.moveTo({{scale: 0.05}})")
    page.keyboard.press("f")
    box = page.evaluate(f"{API}.network.getBoundingBox('NATO')")
    view = page.evaluate(f"{API}.network.canvasToDOM({{x: {box['left']}, y: {box['top']}}})")
    assert 0 <= view["x"] <= 960 and 0 <= view["y"] <= 540  # fitted again: NATO in view
    page.locator(".gk-toggle").click()
    assert page.locator(".gk-side").is_visible()
    _clean(loaded)


def test_present_mode_keeps_a_legend_and_spreads_the_graph_across_the_slide(page_for, tmp_path):
    out = tmp_path / "nato.html"
    assert main(["viz", str(DATA), "--focus", "NATO", "--present", "-o", str(out), "-q"]) == 0
    loaded = _open(page_for, out, viewport=(1600, 900))
    page = loaded.page
    key = page.locator(".gk-key")
    assert key.is_visible()  # on the slide, with the panel folded
    words = key.inner_text()
    for expected in ("state", "alliance", "membership", "agreement"):
        assert expected in words
    # the drawn nodes span most of the slide's width, not a centred square
    xs = page.evaluate(
        f"(() => {{ const n = {API}.network; const p = n.getPositions();"
        f" return Object.values(p).map(q => n.canvasToDOM(q).x); }})()"
    )
    assert max(xs) - min(xs) >= 0.7 * 1600
    _clean(loaded)


def test_first_view_names_the_most_central_without_overlap(page_for, tmp_path):
    out = tmp_path / "all.html"
    assert main(["viz", str(DATA), "-o", str(out), "-q"]) == 0
    loaded = _open(page_for, out, viewport=(1280, 800))
    boxes = _label_boxes(loaded)
    assert len(boxes) >= 5
    assert _overlaps(boxes) == []
    assert all(b[5] >= 11 for b in boxes)  # readable at the first zoom (px on screen)
    scores = loaded.page.evaluate(f"Object.fromEntries({API}.data.nodes.map(n => [n.id, n.score]))")
    top = max(scores, key=scores.get)
    assert top in {b[0] for b in boxes}
    # zooming in names more of them, still without overlap
    loaded.page.evaluate(f"{API}.network.moveTo({{scale: {API}.network.getScale() * 3}})")
    more = loaded.page.evaluate(f"{API}.placeLabels().length")
    assert more >= len(boxes)
    assert _overlaps(_label_boxes(loaded)) == []
    _clean(loaded)


def test_filter_clears_a_hidden_selection_and_its_tooltip(page_for, sample_html):
    loaded = _open(page_for, sample_html)
    page = loaded.page
    page.get_by_placeholder("name or id").fill("fran")
    page.locator(".gk-results button").first.click()
    assert "France" in page.locator(".gk-details").inner_text()
    x, y = page.evaluate(
        f"""(() => {{ const net = {API}.network; const p = net.canvasToDOM(net.getPosition("FRA"));
            const r = net.body.container.getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }})()"""
    )
    page.mouse.move(x - 20, y - 20)
    page.mouse.move(x, y, steps=4)
    page.wait_for_timeout(300)
    assert page.locator(".gk-tip").is_visible()
    page.get_by_role("checkbox", name="state").uncheck()
    assert not page.locator(".gk-tip").is_visible()
    assert page.evaluate(f"{API}.network.getSelectedNodes()") == []
    assert "France" not in page.locator(".gk-details").inner_text()
    _clean(loaded)
