"""Ties have a life cycle: which memberships and agreements are active on a day, and how strong each is.

A ``MEMBER_OF`` or ``COOPERATES_WITH`` relationship is in one of five states on a day D
(:func:`tie_state`, DESIGN.md "Ties have a life cycle"):

- ``future``: it starts after D (``since_date``/``since`` later than D);
- ``ended``: it ended on or before D (``until_date``/``until``), or its ``status`` is
  ``lapsed``;
- ``paused``: its ``status`` is ``suspended``, ``frozen`` or ``observer`` (a member that
  takes no full part: Armenia's frozen CSTO participation, an observer seat);
- ``dormant``: no evidence of it within ``dormant_after`` years before D: D minus
  ``last_confirmed`` (the latest round, renewal or joint action; absent on an agreement:
  its ``since``) is more than ``dormant_after`` × 365.25 days. A membership without
  ``last_confirmed`` is never dormant: it stands until it ends (the organisation's list of
  members is its evidence), whereas an agreement is evidence of cooperation only when it
  was made. ``dormant_after`` 0 keeps every tie (nothing is dormant);
- ``active``: everything else. Only active ties pool capabilities and form the active
  network (:func:`active_network`); the others stay in the data and in history.

Without a day (``as of all``: every relationship whatever its dates) only ``status``
decides: paused ties are paused, every other tie is active.

``status`` is read case-insensitively; a value outside :data:`TIE_STATUSES` that contains
one of its words (``participation frozen (2024)``) is read as that word, and any other
text (a note such as ``withdrew``, whose ``until`` dates the end) leaves the tie to its
dates.

Why :data:`DEFAULT_DORMANT_AFTER` is 5 years: a cyber memorandum of understanding or
partnership typically runs for a fixed term of a few years (the source of the 2014
INTERPOL–Kaspersky agreement calls it a three-year agreement) and dialogues meet yearly;
evidence five years old is older than one full term plus a year or two of reporting lag,
so a tie with no newer round, renewal or joint action is more likely lapsed than alive.
It is a judgement, not a measured constant: ``--dormant-after`` changes it and the
stability runs vary it.

Instrument strength (:data:`INSTRUMENT_WEIGHTS`, overridable through ``table=``):
a binding instrument or joint operation counts 1, an MoU, partnership or
capacity-building programme 0.6, a dialogue, joint statement/declaration or exercise 0.3.
An ``instrument`` is matched exactly (case, spaces and hyphens ignored: ``Joint
statement`` is ``joint_statement``), else by the longest table key it contains as words
(``joint statement on cyber cooperation`` is a joint statement; ``information-sharing
agreement`` an agreement); a tie without an instrument, or with one the table does not
know, counts 1 (the strength it had before instruments were weighed).
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any

import networkx as nx
import pandas as pd

from graphkit.errors import AnalysisError, SchemaError
from graphkit.graph import tie_period
from graphkit.schema import tie_date

__all__ = [
    "DEFAULT_DORMANT_AFTER",
    "TIE_STATUSES",
    "PAUSED_STATUSES",
    "TIE_STATES",
    "LIFE_CYCLE_TYPES",
    "INSTRUMENT_WEIGHTS",
    "UNKNOWN_INSTRUMENT_WEIGHT",
    "instrument_weight",
    "tie_status",
    "tie_state",
    "active_network",
    "tie_states",
    "TIE_STATE_COLUMNS",
    "sharing_states",
    "shared_inactive",
    "adjacency",
]

DEFAULT_DORMANT_AFTER: float = 5.0
"""Years without evidence after which a tie is dormant (see the module docstring for why 5)."""

TIE_STATUSES = ("active", "suspended", "frozen", "observer", "lapsed")
"""The values of ``status`` on ``MEMBER_OF`` and ``COOPERATES_WITH`` (absent: ``active``)."""

PAUSED_STATUSES = frozenset({"suspended", "frozen", "observer"})
"""Statuses under which a tie stays in force but takes no full part: it neither pools nor counts."""

TIE_STATES = ("active", "dormant", "paused", "ended", "future")
"""What :func:`tie_state` returns."""

LIFE_CYCLE_TYPES = ("MEMBER_OF", "COOPERATES_WITH")
"""The relationship types whose state is judged; every other relationship is left as it is."""

INSTRUMENT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        # binding or operational: obligations, or done together
        "treaty": 1.0,
        "agreement": 1.0,
        "binding_agreement": 1.0,
        "joint_operation": 1.0,
        # standing commitments without binding force
        "mou": 0.6,
        "memorandum_of_understanding": 0.6,
        "partnership": 0.6,
        "capacity_building": 0.6,
        # talk and signals
        "dialogue": 0.3,
        "joint_statement": 0.3,
        "declaration": 0.3,
        "joint_declaration": 0.3,
        "exercise": 0.3,
    }
)
"""Strength of a ``COOPERATES_WITH`` tie by its ``instrument`` (the bundled data uses
agreement, joint_operation, mou, partnership, capacity_building, dialogue,
joint_statement and exercise)."""

UNKNOWN_INSTRUMENT_WEIGHT = 1.0
"""Strength of a tie whose instrument is absent or not in the table."""

TIE_STATE_COLUMNS = (
    "source",
    "type",
    "target",
    "instrument",
    "since",
    "until",
    "last_confirmed",
    "status",
    "state",
)

_WORDS = re.compile(r"[^0-9a-z]+")
_YEAR_DAYS = 365.25


def _key(text: str) -> str:
    return _WORDS.sub("_", text.strip().lower()).strip("_")


def instrument_weight(attrs: Mapping[str, Any], table: Mapping[str, float] | None = None) -> float:
    """The strength of a tie by its ``instrument`` (:data:`INSTRUMENT_WEIGHTS`, or ``table``).

    Examples
    --------
    >>> instrument_weight({"instrument": "mou"}), instrument_weight({"instrument": "Joint statement on cyber"})
    (0.6, 0.3)
    >>> instrument_weight({}), instrument_weight({"instrument": "dialogue"}, {"dialogue": 0.5})
    (1.0, 0.5)
    """
    value = attrs.get("instrument")
    if not isinstance(value, str) or not value.strip():
        return UNKNOWN_INSTRUMENT_WEIGHT
    if table is None:
        return _default_weight(value)
    return _lookup(value, table)


@functools.lru_cache(maxsize=4096)
def _default_weight(value: str) -> float:
    return _lookup(value, INSTRUMENT_WEIGHTS)


def _lookup(value: str, table: Mapping[str, float]) -> float:
    key = _key(value)
    if key in table:
        return float(table[key])
    padded = f"_{key}_"
    best = max((k for k in table if k and f"_{_key(k)}_" in padded), key=len, default=None)
    return float(table[best]) if best is not None else UNKNOWN_INSTRUMENT_WEIGHT


def tie_status(attrs: Mapping[str, Any]) -> str:
    """The tie's ``status`` as one of :data:`TIE_STATUSES` (see the module docstring).

    >>> tie_status({}), tie_status({"status": "Participation frozen (2024)"}), tie_status({"status": "withdrew"})
    ('active', 'frozen', 'active')
    """
    value = attrs.get("status")
    if not isinstance(value, str) or not value.strip():
        return "active"
    key = _key(value)
    if key in TIE_STATUSES:
        return key
    words = set(key.split("_"))
    for status in ("lapsed", "suspended", "frozen", "observer"):
        if status in words:
            return status
    return "active"


def tie_state(
    attrs: Mapping[str, Any], day: _dt.date | None, dormant_after: float = DEFAULT_DORMANT_AFTER
) -> str:
    """``active``, ``dormant``, ``paused``, ``ended`` or ``future``: the tie's state on ``day``.

    Raises
    ------
    AnalysisError
        When ``dormant_after`` is negative or not a number.
    SchemaError
        When a date property is not a date.

    Examples
    --------
    >>> import datetime
    >>> day = datetime.date(2026, 6, 1)
    >>> tie_state({"type": "COOPERATES_WITH", "since": 2014}, day, 5)
    'dormant'
    >>> tie_state({"type": "COOPERATES_WITH", "since": 2014, "last_confirmed": 2024}, day, 5)
    'active'
    >>> tie_state({"type": "MEMBER_OF", "since": 2002, "status": "frozen"}, day, 5)
    'paused'
    >>> tie_state({"type": "COOPERATES_WITH", "since": 2014}, day, 0)
    'active'
    >>> tie_state({"type": "COOPERATES_WITH", "since": 2021, "since_date": "2021-06-01",
    ...            "last_confirmed": "2021"}, datetime.date(2026, 3, 1), 5)
    'active'
    """
    _check_horizon(dormant_after)
    status = tie_status(attrs)
    if day is None:
        return "paused" if status in PAUSED_STATUSES else "active"
    start, end = tie_period(dict(attrs))
    if start is not None and start > day:
        return "future"
    if (end is not None and end <= day) or status == "lapsed":
        return "ended"
    if status in PAUSED_STATUSES:
        return "paused"
    if dormant_after > 0:
        confirmed = attrs.get("last_confirmed")
        if confirmed is None and attrs.get("type") != "MEMBER_OF":
            confirmed_day = start
        elif confirmed is None:
            confirmed_day = None
        else:
            try:
                confirmed_day = tie_date(confirmed)
            except ValueError as exc:
                raise SchemaError(f"property 'last_confirmed': {exc}") from None
            if start is not None and confirmed_day < start:
                # a year alone reads as 1 January: evidence of 2022 for a tie of 2022-03-02 is
                # no older than the tie itself
                confirmed_day = start
        if confirmed_day is not None and (day - confirmed_day).days > dormant_after * _YEAR_DAYS:
            return "dormant"
    return "active"


def active_network(
    G: nx.MultiDiGraph, day: _dt.date | None, dormant_after: float = DEFAULT_DORMANT_AFTER
) -> nx.MultiDiGraph:
    """``G`` with only the active ``MEMBER_OF``/``COOPERATES_WITH`` ties (every node, every other relationship).

    ``G`` itself when every such tie is active; otherwise a new graph whose
    ``graph["dormant_after"]`` records the horizon. Raises :class:`SchemaError` naming the
    relationship when one of its dates is not a date.
    """
    drop = _inactive(G, day, dormant_after)
    if not drop:
        return G
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.graph["dormant_after"] = dormant_after
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from(e for e in G.edges(keys=True, data=True) if e[:3] not in drop)
    return H


def tie_states(
    G: nx.MultiDiGraph, day: _dt.date | None, dormant_after: float = DEFAULT_DORMANT_AFTER
) -> pd.DataFrame:
    """One row per ``MEMBER_OF``/``COOPERATES_WITH`` tie: its dates, status and state on ``day``.

    Returns
    -------
    pandas.DataFrame
        :data:`TIE_STATE_COLUMNS`, in graph order; ``status`` as read by :func:`tie_status`.
    """
    rows = []
    _check_horizon(dormant_after)
    memory = _SHARED.get()
    if memory is not None and _remembered(memory, G, day, dormant_after) and "states" in memory:
        states = memory.pop("states")  # judged for the set of inactive ties: taken, not kept
    else:
        states = _states(G, day, dormant_after)
        _remember(G, day, dormant_after, states)
        if memory is not None:
            memory.pop("states", None)
    statuses: dict[Any, str] = {}  # tie_status reads the status alone: once per value
    for u, v, _, d, state in states:
        get = d.get
        status = get("status")
        try:
            read = statuses.get(status)
        except TypeError:  # a value that cannot be a key
            read = tie_status(d)
        if read is None:
            read = statuses[status] = tie_status(d)
        rows.append(
            (
                u,
                get("type"),
                v,
                get("instrument"),
                get("since_date", get("since")),
                get("until_date", get("until")),
                get("last_confirmed"),
                read,
                state,
            )
        )
    return pd.DataFrame(rows, columns=list(TIE_STATE_COLUMNS))


def adjacency(G: nx.MultiDiGraph) -> Mapping[Any, Mapping[Any, Mapping[Any, dict[str, Any]]]]:
    """``G.adj`` to iterate over every relationship: networkx's own dicts of dicts when they
    are plain dicts (its documented data structure, read only: several times faster than
    the views over them), else the view. The same nodes, neighbours, keys and attribute
    dicts in the same order.

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> [(u, v, k) for u, nbrs in adjacency(G).items() for v, ks in nbrs.items() for k in ks] == list(
    ...     G.edges(keys=True))
    True
    """
    raw = getattr(G, "_adj", None)
    return raw if type(raw) is dict else G.adj


_SHARED: ContextVar[dict[Any, Any] | None] = ContextVar("graphkit_shared_tie_states", default=None)


@contextmanager
def sharing_states() -> Iterator[None]:
    """Within the block, the states of one graph's ties on one day at one horizon are
    computed once: :func:`tie_states`, :func:`active_network` and
    :func:`shared_inactive` (which :func:`graphkit.analysis.engine.actor_network` reads)
    share them. The set of ties not active is kept (for the last graph, day and horizon
    judged); the judged ties themselves only until :func:`tie_states` takes them (once: it
    judges again when asked a second time); the graph must not change within the block.

    Examples
    --------
    >>> import datetime
    >>> G = gk.load(gk.SAMPLE)
    >>> day = datetime.date(2026, 6, 1)
    >>> shared_inactive(G, day) is None  # outside a block: nothing is shared
    True
    >>> with sharing_states():
    ...     table = tie_states(G, day)
    ...     inactive = shared_inactive(G, day)
    >>> len(inactive) == int((table.state != "active").sum()) > 0
    True
    """
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared_inactive(
    G: nx.MultiDiGraph, day: _dt.date | None, dormant_after: float = DEFAULT_DORMANT_AFTER
) -> set[tuple[Any, Any, Any]] | None:
    """Inside :func:`sharing_states`: the ``(u, v, key)`` of every ``MEMBER_OF`` or
    ``COOPERATES_WITH`` relationship of ``G`` that is not active on ``day`` (computed once
    for the block); outside one, ``None`` (the caller judges each tie itself)."""
    if _SHARED.get() is None:
        return None
    return _inactive(G, day, dormant_after)


def _inactive(G: nx.MultiDiGraph, day: _dt.date | None, dormant_after: float) -> set[tuple[Any, Any, Any]]:
    """The ties of ``G`` not active on ``day``: from the block's memory when the same
    graph, day and horizon were judged last (only this set is kept, not every tie)."""
    memory = _SHARED.get()
    _check_horizon(dormant_after)
    if memory is not None and _remembered(memory, G, day, dormant_after):
        return memory["inactive"]
    return _remember(G, day, dormant_after, _states(G, day, dormant_after))


def _remembered(
    memory: dict[Any, Any], G: nx.MultiDiGraph, day: _dt.date | None, dormant_after: float
) -> bool:
    """Whether the block's memory holds the states of ``G`` on ``day`` at that horizon."""
    return memory.get("graph") is G and memory.get("key") == (day, float(dormant_after))


