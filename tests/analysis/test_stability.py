"""Stability runs: perturbed estimates, thresholds, seeds, ties, sources, horizons and weights; bands and verdicts."""

from __future__ import annotations

import copy

import networkx as nx
import pandas as pd
import pytest

import graphkit as gk
from graphkit.analysis import analyze
from graphkit.analysis.perturbations import Estimates
from graphkit.analysis.stability import COCLUSTER_COLUMNS, STABILITY_COLUMNS, stability


def _world(level_source: str = "GCI", levels=(0.9, 0.2, 0.9, 0.2)):
    """Two camps of states (A1-A3 cooperate, B1-B3 cooperate, one bridge A3-B1); a threat
    targets everyone and requires one capability held at ``levels`` by A1, A2, B1, B2."""
    G = gk.new_graph()
    states = ["A1", "A2", "A3", "B1", "B2", "B3"]
    for s in states:
        gk.add_node(G, s, "Actor", name=f"State {s}", kind="state")
    for a, b in [
        ("A1", "A2"),
        ("A2", "A3"),
        ("A1", "A3"),
        ("B1", "B2"),
        ("B2", "B3"),
        ("B1", "B3"),
        ("A3", "B1"),
    ]:
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
    s = stability(G, runs=6, threshold_band=0, vary_seeds=False, vary=["estimates"])
    r = s.ranks
    assert list(r.columns) == list(STABILITY_COLUMNS)
    assert (r["rank_p05"] == r["rank"]).all() and (r["rank_p95"] == r["rank"]).all()
    assert (r["rank_min"] == r["rank_max"]).all() and (r["varies_with"] == "").all()
    assert (r["runs"] == 7).all()  # run 0 (the reported analysis) + 6
    assert list(s.cocluster.columns) == list(COCLUSTER_COLUMNS)
    assert set(s.cocluster["share"]) == {1.0}


def test_no_estimates_centrality_ranks_never_move_even_with_threshold_and_seeds_varied():
    s = stability(_world(), runs=8, seed=4, vary=["estimates"])
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
    want = (
        a.gap_summary.set_index("actor_id")["own_gap"]
        .rank(method="min", ascending=False)
        .dropna()
        .astype(int)
    )
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
    gk.add_relationship(
        G, "A3", "HAS_CAPABILITY", "cap:ti", level=0.6, source="ITU Global Cybersecurity Index 2024"
    )
    original = copy.deepcopy([(u, v, dict(d)) for u, v, d in G.edges(data=True)])
    est = Estimates(G, ["COOPERATES_WITH"], None)
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
    s = stability(G, runs=10, weight="weight", seed=1, vary=["estimates"])
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
    co = stability(G, runs=5, seed=3, vary=["estimates"]).cocluster
    pairs = {(r.actor_a, r.actor_b): r.share for r in co.itertuples()}
    assert pairs == {p: 1.0 for p in [("a", "b"), ("a", "c"), ("b", "c"), ("d", "e"), ("d", "f"), ("e", "f")]}


def test_nx_karate_cocluster_shares_are_fractions_of_runs():
    H = nx.karate_club_graph()
    G = gk.new_graph()
    for n in H:
        gk.add_node(G, str(n), "Actor", name=str(n), kind="state")
    for u, v in H.edges:
        gk.add_relationship(G, str(u), "COOPERATES_WITH", str(v))
    co = stability(G, runs=9, seed=0, restarts=1, vary=["estimates"]).cocluster
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
    # a usage error: one message and exit 2 (main returns the code instead of raising)
    assert main(["analyze", str(gk.SAMPLE), "-o", str(tmp_path / "c"), "--perturb", "-2"]) == 2
    assert "--perturb: must be 0 or more" in capsys.readouterr().err


# ---- ties that move the network (issue 25, item 3) ------------------------------------------

DAY = "2026-06-01"


def _six(pq_since: int = 2024):
    """A triangle x, y, z; a leaf u on y; a chain x - p - q. Every tie an MoU of 2024 (p - q of
    ``pq_since``). Betweenness (pairs through each actor, by hand): x 6, y 4, p 4, z = u = q = 0,
    so the state ranks are x 1, y 2, p 2, z 4, u 4, q 4; p's rank rests on p - q alone."""
    G = gk.new_graph()
    for n in "xyzupq":
        gk.add_node(G, n, "Actor", name=n.upper(), kind="state")
    for a, b in ["xy", "yz", "xz", "yu", "xp", "pq"]:
        since = pq_since if a + b == "pq" else 2024
        gk.add_relationship(G, a, "COOPERATES_WITH", b, since=since, instrument="mou", source=f"note {a}{b}")
    return G


