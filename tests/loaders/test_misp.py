"""MISP galaxy importer: hand-written clusters and the clusters pymispgalaxies ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.cli import main
from graphkit.errors import FormatError, GraphkitError
from graphkit.loaders.misp import RequirementRules, installed_galaxy_path, load_misp_galaxy

pytest.importorskip("pymispgalaxies")

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "misp_threat_actor_small.json"
CURATED = Path(__file__).parents[2] / "data" / "cyber-multilateral-curated"


def _edges(G, type_, source=None):
    return {
        (u, v): d for u, v, d in G.edges(data=True) if d["type"] == type_ and (source is None or u == source)
    }


@pytest.fixture(scope="module")
def small():
    return load_misp_galaxy(SMALL)


@pytest.fixture(scope="module")
def curated():
    return gk.load(CURATED)


@pytest.fixture(scope="module")
def installed():
    return load_misp_galaxy(installed_galaxy_path("threat-actor"))


def test_small_threats_and_aliases(small):
    G = small.graph
    threats = dict(gk.graph.nodes_of(G, "Threat"))
    assert set(threats) == {
        "threat:11111111-1111-4111-8111-111111111111",
        "threat:22222222-2222-4222-8222-222222222222",
        "threat:33333333-3333-4333-8333-333333333333",
        "threat:44444444-4444-4444-8444-444444444444",
    }
    alpha = threats["threat:11111111-1111-4111-8111-111111111111"]
    assert alpha["name"] == "Alpha Panda"
    assert alpha["aliases"] == ["APT-A", "G9999"]  # the name itself is not an alias
    assert alpha["attack_id"] == "G9999"
    assert alpha["incident_types"] == ["Espionage"]
    assert gk.validate(G) == []


def test_small_targets_attribution_and_unmatched(small):
    G = small.graph
    alpha, beta = "threat:11111111-1111-4111-8111-111111111111", "threat:22222222-2222-4222-8222-222222222222"
    targets = _edges(G, "TARGETS", alpha)
    assert {v for _, v in targets} == {"USA", "KOR", "DEU"}
    assert targets[(alpha, "USA")]["sectors"] == ["Government", "Military"]
    assert G.nodes["KOR"]["kind"] == "state" and G.nodes["KOR"]["iso3"] == "KOR"
    assert {v for _, v in _edges(G, "TARGETS", beta)} == {"UKR"}  # listed twice, one edge
    attributed = _edges(G, "ATTRIBUTED_TO")
    assert set(attributed) == {(alpha, "CHN"), (beta, "RUS")}  # CN and China are one sponsor; Unknown is none
    assert attributed[(alpha, "CHN")]["confidence"] == 0.5
    assert dict(small.unmatched) == {"Middle East": 1, "NATO": 1, "Bank of America": 1}
    report = small.report()
    assert "3 names matched no actor" in report and "Bank of America" in report


def test_actors_graph_matches_organisations(curated):
    result = load_misp_galaxy(SMALL, actors=curated, capabilities=curated)
    alpha = "threat:11111111-1111-4111-8111-111111111111"
    assert "NATO" in {v for _, v in _edges(result.graph, "TARGETS", alpha)}
    assert result.graph.nodes["NATO"] == curated.nodes["NATO"]  # copied with every property
    assert dict(result.unmatched) == {"Middle East": 1, "Bank of America": 1}


def test_requires_follows_the_rules(small):
    G = small.graph
    req = {(u, v): d["weight"] for u, v, d in G.edges(data=True) if d["type"] == "REQUIRES"}
    alpha = "threat:11111111-1111-4111-8111-111111111111"
    beta = "threat:22222222-2222-4222-8222-222222222222"
    delta = "threat:44444444-4444-4444-8444-444444444444"
    # hand-read from graphkit/data/requirement_rules.csv
    assert req[(alpha, "cap:security_monitoring")] == 1.0
    assert req[(alpha, "cap:incident_response")] == 0.8  # max of the '*' rule (0.5) and Espionage (0.8)
    assert req[(beta, "cap:ddos_mitigation")] == 1.0
    assert req[(beta, "cap:critical_infrastructure_protection")] == 1.0
    assert {v for (u, v) in req if u == delta} == {"cap:incident_response", "cap:threat_intelligence_sharing"}


def test_installed_threat_actor_file_gives_864_threats(installed):
    raw = json.loads(installed_galaxy_path("threat-actor").read_text(encoding="utf-8"))
    assert len(raw["values"]) == 864
    assert gk.summary(installed.graph)["nodes"]["Threat"] == 864
    assert gk.validate(installed.graph) == []


def test_installed_apt1_victims(installed):
    # PLA Unit 61398 (APT1): the 15 suspected victims listed in threat-actor.json, by hand
    tid = "threat:1cb7e1cc-d695-42b1-92f4-fd0112a3c9be"
    G = installed.graph
    assert G.nodes[tid]["name"] == "APT1" and "Comment Crew" in G.nodes[tid]["aliases"]
    victims = {v for _, v in _edges(G, "TARGETS", tid)}
    assert victims == {
        "USA",
        "TWN",
        "ISR",
        "NOR",
        "ARE",
        "GBR",
        "SGP",
        "IND",
        "BEL",
        "ZAF",
        "CHE",
        "CAN",
        "FRA",
        "LUX",
        "JPN",
    }
    assert {v for _, v in _edges(G, "ATTRIBUTED_TO", tid)} == {"CHN"}


def test_installed_unmatched_names_are_not_countries(installed):
    countries = json.loads(installed_galaxy_path("country").read_text(encoding="utf-8"))["values"]
    names = {c["value"].casefold() for c in countries} | {c["description"].casefold() for c in countries}
    assert {"Middle East", "Europe", "Bank of America"} <= set(installed.unmatched)
    assert not {n.casefold() for n in installed.unmatched} & names
    assert len(_edges(installed.graph, "TARGETS")) >= 500


def test_technique_level_requires():
    paths = [
        installed_galaxy_path(n)
        for n in ("threat-actor", "mitre-intrusion-set", "mitre-course-of-action", "mitre-attack-pattern")
    ]
    result = load_misp_galaxy(paths)
    G = result.graph
    apt29 = [n for n, d in G.nodes(data=True) if d.get("attack_id") == "G0016"]
    assert len(apt29) == 1
    edge = _edges(G, "REQUIRES", apt29[0])[(apt29[0], "cap:identity_access_management")]
    assert "T1078" in edge["via"]  # APT29 uses Valid Accounts; M1032 (MFA) mitigates it
    assert 0 < edge["weight"] <= 1
    # the 864 threat actors stay; only intrusion sets that match none are added
    assert 864 <= gk.summary(G)["nodes"]["Threat"] < 864 + 183


def test_default_rules_name_known_capabilities(curated):
    rules = RequirementRules.default()
    caps = {n for n, _ in gk.graph.nodes_of(curated, "Capability")}
    assert rules.capabilities <= caps


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("misp_missing_value.json", "values[0]: field 'value'"),
        ("misp_broken.json", "not valid JSON"),
        ("does_not_exist.json", "no such file"),
    ],
)
def test_bad_input_names_file_and_field(name, needle):
    with pytest.raises(FormatError) as info:
        load_misp_galaxy(FIXTURES / name)
    assert name in str(info.value) and needle in str(info.value)


def test_unsupported_galaxy_type():
    with pytest.raises(GraphkitError, match="field 'type'.*'sector' is not supported"):
        load_misp_galaxy(installed_galaxy_path("sector"))


def test_cli_import_and_clean_error(tmp_path, capsys):
    out = tmp_path / "threats"
    assert main(["import", "misp-galaxy", str(SMALL), "-o", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "Bank of America" in printed and "wrote" in printed
    assert gk.summary(gk.load(out))["nodes"]["Threat"] == 4
    assert (
        main(["import", "misp-galaxy", str(FIXTURES / "misp_broken.json"), "-o", str(tmp_path / "x"), "-q"])
        == 2
    )
    err = capsys.readouterr().err
    assert "misp_broken.json" in err and "Traceback" not in err
