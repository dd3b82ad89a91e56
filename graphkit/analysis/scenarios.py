"""What-if scenarios: one vocabulary of changes to the graph, applied to a copy, read from text or files.

A *change* is one of eight frozen dataclasses:

======================  =============================================================
``Join(actor, org)``    ``actor`` becomes a member of ``org`` (``since`` = the day, or
                        ``date``)
``Leave(actor, org)``   ``actor``'s memberships of ``org`` in force end (``until`` = the day)
``Pause(actor, org)``   its memberships of ``org`` (or, when it has none, its agreements
                        with ``org``) get ``status`` (default ``suspended``)
``Sign(a, b, inst)``    a new ``COOPERATES_WITH`` ``a -> b`` with ``instrument`` and
                        ``pools`` (absent: the schema's default for agreements)
``End(a, b)``           the agreements between ``a`` and ``b`` in force (either direction;
                        only those of ``instrument`` when given) end (``until`` = the day)
``AddActor(id, kind)``  a new actor
``RemoveActor(id)``     the actor and every relationship it has
``SetLevel(a, c, x)``   ``a`` holds capability ``c`` at level ``x`` (its ``HAS_CAPABILITY``
                        to ``c`` replaced by one)
======================  =============================================================

:func:`apply_changes` checks every change against the graph as the earlier changes left
it and raises :class:`~graphkit.errors.AnalysisError` naming the change (and its file and
line when it came from one) with a "did you mean", before it returns; the graph handed to
it is never modified. :func:`parse_change` reads the command-line form
(``join KEN:COE_BUDAPEST``, ``set_level UKR:cap:attribution=0.8``) and
:func:`load_scenarios` a scenario file (CSV: ``scenario,change,arg1,arg2 ...``; YAML when
pyyaml is installed). The analysis of a scenario is :mod:`graphkit.analysis.whatif`.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.errors import AnalysisError
from graphkit.graph import in_force
from graphkit.suggest import close_matches

__all__ = [
    "Change",
    "Join",
    "Leave",
    "Pause",
    "Sign",
    "End",
    "AddActor",
    "RemoveActor",
    "SetLevel",
    "Scenario",
    "CHANGE_KINDS",
    "PAUSE_STATUSES",
    "SCENARIO_SOURCE",
    "apply_changes",
    "parse_change",
    "touched_actors",
]

PAUSE_STATUSES = ("suspended", "frozen", "observer", "lapsed", "active")
"""The ``status`` values a pause may set (DESIGN.md, "Ties have a life cycle"; ``active`` resumes)."""

SCENARIO_SOURCE = "what-if scenario"
"""The ``source`` of every node and relationship a scenario adds."""


@dataclass(frozen=True)
class Change:
    """Base of the eight changes; ``where`` says where it was written (``file:line``), for errors."""

    where: str | None = field(default=None, compare=False, kw_only=True, repr=False)

    verb = "change"

    def text(self) -> str:
        """The change in the command-line form (``leave ARM:CSTO``)."""
        return self.verb


@dataclass(frozen=True)
class Join(Change):
    actor: str
    org: str
    date: str | None = None
    verb = "join"

    def text(self) -> str:
        return f"join {self.actor}:{self.org}" + (f":{self.date}" if self.date else "")


@dataclass(frozen=True)
class Leave(Change):
    actor: str
    org: str
    verb = "leave"

    def text(self) -> str:
        return f"leave {self.actor}:{self.org}"


@dataclass(frozen=True)
class Pause(Change):
    actor: str
    org: str
    status: str = "suspended"
    verb = "pause"

    def text(self) -> str:
        return f"pause {self.actor}:{self.org}:{self.status}"


@dataclass(frozen=True)
class Sign(Change):
    a: str
    b: str
    instrument: str
    pools: str | None = None
    verb = "sign"

    def text(self) -> str:
        return f"sign {self.a}:{self.b}:{self.instrument}" + (f":{self.pools}" if self.pools else "")


@dataclass(frozen=True)
class End(Change):
    a: str
    b: str
    instrument: str | None = None
    verb = "end"

    def text(self) -> str:
        return f"end {self.a}:{self.b}" + (f":{self.instrument}" if self.instrument else "")


@dataclass(frozen=True)
class AddActor(Change):
    id: str
    kind: str
    name: str | None = None
    verb = "add_actor"

    def text(self) -> str:
        return f"add_actor {self.id}:{self.kind}" + (f":{self.name}" if self.name else "")


@dataclass(frozen=True)
class RemoveActor(Change):
    id: str
    verb = "remove_actor"

    def text(self) -> str:
        return f"remove_actor {self.id}"


@dataclass(frozen=True)
class SetLevel(Change):
    actor: str
    capability: str
    level: float
    verb = "set_level"

    def text(self) -> str:
        return f"set_level {self.actor}:{self.capability}={self.level:g}"


CHANGE_KINDS: dict[str, type[Change]] = {
    c.verb: c for c in (Join, Leave, Pause, Sign, End, AddActor, RemoveActor, SetLevel)
}
"""Change classes by verb (the ``change`` column of a scenario file, the ``--VERB`` option)."""

_USAGE = {
    "join": "ACTOR:ORG[:DATE]",
    "leave": "ACTOR:ORG",
    "pause": "ACTOR:ORG[:STATUS]",
    "sign": "A:B:INSTRUMENT[:POOLS]",
    "end": "A:B[:INSTRUMENT]",
    "add_actor": "ID:KIND[:NAME]",
    "remove_actor": "ID",
    "set_level": "ACTOR:CAPABILITY=LEVEL",
}


@dataclass(frozen=True)
class Scenario:
    """A named list of changes, applied in order."""

    name: str
    changes: tuple[Change, ...]

    def text(self) -> str:
        return "; ".join(c.text() for c in self.changes)


# ---- reading changes -------------------------------------------------------------------------


def parse_change(verb: str, spec: str | Iterable[str], *, where: str | None = None) -> Change:
    """One change from its verb and its arguments: ``"ARM:CSTO"`` or ``["ARM", "CSTO"]``.

    The colon form splits the fields a verb has, the last one taking the rest (a capability
    id holds a colon: ``set_level UKR:cap:attribution=0.8``, ``sign USA:IND:mou:cap:a;cap:b``).

    Examples
    --------
    >>> parse_change("leave", "ARM:CSTO")
    Leave(actor='ARM', org='CSTO')
    >>> parse_change("set-level", "UKR:cap:attribution=0.8")
    SetLevel(actor='UKR', capability='cap:attribution', level=0.8)
    >>> parse_change("sign", ["USA", "IND", "mou"])
    Sign(a='USA', b='IND', instrument='mou', pools=None)
    >>> parse_change("leav", "ARM:CSTO")
    Traceback (most recent call last):
    ...
    graphkit.errors.AnalysisError: unknown change 'leav' (did you mean 'leave'?); changes are join, leave, pause, sign, end, add_actor, remove_actor, set_level
    """
    name = str(verb).strip().lower().replace("-", "_")
    if name not in CHANGE_KINDS:
        found = close_matches(name, CHANGE_KINDS)
        hint = f" (did you mean {' or '.join(repr(f) for f in found)}?)" if found else ""
        raise AnalysisError(
            f"{_at(where)}unknown change {verb!r}{hint}; changes are {', '.join(CHANGE_KINDS)}"
        )
    if isinstance(spec, str):
        args = _split(name, spec.strip())
    else:
        args = [str(x).strip() for x in spec]
        while args and not args[-1]:
            args.pop()
    usage = f"{name} {_USAGE[name]}"
    if any(not a for a in args[: _required(name)]) or len(args) < _required(name):
        raise AnalysisError(
            f"{_at(where)}{name} needs {_USAGE[name]}, got {_shown(spec)} (e.g. {_example(name)})"
        )
    if len(args) > _most(name):
        raise AnalysisError(f"{_at(where)}{usage}: too many fields in {_shown(spec)}")
    if name == "set_level":
        try:
            level = float(args[2])
        except ValueError:
            raise AnalysisError(
                f"{_at(where)}{usage}: level {args[2]!r} is not a number from 0 to 1"
            ) from None
        if not 0 <= level <= 1:
            raise AnalysisError(f"{_at(where)}{usage}: level {level:g} is not from 0 to 1")
        return SetLevel(args[0], args[1], level, where=where)
    if name == "pause" and len(args) > 2 and args[2].lower() not in PAUSE_STATUSES:
        found = close_matches(args[2], PAUSE_STATUSES)
        hint = f" (did you mean {' or '.join(repr(f) for f in found)}?)" if found else ""
        raise AnalysisError(
            f"{_at(where)}pause: status {args[2]!r} is not one of {', '.join(PAUSE_STATUSES)}{hint}"
        )
    if name == "join" and len(args) > 2 and args[2]:
        try:
            schema.tie_date(args[2])
        except ValueError as exc:
            raise AnalysisError(f"{_at(where)}join: {exc}") from None
    values = [a if a else None for a in args]
    if name == "pause" and len(values) > 2 and values[2]:
        values[2] = values[2].lower()
    return CHANGE_KINDS[name](*values, where=where)


def touched_actors(changes: Iterable[Change]) -> list[str]:
    """The actors a scenario is about, in order: who joins, leaves, pauses, signs, ends, gains a level or is added."""
    out: dict[str, None] = {}
    for c in changes:
        if isinstance(c, Join | Leave | Pause | SetLevel):
            out[c.actor] = None
        elif isinstance(c, Sign | End):
            out[c.a] = None
            out[c.b] = None
        elif isinstance(c, AddActor):
            out[c.id] = None
    removed = {c.id for c in changes if isinstance(c, RemoveActor)}
    return [a for a in out if a not in removed]


# ---- applying changes ------------------------------------------------------------------------


def apply_changes(
    G: nx.MultiDiGraph, changes: Iterable[Change] | Scenario, *, on: Any = None
) -> nx.MultiDiGraph:
    """A copy of ``G`` with ``changes`` applied in order; ``G`` is left as it was.

    ``on`` is the scenario's day (default: ``G.graph["as_of"]`` when ``G`` was cut to a
    day, else today): a join begins that day (``since_date``, unless the change gives a
    date), a leave or an end sets ``until_date`` to it, so the analysis of that day leaves
    the tie out while history keeps it. Every node and relationship a change adds has
    ``source`` = :data:`SCENARIO_SOURCE`.

    Raises
    ------
    AnalysisError
        For the first change that names an unknown actor, organisation or capability, a
        membership or agreement not in force on ``on``, a membership that already exists,
        or a date after ``on``: with the change, where it was written and a "did you mean".

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> H = apply_changes(G, [Leave("DEU", "NATO")], on="2024-01-01")
    >>> [d.get("until_date") for _, v, d in H.out_edges("DEU", data=True) if v == "NATO"]
    [datetime.date(2024, 1, 1)]
    >>> apply_changes(G, [Leave("DEU", "NATTO")], on="2024-01-01")
    Traceback (most recent call last):
    ...
    graphkit.errors.AnalysisError: leave DEU:NATTO: no actor 'NATTO' (did you mean 'NATO'?)
    """
    items = changes.changes if isinstance(changes, Scenario) else tuple(changes)
    day = _day(G, on)
    H = _shallow_copy(G)
    for c in items:
        _apply(H, c, day)
    return H


# ---- helpers -----------------------------------------------------------------------------------


def _shallow_copy(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G``'s structure that shares its node and edge attribute dicts (copy on
    write: :func:`_writable` gives an edge its own dict before a change sets a property).

    ``G.copy()`` copies every attribute dict, most of the cost of a scenario on a dataset
    of a few thousand relationships; a change writes to a handful of them.
    """
    H = G.__class__()
    H.graph.update(G.graph)
    for n, d in G._node.items():
        H._node[n] = d
        H._succ[n] = {}
        H._pred[n] = {}
    for u, nbrs in G._succ.items():
        hu = H._succ[u]
        for v, keydict in nbrs.items():
            shared = dict(keydict)  # one dict for succ[u][v] and pred[v][u], as networkx keeps it
            hu[v] = shared
            H._pred[v][u] = shared
    return H


