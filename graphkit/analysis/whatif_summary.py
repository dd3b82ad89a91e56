"""What if, step 5: a scenario's summary and its headline effects in words, with names (see :mod:`graphkit.analysis.whatif`)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import pandas as pd

from graphkit.analysis.measures import MEASURES
from graphkit.analysis.scenarios import (
    AddActor,
    Change,
    End,
    Join,
    Leave,
    Pause,
    RemoveActor,
    Scenario,
    SetLevel,
    Sign,
)
from graphkit.analysis.whatif_effects import same_network

__all__ = ["ScenarioSummary", "summarise"]


@dataclass(frozen=True)
class ScenarioSummary:
    """One scenario's headline effects: counts, names and sentences (``to_dict`` for JSON)."""

    name: str
    changes: list[str]
    day: str
    headlines: list[str]
    coalition_gap_before: int
    coalition_gap_after: int
    closed_by_cooperation_before: int
    closed_by_cooperation_after: int
    needs_closed: int
    needs_opened: int
    needs_rerouted: int
    actors_gaining: list[str]
    actors_losing: list[str]
    rank_moves: list[dict[str, Any]]
    cluster_changes: list[dict[str, Any]]
    critical_now: list[str]
    critical_no_longer: list[str]
    threats_uncovered: list[str]
    threats_covered: list[str]
    recommendations: dict[str, dict[str, list[str]]]
    network_changed: bool
    stability: str = "not computed"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(
    s: Scenario,
    day: _dt.date,
    G0: nx.MultiDiGraph,
    a0: Any,
    G1: nx.MultiDiGraph,
    a1: Any,
    effects: pd.DataFrame,
) -> ScenarioSummary:
    """The summary of scenario ``s`` on ``day``: counts and names from its ``effects`` and headlines."""
    e = effects
    by = {k: g for k, g in e.groupby("effect", sort=False)} if len(e) else {}

    def part(k: str) -> pd.DataFrame:
        return by.get(k, e.iloc[0:0])

    closed, opened, rerouted = part("coalition_gap_closed"), part("coalition_gap_opened"), part("rerouted")
    totals = part("coalition_gap")
    gaining = totals[totals["moved"] < 0]["actor_id"].tolist() if len(totals) else []
    losing = totals[totals["moved"] > 0]["actor_id"].tolist() if len(totals) else []
    g0, g1 = a0.summary.get("gaps", {}), a1.summary.get("gaps", {})
    sum0, sum1 = a0.gap_summary, a1.gap_summary
    cbc0 = int(sum0["closed_by_cooperation"].sum(skipna=True)) if len(sum0) else 0
    cbc1 = int(sum1["closed_by_cooperation"].sum(skipna=True)) if len(sum1) else 0
    ranks = part("rank")
    moves = []
    if len(ranks):
        big = ranks[ranks["moved"].notna()].assign(_abs=lambda d: d["moved"].abs())
        big = big.sort_values(["_abs", "item_id", "actor_id"], ascending=[False, True, True]).head(10)
        moves = [{"actor_id": r["actor_id"], "name": r["actor_name"], "kind": r["kind"], "measure": r["item_id"],
                  "before": int(r["before"]), "after": int(r["after"]), "moved": int(r["moved"])}
                 for r in big.to_dict("records")]  # fmt: skip
    clusters = [{"actor_id": r["actor_id"], "name": r["actor_name"], "before": r["before"], "after": r["after"]}
                for r in part("cluster_changed").to_dict("records")]  # fmt: skip
    crit = part("critical")
    crit_now = crit[(crit["before"] == 0) & (crit["after"] > 0)]["actor_id"].tolist() if len(crit) else []
    crit_gone = crit[(crit["before"] > 0) & (crit["after"] == 0)]["actor_id"].tolist() if len(crit) else []
    recs: dict[str, dict[str, list[str]]] = {}
    rr = part("recommendation")
    for a, g in rr.groupby("actor_id", sort=False) if len(rr) else []:
        recs[str(a)] = {
            "before": g[g["before"].notna()].sort_values("before")["item_id"].tolist(),
            "after": g[g["after"].notna()].sort_values("after")["item_id"].tolist(),
        }
    network_changed = not same_network(a0, a1)
    headlines = _headlines(s, G0, G1, a0, a1, e, part, network_changed)
    return ScenarioSummary(
        name=s.name,
        changes=[c.text() for c in s.changes],
        day=day.isoformat(),
        headlines=headlines,
        coalition_gap_before=int(g0.get("total_coalition_gap_known", 0)),
        coalition_gap_after=int(g1.get("total_coalition_gap_known", 0)),
        closed_by_cooperation_before=cbc0,
        closed_by_cooperation_after=cbc1,
        needs_closed=len(closed),
        needs_opened=len(opened),
        needs_rerouted=len(rerouted),
        actors_gaining=gaining,
        actors_losing=losing,
        rank_moves=moves,
        cluster_changes=clusters,
        critical_now=crit_now,
        critical_no_longer=crit_gone,
        threats_uncovered=part("threat_uncovered")["item_id"].tolist(),
        threats_covered=part("threat_covered")["item_id"].tolist(),
        recommendations=recs,
        network_changed=network_changed,
    )


