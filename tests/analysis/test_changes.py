"""What changed between two dates: the changes, the gaps they closed or opened, rank moves.

The graph of ``_world`` is small enough to work every expectation out by hand; the
comments say how.
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import networkx as nx
import pandas as pd
import pytest

import graphkit as gk
from graphkit.analysis.changes import gap_changes, rank_changes, relationship_changes, what_changed
from graphkit.errors import AnalysisError
from graphkit.graph import tie_date


def _world() -> nx.MultiDiGraph:
    """A small dated world (the dates of real accessions; the capabilities and threats invented).

    Actors: FIN, SWE, EST, USA, GBR, DEU, JPN (states); NATO (alliance); EU (organisation).
    Memberships: USA NATO 1949; EST NATO 2004; FIN NATO 2023-04-04; SWE NATO 2024-03-07;
    DEU EU 1958; GBR EU 1973 until 2020-01-31; EST EU 2004.
    Cooperation: USA-JPN (mou) since 2022-05-01.
    Capabilities: USA holds cap:ir (0.9); FIN holds cap:fx (0.8); DEU holds cap:law (0.7).
    Threats: threat:a targets FIN and needs cap:ir; threat:b targets EST and needs cap:fx;
    threat:c targets GBR and needs cap:law; threat:d targets JPN and needs cap:ir.
    """
    G = gk.new_graph("world")
    names = {"FIN": "Finland", "SWE": "Sweden", "EST": "Estonia", "USA": "United States",
             "GBR": "United Kingdom", "DEU": "Germany", "JPN": "Japan"}  # fmt: skip
    for a, name in names.items():
        gk.add_node(G, a, "Actor", name=name, kind="state")
    gk.add_node(G, "NATO", "Actor", name="North Atlantic Treaty Organization", kind="alliance")
    # an international_org pools nothing unless its mandate says so (graphkit.analysis.pooling)
    gk.add_node(G, "EU", "Actor", name="European Union", kind="international_org", pools="cap:law")
    for c in ("cap:ir", "cap:fx", "cap:law"):
        gk.add_node(G, c, "Capability", name=c)
    for t in ("threat:a", "threat:b", "threat:c", "threat:d"):
        gk.add_node(G, t, "Threat", name=t)
    rel = gk.add_relationship
    rel(G, "USA", "MEMBER_OF", "NATO", since=1949)
    rel(G, "EST", "MEMBER_OF", "NATO", since=2004)
    rel(G, "FIN", "MEMBER_OF", "NATO", since=2023, since_date=tie_date("2023-04-04"))
    rel(G, "SWE", "MEMBER_OF", "NATO", since=2024, since_date=tie_date("2024-03-07"))
    rel(G, "DEU", "MEMBER_OF", "EU", since=1958)
    rel(G, "GBR", "MEMBER_OF", "EU", since=1973, until=2020, until_date=tie_date("2020-01-31"))
    rel(G, "EST", "MEMBER_OF", "EU", since=2004)
    rel(G, "USA", "COOPERATES_WITH", "JPN", instrument="mou", since_date=tie_date("2022-05-01"))
    rel(G, "USA", "HAS_CAPABILITY", "cap:ir", level=0.9)
    rel(G, "FIN", "HAS_CAPABILITY", "cap:fx", level=0.8)
    rel(G, "DEU", "HAS_CAPABILITY", "cap:law", level=0.7)
    for t, a, c in (("threat:a", "FIN", "cap:ir"), ("threat:b", "EST", "cap:fx"),
                    ("threat:c", "GBR", "cap:law"), ("threat:d", "JPN", "cap:ir")):  # fmt: skip
        rel(G, t, "TARGETS", a)
        rel(G, t, "REQUIRES", c)
    return G


def test_relationship_changes_lists_every_start_and_end_in_the_window():
    rows = relationship_changes(_world(), "2019", "2025-01-01")
    # (2019-01-01, 2025-01-01]: GBR left the EU 2020-01-31; USA-JPN began 2022-05-01 (one row
    # per side); FIN joined NATO 2023-04-04; SWE 2024-03-07. Nothing else starts or ends.
    assert rows[["actor_id", "change", "date", "relationship", "other_id", "event"]].values.tolist() == [
        ["GBR", "left EU", "2020-01-31", "MEMBER_OF", "EU", "ended"],
        ["JPN", "began cooperation with USA (mou)", "2022-05-01", "COOPERATES_WITH", "USA", "began"],
        ["USA", "began cooperation with JPN (mou)", "2022-05-01", "COOPERATES_WITH", "JPN", "began"],
        ["FIN", "joined NATO", "2023-04-04", "MEMBER_OF", "NATO", "began"],
        ["SWE", "joined NATO", "2024-03-07", "MEMBER_OF", "NATO", "began"],
    ]
    assert rows["other_name"].tolist()[-1] == "North Atlantic Treaty Organization"


def test_the_window_excludes_its_first_day_and_includes_its_last():
    G = _world()
    # A tie that starts on the first day was already in force then: no change. One that
    # starts on the last day is in force on it: a change.
    assert relationship_changes(G, "2023-04-04", "2024-03-07")["change"].tolist() == ["joined NATO"]
    assert relationship_changes(G, "2023-04-04", "2024-03-07")["actor_id"].tolist() == ["SWE"]
    assert relationship_changes(G, "2023-04-03", "2023-04-04")["actor_id"].tolist() == ["FIN"]
    # the UK left on 2020-01-31: the change falls in (2020-01-30, 2020-01-31], not later
    assert relationship_changes(G, "2020-01-30", "2020-01-31")["change"].tolist() == ["left EU"]
    assert relationship_changes(G, "2020-01-31", "2020-02-01").empty


def test_a_tie_that_begins_and_ends_inside_the_window_gives_both_rows():
    G = _world()
    gk.add_relationship(G, "JPN", "MEMBER_OF", "EU", since=2005, until=2010)  # not true: a test case
    rows = relationship_changes(G, "2004", "2012")
    assert rows[["actor_id", "change", "date"]].values.tolist() == [
        ["JPN", "joined EU", "2005"],
        ["JPN", "left EU", "2010"],
    ]


def test_the_window_must_run_forward():
    with pytest.raises(AnalysisError, match="is not before"):
        relationship_changes(_world(), "2024", "2023")
    with pytest.raises(AnalysisError, match="not 'all'"):
        relationship_changes(_world(), "all", "2023")


def _by_actor(df: pd.DataFrame) -> dict[str, dict]:
    return {r["actor_id"]: r for r in df.to_dict("records")}


def test_gap_changes_name_the_accession_that_closed_a_gap_and_the_exit_that_opened_one():
    g = _by_actor(gap_changes(_world(), "2019", "2025-01-01"))
    # FIN needs cap:ir (threat:a); only USA holds it. Before 2023-04-04 FIN reaches nobody
    # (it is in no organisation, has no partner): coalition gap 1. After joining NATO it
    # pools USA's cap:ir: 0. Its own gap stays 1.
    fin = g["FIN"]
    assert [fin[k] for k in ("own_gap_then", "own_gap_now", "coalition_gap_then", "coalition_gap_now")] == [
        1,
        1,
        1,
        0,
    ]
    assert fin["closed_capabilities"] == ["cap:ir"] and fin["opened_capabilities"] == []
    assert fin["closed_by"] == ["FIN joined NATO: cap:ir"] and fin["opened_by"] == []
    # EST needs cap:fx (threat:b); only FIN holds it; EST is in NATO since 2004, so FIN's
    # accession closes EST's gap too: a holder joined an organisation EST belongs to.
    est = g["EST"]
    assert [est[k] for k in ("own_gap_then", "own_gap_now", "coalition_gap_then", "coalition_gap_now")] == [
        1,
        1,
        1,
        0,
    ]
    assert est["closed_by"] == ["FIN joined NATO: cap:fx"]
    # GBR needs cap:law (threat:c), held only by DEU, reached through the EU; leaving the EU
    # on 2020-01-31 opens it: coalition gap 0 then, 1 now.
    gbr = g["GBR"]
    assert [gbr[k] for k in ("own_gap_then", "own_gap_now", "coalition_gap_then", "coalition_gap_now")] == [
        1,
        1,
        0,
        1,
    ]
    assert gbr["opened_capabilities"] == ["cap:law"] and gbr["opened_by"] == ["GBR left EU: cap:law"]
    # JPN needs cap:ir (threat:d); the USA-JPN memorandum of 2022-05-01 gives it: 1 -> 0.
    assert g["JPN"]["closed_by"] == ["JPN began cooperation with USA (mou): cap:ir"]
    # Nobody else's gaps move (SWE and USA need nothing; DEU is not targeted).
    assert set(g) == {"FIN", "EST", "GBR", "JPN"}


def test_gap_changes_follow_the_pooling_relations():
    # pooling only through cooperation: joining NATO closes nothing; the memorandum still does
    g = _by_actor(gap_changes(_world(), "2019", "2025-01-01", partners=["COOPERATES_WITH"]))
    assert set(g) == {"JPN"}
    assert g["JPN"]["coalition_gap_then"] == 1 and g["JPN"]["coalition_gap_now"] == 0


def test_a_capability_gained_closes_the_own_gap_and_is_named():
    G = _world()
    gk.add_relationship(G, "GBR", "HAS_CAPABILITY", "cap:law", level=0.6, since=2021)
    g = _by_actor(gap_changes(G, "2020-06-01", "2022"))
    # then (after leaving the EU): GBR own 1, coalition 1; in 2022 it holds cap:law itself: 0, 0
    gbr = g["GBR"]
    assert [gbr[k] for k in ("own_gap_then", "own_gap_now", "coalition_gap_then", "coalition_gap_now")] == [
        1,
        0,
        1,
        0,
    ]
    assert gbr["closed_by"] == ["GBR gained cap:law: cap:law"]


def test_a_new_threat_opens_a_gap_named_by_its_targeting():
    G = _world()
    gk.add_node(G, "threat:e", "Threat", name="E")
    gk.add_relationship(G, "threat:e", "TARGETS", "SWE", since=2024)
    gk.add_relationship(G, "threat:e", "REQUIRES", "cap:law")
    g = _by_actor(gap_changes(G, "2023", "2025"))
    swe = g["SWE"]
    # SWE needed nothing in 2023; in 2025 threat:e needs cap:law, which nobody in NATO holds
    assert [swe[k] for k in ("own_gap_then", "own_gap_now", "coalition_gap_then", "coalition_gap_now")] == [
        0,
        1,
        0,
        1,
    ]
    assert swe["opened_by"] == ["SWE targeted by threat:e: cap:law"]


def test_rank_changes_by_hand():
    then = pd.DataFrame({"id": list("ABCD"), "name": list("ABCD"), "kind": ["state"] * 4,
                         "pagerank": [0.4, 0.3, 0.2, 0.1], "constraint": [0.9, 0.5, 0.1, 0.3]})  # fmt: skip
    now = then.assign(pagerank=[0.1, 0.3, 0.2, 0.4], constraint=[0.2, 0.5, 0.1, 0.3])
    r = rank_changes(then, now, top=2)
    # top 2 now: D (4th -> 1st), B (2nd -> 2nd); dropped out of the top 2: A (1st -> 4th)
    assert r[["actor_id", "rank_then", "rank_now", "moved"]].values.tolist() == [
        ["D", 4, 1, 3], ["B", 2, 2, 0], ["A", 1, 4, -3]]  # fmt: skip
    # constraint ranks low first (as the report does): then C, D, B, A; now C, A, D, B
    r = rank_changes(then, now, measure="constraint", top=2)
    assert r[["actor_id", "rank_then", "rank_now"]].values.tolist() == [["C", 1, 1], ["A", 4, 2], ["D", 2, 3]]


def test_what_changed_uses_the_same_parameters_for_both_dates():
    c = what_changed(_world(), "2019", "2025-01-01", threshold=0.85)
    # at threshold 0.85 only USA's cap:ir (0.9) counts: EST's cap:fx route (FIN, 0.8) is gone
    assert set(c.gap_changes["actor_id"]) == {"FIN", "JPN"}
    assert c.then.summary["as_of"] == "2019-01-01" and c.then.summary["parameters"]["threshold"] == 0.85
    assert (c.since, c.as_of) == ("2019-01-01", "2025-01-01")


# ---- the report ------------------------------------------------------------------------


def _write(G, root):
    root.mkdir()
    files = {
        "actors.csv": ["id", "name", "kind"],
        "capabilities.csv": ["id", "name"],
        "threats.csv": ["id", "name"],
    }
    rows = {"actors.csv": [], "capabilities.csv": [], "threats.csv": []}
    for n, d in G.nodes(data=True):
        f = {"Actor": "actors.csv", "Capability": "capabilities.csv", "Threat": "threats.csv"}[d["label"]]
        rows[f].append([n, d["name"]] + ([d["kind"]] if f == "actors.csv" else []))
    for f, header in files.items():
        with open(root / f, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([header, *rows[f]])
    cols = ["source", "type", "target", "since", "since_date", "until", "until_date", "instrument", "level"]
    with open(root / "relationships.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for u, v, d in G.edges(data=True):
            w.writerow([u, d["type"], v] + [("" if d.get(c) is None else str(d[c])) for c in cols[3:]])
    return root


def test_report_since_writes_the_changes_and_the_gap_that_shrank(tmp_path):
    from graphkit.cli import main

    data = _write(_world(), tmp_path / "world")
    out = tmp_path / "report"
    assert main(["report", str(data), "-o", str(out), "--since", "2023", "--as-of", "2024-06-01", "-q"]) == 0
    with open(out / "changes.csv", encoding="utf-8") as f:
        changes = list(csv.DictReader(f))
    # (2023-01-01, 2024-06-01]: the two NATO accessions, nothing else
    assert [(r["actor_id"], r["change"], r["date"], r["other_id"]) for r in changes] == [
        ("FIN", "joined NATO", "2023-04-04", "NATO"),
        ("SWE", "joined NATO", "2024-03-07", "NATO"),
    ]
    with open(out / "gap_changes.csv", encoding="utf-8") as f:
        gaps = {r["actor_id"]: r for r in csv.DictReader(f)}
    assert set(gaps) == {"FIN", "EST"}
    assert (gaps["FIN"]["coalition_gap_then"], gaps["FIN"]["coalition_gap_now"]) == ("1", "0")
    assert gaps["FIN"]["closed_by"] == "FIN joined NATO: cap:ir"
    assert gaps["EST"]["closed_by"] == "FIN joined NATO: cap:fx"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == "2024-06-01" and summary["report"]["since"] == "2023-01-01"
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## What changed since 2023-01-01" in md
    assert "Finland (2023-04-04), Sweden (2024-03-07) joined North Atlantic Treaty Organization." in md
    assert "the network as of 2024-06-01" in md
    assert "a year alone means 1 January" in md  # the methods appendix
    assert "What changed since 2023-01-01" in (out / "index.html").read_text(encoding="utf-8")


def test_report_shows_today_by_default_and_refuses_a_since_after_it(tmp_path, capsys):
    from graphkit.cli import main

    data = _write(_world(), tmp_path / "world")
    out = tmp_path / "report"
    assert main(["report", str(data), "-o", str(out), "-q"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == dt.date.today().isoformat()
    # the UK left the EU in 2020: today it no longer pools DEU's cap:law through the EU
    with open(out / "gap_summary.csv", encoding="utf-8") as f:
        gbr = next(r for r in csv.DictReader(f) if r["actor_id"] == "GBR")
    # GBR holds no capability on record: its own gap is unknown (empty), not 1, and so is its
    # coalition gap now that no partner covers cap:law (issue 25: no data is no data)
    assert (gbr["own_gap"], gbr["coalition_gap"]) == ("", "")
    with open(out / "gaps.csv", encoding="utf-8") as f:
        law = next(r for r in csv.DictReader(f) if (r["actor_id"], r["capability_id"]) == ("GBR", "cap:law"))
    assert (law["pooled"], law["status"]) == ("false", "no data")
    assert "changes.csv" not in {p.name for p in out.iterdir()}
    rc = main(["report", str(data), "-o", str(tmp_path / "r2"), "--since", "2024", "--as-of", "2023", "-q"])
    assert rc == 2 and "is not before the date shown" in capsys.readouterr().err
    assert not (tmp_path / "r2").exists()


def test_closed_by_names_only_ties_whose_mandate_pools_the_capability():
    """A joins a forum (pools none) and an alliance (pools all) in 2023; B, in both, holds
    cap:ir, which the threat against A needs. By hand: A's coalition gap 1 -> 0, closed by
    joining the alliance only; the forum and a dialogue that pools none give no route."""
    G = gk.new_graph("mandates")
    for a in ("A", "B", "C"):
        gk.add_node(G, a, "Actor", name=a, kind="state")
    gk.add_node(G, "ALLY", "Actor", name="Ally", kind="alliance")
    gk.add_node(G, "FORUM", "Actor", name="Forum", kind="international_org")
    gk.add_node(G, "cap:ir", "Capability", name="IR")
    gk.add_node(G, "threat:t", "Threat", name="T")
    gk.add_relationship(G, "B", "MEMBER_OF", "ALLY", since=2000)
    gk.add_relationship(G, "B", "MEMBER_OF", "FORUM", since=2000)
    gk.add_relationship(G, "A", "MEMBER_OF", "ALLY", since=2023)
    gk.add_relationship(G, "A", "MEMBER_OF", "FORUM", since=2023)
    gk.add_relationship(G, "A", "COOPERATES_WITH", "C", since=2023, pools="none", instrument="dialogue")
    gk.add_relationship(G, "B", "HAS_CAPABILITY", "cap:ir", level=0.9)
    gk.add_relationship(G, "C", "HAS_CAPABILITY", "cap:ir", level=0.9)
    gk.add_relationship(G, "A", "HAS_CAPABILITY", "cap:ir", level=0.1)
    gk.add_relationship(G, "threat:t", "TARGETS", "A")
    gk.add_relationship(G, "threat:t", "REQUIRES", "cap:ir")
    g = gap_changes(G, "2022", "2024").set_index("actor_id")
    assert (g.loc["A", "coalition_gap_then"], g.loc["A", "coalition_gap_now"]) == (1, 0)
    closed = (
        " ".join(g.loc["A", "closed_by"])
        if isinstance(g.loc["A", "closed_by"], list)
        else g.loc["A", "closed_by"]
    )
    assert "joined ALLY" in closed
    assert "FORUM" not in closed and "began cooperation with C" not in closed
