"""The compiled Brandes kernel on the hub graph gives the numbers of the two-mode
projection: betweenness and closeness equal igraph (and networkx) on the projection itself
within 1e-9, exact and sampled, weighted and not, in one thread or two."""

from __future__ import annotations

import io
import random
import sys

import networkx as nx
import numpy as np
import pytest

import graphkit as gk
from graphkit.analysis import measures, paths
from graphkit.analysis.engine import actor_network
from graphkit.analysis.parallel import using
from graphkit.progress import Progress

pytest.importorskip("numba")
ig = pytest.importorskip("igraph")


def _two_mode(
    seed: int,
    *,
    actors: int = 120,
    orgs: int = 8,
    coop: int = 150,
    isolated: int = 3,
    weights=(1.0, 2.0, 3.0),
) -> nx.MultiDiGraph:
    """Overlapping organisations of 2 to 40 members (some with a tie_weight), weighted
    cooperation, a few isolated actors: every case the hubs must get right."""
    rng = random.Random(seed)
    G = gk.new_graph()
    for i in range(actors + isolated):
        gk.add_node(G, f"S{i:03d}", "Actor", name=f"S{i}", kind="state")
    for o in range(orgs):
        extra = {"tie_weight": rng.choice([0.5, 2.0, 3.0])} if o % 3 == 0 else {}
        gk.add_node(G, f"O{o}", "Actor", name=f"O{o}", kind="alliance", **extra)
        for m in rng.sample(range(actors), rng.randint(2, 40)):
            gk.add_relationship(G, f"S{m:03d}", "MEMBER_OF", f"O{o}")
    pairs = set()
    while len(pairs) < coop:
        a, b = rng.sample(range(actors), 2)
        pairs.add((a, b))
    for a, b in sorted(pairs):
        gk.add_relationship(G, f"S{a:03d}", "COOPERATES_WITH", f"S{b:03d}", weight=rng.choice(weights))
    return G


def _both(G, monkeypatch, *, weight=None, two_mode=True, pivots=None, jobs=1):
    """(reference on the projection with igraph, kernel on the hub graph)."""
    monkeypatch.setattr(paths, "KERNEL_MIN_WORK", 10**18)
    ref_net = actor_network(G, weight=weight, two_mode=two_mode)
    ref = {
        m: measures.compute(ref_net, m, engine="igraph", pivots=pivots) for m in ("betweenness", "closeness")
    }
    monkeypatch.setattr(paths, "KERNEL_MIN_WORK", 0)
    net = actor_network(G, weight=weight, two_mode=two_mode)
    with using(jobs):
        got = {
            m: measures.compute(net, m, engine="igraph", pivots=pivots) for m in ("betweenness", "closeness")
        }
    return ref_net, net, ref, got


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("weight", [None, "weight"])
def test_kernel_on_hubs_equals_igraph_on_the_projection(seed, weight, monkeypatch):
    ref_net, net, ref, got = _both(_two_mode(seed), monkeypatch, weight=weight)
    assert net.n < net.paths.N  # hubs are in use
    assert net.paths.arcs // 2 < ref_net.m  # and save ties
    for m in ref:
        assert np.allclose(got[m], ref[m], rtol=1e-9, atol=1e-12), m


@pytest.mark.parametrize("jobs", [1, 2])
def test_sampled_sources_equal_igraph(jobs, monkeypatch):
    G = _two_mode(11, actors=150)
    pivots = random.Random(3).sample(range(150), 20)
    _, _, ref, got = _both(G, monkeypatch, pivots=pivots, jobs=jobs)
    for m in ref:
        assert np.allclose(got[m], ref[m], rtol=1e-9, atol=1e-12), m


@pytest.mark.parametrize("weighted", [False, True])
def test_direct_network_equals_networkx(weighted, monkeypatch):
    """No hubs: the kernel's breadth-first (hops) and Dijkstra passes against networkx
    (strengths 1, 2, 4: distances add up exactly, so networkx's exact comparisons see the
    same ties as the kernel's tolerance)."""
    G = _two_mode(4, weights=(1.0, 2.0, 4.0))
    weight = "weight" if weighted else None
    monkeypatch.setattr(paths, "KERNEL_MIN_WORK", 0)
    net = actor_network(G, weight=weight, two_mode=False)
    assert (net.paths.length is None) is (not weighted)
    got = {m: measures.compute(net, m, engine="igraph") for m in ("betweenness", "closeness")}
    A = net.networkx
    b = nx.betweenness_centrality(A, weight="distance" if weighted else None)
    c = nx.closeness_centrality(A, distance="distance" if weighted else None)
    assert np.allclose(got["betweenness"], [b[i] for i in range(net.n)], rtol=1e-9, atol=1e-12)
    assert np.allclose(got["closeness"], [c[i] for i in range(net.n)], rtol=1e-9, atol=1e-12)


