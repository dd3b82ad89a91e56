"""Stability runs: perturbed estimates, thresholds and seeds; rank bands and co-cluster shares."""

from __future__ import annotations

import copy

import networkx as nx
import pandas as pd
import pytest

import graphkit as gk
from graphkit.analysis import analyze
from graphkit.analysis.stability import COCLUSTER_COLUMNS, STABILITY_COLUMNS, _Estimates, stability


def _world(level_source: str = "GCI", levels=(0.9, 0.2, 0.9, 0.2)):
    """Two camps of states (A1-A3 cooperate, B1-B3 cooperate, one bridge A3-B1); a threat
    targets everyone and requires one capability held at ``levels`` by A1, A2, B1, B2."""
    G = gk.new_graph()
    states = ["A1", "A2", "A3", "B1", "B2", "B3"]
    for s in states:
        gk.add_node(G, s, "Actor", name=f"State {s}", kind="state")
    for a, b in [("A1", "A2"), ("A2", "A3"), ("A1", "A3"), ("B1", "B2"), ("B2", "B3"), ("B1", "B3"), ("A3", "B1")]:
        gk.add_relationship(G, a, "COOPERATES_WITH", b)
    gk.add_node(G, "cap:ir", "Capability", name="Incident response")
    gk.add_node(G, "cap:ti", "Capability", name="Threat intelligence")
    gk.add_node(G, "t1", "Threat", name="Threat one")
    gk.add_node(G, "t2", "Threat", name="Threat two")
    for t in ("t1", "t2"):
        gk.add_relationship(G, t, "REQUIRES", "cap:ir")
    gk.add_relationship(G, "t2", "REQUIRES", "cap:ti")
    for s in states:
        gk.add_relationship(G, "t1", "TARGETS", s)
    for s in ("A1", "B3"):
        gk.add_relationship(G, "t2", "TARGETS", s)
    for s, lv in zip(["A1", "A2", "B1", "B2"], levels, strict=True):
        gk.add_relationship(G, s, "HAS_CAPABILITY", "cap:ir", level=lv, source=level_source)
    return G


def _edges(G):
    return sorted((u, v, k, tuple(sorted(d.items()))) for u, v, k, d in G.edges(keys=True, data=True))


def test_no_estimates_fixed_threshold_and_seed_give_identical_runs():
    G = _world()
    s = stability(G, runs=6, threshold_band=0, vary_seeds=False)
    r = s.ranks
    assert list(r.columns) == list(STABILITY_COLUMNS)
    assert (r["rank_p05"] == r["rank"]).all() and (r["rank_p95"] == r["rank"]).all()
    assert (r["rank_min"] == r["rank_max"]).all() and (r["varies_with"] == "").all()
    assert (r["runs"] == 7).all()  # run 0 (the reported analysis) + 6
    assert list(s.cocluster.columns) == list(COCLUSTER_COLUMNS)
    assert set(s.cocluster["share"]) == {1.0}


def test_no_estimates_centrality_ranks_never_move_even_with_threshold_and_seeds_varied():
    s = stability(_world(), runs=8, seed=4)
    cent = s.ranks[s.ranks["kind"] != "all"]
    assert len(cent) and (cent["rank_p05"] == cent["rank_p95"]).all()
    assert (cent["rank"] == cent["rank_p05"]).all()


def test_ranks_are_the_reported_ones_and_inside_their_band():
    G = _world(level_source="estimate: analyst judgement", levels=(0.55, 0.45, 0.52, 0.48))
    a = analyze(G, perturb=15, seed=2)
    r = a.stability
    assert ((r["rank_p05"] <= r["rank"]) & (r["rank"] <= r["rank_p95"])).all()
    assert ((r["rank_min"] <= r["rank_p05"]) & (r["rank_p95"] <= r["rank_max"])).all()
    # the reported ranks are those of the analysis' own tables
    c = a.centrality.set_index("id")
    pr = r[r["measure"] == "pagerank"].set_index("actor_id")["rank"]
    assert pr.to_dict() == c.loc[pr.index, "pagerank_kind_rank"].astype(int).to_dict()
    own = r[r["measure"] == "own_gap"].set_index("actor_id")["rank"]
    want = a.gap_summary.set_index("actor_id")["own_gap"].rank(method="min", ascending=False).dropna().astype(int)
    assert own.to_dict() == want.to_dict()
    # levels near the 0.5 threshold: the own-gap ranks of their holders move
    moved = r[(r["measure"] == "own_gap") & (r["rank_min"] != r["rank_max"])]
    assert set(moved["actor_id"]) & {"A1", "A2", "B1", "B2"}
    assert set(moved["varies_with"]) <= {"the capability threshold", "estimated capability levels"}
    assert a.summary["stability"]["estimated"]["levels"] == 4


def test_seeded_and_reproducible_and_the_graph_is_left_as_it_was():
    G = _world(level_source="estimate: judgement", levels=(0.55, 0.45, 0.52, 0.48))
    before = _edges(G)
    a = stability(G, runs=5, seed=7)
    b = stability(G, runs=5, seed=7)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)
    pd.testing.assert_frame_equal(a.cocluster, b.cocluster)
    assert _edges(G) == before


