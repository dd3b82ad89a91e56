"""STIX 2.1 bundles as a graph.

Objects (STIX 2.1, OASIS standard, https://docs.oasis-open.org/cti/stix/v2.1/):

- ``intrusion-set`` and ``threat-actor`` -> ``Threat`` (id: the STIX id; ``aliases``;
  ATT&CK ``external_id`` as ``attack_id``);
- ``identity`` -> ``Actor`` (kind ``other``, or the matched actor's kind), except an
  identity that only authors objects (a ``created_by_ref`` target that no ``targets`` or
  ``attributed-to`` relationship names: MITRE in the ATT&CK bundles), which is counted as
  skipped; ``location`` with a ``country`` -> the state ``Actor`` whose id is its ISO 3166
  alpha-3 code; a location without a country -> ``Actor`` kind ``other``;
- ``course-of-action`` -> ``Capability`` (id: the STIX id; ATT&CK ``external_id`` kept),
  or, with ``mitigation_map``, the graphkit capability its ATT&CK id maps to (Enterprise
  ``M1xxx`` and ICS ``M0xxx`` ids, ``graphkit/data/mitigation_capabilities.csv``). A
  course of action becomes a capability only when an imported threat requires it; the
  others are counted as skipped, and so are ATT&CK's "no mitigation" entries (M1055 Do Not
  Mitigate, M0816 Mitigation Limited or Not Effective: rule ``none`` in that file).

Relationships: ``targets`` -> ``TARGETS``; ``attributed-to`` (threat to identity or
location) and ``originates-from`` / ``located-at`` (threat to location) -> ``ATTRIBUTED_TO``;
``uses`` (threat to attack-pattern) joined with ``mitigates`` (course-of-action to the
same attack-pattern) -> ``REQUIRES`` with ``via`` = the technique ids and ``weight`` =
the share of the threat's techniques the capability mitigates. Attack patterns are not
nodes: they join ``uses`` to ``mitigates``. Every object that does not become a node or
a relationship is counted in :attr:`ImportResult.skipped`, under a reason that names
its STIX type, and endpoints that are not in the bundle in
:attr:`ImportResult.unmatched`.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.errors import FormatError, SchemaError
from graphkit.graph import add_node, add_relationship, new_graph, nodes_of
from graphkit.loaders.graphfile import read_json
from graphkit.loaders.misp import CountryIndex, ImportResult, RequirementRules

__all__ = ["load_stix", "read_bundle"]

_THREATS = ("intrusion-set", "threat-actor")
# Relationship types that become graph relationships between threats and actors.
_PLACED = ("targets", "attributed-to", "originates-from", "located-at")


def load_stix(
    paths: str | os.PathLike[str] | list[str | os.PathLike[str]],
    *,
    actors: nx.MultiDiGraph | None = None,
    countries: CountryIndex | None = None,
    mitigation_map: RequirementRules | None = None,
    capabilities: nx.MultiDiGraph | None = None,
) -> ImportResult:
    """Read one or more STIX 2.1 bundles into a canonical graph.

    Parameters
    ----------
    actors
        A graph whose actors identities are matched against (by id, name, ``aliases``);
        a matched identity takes the actor's id and properties.
    countries
        The country index used for ``location.country`` (default: pymispgalaxies'
        ``country.json``).
    mitigation_map
        When given, a course-of-action whose ATT&CK id (``M1032``) has a rule becomes
        that graphkit capability instead of a capability of its own.
    capabilities
        Where mapped capabilities take their properties from.

    Raises
    ------
    FormatError
        When a file is not a STIX bundle, or an object lacks a required field (the
        message names the file, the object and the field).
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    b = _Builder(actors, countries, mitigation_map, capabilities)
    newest: dict[str, tuple[Path, dict[str, Any]]] = {}
    for p in paths:
        path = Path(p)
        for obj in read_bundle(path):
            if obj["type"] == "relationship":
                for f in ("relationship_type", "source_ref", "target_ref"):
                    _text(obj, f, path)
            _keep_newest(newest, path, obj, b.result.skipped)
    objects = {oid: po for oid, po in newest.items() if po[1]["type"] != "relationship"}
    relationships = [po for po in newest.values() if po[1]["type"] == "relationship"]
    b.known = set(objects)
    for _, obj in [*objects.values(), *relationships]:
        ref = obj.get("created_by_ref")
        if isinstance(ref, str) and ref.startswith("identity--"):
            b.authors.add(ref)
    for _, rel in relationships:
        live = not (rel.get("revoked") or rel.get("x_mitre_deprecated"))
        if live and rel["relationship_type"] in _PLACED and _type(rel["source_ref"]) in _THREATS:
            b.referenced.add(rel["target_ref"])
    for oid, (path, obj) in objects.items():
        with _naming(path, oid):
            b.node(oid, path, obj)
    uses: dict[str, set[str]] = defaultdict(set)
    mitigates: dict[str, set[str]] = defaultdict(set)  # attack-pattern -> courses of action
    required: set[str] = set()  # courses of action some imported threat requires
    for path, rel in relationships:
        if rel.get("revoked") or rel.get("x_mitre_deprecated"):
            b.result.skipped["revoked or deprecated relationships"] += 1
            continue
        rtype, src, dst = rel["relationship_type"], rel["source_ref"], rel["target_ref"]
        if rtype == "uses" and src in b.G and dst.startswith("attack-pattern--"):
            uses[src].add(dst)
        elif rtype == "mitigates" and src in b.capability_of and dst.startswith("attack-pattern--"):
            mitigates[dst].add(src)
        elif rtype in _PLACED:
            with _naming(path, rel["id"]):
                b.relationship(path, rel)
        else:
            b.result.skipped[f"{rtype} relationships between {_type(src)} and {_type(dst)}"] += 1
    for tid, techniques in uses.items():
        if b.G.nodes[tid].get("label") != schema.THREAT:
            b.result.skipped["uses relationships from non-threat objects"] += len(techniques)
            continue
        per_cap: dict[str, set[str]] = defaultdict(set)
        for t in techniques:
            for coa in mitigates.get(t, ()):
                per_cap[b.capability_of[coa]].add(b.technique_ids.get(t, t))
                required.add(coa)
        for cap in sorted(per_cap):
            with _naming(newest[tid][0] if tid in newest else Path("STIX"), cap):
                b.ensure_capability(cap)
            via = sorted(per_cap[cap])
            add_relationship(
                b.G,
                tid,
                "REQUIRES",
                cap,
                weight=round(len(via) / len(techniques), 3),
                via=via,
                source="STIX uses + mitigates",
            )
    unrequired = sum(1 for coa in b.capability_of if coa not in required)
    if unrequired:
        b.result.skipped[
            "course-of-action objects no imported threat requires (they mitigate no technique one uses)"
        ] += unrequired
    if b.techniques_read:
        b.result.skipped[
            "attack-pattern objects (techniques are not nodes: they join uses to mitigates, kept in REQUIRES via)"
        ] += b.techniques_read
    return b.result


