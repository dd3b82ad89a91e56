"""What-if scenarios on hand-computed synthetic graphs (every expected effect worked out by hand),
the parsers and the errors; the bundled data against an independent path (the same change made
to a copy of the CSV files, analysed by `graphkit analyze`)."""

from __future__ import annotations

import csv
import datetime as _dt
import shutil
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import graphkit as gk
from graphkit.analysis.scenario_files import load_scenarios
from graphkit.analysis.scenarios import (
    End,
    Join,
    Leave,
    Pause,
    Scenario,
    SetLevel,
    Sign,
    apply_changes,
    parse_change,
)
from graphkit.analysis.whatif import whatif
from graphkit.errors import AnalysisError

DATA = Path(__file__).resolve().parents[2] / "data" / "cyber-multilateral"
GAP_EFFECTS = {"coalition_gap_closed", "coalition_gap_opened", "rerouted", "own_gap_closed", "own_gap_opened"}


def _graph(actors, edges, caps=("cap:x", "cap:y", "cap:z"), threats=()):
    G = gk.new_graph("hand")
    for a, kind, props in actors:
        gk.add_node(G, a, "Actor", name=f"Actor {a}", kind=kind, **props)
    for c in caps:
        gk.add_node(G, c, "Capability", name=c.split(":")[1].upper())
    for t in threats:
        gk.add_node(G, t, "Threat", name=t)
    for u, t, v, props in edges:
        gk.add_relationship(G, u, t, v, **props)
    return G


def _gap_effects(w, i=0):
    e = w.results[i].effects
    e = e[e["effect"].isin(GAP_EFFECTS)]
    return sorted(
        (
            r["effect"],
            r["actor_id"],
            r["item_id"],
            r["before"],
            r["after"],
            r["route_before"],
            r["route_after"],
        )
        for r in e.to_dict("records")
    )


@pytest.fixture
def alliance():
    """A (state, assessed, holds nothing at the threshold) is outside alliance AL, which
    pools cap:x; B (member) holds cap:x. T1 targets A and needs cap:x and cap:y; T2 targets
    C (outside AL too) and needs cap:x."""
    return _graph(
        [("A", "state", {}), ("B", "state", {}), ("C", "state", {}), ("AL", "alliance", {"pools": "cap:x"})],
        [
            ("B", "MEMBER_OF", "AL", {}),
            ("B", "HAS_CAPABILITY", "cap:x", {"level": 0.9}),
            ("A", "HAS_CAPABILITY", "cap:y", {"level": 0.2}),
            ("C", "HAS_CAPABILITY", "cap:y", {"level": 0.2}),
            ("T1", "TARGETS", "A", {}),
            ("T1", "REQUIRES", "cap:x", {}),
            ("T1", "REQUIRES", "cap:y", {}),
            ("T2", "TARGETS", "C", {}),
            ("T2", "REQUIRES", "cap:x", {}),
        ],
        threats=("T1", "T2"),
    )


def test_joining_an_alliance_closes_its_pooled_capability_for_the_joiner_only(alliance):
    w = whatif(alliance, [Join("A", "AL")], recommend=False)
    # by hand: A's cap:x goes from open to pooled through AL (holder B); cap:y stays open
    # (AL pools only cap:x); C, also needing cap:x, is not a member: nothing changes for it
    assert _gap_effects(w) == [
        ("coalition_gap_closed", "A", "cap:x", "open", "pooled", None, "via AL (member)"),
    ]
    e = w.results[0].effects
    totals = e[e["effect"] == "coalition_gap"][["actor_id", "before", "after"]].values.tolist()
    assert totals == [["A", 2.0, 1.0]]
    after = w.results[0].analysis.gaps.set_index(["actor_id", "capability_id"])
    assert after.loc[("A", "cap:x"), "via_partner"] == "B"
    assert not after.loc[("C", "cap:x"), "pooled"]
    s = w.summaries[0]
    assert s.needs_closed == 1 and s.needs_opened == 0 and s.actors_gaining == ["A"]
    assert s.headlines[0] == "Actor A joining the Actor AL closes 1 of its needs (X); 1 need stays open."


