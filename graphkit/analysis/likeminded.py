"""Like-minded and capable partners: what a partner closes of an actor's gap, weighed by alignment.

Butler & Lachow's coalitions need like-minded will as well as capabilities. For actor A:

- A's **open needs** are its coalition gap as :func:`graphkit.analysis.capability_gaps`
  gives it: needs neither owned nor pooled, whose capability is assessed (a hole in the
  data is not recommended for), each with its weight (how many threats need it).
- A candidate Y **closes** an open need when Y holds the capability at ``threshold`` or
  above (``HAS_CAPABILITY``). Never candidates: A, and any actor named as the sponsor
  (``ATTRIBUTED_TO`` with ``basis = sponsor``) of a threat that targets A (as in
  :func:`graphkit.analysis.recommend_partners`).
- **alignment(A, Y)**: their agreement on the graph's norms
  (:func:`graphkit.analysis.alignment.alignment`); an actor with no shared position (a
  company, an organisation, a state that did not vote) counts as ``unknown_alignment``
  (default 0.5, neither like- nor unlike-minded) and is marked ``alignment_known = False``.
- **opposite camp**: A and Y are states in camps named after different resolution sponsors
  (:func:`graphkit.analysis.camps.state_positions`: "with United States" and "with Russia";
  a camp "between" the sponsors is nobody's opposite). Such partners are left out unless
  ``include_opposite=True``, and then marked ``opposite_camp = True``.
- ``min_alignment`` leaves out partners whose known alignment is below it.
- Ranking (greedy weighted set cover, as for recommendations)::

      score(Y) = closed weight(Y) × ((1 − alignment_weight) + alignment_weight × alignment(A, Y))

  ``alignment_weight`` 0 ranks by capability alone, 1 by capability times alignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.alignment import alignment
from graphkit.analysis.camps import state_positions
from graphkit.analysis.gaps import capability_gaps
from graphkit.defaults import DEFAULT_THRESHOLD, DEFAULT_TYPES
from graphkit.errors import AnalysisError, SchemaError

__all__ = [
    "opposite_camp_states",
    "camp_sponsors",
    "capability_profile",
    "like_minded_partners",
    "like_minded_coalition",
    "LIKE_MINDED_COLUMNS",
    "UNKNOWN_ALIGNMENT",
]

UNKNOWN_ALIGNMENT = 0.5
"""The alignment assumed for a partner that shares no position with the actor."""

LIKE_MINDED_COLUMNS = (
    "rank",
    "partner_id",
    "name",
    "kind",
    "closes",
    "closed_weight",
    "remaining_weight",
    "closed_share",
    "alignment",
    "alignment_known",
    "n_shared",
    "camp",
    "opposite_camp",
    "score",
    "reason",
)


def like_minded_partners(
    G: nx.MultiDiGraph,
    actor_id: str,
    *,
    k: int = 5,
    threshold: float = DEFAULT_THRESHOLD,
    partners: Iterable[str] = DEFAULT_TYPES,
    alignment_weight: float = 0.5,
    min_alignment: float | None = None,
    include_opposite: bool = False,
    unknown_alignment: float = UNKNOWN_ALIGNMENT,
    norms: Iterable[str] | None = None,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Partners that close most of ``actor_id``'s open gap and are most like-minded.

    See the module docstring for the score, the exclusions and the options.

    Returns
    -------
    pandas.DataFrame
        ``rank, partner_id, name, kind, closes, closed_weight, remaining_weight,
        closed_share, alignment, alignment_known, n_shared, camp, opposite_camp, score,
        reason``; ``closed_share`` is the share of the actor's open gap closed so far
        (cumulative); ``camp`` the partner's camp name (None for non-states).

    Examples
    --------
    >>> gk.analysis.like_minded_partners(gk.load(gk.SAMPLE), "FRA").empty  # no open need
    True
    """
    return _greedy(
        G,
        actor_id,
        k=k,
        share=None,
        threshold=threshold,
        partners=partners,
        alignment_weight=alignment_weight,
        min_alignment=min_alignment,
        include_opposite=include_opposite,
        unknown_alignment=unknown_alignment,
        norms=norms,
        weights=weights,
    )


def camp_sponsors(G: nx.MultiDiGraph) -> dict[str, str]:
    """Each state's camp sponsor (the resolution sponsor its camp is named after), for the
    states in a named camp; empty when the graph records no positions."""
    if not any(d.get("type") == "POSITION" for _, _, d in G.edges(data=True)):
        return {}
    return _camps(G, None, None)[1]


