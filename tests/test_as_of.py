"""Time: the network as of a date (graph.as_of, --as-of on every command) and the date checks.

Every expectation below is worked out by hand from the dataset written in ``_dataset``,
using the rule: a relationship counts on day D when ``since <= D < until`` (a year alone
means 1 January; ``since_date``/``until_date`` give the day where known; absent: always /
still in force).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.cli import main
from graphkit.errors import DatasetError, QueryError, SchemaError

ACTORS = """id,name,kind
FIN,Finland,state
SWE,Sweden,state
GBR,United Kingdom,state
EST,Estonia,state
USA,United States,state
ZWE,Zimbabwe,state
NATO,NATO,alliance
EU,European Union,international_org
OEWG,UN OEWG,international_org
COMMONWEALTH,Commonwealth,international_org
"""
CAPABILITIES = """id,name
cap:ir,incident response
cap:law,law enforcement
"""
THREATS = """id,name
threat:x,X
"""
# line numbers (the header is line 1) are used in the error tests below
RELATIONSHIPS = """source,type,target,since,since_date,until,until_date,instrument,level
USA,MEMBER_OF,NATO,1949,,,,,
GBR,MEMBER_OF,NATO,1949,,,,,
EST,MEMBER_OF,NATO,2004,,,,,
FIN,MEMBER_OF,NATO,2023,2023-04-04,,,,
SWE,MEMBER_OF,NATO,2024,2024-03-07,,,,
GBR,MEMBER_OF,EU,1973,,2020,2020-01-31,,
FIN,MEMBER_OF,EU,1995,,,,,
EST,MEMBER_OF,EU,2004,,,,,
EST,MEMBER_OF,OEWG,2019,,2025,2025-07-11,,
ZWE,MEMBER_OF,COMMONWEALTH,1980,,2003,,,
FIN,COOPERATES_WITH,SWE,,,,,mou,
USA,HAS_CAPABILITY,cap:ir,,,,,,0.9
threat:x,TARGETS,FIN,,,,,,
threat:x,REQUIRES,cap:ir,,,,,,
"""


def _dataset(root: Path, relationships: str = RELATIONSHIPS) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("actors", ACTORS),
        ("capabilities", CAPABILITIES),
        ("threats", THREATS),
        ("relationships", relationships),
    ):
        (root / f"{name}.csv").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def dataset(tmp_path):
    return _dataset(tmp_path / "dated")


ALWAYS = {
    ("USA", "NATO"),
    ("GBR", "NATO"),  # since 1949
    ("FIN", "SWE"),
    ("USA", "cap:ir"),
    ("threat:x", "FIN"),
    ("threat:x", "cap:ir"),  # no dates: always
}

# Day -> the relationships in force, by hand.
IN_FORCE = {
    # ZWE in the Commonwealth 1980 until 2003 (a year alone: until 2003-01-01, excluded)
    "2002-12-31": ALWAYS | {("GBR", "EU"), ("FIN", "EU"), ("ZWE", "COMMONWEALTH")},
    "2003-01-01": ALWAYS | {("GBR", "EU"), ("FIN", "EU")},
    # Estonia since 2004 (a year alone: from 2004-01-01, included)
    "2004-01-01": ALWAYS | {("GBR", "EU"), ("FIN", "EU"), ("EST", "NATO"), ("EST", "EU")},
    # the UK left the EU on 2020-01-31: still a member the day before, not on the day
    "2020-01-30": ALWAYS | {("GBR", "EU"), ("FIN", "EU"), ("EST", "NATO"), ("EST", "EU"), ("EST", "OEWG")},
    "2020-01-31": ALWAYS | {("FIN", "EU"), ("EST", "NATO"), ("EST", "EU"), ("EST", "OEWG")},
    # Finland joined NATO on 2023-04-04: not the day before, yes on the day itself
    # (since 2023 alone would say 2023-01-01; since_date is more precise and wins)
    "2023-01-01": ALWAYS | {("FIN", "EU"), ("EST", "NATO"), ("EST", "EU"), ("EST", "OEWG")},
    "2023-04-03": ALWAYS | {("FIN", "EU"), ("EST", "NATO"), ("EST", "EU"), ("EST", "OEWG")},
    "2023-04-04": ALWAYS | {("FIN", "EU"), ("EST", "NATO"), ("EST", "EU"), ("EST", "OEWG"), ("FIN", "NATO")},
    # the OEWG ended 2025-07-11; Sweden joined 2024-03-07
    "2025-07-11": ALWAYS | {("FIN", "EU"), ("EST", "NATO"), ("EST", "EU"), ("FIN", "NATO"), ("SWE", "NATO")},
}


def _pairs(G):
    return {(u, v) for u, v in G.edges()}


@pytest.mark.parametrize("day", sorted(IN_FORCE))
def test_as_of_keeps_exactly_the_relationships_in_force(dataset, day):
    G = gk.load(dataset)
    H = gk.as_of(G, day)
    assert _pairs(H) == IN_FORCE[day]
    assert H.number_of_edges() == len(IN_FORCE[day])  # no pair twice here
    assert set(H.nodes) == set(G.nodes)  # nodes stay; only their ties come and go
    assert H.graph["as_of"] == day


def test_as_of_all_and_none_give_every_relationship(dataset):
    G = gk.load(dataset)
    assert gk.as_of(G, "all") is G and gk.as_of(G, None) is G
    assert G.number_of_edges() == 14


def test_a_year_alone_as_the_date_means_1_january(dataset):
    G = gk.load(dataset)
    assert _pairs(gk.as_of(G, "2023")) == IN_FORCE["2023-01-01"]
    assert _pairs(gk.as_of(G, dt.date(2023, 4, 4))) == IN_FORCE["2023-04-04"]


def test_values_of_other_loaders_are_read_too():
    # text dates (GraphML, JSON), full dates in since, datetimes
    G = gk.new_graph()
    for a in ("A", "B", "C", "D"):
        gk.add_node(G, a, "Actor", name=a, kind="state")
    G.add_edge("A", "B", type="COOPERATES_WITH", since="2010-05-01", until="2012")
    G.add_edge("B", "C", type="COOPERATES_WITH", since=dt.date(2011, 1, 1))
    G.add_edge("C", "D", type="COOPERATES_WITH", since=dt.datetime(2011, 6, 1, 12, 0))
    assert _pairs(gk.as_of(G, "2010-05-01")) == {("A", "B")}
    assert _pairs(gk.as_of(G, "2011-06-01")) == {("A", "B"), ("B", "C"), ("C", "D")}
    assert _pairs(gk.as_of(G, "2012-01-01")) == {("B", "C"), ("C", "D")}
    G.add_edge("A", "D", type="COOPERATES_WITH", since="spring 2011")
    with pytest.raises(
        SchemaError, match=r"'A' -COOPERATES_WITH-> 'D': property 'since': 'spring 2011' is not a date"
    ):
        gk.as_of(G, "2012")
    with pytest.raises(SchemaError, match="not a date"):
        gk.as_of(G, "yesterday")


# ---- the commands --------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2002-12-31", "2020-01-31", "2023-04-04"])
def test_info_as_of_counts_the_relationships_in_force(dataset, day, capsys):
    assert main(["info", str(dataset), "--as-of", day, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    expected = IN_FORCE[day]
    members = {p for p in expected if p[1] in ("NATO", "EU", "OEWG", "COMMONWEALTH")}
    assert info["relationships"]["MEMBER_OF"] == len(members)
    assert info["relationships"]["COOPERATES_WITH"] == 1
    assert info["time"] == {"as_of": day, "relationships": 14, "in_force": len(expected), "ended": 3}
    assert sum(info["nodes"].values()) == 13  # every node, whatever the date


def _counts(out: str) -> dict[str, str]:
    return dict(line.split() for line in out.splitlines() if line.startswith("  ") and len(line.split()) == 2)


def test_info_shows_the_whole_dataset_with_as_of_all_and_counts_the_ended(dataset, capsys):
    assert main(["info", str(dataset), "--as-of", "all"]) == 0
    out = capsys.readouterr().out
    assert _counts(out)["MEMBER_OF"] == "10"  # all ten, ended ones included
    # GBR-EU (2020-01-31), EST-OEWG (2025-07-11), ZWE-COMMONWEALTH (2003) have ended
    assert "ended relationships (until on or before today): 3" in out


def test_info_defaults_to_todays_network_as_report_does(dataset, capsys):
    assert main(["info", str(dataset)]) == 0
    out = capsys.readouterr().out
    assert _counts(out)["MEMBER_OF"] == "7"  # the three ended memberships left out


def _gap(folder: Path, actor: str) -> dict[str, str]:
    with open(folder / "gap_summary.csv", encoding="utf-8") as f:
        return next(r for r in csv.DictReader(f) if r["actor_id"] == actor)


def test_analyze_pools_through_an_alliance_only_after_joining(dataset, tmp_path):
    # threat:x targets Finland and needs incident response; only the United States holds it,
    # and Finland reaches the United States only through NATO (joined 2023-04-04).
    before, after = tmp_path / "before", tmp_path / "after"
    assert main(["analyze", str(dataset), "-o", str(before), "--as-of", "2023-04-03", "-q"]) == 0
    assert main(["analyze", str(dataset), "-o", str(after), "--as-of", "2023-04-04", "-q"]) == 0
    b, a = _gap(before, "FIN"), _gap(after, "FIN")
    # Finland holds no capability on record: its own gap is unknown (empty), not 1, and so is
    # its coalition gap until a partner covers its need (issue 25: no data is no data)
    assert (b["own_gap"], b["coalition_gap"]) == ("", "")
    assert (a["own_gap"], a["coalition_gap"]) == ("", "0.0")  # a float column: it may be unknown
    assert json.loads((before / "summary.json").read_text())["as_of"] == "2023-04-03"
    assert json.loads((after / "summary.json").read_text())["as_of"] == "2023-04-04"


def test_analyze_defaults_to_today_and_as_of_all_counts_ended_ties(dataset, tmp_path):
    today, every = tmp_path / "today", tmp_path / "all"
    assert main(["analyze", str(dataset), "-o", str(today), "-q"]) == 0
    assert main(["analyze", str(dataset), "-o", str(every), "--as-of", "all", "-q"]) == 0
    s_today = json.loads((today / "summary.json").read_text())
    s_all = json.loads((every / "summary.json").read_text())
    assert s_today["as_of"] == dt.date.today().isoformat()
    assert s_all["as_of"] == "all"
    # actor links today (two-mode network: member-organisation ties plus co-member pairs):
    # USA-NATO GBR-NATO EST-NATO FIN-NATO SWE-NATO FIN-EU EST-EU = 7 direct, the 10 pairs of
    # NATO's 5 members (EU's FIN-EST and the FIN-SWE agreement fall on pairs already there) = 17;
    # with every relationship also GBR-EU, EST-OEWG, ZWE-COMMONWEALTH (EU's new pairs GBR-FIN,
    # GBR-EST are NATO pairs; OEWG and the Commonwealth have one member each) = 20
    assert s_today["graph"]["actor_links"] == 17
    assert s_all["graph"]["actor_links"] == 20


def test_python_analyze_as_of(dataset):
    G = gk.load(dataset)
    assert gk.analyze(G).summary["as_of"] == dt.date.today().isoformat()
    assert gk.analyze(G, as_of=None).summary["graph"]["actor_links"] == 20  # see the test above
    old = gk.analyze(G, as_of="2002-12-31")
    # links then: USA-NATO GBR-NATO GBR-EU FIN-EU ZWE-COMMONWEALTH FIN-SWE, and the co-member
    # pairs USA-GBR (NATO) and GBR-FIN (EU) = 8
    assert old.summary["graph"]["actor_links"] == 8 and old.summary["as_of"] == "2002-12-31"
    # a graph already cut to a date keeps it
    assert gk.analyze(gk.as_of(G, "2002-12-31")).summary["as_of"] == "2002-12-31"


def test_recommend_as_of(dataset, capsys):
    assert main(["recommend", str(dataset), "FIN", "--as-of", "2023-04-03"]) == 0
    out = capsys.readouterr().out.splitlines()
    # Finland holds no capability on record: its own gap is unknown, and so is its coalition
    # gap until NATO covers its need; nothing is recommended for a need without data
    assert out[0] == (
        "Finland: needs weight 1; own gap unknown (no capability data); with its partners as of 2023-04-03 "
        "unknown; needs without data: weight 1"
    )
    assert out[1] == (
        "its remaining needs have no data (weight 1): incident response (it has no capability data at all), "
        "so the data cannot say whether it lacks them or who would close them"
    )
    assert main(["recommend", str(dataset), "FIN", "--as-of", "2023-04-04"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Finland: needs weight 1; own gap unknown (no capability data); with its partners as of 2023-04-04 0; "
        "needs without data: weight 1"
    )


def test_viz_as_of_draws_the_network_of_that_date(dataset, tmp_path):
    import re

    for day in ("2002-12-31", "2023-04-04"):
        actors = {p for p in IN_FORCE[day] if not p[0].startswith("threat:") and not p[1].startswith("cap:")}
        out = tmp_path / f"{day}.html"
        assert main(["viz", str(dataset), "-o", str(out), "--as-of", day, "-q"]) == 0
        page = out.read_text(encoding="utf-8")
        data = json.loads(
            re.search(r'<script type="application/json" id="[^"]+-data">(.*?)</script>', page, re.S)[1]
        )
        assert {(e["from"], e["to"]) for e in data["edges"]} == actors
        assert len(data["nodes"]) == 10  # every actor, tied or not


def test_query_as_of_runs_on_the_network_of_that_date(dataset, tmp_path):
    from graphkit.cypher import run_query

    q = "MATCH (a:Actor)-[:MEMBER_OF]->(:Actor {id: 'NATO'}) RETURN a.id AS id ORDER BY id"
    cache = tmp_path / "cache"
    ids = {day: [r[0] for r in run_query(q, dataset, as_of=day, cache_dir=cache).rows]
           for day in ("2023-04-03", "2024-03-07", "all")}  # fmt: skip
    assert ids == {
        "2023-04-03": ["EST", "GBR", "USA"],
        "2024-03-07": ["EST", "FIN", "GBR", "SWE", "USA"],
        "all": ["EST", "FIN", "GBR", "SWE", "USA"],
    }
    # one cached database per date (the key includes the day), and the whole dataset's
    assert len(list((cache / "embedded").glob("*.lbdb"))) == 3
    again = run_query(q, dataset, as_of="2023-04-03", cache_dir=cache)
    assert [r[0] for r in again.rows] == ["EST", "GBR", "USA"]


def test_query_as_of_on_neo4j_is_refused_before_connecting(capsys):
    with pytest.raises(QueryError, match="cannot be applied on a Neo4j server"):
        from graphkit.cypher import run_query

        run_query("RETURN 1 AS one", uri="bolt://127.0.0.1:9", as_of="2024")
    rc = main(["query", "members_of_alliance", "--neo4j-uri", "bolt://127.0.0.1:9", "--param", "alliance=EU",
               "--as-of", "2024"])  # fmt: skip
    assert rc == 2 and "cannot be applied on a Neo4j server" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["2024-13-01", "April 2024", "yesterday"])
def test_a_bad_as_of_is_a_usage_error(dataset, bad, capsys):
    assert main(["info", str(dataset), "--as-of", bad]) == 2  # a usage error: exit 2, one message
    assert "--as-of" in capsys.readouterr().err


# ---- the date checks of the loader -----------------------------------------------------

HEADER = "source,type,target,since,since_date,until,until_date,instrument,level\n"


def _problems(tmp_path, rows: str) -> list[str]:
    d = _dataset(tmp_path / "bad", HEADER + rows)
    with pytest.raises(DatasetError) as info:
        gk.load(d)
    return [str(p) for p in info.value.problems]


def test_until_before_since_is_an_error_at_its_line_and_column(tmp_path):
    problems = _problems(tmp_path, "USA,MEMBER_OF,NATO,1949,,,,,\nGBR,MEMBER_OF,EU,2020,,1973,,,\n")
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{tmp_path / 'bad' / 'relationships.csv'}:3: column 'until': property 'until': until 1973 is before since 2020"
    )


def test_until_date_before_since_date_is_an_error(tmp_path):
    problems = _problems(tmp_path, "GBR,MEMBER_OF,EU,2020,2020-02-01,2020,2020-01-31,,\n")
    assert len(problems) == 1
    assert (
        ":2: column 'until_date': property 'until_date': until_date 2020-01-31 is before since_date 2020-02-01"
        in problems[0]
    )


def test_a_date_in_the_future_is_an_error(tmp_path):
    next_year = dt.date.today().year + 1
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    problems = _problems(
        tmp_path,
        f"USA,MEMBER_OF,NATO,{next_year},,,,,\nGBR,MEMBER_OF,EU,1973,,{tomorrow.year},{tomorrow.isoformat()},,\n",
    )
    assert [p.split(": ")[1] for p in problems] == ["column 'since'", "column 'until_date'"]
    assert f"since {next_year} is in the future" in problems[0]
    assert ":2:" in problems[0] and ":3:" in problems[1]


def test_an_unparseable_date_is_an_error(tmp_path):
    # a column of years and days mixed is read as text; each value must still be a date
    problems = _problems(tmp_path, "USA,MEMBER_OF,NATO,1949,,,,,\nGBR,MEMBER_OF,EU,early 1973,,,,,\n"
                                   "FIN,MEMBER_OF,EU,1995-01-01,,,,,\n")  # fmt: skip
    assert len(problems) == 1
    assert (
        ":3: column 'since': property 'since': 'early 1973' is not a date: write a year (2023) or a date (2023-04-04)"
        in problems[0]
    )
    problems = _problems(tmp_path, "GBR,MEMBER_OF,EU,1973,1973-02-30,,,,\n")
    assert ":2: column 'since_date': '1973-02-30' is not a calendar date" in problems[0]


def test_since_date_must_fall_in_the_year_of_since(tmp_path):
    problems = _problems(tmp_path, "FIN,MEMBER_OF,NATO,2024,2023-04-04,,,,\n")
    assert (
        ":2: column 'since_date': property 'since_date': since_date 2023-04-04 is not in the year since gives (2024)"
        in problems[0]
    )


def test_a_mixed_column_of_years_and_days_loads_and_is_read_as_dates(tmp_path):
    d = _dataset(
        tmp_path / "mixed",
        "source,type,target,since\nFIN,MEMBER_OF,NATO,2023-04-04\nUSA,MEMBER_OF,NATO,1949\n",
    )
    G = gk.load(d)
    assert _pairs(gk.as_of(G, "2023-04-03")) == {("USA", "NATO")}
    assert _pairs(gk.as_of(G, "2023-04-04")) == {("USA", "NATO"), ("FIN", "NATO")}


def test_the_bundled_dataset_loads_and_its_ended_memberships_are_left_out_today():
    from graphkit.loaders import load

    root = Path(gk.__file__).resolve().parents[1] / "data" / "cyber-multilateral"
    G = load(root)
    today = gk.as_of(G, "today")
    assert ("GBR", "EU") not in _pairs(today) and ("GBR", "EU") in _pairs(gk.as_of(G, "2020-01-30"))
    assert ("FIN", "NATO") in _pairs(today) and ("FIN", "NATO") not in _pairs(gk.as_of(G, "2022-12-31"))


def test_gds_is_refused_a_date_that_leaves_relationships_out(dataset):
    import argparse

    from graphkit.cli.common import dated
    from graphkit.errors import GraphkitError

    G = gk.load(dataset)
    # GDS projects the server's whole graph: today 3 of the 14 relationships have ended
    with pytest.raises(GraphkitError, match="3 of them are not in force as of"):
        dated(G, argparse.Namespace(as_of="today", engine="gds"))
    assert dated(G, argparse.Namespace(as_of="all", engine="gds")) is G
    # on 2025-07-10 the OEWG still runs, but GBR-EU (2020) and ZWE-COMMONWEALTH (2003) have ended
    with pytest.raises(GraphkitError, match="but 2 of them are not in force as of 2025-07-10"):
        dated(G, argparse.Namespace(as_of="2025-07-10", engine="gds"))
    # another engine is not refused
    assert dated(G, argparse.Namespace(as_of="2025-07-10", engine="auto")).number_of_edges() == 12


@pytest.mark.parametrize("fmt", ["json", "graphml"])
def test_other_loaders_refuse_an_until_before_since(tmp_path, fmt):
    G = gk.new_graph()
    for a in ("A", "B"):
        gk.add_node(G, a, "Actor", name=a, kind="state")
    G.add_edge("A", "B", type="COOPERATES_WITH", since=2020, until=2010)  # bypasses the checks
    path = tmp_path / f"g.{fmt}"
    gk.write(G, path)
    with pytest.raises(DatasetError, match="property 'until': until 2010 is before since 2020"):
        gk.load(path)
    with pytest.raises(SchemaError, match="until 2010 is before since 2020"):
        gk.add_relationship(G, "B", "COOPERATES_WITH", "A", since=2020, until=2010)