def _name(G0: nx.MultiDiGraph, G1: nx.MultiDiGraph, a: str) -> str:
    """The actor's name; an organisation's with "the" (the European Union)."""
    for G in (G1, G0):
        if a in G:
            name = str(G.nodes[a].get("name", a))
            kind = G.nodes[a].get("kind")
            if kind in ("alliance", "international_org") and not name.lower().startswith("the "):
                return f"the {name}"
            return name
    return a


def _phrase(c: Change, subject: str, G0: nx.MultiDiGraph, G1: nx.MultiDiGraph) -> str:
    n = lambda a: _name(G0, G1, a)  # noqa: E731
    if isinstance(c, Join):
        return f"joining {n(c.org)}"
    if isinstance(c, Leave):
        return f"leaving {n(c.org)}"
    if isinstance(c, Pause):
        return (
            f"its tie to {n(c.org)} {c.status}" if c.status != "active" else f"resuming its tie to {n(c.org)}"
        )
    if isinstance(c, Sign):
        other = c.b if subject == c.a else c.a
        return f"signing {_article(c.instrument)} {c.instrument} with {n(other)}"
    if isinstance(c, End):
        other = c.b if subject == c.a else c.a
        return f"ending its agreement{' (' + c.instrument + ')' if c.instrument else ''} with {n(other)}"
    if isinstance(c, SetLevel):
        return f"reaching level {c.level:g} in {n(c.capability)}"
    if isinstance(c, AddActor):
        return "joining the network"
    return c.text()


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _parties(c: Change) -> list[str]:
    """Every actor a change names (the organisation of a join or leave too)."""
    if isinstance(c, Join | Leave | Pause):
        return [c.actor, c.org]
    if isinstance(c, SetLevel):
        return [c.actor]
    if isinstance(c, Sign | End):
        return [c.a, c.b]
    return [c.id] if isinstance(c, AddActor | RemoveActor) else []


def _subjects(c: Change) -> list[str]:
    if isinstance(c, Join | Leave | Pause | SetLevel):
        return [c.actor]
    if isinstance(c, Sign | End):
        return [c.a, c.b]
    if isinstance(c, AddActor):
        return [c.id]
    return []


