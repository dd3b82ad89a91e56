"""Cooperation clusters: Zachary's karate club (modularity, the two factions), reproducibility."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest
from analysis_graphs import canonical

import graphkit as gk
from graphkit.analysis import cluster_summary, clusters, modularity


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
def test_karate_louvain_modularity_and_two_factions(engine):
    H = nx.karate_club_graph()
    G = canonical(H)
    cl = clusters(G, engine=engine, seed=0)
    assert cl.attrs["modularity"] >= 0.40  # published Louvain optimum about 0.42
    # each cluster lies (almost) entirely in one of Zachary's two factions
    faction = {str(n): d["club"] for n, d in H.nodes(data=True)}
    majority = {c: Counter(faction[i] for i in g["id"]).most_common(1)[0][0] for c, g in cl.groupby("cluster")}
    agree = sum(majority[c] == faction[i] for i, c in zip(cl["id"], cl["cluster"], strict=False))
    assert agree >= 32  # of 34 members
    # modularity as networkx computes it for the same partition
    parts = [set(int(i) for i in g["id"]) for _, g in cl.groupby("cluster")]
    assert cl.attrs["modularity"] == pytest.approx(nx.community.modularity(H, parts, weight=None), abs=1e-12)
    assert modularity(G, cl) == pytest.approx(cl.attrs["modularity"], abs=1e-12)


@pytest.mark.parametrize("method", ["louvain", "leiden", "label_propagation"])
def test_methods_are_seeded_and_reproducible(method):
    G = canonical(nx.connected_caveman_graph(5, 6))
    a = clusters(G, method=method, seed=3)
    b = clusters(G, method=method, seed=3)
    assert a["cluster"].tolist() == b["cluster"].tolist()
    assert a["cluster"].nunique() == 5  # the five caves
    assert a.attrs["modularity"] > 0.6


def test_cluster_summary_two_triangles():
    H = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    G = canonical(H)
    G.nodes["2"]["region"] = "Europe"
    cl = clusters(G)
    s = cluster_summary(cl, gk.analysis.centrality(G), G=G)
    assert s[["size", "internal_edges", "density"]].values.tolist() == [[3, 3, 1.0], [3, 3, 1.0]]
    # the bridge ends (2 and 3) are the most central members and name the clusters
    assert sorted(s["name"]) == ["Actor 2 cluster", "Actor 3 cluster"]
    assert s["dominant_kind"].tolist() == ["state", "state"]
    assert cl.attrs["modularity"] == pytest.approx(nx.community.modularity(H, [{0, 1, 2}, {3, 4, 5}], weight=None))


def test_unknown_method_is_a_graphkit_error():
    with pytest.raises(gk.GraphkitError, match="unknown cluster method 'kmeans'"):
        clusters(gk.load(gk.SAMPLE), method="kmeans")