def _writable(H: nx.MultiDiGraph, edge: tuple) -> dict[str, Any]:
    """The attribute dict of ``edge`` in ``H``, made ``H``'s own (see :func:`_shallow_copy`)."""
    u, v, k = edge
    d = dict(H._succ[u][v][k])
    H._succ[u][v][k] = d
    return d


def _day(G: nx.MultiDiGraph, on: Any) -> _dt.date:
    if on is None:
        on = G.graph.get("as_of") or "today"
    if isinstance(on, str) and on.strip().lower() == "today":
        return _dt.date.today()
    try:
        return schema.tie_date(on)
    except ValueError as exc:
        raise AnalysisError(f"scenario day: {exc}") from None


def _apply(H: nx.MultiDiGraph, c: Change, day: _dt.date) -> None:
    where = f"{_at(c.where)}{c.text()}: "
    if isinstance(c, AddActor):
        if c.id in H:
            raise AnalysisError(f"{where}an actor or node with id {c.id!r} exists already; choose another id")
        if c.kind not in schema.ACTOR_KINDS:
            raise AnalysisError(
                f"{where}kind {c.kind!r} is not an actor kind{_hint(c.kind, schema.ACTOR_KINDS)}; "
                f"kinds are {', '.join(schema.ACTOR_KINDS)}"
            )
        H.add_node(c.id, label=schema.ACTOR, name=c.name or c.id, kind=c.kind, source=SCENARIO_SOURCE)
        return
    if isinstance(c, RemoveActor):
        _actor(H, c.id, where)
        H.remove_node(c.id)
        return
    if isinstance(c, SetLevel):
        _actor(H, c.actor, where)
        if c.capability not in H or H.nodes[c.capability].get("label") != schema.CAPABILITY:
            caps = [n for n, d in H.nodes(data=True) if d.get("label") == schema.CAPABILITY]
            raise AnalysisError(f"{where}no capability {c.capability!r}{_hint(c.capability, caps, H)}")
        old = [(u, v, k) for u, v, k, d in H.out_edges(c.actor, keys=True, data=True)
               if v == c.capability and d.get("type") == "HAS_CAPABILITY"]  # fmt: skip
        H.remove_edges_from(old)
        H.add_edge(c.actor, c.capability, type="HAS_CAPABILITY", level=float(c.level), source=SCENARIO_SOURCE)
        return
    if isinstance(c, Join):
        _actor(H, c.actor, where)
        _actor(H, c.org, where)
        if c.actor == c.org:
            raise AnalysisError(f"{where}an actor cannot join itself")
        start = schema.tie_date(c.date) if c.date else day
        if start > day:
            raise AnalysisError(
                f"{where}date {start.isoformat()} is after the day analysed ({day.isoformat()}): "
                "the membership would not count; give an earlier date or a later --as-of"
            )
        if _ties(H, c.actor, c.org, "MEMBER_OF", day, both=False):
            raise AnalysisError(f"{where}{_name(H, c.actor)} is already a member of {_name(H, c.org)}")
        H.add_edge(
            c.actor, c.org, type="MEMBER_OF", since=start.year, since_date=start, source=SCENARIO_SOURCE
        )
        return
    if isinstance(c, Sign):
        _actor(H, c.a, where)
        _actor(H, c.b, where)
        if c.a == c.b:
            raise AnalysisError(f"{where}an actor cannot sign with itself")
        props: dict[str, Any] = {"instrument": c.instrument, "since": day.year, "since_date": day}
        if c.pools:
            _check_pools(H, c.pools, where)
            props["pools"] = c.pools
        H.add_edge(c.a, c.b, type="COOPERATES_WITH", source=SCENARIO_SOURCE, **props)
        return
    if isinstance(c, Leave | End):
        a, b = (c.actor, c.org) if isinstance(c, Leave) else (c.a, c.b)
        _actor(H, a, where)
        _actor(H, b, where)
        if isinstance(c, Leave):
            ties = _ties(H, a, b, "MEMBER_OF", day, both=False)
            if not ties:
                raise AnalysisError(
                    f"{where}{_name(H, a)} is not a member of {_name(H, b)}{_org_hint(H, a, b, day)}"
                )
        else:
            ties = _ties(H, a, b, "COOPERATES_WITH", day, both=True)
            if c.instrument:
                kept = [t for t in ties if str(H.edges[t].get("instrument", "")) == c.instrument]
                if not kept:
                    have = sorted({str(H.edges[t].get("instrument")) for t in ties})
                    raise AnalysisError(
                        f"{where}no {c.instrument!r} agreement between {_name(H, a)} and {_name(H, b)}"
                        + (
                            f"{_hint(c.instrument, have)}; their agreements: {', '.join(have)}"
                            if have
                            else ""
                        )
                    )
                ties = kept
            if not ties:
                raise AnalysisError(
                    f"{where}no agreement in force between {_name(H, a)} and {_name(H, b)}"
                    f"{_partner_hint(H, a, b, day)}"
                )
        for t in ties:
            d = _writable(H, t)
            d["until"] = day.year
            d["until_date"] = day
        return
    if isinstance(c, Pause):
        _actor(H, c.actor, where)
        _actor(H, c.org, where)
        ties = _ties(H, c.actor, c.org, "MEMBER_OF", day, both=False) or _ties(
            H, c.actor, c.org, "COOPERATES_WITH", day, both=True
        )
        if not ties:
            raise AnalysisError(
                f"{where}{_name(H, c.actor)} has no membership of (or agreement with) {_name(H, c.org)} "
                f"in force{_org_hint(H, c.actor, c.org, day)}"
            )
        for t in ties:
            _writable(H, t)["status"] = c.status
        return
    raise AnalysisError(f"{where}not a change graphkit knows")  # pragma: no cover