def _betweenness_rows(s):
    r = s.ranks[s.ranks["measure"] == "betweenness"].set_index("actor_id")
    return r.loc[list("xyzupq")]


def test_one_tie_left_out_at_a_time_hand_computed():
    """Each of the six ties left out in turn (betweenness by hand, unnormalised; equal values share
    the best rank). Ranks of x, y, z, u, p, q:
    reported 1 2 4 4 2 4 | without x-y (a path u-y-z-x-p-q: z 6, x 6, y 4, p 4) 1 3 1 5 3 5 |
    without y-z (a tree round x: x 8, y 4, p 4) 1 2 4 4 2 4 | without x-z (y 7, x 6, p 4) 2 1 4 4 3 4 |
    without y-u (x 4, p 3) 1 3 3 3 2 3 | without x-p (y 2) 2 1 2 2 2 2 | without p-q (x 3, y 3) 1 1 3 3 3 3.
    A rank is narrow only with width <= floor(0.2 x rank) (0 up to rank 4), so all six are fragile;
    each rests on the actor's own tie whose absence drops it most (the first in graph order on a
    draw: x-y, x-z, x-p, y-z, y-u, p-q), else on any tie that drops it; z only rises without a
    tie, so it rests on none."""
    s = stability(_six(), runs=0, vary=["ties"], as_of=DAY)
    assert s.info["families"] == {"ties": 6}
    r = _betweenness_rows(s)
    want = {
        # actor: rank, min, max, width, rests on
        "x": (1, 1, 2, 1, "X–Z 2024 (mou)"),
        "y": (2, 1, 3, 2, "X–Y 2024 (mou)"),
        "z": (4, 1, 4, 3, ""),
        "u": (4, 2, 5, 3, "X–Y 2024 (mou)"),
        "p": (2, 2, 3, 1, "P–Q 2024 (mou)"),
        "q": (4, 2, 5, 3, "X–Y 2024 (mou)"),
    }
    got = {
        a: (
            int(row["rank"]),
            int(row["rank_min"]),
            int(row["rank_max"]),
            int(row["width_ties"]),
            row["rests_on"],
        )
        for a, row in r.iterrows()
    }
    assert got == {a: (*w[:4], f"one agreement: {w[4]}" if w[4] else "") for a, w in want.items()}
    assert not r["stable"].any() and set(r["driver"]) == {"ties"}
    assert r.loc["p", "varies_with"] == "leaving out one agreement: P–Q 2024 (mou)"
    assert (r["rank_p05"] == r["rank_min"]).all() and (r["rank_p95"] == r["rank_max"]).all()  # 7 runs
    assert r["width_bootstrap"].isna().all()  # a family not run has no width


def test_dormancy_horizon_moves_ranks_hand_computed():
    """p - q began in 2018: dormant on 2026-06-01 at the default 5 years (and at 3), active at 10
    (and at 0, every tie counts, which is not tried). Reported (without p - q): x 1, y 1, p 3, z = u = q = 3; with it
    (horizon 10) the ranks of the first test: x 1, y 2, p 2, z = u = q = 4; at 3 years it stays out."""
    s = stability(_six(pq_since=2018), runs=0, vary=["dormancy"], as_of=DAY)
    r = _betweenness_rows(s)
    got = {
        a: (int(row["rank"]), int(row["rank_min"]), int(row["rank_max"]), bool(row["stable"]))
        for a, row in r.iterrows()
    }
    assert got == {
        "x": (1, 1, 1, True),
        "y": (1, 1, 2, False),
        "z": (3, 3, 4, False),
        "u": (3, 3, 4, False),
        "p": (3, 2, 3, False),
        "q": (3, 3, 4, False),
    }
    assert s.info["dormancy_horizons"] == ["3", "10"]
    assert (
        r.loc["y", "varies_with"] == "the dormancy horizon (10 years)" and r.loc["y", "driver"] == "dormancy"
    )
    assert r.loc["x", "driver"] == "" and r.loc["x", "varies_with"] == ""