def test_hub_graph_keeps_every_distance():
    """Actor-to-actor distances on the hub graph are those of the projection."""
    net = actor_network(_two_mode(7), two_mode=True)
    P = net.paths
    src = np.repeat(np.arange(P.N), np.diff(P.indptr))
    once = src < P.indices
    hub = ig.Graph(n=P.N, edges=np.column_stack([src[once], P.indices[once]]).tolist())
    d_hub = np.array(hub.distances(source=range(net.n), target=range(net.n), weights=list(P.length[once])))
    d_ref = np.array(net.igraph.distances(weights=net.igraph_distance()))
    assert np.allclose(d_hub, d_ref, rtol=1e-12)


def test_equal_paths_are_counted_as_ties():
    """A ring of 6 with equal ties: each actor lies on 1/2 of the two-step paths around it
    and on the shortest ones of length 2 (hand count: betweenness 2 of 10 pairs = 0.2)."""
    G = gk.new_graph()
    for i in range(6):
        gk.add_node(G, f"A{i}", "Actor", name=f"A{i}", kind="state")
    for i in range(6):
        gk.add_relationship(G, f"A{i}", "COOPERATES_WITH", f"A{(i + 1) % 6}", weight=0.1 + 0.2)
    from graphkit.analysis.kernel import brandes

    net = actor_network(G, weight="weight")
    P = paths.path_graph(net)
    dep, dsum, reached, *_ = brandes(P.indptr, P.indices, P.length, P.n, np.arange(6))
    # each vertex: pairs (i-1, i+1) once (2 ordered), (i-1, i+2) and (i-2, i+1) half each (2 x 2 x 1/2)
    assert np.allclose(dep, 4.0)
    assert np.allclose(dsum, (1 + 1 + 2 + 2 + 3) / 0.3)
    assert reached.tolist() == [5] * 6


def test_progress_counts_sources(monkeypatch):
    monkeypatch.setattr(paths, "KERNEL_MIN_WORK", 0)
    net = actor_network(_two_mode(2), two_mode=True)
    out = io.StringIO()
    with using(2, Progress(stream=out)):
        measures.compute(net, "betweenness")
    assert out.getvalue().strip().splitlines()[-1] == f"betweenness and closeness: {net.n}/{net.n} sources"


@pytest.mark.parametrize("spread", [3.0, 1e6])
def test_bucket_queue_and_heap_agree_with_igraph(spread):
    """Ties within a factor 3 of each other go through the bucket queue; a spread of 10^6
    (more buckets than vertices) through the heap. Both against igraph, from 40 sources."""
    from graphkit.analysis.kernel import brandes

    rng = np.random.default_rng(9)
    pairs = rng.integers(0, 300, (1600, 2))
    pairs = np.unique(np.sort(pairs[pairs[:, 0] != pairs[:, 1]], axis=1), axis=0)[:1200]
    g = ig.Graph(n=300, edges=pairs.tolist())
    e = np.array(g.get_edgelist())
    length = np.exp(rng.uniform(0, np.log(spread), len(e)))
    a, b = np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]]
    order = np.argsort(a, kind="stable")
    indptr = np.r_[0, np.cumsum(np.bincount(a, minlength=300))]
    sources = np.arange(0, 300, 7)
    dep, dsum, reached, *_ = brandes(indptr, b[order], np.r_[length, length][order], 300, sources)
    ref = np.asarray(g.betweenness(weights=list(length), sources=sources.tolist(), targets=range(300)))
    assert np.allclose(dep / 2, ref, rtol=1e-9, atol=1e-9)
    c = np.asarray(g.closeness(vertices=sources.tolist(), weights=list(length), normalized=False))
    alone = reached == 0  # igraph: NaN for a vertex that reaches nobody
    assert np.isnan(c[alone]).all()
    assert np.allclose(1 / dsum[~alone], c[~alone], rtol=1e-12)


