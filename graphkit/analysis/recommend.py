"""Partner recommendations: feasible new partners that close most of an actor's remaining gap.

A candidate partner Y of actor A *closes* a need (A, c) still open with today's partners
(not pooled) when Y holds c (level at or above the threshold); a new or widened agreement
with Y would pool it. Needs that are capability-unassessed (no actor of A's kind has any
level for c: a hole in the data, not a known lack) are not recommended for; the needs of
an unassessed actor are (its coalition gap is computed as if it held nothing). Candidates are ranked by

    score(Y) = closed weight(Y) × feasibility(A, Y)

    feasibility(A, Y) = 0.25                  (base: any actor could be approached)
                      + 0.35 · [A and Y already cooperate (a COOPERATES_WITH either way)]
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
Never a candidate: A itself, and any actor named as sponsor (``ATTRIBUTED_TO`` with
``basis = sponsor``) of a threat that targets A.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.engine import DEFAULT_TYPES, AnalysisError
from graphkit.analysis.gaps import _GapModel
from graphkit.analysis.pooling import agreement_note
from graphkit.defaults import DEFAULT_THRESHOLD
from graphkit.errors import SchemaError

__all__ = ["recommend_partners", "FEASIBILITY_WEIGHTS", "RECOMMENDATION_COLUMNS"]

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
    partners: Iterable[str] = DEFAULT_TYPES,
) -> pd.DataFrame:
    """Feasible new partners that would close most of an actor's remaining (coalition) gap.

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
    model = _GapModel(G, threshold=threshold, partners=partners)
    return _recommend(model, actor_id, k=k)


def _recommend(model: _GapModel, actor_id: str, *, k: int) -> pd.DataFrame:
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
    # coverage holes (no actor of A's kind has any level for c) are not closed: the data do not
    # say that A lacks c
    mine = r[(r["a"] == a) & ~r["pooled"] & r["capability_assessed"]]
    remaining = dict(zip(mine["c"].tolist(), mine["weight"].tolist(), strict=False))
    excluded = model.sponsors_against(a) | {a}
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
        cap_names = ", ".join(model.names[model.caps[c]] for c in closes)
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
                "reason": f"closes {cap_names} (weight {closed}); builds on {links[best]}",
                "alternatives": alternatives,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _feasibility(model: _GapModel, a: int, cands: np.ndarray) -> tuple[dict[int, float], dict[int, str]]:
    """feasibility(a, y) and the text of the links it builds on, for every candidate y."""
    w = FEASIBILITY_WEIGHTS
    G = model.G
    agreements: dict[int, str] = {}
    for agreement in model.agreements:
        u, v = agreement[0], agreement[1]
        if a in (u, v):
            y = v if u == a else u
            agreements.setdefault(y, "an existing agreement" + agreement_note(agreement))
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
            f += w["existing_cooperation"]
            parts.append(agreements[y])
        if y in shared:
            f += w["shared_pooling_organisation"] * min(1.0, closeness[y])
            orgs = [model.actors[g] for g in shared[y]]
            parts.append("shared membership of " + ", ".join(orgs[:3]) + (" ..." if len(orgs) > 3 else ""))
        if same:
            f += w["same_region"]
            parts.append(f"the same region ({region})")
        feas[y] = f
        links[y] = "; ".join(parts) if parts else "no existing link"
    return feas, links
