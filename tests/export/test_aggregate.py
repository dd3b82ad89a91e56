"""The aggregated view of large networks: community-aware layout, units, and the page in Chromium."""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
import pytest

import graphkit as gk
from graphkit.export.aggregate import AGGREGATE_ABOVE, MAX_FIRST_DRAWN, aggregate_units, community_layout
from graphkit.export.drawing import prepare_drawing
from graphkit.export.html import write_html

API = "Object.values(window.graphkitGraphs)[0]"


def _planted(blocks=6, size=40, seed=5):
    """Dense blocks with a few ties between them (a planted partition)."""
    G = nx.planted_partition_graph(blocks, size, 0.3, 0.005, seed=seed)
    V = nx.MultiDiGraph()
    V.add_nodes_from(str(n) for n in G)
    V.add_edges_from((str(u), str(v)) for u, v in G.edges())
    cluster_of = {str(n): f"block {n // size}" for n in G}
    return V, cluster_of


def _discs(pos, cluster_of):
    members = defaultdict(list)
    for n, c in cluster_of.items():
        members[c].append(pos[n])
    out = {}
    for c, pts in members.items():
        cx = sum(p[0] for p in pts) / len(pts)
        cy = sum(p[1] for p in pts) / len(pts)
        out[c] = (cx, cy, max(math.hypot(x - cx, y - cy) for x, y in pts))
    return out


def test_layout_keeps_every_cluster_in_its_own_disc():
    V, cluster_of = _planted()
    pos = community_layout(V, list(V), cluster_of, seed=3)
    assert set(pos) == set(V)
    discs = _discs(pos, cluster_of)
    names = sorted(discs)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            (ax, ay, ar), (bx, by, br) = discs[a], discs[b]
            assert math.hypot(ax - bx, ay - by) >= ar + br  # no two clusters overlap
    # and every member is nearer its own cluster's centre than any other
    for n, c in cluster_of.items():
        x, y = pos[n]
        own = math.hypot(x - discs[c][0], y - discs[c][1])
        assert all(own <= math.hypot(x - d[0], y - d[1]) for k, d in discs.items() if k != c)


def test_layout_is_deterministic_for_a_seed():
    V, cluster_of = _planted()
    assert community_layout(V, list(V), cluster_of, seed=3) == community_layout(
        V, list(V), cluster_of, seed=3
    )


def test_units_never_exceed_the_first_draw_budget():
    ids = [f"n{i}" for i in range(5000)]
    # 3,000 nodes alone in their clusters and 1,000 pairs
    cluster_of = {n: (f"p{i // 2}" if i < 2000 else f"s{i}") for i, n in enumerate(ids)}
    units, singles = aggregate_units(ids, cluster_of)
    assert len(units) + len(singles) <= MAX_FIRST_DRAWN
    assert sorted(m for ms in units.values() for m in ms) + sorted(singles) == sorted(ids)
    small = aggregate_units(ids[:10], {n: "A" for n in ids[:6]})
    assert small == ({"A": ids[:6]}, ids[6:10])


@pytest.fixture(scope="module")
def big():
    from benchmarks.synthetic import synthetic_graph

    G = synthetic_graph(AGGREGATE_ABOVE + 1000, seed=4, coop_edges_per_actor=3)
    clusters = gk.clusters(G, seed=2)
    scores = gk.centrality(G, measures=["pagerank"])
    return G, clusters, scores


def test_drawing_takes_the_clusters_it_is_given(big, monkeypatch):
    G, clusters, scores = big
    import importlib

    found = importlib.import_module("graphkit.analysis.clusters")  # the module, not the function

    def refuse(*a, **k):
        raise AssertionError("the drawing recomputed clusters")

    monkeypatch.setattr(found, "clusters", refuse)
    D = prepare_drawing(G, clusters=clusters, scores=scores)
    agg = D.extra["aggregates"]
    assert agg is not None  # more than AGGREGATE_ABOVE nodes: aggregated by default
    given = defaultdict(set)
    for n, c in zip(clusters["id"], clusters["cluster"], strict=True):
        given[f"cluster {c}"].add(n)
    drawn = {u["cluster"]: set(u["members"]) for u in agg["units"]}
    for name, members in drawn.items():
        assert members == given[name]
    assert sum(len(m) for m in drawn.values()) + len(agg["singles"]) == len(D.nodes)
    # unit ties count the relationships between clusters
    unit_of = {m: u["id"] for u in agg["units"] for m in u["members"]}
    V = gk.select(G, labels=["Actor"], types=["MEMBER_OF", "COOPERATES_WITH"])
    a, b, w = agg["edges"][0]
    assert w == sum(1 for u, v in V.edges() if {unit_of.get(u), unit_of.get(v)} == {a, b})


