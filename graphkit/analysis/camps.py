"""Camps of like-minded states: clusters on alignment, their names, cohesion, swing states and shifts.

Definitions are in :mod:`graphkit.analysis.alignment` (and docs/alignment.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit import schema
from graphkit.analysis.alignment import (
    DEFAULT_ORIENT,
    agreement_matrix,
    alignment_axis,
    norm_weights,
    pairwise_agreement,
    position_table,
    unga_position_table,
)
from graphkit.errors import AnalysisError

__all__ = [
    "average_linkage",
    "SWING_MARGIN",
    "MIN_SHIFT",
    "DEFAULT_CAMPS",
    "STATE_POSITION_COLUMNS",
    "CAMP_COLUMNS",
    "SHIFT_COLUMNS",
    "DEFAULT_PERIODS",
    "alignment_camps",
    "state_positions",
    "camp_summary",
    "position_shifts",
    "Alignment",
    "analyze_alignment",
]

DEFAULT_CAMPS = 3
"""How many camps by default: on the 2018-2019 cyber votes, the United States' side, Russia's
side and the states that voted for both sides' texts."""

MIN_SHIFT = 0.25
"""A camp change counts as a move only with an axis shift of at least this (the axis runs −1..1)."""

SWING_MARGIN = 0.1
"""A state whose own-camp agreement beats its nearest other camp by less than this is a swing state."""

STATE_POSITION_COLUMNS = (
    "actor_id",
    "name",
    "region",
    "axis",
    "camp",
    "camp_name",
    "camp_sponsor",
    "own_camp_agreement",
    "nearest_other_camp",
    "other_camp_agreement",
    "margin",
    "swing",
    "n_positions",
)
CAMP_COLUMNS = ("camp", "camp_name", "size", "main_region", "cohesion", "members", "swing_states")
SHIFT_COLUMNS = ("actor_id", "axis_first", "axis_second", "shift", "camp_first", "camp_second", "moved")


