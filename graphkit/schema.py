"""The one vocabulary of graphkit: labels, actor kinds, relationship types, property rules.

Loaders, writers, the Neo4j store, the embedded Cypher engine, the legend and the docs
all read this module; nothing else defines a label or a relationship type. Only names
defined here are ever spliced into query text.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

__all__ = [
    "ACTOR",
    "CAPABILITY",
    "THREAT",
    "LABELS",
    "ACTOR_KINDS",
    "RelationshipType",
    "RELATIONSHIP_TYPES",
    "NODE_FILES",
    "RELATIONSHIPS_FILE",
    "REQUIRED_NODE_COLUMNS",
    "REQUIRED_RELATIONSHIP_COLUMNS",
    "RESERVED_NODE_KEYS",
    "RESERVED_RELATIONSHIP_KEYS",
    "RELATIONSHIP_SOURCE_COLUMN",
    "LIST_PROPERTIES",
    "TEXT_PROPERTIES",
    "PROPERTY_TYPES",
    "IDENTIFIER",
    "is_identifier",
    "value_type",
]

ACTOR = "Actor"
CAPABILITY = "Capability"
THREAT = "Threat"
LABELS: tuple[str, ...] = (ACTOR, CAPABILITY, THREAT)

ACTOR_KINDS: tuple[str, ...] = (
    "state",
    "alliance",
    "international_org",
    "company",
    "ngo",
    "cert",
    "other",
)


@dataclass(frozen=True)
class RelationshipType:
    """A relationship type: its name, allowed endpoint labels and meaning."""

    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    meaning: str
    symmetric: bool = False


RELATIONSHIP_TYPES: dict[str, RelationshipType] = {
    t.name: t
    for t in (
        RelationshipType("MEMBER_OF", (ACTOR,), (ACTOR,), "member of an alliance, organisation or forum"),
        RelationshipType(
            "COOPERATES_WITH",
            (ACTOR,),
            (ACTOR,),
            "an agreement, information sharing, joint exercise or capacity building",
            symmetric=True,
        ),
        RelationshipType("HAS_CAPABILITY", (ACTOR,), (CAPABILITY,), "the actor can deliver this capability"),
        RelationshipType("TARGETS", (THREAT,), (ACTOR,), "the threat has targeted this actor"),
        RelationshipType("ATTRIBUTED_TO", (THREAT,), (ACTOR,), "suspected sponsor or origin"),
        RelationshipType("REQUIRES", (THREAT,), (CAPABILITY,), "answering this threat needs this capability"),
    )
}

# Dataset files: which label each node file holds, and the relationships file.
NODE_FILES: dict[str, str] = {
    ACTOR: "actors",
    CAPABILITY: "capabilities",
    THREAT: "threats",
}
RELATIONSHIPS_FILE = "relationships"

REQUIRED_NODE_COLUMNS: dict[str, tuple[str, ...]] = {
    ACTOR: ("id", "name", "kind"),
    CAPABILITY: ("id", "name"),
    THREAT: ("id", "name"),
}
REQUIRED_RELATIONSHIP_COLUMNS: tuple[str, ...] = ("source", "type", "target")

# Keys a property may not use: they are structure, not data.
RESERVED_NODE_KEYS = frozenset({"id", "label"})
RESERVED_RELATIONSHIP_KEYS = frozenset({"type", "target", "key"})

# In relationships.csv the column `source` is the start node, so a relationship's
# provenance (its `source` property in the graph) lives in this column instead.
RELATIONSHIP_SOURCE_COLUMN = "source_ref"

# Properties that are always text (provenance, names, kinds).
TEXT_PROPERTIES = frozenset({"name", "kind", "source"})

# Columns read as `;`-separated lists without a header annotation.
LIST_PROPERTIES = frozenset({"aliases", "sectors", "via", "incident_types", "tags", "countries"})

# Property value types, as written in a header annotation (`since:int`, `aliases:string[]`).
PROPERTY_TYPES: dict[str, type] = {
    "string": str,
    "int": int,
    "float": float,
    "bool": bool,
    "date": _dt.date,
}

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def is_identifier(key: object) -> bool:
    """Whether ``key`` may name a property (and so appear in query text)."""
    return isinstance(key, str) and IDENTIFIER.match(key) is not None


def value_type(value: object) -> str | None:
    """The schema type name of a property value (``'int'``, ``'string[]'`` ...), or None.

    ``bool`` is told apart from ``int``; a ``datetime`` is not a date; a list is typed by
    its elements, which must share one type (an empty list is ``'string[]'``).
    """
    if isinstance(value, list | tuple):
        kinds = {value_type(v) for v in value}
        if not kinds:
            return "string[]"
        if len(kinds) != 1:
            return None
        (kind,) = kinds
        if kind is None or kind.endswith("[]"):
            return None
        return kind + "[]"
    for name, py in (("bool", bool), ("int", int), ("float", float), ("string", str)):
        if type(value) is py:
            return name
    if type(value) is _dt.date:
        return "date"
    return None
