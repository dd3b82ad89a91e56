"""The canonical property graph: build it through validated paths, select from it, compare it.

The graph is a :class:`networkx.MultiDiGraph`. A node's key is its ``id``; its attributes
are ``label`` (one of :data:`graphkit.schema.LABELS`) and its properties (``name``,
``kind`` for actors, anything else). An edge's attributes are ``type`` (a key of
:data:`graphkit.schema.RELATIONSHIP_TYPES`) and its properties. Property values are
``str``, ``int``, ``float`` (finite), ``bool``, ``datetime.date`` or lists of one of those.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.errors import SchemaError
from graphkit.schema import TIE_END, TIE_START, period_problems, tie_date

__all__ = [
    "new_graph",
    "add_node",
    "add_relationship",
    "node_problems",
    "relationship_problems",
    "validate",
    "nodes_of",
    "relationships_of",
    "summary",
    "select",
    "actor_graph",
    "ego_graph",
    "graph_diff",
    "id_key",
    "text_problem",
    "as_of",
    "as_of_date",
    "not_in_force",
    "tie_date",
    "tie_period",
    "in_force",
    "period_problems",
    "ended_relationships",
    "TIE_START",
    "TIE_END",
    "INT_RANGE",
    "MAX_TEXT",
]


# Integers must fit in 64 bits (Neo4j's integer, and what a spreadsheet or JSON reader
# elsewhere can be trusted with).
INT_RANGE = (-(1 << 63), (1 << 63) - 1)

# The longest text value (an id, a name, a property): the CSV loader's cell limit.
MAX_TEXT = 1 << 20

# Characters no XML 1.0 file can carry and no CSV reader should meet: C0 controls other
# than tab, line feed and carriage return, lone surrogates, and the two non-characters.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def id_key(id: str) -> str:
    """The key under which two ids count as the same id (NFKC-normalised, case-folded).

    Loaders refuse a second id with the key of an earlier one: ids that differ only in
    case or Unicode normalisation look the same to a reader and would split one actor in
    two.

    Examples
    --------
    >>> gk.graph.id_key("Cafe\u0301") == gk.graph.id_key("CAF\u00c9")
    True
    """
    return unicodedata.normalize("NFKC", id).casefold()


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a value (longer than 1 MiB, a control character, a lone
    surrogate), or None."""
    if len(text) > MAX_TEXT:
        return f"is {len(text):,} characters long; a text value holds at most {MAX_TEXT:,}"
    m = _BAD_CHARS.search(text)
    if m is None:
        return None
    return f"holds the control character U+{ord(m.group()):04X} at position {m.start() + 1}, which XML and CSV files cannot carry; remove it"


def new_graph(name: str | None = None) -> nx.MultiDiGraph:
    """An empty canonical graph (a networkx ``MultiDiGraph``), optionally named.

    Examples
    --------
    >>> G = gk.new_graph("demo")
    >>> G.graph["name"], G.number_of_nodes(), G.is_directed(), G.is_multigraph()
    ('demo', 0, True, True)
    """
    G = nx.MultiDiGraph()
    if name:
        G.graph["name"] = name
    return G


def add_node(G: nx.MultiDiGraph, id: str, label: str, /, **props: Any) -> None:
    """Add a node after checking it against the schema.

    Raises
    ------
    SchemaError
        When the id is taken or empty, the label or kind unknown, ``name`` missing, or a
        property key or value not allowed.

    Examples
    --------
    >>> G = gk.new_graph()
    >>> gk.add_node(G, "NATO", "Actor", name="NATO", kind="alliance")
    >>> G.nodes["NATO"]["kind"]
    'alliance'
    """
    problems = node_problems(G, id, label, props)
    if problems:
        raise SchemaError(f"node {id!r}: " + "; ".join(problems))
    G.add_node(id, label=label, **props)


def add_relationship(G: nx.MultiDiGraph, source: str, type: str, target: str, /, **props: Any) -> int:
    """Add a relationship after checking endpoints, type and properties; return its key.

    Raises
    ------
    SchemaError
        When an endpoint is missing, the type unknown or its endpoints' labels do not fit
        it, or a property key or value is not allowed.

    Examples
    --------
    >>> G = gk.new_graph()
    >>> gk.add_node(G, "EST", "Actor", name="Estonia", kind="state")
    >>> gk.add_node(G, "NATO", "Actor", name="NATO", kind="alliance")
    >>> gk.add_relationship(G, "EST", "MEMBER_OF", "NATO", since=2004)
    0
    >>> gk.add_relationship(G, "EST", "TARGETS", "NATO")
    Traceback (most recent call last):
    ...
    graphkit.errors.SchemaError: relationship 'EST' -TARGETS-> 'NATO': ...
    """
    problems = relationship_problems(G, source, type, target, props)
    if problems:
        raise SchemaError(f"relationship {source!r} -{type}-> {target!r}: " + "; ".join(problems))
    return G.add_edge(source, target, type=type, **props)


