"""Partner recommendations: feasible new partners that close most of an actor's remaining gap.

A candidate partner Y of actor A *closes* a need (A, c) still open with today's active
partners (not pooled) when Y holds c (level at or above the threshold); a new or widened
agreement with Y would pool it. Needs without data (A unassessed, or no actor of A's kind
has any level for c: a hole in the data, not a known lack; status ``no data``) are not
recommended for: :func:`remaining_without_data` names them so that a caller can say so.
Candidates are ranked by

    score(Y) = closed weight(Y) × feasibility(A, Y)

    feasibility(A, Y) = 0.25                  (base: any actor could be approached)
                      + 0.35 · w(A, Y)        (the strongest active COOPERATES_WITH between
                                               A and Y, either way, weighed by its instrument:
                                               graphkit.ties.instrument_weight, 1 for a
                                               treaty or agreement, 0.6 an MoU, 0.3 a dialogue;
                                               0 without one)
                      + 0.25 · min(1, Σ_g 1 / (n_g − 1)) over the pooling organisations g
                                A and Y share (both in g's group: members or g itself;
                                ``pools`` not ``none``; n_g = g's members; a term is 1
                                when Y or A is g itself)
                      + 0.15 · [A and Y have the same ``region``]

so feasibility runs from 0.25 (a stranger) to 1. Shared organisations are weighed as
co-membership is in the actor network (Newman 2001): sharing a 2-member mandate counts
fully, sharing INTERPOL's (194 members) almost nothing. Greedy weighted set cover: pick the best
score (ties: more weight closed, then
the higher summed level over what it closes, then graph order), remove what it closes,
repeat until ``k`` picks or nobody closes anything.
Never a candidate: A itself; any actor named as sponsor (``ATTRIBUTED_TO`` with
``basis = sponsor``) of a threat that targets A; A's own members and the organisations A
belongs to, whatever the membership's status (already partners: a wider mandate or a full
membership, not a new partner, would close the need). A co-member Y of an organisation whose ``pools`` covers c already pools c
to A, so it is never offered for c. ``reason`` says in words what a pick closes and why it
is feasible; for an organisation (recommendations are asked for organisations only
explicitly: the report recommends for states) a pick reads as a member or partner to recruit.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.engine import DEFAULT_TYPES, AnalysisError
from graphkit.analysis.gaps import GapModel
from graphkit.defaults import DEFAULT_THRESHOLD
from graphkit.errors import SchemaError
from graphkit.ties import DEFAULT_DORMANT_AFTER, instrument_weight

__all__ = ["recommend_partners", "remaining_without_data", "FEASIBILITY_WEIGHTS", "RECOMMENDATION_COLUMNS"]

FEASIBILITY_WEIGHTS: dict[str, float] = {
    "base": 0.25,
    "existing_cooperation": 0.35,
    "shared_pooling_organisation": 0.25,
    "same_region": 0.15,
}
"""The terms of feasibility(A, Y); they sum to 1."""

RECOMMENDATION_COLUMNS = (
    "rank",
    "partner_id",
    "name",
    "kind",
    "closes",
    "closed_weight",
    "remaining_weight",
    "feasibility",
    "score",
    "reason",
    "alternatives",
)


def recommend_partners(
    G: nx.MultiDiGraph,
    actor_id: str,
    *,
    k: int = 5,
    threshold: float = DEFAULT_THRESHOLD,
    dormant_after: float = DEFAULT_DORMANT_AFTER,
    partners: Iterable[str] = DEFAULT_TYPES,
    exclude: Iterable[str] = (),
) -> pd.DataFrame:
    """Feasible new partners that would close most of an actor's remaining (coalition) gap.

    ``exclude``: actors never proposed (the report passes the states of the opposite camp on
    the rules of cyberspace, :func:`graphkit.analysis.likeminded.opposite_camp_states`).

    See the module docstring for the score and the feasibility formula.

    Returns
    -------
    pandas.DataFrame
        ``rank, partner_id, name, kind, closes, closed_weight, remaining_weight,
        feasibility, score, reason, alternatives``: ``closes`` the capability ids it closes
        (heaviest first); ``remaining_weight`` the coalition gap left after this pick;
        ``reason`` what it closes and the link it builds on; ``alternatives`` the ids of the
        next two candidates at that step.

    Examples
    --------
    France has no agreement of its own. Counting only direct cooperation, the United
    Kingdom (a fellow member of NATO, which pools all and has 6 members, in the same
    region: feasibility 0.25 + 0.25 / 5 + 0.15 = 0.45) closes two needs, then Germany (0.45,
    stronger than Estonia) the third:

    >>> r = gk.analysis.recommend_partners(gk.load(gk.SAMPLE), "FRA", partners=["COOPERATES_WITH"])
    >>> r[["partner_id", "closes", "closed_weight", "remaining_weight", "feasibility"]].values.tolist()
    [['GBR', ['cap:threat_intel', 'cap:attribution'], 2, 1, 0.45], ['DEU', ['cap:incident_response'], 1, 0, 0.45]]
    >>> r["alternatives"].tolist()
    [['CERT_EU', 'USA'], ['EST', 'CERT_EU']]
    """
    model = GapModel(G, threshold=threshold, partners=partners, dormant_after=dormant_after)
    return _recommend(model, actor_id, k=k, exclude=exclude)


def _recommend(model: GapModel, actor_id: str, *, k: int, exclude: Iterable[str] = ()) -> pd.DataFrame:
    cols = list(RECOMMENDATION_COLUMNS)
    if actor_id not in model.kinds:
        from graphkit.suggest import node_hint

        hint = (
            " (it is not an Actor)"
            if actor_id in model.names
            else node_hint(str(actor_id), ((a, model.names.get(a)) for a in model.kinds))
        )
        raise SchemaError(f"no actor with id {actor_id!r}{hint}; check the id in actors.csv")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise AnalysisError(f"k must be a positive integer, not {k!r}")
    a = model.index[actor_id]
    r = model.routes()
    # needs without data are not closed: the data do not say that A lacks c
    mine = r[(r["a"] == a) & ~r["pooled"] & r["capability_assessed"] & r["assessed"]]
    remaining = dict(zip(mine["c"].tolist(), mine["weight"].tolist(), strict=False))
    excluded = model.sponsors_against(a) | {a} | _members_and_organisations(model, a)
    excluded |= {model.index[x] for x in exclude if x in model.index}
    own = model.own_pairs()
    own = own[own["c"].isin(list(remaining)) & ~own["a"].isin(list(excluded))]
    feas, links = _feasibility(model, a, np.unique(own["a"].to_numpy(dtype=np.int64)))
    rows = []
    for rank in range(1, k + 1):
        cand = own[own["c"].isin(list(remaining))]
        if cand.empty:
            break
        scored = cand.assign(w=cand["c"].map(remaining))
        score = scored.groupby("a", sort=True).agg(w=("w", "sum"), lv=("lv", "sum")).reset_index()
        score["f"] = score["a"].map(feas)
        score["s"] = (score["w"] * score["f"]).round(9)
        score = score.sort_values(["s", "w", "lv", "a"], ascending=[False, False, False, True], kind="stable")
        best = int(score["a"].iloc[0])
        alternatives = [model.actors[int(x)] for x in score["a"].iloc[1:3]]
        closes = sorted(cand.loc[cand["a"] == best, "c"].tolist(), key=lambda c: (-remaining[c], c))
        closed = sum(remaining.pop(c) for c in closes)
        own = own[own["a"] != best]
        bid = model.actors[best]
        cap_names = _and([model.names[model.caps[c]] for c in closes])
        rows.append(
            {
                "rank": rank,
                "partner_id": bid,
                "name": model.names[bid],
                "kind": model.kinds[bid],
                "closes": [model.caps[c] for c in closes],
                "closed_weight": int(closed),
                "remaining_weight": int(sum(remaining.values())),
                "feasibility": round(float(feas[best]), 4),
                "score": round(float(closed * feas[best]), 4),
                "reason": _reason(model, a, best, cap_names, closes, closed, links[best]),
                "alternatives": alternatives,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def remaining_without_data(
    G: nx.MultiDiGraph,
    actor_id: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    dormant_after: float = DEFAULT_DORMANT_AFTER,
    partners: Iterable[str] = DEFAULT_TYPES,
) -> pd.DataFrame:
    """The actor's needs that no active partner covers and that have no data (status ``no data``).

    Returns
    -------
    pandas.DataFrame
        ``capability_id, capability_name, weight, why``: ``why`` is ``it has no capability
        data at all``, ``no <kind> in the data has a level for it`` (the sources do not
        measure it) or ``no index or record rating it covers it`` (other actors of its kind have a
        level, from an index or record that does not rate this actor on it); heaviest first.
    """
    model = GapModel(G, threshold=threshold, partners=partners, dormant_after=dormant_after)
    if actor_id not in model.kinds:
        raise SchemaError(f"no actor with id {actor_id!r}; check the id in actors.csv")
    gaps = model.gap_table()
    rows = gaps[(gaps["actor_id"] == actor_id) & (gaps["status"] == "no data")]
    kind = model.kinds[actor_id]
    scope = model.kind_rated[model.kind_code[model.index[actor_id]]]
    kind_rated = {c for i, c in enumerate(model.caps) if scope[i]}
    why = [
        "it has no capability data at all"
        if not assessed
        else "no index or record rating it covers it"
        if cap in kind_rated
        else f"no {kind} in the data has a level for it"
        for assessed, cap in zip(rows["assessed"].tolist(), rows["capability_id"].tolist(), strict=True)
    ]
    out = rows[["capability_id", "capability_name", "weight"]].assign(why=why)
    return out.reset_index(drop=True)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _reason(
    model: GapModel, a: int, y: int, cap_names: str, closes: list[int], closed: int, links: str
) -> str:
    """What a pick closes and why it is feasible, in words."""
    what = (
        f"closes {cap_names} (weight {closed}): the data show {model.names[model.actors[a]]} "
        f"lacks {'it' if len(closes) == 1 else 'them'} and no active partner covers "
        f"{'it' if len(closes) == 1 else 'them'}"
    )
    if model.kinds[model.actors[a]] != "state":
        what = f"a member or partner to recruit: {what}"
    return f"{what}; feasible because {links}"


def _members_and_organisations(model: GapModel, a: int) -> set[int]:
    """A's members and the organisations A belongs to (paused or dormant memberships too: still members)."""
    me = model.actors[a]
    out = {u for u, _, d in model.whole.in_edges(me, data=True) if d.get("type") == "MEMBER_OF"}
    out |= {v for _, v, d in model.whole.out_edges(me, data=True) if d.get("type") == "MEMBER_OF"}
    return {model.index[x] for x in out if x in model.index and x != me}


