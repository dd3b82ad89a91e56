"""How the report's tables read: condensed capability lists, no redundant weighted degree, one
spelling per kind, one name per cluster, one-actor clusters in one line.

The analysis tables are written by hand for a seven-actor graph (below), so every expected
cell is worked out here, not taken from the code's output.
"""

from __future__ import annotations

import json
import re
import types

import pandas as pd
import pytest

import graphkit as gk
from graphkit.export import report as R

ROUTE = "via Nordic Council (member)"


def _graph():
    """Sweden and Norway are members of the Nordic Council; Open Net cooperates with Sweden; three
    actors (Lone One, Lone Two, Lone Three) have no tie. Threat T targets Sweden and needs c1..c6;
    Norway holds c1..c5, so Sweden gets those five through the Council and c6 nobody holds.
    Threat T2 targets Norway and needs d1..d5, which nobody holds."""
    G = gk.new_graph("seven")
    actors = [
        ("SWE", "Sweden", "state"),
        ("NOR", "Norway", "state"),
        ("NC", "Nordic Council", "international_org"),
        ("ON", "Open Net", "ngo"),
        ("Z1", "Lone One", "state"),
        ("Z2", "Lone Two", "company"),
        ("Z3", "Lone Three", "cert"),
    ]
    for i, name, kind in actors:
        gk.add_node(G, i, "Actor", name=name, kind=kind)
    for k in range(1, 7):
        gk.add_node(G, f"c{k}", "Capability", name=f"Cap {k}")
    for k in range(1, 6):
        gk.add_node(G, f"d{k}", "Capability", name=f"Dcap {k}")
    gk.add_node(G, "T", "Threat", name="Threat one")
    gk.add_node(G, "T2", "Threat", name="Threat two")
    gk.add_relationship(G, "SWE", "MEMBER_OF", "NC")
    gk.add_relationship(G, "NOR", "MEMBER_OF", "NC")
    gk.add_relationship(G, "ON", "COOPERATES_WITH", "SWE")
    for k in range(1, 6):
        gk.add_relationship(G, "NOR", "HAS_CAPABILITY", f"c{k}", level=0.9)
    gk.add_relationship(G, "T", "TARGETS", "SWE")
    gk.add_relationship(G, "T2", "TARGETS", "NOR")
    for k in range(1, 7):
        gk.add_relationship(G, "T", "REQUIRES", f"c{k}")
    for k in range(1, 6):
        gk.add_relationship(G, "T2", "REQUIRES", f"d{k}")
    return G


IDS = ["SWE", "NOR", "NC", "ON", "Z1", "Z2", "Z3"]
# The actor network is the path ON - SWE - NC - NOR plus three isolates: degree by hand.
DEGREE = [2, 1, 2, 1, 0, 0, 0]


def _analysis(G, *, weighted_degree=None, cluster_name=True):
    cl = {"id": IDS, "cluster": [0, 0, 0, 0, 1, 2, 3]}
    if cluster_name:
        # The analysis names cluster 0 "Norway" (not its most central member, Sweden), so the
        # report can only show "Norway" by reading cluster_name.
        cl["cluster_name"] = ["Norway"] * 4 + ["Lone One", "Lone Two", "Lone Three"]
    gaps = [
        {"actor_id": "SWE", "capability_id": f"c{k}", "weight": 1, "own": False, "pooled": k <= 5,
         "assessed": True, "capability_assessed": True, "route": ROUTE if k <= 5 else ""}
        for k in range(1, 7)
    ] + [
        {"actor_id": "NOR", "capability_id": f"d{k}", "weight": 1, "own": False, "pooled": False,
         "assessed": True, "capability_assessed": True, "route": ""}
        for k in range(1, 6)
    ]  # fmt: skip
    return types.SimpleNamespace(
        centrality=pd.DataFrame(
            {
                "id": IDS,
                "name": [G.nodes[i]["name"] for i in IDS],
                "kind": [G.nodes[i]["kind"] for i in IDS],
                "degree": DEGREE,
                "weighted_degree": [float(d) for d in DEGREE] if weighted_degree is None else weighted_degree,
                "betweenness": [2 / 3, 0.0, 2 / 3, 0.0, 0.0, 0.0, 0.0],
                "pagerank": [0.3, 0.15, 0.25, 0.15, 0.05, 0.05, 0.05],
            }
        ),
        clusters=pd.DataFrame(cl),
        gaps=pd.DataFrame(gaps),
        uncovered_threats=pd.DataFrame(
            {
                "threat_id": ["T2", "T"],
                "required": [5, 6],
                "missing": [5, 1],
                "missing_capabilities": [[f"d{k}" for k in range(1, 6)], ["c6"]],
                "targets": [1, 1],
            }
        ),
        summary={"seed": 7, "modularity": 0.1, "cluster_method": "louvain"},
    )


