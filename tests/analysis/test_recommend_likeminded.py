"""Recommendations never propose an excluded actor; the report excludes the opposite camp."""

from __future__ import annotations

import graphkit as gk
from graphkit.analysis import recommend_partners
from graphkit.analysis.likeminded import opposite_camp_states
from tests.analysis.test_pooling import mandates_graph


def test_an_excluded_partner_gives_way_to_the_next_best():
    G = mandates_graph()
    best = recommend_partners(G, "A", k=3)
    first = best["partner_id"].iloc[0]
    again = recommend_partners(G, "A", k=3, exclude={first})
    assert first not in set(again["partner_id"]) | {x for xs in again["alternatives"] for x in xs}
    assert len(again) >= 1  # someone else still closes the need


def test_the_opposite_camp_on_the_bundled_votes():
    G = gk.load("data/cyber-multilateral")
    russia_side = opposite_camp_states(G, "USA")
    us_side = opposite_camp_states(G, "RUS")
    # the states that voted against A/RES/73/27 (the United States among them) and Russia's
    # co-sponsors sit in camps named after different sponsors
    assert {"RUS", "CHN", "IRN", "PRK", "SYR", "CUB"} <= russia_side
    assert {"USA", "GBR"} <= us_side and "RUS" not in us_side
    assert {"NATO", "FIVE_EYES"} <= us_side and "SCO" not in us_side  # organisations by their members
    assert "NATO" not in russia_side
    assert opposite_camp_states(gk.load(gk.SAMPLE), "USA") == set()  # no positions recorded


def test_the_recommend_command_leaves_the_opposite_camp_out_unless_asked(capsys):
    import json

    from graphkit.cli import main

    G = gk.load("data/cyber-multilateral")
    # an actor of Russia's camp whose best partners, unrestricted, include the other camp
    # (the library call excludes no one; Belarus, Syria and North Korea qualify today)
    actor = next(
        a
        for a in ("RUS", "BLR", "SYR", "PRK", "IRN", "CHN")
        if set(recommend_partners(G, a, k=3)["partner_id"]) & opposite_camp_states(G, a)
    )
    assert main(["recommend", "data/cyber-multilateral", actor, "--k", "3", "--json", "-q"]) == 0
    default = {r["partner_id"] for r in json.loads(capsys.readouterr().out)}
    assert (
        main(
            ["recommend", "data/cyber-multilateral", actor, "--k", "3", "--json", "-q", "--include-opposite"]
        )
        == 0
    )
    asked = {r["partner_id"] for r in json.loads(capsys.readouterr().out)}
    opposite = opposite_camp_states(G, actor)
    assert not default & opposite
    assert asked & opposite
