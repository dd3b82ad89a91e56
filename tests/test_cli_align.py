"""graphkit align: the table, --json, the CSV files, and errors as one line with exit 2."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from graphkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "data" / "cyber-multilateral"
VOTES = ROOT / "data" / "unga-votes"
CYBER_RCIDS = {"6073", "6138", "6156", "9076", "9093", "9087"}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("align")
    assert main(["align", str(DATASET), "--no-votes", "-o", str(out), "-q"]) == 0
    return out


def test_alignment_csv_equals_agreement_recomputed_from_the_raw_votes(written):
    """Every pair of alignment.csv against the raw votes, recomputed with csv and plain loops."""
    iso2 = {}
    with open(DATASET / "actors.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["kind"] == "state" and r["iso2"]:
                iso2[r["iso2"]] = r["id"]
    score = {"yes": 1.0, "abstain": 0.5, "no": 0.0}
    votes: dict[str, dict[str, float]] = {}
    with gzip.open(VOTES / "votes.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["rcid"] in CYBER_RCIDS:
                code = "RS" if r["country_code"] == "YU" else r["country_code"]
                votes.setdefault(iso2[code], {})[r["rcid"]] = score[r["vote"]]
    # the convention's signatures (weight 0.5, docs/alignment.md), from the hand-entered list
    with open(
        ROOT / "data" / "endorsements" / "un-cybercrime-convention-signatures.csv", encoding="utf-8"
    ) as f:
        for r in csv.DictReader(f):
            if r["actor_id"] in iso2.values():
                votes.setdefault(r["actor_id"], {})["signed"] = 1.0
    weight = {"signed": 0.5}
    with open(written / "alignment.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    ids = sorted(votes)
    sharing = {(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if set(votes[a]) & set(votes[b])}
    assert {(r["actor_a"], r["actor_b"]) for r in rows} == sharing  # pairs with a shared vote
    for r in rows:
        a, b = votes[r["actor_a"]], votes[r["actor_b"]]
        shared = set(a) & set(b)
        want = sum(weight.get(x, 1) * (1 - abs(a[x] - b[x])) for x in shared) / sum(
            weight.get(x, 1) for x in shared
        )
        assert float(r["agreement"]) == pytest.approx(want, abs=1e-6), (r["actor_a"], r["actor_b"])
        assert int(r["n_shared"]) == len(shared)


def test_positions_csv_has_axis_and_camp(written):
    with open(written / "positions.csv", encoding="utf-8", newline="") as f:
        rows = {r["actor_id"]: r for r in csv.DictReader(f)}
    assert rows["USA"]["camp_name"] == "with United States" and float(rows["USA"]["axis"]) > 0
    assert rows["RUS"]["camp_name"] == "with Russia" and float(rows["RUS"]["axis"]) < 0
    assert {"swing", "margin", "camp_sponsor"} <= set(rows["USA"])
    assert sorted(p.name for p in written.iterdir()) == [
        "alignment.csv",
        "camps.csv",
        "positions.csv",
        "shifts.csv",
    ]


def test_json_for_an_actor(capsys):
    assert main(["align", str(DATASET), "VEN", "--json", "--no-votes"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["norms"] == [
        "A/RES/73/187",
        "A/RES/73/266",
        "A/RES/73/27",
        "A/RES/74/247",
        "A/RES/74/28",
        "A/RES/74/29",
        "UN-CYBERCRIME-CONVENTION",
    ]
    assert {c["camp_name"] for c in out["camps"]} == {
        "with United States",
        "with Russia",
        "between",
    }
    actor = out["actor"]
    assert actor["position"]["camp_name"] == "with Russia"
    camp = {}
    for c in out["camps"]:
        for m in c["members"]:
            camp[m] = c["camp_name"]
    assert actor["partners"], "VEN has an open gap that somebody like-minded closes"
    assert all(camp.get(p["partner_id"]) != "with United States" for p in actor["partners"])
    assert actor["coalition"]["reached"] is True


def test_table_for_an_actor(capsys):
    assert main(["align", str(DATASET), "SYR", "--no-votes"]) == 0
    out = capsys.readouterr().out
    assert "camps on the norms:" in out
    assert "SYR: axis -" in out and "camp with Russia" in out
    assert "like-minded partners that close its gap:" in out


def test_general_votes_beside_the_dataset(capsys):
    assert main(["align", str(DATASET), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["votes"].endswith("unga-votes")
    assert out["periods"][0].startswith("sessions 69-71") and out["periods"][1].startswith("sessions 72-74")
    assert out["general_camps"]


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["XXX"], "no actor with id 'XXX'"),
        (["--norm", "A/RES/1/1"], "no Norm with id 'A/RES/1/1'"),
        (["--votes", "/nonexistent"], "not a UN General Assembly votes folder"),
        (["USA", "--alignment-weight", "2"], "alignment_weight must be between 0 and 1"),
    ],
)
def test_errors_are_one_line_and_exit_2(capsys, argv, fragment):
    assert main(["align", str(DATASET), *argv]) == 2
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_viz_color_by_camp(tmp_path):
    out = tmp_path / "camps.html"
    assert main(["viz", str(DATASET), "--color-by", "camp", "-o", str(out), "-q"]) == 0
    page = out.read_text(encoding="utf-8")
    for camp in ("with United States", "with Russia", "between"):
        assert camp in page