def _ties(H: nx.MultiDiGraph, a: str, b: str, type_: str, day: _dt.date, *, both: bool) -> list[tuple]:
    out = [
        (a, b, k)
        for k, d in (H.get_edge_data(a, b) or {}).items()
        if d.get("type") == type_ and in_force(d, day)
    ]
    if both:
        out += [
            (b, a, k)
            for k, d in (H.get_edge_data(b, a) or {}).items()
            if d.get("type") == type_ and in_force(d, day)
        ]
    return out


def _actor(H: nx.MultiDiGraph, a: str, where: str) -> None:
    if a in H and H.nodes[a].get("label") == schema.ACTOR:
        return
    if a in H:
        raise AnalysisError(f"{where}{a!r} is a {H.nodes[a].get('label')}, not an actor")
    actors = [n for n, d in H.nodes(data=True) if d.get("label") == schema.ACTOR]
    raise AnalysisError(f"{where}no actor {a!r}{_hint(a, actors, H)}")


def _hint(word: str, candidates: Iterable[str], H: nx.MultiDiGraph | None = None) -> str:
    """`` (did you mean 'X'?)`` from ids close to ``word``, or whose name is ``word``."""
    ids = list(candidates)
    found = close_matches(word, ids, cutoff=0.75 if len(word) > 4 else 0.5)
    if H is not None:
        key = word.casefold()
        by_name = [n for n in ids if str(H.nodes[n].get("name", "")).casefold() == key]
        found = by_name + [f for f in found if f not in by_name]
    return f" (did you mean {' or '.join(repr(f) for f in found[:3])}?)" if found else ""


