"""How stable each finding is: the analysis repeated over perturbed estimates, ties, sources, horizons and weights.

A ranking is worth reporting only if it survives what the data does not pin down.
:func:`stability` repeats the analysis under six families of perturbation (``vary``),
each moving one thing and holding the rest at the reported analysis:

- ``estimates`` (``runs`` runs, one seeded random stream): every **estimated** value
  jittered — a relationship whose ``source`` starts with ``estimate`` (the dataset's
  convention, e.g. ``estimate: analyst judgement ...``) has its ``level`` moved by a
  uniform amount within ``±jitter`` (clipped to [0, 1]) and its ``weight`` multiplied by
  a uniform factor within ``1 ± jitter`` (kept positive); an actor whose ``source`` starts
  with ``estimate`` has its ``tie_weight`` multiplied alike; published values (e.g. ITU
  Global Cybersecurity Index levels) are not jittered —, the capability **threshold**
  moved within ``±threshold_band`` and another **cluster seed**;
- ``bootstrap`` (``runs`` runs): the active ``COOPERATES_WITH`` ties resampled with
  replacement (as many draws as ties; a tie never drawn is left out of that run, about
  37% of them; a tie drawn more than once counts once);
- ``sources`` (one run per family): every fact of one **source family** left out at a
  time (:func:`source_family`: a named publisher such as the MISP galaxy, ITU's Global
  Cybersecurity Index or the analyst estimates, else the web site of the first address
  in the ``source``, else its first clause); the :data:`SOURCE_FAMILIES` largest families;
- ``ties`` (one run per tie): one ``COOPERATES_WITH`` tie left out at a time — every tie
  when there are at most :data:`ALL_TIES_UP_TO`, else the ties of the actors whose
  top-ranked places moved in the bootstrap, those whose absence went with the largest
  move first (at most :data:`MAX_SINGLE_TIES`);
- ``dormancy`` (one run per horizon): the dormancy horizon set to each of
  :data:`DORMANCY_HORIZONS` years (a shorter and a longer horizon than the default 5)
  instead of the analysis's;
- ``instruments``: the instrument weights (:data:`graphkit.ties.INSTRUMENT_WEIGHTS`)
  replaced by a flat table (every instrument 1) and by :data:`INSTRUMENT_RUNS` tables
  whose every weight is multiplied by a uniform factor within ``1 ± INSTRUMENT_BAND``.

The unperturbed analysis is run 0. For every ranking the report shows (each ranked
centrality measure within each actor kind, and the own and coalition gaps of
``gap_summary``), :func:`stability` gives the reported rank, the 5th and 95th percentiles
of the rank over every run, and per family the width of its band (random families: the
5th–95th percentile band; the others: the whole range, since each of their runs is a
deliberate case). A band is **narrow** when its width is at most
``floor(NARROW_SHARE × rank)`` (0 for ranks 1–4, 1 for ranks 5–9, ...); a rank is
``stable`` only when its band is narrow under every family; ``driver`` names the family
with the widest band and ``rests_on`` the single tie (the actor's own first) or source whose
absence alone drops a fragile rank out of its narrow band ("one agreement: GBR–NGA 2024 (mou)"). For every pair of
actors sharing a cluster in at least one run, ``cocluster`` gives the share of runs in
which they do.

Examples
--------
>>> s = stability(gk.load(gk.SAMPLE), runs=5, seed=1)
>>> s.ranks.columns.tolist()[:7]
['measure', 'kind', 'actor_id', 'name', 'rank', 'rank_p05', 'rank_p95']
>>> row = s.ranks[(s.ranks.measure == "pagerank") & (s.ranks.actor_id == "USA")].iloc[0]
>>> int(row["rank"]), bool(row["stable"]), row["rests_on"]
(1, False, 'one source: UKUSA Agreement')
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.engine import ActorNetwork, check_types
from graphkit.analysis.options import AnalysisOptions
from graphkit.analysis.perturbations import (
    ALL_TIES_UP_TO,
    DORMANCY_HORIZONS,
    GAP_RANKINGS,
    INSTRUMENT_BAND,
    INSTRUMENT_RUNS,
    JITTER,
    MAX_SINGLE_TIES,
    SOURCE_FAMILIES,
    THRESHOLD_BAND,
    TOP_CHECKED,
    Run,
    Study,
    is_estimate,
    source_family,
    tie_label,
)
from graphkit.errors import AnalysisError
from graphkit.progress import Progress

__all__ = [
    "stability",
    "Stability",
    "STABILITY_COLUMNS",
    "COCLUSTER_COLUMNS",
    "GAP_RANKINGS",
    "FAMILIES",
    "JITTER",
    "THRESHOLD_BAND",
    "DORMANCY_HORIZONS",
    "INSTRUMENT_BAND",
    "INSTRUMENT_RUNS",
    "SOURCE_FAMILIES",
    "ALL_TIES_UP_TO",
    "MAX_SINGLE_TIES",
    "TOP_CHECKED",
    "NARROW_SHARE",
    "is_estimate",
    "narrow",
    "source_family",
    "tie_label",
]

FAMILIES = ("estimates", "bootstrap", "sources", "ties", "dormancy", "instruments")
"""The perturbation families of :func:`stability` (module docstring), in the order ``driver`` prefers."""
RANDOM_FAMILIES = ("estimates", "bootstrap")
"""The families whose runs are random draws (their band is the 5th-95th percentile one)."""
NARROW_SHARE = 0.2
"""A band is narrow when its width is at most ``floor(0.2 × rank)``."""

STABILITY_COLUMNS = (
    "measure", "kind", "actor_id", "name", "rank", "rank_p05", "rank_p95", "rank_median", "rank_min",
    "rank_max", "runs", "varies_with", "driver", "stable", "rests_on",
    *(f"width_{f}" for f in FAMILIES),
)  # fmt: skip
"""Columns of ``stability.csv`` (:attr:`Stability.ranks`)."""
COCLUSTER_COLUMNS = ("actor_a", "actor_b", "name_a", "name_b", "share", "runs")
"""Columns of ``cocluster.csv`` (:attr:`Stability.cocluster`)."""


@dataclass(frozen=True)
class Stability:
    """The rank bands and the co-cluster shares of :func:`stability`, and what was perturbed.

    ``ranks`` (:data:`STABILITY_COLUMNS`): one row per ranking and actor. ``measure`` is
    a centrality measure (ranked within ``kind``) or ``own_gap`` / ``coalition_gap``
    (ranked over every actor with needs: ``kind`` is ``all``; largest gap first).
    ``rank`` is the reported (unperturbed) rank; ``rank_p05`` / ``rank_p95`` the 5th and
    95th percentiles over every run (nearest ranks, widened to include the reported rank,
    which is run 0); ``width_<family>`` the width of the family's band (empty when the
    family made no run); ``stable`` whether every band is narrow (:func:`narrow`);
    ``driver`` the family with the widest band (``""`` when no rank moved);
    ``varies_with`` what moved the rank, in words; ``rests_on`` the one tie or source a
    fragile rank rests on, when its absence alone moves the rank out of its narrow band.

    ``cocluster`` (:data:`COCLUSTER_COLUMNS`): every pair of actors in the same cluster in
    at least one run, with the share of runs in which they were.
    """

    ranks: pd.DataFrame
    cocluster: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)


def stability(
    G: nx.MultiDiGraph,
    options: AnalysisOptions | None = None,
    *,
    runs: int = 20,
    jitter: float = JITTER,
    threshold_band: float = THRESHOLD_BAND,
    vary_seeds: bool = True,
    vary: Iterable[str] = FAMILIES,
    progress: Progress | None = None,
    baseline: dict[str, Any] | None = None,
    **keywords: Any,
) -> Stability:
    """Repeat the analysis over perturbed estimates, ties, sources, horizons and weights.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A canonical graphkit graph, every tie in it (dormant ones too: the dormancy runs
        move the horizon); it is cut to the options' ``as_of`` date. Each run jitters its
        estimates in place and restores them (also on error), so it is unchanged
        afterwards; do not read it from another thread meanwhile.
    options : AnalysisOptions, optional
        The analysis, as for :func:`graphkit.analysis.analyze` (single options may be
        given as keywords: ``seed=1``, ``threshold=0.6`` ...). Its ``seed`` seeds the
        perturbations, the reported clusters (run 0) and betweenness sampling; equal seeds
        give equal tables.
    runs : int
        Runs of each random family (``estimates``, ``bootstrap``).
    jitter : float
        Band of the estimated values (module docstring).
    threshold_band : float
        Band of the capability threshold.
    vary_seeds : bool
        Draw another cluster seed for every ``estimates`` run (``False``: every run uses ``seed``).
    vary : iterable of str
        The families to run (:data:`FAMILIES`; default all).
    progress : Progress, optional
        A bar over the runs (quiet when omitted).
    baseline : dict, optional
        The unperturbed results when already computed (``net``, ``centrality``,
        ``membership``, ``gap_summary``), as :func:`graphkit.analysis.analyze` hands them.

    Returns
    -------
    Stability

    Examples
    --------
    With no estimated value, the threshold and seed held and only the estimates varied,
    every run is the reported one:

    >>> s = stability(gk.load(gk.SAMPLE), runs=3, jitter=0, threshold_band=0, vary_seeds=False, vary=["estimates"])
    >>> bool((s.ranks.rank_p05 == s.ranks.rank_p95).all()), sorted(set(s.cocluster.share))
    (True, [1.0])
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 0:
        raise AnalysisError(f"the number of perturbed runs must be a whole number >= 0, not {runs!r}")
    for name, value in (("jitter", jitter), ("threshold_band", threshold_band)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise AnalysisError(f"{name} must be a number from 0 to 1, not {value!r}")
    vary = tuple(dict.fromkeys([vary] if isinstance(vary, str) else vary))
    unknown = [f for f in vary if f not in FAMILIES]
    if unknown:
        raise AnalysisError(
            f"unknown stability family {', '.join(map(repr, unknown))}; use some of {', '.join(FAMILIES)}"
        )
    progress = progress or Progress(quiet=True)
    opts = AnalysisOptions.of(options, **keywords)
    opts = opts.replace(types=check_types(opts.types))
    study = Study(G, opts, baseline)
    rng = random.Random(opts.seed)
    planned = {
        "estimates": runs if "estimates" in vary else 0,
        "bootstrap": runs if "bootstrap" in vary and study.coop else 0,
        "sources": len(study.families[:SOURCE_FAMILIES]) if "sources" in vary else 0,
        "dormancy": len(study.horizons()) if "dormancy" in vary else 0,
        "instruments": (1 + INSTRUMENT_RUNS) if "instruments" in vary and study.coop else 0,
    }
    study.total = sum(planned.values()) + (min(len(study.coop), MAX_SINGLE_TIES) if "ties" in vary else 0)
    if planned["estimates"]:
        study.estimate_runs(rng, runs, jitter, threshold_band, vary_seeds, progress)
    if planned["bootstrap"]:
        study.bootstrap_runs(rng, runs, progress)
    if planned["sources"]:
        study.source_runs(progress)
    if planned["dormancy"]:
        study.dormancy_runs(progress)
    if planned["instruments"]:
        study.instrument_runs(rng, progress)
    if "ties" in vary and study.coop:
        study.tie_runs(progress)
    ranks = _bands(study, jitter)
    info = {
        "runs": runs,
        "seed": opts.seed,
        "jitter": jitter,
        "threshold_band": threshold_band,
        "vary_seeds": vary_seeds,
        "families": {f: sum(1 for r in study.runs if r.family == f) for f in FAMILIES if f in vary},
        "total_runs": len(study.runs),
        "cooperation_ties": len(study.coop),
        "sources_left_out": [r.label for r in study.runs if r.family == "sources"],
        "ties_left_out": [r.label for r in study.runs if r.family == "ties"],
        "dormancy_horizons": [r.label for r in study.runs if r.family == "dormancy"],
        "narrow_share": NARROW_SHARE,
        "estimated": {
            "levels": study.estimates.levels,
            "weights": study.estimates.weights,
            "tie_weights": study.estimates.tie_weights,
        },
    }
    return Stability(
        ranks=ranks[list(STABILITY_COLUMNS)],
        cocluster=_cocluster([r.membership for r in study.runs if r.membership is not None], study.net),
        info=info,
    )


def narrow(rank: float, width: float) -> bool:
    """Whether a band of ``width`` ranks around ``rank`` is narrow: ``width <= floor(NARROW_SHARE × rank)``.

    >>> narrow(1, 0), narrow(1, 1), narrow(5, 1), narrow(12, 2), narrow(12, 3)
    (True, False, True, True, False)
    """
    return width <= math.floor(NARROW_SHARE * rank + 1e-9)


# ---- the bands --------------------------------------------------------------------------


def _bands(self: Study, jitter: float) -> pd.DataFrame:
    """The rank bands of every ranking and actor over a study's runs (:data:`STABILITY_COLUMNS`)."""
    run0 = self.runs[0]
    rows = []
    estimate_runs = [i for i, r in enumerate(self.runs) if r.family == "estimates"]
    shifts = np.array([self.runs[i].shift for i in [0, *estimate_runs]])
    weights_moved = "estimated tie weights" if self.estimates.weights or self.estimates.tie_weights else ""
    levels_moved = "estimated capability levels" if self.estimates.levels and jitter else ""
    families = [r.family for r in self.runs]
    for part, table in (("cent", self.cent_table), ("gaps", self.gap_table)):
        keys = list(getattr(run0, part))
        if not keys:
            continue
        R = np.array([[getattr(r, part).get(k, np.nan) for k in keys] for r in self.runs], dtype=float)
        id_col = "id" if "id" in table else "actor_id"
        names = dict(zip(table[id_col], table["name"], strict=False)) if len(table) else {}
        for j, (measure, kind, actor) in enumerate(keys):
            col = R[:, j]
            rank = col[0]
            seen = col[~np.isnan(col)]
            if np.isnan(rank) or not seen.size:
                continue
            row = _band_row(col, families, self.runs, actor)
            cause = ""
            if row["driver"] == "estimates":
                if part == "cent":
                    cause = weights_moved or "the cluster seeds and the engine's sampling"
                else:
                    ys = col[[0, *estimate_runs]]
                    cause = _gap_cause(shifts, ys, levels_moved)
            elif row["driver"]:
                cause = row.pop("_cause")
            row.pop("_cause", None)
            rows.append(
                {
                    "measure": measure,
                    "kind": kind,
                    "actor_id": actor,
                    "name": names.get(actor, actor),
                    **row,
                    "varies_with": cause,
                }
            )
    return pd.DataFrame(rows, columns=list(STABILITY_COLUMNS)).astype(
        {f"width_{f}": "Int64" for f in FAMILIES}
    )


def _band_row(col: np.ndarray, families: list[str], runs: list[Run], actor: Any) -> dict[str, Any]:
    """The bands of one ranking and actor: overall percentiles, each family's width, the verdict."""
    rank = float(col[0])
    seen = col[~np.isnan(col)]
    lo = float(np.quantile(seen, 0.05, method="lower"))
    hi = float(np.quantile(seen, 0.95, method="higher"))
    out: dict[str, Any] = {
        "rank": int(rank),
        "rank_p05": int(min(lo, rank)),
        "rank_p95": int(max(hi, rank)),
        "rank_median": float(np.median(seen)),
        "rank_min": int(seen.min()),
        "rank_max": int(seen.max()),
        "runs": int(seen.size),
    }
    allowance = math.floor(NARROW_SHARE * rank + 1e-9)
    widths: dict[str, float] = {}
    for fam in FAMILIES:
        idx = [i for i, f in enumerate(families) if f == fam]
        if not idx:
            out[f"width_{fam}"] = pd.NA
            continue
        vals = col[[0, *idx]]
        vals = vals[~np.isnan(vals)]
        if fam in RANDOM_FAMILIES:
            a = min(float(np.quantile(vals, 0.05, method="lower")), rank)
            b = max(float(np.quantile(vals, 0.95, method="higher")), rank)
        else:
            a, b = float(vals.min()), float(vals.max())
        widths[fam] = b - a
        out[f"width_{fam}"] = int(b - a)
    out["stable"] = all(w <= allowance for w in widths.values())
    moved = {f: w for f, w in widths.items() if w > 0}
    driver = max(moved, key=lambda f: (moved[f], -FAMILIES.index(f))) if moved else ""
    out["driver"] = driver
    out["_cause"] = _cause(driver, col, families, runs, actor) if driver else ""
    out["rests_on"] = "" if out["stable"] else _rests_on(col, families, runs, allowance, actor)
    return out


def _biggest_move(
    col: np.ndarray,
    families: list[str],
    family: str,
    runs: list[Run] | None = None,
    actor: Any = None,
    *,
    worse: bool = False,
) -> int | None:
    """The run of ``family`` that moved the rank furthest from the reported one (None: none moved);
    with ``actor``, only the runs that left out one of the actor's own ties; ``worse``: only
    moves down the ranking (a larger rank number)."""
    best, far = None, 0.0
    for i, f in enumerate(families):
        if f != family or col[i] != col[i]:
            continue
        move = col[i] - col[0] if worse else abs(col[i] - col[0])
        if move <= far:
            continue
        if (
            actor is not None
            and runs is not None
            and (runs[i].tie is None or actor not in (runs[i].tie or ()))
        ):
            continue
        best, far = i, move
    return best


def _tie_run(
    col: np.ndarray,
    families: list[str],
    runs: list[Run],
    actor: Any,
    allowance: float,
    *,
    worse: bool = False,
) -> int | None:
    """The single-tie run that moved the rank most: one of the actor's own ties first (a tie it rests
    on), else any tie when none of its own moves the rank out of its narrow band."""
    own = _biggest_move(col, families, "ties", runs, actor, worse=worse)
    if own is not None and abs(col[own] - col[0]) > allowance:
        return own
    return _biggest_move(col, families, "ties", worse=worse)


def _cause(driver: str, col: np.ndarray, families: list[str], runs: list[Run], actor: Any) -> str:
    """What moved a rank, in words, for a family other than the estimates."""
    if driver == "bootstrap":
        return "resampled cooperation ties"
    allowance = math.floor(NARROW_SHARE * col[0] + 1e-9)
    i = (
        _tie_run(col, families, runs, actor, allowance)
        if driver == "ties"
        else _biggest_move(col, families, driver)
    )
    label = runs[i].label if i is not None else ""
    if driver == "sources":
        return f"leaving out one source: {label}"
    if driver == "ties":
        return f"leaving out one agreement: {label}"
    if driver == "dormancy":
        return f"the dormancy horizon ({label} years)"
    if driver == "instruments":
        return f"the instrument weights ({label} table)"
    return driver


def _rests_on(col: np.ndarray, families: list[str], runs: list[Run], allowance: int, actor: Any) -> str:
    """The one tie (the actor's own first; else the one source) whose absence alone drops the rank
    out of its narrow band (a rank that only rises without a tie does not rest on it)."""
    i = _tie_run(col, families, runs, actor, allowance, worse=True)
    if i is not None and col[i] - col[0] > allowance:
        return f"one agreement: {runs[i].label}"
    i = _biggest_move(col, families, "sources", worse=True)
    if i is not None and col[i] - col[0] > allowance:
        return f"one source: {runs[i].label}"
    return ""


def _gap_cause(shifts: np.ndarray, ranks: np.ndarray, levels: str) -> str:
    """What moved a gap rank in the estimates runs: the threshold when the rank follows its shift,
    else the estimated levels."""
    ok = ~np.isnan(ranks)
    x, y = shifts[ok], ranks[ok]
    follows = x.size > 1 and x.std() > 0 and y.std() > 0 and abs(float(np.corrcoef(x, y)[0, 1])) >= 0.5
    if follows or not levels:
        return "the capability threshold"
    return levels


def _cocluster(memberships: list[np.ndarray], net: ActorNetwork) -> pd.DataFrame:
    """Pairs of actors sharing a cluster in at least one run, and the share of runs they do."""
    n = net.n
    keys = []
    for m in memberships:
        order = np.argsort(m, kind="stable")
        sorted_m = m[order]
        starts = np.flatnonzero(np.r_[True, sorted_m[1:] != sorted_m[:-1]])
        ends = np.r_[starts[1:], sorted_m.size]
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            if b - a < 2:
                continue
            group = np.sort(order[a:b])
            i, j = np.triu_indices(b - a, 1)
            keys.append(group[i].astype(np.int64) * n + group[j])
    if not keys:
        return pd.DataFrame(columns=list(COCLUSTER_COLUMNS))
    pairs, counts = np.unique(np.concatenate(keys), return_counts=True)
    first, second = pairs // n, pairs % n
    total = len(memberships)
    out = pd.DataFrame(
        {
            "actor_a": [net.ids[i] for i in first.tolist()],
            "actor_b": [net.ids[i] for i in second.tolist()],
            "name_a": [net.names[i] for i in first.tolist()],
            "name_b": [net.names[i] for i in second.tolist()],
            "share": counts / total,
            "runs": total,
        }
    )
    return out.sort_values(
        ["share", "actor_a", "actor_b"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
