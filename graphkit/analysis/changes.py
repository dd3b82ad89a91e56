"""What changed between two dates: relationships that began or ended, gaps closed or opened, rank moves.

The network *then* is :func:`graphkit.graph.as_of` of the earlier date, the network *now*
that of the later one (default today). A relationship began in the window when its start
(``since_date``, else ``since``) falls after *then* and on or before *now*; it ended in the
window when its end (``until_date``, else ``until``) does. A tie that began and ended
inside the window gives both rows.

- :func:`relationship_changes`: one row per change, from the point of view of each actor
  it concerns ("joined NATO", "left EU", "began cooperation with JPN (mou)").
- :func:`gap_changes`: each actor whose own or coalition gap (see
  :mod:`graphkit.analysis.gaps`) differs between the two dates, the capabilities closed and
  opened, and which changes closed or opened them. A change is named for a capability
  when it gives the actor a route to it in the network where the capability is held
  (*now* for a closed gap, *then* for an opened one): the actor gained it; a cooperation
  partner of the change holds it; the actor joined an organisation whose members or the
  organisation itself hold it; a holder joined an organisation the actor belongs to; a
  partner gained it; or, for a need that appeared or went away, a threat began or ceased
  targeting the actor or requiring the capability.
- :func:`rank_changes`: how the most central actors moved in one centrality measure.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit import graph as _graph
from graphkit import schema
from graphkit.analysis.engine import DEFAULT_TYPES, AnalysisError
from graphkit.analysis.gaps import capability_gaps
from graphkit.analysis.options import AnalysisOptions
from graphkit.defaults import DEFAULT_THRESHOLD
from graphkit.graph import TIE_END, TIE_START, as_of_date, tie_period

__all__ = [
    "what_changed",
    "Changes",
    "relationship_changes",
    "gap_changes",
    "rank_changes",
    "change_window",
    "CHANGE_COLUMNS",
    "GAP_CHANGE_COLUMNS",
    "RANK_CHANGE_COLUMNS",
]

CHANGE_COLUMNS = ("actor_id", "change", "date", "relationship", "other_id", "event", "other_name")
GAP_CHANGE_COLUMNS = (
    "actor_id",
    "name",
    "kind",
    "own_gap_then",
    "own_gap_now",
    "coalition_gap_then",
    "coalition_gap_now",
    "closed_capabilities",
    "opened_capabilities",
    "closed_by",
    "opened_by",
)
RANK_CHANGE_COLUMNS = ("actor_id", "name", "kind", "measure", "rank_then", "rank_now", "moved", "then", "now")


@dataclass(frozen=True)
class Changes:
    """What changed between ``since`` and ``as_of`` (ISO days): the three tables and the analysis then."""

    since: str
    as_of: str
    changes: pd.DataFrame
    gap_changes: pd.DataFrame
    rank_changes: pd.DataFrame
    then: Any  # the Analysis of the network as of ``since``

    def tables(self) -> dict[str, pd.DataFrame]:
        """``changes``, ``gap_changes`` and ``rank_changes`` by file stem."""
        return {"changes": self.changes, "gap_changes": self.gap_changes, "rank_changes": self.rank_changes}


def what_changed(
    G: nx.MultiDiGraph,
    since: Any,
    as_of: Any = "today",
    *,
    now: Any = None,
    measure: str = "pagerank",
    top: int = 10,
    progress: Any = None,
    options: AnalysisOptions | None = None,
    **keywords: Any,
) -> Changes:
    """Compare the network as of ``since`` with that of ``as_of`` (default today).

    ``G`` holds every relationship (not cut to a date); ``options``
    (:class:`~graphkit.analysis.options.AnalysisOptions`, or single options as keywords:
    ``threshold``, ``partners``, ``seed`` ...) are those of :func:`graphkit.analysis.analyze`,
    used for both dates (their ``as_of`` is replaced by each date); ``now`` is the analysis
    of ``as_of`` when already computed.

    Examples
    --------
    >>> c = what_changed(gk.load(gk.SAMPLE), "1990", "2010")
    >>> c.since, c.as_of, sorted(set(c.changes["change"]))[:2]
    ('1990-01-01', '2010-01-01', ['joined EU', 'joined NATO'])
    """
    from graphkit.analysis.run import analyze

    then_day, now_day = change_window(since, as_of)
    opts = AnalysisOptions.of(options, **keywords)
    if now is None:
        now = analyze(G, opts.replace(as_of=now_day), progress=progress)
    then = analyze(G, opts.replace(as_of=then_day), progress=progress)
    changes = relationship_changes(G, then_day, now_day)
    gaps = gap_changes(
        G, then_day, now_day, changes=changes, gaps_then=then.gaps, gaps_now=now.gaps,
        threshold=opts.threshold, partners=opts.partners,
    )  # fmt: skip
    ranks = rank_changes(then.centrality, now.centrality, measure=measure, top=top)
    return Changes(then_day.isoformat(), now_day.isoformat(), changes, gaps, ranks, then)


def change_window(since: Any, as_of: Any = "today") -> tuple[_dt.date, _dt.date]:
    """``(then, now)``: the two days compared, checked (both dates, ``then`` before ``now``).

    Raises
    ------
    AnalysisError
        When either is not a date or ``since`` is not before ``as_of``.

    Examples
    --------
    >>> change_window("2023", "2024-06-01")
    (datetime.date(2023, 1, 1), datetime.date(2024, 6, 1))
    """
    then = as_of_date(since)
    now = as_of_date(as_of)
    if then is None:
        raise AnalysisError("--since needs a date (YYYY or YYYY-MM-DD), not 'all'")
    if now is None:
        raise AnalysisError(
            "--since compares two dates: give --as-of a date (or leave it out for today), not 'all'"
        )
    if then >= now:
        raise AnalysisError(
            f"--since {then.isoformat()} is not before the date shown ({now.isoformat()}); "
            "give an earlier --since or a later --as-of"
        )
    return then, now


def relationship_changes(G: nx.MultiDiGraph, since: Any, as_of: Any = "today") -> pd.DataFrame:
    """Every relationship that began or ended after ``since`` and on or before ``as_of``.

    Returns
    -------
    pandas.DataFrame
        ``actor_id, change, date, relationship, other_id, event, other_name``: ``change`` in
        words naming the organisation or partner by id ("joined NATO", "left EU", "began
        cooperation with JPN (mou)", "gained cap:x", "targeted by threat:y"); ``date`` as the
        data gives it (a year, or the day); ``relationship`` the type; ``event`` ``began``
        or ``ended``. A cooperation gives one row for each side; a membership one row, for
        the member. Ordered by date, then actor.

    Examples
    --------
    >>> G = gk.new_graph()
    >>> for a, kind in [("FIN", "state"), ("GBR", "state"), ("NATO", "alliance"), ("EU", "international_org")]:
    ...     gk.add_node(G, a, "Actor", name=a, kind=kind)
    >>> _ = gk.add_relationship(G, "FIN", "MEMBER_OF", "NATO", since=2023)
    >>> _ = gk.add_relationship(G, "GBR", "MEMBER_OF", "EU", since=1973, until=2020)
    >>> relationship_changes(G, "2019", "2024")[["actor_id", "change", "date"]].values.tolist()
    [['GBR', 'left EU', '2020'], ['FIN', 'joined NATO', '2023']]
    """
    then, now = change_window(since, as_of)
    rows: list[tuple[_dt.date, int, dict[str, Any]]] = []
    for i, (u, v, d) in enumerate(G.edges(data=True)):
        start, end = tie_period(d)
        for event, day, keys in (("began", start, TIE_START), ("ended", end, TIE_END)):
            if day is None or not then < day <= now:
                continue
            written = _written(d, keys)
            for actor, other, change in _perspectives(G, u, v, d, event):
                rows.append(
                    (
                        day,
                        i,
                        {
                            "actor_id": actor,
                            "change": change,
                            "date": written,
                            "relationship": d.get("type"),
                            "other_id": other,
                            "event": event,
                            "other_name": str(G.nodes[other].get("name", other)),
                        },
                    )
                )
    rows.sort(key=lambda r: (r[0], r[2]["actor_id"], r[1], r[2]["event"]))
    return pd.DataFrame([r[2] for r in rows], columns=list(CHANGE_COLUMNS))


def gap_changes(
    G: nx.MultiDiGraph,
    since: Any,
    as_of: Any = "today",
    *,
    threshold: float = DEFAULT_THRESHOLD,
    partners: Iterable[str] = DEFAULT_TYPES,
    changes: pd.DataFrame | None = None,
    gaps_then: pd.DataFrame | None = None,
    gaps_now: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Actors whose own or coalition gap differs between ``since`` and ``as_of``, and why.

    ``changes`` (from :func:`relationship_changes`), ``gaps_then`` and ``gaps_now`` (from
    :func:`graphkit.analysis.capability_gaps` of the two networks, e.g. the ``gaps`` of two
    :func:`graphkit.analysis.analyze` results with the same ``threshold`` and ``partners``)
    are computed when not given.

    Returns
    -------
    pandas.DataFrame
        ``actor_id, name, kind, own_gap_then, own_gap_now, coalition_gap_then,
        coalition_gap_now, closed_capabilities, opened_capabilities, closed_by, opened_by``:
        gaps are weights (threats needing a capability; 0 where the actor needed nothing);
        ``closed_by`` / ``opened_by`` list the changes behind the closed / opened
        capabilities, each as ``"ACTOR change: cap, cap"`` (see the module docstring). Actors
        whose coalition gap shrank most first.

    Examples
    --------
    Finland joins an alliance whose other member holds what a threat against Finland needs:

    >>> G = gk.new_graph()
    >>> for a, kind in [("FIN", "state"), ("USA", "state"), ("NATO", "alliance")]:
    ...     gk.add_node(G, a, "Actor", name=a, kind=kind)
    >>> gk.add_node(G, "cap:ir", "Capability", name="incident response")
    >>> gk.add_node(G, "threat:x", "Threat", name="X")
    >>> _ = gk.add_relationship(G, "USA", "MEMBER_OF", "NATO", since=1949)
    >>> _ = gk.add_relationship(G, "FIN", "MEMBER_OF", "NATO", since_date=gk.graph.tie_date("2023-04-04"))
    >>> _ = gk.add_relationship(G, "USA", "HAS_CAPABILITY", "cap:ir", level=0.9)
    >>> _ = gk.add_relationship(G, "threat:x", "TARGETS", "FIN")
    >>> _ = gk.add_relationship(G, "threat:x", "REQUIRES", "cap:ir")
    >>> gap_changes(G, "2023", "2024")[["actor_id", "coalition_gap_then", "coalition_gap_now", "closed_by"]].values.tolist()
    [['FIN', 1, 0, ['FIN joined NATO: cap:ir']]]
    """
    then, now = change_window(since, as_of)
    partners = tuple([partners] if isinstance(partners, str) else partners)
    G_then, G_now = _graph.as_of(G, then), _graph.as_of(G, now)
    if changes is None:
        changes = relationship_changes(G, then, now)
    if gaps_then is None:
        gaps_then = capability_gaps(G_then, threshold=threshold, partners=partners)
    if gaps_now is None:
        gaps_now = capability_gaps(G_now, threshold=threshold, partners=partners)
    before, after = _gap_sets(gaps_then), _gap_sets(gaps_now)
    routes_then = _Routes(G_then, threshold, partners)
    routes_now = _Routes(G_now, threshold, partners)
    began = [r for r in changes.to_dict("records") if r["event"] == "began"]
    ended = [r for r in changes.to_dict("records") if r["event"] == "ended"]
    out = []
    for a in [n for n, _ in G.nodes(data=True) if n in before or n in after]:
        b = before.get(a, _EMPTY)
        f = after.get(a, _EMPTY)
        closed = _ordered((b.open - f.open) | (b.own_open - f.own_open), b.weight)
        opened = _ordered((f.open - b.open) | (f.own_open - b.own_open), f.weight)
        numbers = (b.own_gap, f.own_gap, b.coalition_gap, f.coalition_gap)
        if not closed and not opened and numbers[0] == numbers[1] and numbers[2] == numbers[3]:
            continue
        closed_by: dict[str, list[str]] = defaultdict(list)
        for c in closed:
            if c in f.weight:  # still needed: something now gives a route to it
                why = routes_now.explain(a, c, began, needs=False)
            else:  # no longer needed: a threat stopped targeting a or requiring c
                why = routes_then.explain(a, c, ended, needs=True)
            for w in why:
                closed_by[w].append(c)
        opened_by: dict[str, list[str]] = defaultdict(list)
        for c in opened:
            if c in b.weight:  # needed then: a route it had is gone
                why = routes_then.explain(a, c, ended, needs=False)
            else:  # a new need
                why = routes_now.explain(a, c, began, needs=True)
            for w in why:
                opened_by[w].append(c)
        d = G.nodes[a]
        out.append(
            {
                "actor_id": a,
                "name": str(d.get("name", a)),
                "kind": d.get("kind"),
                "own_gap_then": numbers[0],
                "own_gap_now": numbers[1],
                "coalition_gap_then": numbers[2],
                "coalition_gap_now": numbers[3],
                "closed_capabilities": closed,
                "opened_capabilities": opened,
                "closed_by": [f"{w}: {', '.join(cs)}" for w, cs in closed_by.items()],
                "opened_by": [f"{w}: {', '.join(cs)}" for w, cs in opened_by.items()],
            }
        )
    df = pd.DataFrame(out, columns=list(GAP_CHANGE_COLUMNS))
    if len(df):
        delta = df["coalition_gap_now"] - df["coalition_gap_then"]
        df = (
            df.assign(_d=delta, _o=df["own_gap_now"] - df["own_gap_then"])
            .sort_values(["_d", "_o", "actor_id"], kind="stable")
            .drop(columns=["_d", "_o"])
            .reset_index(drop=True)
        )
    for col in GAP_CHANGE_COLUMNS[3:7]:
        df[col] = df[col].astype("int64")
    return df


def rank_changes(
    then: pd.DataFrame, now: pd.DataFrame, *, measure: str = "pagerank", top: int = 10
) -> pd.DataFrame:
    """How the ``top`` actors by ``measure`` moved: ranks then and now (1 = first).

    ``then`` and ``now`` are centrality tables (``id``, ``name``, ``kind`` and the measure
    column, as in :attr:`graphkit.analysis.Analysis.centrality`). Rows: the top ``top``
    actors now, then those that were in the top ``top`` then and dropped out; a measure of
    the registry ranks as the report ranks it (low first for constraint), ties by id.

    Returns
    -------
    pandas.DataFrame
        ``actor_id, name, kind, measure, rank_then, rank_now, moved, then, now``
        (``moved`` = rank_then − rank_now: positive is up; ``then``/``now`` the scores).

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["A", "B", "C"], "name": list("ABC"), "kind": ["state"] * 3, "pagerank": [0.5, 0.3, 0.2]})
    >>> n = t.assign(pagerank=[0.2, 0.3, 0.5])
    >>> rank_changes(t, n, top=2)[["actor_id", "rank_then", "rank_now", "moved"]].values.tolist()
    [['C', 3, 1, 2], ['B', 2, 2, 0], ['A', 1, 3, -2]]
    """
    if measure not in then.columns or measure not in now.columns:
        raise AnalysisError(f"no centrality column {measure!r} to compare")
    from graphkit.analysis.measures import MEASURES

    high_first = MEASURES[measure].high_first if measure in MEASURES else True
    r0, r1 = _ranks(then, measure, high_first), _ranks(now, measure, high_first)
    top_now = sorted((a for a in r1 if r1[a] <= top), key=lambda a: r1[a])
    dropped = sorted((a for a in r0 if r0[a] <= top and a not in top_now), key=lambda a: r0[a])
    info = {r["id"]: r for r in pd.concat([then, now]).drop_duplicates("id", keep="last").to_dict("records")}
    s0 = dict(zip(then["id"], then[measure], strict=True))
    s1 = dict(zip(now["id"], now[measure], strict=True))
    rows = []
    for a in top_now + dropped:
        rt, rn = r0.get(a), r1.get(a)
        rows.append(
            {
                "actor_id": a,
                "name": str(info[a].get("name", a)),
                "kind": info[a].get("kind"),
                "measure": measure,
                "rank_then": rt,
                "rank_now": rn,
                "moved": rt - rn if rt is not None and rn is not None else None,
                "then": s0.get(a),
                "now": s1.get(a),
            }
        )
    return pd.DataFrame(rows, columns=list(RANK_CHANGE_COLUMNS))


# ---- helpers ------------------------------------------------------------------------


def _ranks(table: pd.DataFrame, measure: str, high_first: bool) -> dict[str, int]:
    """Rank (1 = first) of every actor with a score; ties by id."""
    scored = table[table[measure].notna()]
    order = scored.sort_values([measure, "id"], ascending=[not high_first, True], kind="stable")
    return {a: i + 1 for i, a in enumerate(order["id"])}


class _Gaps:
    __slots__ = ("weight", "open", "own_open", "own_gap", "coalition_gap")

    def __init__(self) -> None:
        self.weight: dict[str, int] = {}
        self.open: set[str] = set()
        self.own_open: set[str] = set()
        self.own_gap = 0
        self.coalition_gap = 0


_EMPTY = _Gaps()


def _gap_sets(gaps: pd.DataFrame) -> dict[str, _Gaps]:
    """Per actor: weight of each need, the capabilities open alone and with partners, the two gaps."""
    out: dict[str, _Gaps] = {}
    for a, c, w, own, pooled in zip(
        gaps["actor_id"], gaps["capability_id"], gaps["weight"], gaps["own"], gaps["pooled"], strict=True
    ):
        g = out.setdefault(a, _Gaps())
        g.weight[c] = int(w)
        if not own:
            g.own_open.add(c)
            g.own_gap += int(w)
        if not pooled:
            g.open.add(c)
            g.coalition_gap += int(w)
    return out


def _ordered(caps: set[str], weight: dict[str, int]) -> list[str]:
    return sorted(caps, key=lambda c: (-weight.get(c, 0), c))


class _Routes:
    """Who holds what in one network, and through which ties an actor reaches it."""

    def __init__(self, H: nx.MultiDiGraph, threshold: float, partners: tuple[str, ...]) -> None:
        self.H = H
        self.coop = "COOPERATES_WITH" in partners
        self.member = "MEMBER_OF" in partners
        self.holds: dict[str, set[str]] = defaultdict(set)
        self.partners: dict[str, set[str]] = defaultdict(set)
        self.orgs: dict[str, set[str]] = defaultdict(set)  # actor -> organisations it belongs to
        self.members: dict[str, set[str]] = defaultdict(set)  # organisation -> members
        self.targets: dict[str, set[str]] = defaultdict(set)  # actor -> threats targeting it
        self.requires: dict[str, set[str]] = defaultdict(set)  # threat -> capabilities
        for u, v, d in H.edges(data=True):
            t = d.get("type")
            if t == "HAS_CAPABILITY":
                level = d.get("level", 1.0)
                if isinstance(level, int | float) and not isinstance(level, bool) and level >= threshold:
                    self.holds[u].add(v)
            elif t == "COOPERATES_WITH" and u != v:
                self.partners[u].add(v)
                self.partners[v].add(u)
            elif t == "MEMBER_OF" and u != v:
                self.orgs[u].add(v)
                self.members[v].add(u)
            elif t == "TARGETS":
                self.targets[v].add(u)
            elif t == "REQUIRES":
                self.requires[u].add(v)
        # what each organisation and each pair of partners pools (their mandates)
        from graphkit.analysis.pooling import agreement_pools, org_pools

        caps = [n for n, d in H.nodes(data=True) if d.get("label") == schema.CAPABILITY]
        index = {c: i for i, c in enumerate(caps)}
        self.org_pool: dict[str, set[str]] = {
            o: {caps[i] for i in np.flatnonzero(org_pools(o, H.nodes[o], index)[0])} for o in self.members
        }
        self.pair_pool: dict[frozenset[str], set[str]] = defaultdict(set)
        for u, v, d in H.edges(data=True):
            if d.get("type") == "COOPERATES_WITH" and u != v:
                mask = agreement_pools(u, v, d, index)[0]
                self.pair_pool[frozenset((u, v))] |= {caps[i] for i in np.flatnonzero(mask)}

    def pools_via_org(self, org: str, c: str) -> bool:
        return c in self.org_pool.get(org, set())

    def pools_via_agreement(self, a: str, b: str, c: str) -> bool:
        return c in self.pair_pool.get(frozenset((a, b)), set())

    def group(self, org: str) -> set[str]:
        """An organisation and its members."""
        return self.members.get(org, set()) | {org}

    def groups_of(self, a: str) -> set[str]:
        """The organisations whose group holds ``a`` (those it belongs to, and itself when it has members)."""
        return self.orgs.get(a, set()) | ({a} if a in self.members else set())

    def reach(self, a: str, c: str) -> set[str]:
        """Everyone whose ``c`` reaches ``a`` within a mandate (an agreement or an
        organisation that pools ``c``)."""
        out = set()
        if self.coop:
            out |= {p for p in self.partners.get(a, set()) if self.pools_via_agreement(a, p, c)}
        if self.member:
            for g in self.groups_of(a):
                if self.pools_via_org(g, c):
                    out |= self.group(g)
        out.discard(a)
        return out

    def explain(self, a: str, c: str, events: list[dict[str, Any]], *, needs: bool) -> list[str]:
        """The events (changes) that give ``a`` a route to ``c`` (or, with ``needs``, a need of it) here."""
        out = []
        for e in events:
            x, rel, y = e["actor_id"], e["relationship"], e["other_id"]
            if needs:
                hit = (rel == "TARGETS" and x == a and c in self.requires.get(y, ())) or (
                    rel == "REQUIRES" and y == c and x in self.targets.get(a, ())
                )
            elif rel == "HAS_CAPABILITY":
                hit = y == c and (x == a or x in self.reach(a, c))
            elif rel == "COOPERATES_WITH":
                hit = (
                    self.coop and x == a and c in self.holds.get(y, ()) and self.pools_via_agreement(a, y, c)
                )
            elif rel == "MEMBER_OF":
                hit = (
                    self.member
                    and self.pools_via_org(y, c)
                    and (
                        (x == a and any(c in self.holds.get(m, ()) for m in self.group(y) - {a}))
                        or (x != a and y in self.groups_of(a) and c in self.holds.get(x, ()))
                        or (y == a and c in self.holds.get(x, ()))
                    )
                )
            else:
                hit = False
            if hit:
                text = f"{x} {e['change']}"
                if text not in out:
                    out.append(text)
        return out


def _perspectives(
    G: nx.MultiDiGraph, u: str, v: str, d: dict[str, Any], event: str
) -> list[tuple[str, str, str]]:
    """``(actor, other, change)`` for each actor a relationship's start or end concerns."""
    t = d.get("type")
    began = event == "began"
    if t == "MEMBER_OF":
        return [(u, v, f"{'joined' if began else 'left'} {v}")]
    if t == "COOPERATES_WITH":
        how = f" ({d['instrument']})" if d.get("instrument") else ""
        verb = "began" if began else "ended"
        return [(u, v, f"{verb} cooperation with {v}{how}"), (v, u, f"{verb} cooperation with {u}{how}")]
    if t == "HAS_CAPABILITY":
        return [(u, v, f"{'gained' if began else 'lost'} {v}")]
    if t == "TARGETS":
        return [(v, u, f"{'targeted' if began else 'no longer targeted'} by {u}")]
    if t == "ATTRIBUTED_TO":
        basis = f" ({d['basis']})" if d.get("basis") else ""
        return [(v, u, f"{'attributed' if began else 'no longer attributed'} {u}{basis}")]
    if t == "REQUIRES":
        return [(u, v, f"{'requires' if began else 'no longer requires'} {v}")]
    return [(u, v, f"{t} {v} {event}")]


def _written(d: dict[str, Any], keys: tuple[str, str]) -> str:
    """The date as the data gives it: the precise day where known, else the year."""
    for key in keys:
        value = d.get(key)
        if value is not None:
            return value.isoformat() if isinstance(value, _dt.date) else str(value)
    return ""