def _org_hint(H: nx.MultiDiGraph, a: str, org: str, day: _dt.date) -> str:
    orgs = sorted(
        {v for _, v, d in H.out_edges(a, data=True) if d.get("type") == "MEMBER_OF" and in_force(d, day)}
    )
    if not orgs:
        return f" ({_name(H, a)} belongs to no organisation on {day.isoformat()})"
    found = close_matches(org, orgs, cutoff=0.5)
    hint = f"did you mean {' or '.join(repr(f) for f in found)}? " if found else ""
    return f" ({hint}its organisations: {', '.join(orgs[:12])}{' ...' if len(orgs) > 12 else ''})"


def _partner_hint(H: nx.MultiDiGraph, a: str, b: str, day: _dt.date) -> str:
    partners = sorted(
        {
            v
            for _, v, d in H.out_edges(a, data=True)
            if d.get("type") == "COOPERATES_WITH" and in_force(d, day)
        }
        | {
            u
            for u, _, d in H.in_edges(a, data=True)
            if d.get("type") == "COOPERATES_WITH" and in_force(d, day)
        }
    )
    if not partners:
        return f" ({_name(H, a)} has no agreement in force)"
    found = close_matches(b, partners, cutoff=0.5)
    hint = f"did you mean {' or '.join(repr(f) for f in found)}? " if found else ""
    return f" ({hint}its partners: {', '.join(partners[:12])}{' ...' if len(partners) > 12 else ''})"