def alignment_camps(
    pairs: pd.DataFrame, *, k: int = DEFAULT_CAMPS, actors: Iterable[str] | None = None
) -> pd.DataFrame:
    """Camps: average-linkage clusters on 1 − agreement, cut into ``k`` (deterministic).

    Returns
    -------
    pandas.DataFrame
        ``actor_id, camp`` (camps numbered 1.. by size, largest first; ties by first id).

    Examples
    --------
    >>> pairs = pd.DataFrame({"actor_a": ["A", "A", "B"], "actor_b": ["B", "C", "C"],
    ...                       "agreement": [0.9, 0.1, 0.2]})
    >>> alignment_camps(pairs, k=2).values.tolist()
    [['A', 1], ['B', 1], ['C', 2]]
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise AnalysisError(f"k (the number of camps) must be a positive integer, not {k!r}")
    ids = sorted(set(pairs["actor_a"]) | set(pairs["actor_b"]) | set(actors or ()))
    cols = ["actor_id", "camp"]
    if len(ids) < 2:
        return pd.DataFrame({"actor_id": ids, "camp": [1] * len(ids)}, columns=cols)
    A = agreement_matrix(pairs, ids)
    D = 1.0 - np.where(np.isnan(A), 0.5, A)  # a pair with nothing shared is neither near nor far
    np.fill_diagonal(D, 0.0)
    labels = average_linkage(D, min(k, len(ids)))
    labels = _settle(A, labels)
    sizes = Counter(labels.tolist())
    first: dict[int, int] = {}
    for i, lab in enumerate(labels.tolist()):
        first.setdefault(lab, i)
    order = sorted(sizes, key=lambda lab: (-sizes[lab], first[lab]))
    renumber = {lab: n for n, lab in enumerate(order, start=1)}
    return pd.DataFrame({"actor_id": ids, "camp": [renumber[lab] for lab in labels.tolist()]}, columns=cols)


def average_linkage(D: np.ndarray, k: int) -> np.ndarray:
    """Average-linkage (UPGMA) clusters of the distance matrix ``D``, cut into at most ``k``:
    a label 1.. per row.

    The merges follow the nearest-neighbour chain (Murtagh 1983), taking ties as scipy does
    (``scipy.cluster.hierarchy.linkage(method="average")``: the chain's previous element
    first, then the lowest index), and the cut is ``fcluster(criterion="maxclust")``'s: every
    merge up to the lowest height that leaves at most ``k`` clusters. So the partition equals
    scipy's, without scipy in the default install.

    >>> D = np.array([[0, .1, .9, .8], [.1, 0, .7, .9], [.9, .7, 0, .2], [.8, .9, .2, 0]])
    >>> average_linkage(D, 2).tolist()
    [1, 1, 2, 2]
    """
    n = D.shape[0]
    if n < 2:
        return np.ones(n, dtype=np.int64)
    dist = np.array(D, dtype=float)
    size = np.ones(n)
    merges: list[tuple[int, int, float]] = []
    chain: list[int] = []
    for _ in range(n - 1):
        if not chain:
            chain.append(int(np.flatnonzero(size > 0)[0]))
        while True:
            x = chain[-1]
            row = np.where(size > 0, dist[x], np.inf)
            row[x] = np.inf
            best = float(row.min())
            if len(chain) > 1 and dist[x, chain[-2]] <= best:
                y, best = chain[-2], float(dist[x, chain[-2]])
                break
            y = int(np.argmin(row))
            chain.append(y)
        chain = chain[:-2]
        x, y = min(x, y), max(x, y)
        nx_, ny_ = size[x], size[y]
        merges.append((x, y, best))
        size[x] = 0.0  # x joins y
        size[y] = nx_ + ny_
        alive = size > 0
        alive[y] = False
        dist[alive, y] = dist[y, alive] = (nx_ * dist[x, alive] + ny_ * dist[y, alive]) / (nx_ + ny_)
    # the cut: the lowest height whose merges leave at most k clusters (heights sorted stably)
    heights = sorted(h for _, _, h in merges)
    cut = next(h for h in heights if n - sum(1 for g in heights if g <= h) <= k) if k < n else -np.inf
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for x, y, h in merges:
        if h <= cut:
            parent[find(x)] = find(y)
    roots = sorted({find(i) for i in range(n)}, key=lambda r: min(i for i in range(n) if find(i) == r))
    return np.array([roots.index(find(i)) + 1 for i in range(n)], dtype=np.int64)


def state_positions(
    G: nx.MultiDiGraph,
    *,
    positions: pd.DataFrame | None = None,
    norms: Iterable[str] | None = None,
    weights: Mapping[str, float] | None = None,
    k: int = DEFAULT_CAMPS,
    orient: str | None = DEFAULT_ORIENT,
    swing_margin: float = SWING_MARGIN,
    min_participation: float = 0.5,
) -> pd.DataFrame:
    """Per state: its axis score, camp, camp name, how firmly it sits there (swing states).

    ``positions`` (a :func:`position_table` or :func:`unga_position_table`) defaults to the
    graph's own positions (on ``norms``).

    Returns
    -------
    pandas.DataFrame
        ``actor_id, name, region, axis, camp, camp_name, own_camp_agreement,
        nearest_other_camp, other_camp_agreement, margin, swing, n_positions``, sorted by axis.
    """
    if positions is None:
        positions = position_table(G, norms=norms)
    weights = norm_weights(G, weights)
    pairs = pairwise_agreement(positions, weights=weights)
    axis = alignment_axis(positions, orient=orient, min_participation=min_participation)
    cols = list(STATE_POSITION_COLUMNS)
    if axis.empty:
        return pd.DataFrame(columns=cols)
    kept = axis["actor_id"].tolist()
    pairs = pairs[pairs["actor_a"].isin(kept) & pairs["actor_b"].isin(kept)]
    camps = alignment_camps(pairs, k=k, actors=kept)
    camp_of = dict(zip(camps["actor_id"], camps["camp"], strict=True))
    names, sponsor_of = _camp_names(G, positions, pairs, camp_of)
    ids = sorted(kept)
    A = agreement_matrix(pairs, ids)
    camp_arr = np.array([camp_of[a] for a in ids])
    rows = []
    for i, a in enumerate(ids):
        means = {}
        for c in sorted(set(camp_arr.tolist())):
            members = (camp_arr == c) & (np.arange(len(ids)) != i)
            vals = A[i, members]
            vals = vals[~np.isnan(vals)]
            means[c] = float(vals.mean()) if vals.size else np.nan
        own = means.get(camp_of[a], np.nan)
        others = {c: v for c, v in means.items() if c != camp_of[a] and not np.isnan(v)}
        near = max(others, key=lambda c: (others[c], -c)) if others else None
        other = others[near] if near is not None else np.nan
        margin = own - other if near is not None else np.nan
        d = G.nodes[a] if a in G else {}
        rows.append(
            {
                "actor_id": a,
                "name": d.get("name", a),
                "region": d.get("region"),
                "camp": camp_of[a],
                "camp_name": names[camp_of[a]],
                "camp_sponsor": sponsor_of.get(camp_of[a]),
                "own_camp_agreement": round(own, 4) if not np.isnan(own) else np.nan,
                "nearest_other_camp": names[near] if near is not None else None,
                "other_camp_agreement": round(other, 4) if near is not None else np.nan,
                "margin": round(margin, 4) if near is not None else np.nan,
                "swing": bool(near is not None and margin < swing_margin),
            }
        )
    out = axis.merge(pd.DataFrame(rows), on="actor_id", how="left")
    return out[cols].sort_values(["axis", "actor_id"], kind="stable").reset_index(drop=True)


def camp_summary(pairs: pd.DataFrame, states: pd.DataFrame) -> pd.DataFrame:
    """Per camp: name, size, most common region, cohesion (mean agreement inside it), members
    and swing states.

    ``pairs`` is a :func:`pairwise_agreement` table, ``states`` a :func:`state_positions` table.
    """
    rows = []
    for camp, group in states.groupby("camp", sort=True):
        members = sorted(group["actor_id"])
        inside = pairs[pairs["actor_a"].isin(members) & pairs["actor_b"].isin(members)]
        rows.append(
            {
                "camp": int(camp),
                "camp_name": group["camp_name"].iloc[0],
                "size": len(members),
                "main_region": _main_region(group["region"]),
                "cohesion": round(float(inside["agreement"].mean()), 4) if len(inside) else np.nan,
                "members": members,
                "swing_states": sorted(group.loc[group["swing"], "actor_id"]),
            }
        )
    return pd.DataFrame(rows, columns=list(CAMP_COLUMNS))


def position_shifts(
    first: pd.DataFrame, second: pd.DataFrame, *, min_shift: float = MIN_SHIFT
) -> pd.DataFrame:
    """Who moved between two periods: axis and camp in each (two :func:`state_positions` tables).

    ``moved`` is True when the camp name changed *and* the axis moved by at least
    ``min_shift`` (a state near a camp boundary that changes label without moving has not
    moved); rows sorted by the size of the shift (largest first).
    """
    a = first[["actor_id", "axis", "camp_name"]].rename(
        columns={"axis": "axis_first", "camp_name": "camp_first"}
    )
    b = second[["actor_id", "axis", "camp_name"]].rename(
        columns={"axis": "axis_second", "camp_name": "camp_second"}
    )
    out = a.merge(b, on="actor_id", how="inner")
    out["shift"] = (out["axis_second"] - out["axis_first"]).round(6)
    changed = out["camp_first"] != out["camp_second"]
    out["moved"] = changed & (out["shift"].abs() >= min_shift)
    out = out.assign(_s=out["shift"].abs()).sort_values(
        ["_s", "actor_id"], ascending=[False, True], kind="stable"
    )
    return out[list(SHIFT_COLUMNS)].reset_index(drop=True)


DEFAULT_PERIODS: tuple[tuple[int, int], ...] = ((69, 71), (72, 74))
"""General Assembly sessions compared for shifts: 2014-2016 and 2017-2019 (the latest in the data)."""


@dataclass(frozen=True)
class Alignment:
    """Everything :func:`analyze_alignment` computes; tables as documented in each function.

    ``pairs``, ``states``, ``camps``: on the graph's norms (the cyber resolutions);
    ``general_pairs``, ``general_states``, ``general_camps``: on all General Assembly votes of
    the latest period (None without vote data); ``shifts``: who moved between the first and the
    last period of general votes (empty without them; ``periods`` names the two);
    ``norm_shifts``: who moved between the first and the last year of the norms (``norm_years``).
    """

    pairs: pd.DataFrame
    states: pd.DataFrame
    camps: pd.DataFrame
    general_pairs: pd.DataFrame | None
    general_states: pd.DataFrame | None
    general_camps: pd.DataFrame | None
    shifts: pd.DataFrame
    periods: tuple[str, str] | None
    norm_shifts: pd.DataFrame
    norm_years: tuple[str, str] | None


def analyze_alignment(
    G: nx.MultiDiGraph,
    *,
    votes: pd.DataFrame | None = None,
    periods: tuple[tuple[int, int], ...] = DEFAULT_PERIODS,
    norms: Iterable[str] | None = None,
    weights: Mapping[str, float] | None = None,
    k: int = DEFAULT_CAMPS,
    orient: str | None = DEFAULT_ORIENT,
    swing_margin: float = SWING_MARGIN,
) -> Alignment:
    """Alignment on the graph's norms and, given ``votes``, on all General Assembly votes.

    ``votes`` is :func:`graphkit.loaders.unga.read_unga_votes`'s table; ``periods`` are
    ``(first_session, last_session)`` pairs, the last one the "recent period".
    """
    opts: dict[str, Any] = {"k": k, "orient": orient, "swing_margin": swing_margin}
    positions = position_table(G, norms=norms)
    w = norm_weights(G, weights)
    pairs = pairwise_agreement(positions, weights=w)
    states = state_positions(G, positions=positions, weights=w, **opts)
    camps = camp_summary(pairs, states)
    general = (None, None, None)
    shifts = pd.DataFrame(columns=list(SHIFT_COLUMNS))
    labels = None
    if votes is not None and len(periods):
        tables = []
        for first, last in periods:
            v = votes[(votes["session"] >= first) & (votes["session"] <= last)]
            p = unga_position_table(G, v)
            tables.append((p, state_positions(G, positions=p, **opts)))
        p, st = tables[-1]
        gp = pairwise_agreement(p)
        general = (gp, st, camp_summary(gp, st))
        if len(tables) > 1:
            shifts = position_shifts(tables[0][1], tables[-1][1])
            labels = (_period_label(votes, *periods[0]), _period_label(votes, *periods[-1]))
    norm_shifts = pd.DataFrame(columns=list(SHIFT_COLUMNS))
    norm_years = None
    votes_only = positions[positions["stance"].isin(schema.VOTE_STANCES)]  # moves are seen in votes
    if not votes_only.empty:
        positions = votes_only
        years = pd.to_datetime(positions["date"].astype(str), errors="coerce").dt.year
        if years.nunique() > 1:
            y0, y1 = int(years.min()), int(years.max())
            a = state_positions(G, positions=positions[years == y0], weights=w, **opts)
            b = state_positions(G, positions=positions[years == y1], weights=w, **opts)
            norm_shifts = position_shifts(a, b)
            norm_years = (str(y0), str(y1))
    return Alignment(pairs, states, camps, *general, shifts, labels, norm_shifts, norm_years)


def _period_label(votes: pd.DataFrame, first: int, last: int) -> str:
    years = pd.to_datetime(
        votes.loc[(votes["session"] >= first) & (votes["session"] <= last), "date"], errors="coerce"
    ).dt.year
    span = f"{int(years.min())}-{int(years.max())}" if years.notna().any() else "no votes"
    return f"sessions {first}-{last} ({span})"


# ---------------------------------------------------------------------------- helpers


def _main_region(regions: pd.Series) -> str:
    counts = Counter(r if isinstance(r, str) and r else "unknown region" for r in regions)
    return min(counts, key=lambda r: (-counts[r], r)) if counts else "unknown region"


def _settle(A: np.ndarray, labels: np.ndarray, rounds: int = 50) -> np.ndarray:
    """Move each state to the camp it agrees with most on average (the linkage can leave a state
    in a camp it agrees with less), repeated until nobody moves; ties keep the current camp."""
    labels = labels.copy()
    n = len(labels)
    for _ in range(rounds):
        moved = False
        camps = sorted(set(labels.tolist()))
        for i in range(n):
            best, best_mean = labels[i], -np.inf
            means = {}
            for c in camps:
                members = (labels == c) & (np.arange(n) != i)
                vals = A[i, members]
                vals = vals[~np.isnan(vals)]
                means[c] = float(vals.mean()) if vals.size else -np.inf
            best, best_mean = labels[i], means[labels[i]]
            for c in camps:
                if means[c] > best_mean + 1e-12:
                    best, best_mean = c, means[c]
            if best != labels[i] and (labels == labels[i]).sum() > 1:
                labels[i] = best
                moved = True
        if not moved:
            break
    return labels


def _camp_names(
    G: nx.MultiDiGraph,
    positions: pd.DataFrame,
    pairs: pd.DataFrame,
    camp_of: dict[str, int],
) -> tuple[dict[int, str], dict[int, str]]:
    """Each camp's name ("with <sponsor>" for the sponsor its members agree with most, else
    "between" the sponsors' camps, or "camp N (mostly <region>)" when no norm has a sponsor)
    and, for camps named after one, the sponsor's id."""

    def sponsors_of(norm_ids: Iterable[str]) -> list[str]:
        return sorted(
            {s for n in norm_ids for s in (G.nodes[n].get("sponsors") or [] if n in G else []) if s in G}
        )

    # the sponsors of the norms voted on (votes outside the graph, a general period, have none:
    # their camps are named by region, since agreeing with a sponsor on everything is no stance on its text)
    sponsors = sponsors_of(set(positions["norm_id"]))
    camps = sorted(set(camp_of.values()))
    names: dict[int, str] = {}
    sponsor_of: dict[int, str] = {}
    taken: set[str] = set()
    # the camps that agree most with a sponsor take its name first
    scores = []
    for c in camps:
        members = [a for a, x in camp_of.items() if x == c]
        for s in sponsors:
            sel = pairs[
                ((pairs["actor_a"] == s) & pairs["actor_b"].isin(members))
                | ((pairs["actor_b"] == s) & pairs["actor_a"].isin(members))
            ]
            if s in members or len(sel):
                mean = 1.0 if s in members and not len(sel) else float(sel["agreement"].mean())
                scores.append((s in members, mean, c, s))
    for _, _, c, s in sorted(scores, key=lambda t: (not t[0], -t[1], t[2], t[3])):
        if c not in names and s not in taken:
            names[c] = f"with {G.nodes[s].get('name', s)}"
            sponsor_of[c] = s
            taken.add(s)
    for c in camps:
        if c not in names:
            regions = Counter(
                G.nodes[a].get("region") or "unknown region" for a, x in camp_of.items() if x == c and a in G
            )
            region = min(regions, key=lambda r: (-regions[r], r)) if regions else "unknown region"
            name = "between" if sponsors else f"camp {c} (mostly {region})"
            names[c] = name if name not in names.values() else f"{name} {c}"
    return names, sponsor_of
