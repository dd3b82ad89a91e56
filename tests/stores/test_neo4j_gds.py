"""The GDS path: detection against the real Bolt server (which has no GDS), and the table
building with a test double that computes what GDS would with networkx."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

import graphkit as gk
from graphkit.analysis.gds import analyze_with_gds, gds_analysis, gds_client, gds_version
from graphkit.errors import AnalysisError, StoreError
from graphkit.stores.neo4j import Neo4jStore

SAMPLE = gk.SAMPLE


@pytest.mark.bolt
def test_server_without_gds_gets_a_clear_message(bolt_uri):
    with Neo4jStore(bolt_uri) as store:
        with pytest.raises(StoreError, match=r"no Neo4j Graph Data Science.*without --engine gds"):
            gds_version(store)
        with pytest.raises(StoreError, match="Graph Data Science"):
            gds_client(store)
        with pytest.raises(StoreError, match="Graph Data Science"):
            gds_analysis(store)


class _Projected:
    def __init__(self, owner):
        self.owner = owner

    def drop(self):
        self.owner.dropped += 1


class _FakeGds:
    """Answers the client calls gds_analysis makes, from a networkx actor network.

    Node ids are arbitrary integers (as GDS's internal ids are); community ids too.
    """

    def __init__(self, G, communities):
        self.G = G
        self.A = gk.actor_graph(G)
        self.ids = {n: 1000 + 7 * i for i, n in enumerate(reversed(list(self.A)))}
        self.back = {v: k for k, v in self.ids.items()}
        self.communities = communities
        self.dropped = 0
        self.calls = []
        fake = self

        class _Graph:
            class cypher:  # noqa: N801
                @staticmethod
                def project(query, **params):
                    fake.calls.append(("project", params))
                    return _Projected(fake), {}

            @staticmethod
            def exists(name):
                return pd.Series({"exists": False})

        class _Algo:
            def __init__(self, fn):
                self.stream = fn

        self.graph = _Graph
        self.pageRank = _Algo(self._pagerank)
        self.betweenness = _Algo(self._betweenness)
        self.louvain = _Algo(self._louvain)
        self.leiden = _Algo(self._louvain)
        self.labelPropagation = _Algo(self._louvain)
        self.degree = _Algo(self._degree)

    def _frame(self, scores, column="score"):
        return pd.DataFrame({"nodeId": [self.ids[n] for n in scores], column: list(scores.values())})

    def _pagerank(self, G, **cfg):
        # GDS does not normalise: scores sum to about n. Scale by n to imitate that.
        pr = nx.algorithms.link_analysis.pagerank_alg._pagerank_python(
            self.A, alpha=cfg["dampingFactor"], weight=None
        )
        return self._frame({n: s * len(pr) for n, s in pr.items()})

    def _betweenness(self, G, **cfg):
        self.calls.append(("betweenness", cfg))
        return self._frame(nx.betweenness_centrality(self.A, normalized=False))

    def _louvain(self, G, **cfg):
        self.calls.append(("communities", cfg))
        if callable(self.communities):
            chosen = self.communities(cfg["randomSeed"])
            return self._frame({n: chosen[n] for n in self.A}, "communityId")
        return self._frame({n: self.communities[n] for n in self.A}, "communityId")

    def _degree(self, G, **cfg):
        return self._frame(dict(self.A.degree(weight="weight")))

    def run_cypher(self, query, params):
        rows = []
        for i in params["ids"]:
            n = self.back[i]
            d = self.A.nodes[n]
            rows.append([i, n, d["name"], d["kind"], d.get("region")])
        return pd.DataFrame(rows, columns=["nodeId", "id", "name", "kind", "region"])


def test_tables_from_a_gds_test_double_match_networkx():
    G = gk.load(SAMPLE)
    A = gk.actor_graph(G)
    # Two communities by hand: the RUS/CHN camp (+ nobody else) and everyone else.
    camp = {"RUS", "CHN"}
    communities = {n: (42 if n in camp else 7) for n in A}
    fake = _FakeGds(G, communities)
    out = gds_analysis(Neo4jStore.__new__(Neo4jStore), gds=fake)
    c = out["centrality"].set_index("id")
    assert list(out["centrality"].columns) == ["id", "name", "kind", "betweenness", "pagerank"]
    assert set(c.index) == set(A)
    ref_b = nx.betweenness_centrality(A)  # networkx's normalisation, independently
    import igraph as ig  # a second library for the PageRank reference

    nodes = list(A)
    g = ig.Graph(n=len(nodes), edges=[(nodes.index(u), nodes.index(v)) for u, v in A.edges()])
    ref_p = dict(zip(nodes, g.pagerank(damping=0.85), strict=True))
    for n in A:
        assert c.loc[n, "betweenness"] == pytest.approx(ref_b[n], abs=1e-12)
        assert c.loc[n, "pagerank"] == pytest.approx(ref_p[n], abs=1e-5)  # power-iteration tolerance
    assert c.loc["NATO", "betweenness"] == pytest.approx(0.1955, abs=5e-5)  # the analysis doctest's value
    cl = out["clusters"].set_index("id")
    assert list(out["clusters"].columns) == ["id", "name", "kind", "region", "cluster", "cluster_name"]
    assert set(cl.index[cl.cluster == 1]) == camp  # the smaller community is numbered 1
    assert (cl.loc[list(set(A) - camp), "cluster"] == 0).all()
    strongest_other = max(set(A) - camp, key=lambda n: A.degree(n, weight="weight"))
    assert set(cl.loc[list(set(A) - camp), "cluster_name"]) == {A.nodes[strongest_other]["name"]}
    assert fake.dropped == 1  # the projection is dropped afterwards
    assert fake.calls[0][1]["types"] == ["MEMBER_OF", "COOPERATES_WITH"]


def test_analyze_with_gds_gives_the_local_tables_with_server_measures():
    G = gk.load(SAMPLE)
    A = gk.actor_graph(G)
    camp = {"RUS", "CHN"}
    fake = _FakeGds(G, {n: (42 if n in camp else 7) for n in A})
    result = analyze_with_gds(G, Neo4jStore.__new__(Neo4jStore), gds=fake, seed=0)
    local = gk.analyze(G, seed=0)
    # same tables, same columns, as the local engine
    assert list(result.centrality.columns) == list(local.centrality.columns)
    assert list(result.clusters.columns) == list(local.clusters.columns)
    c = result.centrality.set_index("id")
    ref_b = nx.betweenness_centrality(A)
    for n in A:
        assert c.loc[n, "betweenness"] == pytest.approx(ref_b[n], abs=1e-12)
    # measures GDS does not compute come from the local engine unchanged
    pd.testing.assert_series_equal(result.centrality["constraint"], local.centrality["constraint"])
    assert result.gaps.equals(local.gaps)
    assert result.summary["engine"]["clusters"] == "gds (louvain)"
    assert result.summary["clusters"]["count"] == 2
    # modularity of the two-camp split, by hand: RUS-CHN is one of 18 ties and the
    # camp's degree sum is 2, so Q = 1/18 - (2/36)^2 + (17/18 - (34/36)^2)
    assert result.summary["clusters"]["modularity"] == pytest.approx(
        1 / 18 - (2 / 36) ** 2 + 17 / 18 - (34 / 36) ** 2
    )


def test_cli_engine_gds_needs_a_server(capsys):
    from graphkit.cli import main

    assert main(["analyze", str(SAMPLE), "-o", "unused", "--engine", "gds"]) == 2
    assert "--engine gds runs on a Neo4j server" in capsys.readouterr().err


def test_gds_gets_the_seed_and_method_and_refuses_what_it_cannot_honour():
    G = gk.load(SAMPLE)
    A = gk.actor_graph(G)
    fake = _FakeGds(G, {n: 1 for n in A})
    gds_analysis(Neo4jStore.__new__(Neo4jStore), gds=fake, method="leiden", resolution=0.5, seed=3)
    runs = [cfg for what, cfg in fake.calls if what == "communities"]
    assert runs == [{"gamma": 0.5, "randomSeed": 3}]  # one Leiden run, seeded, at the resolution
    with pytest.raises(AnalysisError, match="resolution 1 only"):
        gds_analysis(Neo4jStore.__new__(Neo4jStore), gds=fake, method="louvain", resolution=0.5)
    with pytest.raises(AnalysisError, match="unknown cluster method"):
        gds_analysis(Neo4jStore.__new__(Neo4jStore), gds=fake, method="walktrap")
    with pytest.raises(AnalysisError, match="needs the actor network"):
        gds_analysis(Neo4jStore.__new__(Neo4jStore), gds=fake, restarts=3)


def test_gds_restarts_keep_the_run_of_best_modularity():
    """Three seeded runs: two poor splits and the two-camp split; the camp split has the best
    modularity by hand (see the test above), so it must be kept whichever run gives it."""
    G = gk.load(SAMPLE)
    A = gk.actor_graph(G)
    camp = {"RUS", "CHN"}
    good = {n: (42 if n in camp else 7) for n in A}
    alone = {n: i for i, n in enumerate(A)}  # every actor its own community: modularity < 0
    seeds = []

    def by_seed(seed):
        seeds.append(seed)
        return good if len(seeds) == 2 else alone

    fake = _FakeGds(G, by_seed)
    result = analyze_with_gds(G, Neo4jStore.__new__(Neo4jStore), gds=fake, seed=5, restarts=3)
    assert len(seeds) == 3 and seeds[0] == 5 and len(set(seeds)) == 3
    assert result.summary["clusters"]["count"] == 2
    cl = result.clusters.set_index("id")
    assert set(cl.index[cl.cluster == 1]) == camp
