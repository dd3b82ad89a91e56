"""pandas in and out: from_pandas checks as the CSV loader does; to_pandas(from_pandas(x)) == x."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest

import graphkit as gk


def _frames() -> dict[str, pd.DataFrame]:
    """A held-out dataset built by hand with the documented column types."""
    actors = pd.DataFrame(
        {
            "id": ["EST", "LVA", "NATO", "ACME"],
            "name": ["Estonia", "Latvia", "NATO", "Acme Ltd"],
            "kind": ["state", "state", "alliance", "company"],
            "founded": pd.array([1991, pd.NA, 1949, 2001], dtype="Int64"),
            "score": [0.5, np.nan, 1.25, 0.0],
            "eu": pd.array([True, True, pd.NA, False], dtype="boolean"),
            "joined": pd.Series([dt.date(2004, 3, 29), dt.date(2004, 3, 29), None, None], dtype=object),
            "sectors": pd.Series([["gov", "energy"], None, None, ["telecom"]], dtype=object),
            "note": ["001", None, "x; y", "  spaced"],
        }
    )
    capabilities = pd.DataFrame({"id": ["cap:ir"], "name": ["Incident response"]})
    threats = pd.DataFrame(
        {"id": ["thr:r"], "name": ["Ransomware"], "severity": pd.array([3], dtype="Int64")}
    )
    relationships = pd.DataFrame(
        {
            "source": ["EST", "LVA", "EST", "thr:r", "EST"],
            "type": ["MEMBER_OF", "MEMBER_OF", "COOPERATES_WITH", "TARGETS", "HAS_CAPABILITY"],
            "target": ["NATO", "NATO", "LVA", "EST", "cap:ir"],
            "since": pd.array([2004, 2004, pd.NA, pd.NA, pd.NA], dtype="Int64"),
            "weight": [np.nan, np.nan, 2.5, np.nan, np.nan],
            "level": [np.nan, np.nan, np.nan, np.nan, 0.8],
            "source_ref": ["NATO website", None, None, None, None],
        }
    )
    return {
        "actors": actors,
        "capabilities": capabilities,
        "threats": threats,
        "relationships": relationships,
    }


def test_pandas_round_trip_is_exact():
    given = _frames()
    G = gk.from_pandas(**given)
    back = gk.to_pandas(G)
    assert list(back) == ["actors", "capabilities", "threats", "relationships"]
    for name, frame in given.items():
        if name == "relationships":  # a graph keeps relationships grouped by source node
            back[name] = _by_ends(back[name])
            frame = _by_ends(frame)
        pd.testing.assert_frame_equal(back[name], frame, check_dtype=True)


def _by_ends(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["source", "type", "target"], kind="stable").reset_index(drop=True)


def test_values_as_the_graph_holds_them():
    G = gk.from_pandas(**_frames())
    est, lva, nato = G.nodes["EST"], G.nodes["LVA"], G.nodes["NATO"]
    assert est["founded"] == 1991 and type(est["founded"]) is int
    assert "founded" not in lva and "score" not in lva and "eu" not in nato  # NA, NaN, pd.NA absent
    assert est["eu"] is True and est["joined"] == dt.date(2004, 3, 29)
    assert est["sectors"] == ["gov", "energy"] and est["note"] == "001"
    edge = G["EST"]["NATO"][0]
    assert edge == {"type": "MEMBER_OF", "since": 2004, "source": "NATO website"}
    assert G["EST"]["cap:ir"][0]["level"] == 0.8


def test_graph_round_trip_through_pandas_is_exact():
    sample = gk.load(gk.SAMPLE)
    assert gk.graph_diff(sample, gk.from_pandas(**gk.to_pandas(sample))) == []


def test_capabilities_and_threats_are_optional():
    f = _frames()
    rels = f["relationships"].iloc[:3].reset_index(drop=True)
    G = gk.from_pandas(f["actors"], rels)
    assert gk.summary(G)["nodes"]["Actor"] == 4 and G.number_of_edges() == 3


def test_optional_files_in_a_folder(tmp_path):
    sample = gk.SAMPLE
    folder = shutil.copytree(sample, tmp_path / "actors-only")
    (folder / "capabilities.csv").unlink()
    (folder / "threats.csv").unlink()
    rels = pd.read_csv(folder / "relationships.csv", dtype=str, keep_default_na=False)
    keep = rels["type"].isin(["MEMBER_OF", "COOPERATES_WITH"])
    rels[keep].to_csv(folder / "relationships.csv", index=False)
    G = gk.load(folder)
    assert gk.summary(G)["nodes"].get("Capability", 0) == 0
    assert G.number_of_edges() == int(keep.sum())
    out = gk.write(G, tmp_path / "book.xlsx")
    assert gk.graph_diff(G, gk.load(out)) == []


def _bad_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    actors = pd.DataFrame(
        {
            "id": ["EST", "LVA", None, "EST"],
            "name": ["Estonia", "Latvia", "Nobody", "Again"],
            "kind": ["state", "Company", "state", "state"],
            "founded": ["1991", "soon", None, None],
        }
    )
    rels = pd.DataFrame(
        {"source": ["EST", "LVA"], "type": ["MEMBER_F", "MEMBER_OF"], "target": ["NATO", "est"]}
    )
    return actors, rels


def test_problems_are_those_of_the_csv_loader(tmp_path):
    """The independent expectation: the same frames written with to_csv and read by the CSV loader."""
    actors, rels = _bad_frames()
    folder = tmp_path / "bad"
    folder.mkdir()
    actors.to_csv(folder / "actors.csv", index=False)
    rels.to_csv(folder / "relationships.csv", index=False)
    with pytest.raises(gk.DatasetError) as from_csv:
        gk.load(folder)
    with pytest.raises(gk.DatasetError) as from_frames:
        gk.from_pandas(actors, rels)
    csv_problems = [
        (p.file.split("/")[-1].removesuffix(".csv"), p.line, p.column) for p in from_csv.value.problems
    ]
    frame_problems = [(p.file, p.line, p.column) for p in from_frames.value.problems]
    assert frame_problems == csv_problems
    assert [p.message for p in from_frames.value.problems] == [p.message for p in from_csv.value.problems]
    # the rows and columns at fault, by hand: df.iloc[i] is line i + 2
    assert ("actors", 3, "kind") in frame_problems  # 'Company' (df.iloc[1])
    assert ("actors", 4, "id") in frame_problems  # empty id (df.iloc[2])
    assert ("actors", 5, "id") in frame_problems  # duplicate EST (df.iloc[3])
    assert ("relationships", 2, "type") in frame_problems


def test_not_a_frame_is_a_clear_error():
    with pytest.raises(gk.DatasetError, match="actors: is a list, not a pandas DataFrame"):
        gk.from_pandas([{"id": "EST"}], None)


def test_datetime64_and_numpy_values():
    actors = pd.DataFrame(
        {
            "id": ["EST"],
            "name": ["Estonia"],
            "kind": ["state"],
            "joined": pd.to_datetime(["2004-03-29"]),
            "members": np.array([7], dtype=np.int32),
        }
    )
    G = gk.from_pandas(actors, None)
    assert G.nodes["EST"]["joined"] == dt.date(2004, 3, 29) and G.nodes["EST"]["members"] == 7


def test_query_a_graph_built_from_frames():
    f = _frames()
    G = gk.from_pandas(**f)
    rows = gk.query("MATCH (a:Actor)-[:MEMBER_OF]->(n:Actor {id: 'NATO'}) RETURN a.id AS id ORDER BY id", G)
    assert rows["id"].tolist() == ["EST", "LVA"]  # by hand from the relationships frame


def test_nullable_extension_dtypes_are_absent_where_missing():
    actors = pd.DataFrame(
        {
            "id": pd.array(["EST", "LVA"], dtype="string"),
            "name": pd.array(["Estonia", "Latvia"], dtype="string"),
            "kind": ["state", "state"],
            "motto": pd.array([pd.NA, "x"], dtype="string"),
            "score": pd.array([0.5, pd.NA], dtype="Float64"),
            "eu": pd.array([pd.NA, True], dtype="boolean"),
            "seen": pd.to_datetime(["2020-01-02", None]),
        }
    )
    G = gk.from_pandas(actors, None)
    assert G.nodes["EST"] == {
        "label": "Actor",
        "name": "Estonia",
        "kind": "state",
        "score": 0.5,
        "seen": dt.date(2020, 1, 2),
    }
    assert G.nodes["LVA"] == {"label": "Actor", "name": "Latvia", "kind": "state", "motto": "x", "eu": True}
