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
    majority = {
        c: Counter(faction[i] for i in g["id"]).most_common(1)[0][0] for c, g in cl.groupby("cluster")
    }
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
    # the bridge ends (2 and 3) are the most central members and name the clusters: with a
    # region, "<region> — <state>"; a cluster whose states have no region, by the state alone
    assert sorted(s["name"]) == ["Actor 3 cluster", "Europe — Actor 2"]
    assert s["dominant_kind"].tolist() == ["state", "state"]
    assert cl.attrs["modularity"] == pytest.approx(
        nx.community.modularity(H, [{0, 1, 2}, {3, 4, 5}], weight=None)
    )


def test_unknown_method_is_a_graphkit_error():
    with pytest.raises(gk.GraphkitError, match="unknown cluster method 'kmeans'"):
        clusters(gk.load(gk.SAMPLE), method="kmeans")


def _blocs():
    """Four parts: a European clique DEU, FRA, POL, TUR (TUR, of region Asia, the most central:
    it also cooperates with Microsoft); the CSTO with members RUS, BLR (Europe), KAZ, KGZ (Asia);
    a pair NGA - GHA (Africa); Nauru alone."""
    G = gk.new_graph()
    states = [("DEU", "Germany", "Europe"), ("FRA", "France", "Europe"), ("POL", "Poland", "Europe"),
              ("TUR", "Türkiye", "Asia"), ("RUS", "Russia", "Europe"), ("BLR", "Belarus", "Europe"),
              ("KAZ", "Kazakhstan", "Asia"), ("KGZ", "Kyrgyzstan", "Asia"), ("NGA", "Nigeria", "Africa"),
              ("GHA", "Ghana", "Africa"), ("NRU", "Nauru", "Oceania")]  # fmt: skip
    for i, name, region in states:
        gk.add_node(G, i, "Actor", name=name, kind="state", region=region)
    gk.add_node(G, "MSFT", "Actor", name="Microsoft", kind="company")
    gk.add_node(G, "CSTO", "Actor", name="CSTO", kind="alliance")
    for pair in ["DEU-FRA", "DEU-POL", "DEU-TUR", "FRA-POL", "FRA-TUR", "POL-TUR", "TUR-MSFT", "NGA-GHA"]:
        u, v = pair.split("-")
        gk.add_relationship(G, u, "COOPERATES_WITH", v)
    for m in ["RUS", "BLR", "KAZ", "KGZ"]:
        gk.add_relationship(G, m, "MEMBER_OF", "CSTO")
    return G


def test_clusters_named_by_main_region_or_organisation_hand_worked():
    """By hand: the European clique's main region is Europe (3 of its 4 states); Türkiye is its
    most central state but lies outside it, so the cluster is named after the most central
    European state (DEU, FRA, POL tie; graph order: Germany). The CSTO's states split 2 - 2
    between Europe and Asia (under 75% in one region), and all four are CSTO members: "CSTO —
    Russia" (the four tie; graph order). The pair and the single actor are no blocs."""
    cl = clusters(_blocs(), seed=0).set_index("id")
    want = {
        "DEU": ("Europe — Germany", True),
        "FRA": ("Europe — Germany", True),
        "POL": ("Europe — Germany", True),
        "TUR": ("Europe — Germany", True),
        "MSFT": ("Europe — Germany", True),
        "RUS": ("CSTO — Russia", True),
        "BLR": ("CSTO — Russia", True),
        "KAZ": ("CSTO — Russia", True),
        "KGZ": ("CSTO — Russia", True),
        "CSTO": ("CSTO — Russia", True),
        "NGA": ("Africa — Nigeria", False),
        "GHA": ("Africa — Nigeria", False),
        "NRU": ("Nauru", False),
    }
    got = {a: (cl.loc[a, "cluster_name"], bool(cl.loc[a, "bloc"])) for a in want}
    assert got == want


def test_headline_counts_blocs_and_actors_apart():
    """2 blocs (5 and 5 actors); 3 actors stand alone: the pair and Nauru."""
    from graphkit.analysis import analyze

    a = analyze(_blocs(), seed=0)
    c = a.summary["clusters"]
    assert (c["count"], c["all"], c["alone"], c["singletons"], c["pairs"]) == (2, 4, 3, 1, 1)
    s = a.cluster_summary.set_index("name")
    assert s.loc[["Europe — Germany", "CSTO — Russia"], "bloc"].tolist() == [True, True]
    assert s.loc["Europe — Germany", "dominant_region"] == "Europe"
    assert s.loc["Europe — Germany", "dominant_region_share"] == 0.75  # of its states
