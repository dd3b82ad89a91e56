"""The one vocabulary of graphkit: labels, actor kinds, relationship types, property rules, dates.

Loaders, writers, the Neo4j store, the embedded Cypher engine, the legend and the docs
all read this module; nothing else defines a label or a relationship type. Only names
defined here are ever spliced into query text.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ACTOR",
    "CAPABILITY",
    "THREAT",
    "NORM",
    "LABELS",
    "ACTOR_KINDS",
    "KIND_WORDS",
    "kind_word",
    "NORM_KINDS",
    "STANCES",
    "VOTE_STANCES",
    "OPTIONAL_NODE_FILES",
    "EXTRA_RELATIONSHIP_FILES",
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
    "MODEL_PROPERTIES",
    "TEXT_PROPERTIES",
    "PROPERTY_TYPES",
    "IDENTIFIER",
    "is_identifier",
    "value_type",
    "POOLS_ALL",
    "POOLS_NONE",
    "POOLING_KINDS",
    "COOPERATION_DEFAULT_POOLS",
    "default_pools",
    "ATTRIBUTION_BASES",
    "DEFAULT_ATTRIBUTION_BASIS",
    "property_value_problem",
    "TIE_START",
    "TIE_END",
    "TIE_CONFIRMED",
    "tie_date",
    "period_problems",
]

ACTOR = "Actor"
CAPABILITY = "Capability"
THREAT = "Threat"
NORM = "Norm"
LABELS: tuple[str, ...] = (ACTOR, CAPABILITY, THREAT, NORM)

ACTOR_KINDS: tuple[str, ...] = (
    "state",
    "alliance",
    "international_org",
    "company",
    "ngo",
    "cert",
    "other",
)

KIND_WORDS: dict[str, tuple[str, str]] = {
    "state": ("state", "states"),
    "alliance": ("alliance", "alliances"),
    "international_org": ("international organisation", "international organisations"),
    "company": ("company", "companies"),
    "ngo": ("NGO", "NGOs"),
    "cert": ("CERT", "CERTs"),
    "other": ("other actor", "other actors"),
}
"""How text names each actor kind (singular, plural): the one vocabulary of the legend,
the report and the command line."""


def kind_word(kind: Any, *, plural: bool = False, title: bool = False) -> str:
    """The word for an actor kind; an unknown kind as written, underscores as spaces.

    >>> kind_word("international_org"), kind_word("ngo", plural=True), kind_word("cert", title=True)
    ('international organisation', 'NGOs', 'CERT')
    >>> kind_word("think_tank", plural=True, title=True)
    'Think tanks'
    """
    k = str(kind)
    singular, many = KIND_WORDS.get(k, (k.replace("_", " "), k.replace("_", " ") + "s"))
    word = many if plural else singular
    return word[:1].upper() + word[1:] if title else word


#: What a ``Norm`` node is: a UN resolution, a declaration (the Paris Call), a convention
#: (Budapest, the UN Convention against Cybercrime) or a set of principles.
NORM_KINDS: tuple[str, ...] = ("resolution", "declaration", "convention", "principles")

#: An actor's ``stance`` on a norm (the ``POSITION`` relationship): a recorded vote (yes, no,
#: abstain), a signature, a ratification (or accession), or a public endorsement.
STANCES: tuple[str, ...] = ("yes", "no", "abstain", "signed", "ratified", "supports")
VOTE_STANCES: tuple[str, ...] = ("yes", "no", "abstain")


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
        RelationshipType(
            "POSITION", (ACTOR,), (NORM,), "a vote, signature, ratification or endorsement (`stance`)"
        ),
    )
}

# Dataset files: which label each node file holds, and the relationships file.
NODE_FILES: dict[str, str] = {
    ACTOR: "actors",
    CAPABILITY: "capabilities",
    THREAT: "threats",
    NORM: "norms",
}
RELATIONSHIPS_FILE = "relationships"
#: Node files a dataset may leave out (a dataset without positions has no norms.csv).
OPTIONAL_NODE_FILES = frozenset({"norms"})
#: Further, optional relationship files, read after relationships.csv with the same columns
#: (the bundled data keeps its positions apart from its ties: positions.csv).
EXTRA_RELATIONSHIP_FILES: tuple[str, ...] = ("positions",)

REQUIRED_NODE_COLUMNS: dict[str, tuple[str, ...]] = {
    ACTOR: ("id", "name", "kind"),
    CAPABILITY: ("id", "name"),
    THREAT: ("id", "name"),
    NORM: ("id", "name", "kind"),
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
LIST_PROPERTIES = frozenset({"aliases", "sectors", "via", "incident_types", "tags", "countries", "sponsors"})

# Optional properties the model gives a meaning to (docs/ties.md, docs/ and DESIGN): a query
# may read them on a dataset that has none (the answer is null there), never a misspelling.
MODEL_PROPERTIES = frozenset(
    {
        "kind",
        "name",
        "level",
        "assessment",
        "basis",
        "confidence",
        "evidence",
        "since",
        "until",
        "status",
        "last_confirmed",
        "instrument",
        "pools",
        "topics",
        "weight",
        "stance",
        "date",
    }
)

# Property value types, as written in a header annotation (`since:int`, `aliases:string[]`).
PROPERTY_TYPES: dict[str, type] = {
    "string": str,
    "int": int,
    "float": float,
    "bool": bool,
    "date": _dt.date,
}

# ---- what a relationship pools, and on what basis a threat is attributed -------------
# ``pools`` (on an organisation, i.e. any actor that has members, and on COOPERATES_WITH):
# a `;`-list (or a list) of capability ids, or ``all``, or ``none``. The capability ids are
# checked against the graph by the analysis (graphkit.analysis.pooling), which knows them.
POOLS_ALL = "all"
POOLS_NONE = "none"
POOLING_KINDS: tuple[str, ...] = ("alliance",)
"""Actor kinds whose membership pools ``all`` when ``pools`` is absent; every other kind pools ``none``."""
COOPERATION_DEFAULT_POOLS = POOLS_ALL
"""What a COOPERATES_WITH relationship pools when ``pools`` is absent."""


def default_pools(kind: object) -> str:
    """What membership of an actor of ``kind`` pools when it declares no ``pools``.

    >>> default_pools("alliance"), default_pools("international_org")
    ('all', 'none')
    """
    return POOLS_ALL if kind in POOLING_KINDS else POOLS_NONE


# ``basis`` of ATTRIBUTED_TO: ``sponsor`` (a state sponsor), ``suspected`` (a sponsorship
# claimed by vendors or trackers only, kept apart from government-backed ones) or ``origin``
# (the threat operates from there). ``sponsor`` and ``suspected`` speak of state sponsorship.
ATTRIBUTION_BASES: tuple[str, ...] = ("sponsor", "origin", "suspected")
DEFAULT_ATTRIBUTION_BASIS = "origin"


def property_value_problem(rel_type: object, key: str, value: object) -> str | None:
    """What is wrong with the value of a property whose values the schema fixes (None when fine).

    >>> property_value_problem("ATTRIBUTED_TO", "basis", "sponsor") is None
    True
    >>> property_value_problem("ATTRIBUTED_TO", "basis", "state")
    "property 'basis' is 'state'; expected sponsor or origin or suspected (leave it out for origin)"
    """
    if rel_type == "POSITION" and key == "stance" and value not in STANCES:
        return f"property 'stance' is {value!r}; expected one of {', '.join(STANCES)}"
    if rel_type == "ATTRIBUTED_TO" and key == "basis" and value not in ATTRIBUTION_BASES:
        return (
            f"property 'basis' is {value!r}; expected {' or '.join(ATTRIBUTION_BASES)} "
            f"(leave it out for {DEFAULT_ATTRIBUTION_BASIS})"
        )
    return None


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


# ---- time: when a relationship holds ------------------------------------------------

#: The properties that give a relationship's start, most precise first: ``since_date`` (a
#: full date, where known) refines ``since`` (a year or a date).
TIE_START = ("since_date", "since")
#: The properties that give a relationship's end (exclusive), most precise first.
TIE_END = ("until_date", "until")
#: The property that says when a relationship was last seen active (a year or a date).
TIE_CONFIRMED = "last_confirmed"

_YEAR_TEXT = re.compile(r"^[0-9]{4}$")
_DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def tie_date(value: Any) -> _dt.date:
    """The day a ``since``/``until`` value stands for: a year alone means 1 January.

    Accepts a ``datetime.date``, a whole number (a year, 1 to 9999) or text written
    ``YYYY`` or ``YYYY-MM-DD``.

    Raises
    ------
    ValueError
        When the value is none of those (the message says what is wrong).

    Examples
    --------
    >>> gk.schema.tie_date(2023), gk.schema.tie_date("2024-03-07")
    (datetime.date(2023, 1, 1), datetime.date(2024, 3, 7))
    >>> gk.schema.tie_date("April 2023")
    Traceback (most recent call last):
    ...
    ValueError: 'April 2023' is not a date: write a year (2023) or a date (2023-04-04)
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= 9999:
            return _dt.date(value, 1, 1)
        raise ValueError(f"{value!r} is not a year (1 to 9999)")
    if isinstance(value, str):
        text = value.strip()
        if _YEAR_TEXT.match(text) and text != "0000":
            return _dt.date(int(text), 1, 1)
        if _DATE_TEXT.match(text):
            try:
                return _dt.date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"{_shown_value(value)} is not a calendar date") from None
    raise ValueError(f"{_shown_value(value)} is not a date: write a year (2023) or a date (2023-04-04)")