def _feasibility(model: GapModel, a: int, cands: np.ndarray) -> tuple[dict[int, float], dict[int, str]]:
    """feasibility(a, y) and, in words, the links it builds on, for every candidate y."""
    w = FEASIBILITY_WEIGHTS
    G = model.G
    strength: dict[int, float] = {}
    agreements: dict[int, str] = {}
    for u, v, _mid, instrument, since in model.agreements:
        if a in (u, v):
            y = v if u == a else u
            iw = instrument_weight({"instrument": instrument} if isinstance(instrument, str) else {})
            if iw > strength.get(y, -1.0):
                strength[y] = iw
                note = ", ".join(str(x) for x in (instrument, since) if x is not None and x == x)
                agreements[y] = (
                    f"they already cooperate under an agreement{f' ({note})' if note else ''} "
                    "that could be widened to cover it"
                )
    groups = model.groups
    pooling = {g for g, m in model.org_pools.items() if m.any()}
    mine = [g for g in groups[groups[:, 0] == a, 1].tolist() if g in pooling] if groups.size else []
    n_members = np.bincount(model.members[:, 1], minlength=model.nA) if model.members.size else None
    shared: dict[int, list[int]] = {}
    closeness: dict[int, float] = {}
    for g in mine:
        # Newman's 1/(n-1): a small organisation ties its members closely, a universal one barely
        tie = 1.0 / max(int(n_members[g]) - 1, 1) if n_members is not None else 1.0
        for y in groups[groups[:, 1] == g, 0].tolist():
            shared.setdefault(y, []).append(g)
            closeness[y] = closeness.get(y, 0.0) + (1.0 if y == g or a == g else tie)
    region = G.nodes[model.actors[a]].get("region")
    feas: dict[int, float] = {}
    links: dict[int, str] = {}
    for y in cands.tolist():
        same = region is not None and region == region and G.nodes[model.actors[y]].get("region") == region
        f = w["base"]
        parts = []
        if y in agreements:
            f += w["existing_cooperation"] * strength[y]
            parts.append(agreements[y])
        if y in shared:
            f += w["shared_pooling_organisation"] * min(1.0, closeness[y])
            orgs = [model.actors[g] for g in shared[y]]
            parts.append("both belong to " + _and(orgs[:3]) + (" and more" if len(orgs) > 3 else ""))
        if same:
            f += w["same_region"]
            parts.append(f"both are in the same region ({region})")
        feas[y] = f
        links[y] = "; ".join(parts) if parts else "nothing yet: no agreement, shared organisation or region"
    return feas, links
