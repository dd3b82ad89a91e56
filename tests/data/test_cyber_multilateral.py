"""The default dataset: real memberships and codes checked against independent lists."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.cli import main

ROOT = Path(__file__).parents[2]
DATASET = ROOT / "data" / "cyber-multilateral"
CURATED = ROOT / "data" / "cyber-multilateral-curated"

# Membership lists written out by hand from the organisations' own pages (2025).
NATO = set(
    ["ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "ISL", "ITA", "LVA", "LTU", "LUX", "MNE", "NLD", "MKD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "TUR", "GBR", "USA"]
)
EU = set(
    ["AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE"]
)
FIVE_EYES = {"USA", "GBR", "CAN", "AUS", "NZL"}
G7 = {"USA", "GBR", "FRA", "DEU", "ITA", "JPN", "CAN", "EU"}
G20 = set(["ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR", "MEX", "RUS", "SAU", "ZAF", "TUR", "GBR", "USA", "EU", "AU"])
QUAD = {"USA", "JPN", "IND", "AUS"}
ASEAN = set(["BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM", "TLS"])
SCO = set(["CHN", "RUS", "KAZ", "KGZ", "TJK", "UZB", "IND", "PAK", "IRN", "BLR"])
CSTO = set(["RUS", "BLR", "ARM", "KAZ", "KGZ", "TJK"])
BRICS = set(["BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE", "IDN"])


@pytest.fixture(scope="module")
def G():
    return gk.load(DATASET)


@pytest.fixture(scope="module")
def members(G):
    out = defaultdict(set)
    for u, v, d in G.edges(data=True):
        if d["type"] == "MEMBER_OF":
            out[v].add(u)
    return out


def test_valid_and_big_enough(G):
    assert gk.validate(G) == []
    s = gk.summary(G)
    kinds = s["actor_kinds"]
    assert kinds["state"] >= 60
    assert kinds["alliance"] + kinds["international_org"] >= 20
    assert kinds["company"] + kinds["ngo"] + kinds["cert"] >= 15
    assert s["nodes"]["Threat"] >= 150
    assert s["nodes"]["Capability"] >= 10
    assert s["relationships"]["TARGETS"] >= 500
    assert s["relationships"]["REQUIRES"] > 0
    assert s["relationships"]["COOPERATES_WITH"] > 0


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        ("NATO", NATO),
        ("EU", EU),
        ("FIVE_EYES", FIVE_EYES),
        ("G7", G7),
        ("G20", G20),
        ("QUAD", QUAD),
        ("ASEAN", ASEAN),
        ("SCO", SCO),
        ("CSTO", CSTO),
        ("BRICS", BRICS),
    ],
)
def test_memberships(members, org, expected):
    assert members[org] == expected


def test_membership_counts(members):
    assert (len(members["NATO"]), len(members["EU"]), len(members["FIVE_EYES"])) == (32, 27, 5)


def test_accession_years(G):
    since = {(u, v): d.get("since") for u, v, d in G.edges(data=True) if d["type"] == "MEMBER_OF"}
    assert since[("SWE", "NATO")] == 2024
    assert since[("FIN", "NATO")] == 2023
    assert since[("MKD", "NATO")] == 2020
    assert since[("HRV", "EU")] == 2013
    assert since[("TLS", "ASEAN")] == 2025


def test_every_state_has_a_valid_iso3(G):
    pytest.importorskip("pymispgalaxies")
    from graphkit.loaders.misp import installed_galaxy_path

    countries = json.loads(installed_galaxy_path("country").read_text(encoding="utf-8"))["values"]
    iso3 = {c["meta"]["ISO3"] for c in countries}
    states = [(n, d) for n, d in gk.graph.nodes_of(G, "Actor") if d["kind"] == "state"]
    assert states
    for n, d in states:
        assert d.get("iso3") == n and n in iso3, n
        assert d.get("region"), n


def test_every_row_has_a_source(G):
    for n, d in G.nodes(data=True):
        assert d.get("source"), n
    for u, v, d in G.edges(data=True):
        assert d.get("source"), (u, d["type"], v)


def test_estimates_are_marked_and_in_range(G):
    for u, v, d in G.edges(data=True):
        if d["type"] == "HAS_CAPABILITY":
            assert 0 <= d["level"] <= 1
            assert d["source"].startswith("estimate:"), (u, v)
        if d["type"] == "COOPERATES_WITH":
            assert d.get("instrument"), (u, v)
        if d["type"] == "REQUIRES":
            assert 0 < d["weight"] <= 1


def test_all_misp_threat_actors_are_in(G):
    pytest.importorskip("pymispgalaxies")
    from graphkit.loaders.misp import installed_galaxy_path

    raw = json.loads(installed_galaxy_path("threat-actor").read_text(encoding="utf-8"))["values"]
    assert {f"threat:{v['uuid']}" for v in raw} <= set(G.nodes)


def test_curated_part_has_no_threats():
    assert gk.summary(gk.load(CURATED))["nodes"]["Threat"] == 0


def test_cli_validate_and_info(capsys):
    assert main(["validate", str(DATASET)]) == 0
    capsys.readouterr()
    assert main(["info", str(DATASET), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["actor_kinds"]["state"] >= 60


def test_committed_dataset_is_what_the_build_script_makes(G, tmp_path):
    pytest.importorskip("pymispgalaxies")
    out = tmp_path / "rebuilt"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_cyber_multilateral.py"), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert gk.graph_diff(G, gk.load(out)) == []
    for name in ("actors.csv", "capabilities.csv", "threats.csv", "relationships.csv"):
        assert (out / name).read_bytes() == (DATASET / name).read_bytes(), name