def _keep_newest(
    newest: dict[str, tuple[Path, dict[str, Any]]], path: Path, obj: dict[str, Any], skipped: Any
) -> None:
    """STIX 2.1 versioning (section 3.6): one object per id, its newest version.

    The version with the latest ``modified`` (else ``created``) is kept; an older one read
    before or after it is counted under "older versions"; the same version twice (overlapping
    feeds) is one object, counted under "repeated copies". A newest version that is
    ``revoked`` removes the object (counted where revoked objects are).
    """
    oid = obj["id"]
    seen = newest.get(oid)
    if seen is None:
        newest[oid] = (path, obj)
        return
    old, new = _version(seen[1]), _version(obj)
    if new == old:
        skipped[
            "repeated copies of a STIX object (same id and modified, e.g. overlapping feeds): one kept"
        ] += 1
        if obj.get("revoked") and not seen[1].get("revoked"):
            newest[oid] = (path, obj)
        return
    skipped["older versions of a STIX object (a newer 'modified' of the same id was read): newest kept"] += 1
    if new > old:
        newest[oid] = (path, obj)


def _version(obj: dict[str, Any]) -> tuple[str, str]:
    """A sortable form of a STIX timestamp (``modified``, else ``created``): its seconds and
    its fraction, so that ``...:19.7Z`` sorts after ``...:19.65Z``; missing or malformed: oldest."""
    for field in ("modified", "created"):
        text = obj.get(field)
        if isinstance(text, str):
            m = _TIMESTAMP.fullmatch(text.strip())
            if m:
                return m.group(1), (m.group(2) or "").ljust(12, "0")
    return "", ""


_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,12}))?Z")


@contextmanager
def _naming(path: Path, oid: str) -> Iterator[None]:
    """A graph rule an object breaks (a 10 MB description, a bad name) becomes a
    :class:`FormatError` naming the file and the object."""
    try:
        yield
    except SchemaError as exc:
        raise FormatError(f"{path}: {oid}: {exc}") from None