def test_jitter_stays_in_its_band_and_only_touches_estimates():
    import random

    G = _world(level_source="estimate: judgement", levels=(0.95, 0.05, 0.5, 0.3))
    gk.add_relationship(G, "A3", "HAS_CAPABILITY", "cap:ti", level=0.6, source="ITU Global Cybersecurity Index 2024")
    original = copy.deepcopy([(u, v, dict(d)) for u, v, d in G.edges(data=True)])
    est = _Estimates(G, ["COOPERATES_WITH"], None)
    assert est.levels == 4 and not est.moves_network
    rng = random.Random(0)
    for _ in range(30):
        with est.perturbed(rng, 0.1) as H:
            for (_, _, d0), (_, _, d) in zip(original, H.edges(data=True), strict=True):
                if d.get("type") != "HAS_CAPABILITY":
                    continue
                if d["source"].startswith("estimate"):
                    assert max(0.0, d0["level"] - 0.1) <= d["level"] <= min(1.0, d0["level"] + 0.1)
                else:
                    assert d["level"] == d0["level"]  # published: never jittered
    assert [dict(d) for _, _, d in G.edges(data=True)] == [d for _, _, d in original]


def test_estimated_weights_move_the_weighted_network():
    G = _world()
    for _, _, d in G.edges(data=True):
        if d["type"] == "COOPERATES_WITH":
            d.update(weight=1.0, source="estimate: strength guessed")
    s = stability(G, runs=10, weight="weight", seed=1)
    assert s.info["estimated"]["weights"] == 7
    cent = s.ranks[s.ranks.kind == "state"]
    assert (cent["rank_min"] != cent["rank_max"]).any()
    assert set(cent.loc[cent["rank_min"] != cent["rank_max"], "varies_with"]) == {"estimated tie weights"}


def test_cocluster_two_separate_camps():
    """Two disconnected triangles: every run puts each triangle in one cluster, so the
    pairs inside a triangle share a cluster in every run and no pair across ever does."""
    G = gk.new_graph()
    for s in "abcdef":
        gk.add_node(G, s, "Actor", name=s, kind="state")
    for a, b in ["ab", "bc", "ac", "de", "ef", "df"]:
        gk.add_relationship(G, a, "COOPERATES_WITH", b)
    co = stability(G, runs=5, seed=3).cocluster
    pairs = {(r.actor_a, r.actor_b): r.share for r in co.itertuples()}
    assert pairs == {p: 1.0 for p in [("a", "b"), ("a", "c"), ("b", "c"), ("d", "e"), ("d", "f"), ("e", "f")]}


def test_nx_karate_cocluster_shares_are_fractions_of_runs():
    H = nx.karate_club_graph()
    G = gk.new_graph()
    for n in H:
        gk.add_node(G, str(n), "Actor", name=str(n), kind="state")
    for u, v in H.edges:
        gk.add_relationship(G, str(u), "COOPERATES_WITH", str(v))
    co = stability(G, runs=9, seed=0, restarts=1).cocluster
    assert ((co["share"] > 0) & (co["share"] <= 1)).all()
    assert set((co["share"] * 10).round(9)) <= set(range(1, 11))  # k of 10 runs


@pytest.mark.parametrize("runs", [-1, 1.5, True])
def test_bad_run_counts_are_analysis_errors(runs):
    with pytest.raises(gk.AnalysisError, match="runs"):
        stability(_world(), runs=runs)


def test_analyze_without_perturb_writes_no_stability_files(tmp_path):
    from graphkit.analysis import ANALYSIS_FILES, STABILITY_FILES

    a = analyze(_world())
    assert a.stability is None and a.summary["stability"]["runs"] == 0
    paths = gk.write_analysis(analyze(_world(), perturb=3), tmp_path / "o")
    assert {p.name for p in paths} == set(ANALYSIS_FILES) | set(STABILITY_FILES)
    table = pd.read_csv(tmp_path / "o" / "stability.csv")
    assert list(table.columns) == list(STABILITY_COLUMNS)
    assert ((table.rank_p05 <= table["rank"]) & (table["rank"] <= table.rank_p95)).all()


def test_cli_perturb(tmp_path, capsys):
    from graphkit.cli import main

    out = tmp_path / "a"
    assert main(["analyze", str(gk.SAMPLE), "-o", str(out), "--perturb", "4", "-q"]) == 0
    assert (out / "stability.csv").exists() and (out / "cocluster.csv").exists()
    assert capsys.readouterr().err == ""  # quiet: no progress bar
    assert main(["analyze", str(gk.SAMPLE), "-o", str(tmp_path / "b"), "-q"]) == 0
    assert not (tmp_path / "b" / "stability.csv").exists()
    with pytest.raises(SystemExit):
        main(["analyze", str(gk.SAMPLE), "-o", str(tmp_path / "c"), "--perturb", "-2"])