def test_every_family_seeded_reproducible_and_graph_unchanged():
    G = _six()
    before = _edges(G)
    a = stability(G, runs=6, seed=3, as_of=DAY)
    b = stability(G, runs=6, seed=3, as_of=DAY)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)
    assert _edges(G) == before
    fam = a.info["families"]
    # 6 jittered runs, 6 resamples, one run per source family (6 notes), the six ties, horizons 3 and 10,
    # the flat instrument table and three random ones
    assert fam == {"estimates": 6, "bootstrap": 6, "sources": 6, "ties": 6, "dormancy": 2, "instruments": 4}
    assert (a.ranks["runs"] == 1 + sum(fam.values())).all()
    p = a.ranks[(a.ranks.measure == "betweenness") & (a.ranks.actor_id == "p")].iloc[0]
    assert not p["stable"] and p["rests_on"] == "one agreement: P–Q 2024 (mou)"


@pytest.mark.parametrize(
    "source, family",
    [
        ("MISP galaxy threat-actor.json (version 336, CC0)", "MISP galaxy"),
        ("cfr-suspected-victims via MISP galaxy threat-actor.json", "MISP galaxy"),
        (
            "ITU Global Cybersecurity Index 2024 (5th edition), via World Bank Data360",
            "Global Cybersecurity Index (International Telecommunication Union)",
        ),
        ("estimate: analyst judgement from the actor's public mandate", "estimates (analyst judgement)"),
        (
            "graphkit requirement_rules.csv (estimate); MITRE ATT&CK via MISP galaxy",
            "graphkit requirement rules",
        ),
        ("MITRE ATT&CK via MISP galaxy (uses + mitigates)", "MITRE ATT&CK"),
        ("https://www.nato.int/cps/en/natohq/topics_52044.htm", "nato.int"),
        ("OSCE participating States (https://www.osce.org/participating-states): 57", "osce.org"),
        ("UNGA res. 73/27 (2018) and 75/240 (2020): OEWG open to all", "UNGA res. 73/27"),
        (
            "Joint Statement of the Ministers and Representatives from the Counter Ransomware Initiative",
            "Joint Statement of the Ministers and Representatives from …",
        ),
        ("", ""),
        (None, ""),
    ],
)
def test_source_family(source, family):
    from graphkit.analysis.stability import source_family

    assert source_family(source) == family


def test_sources_left_out_by_family_largest_first():
    """Two ties from gov.uk pages form one family; the other four ties each have their own note.
    Families, largest first: gov.uk (x-y, x-z), then note pq, note xp, note yu, note yz. Ranks of
    x, y, z, u, p, q by hand (betweenness):
    reported 1 2 4 4 2 4 | without gov.uk (two parts, y-z-u round y and x-p-q: y 1, p 1) 3 1 3 3 1 3 |
    without p-q 1 1 3 3 3 3 | without x-p 2 1 2 2 2 2 | without y-u 1 3 3 3 2 3 | without y-z 1 2 4 4 2 4.
    A fragile rank rests on the source whose absence drops it most (the first, largest family on a
    draw); z, u and q only rise without a source."""
    G = _six()
    for u, v, d in G.edges(data=True):
        if {u, v} in ({"x", "y"}, {"x", "z"}):
            d["source"] = f"UK statement (https://www.gov.uk/news/{u}{v})"
    s = stability(G, runs=0, vary=["sources"], as_of=DAY)
    assert s.info["sources_left_out"] == ["gov.uk", "note pq", "note xp", "note yu", "note yz"]
    r = _betweenness_rows(s)
    got = {a: (int(row["rank_min"]), int(row["rank_max"]), row["rests_on"]) for a, row in r.iterrows()}
    assert got == {
        "x": (1, 3, "one source: gov.uk"),
        "y": (1, 3, "one source: note yu"),
        "z": (2, 4, ""),
        "u": (2, 4, ""),
        "p": (1, 3, "one source: note pq"),
        "q": (2, 4, ""),
    }
    assert set(r["driver"]) == {"sources"} and r.loc["x", "varies_with"] == "leaving out one source: gov.uk"
