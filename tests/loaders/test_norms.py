"""Norm nodes and POSITION relationships: optional norms.csv / positions.csv, checks, round trips."""

from __future__ import annotations

import shutil

import pytest

import graphkit as gk
from graphkit.cypher import EmbeddedGraph

NORMS = (
    "id,name,kind,date,sponsors,source\n"
    "A/RES/73/27,Developments in the field of ICT,resolution,2018-12-05,RUS,UN Digital Library\n"
    "paris-call,Paris Call,declaration,2018-11-12,,Paris Call website\n"
)
POSITIONS = (
    "source,type,target,stance,date\n"
    "USA,POSITION,A/RES/73/27,no,2018-12-05\n"
    "RUS,POSITION,A/RES/73/27,yes,2018-12-05\n"
    "FRA,POSITION,paris-call,supports,2018-11-12\n"
)


@pytest.fixture
def dataset(tmp_path):
    d = shutil.copytree(gk.SAMPLE, tmp_path / "d")
    (d / "norms.csv").write_text(NORMS)
    (d / "positions.csv").write_text(POSITIONS)
    return d


def _positions(G):
    return sorted((u, v, d["stance"]) for u, v, d in G.edges(data=True) if d["type"] == "POSITION")


def test_norms_and_positions_load(dataset):
    G = gk.load(dataset)
    assert gk.summary(G)["nodes"]["Norm"] == 2
    assert G.nodes["A/RES/73/27"]["kind"] == "resolution"
    assert G.nodes["A/RES/73/27"]["sponsors"] == ["RUS"]
    assert str(G.nodes["A/RES/73/27"]["date"]) == "2018-12-05"
    assert _positions(G) == [
        ("FRA", "paris-call", "supports"),
        ("RUS", "A/RES/73/27", "yes"),
        ("USA", "A/RES/73/27", "no"),
    ]
    assert gk.validate(G) == []


def test_dataset_without_norms_still_loads():
    G = gk.load(gk.SAMPLE)
    assert gk.summary(G)["nodes"]["Norm"] == 0


@pytest.mark.parametrize("name", ["folder", "d.xlsx", "d.graphml", "d.gexf", "d.json"])
def test_round_trip(dataset, tmp_path, name):
    G = gk.load(dataset)
    out = tmp_path / "out" / name
    out.parent.mkdir()
    gk.write(G, out) if name != "folder" else gk.write_dataset(G, out)
    H = gk.load(out)
    assert gk.graph_diff(G, H) == []
    if name == "folder":
        assert sorted(p.name for p in out.iterdir()) == [
            "actors.csv",
            "capabilities.csv",
            "norms.csv",
            "positions.csv",
            "relationships.csv",
            "threats.csv",
        ]


def test_overwrite_without_positions_leaves_positions_files(dataset):
    # a build that writes the ties only (scripts/build_cyber_multilateral.py) keeps the positions
    gk.write_dataset(gk.load(gk.SAMPLE), dataset)
    assert gk.summary(gk.load(dataset))["nodes"]["Norm"] == 2


@pytest.mark.parametrize(
    "file, text, fragment",
    [
        ("positions.csv", "source,type,target,stance\nUSA,POSITION,A/RES/73/27,maybe\n", "stance"),
        ("positions.csv", "source,type,target,date\nUSA,POSITION,A/RES/73/27,2018-12-05\n", "stance"),
        ("positions.csv", "source,type,target,stance\nA/RES/73/27,POSITION,USA,yes\n", "POSITION cannot"),
        ("norms.csv", "id,name,kind\nX1,X,treaty\n", "not a norm kind"),
    ],
)
def test_bad_positions_name_file_and_field(dataset, file, text, fragment):
    (dataset / file).write_text(text if file == "positions.csv" else text)
    if file == "norms.csv":
        (dataset / "positions.csv").write_text("source,type,target,stance\n")
    with pytest.raises(gk.DatasetError) as err:
        gk.load(dataset)
    assert fragment in str(err.value)
    assert file in str(err.value)


def test_embedded_engine_knows_norms(dataset, tmp_path):
    G = gk.load(dataset)
    db = EmbeddedGraph.from_graph(G, tmp_path / "db.lbdb")
    try:
        rows = db.run(
            "MATCH (a:Actor)-[p:POSITION]->(n:Norm) WHERE p.stance = 'no' RETURN a.id, n.kind, p.date"
        ).rows
    finally:
        db.close()
    assert [(r[0], r[1], str(r[2])) for r in rows] == [("USA", "resolution", "2018-12-05")]


def test_embedded_engine_on_a_dataset_without_norms(tmp_path):
    db = EmbeddedGraph.from_graph(gk.load(gk.SAMPLE), tmp_path / "db.lbdb")
    try:  # the declared schema lets a positions query run (and find nothing) on any dataset
        assert db.run("MATCH (a:Actor)-[p:POSITION]->(n:Norm) RETURN a.id, p.stance, n.date").rows == []
    finally:
        db.close()