def _remember(
    G: nx.MultiDiGraph,
    day: _dt.date | None,
    dormant_after: float,
    states: list[tuple[Any, Any, Any, Any, str]],
) -> set[tuple[Any, Any, Any]]:
    """The set of ``states`` not active, kept in the block's memory (if in a block) with the
    states themselves (for :func:`tie_states` to take)."""
    inactive = {(u, v, k) for u, v, k, _, state in states if state != "active"}
    memory = _SHARED.get()
    if memory is not None:
        memory.clear()
        memory.update(graph=G, key=(day, float(dormant_after)), inactive=inactive, states=states)
    return inactive


_JUDGED = ("status", "since_date", "since", "until_date", "until", "last_confirmed")
"""The properties besides ``type`` that :func:`tie_state` reads (:func:`tie_status`,
:func:`graphkit.graph.tie_period` and the evidence)."""


def _states(
    G: nx.MultiDiGraph, day: _dt.date | None, dormant_after: float
) -> list[tuple[Any, Any, Any, Any, str]]:
    """``(u, v, key, attributes, state)`` of every judged tie, in graph order. Ties with the
    same type and the same values (of the same classes: ``2014`` is not ``2014.0``) of
    :data:`_JUDGED` are in the same state: each such combination is judged once."""
    _check_horizon(dormant_after)
    out = []
    memo: dict[Any, str] = {}
    for u, nbrs in adjacency(G).items():
        for v, edges in nbrs.items():
            for k, d in edges.items():
                t = d.get("type")
                if t not in LIFE_CYCLE_TYPES:
                    continue
                get = d.get  # the properties of _JUDGED, written out (this loop sees every tie)
                values = (
                    t,
                    get("status"),
                    get("since_date"),
                    get("since"),
                    get("until_date"),
                    get("until"),
                    get("last_confirmed"),
                )
                try:
                    key = (values, tuple(map(type, values)))
                    state = memo.get(key)
                except TypeError:  # a value that cannot be a key: judged on its own
                    key, state = None, None
                if state is None:
                    try:
                        state = tie_state(d, day, dormant_after)
                    except SchemaError as exc:
                        raise SchemaError(f"relationship {u!r} -{t}-> {v!r}: {exc}") from None
                    if key is not None:
                        memo[key] = state
                out.append((u, v, k, d, state))
    return out


def _check_horizon(dormant_after: Any) -> None:
    if (
        isinstance(dormant_after, bool)
        or not isinstance(dormant_after, int | float)
        or not dormant_after >= 0
    ):
        raise AnalysisError(
            f"dormant_after = {dormant_after!r} must be a number of years, 0 or more "
            "(0 keeps every tie; e.g. --dormant-after 5)"
        )
