"""MISP galaxy clusters (threat actors, ATT&CK intrusion sets and mitigations) as a graph.

The MISP galaxy format is public (https://github.com/MISP/misp-galaxy); the
``pymispgalaxies`` package ships the current clusters (CC0). What each file gives:

- ``threat-actor.json``: one ``Threat`` per cluster value, with its synonyms as
  ``aliases``; ``cfr-suspected-victims`` / ``suspected-victims`` become ``TARGETS``
  (with ``cfr-target-category`` / ``targeted-sector`` as the edge's ``sectors``);
  ``country`` and ``cfr-suspected-state-sponsor`` become ``ATTRIBUTED_TO`` with ``basis``
  ``origin`` or ``sponsor``, per the reviewed rules in ``loaders/data/attribution_rules.csv``
  (:class:`AttributionRules`);
  ``cfr-type-of-incident`` becomes ``REQUIRES`` through the requirement rules.
- ``mitre-intrusion-set.json`` + ``mitre-course-of-action.json`` (+ optionally
  ``mitre-attack-pattern.json`` for technique ids): technique-level ``REQUIRES``: the
  techniques a group uses, the mitigations for them, and the capability each mitigation
  maps to. An intrusion set that matches no threat actor becomes a ``Threat`` itself.
- ``country.json``: country names and ISO codes, used to match victims and sponsors.

Victim and sponsor names that match nothing are counted in :attr:`ImportResult.unmatched`,
never dropped silently.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.errors import FormatError, SchemaError
from graphkit.graph import add_node, add_relationship, new_graph, nodes_of
from graphkit.loaders.misp_rules import (  # re-exported: the importer's public rule classes
    AttributionRule,
    AttributionRules,
    CountryIndex,
    RequirementRules,
    attribution_rules,
    installed_galaxy_path,
    normalised_name,
    read_cluster_file,
)

__all__ = [
    "ImportResult",
    "CountryIndex",
    "RequirementRules",
    "AttributionRule",
    "AttributionRules",
    "load_misp_galaxy",
    "installed_galaxy_path",
    "read_cluster_file",
]

_SUPPORTED = (
    "threat-actor",
    "country",
    "mitre-intrusion-set",
    "mitre-course-of-action",
    "mitre-attack-pattern",
)
_GROUP_ID = re.compile(r"(?:attack\.mitre\.org/groups/|^)(G\d{4})\b")
_UNKNOWN = {"", "unknown", "n/a", "none"}


@dataclass
class ImportResult:
    """A graph read from a threat-intelligence format, and what could not be placed in it.

    ``unmatched`` counts each victim/sponsor/target name that matched no actor (name ->
    number of mentions); ``skipped`` counts records left out, by reason.
    """

    graph: nx.MultiDiGraph
    unmatched: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def report(self, *, limit: int | None = 20) -> str:
        """A few lines for a person: counts, then the unmatched names (most mentioned first;
        the first ``limit`` of them and how many more, like every other problem list; None: all)."""
        from graphkit.graph import summary

        s = summary(self.graph)
        rels = ", ".join(f"{v} {k}" for k, v in s["relationships"].items() if v)
        nodes = ", ".join(f"{v} {k}" for k, v in s["nodes"].items() if v)
        lines = [f"imported {nodes or 'nothing'}; {rels or 'no relationships'}"]
        if self.unmatched:
            names = [f"{n} ({c})" if c > 1 else n for n, c in self.unmatched.most_common()]
            shown = names if limit is None else names[:limit]
            more = "" if len(shown) == len(names) else f", ... and {len(names) - len(shown)} more"
            lines.append(
                f"{len(self.unmatched)} names matched no actor ({sum(self.unmatched.values())} mentions): "
                + ", ".join(shown)
                + more
            )
        for reason, n in sorted(self.skipped.items()):
            lines.append(f"skipped {n}: {reason}")
        return "\n".join(lines)


def load_misp_galaxy(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    actors: nx.MultiDiGraph | None = None,
    countries: CountryIndex | None = None,
    rules: RequirementRules | None = None,
    capabilities: nx.MultiDiGraph | None = None,
) -> ImportResult:
    """Read MISP galaxy cluster files into a canonical graph.

    Parameters
    ----------
    paths
        One or more cluster files: ``threat-actor.json``, ``mitre-intrusion-set.json``,
        ``mitre-course-of-action.json``, ``mitre-attack-pattern.json``, ``country.json``.
    actors
        A graph whose actors victims and sponsors are matched against first (by id,
        name, ``aliases`` and ``iso3``); a matched actor is copied with all its
        properties, so merging the result into ``actors`` gives no conflicts. Countries
        not in ``actors`` become state actors with their ISO3 code as id.
    countries
        The country index; by default the ``country.json`` among ``paths``, else the one
        pymispgalaxies ships.
    rules
        The threat -> capability rules; by default graphkit's own.
    capabilities
        A graph holding the ``Capability`` nodes the rules name (copied with their
        properties); capabilities it lacks are created with a name made from the id.

    Raises
    ------
    FormatError
        When a file cannot be read as a galaxy cluster file, naming the file and field.

    Examples
    --------
    >>> from graphkit.loaders.misp import installed_galaxy_path, load_misp_galaxy
    >>> result = load_misp_galaxy(installed_galaxy_path("threat-actor"))
    >>> gk.summary(result.graph)["nodes"]["Threat"]
    864
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    clusters: dict[str, list[tuple[Path, dict[str, Any]]]] = defaultdict(list)
    for p in paths:
        p = Path(p)
        cluster = read_cluster_file(p)
        kind = cluster.get("type")
        if kind not in _SUPPORTED:
            raise FormatError(
                f"{p}: field 'type': galaxy type {kind!r} is not supported; "
                f"give one of {', '.join(t + '.json' for t in _SUPPORTED)}"
            )
        clusters[kind].append((p, cluster))
    if countries is None:
        if clusters["country"]:
            path, cluster = clusters["country"][0]
            countries = CountryIndex._from_cluster(cluster, path)
        else:
            countries = CountryIndex.from_galaxy()
    rules = rules or RequirementRules.default()
    builder = _Builder(actors, countries, rules, capabilities)
    ta_records = [(p, c, i, v) for p, c in clusters["threat-actor"] for i, v in enumerate(c["values"])]
    for p, c, i, v in ta_records:
        try:
            builder.threat_actor(p, c, i, v)
        except SchemaError as exc:  # a graph rule (a 10 MB description): named by file and record
            raise FormatError(f"{p}: values[{i}]: {exc}") from None
    technique_names: dict[str, str] = {}  # attack-pattern uuid -> ATT&CK technique id
    for _, c in clusters["mitre-attack-pattern"]:
        for v in c["values"]:
            tech = (v.get("meta") or {}).get("external_id") or v.get("value")
            if isinstance(v.get("uuid"), str) and isinstance(tech, str):
                technique_names[v["uuid"]] = tech
    mitigations: dict[str, set[str]] = defaultdict(set)  # attack-pattern uuid -> capability ids
    for path, c in clusters["mitre-course-of-action"]:
        for i, v in enumerate(c["values"]):
            _require(v, ("uuid", "value"), path, i)
            mid = (v.get("meta") or {}).get("external_id", "")
            cap = rules.by_mitigation.get(mid)
            if mid in rules.no_capability:
                builder.result.skipped[f"{path.name}: mitigations that map to no capability ({mid})"] += 1
                continue
            if cap is None:
                builder.result.skipped[
                    f"{path.name}: mitigations with no capability rule (e.g. pre-2019 T-numbered ones)"
                ] += 1
                continue
            for r in v.get("related") or []:
                if r.get("type") == "mitigates" and r.get("dest-uuid"):
                    mitigations[r["dest-uuid"]].add(cap)
    for path, c in clusters["mitre-intrusion-set"]:
        for i, v in enumerate(c["values"]):
            builder.intrusion_set(
                path, c, i, v, mitigations, technique_names, bool(clusters["mitre-course-of-action"])
            )
    builder.finish()
    return builder.result