def _report(G, analysis):
    return R.build_report(G, analysis, dataset="seven", generated="2026-01-02 03:04")


def _section(rep, sid):
    stack = list(rep.sections)
    while stack:
        s = stack.pop()
        if s.id == sid:
            return s
        stack.extend(s.subsections)
    raise AssertionError(f"no section {sid}")


def _md_rows(md: str, first_header: str, having: str = "") -> list[list[str]]:
    """The rows of the Markdown table whose first header cell is ``first_header`` (and whose header holds ``having``)."""
    lines = md.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"| {first_header} |") and having in line:
            rows = []
            for row in lines[i + 2 :]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split(" | ")])
            return rows
    raise AssertionError(f"no table headed {first_header!r}")


@pytest.fixture(scope="module")
def seven():
    G = _graph()
    rep = _report(G, _analysis(G))
    return G, rep, R.render_report_markdown(rep), R.render_report_html(rep)


# ---- capability lists --------------------------------------------------------------------


def test_a_long_capability_list_reads_as_a_count_and_the_first_three(seven):
    _, _, md, page = seven
    rows = {r[0]: r for r in _md_rows(md, "threat")}
    # T2 misses five capabilities: count, the first three, and how many more.
    assert rows["Threat two"][3] == "5 capabilities: Dcap 1, Dcap 2, Dcap 3 and 2 more"
    # T misses one: shown as it is.
    assert rows["Threat one"][3] == "Cap 6"
    # The page shows the same line, and unfolds the whole list.
    m = re.search(
        r'<details class="items"><summary>([^<]*5 capabilities[^<]*Dcap[^<]*)</summary>([^<]*)</details>',
        page,
    )
    assert m, "no folded list on the page"
    assert re.sub(r"[\u2066-\u2069]", "", m.group(2)) == "Dcap 1, Dcap 2, Dcap 3, Dcap 4, Dcap 5"


def test_routes_cooperation_closes_are_condensed_too(seven):
    _, _, md, _ = seven
    rows = {r[0]: r for r in _md_rows(md, "actor", "closed by cooperation")}
    cell = rows["Sweden"][-1]
    first = "; ".join(f"Cap {k} ({ROUTE})" for k in (1, 2, 3))
    assert cell == f"5 capabilities: {first} and 2 more"


def test_items_condense_only_past_one_more_than_shown():
    from graphkit.export.report.document import Items

    assert Items(["a", "b", "c", "d"], noun="capabilities").summary() == "a, b, c, d"
    assert Items(list("abcde"), noun="capabilities").summary() == "5 capabilities: a, b, c and 2 more"


# ---- weighted degree -----------------------------------------------------------------------


def test_weighted_degree_is_left_out_when_it_equals_degree(seven):
    _, rep, md, page = seven
    # no ranking, no column; the methods say why
    assert "Weighted degree" not in md and "Weighted degree" not in page
    assert not any("weighted degree" in line.lower() for line in md.splitlines() if line.startswith("|"))
    assert (
        "weighted degree sums tie strengths (here it equals degree for every actor, so it is not shown)" in md
    )
    ids = set()
    stack = list(rep.sections)
    while stack:
        s = stack.pop()
        ids.add(s.id)
        stack.extend(s.subsections)
    assert "central-states" in ids
    states = next(
        b for s in rep.sections for sub in s.subsections if sub.id == "central-states" for b in sub.blocks
    )
    assert "Degree" in states.columns and "Weighted degree" not in states.columns