@pytest.fixture
def two_orgs():
    """A belongs to O1 (pools cap:x and cap:y) and O2 (pools cap:y only). B (O1) holds x and
    y at 0.9, C (O2) holds y at 0.7, D (O1) holds nothing on record. T targets A and needs
    x, y and z; U targets D and needs x."""
    return _graph(
        [
            ("A", "state", {}),
            ("B", "state", {}),
            ("C", "state", {}),
            ("D", "state", {}),
            ("O1", "alliance", {"pools": "cap:x;cap:y"}),
            ("O2", "international_org", {"pools": "cap:y"}),
        ],
        [
            ("A", "MEMBER_OF", "O1", {}),
            ("A", "MEMBER_OF", "O2", {}),
            ("B", "MEMBER_OF", "O1", {}),
            ("C", "MEMBER_OF", "O2", {}),
            ("D", "MEMBER_OF", "O1", {}),
            ("A", "HAS_CAPABILITY", "cap:z", {"level": 0.1}),
            ("B", "HAS_CAPABILITY", "cap:x", {"level": 0.9}),
            ("B", "HAS_CAPABILITY", "cap:y", {"level": 0.9}),
            ("C", "HAS_CAPABILITY", "cap:y", {"level": 0.7}),
            ("T", "TARGETS", "A", {}),
            ("T", "REQUIRES", "cap:x", {}),
            ("T", "REQUIRES", "cap:y", {}),
            ("T", "REQUIRES", "cap:z", {}),
            ("U", "TARGETS", "D", {}),
            ("U", "REQUIRES", "cap:x", {}),
        ],
        threats=("T", "U"),
    )


def test_leaving_the_only_organisation_pooling_a_capability_opens_exactly_that_gap(two_orgs):
    w = whatif(two_orgs, [Leave("A", "O1")], recommend=False)
    # by hand: before, A reaches x through O1 (B) and y through O1 (B, the stronger holder);
    # z is open. After leaving O1: x has no route (O2 does not pool it): opened; y is still
    # pooled, now through O2 (C): rerouted; z stays open. D keeps x through O1.
    assert _gap_effects(w) == [
        ("coalition_gap_opened", "A", "cap:x", "pooled", "open", "via O1 (member)", None),
        ("rerouted", "A", "cap:y", "pooled", "pooled", "via O1 (member)", "via O2 (member)"),
    ]
    g = w.results[0].analysis.gap_summary.set_index("actor_id")
    assert g.loc["A", "coalition_gap"] == 2 and g.loc["D", "coalition_gap"] == 0
    s = w.summaries[0]
    assert s.headlines[0] == (
        "Actor A leaving the Actor O1 opens 1 of its needs (X); 1 more is covered elsewhere (Y)."
    )


def test_pause_sets_the_status_of_the_membership(two_orgs):
    H = apply_changes(two_orgs, [Pause("A", "O1", "frozen")], on="2024-01-01")
    assert [d.get("status") for _, v, d in H.out_edges("A", data=True) if v == "O1"] == ["frozen"]
    assert [d.get("status") for _, v, d in two_orgs.out_edges("A", data=True) if v == "O1"] == [None]


@pytest.fixture
def bridge():
    """Two triangles A-B-C and D-E-F joined by one agreement C-D."""
    edges = [(u, "COOPERATES_WITH", v, {"instrument": "mou"}) for u, v in
             [("A", "B"), ("B", "C"), ("A", "C"), ("D", "E"), ("E", "F"), ("D", "F"), ("C", "D")]]  # fmt: skip
    return _graph([(a, "state", {}) for a in "ABCDEF"], edges, caps=())


def test_ending_the_bridging_agreement_changes_betweenness_ranks_as_computed_by_hand(bridge):
    w = whatif(bridge, [End("C", "D")], recommend=False)
    # by hand: C lies on every shortest path between {A, B} and {D, E, F} (6 pairs), D on
    # those between {A, B, C} and {E, F} (6 pairs): normalised 6 / (5 * 4 / 2) = 0.6; the
    # others 0. Ranks within states: C and D 1st, A, B, E, F 3rd. Without the bridge every
    # betweenness is 0: all share rank 1.
    before = w.baseline.centrality.set_index("id")["betweenness"].round(12).to_dict()
    after = w.results[0].analysis.centrality.set_index("id")["betweenness"].round(12).to_dict()
    assert before == {"A": 0.0, "B": 0.0, "C": 0.6, "D": 0.6, "E": 0.0, "F": 0.0}
    assert after == dict.fromkeys("ABCDEF", 0.0)
    # the same numbers from networkx, on the plain graph
    H = nx.Graph([("A", "B"), ("B", "C"), ("A", "C"), ("D", "E"), ("E", "F"), ("D", "F"), ("C", "D")])
    assert {k: round(v, 12) for k, v in nx.betweenness_centrality(H).items()} == before
    e = w.results[0].effects
    moves = e[(e["effect"] == "rank") & (e["item_id"] == "betweenness")]
    assert sorted(moves[["actor_id", "before", "after", "moved"]].values.tolist()) == [
        ["A", 3.0, 1.0, 2.0],
        ["B", 3.0, 1.0, 2.0],
        ["E", 3.0, 1.0, 2.0],
        ["F", 3.0, 1.0, 2.0],
    ]
    # two clusters before and after: nobody changes cluster
    assert e[e["effect"] == "cluster_changed"].empty