class _Builder:
    """Accumulates the graph; matching and de-duplication live here."""

    def __init__(
        self,
        actors: nx.MultiDiGraph | None,
        countries: CountryIndex,
        rules: RequirementRules,
        capabilities: nx.MultiDiGraph | None,
    ) -> None:
        self.G = new_graph("misp-galaxy")
        self.result = ImportResult(self.G)
        self.actors = actors
        self.countries = countries
        self.rules = rules
        self.capabilities = capabilities
        self.actor_names: dict[str, str] = {}
        if actors is not None:
            for n, d in nodes_of(actors, schema.ACTOR):
                for key in [n, d.get("name"), d.get("iso3"), *(d.get("aliases") or [])]:
                    if isinstance(key, str) and key:
                        self.actor_names.setdefault(normalised_name(key), n)
        self.threat_names: dict[str, str] = {}  # normalised name/alias -> threat id
        self.threat_group: dict[str, str] = {}  # ATT&CK G-id -> threat id
        self.threat_uuid: dict[str, str] = {}  # MISP uuid -> threat id
        self.similar: dict[str, set[str]] = defaultdict(set)  # threat id -> related uuids
        self.incidents: dict[str, list[str]] = {}
        self.techniques: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.technique_count: dict[str, int] = {}

    # -- threats -------------------------------------------------------------------
    def threat_actor(self, path: Path, cluster: dict[str, Any], i: int, v: dict[str, Any]) -> None:
        _require(v, ("uuid", "value"), path, i)
        meta = v.get("meta") or {}
        if not isinstance(meta, dict):
            raise FormatError(f"{path}: values[{i}] ({v['value']!r}): field 'meta' is not an object")
        tid = f"threat:{v['uuid']}"
        if tid in self.G:
            self.result.skipped[f"{path.name}: duplicate cluster uuids"] += 1
            return
        source = f"MISP galaxy {path.name} (version {cluster.get('version', '?')}, CC0)"
        aliases = _clean_list(meta.get("synonyms"), exclude=v["value"])
        incidents = _clean_list(meta.get("cfr-type-of-incident"))
        props: dict[str, Any] = {"name": v["value"].strip(), "source": source}
        if aliases:
            props["aliases"] = aliases
        if isinstance(v.get("description"), str) and v["description"].strip():
            props["description"] = v["description"].strip()
        if incidents:
            props["incident_types"] = incidents
        refs = _clean_list(meta.get("refs"))
        if refs:
            props["url"] = refs[0]
        group = _group_id([*aliases, *refs])
        if group:
            props["attack_id"] = group
            self.threat_group.setdefault(group, tid)
        add_node(self.G, tid, schema.THREAT, **props)
        self.threat_uuid[v["uuid"]] = tid
        for key in [v["value"], *aliases]:
            self.threat_names.setdefault(normalised_name(key), tid)
        self.similar[tid] = {r.get("dest-uuid") for r in v.get("related") or [] if r.get("dest-uuid")}
        self.incidents[tid] = incidents

        sectors = _clean_list(
            [*_as_list(meta.get("cfr-target-category")), *_as_list(meta.get("targeted-sector"))]
        )
        victims = _clean_list(
            [*_as_list(meta.get("cfr-suspected-victims")), *_as_list(meta.get("suspected-victims"))]
        )
        seen: set[str] = set()
        for name in victims:
            aid = self._actor(name)
            if aid is None or aid in seen:
                continue
            seen.add(aid)
            edge: dict[str, Any] = {"source": source}
            if sectors:
                edge["sectors"] = sectors
            add_relationship(self.G, tid, "TARGETS", aid, **edge)
        self._attributions(tid, v, meta, source)

    def _attributions(self, tid: str, v: dict[str, Any], meta: dict[str, Any], source: str) -> None:
        """``ATTRIBUTED_TO`` edges with ``basis`` (``sponsor``/``origin``) per the attribution rules."""
        rules = attribution_rules()
        basis: dict[str, tuple[str, str]] = {}  # actor id -> (basis, basis_source)
        for r in rules.fields:
            values = [x for x in _clean_list(meta.get(r.match)) if normalised_name(x) not in _UNKNOWN]
            names = [r.country] if r.country and values else values
            for name in names:
                aid = self._actor(name)
                if aid is not None and basis.get(aid, ("",))[0] != "sponsor":
                    basis[aid] = (r.basis, r.label)
        motives = {normalised_name(m) for m in _clean_list(meta.get("motive"))}
        for r in rules.motives:
            if normalised_name(r.match) in motives:
                for aid, (b, _) in basis.items():
                    if b == "sponsor" and r.basis == "origin":
                        basis[aid] = ("origin", r.label)
        for r in rules.threats.get(v["uuid"], ()):
            aid = self._actor(r.country) if r.country else None
            targets = [aid] if aid is not None else ([] if r.country else list(basis))
            for a in targets:
                basis[a] = (r.basis, r.label)
        confidence = _confidence(meta.get("attribution-confidence"))
        for aid, (b, why) in basis.items():
            edge: dict[str, Any] = {"source": source, "basis": b, "basis_source": why}
            if confidence is not None:
                edge["confidence"] = confidence
            add_relationship(self.G, tid, "ATTRIBUTED_TO", aid, **edge)

    def intrusion_set(
        self,
        path: Path,
        cluster: dict[str, Any],
        i: int,
        v: dict[str, Any],
        mitigations: dict[str, set[str]],
        technique_names: dict[str, str],
        have_mitigations: bool,
    ) -> None:
        _require(v, ("uuid", "value"), path, i)
        meta = v.get("meta") or {}
        group = meta.get("external_id") if isinstance(meta.get("external_id"), str) else None
        synonyms = _clean_list(meta.get("synonyms"), exclude=v["value"])
        tid = self._linked_threat(v, group, synonyms)
        if tid is None:
            tid = f"threat:{v['uuid']}"
            if tid in self.G:
                self.result.skipped[f"{path.name}: duplicate cluster uuids"] += 1
                return
            props: dict[str, Any] = {
                "name": v["value"].strip(),
                "source": f"MISP galaxy {path.name} (version {cluster.get('version', '?')}, CC0)",
            }
            if synonyms:
                props["aliases"] = synonyms
            if isinstance(v.get("description"), str) and v["description"].strip():
                props["description"] = v["description"].strip()
            if group:
                props["attack_id"] = group
            add_node(self.G, tid, schema.THREAT, **props)
            self.incidents[tid] = []
        elif group and "attack_id" not in self.G.nodes[tid]:
            self.G.nodes[tid]["attack_id"] = group
        if not have_mitigations:
            return
        used = [
            r["dest-uuid"] for r in v.get("related") or [] if r.get("type") == "uses" and r.get("dest-uuid")
        ]
        techniques = [u for u in used if u in technique_names] if technique_names else used
        self.technique_count[tid] = self.technique_count.get(tid, 0) + len(set(techniques))
        for u in techniques:
            for cap in mitigations.get(u, ()):
                self.techniques[tid][cap].add(technique_names.get(u, u))

    def _linked_threat(self, v: dict[str, Any], group: str | None, synonyms: list[str]) -> str | None:
        if group and group in self.threat_group:
            return self.threat_group[group]
        related = {r.get("dest-uuid") for r in v.get("related") or []}
        for uuid in related:
            if uuid in self.threat_uuid:
                return self.threat_uuid[uuid]
        for tid, rel in self.similar.items():
            if v["uuid"] in rel:
                return tid
        for name in [v["value"], *synonyms]:
            if normalised_name(name) in self.threat_names:
                return self.threat_names[normalised_name(name)]
        return None

    # -- actors and capabilities ----------------------------------------------------
    def _actor(self, name: str) -> str | None:
        key = normalised_name(name)
        aid = self.actor_names.get(key)
        iso3 = None
        if aid is None:
            iso3 = self.countries.match(name)
            if iso3 is not None and self.actors is not None and iso3 in self.actors:
                aid = iso3
            elif iso3 is not None:
                iso3_actor = self.actor_names.get(normalised_name(iso3))
                aid = iso3_actor or iso3
        if aid is None:
            self.result.unmatched[name] += 1
            return None
        if aid not in self.G:
            if self.actors is not None and aid in self.actors:
                label, props = _split_label(self.actors.nodes[aid])
                add_node(self.G, aid, label, **props)
            else:
                rec = self.countries.by_iso3[aid]
                props = {
                    "name": rec["name"],
                    "kind": "state",
                    "iso3": aid,
                    "source": "MISP galaxy country.json (ISO 3166)",
                }
                if rec.get("iso2"):
                    props["iso2"] = rec["iso2"]
                if rec.get("region"):
                    props["region"] = rec["region"]
                add_node(self.G, aid, schema.ACTOR, **props)
        return aid

    def _capability(self, cid: str) -> None:
        if cid in self.G:
            return
        if self.capabilities is not None and cid in self.capabilities:
            label, props = _split_label(self.capabilities.nodes[cid])
            add_node(self.G, cid, label, **props)
        else:
            name = cid.split(":", 1)[-1].replace("_", " ").capitalize()
            add_node(self.G, cid, schema.CAPABILITY, name=name, source="graphkit requirement rules")

    def finish(self) -> None:
        for tid in [n for n, _ in nodes_of(self.G, schema.THREAT)]:
            needed = self.rules.for_incidents(self.incidents.get(tid, []))
            by_technique = self.techniques.get(tid, {})
            total = self.technique_count.get(tid, 0)
            for cap in sorted(set(needed) | set(by_technique)):
                props: dict[str, Any] = {}
                weight = needed.get(cap, 0.0)
                sources = []
                if cap in needed:
                    sources.append("graphkit requirement_rules.csv (estimate)")
                if by_technique.get(cap):
                    via = sorted(by_technique[cap])
                    props["via"] = via
                    weight = max(weight, round(len(via) / total, 3) if total else 0.0)
                    sources.append(
                        "MITRE ATT&CK via MISP galaxy (uses + mitigates) and mitigation_capabilities.csv"
                    )
                self._capability(cap)
                add_relationship(
                    self.G, tid, "REQUIRES", cap, weight=float(weight), source="; ".join(sources), **props
                )


def _split_label(attrs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    props = dict(attrs)
    return props.pop("label"), props


def _require(v: dict[str, Any], fields: tuple[str, ...], path: Path, i: int) -> None:
    for f in fields:
        if not isinstance(v.get(f), str) or not v[f].strip():
            raise FormatError(f"{path}: values[{i}]: field {f!r} is missing or not text")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _clean_list(value: Any, *, exclude: str | None = None) -> list[str]:
    """Unique, stripped, non-empty texts (case-insensitive), ``;`` replaced so they survive a CSV list."""
    out, seen = [], {normalised_name(exclude)} if exclude else set()
    for item in _as_list(value):
        if not isinstance(item, str):
            continue
        text = " ".join(item.replace(";", ",").split())
        if text and normalised_name(text) not in seen:
            seen.add(normalised_name(text))
            out.append(text)
    return out


def _group_id(texts: Iterable[str]) -> str | None:
    for t in texts:
        m = _GROUP_ID.search(t)
        if m:
            return m.group(1)
    return None


def _confidence(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return round(x / 100, 3) if 0 <= x <= 100 else None