def node_problems(G: nx.MultiDiGraph, id: object, label: object, props: dict[str, Any]) -> list[str]:
    """What is wrong with a node that is about to be added (empty when nothing is)."""
    problems = []
    if not isinstance(id, str) or not id.strip():
        problems.append("id must be a non-empty string")
    elif id != id.strip():
        problems.append(f"id {id!r} has leading or trailing spaces")
    elif text_problem(id):
        shown = repr(id) if len(id) <= 60 else repr(id[:60]) + "..."
        problems.append(f"id {shown} {text_problem(id)}")
    elif id in G:
        problems.append(f"duplicate id {id!r}: ids are unique across the whole graph")
    if label not in schema.LABELS:
        problems.append(f"unknown label {label!r}; expected one of {', '.join(schema.LABELS)}")
    name = props.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("'name' is required and must be a non-empty string")
    if label == schema.ACTOR:
        kind = props.get("kind")
        if kind not in schema.ACTOR_KINDS:
            problems.append(
                f"kind {kind!r} is not an actor kind; expected one of {', '.join(schema.ACTOR_KINDS)}"
            )
    problems += _property_problems(props, schema.RESERVED_NODE_KEYS)
    return problems


def relationship_problems(
    G: nx.MultiDiGraph, source: object, type: str, target: object, props: dict[str, Any]
) -> list[str]:
    """What is wrong with a relationship that is about to be added (empty when nothing is)."""
    problems = []
    rel = schema.RELATIONSHIP_TYPES.get(type)
    if rel is None:
        problems.append(
            f"unknown relationship type {type!r}; expected one of {', '.join(schema.RELATIONSHIP_TYPES)}"
        )
    for end, node, allowed in (
        ("source", source, rel and rel.sources),
        ("target", target, rel and rel.targets),
    ):
        if node not in G:
            problems.append(f"{end} id {node!r} does not resolve to any node")
        elif allowed and G.nodes[node]["label"] not in allowed:
            problems.append(
                f"{type} cannot start from a {G.nodes[node]['label']}"
                if end == "source"
                else f"{type} cannot point to a {G.nodes[node]['label']}"
            )
    if source == target and type in ("MEMBER_OF", "COOPERATES_WITH"):
        problems.append(f"{type} from {source!r} to itself")
    problems += _property_problems(props, schema.RESERVED_RELATIONSHIP_KEYS)
    problems += [p for k, v in props.items() if (p := schema.property_value_problem(type, k, v))]
    problems += [f"property {key!r}: {why}" for key, why in period_problems(props)]  # since/until
    return problems


def validate(G: nx.MultiDiGraph) -> list[str]:
    """Every schema problem in a graph that was built without the checked paths.

    Examples
    --------
    >>> gk.validate(gk.load(gk.SAMPLE))
    []
    >>> G = gk.new_graph()
    >>> G.add_node("X", label="Actor", name="X", kind="planet")  # bypasses add_node's checks
    >>> gk.validate(G)
    ["node 'X': kind 'planet' is not an actor kind; expected one of state, alliance, ..."]
    """
    problems = []
    for n, data in G.nodes(data=True):
        props = {k: v for k, v in data.items() if k != "label"}
        H = nx.MultiDiGraph()
        problems += [f"node {n!r}: {p}" for p in node_problems(H, n, data.get("label"), props)]
    for u, v, data in G.edges(data=True):
        props = {k: v for k, v in data.items() if k != "type"}
        problems += [
            f"relationship {u!r} -{data.get('type')}-> {v!r}: {p}"
            for p in relationship_problems(G, u, data.get("type"), v, props)
        ]
    return problems


def nodes_of(G: nx.MultiDiGraph, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, attributes)`` of every node with ``label``, in insertion order."""
    return ((n, d) for n, d in G.nodes(data=True) if d.get("label") == label)


def relationships_of(
    G: nx.MultiDiGraph, types: str | Iterable[str] | None = None
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(source, target, attributes)`` of every relationship of the given type(s)."""
    wanted = {types} if isinstance(types, str) else set(types) if types is not None else None
    return ((u, v, d) for u, v, d in G.edges(data=True) if wanted is None or d.get("type") in wanted)


