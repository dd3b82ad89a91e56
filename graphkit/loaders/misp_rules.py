"""The rule files behind the MISP importer: country names, requirement rules, attribution.

Each rule file lives in ``graphkit/data`` or ``graphkit/loaders/data`` and is read once;
every rule line names its source. :mod:`graphkit.loaders.misp` applies them.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from graphkit.errors import FormatError
from graphkit.loaders.graphfile import read_json
from graphkit.loaders.source import open_input
from graphkit.suggest import path_hint

__all__ = [
    "CountryIndex",
    "RequirementRules",
    "AttributionRule",
    "AttributionRules",
    "attribution_rules",
    "normalised_name",
    "installed_galaxy_path",
    "read_cluster_file",
]

_CONTINENTS = {
    "EU": "Europe",
    "AS": "Asia",
    "AF": "Africa",
    "NA": "North America",
    "SA": "South America",
    "OC": "Oceania",
    "AN": "Antarctica",
}


class CountryIndex:
    """Country names, ISO 3166 alpha-2 and alpha-3 codes -> one record per country.

    Built from MISP galaxy ``country.json`` plus graphkit's ``country_aliases.csv``.
    """

    def __init__(self, records: Iterable[Mapping[str, str]], aliases: Mapping[str, str] | None = None):
        self.by_iso3: dict[str, dict[str, str]] = {}
        self._names: dict[str, str] = {}
        for r in records:
            iso3 = r["iso3"]
            self.by_iso3[iso3] = dict(r)
            for key in (r.get("name"), r.get("value"), r.get("iso2"), iso3):
                if key:
                    self._names.setdefault(normalised_name(key), iso3)
        for name, iso3 in (aliases or {}).items():
            if iso3 in self.by_iso3:
                self._names[normalised_name(name)] = iso3

    @classmethod
    def from_galaxy(cls, path: str | os.PathLike[str] | None = None) -> CountryIndex:
        """From a ``country.json`` cluster file (the installed one when ``path`` is None)."""
        path = Path(path) if path is not None else installed_galaxy_path("country")
        cluster = read_cluster_file(path)
        return cls._from_cluster(cluster, path)

    @classmethod
    def _from_cluster(cls, cluster: dict[str, Any], path: Path) -> CountryIndex:
        records = []
        for i, v in enumerate(cluster["values"]):
            meta = v.get("meta") or {}
            iso3, iso2 = meta.get("ISO3"), meta.get("ISO")
            if not isinstance(iso3, str) or not re.fullmatch(r"[A-Z]{3}", iso3):
                raise FormatError(
                    f"{path}: values[{i}] ({v.get('value')!r}): field 'meta.ISO3' must be a 3-letter code"
                )
            records.append(
                {
                    "iso3": iso3,
                    "iso2": iso2 or "",
                    "name": v.get("description") or v.get("value") or iso3,
                    "value": v.get("value") or "",
                    "region": _CONTINENTS.get(meta.get("Continent", ""), ""),
                }
            )
        return cls(records, _read_aliases())

    def match(self, name: str) -> str | None:
        """The ISO3 code for a country name or code, or None."""
        return self._names.get(normalised_name(name))

    def __len__(self) -> int:
        return len(self.by_iso3)


@dataclass(frozen=True)
class RequirementRules:
    """Which capabilities a kind of threat requires.

    ``by_incident[type]`` maps a lower-cased incident type (``'*'``: every threat) to
    ``{capability id: weight}``; ``by_mitigation[M-id]`` to a capability id (ATT&CK
    Enterprise ``M1xxx`` and ICS ``M0xxx``). ``no_capability`` holds the mitigations whose
    rule is ``none``: ATT&CK's own "cannot be mitigated" entries (M1055, M0816).
    """

    by_incident: dict[str, dict[str, float]]
    by_mitigation: dict[str, str]
    capabilities: frozenset[str]
    no_capability: frozenset[str] = frozenset()

    @classmethod
    def default(cls) -> RequirementRules:
        """The rules shipped with graphkit (``graphkit/data/requirement_rules.csv``, ``mitigation_capabilities.csv``)."""
        return cls.from_files(
            _package_file("requirement_rules.csv"), _package_file("mitigation_capabilities.csv")
        )

    @classmethod
    def from_files(
        cls, incidents: str | os.PathLike[str], mitigations: str | os.PathLike[str] | None = None
    ) -> RequirementRules:
        by_incident: dict[str, dict[str, float]] = defaultdict(dict)
        for line, row in _csv_rows(incidents, ("incident_type", "capability", "weight")):
            try:
                weight = float(row["weight"])
            except ValueError:
                raise FormatError(
                    f"{incidents}:{line}: column 'weight': {row['weight']!r} is not a number"
                ) from None
            if not 0 <= weight <= 1:
                raise FormatError(f"{incidents}:{line}: column 'weight': {weight} is outside 0..1")
            by_incident[row["incident_type"].strip().lower()][row["capability"].strip()] = weight
        by_mitigation = {}
        no_capability = set()
        if mitigations is not None:
            for _, row in _csv_rows(mitigations, ("mitigation", "capability")):
                mid, cap = row["mitigation"].strip(), row["capability"].strip()
                if cap == "none":
                    no_capability.add(mid)
                else:
                    by_mitigation[mid] = cap
        caps = {c for rules in by_incident.values() for c in rules} | set(by_mitigation.values())
        return cls(dict(by_incident), by_mitigation, frozenset(caps), frozenset(no_capability))

    def for_incidents(self, incident_types: Iterable[str]) -> dict[str, float]:
        """``{capability: weight}`` for a threat with these incident types (the ``'*'`` rules included)."""
        out = dict(self.by_incident.get("*", {}))
        for t in incident_types:
            for cap, w in self.by_incident.get(t.strip().lower(), {}).items():
                out[cap] = max(out.get(cap, 0.0), w)
        return out


@dataclass(frozen=True)
class AttributionRule:
    """One line of the attribution rules: what it matches, the basis it gives, and why."""

    rule: str  # field | motive | threat
    match: str  # a meta field name, a motive, or a cluster uuid
    country: str  # ISO3 (or a country name) the rule attributes to; '' = the values of the field
    basis: str  # sponsor | origin
    label: str  # stored in the edge's basis_source: the source (field rules) or reason (source)


@dataclass(frozen=True)
class AttributionRules:
    """How MISP threat-actor fields become ``ATTRIBUTED_TO`` with a ``basis``.

    Applied in order: ``field`` rules (a sponsor rule wins over an origin rule for the
    same country), then ``motive`` rules (a hacktivist or criminal motive turns sponsor
    into origin), then ``threat`` rules for one cluster uuid (hand-reviewed, last word).
    """

    fields: tuple[AttributionRule, ...]
    motives: tuple[AttributionRule, ...]
    threats: dict[str, tuple[AttributionRule, ...]]

    @classmethod
    def default(cls) -> AttributionRules:
        """The reviewed rules shipped with graphkit (``graphkit/loaders/data/attribution_rules.csv``)."""
        return cls.from_file(
            Path(str(resources.files("graphkit.loaders").joinpath("data", "attribution_rules.csv")))
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> AttributionRules:
        """Read a rules file; every line needs a known rule, a basis, a reason and a source."""
        fields, motives, threats = [], [], defaultdict(list)
        for line, row in _csv_rows(path, ("rule", "match", "basis", "reason", "source")):
            rule, basis = row["rule"].strip(), row["basis"].strip()
            if rule not in ("field", "motive", "threat"):
                raise FormatError(
                    f"{path}:{line}: column 'rule': {rule!r} is not one of field, motive, threat"
                )
            if basis not in ("sponsor", "origin"):
                raise FormatError(f"{path}:{line}: column 'basis': {basis!r} is not sponsor or origin")
            country = (row.get("country") or "").strip()
            if rule == "threat" and not country:
                raise FormatError(
                    f"{path}:{line}: column 'country': a threat rule names the country it attributes to"
                )
            # a field rule applies to hundreds of edges: its source says enough
            label = (
                row["source"].strip()
                if rule == "field"
                else f"{row['reason'].strip()} ({row['source'].strip()})"
            )
            r = AttributionRule(rule, row["match"].strip(), country, basis, label)
            if rule == "field":
                fields.append(r)
            elif rule == "motive":
                motives.append(r)
            else:
                threats[r.match].append(r)
        return cls(tuple(fields), tuple(motives), {k: tuple(v) for k, v in threats.items()})


@lru_cache(maxsize=1)
def attribution_rules() -> AttributionRules:
    return AttributionRules.default()


def normalised_name(text: str | None) -> str:
    return " ".join((text or "").casefold().replace("’", "'").split())


def _package_file(name: str) -> Path:
    return Path(str(resources.files("graphkit").joinpath("data", name)))


def _read_aliases() -> dict[str, str]:
    return {
        row["name"]: row["iso3"]
        for _, row in _csv_rows(_package_file("country_aliases.csv"), ("name", "iso3"))
    }


def _csv_rows(
    path: str | os.PathLike[str], required: tuple[str, ...]
) -> Iterable[tuple[int, dict[str, str]]]:
    try:
        with io.TextIOWrapper(open_input(path), newline="", encoding="utf-8") as f:  # regular files only
            reader = csv.DictReader(f)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise FormatError(f"{path}: missing column(s) {', '.join(missing)}")
            rows = list(reader)
    except FileNotFoundError:
        raise FormatError(f"{path}: no such file{path_hint(path)}") from None
    for n, row in enumerate(rows, start=2):
        for c in required:
            if not (row.get(c) or "").strip():
                raise FormatError(f"{path}:{n}: column {c!r} is empty")
        yield n, row


def installed_galaxy_path(name: str) -> Path:
    """The path of a cluster file (``'threat-actor'``, ``'country'`` ...) shipped by ``pymispgalaxies``.

    Raises
    ------
    FormatError
        When pymispgalaxies is not installed or lacks the file.
    """
    try:
        import pymispgalaxies
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise FormatError(
            "the MISP galaxy clusters need the pymispgalaxies package: pip install 'graphkit[data]'"
        ) from exc
    path = Path(pymispgalaxies.__file__).parent / "data" / "misp-galaxy" / "clusters" / f"{name}.json"
    if not path.is_file():
        raise FormatError(f"pymispgalaxies has no cluster file {name}.json (looked in {path.parent})")
    return path


def read_cluster_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A galaxy cluster file as a dict, checked to have a ``values`` list of objects.

    Raises
    ------
    FormatError
        When the file is missing, not JSON, or not shaped like a cluster file.
    """
    path = Path(path)
    data = read_json(path)
    if not isinstance(data, dict):
        raise FormatError(f"{path}: a galaxy cluster file is a JSON object with 'type' and 'values'")
    values = data.get("values")
    if not isinstance(values, list):
        raise FormatError(
            f"{path}: field 'values' is missing or not a list (is this a MISP galaxy cluster file?)"
        )
    for i, v in enumerate(values):
        if not isinstance(v, dict):
            raise FormatError(f"{path}: values[{i}] is not an object")
    return data