def opposite_camp_states(
    G: nx.MultiDiGraph, actor_id: str, *, sponsors: Mapping[str, str] | None = None
) -> set[str]:
    """The states in a camp named after another resolution sponsor than ``actor_id``'s own, and
    the organisations most of whose member states are (empty when the graph records no
    positions, or the actor sits between the camps). ``sponsors``: :func:`camp_sponsors`
    of ``G`` when already computed (for many actors, compute it once)."""
    sponsor = camp_sponsors(G) if sponsors is None else sponsors
    mine = sponsor.get(actor_id)
    if mine is None:
        return set()
    opposite = {s for s, theirs in sponsor.items() if theirs != mine}
    # an organisation most of whose member states sit in the opposite camp is on that side too
    members: dict[str, list[str]] = {}
    for u, v, d in G.edges(data=True):
        if d.get("type") == "MEMBER_OF" and G.nodes[u].get("kind") == "state":
            members.setdefault(v, []).append(u)
    for org, states in members.items():
        if org != actor_id and sum(s in opposite for s in states) * 2 > len(states):
            opposite.add(org)
    return opposite


def like_minded_coalition(
    G: nx.MultiDiGraph,
    actor_id: str,
    *,
    share: float = 0.8,
    max_size: int = 50,
    threshold: float = DEFAULT_THRESHOLD,
    partners: Iterable[str] = DEFAULT_TYPES,
    alignment_weight: float = 0.5,
    min_alignment: float | None = None,
    include_opposite: bool = False,
    unknown_alignment: float = UNKNOWN_ALIGNMENT,
    norms: Iterable[str] | None = None,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The smallest like-minded coalition (greedy) that closes ``share`` of the actor's open gap.

    Partners are added in :func:`like_minded_partners` order until ``closed_share`` reaches
    ``share`` (or ``max_size`` partners, or nobody closes anything more). Greedy set cover is
    within a factor ln(n) of the true smallest cover; on the small gaps of real actors it is
    usually the smallest. ``result.attrs["reached"]`` says whether ``share`` was reached, and
    ``result.attrs["gap_weight"]`` is the open gap's total weight.
    """
    if not 0 < share <= 1:
        raise AnalysisError(f"share must be in (0, 1], not {share!r}")
    return _greedy(
        G,
        actor_id,
        k=max_size,
        share=share,
        threshold=threshold,
        partners=partners,
        alignment_weight=alignment_weight,
        min_alignment=min_alignment,
        include_opposite=include_opposite,
        unknown_alignment=unknown_alignment,
        norms=norms,
        weights=weights,
    )


def capability_profile(G: nx.MultiDiGraph, *, kinds: Iterable[str] | None = ("state",)) -> pd.DataFrame:
    """How capable each actor is: the mean of its ``HAS_CAPABILITY`` levels over every capability
    of the graph (a capability it does not hold counts 0; no level counts 1).

    Returns
    -------
    pandas.DataFrame
        ``actor_id, capability, n_capabilities``: ``capability`` 0..1; ``n_capabilities`` how
        many it holds at any level; actors without any capability data are left out
        (unassessed, not incapable).

    Examples
    --------
    >>> p = capability_profile(gk.load(gk.SAMPLE)).set_index("actor_id")  # USA: (0.9 + 0.9 + 0.8) / 5
    >>> float(p.loc["USA", "capability"]), int(p.loc["USA", "n_capabilities"])
    (0.52, 3)
    """
    caps = [n for n, d in G.nodes(data=True) if d.get("label") == "Capability"]
    kinds = None if kinds is None else set(kinds)
    best: dict[str, dict[str, float]] = {}
    for u, v, d in G.edges(data=True):
        if d.get("type") != "HAS_CAPABILITY" or (kinds is not None and G.nodes[u].get("kind") not in kinds):
            continue
        level = float(d.get("level", 1.0))
        held = best.setdefault(u, {})
        held[v] = max(level, held.get(v, 0.0))
    rows = [
        (a, round(sum(held.values()) / len(caps), 6) if caps else 0.0, len(held))
        for a, held in sorted(best.items())
    ]
    return pd.DataFrame(rows, columns=["actor_id", "capability", "n_capabilities"])


# ---------------------------------------------------------------------------- helpers


def _greedy(
    G: nx.MultiDiGraph,
    actor_id: str,
    *,
    k: int,
    share: float | None,
    threshold: float,
    partners: Iterable[str],
    alignment_weight: float,
    min_alignment: float | None,
    include_opposite: bool,
    unknown_alignment: float,
    norms: Iterable[str] | None,
    weights: Mapping[str, float] | None,
) -> pd.DataFrame:
    cols = list(LIKE_MINDED_COLUMNS)
    if G.nodes.get(actor_id, {}).get("label") != "Actor":
        raise SchemaError(f"no actor with id {actor_id!r}; check the id in actors.csv")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise AnalysisError(f"k must be a positive integer, not {k!r}")
    if not 0 <= alignment_weight <= 1:
        raise AnalysisError(f"alignment_weight must be between 0 and 1, not {alignment_weight!r}")
    if min_alignment is not None and not 0 <= min_alignment <= 1:
        raise AnalysisError(f"min_alignment must be between 0 and 1, not {min_alignment!r}")
    partners = tuple(partners)
    gaps = capability_gaps(G, threshold=threshold, partners=partners)
    mine = gaps[(gaps["actor_id"] == actor_id) & ~gaps["pooled"] & gaps["capability_assessed"]]
    remaining = {c: int(w) for c, w in zip(mine["capability_id"], mine["weight"], strict=True)}
    total = sum(remaining.values())
    out = pd.DataFrame(columns=cols)
    out.attrs.update(reached=share is not None and total == 0, gap_weight=total)
    if not remaining:
        return out
    holders = _holders(G, set(remaining), threshold)
    excluded = _sponsors_against(G, actor_id) | {actor_id}
    agree, shared = _agreement_with(G, actor_id, norms, weights)
    camp_of, sponsor_of = _camps(G, norms, weights)
    own_sponsor = sponsor_of.get(actor_id)
    rows = []
    closed_total = 0
    candidates = {y: caps for y, caps in holders.items() if y not in excluded}
    for rank in range(1, k + 1):
        scored = []
        for y, caps in candidates.items():
            closes = [c for c in caps if c in remaining]
            if not closes:
                continue
            a = agree.get(y)
            opposite = own_sponsor is not None and sponsor_of.get(y) not in (None, own_sponsor)
            if opposite and not include_opposite:
                continue
            if min_alignment is not None and a is not None and a < min_alignment:
                continue
            w = sum(remaining[c] for c in closes)
            al = a if a is not None else unknown_alignment
            score = w * ((1 - alignment_weight) + alignment_weight * al)
            # best score, then more weight closed, then more aligned, then the first id
            scored.append((-round(score, 9), -w, -al, y, closes, a, opposite, score))
        if not scored:
            break
        *_, y, closes, a, opposite, score = min(scored, key=lambda t: t[:4])
        closes = sorted(closes, key=lambda c: (-remaining[c], c))
        w = sum(remaining.pop(c) for c in closes)
        closed_total += w
        d = G.nodes[y]
        names = ", ".join(G.nodes[c].get("name", c) for c in closes)
        like = (
            f"agrees with {actor_id} on {a:.0%} of {shared[y]} shared positions"
            if a is not None
            else "no shared position (alignment unknown)"
        )
        rows.append(
            {
                "rank": rank,
                "partner_id": y,
                "name": d.get("name", y),
                "kind": d.get("kind"),
                "closes": closes,
                "closed_weight": w,
                "remaining_weight": sum(remaining.values()),
                "closed_share": round(closed_total / total, 4),
                "alignment": round(a, 4) if a is not None else np.nan,
                "alignment_known": a is not None,
                "n_shared": shared.get(y, 0),
                "camp": camp_of.get(y),
                "opposite_camp": bool(opposite),
                "score": round(score, 4),
                "reason": f"closes {names} (weight {w}); {like}" + ("; OPPOSITE CAMP" if opposite else ""),
            }
        )
        del candidates[y]
        if share is not None and closed_total >= share * total - 1e-9:
            break
    out = pd.DataFrame(rows, columns=cols)
    out.attrs.update(reached=share is not None and closed_total >= share * total - 1e-9, gap_weight=total)
    return out


def _holders(G: nx.MultiDiGraph, caps: set[str], threshold: float) -> dict[str, set[str]]:
    """Actor -> the capabilities of ``caps`` it holds at ``threshold`` or above (no level: 1)."""
    out: dict[str, set[str]] = {}
    for u, v, d in G.edges(data=True):
        if d.get("type") == "HAS_CAPABILITY" and v in caps and float(d.get("level", 1.0)) >= threshold:
            out.setdefault(u, set()).add(v)
    return out


def _sponsors_against(G: nx.MultiDiGraph, actor_id: str) -> set[str]:
    """Actors named as suspected sponsor of a threat that targets ``actor_id``."""
    threats = {u for u, v, d in G.in_edges(actor_id, data=True) if d.get("type") == "TARGETS"}
    return {
        v
        for t in threats
        for _, v, d in G.out_edges(t, data=True)
        if d.get("type") == "ATTRIBUTED_TO" and d.get("basis") == "sponsor"
    }


def _agreement_with(
    G: nx.MultiDiGraph, actor_id: str, norms: Iterable[str] | None, weights: Mapping[str, float] | None
) -> tuple[dict[str, float], dict[str, int]]:
    pairs = alignment(G, norms=norms, weights=weights)
    mine = pairs[(pairs["actor_a"] == actor_id) | (pairs["actor_b"] == actor_id)]
    other = np.where(mine["actor_a"] == actor_id, mine["actor_b"], mine["actor_a"])
    agree = dict(zip(other.tolist(), mine["agreement"].tolist(), strict=True))
    shared = dict(zip(other.tolist(), mine["n_shared"].astype(int).tolist(), strict=True))
    return agree, shared


def _camps(
    G: nx.MultiDiGraph, norms: Iterable[str] | None, weights: Mapping[str, float] | None
) -> tuple[dict[str, str], dict[str, str]]:
    """Each state's camp name, and the sponsor its camp is named after (where it is)."""
    states = state_positions(G, norms=norms, weights=weights)
    sponsors = states.dropna(subset=["camp_sponsor"])
    return (
        dict(zip(states["actor_id"], states["camp_name"], strict=True)),
        dict(zip(sponsors["actor_id"], sponsors["camp_sponsor"], strict=True)),
    )