def test_weighted_degree_stays_when_a_weight_changes_it():
    G = _graph()
    rep = _report(G, _analysis(G, weighted_degree=[2.5, 1.0, 2.5, 1.5, 0.0, 0.0, 0.0]))
    md = R.render_report_markdown(rep)
    assert "| Weighted degree |" in md
    assert "so it is not shown" not in md


# ---- kinds ---------------------------------------------------------------------------------


def test_one_spelling_per_kind(seven):
    _, _, md, page = seven
    for text in (md, re.sub(r"<script.*?</script>|<iframe.*?</iframe>", "", page, flags=re.S)):
        assert re.search(r"international[ _]org(?!anisation)", text) is None
        assert "international organisation" in text
    counts = {r[0]: r[1] for r in _md_rows(md, "actor kind")}
    assert counts == {
        "state": "3",
        "international organisation": "1",
        "NGO": "1",
        "company": "1",
        "CERT": "1",
    }


def test_the_graph_legend_spells_kinds_as_the_tables(seven):
    G, _, _, _ = seven
    page = gk.render_html(G, color_by="kind")
    data = _page_data(page)
    kinds = {e["value"]: e["name"] for f in data["filters"] if f["field"] == "kind" for e in f["entries"]}
    assert kinds["international_org"] == "international organisation"
    assert kinds["ngo"] == "NGO" and kinds["cert"] == "CERT"


# ---- clusters ------------------------------------------------------------------------------


def _page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="[^"]+-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def test_the_cluster_table_and_the_legend_use_cluster_name(seven):
    G, _, md, _ = seven
    rows = _md_rows(md, "cluster")
    assert [r[0] for r in rows] == ["Norway"]  # from cluster_name, not "Sweden cluster"
    assert rows[0][1] == "4" and rows[0][5] == "Sweden, Nordic Council, Norway, Open Net"
    from graphkit.export.report.context import Context
    from graphkit.export.report.figures import interactive_graph

    graph = interactive_graph(G, Context(G, _analysis(G), 10), None, 7)  # what write_report embeds
    legend = [
        e["name"] for f in _page_data(graph)["filters"] if f["field"] == "cluster" for e in f["entries"]
    ]
    assert "Norway" in legend and "Sweden" not in legend


def test_one_actor_clusters_are_one_line(seven):
    _, _, md, _ = seven
    rows = _md_rows(md, "cluster")
    assert all(r[0] not in ("Lone One", "Lone Two", "Lone Three") for r in rows)
    # by PageRank (all 0.05) then id: Z1, Z2, Z3
    assert "3 actors stand apart, not counted among the blocs: alone: Lone One, Lone Two, Lone Three." in md


def test_one_single_actor_cluster_is_singular():
    G = _graph()
    a = _analysis(G)
    G.remove_nodes_from(["Z2", "Z3"])
    a.centrality = a.centrality[~a.centrality["id"].isin(["Z2", "Z3"])]
    a.clusters = a.clusters[~a.clusters["id"].isin(["Z2", "Z3"])]
    md = R.render_report_markdown(_report(G, a))
    assert "1 actor stands apart, not counted among the blocs: alone: Lone One." in md


def test_a_focused_report_condenses_what_a_threat_requires():
    G = _graph()
    md = R.render_report_markdown(
        R.build_report(G, _analysis(G), focus="SWE", dataset="seven", generated="x")
    )
    line = next(x for x in md.splitlines() if x.startswith("| Threat one |"))
    assert "6 capabilities: Cap 1, Cap 2, Cap 3 and 3 more" in line