def test_aggregated_page_is_a_fraction_of_the_full_one(big, tmp_path):
    G, clusters, scores = big
    packed = write_html(G, tmp_path / "a.html", clusters=clusters, scores=scores)
    full = write_html(G, tmp_path / "f.html", clusters=clusters, scores=scores, aggregate=False)
    assert packed.stat().st_size < 0.6 * full.stat().st_size


@pytest.mark.browser
def test_click_expands_the_largest_cluster_and_double_click_collapses_it(page_for, big, tmp_path):
    from tests.export.test_html_browser import _clean, _open

    G, clusters, scores = big
    out = write_html(G, tmp_path / "a.html", clusters=clusters, scores=scores)
    loaded = _open(page_for, out)
    page = loaded.page
    units = page.evaluate(f"{API}.units()")
    singles = page.evaluate(f"{API}.data.aggregates.singles.length")
    first = page.evaluate(f"{API}.drawnCounts().nodes")
    assert first == len(units) + singles <= MAX_FIRST_DRAWN
    assert first < len(G.nodes)
    largest = max(units, key=lambda u: u["count"])

    def click(node_id, double=False):
        x, y = page.evaluate(
            f"""(() => {{ const net = {API}.network; const q = net.canvasToDOM(net.getPosition("{node_id}"));
                const r = net.body.container.getBoundingClientRect(); return [r.left + q.x, r.top + q.y]; }})()"""
        )
        (page.mouse.dblclick if double else page.mouse.click)(x, y)
        page.wait_for_timeout(300)

    click(largest["id"])
    assert page.evaluate(f"{API}.expanded()") == [largest["id"]]
    assert page.evaluate(f"{API}.drawnCounts().nodes") == first - 1 + largest["count"]
    page.wait_for_timeout(800)  # a double click right after the expanding click belongs to it
    member = page.evaluate(f"{API}.data.aggregates.units.find(u => u.id === '{largest['id']}').members[0]")
    click(member, double=True)
    assert page.evaluate(f"{API}.expanded()") == []
    assert page.evaluate(f"{API}.drawnCounts().nodes") == first
    # search finds an actor inside a collapsed cluster and opens it
    other = next(u for u in units if u["id"] != largest["id"])
    target = page.evaluate(f"{API}.data.aggregates.units.find(u => u.id === '{other['id']}').members[0]")
    page.get_by_placeholder("name or id").fill(target)
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.evaluate(f"{API}.expanded()") == [other["id"]]
    assert page.evaluate(f"{API}.network.getSelectedNodes()") == [target]
    _clean(loaded)


@pytest.mark.browser
def test_double_click_on_a_cluster_expands_it_too(page_for, big, tmp_path):
    from tests.export.test_html_browser import _clean, _open

    G, clusters, scores = big
    out = write_html(G, tmp_path / "a.html", clusters=clusters, scores=scores)
    loaded = _open(page_for, out)
    page = loaded.page
    # the largest node drawn is the largest cluster (sizes grow with members)
    uid = page.evaluate(
        f"(() => {{ const b = {API}.network.body.nodes; return {API}.network.body.nodeIndices"
        ".reduce((m, id) => (b[id].options.size > b[m].options.size ? id : m)); })()"
    )
    assert uid == max(page.evaluate(f"{API}.units()"), key=lambda u: u["count"])["id"]
    before = page.evaluate(f"{API}.drawnCounts().nodes")
    x, y = page.evaluate(
        f"""(() => {{ const net = {API}.network; const q = net.canvasToDOM(net.getPosition("{uid}"));
            const r = net.body.container.getBoundingClientRect(); return [r.left + q.x, r.top + q.y]; }})()"""
    )
    page.mouse.dblclick(x, y)
    page.wait_for_timeout(400)
    assert page.evaluate(f"{API}.expanded()") == [uid]
    assert page.evaluate(f"{API}.drawnCounts().nodes") > before
    _clean(loaded)


def test_layout_of_many_lone_nodes_stays_bounded():
    # 3,000 isolated nodes, each its own cluster, beside two real clusters
    V, cluster_of = _planted(blocks=2, size=30)
    for i in range(3000):
        V.add_node(f"iso{i}")
        cluster_of[f"iso{i}"] = f"alone {i}"
    pos = community_layout(V, list(V), cluster_of, seed=1)
    assert set(pos) == set(V)
    assert len(set(pos.values())) == len(pos)  # no two nodes on one spot
    discs = _discs(pos, {n: c for n, c in cluster_of.items() if c.startswith("block")})
    lone = [pos[f"iso{i}"] for i in range(3000)]
    for cx, cy, r in discs.values():  # the lone nodes stay out of the clusters' discs
        assert all(math.hypot(x - cx, y - cy) > r for x, y in lone)