def period_problems(d: dict[str, Any], today: _dt.date | None = None) -> list[tuple[str, str]]:
    """``(property, message)`` for each problem with a relationship's dates (empty when none).

    A date that is not a date, a date after ``today`` (default: today), an end before the
    start, and a ``since_date``/``until_date`` outside the year its ``since``/``until`` gives.
    ``last_confirmed`` (:data:`TIE_CONFIRMED`) is checked as a date too: written as a year
    or a full date, and not in the future.

    Examples
    --------
    >>> period_problems({"since": 2020, "until": 2019})
    [('until', 'until 2019 is before since 2020: a relationship ends after it begins')]
    >>> period_problems({"since": 2020, "last_confirmed": "2023-07"})
    [('last_confirmed', "'2023-07' is not a date: write a year (2023) or a date (2023-04-04)")]
    """
    today = today or _dt.date.today()
    days: dict[str, _dt.date] = {}
    problems: list[tuple[str, str]] = []
    for key in (*TIE_START, *TIE_END, TIE_CONFIRMED):
        if d.get(key) is None:
            continue
        try:
            day = tie_date(d[key])
        except ValueError as exc:
            problems.append((key, str(exc)))
            continue
        days[key] = day
        if day > today:
            problems.append(
                (
                    key,
                    f"{key} {_written(d[key])} is in the future (today is {today.isoformat()}): "
                    "graphkit records what has happened; leave it out until it has",
                )
            )
    for precise, rough in (TIE_START, TIE_END):
        if precise in days and rough in days and isinstance(d[rough], int) and days[precise].year != d[rough]:
            problems.append(
                (precise, f"{precise} {_written(d[precise])} is not in the year {rough} gives ({d[rough]})")
            )
    days.pop(TIE_CONFIRMED, None)  # evidence of activity, not a start or an end
    start = next((k for k in TIE_START if k in days), None)
    end = next((k for k in TIE_END if k in days), None)
    if start and end and days[end] < days[start]:
        problems.append(
            (
                end,
                f"{end} {_written(d[end])} is before {start} {_written(d[start])}: a relationship ends after it begins",
            )
        )
    return problems


def _written(value: Any) -> str:
    return value.isoformat() if isinstance(value, _dt.date) else str(value)


def _shown_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 62 else text[:60] + "..."
