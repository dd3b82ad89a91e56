"""Louvain on the incidence: the merged first-level graph keeps every modularity, and the
partitions are as good as igraph's Louvain on the explicit projection (modularity within
0.01) on random two-mode networks, the bundled data and a synthetic network; progress
between sweeps; the same seed gives the same clusters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from two_mode_graphs import random_two_mode

import graphkit as gk
from graphkit.analysis import incidence as inc_ops
from graphkit.analysis import louvain
from graphkit.analysis.clusters import cluster_membership, modularity_of
from graphkit.analysis.engine import actor_network, seeded_igraph
from graphkit.defaults import RESTARTS
from graphkit.progress import Progress

ig = pytest.importorskip("igraph")

ROOT = Path(__file__).resolve().parents[2]


def _igraph_best(net, restarts=5, seed=1, resolution=1.0):
    """Today's path: igraph's Louvain on the explicit projection, best of ``restarts``."""
    with seeded_igraph(seed):
        return max(
            modularity_of(
                net,
                np.asarray(
                    net.igraph.community_multilevel(weights="weight", resolution=resolution).membership
                ),
                resolution=resolution,
            )
            for _ in range(restarts)
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_merged_graph_keeps_strengths_and_modularity(seed):
    net = actor_network(random_two_mode(seed), weight="weight", two_mode=True)
    inc = net.incidence
    rng = np.random.default_rng(seed)
    first = rng.integers(0, 12, net.n)
    K, cl, src, dst, w = louvain.merged_graph(inc, first)
    g = ig.Graph(n=K, edges=list(zip(src.tolist(), dst.tolist(), strict=True)))
    np.testing.assert_allclose(
        g.strength(weights=w.tolist()), np.bincount(cl, net.strength, minlength=K), atol=1e-9
    )
    top = rng.integers(0, 4, K)
    expanded = top[cl]
    assert g.modularity(top.tolist(), weights=w.tolist()) == pytest.approx(
        modularity_of(net, expanded), abs=1e-9
    )
    assert inc_ops.modularity(inc, expanded) == pytest.approx(modularity_of(net, expanded), abs=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("resolution", [1.0, 1.5])
def test_as_good_as_igraph_on_random_networks(seed, resolution):
    net = actor_network(random_two_mode(seed, actors=120, orgs=10), weight="weight", two_mode=True)
    with seeded_igraph(seed):
        m, q = louvain.louvain(net.incidence, seed=seed, restarts=5, resolution=resolution)
    assert q == pytest.approx(modularity_of(net, m, resolution=resolution), abs=1e-9)
    assert q >= _igraph_best(net, seed=seed, resolution=resolution) - 0.01


def test_as_good_as_igraph_on_the_bundled_data():
    path = ROOT / "data" / "cyber-multilateral"
    if not path.exists():
        pytest.skip("data/cyber-multilateral not built")
    net = actor_network(gk.load(path), two_mode=True)
    with seeded_igraph(1):
        m, q = louvain.louvain(net.incidence, seed=1, restarts=5)
    assert q == pytest.approx(modularity_of(net, m), abs=1e-9)
    assert q >= _igraph_best(net) - 0.01


def test_as_good_as_igraph_on_a_synthetic_network():
    synthetic = pytest.importorskip("benchmarks.synthetic")
    net = actor_network(synthetic.synthetic_graph(1500, seed=2, coop_edges_per_actor=4), two_mode=True)
    with seeded_igraph(1):
        m, q = louvain.louvain(net.incidence, seed=1, restarts=3)
    assert q >= _igraph_best(net, restarts=3) - 0.01


def test_cluster_membership_uses_it_on_large_projections(monkeypatch):
    """Above MIN_PROJECTED_TIES (forced to 0 here) clusters come from the incidence, seeded,
    counted run by run, as good as igraph's."""
    net = actor_network(random_two_mode(5, actors=150, orgs=12), weight="weight", two_mode=True)
    want = _igraph_best(net, seed=3)
    monkeypatch.setattr(louvain, "MIN_PROJECTED_TIES", 0)
    if not louvain.available():
        pytest.skip("numba not installed")
    called = []
    real = louvain.louvain
    monkeypatch.setattr(louvain, "louvain", lambda *a, **kw: called.append(1) or real(*a, **kw))
    ticks = []
    progress = Progress(quiet=True)
    monkeypatch.setattr(
        progress, "count", lambda name, done, total=None, **kw: ticks.append((name, done, total))
    )
    a, _ = cluster_membership(net, seed=3, restarts=4, progress=progress)
    b, _ = cluster_membership(net, seed=3, restarts=4)
    assert called and np.array_equal(a, b)
    assert modularity_of(net, a) >= want - 0.01
    assert ticks[-1] == ("clusters (louvain)", 4, 4)
    assert len(ticks) > 5  # also between the sweeps of each run
    assert {d for _, d, _ in ticks} == {0, 1, 2, 3, 4}


def test_restarts_in_threads_give_the_same_clusters():
    """The first levels of the restarts in two threads, finished in order: the same partition
    and modularity as one thread."""
    if not louvain.available():
        pytest.skip("numba not installed")
    net = actor_network(random_two_mode(6, actors=150, orgs=12), weight="weight", two_mode=True)
    ticks = []
    with seeded_igraph(4):
        a, qa = louvain.louvain(net.incidence, seed=4, restarts=4)
    with seeded_igraph(4):
        b, qb = louvain.louvain(net.incidence, seed=4, restarts=4, jobs=2, tick=ticks.append)
    assert np.array_equal(a, b) and qa == qb
    assert all(0 <= t <= 4 for t in ticks)


def test_runs_made_are_the_restarts_asked_for(monkeypatch):
    """Every network makes the runs asked for (1 for Leiden), the large ones whose Louvain
    runs on the incidence too: counted on the progress as they run, and as recorded in
    ``summary.json`` (``restarts_made``). A default that changed with the size could not be
    told from an explicit ``--restarts 5``."""
    from graphkit.analysis.clusters import restarts_made

    if not louvain.available():
        pytest.skip("numba not installed")
    net = actor_network(random_two_mode(7, actors=150, orgs=12), weight="weight", two_mode=True)
    monkeypatch.setattr(louvain, "MIN_PROJECTED_TIES", 0)  # the large networks' path
    for method, asked in (("louvain", RESTARTS), ("louvain", 2), ("leiden", RESTARTS)):
        totals: set[int | None] = set()
        progress = Progress(quiet=True)
        monkeypatch.setattr(progress, "count", lambda name, done, total=None, _t=totals, **kw: _t.add(total))
        cluster_membership(net, method=method, seed=3, restarts=asked, progress=progress)
        runs = 1 if method == "leiden" else asked
        assert totals == {runs}, (method, asked, totals)
        assert restarts_made(method=method, restarts=asked) == runs
    assert RESTARTS == 5