def summary(G: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Counts by label, relationship type and actor kind (schema order, zeros included).

    Examples
    --------
    >>> s = gk.summary(gk.load(gk.SAMPLE))
    >>> s["nodes"]
    {'Actor': 14, 'Capability': 5, 'Threat': 3}
    >>> s["relationships"]["MEMBER_OF"], s["actor_kinds"]["alliance"]
    (13, 2)
    """
    labels = Counter(d.get("label") for _, d in G.nodes(data=True))
    kinds = Counter(d.get("kind") for _, d in nodes_of(G, schema.ACTOR))
    types = Counter(d.get("type") for _, _, d in G.edges(data=True))
    return {
        "nodes": {label: labels[label] for label in schema.LABELS},
        "relationships": {t: types[t] for t in schema.RELATIONSHIP_TYPES},
        "actor_kinds": {k: kinds[k] for k in schema.ACTOR_KINDS},
    }


def select(
    G: nx.MultiDiGraph,
    *,
    labels: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """A copy of ``G`` with only the given labels and relationship types.

    Examples
    --------
    >>> H = gk.select(gk.load(gk.SAMPLE), labels=["Actor"], types=["MEMBER_OF"])
    >>> gk.summary(H)["nodes"], H.number_of_edges()
    ({'Actor': 14, 'Capability': 0, 'Threat': 0}, 13)
    """
    keep_labels = set(labels) if labels is not None else set(schema.LABELS)
    keep_types = set(types) if types is not None else set(schema.RELATIONSHIP_TYPES)
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((n, d) for n, d in G.nodes(data=True) if d.get("label") in keep_labels)
    H.add_edges_from(
        (u, v, k, d)
        for u, v, k, d in G.edges(keys=True, data=True)
        if d.get("type") in keep_types and u in H and v in H
    )
    return H


def actor_graph(
    G: nx.MultiDiGraph,
    types: Iterable[str] = ("MEMBER_OF", "COOPERATES_WITH"),
    *,
    weight: str | None = None,
) -> nx.Graph:
    """The undirected, simple actor network formed by the given relationship types.

    Every actor is a node (isolated ones too), carrying its attributes. Parallel and
    opposite relationships between two actors merge into one edge whose ``weight`` is
    the sum of their ``weight`` property (``1`` where absent) when ``weight`` is given,
    and whose ``count`` is how many relationships it merges.

    Examples
    --------
    >>> A = gk.actor_graph(gk.load(gk.SAMPLE), ["COOPERATES_WITH"], weight="weight")
    >>> A.number_of_nodes(), A.number_of_edges(), A["USA"]["GBR"]["weight"]
    (14, 5, 3.0)
    """
    types = set(types)
    unknown = types - set(schema.RELATIONSHIP_TYPES)
    if unknown:
        raise SchemaError(f"unknown relationship type(s): {', '.join(sorted(unknown))}")
    A = nx.Graph()
    A.add_nodes_from(nodes_of(G, schema.ACTOR))
    for u, v, d in G.edges(data=True):
        if d.get("type") not in types or u == v or u not in A or v not in A:
            continue
        w = d.get(weight, 1) if weight else 1
        if A.has_edge(u, v):
            A[u][v]["count"] += 1
            A[u][v]["weight"] += w
        else:
            A.add_edge(u, v, count=1, weight=w)
    return A


def ego_graph(G: nx.MultiDiGraph, center: str, depth: int = 1) -> nx.MultiDiGraph:
    """The nodes within ``depth`` hops of ``center`` (either direction) and their relationships.

    Raises
    ------
    SchemaError
        When ``center`` is not a node of ``G``.

    Examples
    --------
    >>> sorted(gk.ego_graph(gk.load(gk.SAMPLE), "EST").nodes)
    ['EST', 'EU', 'NATO', 'USA', 'cap:incident_response', 'threat:sandworm']
    """
    if center not in G:
        raise SchemaError(f"no node with id {center!r}")
    seen = {center}
    frontier = {center}
    for _ in range(depth):
        nxt = set()
        for n in frontier:
            nxt.update(G.successors(n))
            nxt.update(G.predecessors(n))
        frontier = nxt - seen
        seen |= frontier
    return G.subgraph(seen).copy()


def graph_diff(G: nx.MultiDiGraph, H: nx.MultiDiGraph, *, limit: int = 20) -> list[str]:
    """How ``H`` differs from ``G`` (nodes, attributes and their types, relationships); empty if the same.

    Relationships are compared as multisets of ``(source, target, attributes)``; edge
    keys and insertion order do not count.

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> H = G.copy()
    >>> gk.graph_diff(G, H)
    []
    >>> H.nodes["EST"]["founded"] = 1918
    >>> gk.graph_diff(G, H)[0][:36]
    "node 'EST': {'name': 'Estonia', 'kin"
    """
    out: list[str] = []
    for n in G.nodes:
        if n not in H:
            out.append(f"node {n!r} missing")
        elif _typed(G.nodes[n]) != _typed(H.nodes[n]):
            out.append(f"node {n!r}: {G.nodes[n]!r} != {H.nodes[n]!r}")
    out += [f"extra node {n!r}" for n in H.nodes if n not in G]
    eg = Counter((u, v, _typed(d)) for u, v, d in G.edges(data=True))
    eh = Counter((u, v, _typed(d)) for u, v, d in H.edges(data=True))
    out += [f"relationship missing: {e[0]!r} -> {e[1]!r} {dict(e[2])}" for e in (eg - eh)]
    out += [f"extra relationship: {e[0]!r} -> {e[1]!r} {dict(e[2])}" for e in (eh - eg)]
    return out[:limit]


# ---- time: each relationship holds from its start until its end ---------------------


def tie_period(d: dict[str, Any]) -> tuple[_dt.date | None, _dt.date | None]:
    """``(start, end)`` of a relationship's attributes: when it began and when it ended.

    ``start`` is ``since_date`` or else ``since``; ``end`` is ``until_date`` or else
    ``until`` (a year alone is 1 January of that year); None where absent (always / still
    in force). The relationship is in force on day D when ``start <= D < end``.

    Raises
    ------
    SchemaError
        When a value is not a date (see :func:`tie_date`).

    Examples
    --------
    >>> gk.graph.tie_period({"since": 1973, "until": 2020, "until_date": gk.graph.tie_date("2020-01-31")})
    (datetime.date(1973, 1, 1), datetime.date(2020, 1, 31))
    """
    return _bound(d, TIE_START), _bound(d, TIE_END)


def in_force(d: dict[str, Any], on: _dt.date) -> bool:
    """Whether a relationship with attributes ``d`` holds on day ``on`` (``start <= on < end``).

    Examples
    --------
    >>> import datetime
    >>> tie = {"since": 2023, "until": "2024-06-01"}
    >>> [in_force(tie, datetime.date(*ymd)) for ymd in [(2022, 12, 31), (2023, 1, 1), (2024, 6, 1)]]
    [False, True, False]
    """
    start, end = tie_period(d)
    return (start is None or start <= on) and (end is None or on < end)


def as_of_date(when: Any) -> _dt.date | None:
    """The day an ``as_of`` argument names; None for every relationship regardless of dates.

    ``"today"`` is today; ``None`` and ``"all"`` mean no date (the whole dataset); a
    ``datetime.date``, a year (``2024`` or ``"2024"``: 1 January) or ``"YYYY-MM-DD"``
    name that day.

    Raises :class:`SchemaError` when ``when`` is none of those.

    >>> gk.graph.as_of_date("2024"), gk.graph.as_of_date("all")
    (datetime.date(2024, 1, 1), None)
    """
    word = when.strip().lower() if isinstance(when, str) else None
    if when is None or word == "all":
        return None
    if word == "today":
        return _dt.date.today()
    try:
        return tie_date(when)
    except ValueError as exc:
        raise SchemaError(f"as of {exc}, 'today' or 'all'") from None


def as_of(G: nx.MultiDiGraph, when: Any) -> nx.MultiDiGraph:
    """The network of day ``when``: every node, and the relationships in force that day.

    A relationship counts when its start (``since_date``, else ``since``; absent: always)
    is on or before the day and its end (``until_date``, else ``until``; absent: still in
    force) is after it. A year alone means 1 January of that year, for ``since`` and
    ``until`` alike. Nodes stay; only their ties come and go. With ``when`` None or
    ``"all"`` (see :func:`as_of_date`), ``G`` itself is returned; otherwise a new graph
    whose ``graph["as_of"]`` is the day in ISO form.

    Raises
    ------
    SchemaError
        When ``when`` or a relationship's ``since``/``until`` is not a date.

    Examples
    --------
    >>> G = gk.new_graph()
    >>> for a in ("FIN", "NATO"):
    ...     gk.add_node(G, a, "Actor", name=a, kind="alliance" if a == "NATO" else "state")
    >>> _ = gk.add_relationship(G, "FIN", "MEMBER_OF", "NATO", since_date=gk.graph.tie_date("2023-04-04"))
    >>> [as_of(G, d).number_of_edges() for d in ("2023-04-03", "2023-04-04", "all")]
    [0, 1, 1]
    """
    day = as_of_date(when)
    if day is None:
        return G
    gone = set(not_in_force(G, day))
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.graph["as_of"] = day.isoformat()
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from(e for e in G.edges(keys=True, data=True) if not gone or e[:3] not in gone)
    return H


def not_in_force(G: nx.MultiDiGraph, day: _dt.date) -> list[tuple[str, str, int]]:
    """``(source, target, key)`` of every relationship not in force on ``day`` (see :func:`as_of`)."""
    out = []
    for u, v, k, d in G.edges(keys=True, data=True):
        if "since" in d or "until" in d or "since_date" in d or "until_date" in d:
            try:
                if not in_force(d, day):
                    out.append((u, v, k))
            except SchemaError as exc:
                raise SchemaError(f"relationship {u!r} -{d.get('type')}-> {v!r}: {exc}") from None
    return out


def ended_relationships(G: nx.MultiDiGraph, on: _dt.date | None = None) -> int:
    """How many relationships have ended by day ``on`` (default today): their end is on or before it.

    >>> ended_relationships(gk.load(gk.SAMPLE))
    0
    """
    day = on or _dt.date.today()
    return sum(1 for _, _, d in G.edges(data=True) if (end := _bound(d, TIE_END)) is not None and end <= day)


def _bound(d: dict[str, Any], keys: tuple[str, str]) -> _dt.date | None:
    for key in keys:
        value = d.get(key)
        if value is not None:
            try:
                return _cached_tie_date(value) if isinstance(value, int | str) else tie_date(value)
            except ValueError as exc:
                raise SchemaError(f"property {key!r}: {exc}") from None
    return None


@functools.lru_cache(maxsize=4096, typed=True)
def _cached_tie_date(value: int | str) -> _dt.date:
    return tie_date(value)


def _typed(d: dict[str, Any]) -> frozenset:
    def freeze(v: Any) -> Any:
        if isinstance(v, list | tuple):
            return ("list", tuple(freeze(x) for x in v))
        return (type(v).__name__, v)

    return frozenset((k, freeze(v)) for k, v in d.items())


@functools.lru_cache(maxsize=4096)
def _key_problem(key: object, reserved: frozenset[str]) -> str | None:
    if key in reserved:
        return f"property {key!r} is reserved"
    if not schema.is_identifier(key):
        return f"property name {key!r} is not allowed: use letters, digits and _ and start with a letter"
    return None


def _property_problems(props: dict[str, Any], reserved: frozenset[str]) -> list[str]:
    problems = []
    for key, value in props.items():
        bad_key = (
            _key_problem(key, reserved)
            if isinstance(key, str)
            else (f"property name {key!r} is not allowed: use letters, digits and _ and start with a letter")
        )
        if bad_key:
            problems.append(bad_key)
            continue
        vtype = type(value)
        # Fast paths for the common scalars; everything else takes the general checks below.
        if vtype is str and value.strip() and len(value) <= MAX_TEXT and _BAD_CHARS.search(value) is None:
            continue
        if key not in schema.TEXT_PROPERTIES and (
            (vtype is int and INT_RANGE[0] <= value <= INT_RANGE[1])
            or (vtype is float and math.isfinite(value))
        ):
            continue
        kind = schema.value_type(value)
        if key in schema.TEXT_PROPERTIES and kind != "string":
            problems.append(f"property {key!r} must be text, not {type(value).__name__}")
        elif kind is None:
            problems.append(
                f"property {key!r} has a value of type {type(value).__name__}; "
                "expected text, a number, true/false, a date or a list of one of those"
            )
        elif (isinstance(value, str) and not value.strip()) or (
            isinstance(value, list | tuple) and any(isinstance(x, str) and not x.strip() for x in value)
        ):
            problems.append(
                f"property {key!r} is empty text (or only spaces): leave the property out instead"
            )
        elif kind.startswith("string") and any(
            text_problem(x) for x in (value if isinstance(value, list | tuple) else [value])
        ):
            bad = next(x for x in (value if isinstance(value, list | tuple) else [value]) if text_problem(x))
            problems.append(f"property {key!r} {text_problem(bad)}")
        elif kind.startswith("int") and any(
            not INT_RANGE[0] <= x <= INT_RANGE[1]
            for x in (value if isinstance(value, list | tuple) else [value])
        ):
            problems.append(f"property {key!r} is outside the 64-bit integer range: {value!r}")
        elif kind.startswith("float") and any(
            not math.isfinite(x) for x in (value if isinstance(value, list | tuple) else [value])
        ):
            problems.append(f"property {key!r} is not a finite number: {value!r}")
    return problems