def _caps(df: pd.DataFrame, limit: int = 4) -> str:
    names = [str(x) for x in df["item_name"].tolist()]
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _headlines(
    s: Scenario,
    G0: nx.MultiDiGraph,
    G1: nx.MultiDiGraph,
    a0: Any,
    a1: Any,
    e: pd.DataFrame,
    part: Any,
    network_changed: bool,
) -> list[str]:
    out: list[str] = []
    phrases: dict[str, list[str]] = {}
    for c in s.changes:
        for a in _subjects(c):
            if a in G1 and G1.nodes[a].get("label") == "Actor":
                phrases.setdefault(a, []).append(_phrase(c, a, G0, G1))
    for c in s.changes:
        if isinstance(c, RemoveActor):
            out.append(f"Without {_name(G0, G1, c.id)}:")
    open1 = a1.gaps[~a1.gaps["pooled"].astype(bool)].groupby("actor_id").size()
    needs1 = a1.gaps.groupby("actor_id").size()
    for a, ph in phrases.items():
        kind = G1.nodes[a].get("kind")
        if kind not in ("state", None) and not any(_subjects(c)[:1] == [a] for c in s.changes):
            continue  # the organisation of a join/leave: its members' gaps are told below
        subject = f"{_name(G0, G1, a)} {' and '.join(ph)}"
        mine = e[e["actor_id"] == a]
        closed = mine[mine["effect"] == "coalition_gap_closed"]
        opened = mine[mine["effect"] == "coalition_gap_opened"]
        rerouted = mine[mine["effect"] == "rerouted"]
        still = int(open1.get(a, 0))
        if not int(needs1.get(a, 0)):
            out.append(f"{subject}: no threat in the data targets it, so its gaps do not change.")
            continue
        parts = []
        if len(closed):
            parts.append(f"closes {len(closed)} of its needs ({_caps(closed)})")
        if len(opened):
            parts.append(f"opens {len(opened)} of its needs ({_caps(opened)})")
        if not parts:
            text = f"{subject} neither closes nor opens any of its needs"
            if len(rerouted):
                text += f"; {_count(len(rerouted), 'need is', 'needs are')} now covered another way ({_caps(rerouted)})"
            out.append(text + f"; {_count(still, 'need stays', 'needs stay')} open.")
            continue
        text = f"{subject} " + " and ".join(parts)
        if len(opened):
            if len(rerouted):
                text += (
                    f"; {_count(len(rerouted), 'more is', 'more are')} covered elsewhere ({_caps(rerouted)})"
                )
            else:
                text += "; none of them is covered elsewhere"
        if len(closed) and not len(opened):
            text += f"; {_count(still, 'need stays', 'needs stay')} open"
        out.append(text + ".")
    # everyone else
    subjects = set(phrases)
    others_c = part("coalition_gap_closed")
    others_o = part("coalition_gap_opened")
    oc = [a for a in dict.fromkeys(others_c["actor_id"]) if a not in subjects]
    oo = [a for a in dict.fromkeys(others_o["actor_id"]) if a not in subjects]
    if oc or oo:
        bits = []
        if oc:
            bits.append(
                f"closes needs of {_count(len(oc), 'other actor', 'other actors')} ({_names(G0, G1, oc)})"
            )
        if oo:
            bits.append(
                f"opens needs of {_count(len(oo), 'other actor', 'other actors')} ({_names(G0, G1, oo)})"
            )
        out.append("The scenario also " + " and ".join(bits) + ".")
    cb0 = int(a0.summary["gaps"]["total_coalition_gap_known"])
    cb1 = int(a1.summary["gaps"]["total_coalition_gap_known"])
    if cb0 != cb1:
        out.append(f"Across the network, the coalition gap (needs with data) goes from {cb0:,} to {cb1:,}.")
    else:
        out.append(f"Across the network, the coalition gap (needs with data) stays at {cb0:,}.")
    # ranks
    ranks = part("rank")
    for a in phrases:
        mine = ranks[(ranks["actor_id"] == a) & ranks["item_id"].isin(["betweenness", "pagerank"])]
        for r in mine.to_dict("records"):
            if (
                r["before"] is None
                or r["after"] is None
                or r["before"] != r["before"]
                or r["after"] != r["after"]
            ):
                continue
            kind = str(r["kind"] or "actor")
            out.append(
                f"{r['actor_name']} moves from {_ordinal(int(r['before']))} to {_ordinal(int(r['after']))} "
                f"among {_plural(kind)} by {_measure_name(r['item_id'])}."
            )
    if not network_changed:
        out.append("The actor network is unchanged: centrality and clusters stay as they are.")
    else:
        moved = ranks[ranks["moved"].notna() & (ranks["item_id"] == "betweenness")] if len(ranks) else ranks
        if len(moved):
            top = (
                moved.assign(_a=moved["moved"].abs())
                .sort_values(["_a", "actor_id"], ascending=[False, True])
                .head(3)
            )
            out.append(
                "Largest betweenness moves within kind: "
                + ", ".join(f"{r['actor_name']} {_signed(int(r['moved']))}" for r in top.to_dict("records"))
                + "."
            )
        cc = part("cluster_changed")
        if len(cc):
            named = set(phrases) | {x for c in s.changes for x in _parties(c)}
            mine = cc[cc["actor_id"].isin(named)]
            others = cc[~cc["actor_id"].isin(named)]

            def move(r: dict[str, Any]) -> str:
                after = r["after"] if not r["after"].startswith("cluster") else f"the {r['after']}"
                return f"{r['actor_name']} moves from the {r['before']} to {after}"

            bits = [move(r) for r in mine.to_dict("records")]
            if len(others):
                names = ", ".join(others["actor_name"].head(4)) + (
                    f" and {len(others) - 4} more" if len(others) > 4 else ""
                )
                lead = "other actors" if bits else "actors"
                bits.append(
                    f"{_count(len(others), lead[:-1], lead)} change{'s' if len(others) == 1 else ''} cluster"
                    f"{' too' if len(mine) else ''} ({names}; the cocluster.csv of a report with --perturb says "
                    "how often two actors share a cluster across seeds)"
                )
            text = "; ".join(bits)
            out.append(text[0].upper() + text[1:] + ".")
        else:
            out.append("No actor changes cluster.")
    crit = part("critical")
    if len(crit):
        new = crit[(crit["before"] == 0) & (crit["after"] > 0)]
        gone = crit[(crit["before"] > 0) & (crit["after"] == 0)]
        bits = []
        if len(new):
            bits.append(
                f"{_names(G0, G1, new['actor_id'].tolist())} become{'s' if len(new) == 1 else ''} critical"
            )
        if len(gone):
            bits.append(
                f"{_names(G0, G1, gone['actor_id'].tolist())} {'is' if len(gone) == 1 else 'are'} no longer critical"
            )
        rest = crit[(crit["before"] > 0) & (crit["after"] > 0) & (crit["before"] != crit["after"])]
        if len(rest):
            shown = ", ".join(f"{_name(G0, G1, r['actor_id'])} {int(r['before'])} to {int(r['after'])}"
                              for r in rest.head(3).to_dict("records"))  # fmt: skip
            more = f" and {len(rest) - 3} more" if len(rest) > 3 else ""
            bits.append(f"the gap weight a loss would open changes for {shown}{more}")
        cut = crit[crit["detail"].notna()]
        for r in cut.head(2).to_dict("records"):
            bits.append(f"{_name(G0, G1, r['actor_id'])} {r['detail']}")
        out.append("Critical actors: " + "; ".join(bits) + ".")
    tu, tc = part("threat_uncovered"), part("threat_covered")
    if len(tu):
        out.append(f"{_count(len(tu), 'threat becomes', 'threats become')} uncovered: {_caps(tu, 5)}.")
    if len(tc):
        out.append(f"{_count(len(tc), 'threat is', 'threats are')} covered again: {_caps(tc, 5)}.")
    if not len(tu) and not len(tc):
        out.append("No threat becomes uncovered.")
    rr = part("recommendation")
    for a, g in rr.groupby("actor_id", sort=False) if len(rr) else []:
        before = g[g["before"].notna()].sort_values("before")["item_name"].tolist()
        after = g[g["after"].notna()].sort_values("after")["item_name"].tolist()
        name = _name(G0, G1, a)
        if before == after:
            out.append(f"Recommended partners for {name} stay {', '.join(after[:3])}.")
        else:
            out.append(
                f"Recommended partners for {name}: {', '.join(after[:3]) or 'none'} "
                f"(before: {', '.join(before[:3]) or 'none'})."
            )
    return out


def _names(G0: nx.MultiDiGraph, G1: nx.MultiDiGraph, ids: Iterable[str], limit: int = 4) -> str:
    ids = list(ids)
    names = [_name(G0, G1, a) for a in ids[:limit]]
    return ", ".join(names) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _measure_name(measure: str) -> str:
    """``betweenness``, ``PageRank``: the registry's title, lower case unless it is a name."""
    title = MEASURES[measure].title if measure in MEASURES else measure
    return title if any(ch.isupper() for ch in title[1:]) else title.lower()


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _plural(kind: str) -> str:
    return {"state": "states", "alliance": "alliances", "international_org": "international organisations",
            "company": "companies", "ngo": "NGOs", "cert": "CERTs"}.get(kind, "actors of its kind")  # fmt: skip


def _signed(n: int) -> str:
    return f"up {n}" if n > 0 else f"down {-n}"