def test_apply_changes_leaves_the_graph_alone_and_dates_the_changes(two_orgs):
    n = two_orgs.number_of_edges()
    H = apply_changes(two_orgs, [Leave("A", "O1"), Sign("A", "C", "mou", "cap:y"), SetLevel("A", "cap:x", 0.8)],
                      on="2024-05-01")  # fmt: skip
    assert two_orgs.number_of_edges() == n
    assert [d for _, v, d in two_orgs.out_edges("A", data=True) if v == "O1"] == [{"type": "MEMBER_OF"}]
    assert [d for _, v, d in two_orgs.out_edges("A", data=True) if v == "cap:x"] == []
    assert set(H.in_edges("O1")) == {("B", "O1"), ("D", "O1"), ("A", "O1")}  # pred and succ agree
    H2 = apply_changes(two_orgs, [Pause("A", "O1", "frozen"), Leave("A", "O2")], on="2024-05-01")
    assert [d.get("status") for _, v, d in H2.out_edges("A", data=True) if v == "O1"] == ["frozen"]
    assert [d.get("status") for _, v, d in H.out_edges("A", data=True) if v == "O1"] == [None]
    assert [d for _, v, d in two_orgs.out_edges("A", data=True) if v == "O2"] == [{"type": "MEMBER_OF"}]
    left = [d for _, v, d in H.out_edges("A", data=True) if v == "O1"][0]
    assert (left["until"], left["until_date"]) == (2024, _dt.date(2024, 5, 1))
    signed = [d for _, v, d in H.out_edges("A", data=True) if v == "C"][0]
    assert (signed["instrument"], signed["pools"], signed["since_date"]) == (
        "mou",
        "cap:y",
        _dt.date(2024, 5, 1),
    )
    assert [d["level"] for _, v, d in H.out_edges("A", data=True) if v == "cap:x"] == [0.8]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (Join("A", "O3"), "no actor 'O3' (did you mean 'O2' or 'O1'"),
        (Join("A", "O1"), "is already a member of"),
        (Leave("B", "O2"), "is not a member of Actor O2 (O2) (did you mean 'O1'? its organisations: O1)"),
        (End("A", "B"), "no agreement in force between"),
        (SetLevel("A", "cap:w", 0.5), "no capability 'cap:w'"),
        (Sign("A", "B", "mou", "cap:q"), "pools names 'cap:q'"),
        (Join("Actor B", "O2"), "no actor 'Actor B' (did you mean 'B'"),
    ],
)
def test_a_bad_change_is_one_clear_error(two_orgs, change, message):
    with pytest.raises(AnalysisError) as exc:
        apply_changes(two_orgs, [change])
    assert message in str(exc.value)


def test_parse_change_and_its_errors():
    assert parse_change("sign", "USA:IND:mou:cap:a;cap:b") == Sign("USA", "IND", "mou", "cap:a;cap:b")
    assert parse_change("pause", "ARM:CSTO:frozen") == Pause("ARM", "CSTO", "frozen")
    assert parse_change("join", "KEN:COE_BUDAPEST:2024") == Join("KEN", "COE_BUDAPEST", "2024")
    assert parse_change("end", ["USA", "CHN"]) == End("USA", "CHN")
    for verb, spec, message in [
        ("pause", "ARM:CSTO:frozn", "did you mean 'frozen'"),
        ("set-level", "UKR:cap:x=2", "not from 0 to 1"),
        ("set-level", "UKR:cap:x=high", "is not a number"),
        ("sign", "USA:IND", "sign needs A:B:INSTRUMENT"),
        ("join", "KEN", "join needs ACTOR:ORG"),
        ("jion", "KEN:EU", "did you mean 'join'"),
    ]:
        with pytest.raises(AnalysisError) as exc:
            parse_change(verb, spec, where="x.csv:3")
        assert message in str(exc.value) and str(exc.value).startswith("x.csv:3: ")