def read_bundle(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The objects of a STIX 2.x bundle file, each checked to have ``type`` and ``id``.

    Raises
    ------
    FormatError
        When the file is missing, not JSON or not a bundle.
    """
    path = Path(path)
    data = read_json(path)
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise FormatError(f"{path}: field 'type' must be 'bundle' (a STIX 2.1 bundle is a JSON object)")
    objects = data.get("objects", [])
    if not isinstance(objects, list):
        raise FormatError(f"{path}: field 'objects' must be a list")
    for i, obj in enumerate(objects):
        if not isinstance(obj, dict):
            raise FormatError(f"{path}: objects[{i}] is not an object")
        for f in ("type", "id"):
            if not isinstance(obj.get(f), str) or not obj[f]:
                raise FormatError(f"{path}: objects[{i}]: field {f!r} is missing or not text")
        if not obj["id"].startswith(obj["type"] + "--"):
            raise FormatError(
                f"{path}: objects[{i}]: field 'id' {obj['id']!r} does not start with {obj['type']}--"
            )
    return objects


class _Builder:
    def __init__(
        self,
        actors: nx.MultiDiGraph | None,
        countries: CountryIndex | None,
        mitigation_map: RequirementRules | None,
        capabilities: nx.MultiDiGraph | None,
    ) -> None:
        self.G = new_graph("stix")
        self.result = ImportResult(self.G)
        self.actors = actors
        self._countries = countries
        self.mitigation_map = mitigation_map
        # ATT&CK's own "no mitigation" entries (M1055 Do Not Mitigate, M0816 Mitigation Limited
        # or Not Effective) are no capability, with or without a map to graphkit's taxonomy.
        self.no_capability = (mitigation_map or RequirementRules.default()).no_capability
        self.capabilities = capabilities
        self.node_of: dict[str, str] = {}  # STIX id -> graph node id
        self.capability_of: dict[str, str] = {}  # course-of-action id -> capability id
        self.technique_ids: dict[str, str] = {}
        self.pending_capabilities: dict[str, dict[str, Any]] = {}  # created when a REQUIRES needs them
        self.known: set[str] = set()  # every STIX id in the bundles
        self.authors: set[str] = set()  # identities named by some object's created_by_ref
        self.referenced: set[str] = set()  # ids a targets / attributed-to / ... relationship names
        self.techniques_read = 0
        self.actor_names: dict[str, str] = {}
        if actors is not None:
            for n, d in nodes_of(actors, schema.ACTOR):
                for key in [n, d.get("name"), *(d.get("aliases") or [])]:
                    if isinstance(key, str) and key:
                        self.actor_names.setdefault(key.casefold(), n)

    @property
    def countries(self) -> CountryIndex:
        if self._countries is None:
            self._countries = CountryIndex.from_galaxy()
        return self._countries

    def node(self, oid: str, path: Path, obj: dict[str, Any]) -> None:
        kind = obj["type"]
        if obj.get("revoked") or obj.get("x_mitre_deprecated"):
            self.result.skipped[f"revoked or deprecated {kind} objects"] += 1
            return
        source = f"STIX bundle {path.name}"
        if kind in _THREATS:
            props = {"name": _text(obj, "name", path), "source": source, "stix_type": kind}
            aliases = [
                a for a in obj.get("aliases") or [] if isinstance(a, str) and a.strip() and a != obj["name"]
            ]
            if aliases:
                props["aliases"] = [" ".join(a.replace(";", ",").split()) for a in aliases]
            if isinstance(obj.get("description"), str) and obj["description"].strip():
                props["description"] = obj["description"].strip()
            ext = _attack_id(obj)
            if ext:
                props["attack_id"] = ext
            add_node(self.G, oid, schema.THREAT, **props)
            self.node_of[oid] = oid
        elif kind == "identity":
            name = _text(obj, "name", path)
            if oid in self.authors and oid not in self.referenced:
                self.result.skipped[
                    "identity objects that only author objects (created_by_ref), not actors"
                ] += 1
                return
            matched = self.actor_names.get(name.casefold())
            if matched:
                self._copy_actor(matched)
                self.node_of[oid] = matched
                return
            props = {"name": name, "kind": "other", "source": source}
            if obj.get("identity_class"):
                props["identity_class"] = str(obj["identity_class"])
            sectors = [s for s in obj.get("sectors") or [] if isinstance(s, str) and s]
            if sectors:
                props["sectors"] = sectors
            add_node(self.G, oid, schema.ACTOR, **props)
            self.node_of[oid] = oid
        elif kind == "location":
            country = obj.get("country")
            if isinstance(country, str) and country.strip():
                iso3 = self.countries.match(country)
                if iso3 is None:
                    self.result.unmatched[country] += 1
                    return
                self._state(iso3)
                self.node_of[oid] = iso3
                return
            where = obj.get("name") or obj.get("region") or obj.get("city")
            if not isinstance(where, str) or not where.strip():
                raise FormatError(f"{path}: {oid}: a location needs 'country', 'region', 'city' or 'name'")
            add_node(self.G, oid, schema.ACTOR, name=where.strip(), kind="other", source=source)
            self.node_of[oid] = oid
        elif kind == "course-of-action":
            name = _text(obj, "name", path)
            ext = _attack_id(obj)
            if ext in self.no_capability:
                self.result.skipped[f"course-of-action objects that map to no capability ({ext} {name})"] += 1
                return
            mapped = self.mitigation_map.by_mitigation.get(ext or "") if self.mitigation_map else None
            if mapped:
                self.capability_of[oid] = mapped
                return
            props = {"name": name, "source": source}
            if ext:
                props["attack_id"] = ext
            if isinstance(obj.get("description"), str) and obj["description"].strip():
                props["description"] = obj["description"].strip()
            self.capability_of[oid] = oid
            self.pending_capabilities[oid] = props
        elif kind == "attack-pattern":
            self.technique_ids[oid] = _attack_id(obj) or obj.get("name") or oid
            self.techniques_read += 1
        else:
            self.result.skipped[f"{kind} objects"] += 1

    def ensure_capability(self, cid: str) -> None:
        if cid in self.G:
            return
        if cid in self.pending_capabilities:
            add_node(self.G, cid, schema.CAPABILITY, **self.pending_capabilities[cid])
        elif self.capabilities is not None and cid in self.capabilities:
            attrs = dict(self.capabilities.nodes[cid])
            label = attrs.pop("label")
            add_node(self.G, cid, label, **attrs)
        else:
            add_node(
                self.G,
                cid,
                schema.CAPABILITY,
                name=cid.split(":", 1)[-1].replace("_", " ").capitalize(),
                source="graphkit mitigation_capabilities.csv",
            )

    def relationship(self, path: Path, rel: dict[str, Any]) -> None:
        rtype, src, dst = rel["relationship_type"], rel["source_ref"], rel["target_ref"]
        s, t = self.node_of.get(src), self.node_of.get(dst)
        if s is None or t is None:
            missing = [ref for ref in (src, dst) if ref not in self.known]
            for ref in missing:
                self.result.unmatched[ref] += 1
            why = "an endpoint not in the bundle" if missing else f"{_type(src)} -> {_type(dst)}"
            self.result.skipped[f"{rtype} relationships: {why}"] += 1
            return
        if self.G.nodes[s]["label"] != schema.THREAT or self.G.nodes[t]["label"] != schema.ACTOR:
            self.result.skipped[f"{rtype} relationships from {_type(src)} to {_type(dst)}"] += 1
            return
        gtype = "TARGETS" if rtype == "targets" else "ATTRIBUTED_TO"
        props: dict[str, Any] = {
            "source": f"STIX {rel['id']}" if rel.get("id") else f"STIX bundle {path.name}"
        }
        if isinstance(rel.get("confidence"), int | float) and not isinstance(rel["confidence"], bool):
            props["confidence"] = round(float(rel["confidence"]) / 100, 3)
        add_relationship(self.G, s, gtype, t, **props)

    def _copy_actor(self, aid: str) -> None:
        if aid in self.G:
            return
        assert self.actors is not None
        attrs = dict(self.actors.nodes[aid])
        label = attrs.pop("label")
        add_node(self.G, aid, label, **attrs)

    def _state(self, iso3: str) -> None:
        if iso3 in self.G:
            return
        if self.actors is not None and iso3 in self.actors:
            self._copy_actor(iso3)
            return
        rec = self.countries.by_iso3[iso3]
        props = {
            "name": rec["name"],
            "kind": "state",
            "iso3": iso3,
            "source": "MISP galaxy country.json (ISO 3166)",
        }
        if rec.get("iso2"):
            props["iso2"] = rec["iso2"]
        if rec.get("region"):
            props["region"] = rec["region"]
        add_node(self.G, iso3, schema.ACTOR, **props)


def _text(obj: dict[str, Any], field: str, path: Path) -> str:
    value = obj.get(field)
    if not isinstance(value, str) or not value.strip():
        raise FormatError(
            f"{path}: {obj.get('id', obj.get('type', '?'))}: field {field!r} is missing or not text"
        )
    return value.strip()


def _attack_id(obj: dict[str, Any]) -> str | None:
    for ref in obj.get("external_references") or []:
        if isinstance(ref, dict) and ref.get("source_name") in (
            "mitre-attack",
            "mitre-mobile-attack",
            "mitre-ics-attack",
        ):
            ext = ref.get("external_id")
            if isinstance(ext, str) and ext:
                return ext
    return None


def _type(ref: str) -> str:
    return ref.split("--", 1)[0]
