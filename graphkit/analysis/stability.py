"""How stable each finding is: the analysis repeated over perturbed estimates, thresholds and seeds.

A ranking is worth reporting only if it survives what the data does not pin down.
:func:`stability` repeats the analysis ``runs`` times, each run drawing (from one seeded
random stream):

- every **estimated** value jittered: a relationship whose ``source`` starts with
  ``estimate`` (the dataset's convention, e.g. ``estimate: analyst judgement ...``) has its
  ``level`` moved by a uniform amount within ``±jitter`` (clipped to [0, 1]) and its
  ``weight`` multiplied by a uniform factor within ``1 ± jitter`` (kept positive); an
  actor whose ``source`` starts with ``estimate`` has its ``tie_weight`` multiplied alike.
  Published values (e.g. ITU Global Cybersecurity Index levels) are not jittered;
- the capability **threshold** moved by a uniform amount within ``±threshold_band``
  (clipped to [0, 1]), which is how published levels near the threshold are tested;
- another **cluster seed**.

The unperturbed analysis is run 0, so a table over ``runs`` perturbed runs describes
``runs + 1`` analyses. For every ranking the report shows (each ranked centrality
measure within each actor kind, and the own and coalition gaps of ``gap_summary``),
:func:`stability` gives the reported rank and the 5th and 95th percentiles of the rank
over the runs; and for every pair of actors that share a cluster in at least one run,
the share of runs in which they do.

Examples
--------
>>> s = stability(gk.load(gk.SAMPLE), runs=5, seed=1)
>>> s.ranks.columns.tolist()[:7]
['measure', 'kind', 'actor_id', 'name', 'rank', 'rank_p05', 'rank_p95']
>>> row = s.ranks[(s.ranks.measure == "pagerank") & (s.ranks.actor_id == "USA")].iloc[0]
>>> int(row["rank"]), int(row["rank_p05"]), int(row["rank_p95"])
(1, 1, 1)
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.centrality import centrality_table, rank_column
from graphkit.analysis.clusters import cluster_membership
from graphkit.analysis.engine import ActorNetwork, actor_network, check_types
from graphkit.analysis.gaps import gap_summary
from graphkit.analysis.measures import RANKED_MEASURES
from graphkit.analysis.options import AnalysisOptions
from graphkit.errors import AnalysisError
from graphkit.progress import Progress

__all__ = [
    "stability",
    "Stability",
    "STABILITY_COLUMNS",
    "COCLUSTER_COLUMNS",
    "GAP_RANKINGS",
    "JITTER",
    "THRESHOLD_BAND",
    "is_estimate",
]

JITTER = 0.1
"""Estimated levels move within ±0.1 (clipped to [0, 1]); estimated weights within ×(1 ± 0.1)."""
THRESHOLD_BAND = 0.05
"""The capability threshold moves within ±0.05 (clipped to [0, 1])."""
GAP_RANKINGS = ("own_gap", "coalition_gap")
"""Columns of ``gap_summary`` whose rankings (largest gap first) are checked."""

STABILITY_COLUMNS = (
    "measure", "kind", "actor_id", "name", "rank", "rank_p05", "rank_p95", "rank_median", "rank_min",
    "rank_max", "runs", "varies_with",
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
    95th percentiles over the ``runs`` analyses (nearest ranks, widened to include the
    reported rank, which is run 0); ``varies_with`` says what moved the rank when it moved
    (``""`` when it never did).

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
    progress: Progress | None = None,
    baseline: dict[str, Any] | None = None,
    **keywords: Any,
) -> Stability:
    """Repeat the analysis ``runs`` times over perturbed estimates, threshold and cluster seeds.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A canonical graphkit graph. Each run jitters its estimates in place and restores
        them (also on error), so it is unchanged afterwards; do not read it from another
        thread meanwhile.
    runs : int
        Perturbed runs (the unperturbed analysis is added as run 0).
    options : AnalysisOptions, optional
        The analysis, as for :func:`graphkit.analysis.analyze` (single options may be
        given as keywords: ``seed=1``, ``threshold=0.6`` ...). Its ``seed`` seeds the
        perturbations, the reported clusters (run 0) and betweenness sampling; equal seeds
        give equal tables.
    jitter : float
        Band of the estimated values (module docstring).
    threshold_band : float
        Band of the capability threshold.
    vary_seeds : bool
        Draw another cluster seed for every run (``False``: every run uses ``seed``).
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
    With no estimated value and the threshold and seed held, every run is the reported one:

    >>> s = stability(gk.load(gk.SAMPLE), runs=3, jitter=0, threshold_band=0, vary_seeds=False)
    >>> bool((s.ranks.rank_p05 == s.ranks.rank_p95).all()), sorted(set(s.cocluster.share))
    (True, [1.0])
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 0:
        raise AnalysisError(f"the number of perturbed runs must be a whole number >= 0, not {runs!r}")
    for name, value in (("jitter", jitter), ("threshold_band", threshold_band)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise AnalysisError(f"{name} must be a number from 0 to 1, not {value!r}")
    progress = progress or Progress(quiet=True)
    opts = AnalysisOptions.of(options, **keywords)
    types = check_types(opts.types)
    seed, weight, threshold, partners = opts.seed, opts.weight, opts.threshold, opts.partners
    engine = opts.engine
    exact_threshold, samples = opts.exact_threshold, opts.samples
    method, resolution, restarts = opts.method, opts.resolution, opts.restarts
    cent_options: dict[str, Any] = dict(
        engine=engine, exact_threshold=exact_threshold, samples=samples, seed=seed
    )
    cluster_options: dict[str, Any] = dict(
        method=method, resolution=resolution, restarts=restarts, engine=engine
    )
    if baseline is None:
        net = actor_network(G, types, weight=weight, two_mode=True)
        cent, _ = centrality_table(net, **cent_options)
        membership, _ = cluster_membership(net, seed=seed, **cluster_options)
        gsum = gap_summary(G, threshold=threshold, partners=partners)
    else:
        net, cent = baseline["net"], baseline["centrality"]
        membership, gsum = baseline["membership"], baseline["gap_summary"]
    estimates = _Estimates(G, types, weight)
    rng = random.Random(seed)
    ranked = [m.name for m in RANKED_MEASURES if m.name in cent]
    cent_runs = [_centrality_ranks(cent, ranked)]
    gap_runs = [_gap_ranks(gsum)]
    memberships = [np.asarray(membership)]
    shifts = [0.0]
    for r in range(1, runs + 1):
        shift = rng.uniform(-threshold_band, threshold_band) if threshold_band else 0.0
        run_seed = rng.randrange(2**31) if vary_seeds else seed
        level = min(1.0, max(0.0, threshold + shift))
        with estimates.perturbed(rng, jitter) as H:
            run_net = net
            if estimates.moves_network and jitter:
                run_net = actor_network(H, types, weight=weight, two_mode=True)
            run_gaps = gap_summary(H, threshold=level, partners=partners)
        if _same_network(run_net, net):
            cent_runs.append(cent_runs[0])
        else:
            run_cent, _ = centrality_table(run_net, **cent_options)
            cent_runs.append(_centrality_ranks(run_cent, ranked))
        run_membership, _ = cluster_membership(run_net, seed=run_seed, **cluster_options)
        memberships.append(run_membership)
        gap_runs.append(_gap_ranks(run_gaps))
        shifts.append(level - threshold)
        progress.count("stability runs", r, runs, unit="runs")
    causes = {
        "centrality": "estimated tie weights" if estimates.weights or estimates.tie_weights else "",
        "levels": "estimated capability levels" if estimates.levels and jitter else "",
    }
    ranks = pd.concat(
        [_bands(cent_runs, cent, lambda k, rows: causes["centrality"] or "the engine's sampling"),
         _bands(gap_runs, gsum, _gap_cause(np.asarray(shifts), causes["levels"]))],
        ignore_index=True,
    )  # fmt: skip
    info = {
        "runs": runs,
        "seed": seed,
        "jitter": jitter,
        "threshold_band": threshold_band,
        "vary_seeds": vary_seeds,
        "estimated": {
            "levels": estimates.levels,
            "weights": estimates.weights,
            "tie_weights": estimates.tie_weights,
        },
    }
    return Stability(
        ranks=ranks[list(STABILITY_COLUMNS)],
        cocluster=_cocluster(memberships, net),
        info=info,
    )


# ---- helpers --------------------------------------------------------------------------


def is_estimate(source: Any) -> bool:
    """Whether a ``source`` marks its fact as an estimate (it starts with ``estimate``).

    >>> is_estimate("estimate: analyst judgement"), is_estimate("ITU Global Cybersecurity Index 2024")
    (True, False)
    """
    return isinstance(source, str) and source.strip().lower().startswith("estimate")


class _Estimates:
    """The estimated numbers of a graph, jittered in place for one run and then restored."""

    def __init__(self, G: nx.MultiDiGraph, types: Iterable[str], weight: str | None) -> None:
        self.G = G
        self.edges: list[tuple[dict[str, Any], str, float]] = []  # (attribute dict, property, value)
        self.nodes: list[tuple[dict[str, Any], str, float]] = []
        in_network = set(types)
        self.moves_network = False
        for _, _, d in G.edges(data=True):
            if is_estimate(d.get("source")):
                for prop in ("level", "weight"):
                    if _number(d.get(prop)):
                        self.edges.append((d, prop, float(d[prop])))
                        if prop == weight and d.get("type") in in_network:
                            self.moves_network = True
        for _, d in G.nodes(data=True):
            if is_estimate(d.get("source")) and _number(d.get("tie_weight")):
                self.nodes.append((d, "tie_weight", float(d["tie_weight"])))
                self.moves_network = self.moves_network or "MEMBER_OF" in in_network
        self.levels = sum(1 for e in self.edges if e[1] == "level")
        self.weights = sum(1 for e in self.edges if e[1] != "level")
        self.tie_weights = len(self.nodes)

    @contextmanager
    def perturbed(self, rng: random.Random, jitter: float) -> Iterator[nx.MultiDiGraph]:
        """``G`` with every estimate jittered (levels by ±jitter, weights by ×(1 ± jitter)), restored on exit."""
        if not jitter:
            yield self.G
            return
        try:
            for d, prop, value in self.edges:
                if prop == "level":
                    d[prop] = min(1.0, max(0.0, value + rng.uniform(-jitter, jitter)))
                else:
                    d[prop] = _scaled(value, rng.uniform(-jitter, jitter))
            for d, prop, value in self.nodes:
                d[prop] = _scaled(value, rng.uniform(-jitter, jitter))
            yield self.G
        finally:
            for d, prop, value in self.edges + self.nodes:
                d[prop] = value


def _scaled(value: float, delta: float) -> float:
    """``value × (1 + delta)``, kept positive (a weight of 0 would remove the tie)."""
    return max(value * (1.0 + delta), value * 1e-3) if value > 0 else value


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and np.isfinite(v)


def _same_network(a: ActorNetwork, b: ActorNetwork) -> bool:
    return a is b or (
        a.m == b.m
        and bool(np.array_equal(a.src, b.src))
        and bool(np.array_equal(a.dst, b.dst))
        and bool(np.array_equal(a.weight, b.weight))
    )


def _centrality_ranks(cent: pd.DataFrame, measures: list[str]) -> dict[tuple[str, str, str], float]:
    out: dict[tuple[str, str, str], float] = {}
    kinds = cent["kind"].astype(object).where(cent["kind"].notna(), "unknown").tolist()
    ids = cent["id"].tolist()
    for m in measures:
        col = cent[rank_column(m)]
        for a, k, r in zip(ids, kinds, col.tolist(), strict=True):
            out[(m, str(k), a)] = np.nan if r is pd.NA or r is None else float(r)
    return out


def _gap_ranks(gsum: pd.DataFrame) -> dict[tuple[str, str, str], float]:
    out: dict[tuple[str, str, str], float] = {}
    if gsum is None or not len(gsum):
        return out
    for col in GAP_RANKINGS:
        if col not in gsum:
            continue
        ranks = gsum[col].astype(float).rank(method="min", ascending=False)
        for a, r in zip(gsum["actor_id"].tolist(), ranks.tolist(), strict=True):
            if r == r:  # an unassessed actor has no own gap: it is not ranked
                out[(col, "all", a)] = float(r)
    return out


def _bands(runs: list[dict[tuple[str, str, str], float]], table: pd.DataFrame, cause: Any) -> pd.DataFrame:
    """One row per key of run 0: its rank, percentile band over the runs and what moved it."""
    cols = list(STABILITY_COLUMNS)
    keys = list(runs[0])
    if not keys:
        return pd.DataFrame(columns=cols)
    R = np.array([[run.get(k, np.nan) for k in keys] for run in runs], dtype=float)  # runs x keys
    id_col = "id" if "id" in table else "actor_id"
    names = dict(zip(table[id_col], table["name"], strict=False)) if len(table) else {}
    rows = []
    for j, (measure, kind, actor) in enumerate(keys):
        col = R[:, j]
        seen = col[~np.isnan(col)]
        rank = col[0]
        if np.isnan(rank) or not seen.size:
            continue
        lo = float(np.quantile(seen, 0.05, method="lower"))
        hi = float(np.quantile(seen, 0.95, method="higher"))
        moved = bool(seen.min() != seen.max())
        rows.append(
            {
                "measure": measure,
                "kind": kind,
                "actor_id": actor,
                "name": names.get(actor, actor),
                "rank": int(rank),
                "rank_p05": int(min(lo, rank)),
                "rank_p95": int(max(hi, rank)),
                "rank_median": float(np.median(seen)),
                "rank_min": int(seen.min()),
                "rank_max": int(seen.max()),
                "runs": int(seen.size),
                "varies_with": cause(j, col) if moved else "",
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _gap_cause(shifts: np.ndarray, levels: str) -> Any:
    """What moved a gap rank: the threshold when the rank follows its shift, else the estimated levels."""

    def cause(j: int, ranks: np.ndarray) -> str:
        ok = ~np.isnan(ranks)
        x, y = shifts[ok], ranks[ok]
        follows = x.std() > 0 and y.std() > 0 and abs(float(np.corrcoef(x, y)[0, 1])) >= 0.5
        if follows or not levels:
            return "the capability threshold"
        return levels

    return cause


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