def test_scenario_file_names_the_file_and_line(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(
        "scenario,change,actor,other,value\n# a comment\nout,leave,A,O1\nin,join,A,O2\nout,sign,A,C,mou\n"
    )
    assert load_scenarios(p) == [
        Scenario("out", (Leave("A", "O1"), Sign("A", "C", "mou"))),
        Scenario("in", (Join("A", "O2"),)),
    ]
    p.write_text("scenario,change,actor,other\nout,leave,A,O1\nout,leve,A,O2\n")
    with pytest.raises(AnalysisError, match=r"s\.csv:3: unknown change 'leve' \(did you mean 'leave'\?\)"):
        load_scenarios(p)


def test_unknown_actor_in_a_file_names_the_line(tmp_path, two_orgs):
    p = tmp_path / "s.csv"
    p.write_text("scenario,change,a,b\nok,leave,A,O1\nbad,leave,AA,O1\n")
    with pytest.raises(AnalysisError, match=r"s\.csv:3: leave AA:O1: no actor 'AA' \(did you mean 'A'"):
        whatif(two_orgs, p)


def test_yaml_scenarios(tmp_path):
    pytest.importorskip("yaml")
    p = tmp_path / "s.yaml"
    p.write_text("out:\n  - leave: A:O1\n  - sign: [A, C, mou]\n")
    assert load_scenarios(p) == [Scenario("out", (Leave("A", "O1"), Sign("A", "C", "mou")))]


# ---- the bundled data against an independent path --------------------------------------------


def _edit_copy(tmp_path: Path, name: str, edit) -> Path:
    """A copy of the bundled dataset with relationships.csv edited by ``edit(rows, header)``."""
    out = tmp_path / name
    shutil.copytree(DATA, out)
    path = out / "relationships.csv"
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    rows = edit(rows, header)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return out


def _analyze_cli(folder: Path, out: Path) -> dict[str, pd.DataFrame]:
    from graphkit.cli import main

    assert main(["analyze", str(folder), "-o", str(out), "--seed", "0", "-q"]) == 0
    return {n: pd.read_csv(out / f"{n}.csv", keep_default_na=False, na_values=[""])
            for n in ("gaps", "centrality", "clusters")}  # fmt: skip


def _partition(clusters: pd.DataFrame) -> set[frozenset]:
    return {frozenset(g["id"]) for _, g in clusters.groupby("cluster")}


def test_whatif_equals_editing_the_csv_files_and_analysing_them(tmp_path):
    today = _dt.date.today()

    def leave(rows, header):
        i = {h: k for k, h in enumerate(header)}
        hits = 0
        for r in rows:
            if r[i["source"]] == "TJK" and r[i["type"]] == "MEMBER_OF" and r[i["target"]] == "CSTO":
                r[i["until"]] = str(today.year)
                r[i["until_date"]] = today.isoformat()
                hits += 1
        assert hits == 1
        return rows

    def join_and_sign(rows, header):
        def row(**kw):
            r = [""] * len(header)
            for k, v in kw.items():
                r[header.index(k)] = v
            return r

        return rows + [
            row(source="KEN", type="MEMBER_OF", target="COE_BUDAPEST", since=str(today.year),
                since_date=today.isoformat()),
            row(source="USA", type="COOPERATES_WITH", target="IND", instrument="mou", since=str(today.year),
                since_date=today.isoformat()),
        ]  # fmt: skip

    G = gk.load(DATA)
    # Tajikistan, not Armenia: Armenia's CSTO participation is already frozen (2024) in the data,
    # so its leaving would change nothing
    w = whatif(G, {"TJK leaves": ["leave TJK:CSTO"], "KEN and USA": ["join KEN:COE_BUDAPEST", "sign USA:IND:mou"]},
               seed=0, recommend=False)  # fmt: skip
    for result, edit in zip(w.results, (leave, join_and_sign), strict=True):
        folder = _edit_copy(tmp_path, result.scenario.name.replace(" ", "_"), edit)
        ref = _analyze_cli(folder, tmp_path / f"out-{folder.name}")
        a = result.analysis
        # gaps: every need, its own and pooled status and its route
        cols = ["actor_id", "capability_id", "weight", "own", "pooled"]
        mine = a.gaps[cols].astype({"own": bool, "pooled": bool}).reset_index(drop=True)
        theirs = ref["gaps"][cols].astype({"own": bool, "pooled": bool}).reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
        assert a.gaps["route"].fillna("").tolist() == ref["gaps"]["route"].fillna("").tolist()
        # centrality ranks within kind
        rank_cols = ["id"] + [c for c in a.centrality.columns if c.endswith("_kind_rank")]
        pd.testing.assert_frame_equal(
            a.centrality[rank_cols].astype({c: "float64" for c in rank_cols[1:]}).reset_index(drop=True),
            ref["centrality"][rank_cols].astype({c: "float64" for c in rank_cols[1:]}).reset_index(drop=True),
        )
        # clusters: the same partition with the same seed
        assert _partition(a.clusters) == _partition(ref["clusters"])
        assert a.clusters["cluster"].tolist() == ref["clusters"]["cluster"].tolist()
    # and the scenarios did change something
    assert w.summaries[0].needs_opened > 0


def test_scenarios_in_worker_processes_give_the_same_results(two_orgs):
    scenarios = {"out": ["leave A:O1"], "in": ["join D:O2"], "level": ["set_level A:cap:x=0.9"]}
    one = whatif(two_orgs, scenarios, jobs=1)
    two = whatif(two_orgs, scenarios, jobs=2)
    pd.testing.assert_frame_equal(one.effects, two.effects)
    assert [s.headlines for s in one.summaries] == [s.headlines for s in two.summaries]
    assert [s.network_changed for s in two.summaries] == [True, True, False]
