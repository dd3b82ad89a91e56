"""State capability levels from ITU GCI 2024 pillars, and the non-state estimates file."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphkit.errors import FormatError

ROOT = Path(__file__).parents[2]
CURATED = ROOT / "data" / "cyber-multilateral-curated"
GCI = ROOT / "data" / "capability-indices" / "gci_2024_itu_data360.csv"
MAPPING = CURATED / "gci_mapping.csv"
PILLARS = ["legal", "technical", "organizational", "capacity_development", "cooperation"]
CITATION = "ITU Global Cybersecurity Index 2024 (5th edition), via World Bank Data360 ITU_GCI"


def _module():
    spec = importlib.util.spec_from_file_location(
        "gci_capabilities", ROOT / "scripts" / "gci_capabilities.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gci = _module()


@pytest.fixture(scope="module")
def scores():
    return pd.read_csv(GCI).set_index("iso3")


@pytest.fixture(scope="module")
def all_rows(scores):
    return pd.DataFrame(gci.capability_rows(scores.index))


def _csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# -- the mapping file -------------------------------------------------------------------
def test_mapping_covers_every_capability_once_with_valid_weights():
    rows = _csv(MAPPING)
    caps = [r["id"] for r in _csv(CURATED / "capabilities.csv")]
    assert sorted(r["capability_id"] for r in rows) == sorted(caps)  # each capability exactly once
    assert list(rows[0]) == ["capability_id", *PILLARS, "rationale"]
    assessed = 0
    for r in rows:
        assert r["rationale"].strip(), r["capability_id"]
        weights = [float(r[p]) for p in PILLARS if r[p].strip()]
        if weights:
            assessed += 1
            assert all(0 < w <= 1 for w in weights)
            assert sum(weights) == pytest.approx(1.0, abs=1e-9), r["capability_id"]
        else:
            assert r["rationale"].startswith("Not assessed for states"), r["capability_id"]
    assert assessed == len(gci.read_mapping(MAPPING)) == 10


@pytest.mark.parametrize(
    "text, message",
    [
        ("cap:x,0.5,0.4,,,,why\n", "sum to 0.9"),
        ("cap:x,abc,,,,,why\n", "'legal': 'abc' is not a number"),
        ("cap:x,1.5,,,,,why\n", "outside (0, 1]"),
        ("cap:x,1,,,,,\n", "'rationale' is empty"),
        ("cap:x,1,,,,,why\ncap:x,,,,,,why\n", "appears twice"),
    ],
)
def test_bad_mapping_names_file_line_and_column(tmp_path, text, message):
    path = tmp_path / "m.csv"
    path.write_text("capability_id," + ",".join(PILLARS) + ",rationale\n" + text, encoding="utf-8")
    with pytest.raises(FormatError) as err:
        gci.read_mapping(path)
    assert f"{path}:" in str(err.value) and message in str(err.value)


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(FormatError, match="no such file"):
        gci.capability_rows(["USA"], index=tmp_path / "absent.csv")


# -- levels, computed by hand from the CSV ----------------------------------------------
def _level(rows, state, cap):
    (lv,) = [r["level"] for r in rows if r["source"] == state and r["target"] == cap]
    return lv


def test_hand_computed_levels(scores):
    rows = gci.capability_rows(["JPN", "IRN", "GHA", "PRK"])
    jpn, irn = scores.loc["JPN"], scores.loc["IRN"]
    # Japan, incident response = (0.7 x technical 19.597384 + 0.3 x organizational 20) / 20
    assert jpn["gci2024_technical"] == pytest.approx(19.597384, abs=1e-6)
    assert _level(rows, "JPN", "cap:incident_response") == pytest.approx(0.986, abs=5e-4)
    # Iran, threat-intelligence sharing = (0.4 x technical + 0.6 x cooperation) / 20
    expected = (0.4 * irn["gci2024_technical"] + 0.6 * irn["gci2024_cooperation"]) / 20
    assert _level(rows, "IRN", "cap:threat_intelligence_sharing") == pytest.approx(expected, abs=5e-4)
    # Iran, norms diplomacy = cooperation / 20; security awareness = capacity development / 20
    assert _level(rows, "IRN", "cap:norms_diplomacy") == pytest.approx(
        irn["gci2024_cooperation"] / 20, abs=5e-4
    )
    assert _level(rows, "IRN", "cap:security_awareness") == pytest.approx(
        irn["gci2024_capacity_development"] / 20, abs=5e-4
    )
    # Ghana (GCI 2024 Tier 1, overall 99.27): legal, technical and cooperation all 20
    assert _level(rows, "GHA", "cap:law_enforcement_cooperation") == 1.0
    assert _level(rows, "GHA", "cap:security_monitoring") == 1.0
    # North Korea: technical pillar 0 -> no monitoring
    assert _level(rows, "PRK", "cap:security_monitoring") == 0.0


def test_rows_shape_range_and_citation(all_rows, scores):
    weights = gci.read_mapping(MAPPING)
    assert set(all_rows.columns) == {"source", "type", "target", "level", "source_ref", "assessment"}
    assert all_rows.notna().all().all()
    assert (all_rows["type"] == "HAS_CAPABILITY").all()
    assert all_rows["level"].between(0, 1).all()
    assert set(all_rows["source"]) == set(scores.index)  # every GCI state
    assert len(all_rows) == len(scores) * len(weights)
    assert set(all_rows["target"]) == set(weights)  # unassessed capabilities give no rows
    for cap, ref in all_rows[["target", "source_ref"]].drop_duplicates().itertuples(index=False):
        assert ref.startswith(CITATION)
        for pillar in weights[cap]:
            assert pillar.replace("_", " ") in ref


def test_states_without_gci_and_non_states_get_no_rows():
    actors = pd.read_csv(CURATED / "actors.csv")
    ids = list(actors["id"])
    rows = gci.capability_rows(ids)
    states = set(actors.loc[actors["kind"] == "state", "id"])
    assert {r["source"] for r in rows} <= states
    # ITU covers neither Taiwan nor the Sahrawi Republic; Palau is absent from the Data360 series
    assert gci.states_without_gci(states) == ["ESH", "PLW", "TWN"]
    assert "TWN" not in {r["source"] for r in rows}


def test_mean_level_tracks_gci_overall(all_rows, scores):
    mean = all_rows.groupby("source")["level"].mean()
    both = pd.DataFrame({"mean": mean, "overall": scores.loc[mean.index, "gci2024_overall"]})
    rho = both.corr(method="spearman").loc["mean", "overall"]
    # the same by hand: Pearson correlation of average ranks
    r1, r2 = both["mean"].rank().to_numpy(), both["overall"].rank().to_numpy()
    rho_hand = np.corrcoef(r1, r2)[0, 1]
    assert rho == pytest.approx(rho_hand, abs=1e-9)
    assert rho >= 0.8
    curated = pd.read_csv(CURATED / "actors.csv").query("kind == 'state'")["id"]
    sub = both[both.index.isin(curated)]
    assert sub.corr(method="spearman").loc["mean", "overall"] >= 0.8


def test_threshold_proximity_is_counted_against_the_default_threshold(all_rows):
    from graphkit.defaults import DEFAULT_THRESHOLD

    expected = int(((all_rows["level"] - DEFAULT_THRESHOLD).abs() <= 0.05 + 1e-12).sum())
    assert gci.near_threshold(all_rows.to_dict("records")) == expected
    assert gci.near_threshold([{"level": 0.45}, {"level": 0.56}, {"level": 0.5}]) == 2


# -- the non-state estimates ------------------------------------------------------------
def test_capability_estimates_are_non_state_estimates():
    header = (CURATED / "capability_estimates.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[:3] == ["source", "type", "target"] and "level" in header
    kinds = {r["id"]: r["kind"] for r in _csv(CURATED / "actors.csv")}
    caps = {r["id"] for r in _csv(CURATED / "capabilities.csv")}
    rows = _csv(CURATED / "capability_estimates.csv")
    assert len(rows) > 100
    pairs = set()
    for r in rows:
        assert r["type"] == "HAS_CAPABILITY"
        assert kinds[r["source"]] != "state", r
        assert r["target"] in caps
        assert 0 <= float(r["level"]) <= 1
        assert r["source_ref"].startswith("estimate:")
        assert (r["source"], r["target"]) not in pairs
        pairs.add((r["source"], r["target"]))


def test_capabilities_md_states_the_computed_numbers():
    """The documented counts are the ones the code gives today."""
    from graphkit.loaders.misp import installed_galaxy_path, load_misp_galaxy

    text = (CURATED / "CAPABILITIES.md").read_text(encoding="utf-8")
    actors = pd.read_csv(CURATED / "actors.csv")
    states = actors.loc[actors["kind"] == "state", "id"]
    rows = gci.capability_rows(states)
    assert f"| levels within 0.05 of 0.5 | **714** | **{gci.near_threshold(rows)}** |" in text
    assert (
        f"| state `HAS_CAPABILITY` rows | 1,582 (19 capabilities) | {len(rows)} (10 capabilities) |" in text
    )
    assert gci.states_without_gci(states) == ["ESH", "PLW", "TWN"] and "**Taiwan (TWN)**" in text
    G = load_misp_galaxy(installed_galaxy_path("threat-actor")).graph
    basis = [d["basis"] for _, _, d in G.edges(data=True) if d["type"] == "ATTRIBUTED_TO"]
    n_sponsor, n_origin = basis.count("sponsor"), basis.count("origin")
    assert f"| after | {len(basis)} (the same edges) | **{n_sponsor}** | **{n_origin}** |" in text
