"""The bundled cooperation instruments: vocabulary, mandates, endpoints and sources.

Reads ``data/cyber-multilateral-curated/cooperation.csv`` with the csv module only, so
these checks hold whatever the loaders do. The expectations below are written out by
hand (the UN membership list, the instrument vocabulary and the typology -> pools
table documented in COOPERATION.md), not derived from the file under test.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).parents[2]
CURATED = ROOT / "data" / "cyber-multilateral-curated"
COLUMNS = [
    "source",
    "type",
    "target",
    "since",
    "until",
    "instrument",
    "pools",
    "topics",
    "source_ref",
    # the life cycle (issue 26; DESIGN.md "Ties have a life cycle")
    "status",
    "last_confirmed:string",
    "last_confirmed_source",
    "pools_source",
]

# The 193 UN member states, ISO 3166-1 alpha-3, written out from the UN member list.
UN_MEMBERS = set(
    [
        "AFG",
        "ALB",
        "DZA",
        "AND",
        "AGO",
        "ATG",
        "ARG",
        "ARM",
        "AUS",
        "AUT",
        "AZE",
        "BHS",
        "BHR",
        "BGD",
        "BRB",
        "BLR",
        "BEL",
        "BLZ",
        "BEN",
        "BTN",
        "BOL",
        "BIH",
        "BWA",
        "BRA",
        "BRN",
        "BGR",
        "BFA",
        "BDI",
        "CPV",
        "KHM",
        "CMR",
        "CAN",
        "CAF",
        "TCD",
        "CHL",
        "CHN",
        "COL",
        "COM",
        "COG",
        "COD",
        "CRI",
        "CIV",
        "HRV",
        "CUB",
        "CYP",
        "CZE",
        "DNK",
        "DJI",
        "DMA",
        "DOM",
        "ECU",
        "EGY",
        "SLV",
        "GNQ",
        "ERI",
        "EST",
        "SWZ",
        "ETH",
        "FJI",
        "FIN",
        "FRA",
        "GAB",
        "GMB",
        "GEO",
        "DEU",
        "GHA",
        "GRC",
        "GRD",
        "GTM",
        "GIN",
        "GNB",
        "GUY",
        "HTI",
        "HND",
        "HUN",
        "ISL",
        "IND",
        "IDN",
        "IRN",
        "IRQ",
        "IRL",
        "ISR",
        "ITA",
        "JAM",
        "JPN",
        "JOR",
        "KAZ",
        "KEN",
        "KIR",
        "PRK",
        "KOR",
        "KWT",
        "KGZ",
        "LAO",
        "LVA",
        "LBN",
        "LSO",
        "LBR",
        "LBY",
        "LIE",
        "LTU",
        "LUX",
        "MDG",
        "MWI",
        "MYS",
        "MDV",
        "MLI",
        "MLT",
        "MHL",
        "MRT",
        "MUS",
        "MEX",
        "FSM",
        "MDA",
        "MCO",
        "MNG",
        "MNE",
        "MAR",
        "MOZ",
        "MMR",
        "NAM",
        "NRU",
        "NPL",
        "NLD",
        "NZL",
        "NIC",
        "NER",
        "NGA",
        "MKD",
        "NOR",
        "OMN",
        "PAK",
        "PLW",
        "PAN",
        "PNG",
        "PRY",
        "PER",
        "PHL",
        "POL",
        "PRT",
        "QAT",
        "ROU",
        "RUS",
        "RWA",
        "KNA",
        "LCA",
        "VCT",
        "WSM",
        "SMR",
        "STP",
        "SAU",
        "SEN",
        "SRB",
        "SYC",
        "SLE",
        "SGP",
        "SVK",
        "SVN",
        "SLB",
        "SOM",
        "ZAF",
        "SSD",
        "ESP",
        "LKA",
        "SDN",
        "SUR",
        "SWE",
        "CHE",
        "SYR",
        "TJK",
        "TZA",
        "THA",
        "TLS",
        "TGO",
        "TON",
        "TTO",
        "TUN",
        "TUR",
        "TKM",
        "TUV",
        "UGA",
        "UKR",
        "ARE",
        "GBR",
        "USA",
        "URY",
        "UZB",
        "VUT",
        "VEN",
        "VNM",
        "YEM",
        "ZMB",
        "ZWE",
    ]
)

# Instrument vocabulary (COOPERATION.md, "Instrument vocabulary").
INSTRUMENTS = {
    "agreement",
    "mou",
    "dialogue",
    "joint_statement",
    "partnership",
    "capacity_building",
    "exercise",
    "joint_operation",
}

# Typology -> capability ids (COOPERATION.md, "Typology -> pools").
TOPIC_POOLS = {
    "dialogue": [],
    "confidence_building": [],
    "information_sharing": ["cap:threat_intelligence_sharing"],
    "incident_response": ["cap:incident_response"],
    "cybercrime": ["cap:law_enforcement_cooperation", "cap:digital_forensics"],
    "capacity_building": ["cap:capacity_building", "cap:security_awareness"],
    "critical_infrastructure": ["cap:critical_infrastructure_protection"],
    "defence": ["cap:network_defense", "cap:security_monitoring"],
    "collective_defence": ["all"],
    "counter_disinformation": ["cap:counter_disinformation"],
    "ddos_protection": ["cap:ddos_mitigation"],
    "financial_sector": ["cap:financial_crime_countermeasures"],
    "exercise": ["cap:incident_response"],
}

DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
YEAR = re.compile(r"(19|20)\d{2}")
URL = re.compile(r"https?://[^\s;,)]+")
# Sources the first round used that name no instrument at all.
GENERIC = ("national csirt listing", "enisa csirt inventory", "first team pages")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _read(CURATED / "cooperation.csv")


@pytest.fixture(scope="module")
def capability_ids() -> set[str]:
    return {r["id"] for r in _read(CURATED / "capabilities.csv")}


@pytest.fixture(scope="module")
def actor_ids() -> set[str]:
    ids = {r["id"] for r in _read(CURATED / "actors.csv")}
    extra = CURATED / "cooperation_actors.csv"
    if extra.exists():
        ids |= {r["id"] for r in _read(extra)}
    return ids


def _line(i: int) -> str:
    return f"cooperation.csv line {i + 2}"


def test_header_is_exactly_the_contract():
    with (CURATED / "cooperation.csv").open(newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == COLUMNS


def test_hand_written_un_list_has_193_members():
    assert len(UN_MEMBERS) == 193


def test_at_least_250_instruments(rows):
    assert len(rows) >= 250


def test_every_row_is_typed_and_dated(rows):
    for i, r in enumerate(rows):
        assert r["type"] == "COOPERATES_WITH", _line(i)
        assert DATE.match(r["since"]), f"{_line(i)}: since={r['since']!r}"
        if r["until"]:
            assert DATE.match(r["until"]), f"{_line(i)}: until={r['until']!r}"
            assert r["until"][:4] >= r["since"][:4], f"{_line(i)}: ends before it starts"


def test_every_life_cycle_is_in_order(rows):
    # last_confirmed: a year or a full date with its source, between the start and the end
    # of the term (a year alone compares by its year), never a month alone (the loader
    # refuses it); a lapsed term names its end
    year_or_day = re.compile(r"^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$")
    for i, r in enumerate(rows):
        seen = r["last_confirmed:string"]
        if seen:
            assert year_or_day.match(seen), f"{_line(i)}: last_confirmed={seen!r}"
            assert r["last_confirmed_source"].strip(), f"{_line(i)}: last_confirmed without its source"
            assert seen >= r["since"][: len(seen)], f"{_line(i)}: confirmed before it began"
            if r["until"]:
                assert seen[:4] <= r["until"], f"{_line(i)}: confirmed after its term ended"
        if r["status"] == "lapsed":
            assert r["until"], f"{_line(i)}: lapsed without until"


def test_instrument_from_vocabulary(rows):
    for i, r in enumerate(rows):
        assert r["instrument"] in INSTRUMENTS, f"{_line(i)}: instrument={r['instrument']!r}"


def test_pools_are_known_capabilities_or_all_none(rows, capability_ids):
    for i, r in enumerate(rows):
        pools = r["pools"]
        if pools in ("all", "none"):
            continue
        caps = pools.split(";")
        assert len(caps) == len(set(caps)), f"{_line(i)}: repeated capability"
        unknown = set(caps) - capability_ids
        assert not unknown, f"{_line(i)}: unknown capability ids {sorted(unknown)}"


def test_pools_follow_the_documented_typology(rows):
    for i, r in enumerate(rows):
        topics = r["topics"].split(";")
        assert topics and all(t in TOPIC_POOLS for t in topics), f"{_line(i)}: topics={r['topics']!r}"
        expected = {c for t in topics for c in TOPIC_POOLS[t]}
        if "all" in expected:
            assert r["pools"] == "all", _line(i)
        elif not expected:
            assert r["pools"] == "none", _line(i)
        else:
            assert set(r["pools"].split(";")) == expected, _line(i)


def test_all_only_for_collective_defence(rows):
    for i, r in enumerate(rows):
        if r["pools"] == "all":
            assert "collective_defence" in r["topics"].split(";"), _line(i)


def test_source_ref_is_specific(rows):
    for i, r in enumerate(rows):
        ref = r["source_ref"].strip()
        assert ref, f"{_line(i)}: empty source_ref"
        assert not any(g in ref.lower() for g in GENERIC), f"{_line(i)}: generic source"
        prose = URL.sub("", ref)
        # A document title and a date, not an address alone.
        assert len(re.sub(r"[\W_]+", "", prose)) >= 20, f"{_line(i)}: no document named"
        assert YEAR.search(prose), f"{_line(i)}: no date in source_ref"
        for url in URL.findall(ref):
            parsed = urlparse(url)
            assert parsed.netloc, f"{_line(i)}: malformed URL {url}"
            assert parsed.path.strip("/") or parsed.query, f"{_line(i)}: home page only: {url}"


def test_no_duplicate_pair_instrument_year(rows):
    # Same pair, same instrument type, same start: a duplicate. Two rows dated to the day
    # (YYYY-MM-DD) with different days are two instruments (e.g. USA-ISR 2022: the DHS-INCD
    # statement of intent of 2 Mar and the Treasury-MoF MoU of 23 Aug); a year-only `since`
    # still collides with any row of that year.
    seen: dict[tuple, list[tuple[int, str]]] = {}
    for i, r in enumerate(rows):
        group = (frozenset((r["source"], r["target"])), r["instrument"])
        since = r["since"]
        for j, other in seen.get(group, []):
            year_only = len(since) == 4 or len(other) == 4
            same = since == other or (year_only and since[:4] == other[:4])
            assert not same, f"{_line(i)} repeats line {j + 2}"
        seen.setdefault(group, []).append((i, since))


def test_endpoints_resolve(rows, actor_ids):
    for i, r in enumerate(rows):
        assert r["source"] != r["target"], f"{_line(i)}: self-loop"
        for end in (r["source"], r["target"]):
            assert end in UN_MEMBERS or end in actor_ids, f"{_line(i)}: unknown endpoint {end}"


def test_cooperation_actors_match_actor_schema():
    path = CURATED / "cooperation_actors.csv"
    with path.open(newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    with (CURATED / "actors.csv").open(newline="", encoding="utf-8") as f:
        assert header == next(csv.reader(f))  # same columns, same order: the build stacks them
    existing = {r["id"] for r in _read(CURATED / "actors.csv")}
    kinds = {"state", "alliance", "international_org", "company", "ngo", "cert", "other"}
    for r in _read(path):
        assert r["id"] not in existing, f"{r['id']} already in actors.csv"
        assert r["id"] not in UN_MEMBERS, f"{r['id']} is a state id"
        assert r["kind"] in kinds, r["id"]
        assert r["source"].strip(), r["id"]