def test_without_numba_igraph_computes_the_same(monkeypatch):
    """``use_kernel`` is false when numba cannot be found: the igraph path gives the values."""
    import importlib.util

    G = _two_mode(5)
    monkeypatch.setattr(paths, "KERNEL_MIN_WORK", 0)
    net = actor_network(G, two_mode=True)
    assert paths.use_kernel(net)
    with_kernel = measures.compute(net, "betweenness", engine="igraph")
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "numba" else real(name, *a)
    )
    net = actor_network(G, two_mode=True)
    assert not paths.use_kernel(net)
    assert np.allclose(
        measures.compute(net, "betweenness", engine="igraph"), with_kernel, rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize("dataset", [gk.SAMPLE, "data/cyber-multilateral"])
def test_every_source_of_real_datasets_equals_igraph(dataset, monkeypatch):
    """One call over every source: the bucket queue must start each source empty (entries
    a source leaves in later buckets once made the search of the next one loop for ever)."""
    G = gk.load(dataset)
    _, _, ref, got = _both(G, monkeypatch)
    for m in ref:
        assert np.allclose(got[m], ref[m], rtol=1e-9, atol=1e-12), m


@pytest.mark.parametrize("weighted", [False, True])
def test_a_new_shortest_path_measure_is_one_registry_entry_served_by_the_kernel(weighted, monkeypatch):
    """The newcomer's exercise: harmonic centrality and eccentricity declared in the measure
    registry with ``from_paths`` only come from the kernel's one pass, equal to networkx."""
    import dataclasses

    G = _two_mode(5, weights=(1.0, 2.0, 4.0))
    weight = "weight" if weighted else None
    monkeypatch.setattr(paths, "KERNEL_MIN_WORK", 0)
    net = actor_network(G, weight=weight, two_mode=False)
    n = net.n

    def harmonic(net, passed, pivots):
        return passed["target_inverse_sum"] / (net.n - 1)

    def eccentricity(net, passed, pivots):
        return passed["target_max"]

    never = lambda net, pivots: pytest.fail("the kernel should have served this measure")  # noqa: E731
    base = measures.MEASURES["closeness"]
    monkeypatch.setitem(
        measures.MEASURES,
        "harmonic",
        dataclasses.replace(base, name="harmonic", igraph=never, from_paths=harmonic),
    )
    monkeypatch.setitem(
        measures.MEASURES,
        "eccentricity",
        dataclasses.replace(base, name="eccentricity", igraph=never, from_paths=eccentricity),
    )
    A = net.networkx
    d = "distance" if weighted else None
    h = nx.harmonic_centrality(A, distance=d)
    got = measures.compute(net, "harmonic", engine="igraph")
    assert np.allclose(got, [h[i] / (n - 1) for i in range(n)], rtol=1e-9, atol=1e-12)
    lengths = dict(nx.all_pairs_dijkstra_path_length(A, weight=d or (lambda u, v, e: 1)))
    ecc = [max(lengths[i].values()) for i in range(n)]  # within each actor's component
    assert np.allclose(measures.compute(net, "eccentricity", engine="igraph"), ecc, rtol=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_component_sizes_equal_networkx_on_the_projection(seed, monkeypatch):
    # the compiled pass and igraph on the hub graph give, for every actor, the number of
    # actors of its component in the projection as networkx counts them (isolated actors: 1)
    G = _two_mode(seed, coop=40 + 20 * seed)
    net = actor_network(G, two_mode=True)
    H = nx.Graph()
    H.add_nodes_from(range(net.n))
    H.add_edges_from(zip(net.src.tolist(), net.dst.tolist(), strict=True))
    expected = np.zeros(net.n, dtype=np.int64)
    for comp in nx.connected_components(H):
        expected[list(comp)] = len(comp)
    assert (expected == 1).sum() >= 3 and len(set(expected.tolist())) > 1
    P = paths.path_graph(net)
    assert P.n < P.N  # hubs in use
    got = P.components()
    assert got.tolist() == expected.tolist()
    monkeypatch.setattr(sys.modules["graphkit.analysis.kernel"], "AVAILABLE", False)  # as without numba
    assert paths.path_graph(net).components().tolist() == expected.tolist()
