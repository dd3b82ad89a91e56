"""The report's brokers: by betweenness over the active network, never an actor with betweenness 0,
with the Gould–Fernandez role, and a bridge resting on one of its own agreements flagged."""

from __future__ import annotations

import graphkit as gk
from graphkit.analysis import analyze
from graphkit.export import report as R


def _org_and_chain():
    """Members m1..m4 of organisation O (kind international_org); cooperation m1 - x and x - y. In the
    two-mode network the members are tied to each other, so O lies on no shortest path (betweenness
    0) although it has the lowest constraint; m1 and x carry every path to y (tests/analysis/
    test_centrality.py works the Gould–Fernandez counts out by hand). Apart, a chain a - b - c
    gives b some betweenness, so an actor whose betweenness falls to 0 falls below b."""
    G = gk.new_graph("chain")
    gk.add_node(G, "O", "Actor", name="Org", kind="international_org")
    for a in ["m1", "m2", "m3", "m4", "x", "y"]:
        gk.add_node(G, a, "Actor", name=a.upper(), kind="state")
    for m in ["m1", "m2", "m3", "m4"]:
        gk.add_relationship(G, m, "MEMBER_OF", "O")
    gk.add_relationship(G, "m1", "COOPERATES_WITH", "x", since=2024, instrument="mou")
    gk.add_relationship(G, "x", "COOPERATES_WITH", "y", since=2024, instrument="mou")
    for a in ["a", "b", "c"]:
        gk.add_node(G, a, "Actor", name=a.upper(), kind="state")
    gk.add_relationship(G, "a", "COOPERATES_WITH", "b", since=2024, instrument="mou")
    gk.add_relationship(G, "b", "COOPERATES_WITH", "c", since=2024, instrument="mou")
    return G


def _broker_rows(md: str) -> list[list[str]]:
    lines = md.splitlines()
    start = lines.index("## Brokers")
    rows = []
    for line in lines[start:]:
        if line.startswith("## ") and line != "## Brokers":
            break
        if line.startswith("| ") and line[2:3].isdigit():
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def test_no_broker_with_zero_betweenness_and_one_tie_bridges_flagged():
    G = _org_and_chain()
    a = analyze(G, seed=0, perturb=3, as_of="2026-06-01")
    b = a.brokerage.set_index("id")
    assert float(b.loc["O", "betweenness"]) == 0.0 and not b.loc["O", "broker"]
    md = R.render_report_markdown(R.build_report(G, a, dataset="chain", generated="x"))
    rows = _broker_rows(md)
    listed = [r[1] for r in rows]
    # m1, x and b are the only actors on shortest paths between others; O (betweenness 0) is not listed
    assert sorted(listed) == ["B", "M1", "X"]
    # m1 and x each carry y's only way in: leaving out one of its own agreements drops it below b
    flags = {r[1]: r[-1] for r in rows}
    assert flags["M1"] == "rests on one agreement: M1–X 2024 (mou)"
    assert flags["X"] in ("rests on one agreement: M1–X 2024 (mou)", "rests on one agreement: X–Y 2024 (mou)")
