"""Merging graphs by id: conflicts, idempotence, parallel relationships, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphkit as gk
from graphkit.cli import main
from graphkit.errors import GraphkitError
from graphkit.merge import merge_graphs

ROOT = Path(__file__).parents[1]


def graph_a():
    G = gk.new_graph()
    gk.add_node(G, "NATO", "Actor", name="NATO", kind="alliance")
    gk.add_node(G, "USA", "Actor", name="United States", kind="state", iso3="USA")
    gk.add_node(G, "GBR", "Actor", name="United Kingdom", kind="state")
    gk.add_relationship(G, "USA", "MEMBER_OF", "NATO", since=1949)
    gk.add_relationship(G, "USA", "COOPERATES_WITH", "GBR", instrument="UKUSA", since=1946)
    return G


def graph_b():
    G = gk.new_graph()
    gk.add_node(G, "NATO", "Actor", name="N.A.T.O.", kind="alliance", founded=1949)
    gk.add_node(G, "USA", "Actor", name="United States", kind="state")
    gk.add_node(G, "GBR", "Actor", name="United Kingdom", kind="state")
    gk.add_node(G, "DEU", "Actor", name="Germany", kind="state")
    gk.add_relationship(G, "USA", "MEMBER_OF", "NATO", since=1950)
    gk.add_relationship(G, "DEU", "MEMBER_OF", "NATO", since=1955)
    gk.add_relationship(G, "USA", "COOPERATES_WITH", "GBR", instrument="AUKUS", since=2021)
    return G


def test_first_input_wins_and_conflicts_are_reported():
    result = merge_graphs([graph_a(), graph_b()], names=["a", "b"])
    G = result.graph
    assert set(G.nodes) == {"NATO", "USA", "GBR", "DEU"}
    assert G.nodes["NATO"] == {"label": "Actor", "name": "NATO", "kind": "alliance", "founded": 1949}
    member = [(u, v, d) for u, v, d in G.edges(data=True) if d["type"] == "MEMBER_OF"]
    assert sorted((u, v, d["since"]) for u, v, d in member) == [("DEU", "NATO", 1955), ("USA", "NATO", 1949)]
    # two instruments between the same pair are two relationships
    coop = sorted(d["instrument"] for _, _, d in G.edges(data=True) if d["type"] == "COOPERATES_WITH")
    assert coop == ["AUKUS", "UKUSA"]
    found = {(c.item, c.property, c.kept, c.dropped, c.kept_from, c.dropped_from) for c in result.conflicts}
    assert found == {
        ("node 'NATO'", "name", "NATO", "N.A.T.O.", "a", "b"),
        ("relationship 'USA' -MEMBER_OF-> 'NATO'", "since", 1949, 1950, "a", "b"),
    }


def test_merging_is_idempotent():
    A, B = graph_a(), graph_b()
    assert gk.graph_diff(A, merge_graphs([A, A]).graph) == []
    assert merge_graphs([A, A]).conflicts == []
    AB = merge_graphs([A, B]).graph
    assert gk.graph_diff(AB, merge_graphs([AB, B]).graph) == []
    assert gk.graph_diff(AB, merge_graphs([AB, AB]).graph) == []


def test_parallel_relationships_in_one_input_stay_parallel():
    G = graph_a()
    gk.add_relationship(G, "USA", "MEMBER_OF", "NATO", since=1999)  # parallel, not a duplicate
    merged = merge_graphs([G, G]).graph
    assert merged.number_of_edges() == G.number_of_edges() == 3


def test_label_clash_is_an_error():
    A = graph_a()
    B = gk.new_graph()
    gk.add_node(B, "NATO", "Capability", name="NATO")
    with pytest.raises(GraphkitError, match="'NATO' is a Actor in a but a Capability in b"):
        merge_graphs([A, B], names=["a", "b"])


def test_cli_merge(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    gk.write_dataset(graph_a(), a)
    gk.write_dataset(graph_b(), b)
    out = tmp_path / "out"
    assert main(["merge", str(a), str(b), "-o", str(out), "-q"]) == 0
    captured = capsys.readouterr()
    assert "2 conflicting properties" in captured.err
    assert gk.graph_diff(merge_graphs([graph_a(), graph_b()]).graph, gk.load(out)) == []
    assert main(["merge", str(a), str(b), "-o", str(tmp_path / "strict"), "--strict", "-q"]) == 1
    assert not (tmp_path / "strict").exists()
    assert main(["merge", str(a), str(tmp_path / "missing"), "-o", str(tmp_path / "x"), "-q"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_curated_and_imported_threats_merge_without_conflicts():
    pytest.importorskip("pymispgalaxies")
    from graphkit.loaders.misp import installed_galaxy_path, load_misp_galaxy

    curated = gk.load(ROOT / "data" / "cyber-multilateral-curated")
    imported = load_misp_galaxy(installed_galaxy_path("threat-actor"), actors=curated, capabilities=curated)
    result = merge_graphs([curated, imported.graph])
    assert result.conflicts == []
    assert gk.validate(result.graph) == []