def _check_pools(H: nx.MultiDiGraph, pools: str, where: str) -> None:
    items = [x.strip() for x in pools.split(";") if x.strip()]
    if len(items) == 1 and items[0].lower() in (schema.POOLS_ALL, schema.POOLS_NONE):
        return
    caps = [n for n, d in H.nodes(data=True) if d.get("label") == schema.CAPABILITY]
    for x in items:
        if x not in caps:
            raise AnalysisError(
                f"{where}pools names {x!r}, not a capability id{_hint(x, caps, H)}; "
                "write a ;-list of capability ids, all or none"
            )


def _name(H: nx.MultiDiGraph, a: str) -> str:
    n = str(H.nodes[a].get("name", a)) if a in H else a
    return n if n == a else f"{n} ({a})"


def _at(where: str | None) -> str:
    return f"{where}: " if where else ""


def _shown(spec: Any) -> str:
    return repr(spec if isinstance(spec, str) else ":".join(str(x) for x in spec))


def _required(name: str) -> int:
    return {"remove_actor": 1, "sign": 3, "set_level": 3}.get(name, 2)


def _most(name: str) -> int:
    return {"remove_actor": 1, "leave": 2}.get(name, 3 if name != "sign" else 4)


def _example(name: str) -> str:
    return {
        "join": "KEN:COE_BUDAPEST",
        "leave": "ARM:CSTO",
        "pause": "ARM:CSTO:frozen",
        "sign": "USA:IND:mou",
        "end": "USA:CHN",
        "add_actor": "XCERT:cert:Example CERT",
        "remove_actor": "RUS",
        "set_level": "UKR:cap:attribution=0.8",
    }[name]


def _split(name: str, spec: str) -> list[str]:
    if name == "set_level":
        head, eq, level = spec.rpartition("=")
        if not eq:
            return [spec] if spec else []
        actor, _, cap = head.partition(":")
        return [actor.strip(), cap.strip(), level.strip()]
    if name == "remove_actor":
        return [spec] if spec else []
    fields = {"join": 3, "leave": 3, "pause": 3, "sign": 4, "end": 3, "add_actor": 3}[name]
    parts = spec.split(":", fields - 1) if spec else []
    if name == "join" and len(parts) == 3 and not re.fullmatch(r"[0-9]{4}(-[0-9]{2}-[0-9]{2})?", parts[2]):
        return [p.strip() for p in spec.split(":")]  # an org id with a colon is not a date: too many fields
    return [p.strip() for p in parts]
