"""The perturbations of the stability runs: which facts each run moves or leaves out.

:class:`Study` holds the dated graph, what is active in it, the reported analysis (run 0)
and every run made, one method per family of :data:`graphkit.analysis.stability.FAMILIES`
(the module docstring of :mod:`graphkit.analysis.stability` describes them);
:func:`source_family` groups facts by who published them; :class:`Estimates` jitters the
values a dataset marks as estimates, in place, and restores them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.centrality import centrality_table, rank_column
from graphkit.analysis.clusters import cluster_membership
from graphkit.analysis.engine import ActorNetwork, actor_network, seeded_igraph, without_ties
from graphkit.analysis.gaps import gap_summary
from graphkit.analysis.measures import RANKED_MEASURES
from graphkit.analysis.options import AnalysisOptions
from graphkit.graph import as_of, as_of_date, not_in_force
from graphkit.progress import Progress
from graphkit.ties import INSTRUMENT_WEIGHTS, LIFE_CYCLE_TYPES, tie_state

__all__ = [
    "Study",
    "Run",
    "Estimates",
    "is_estimate",
    "source_family",
    "tie_label",
    "JITTER",
    "THRESHOLD_BAND",
    "DORMANCY_HORIZONS",
    "INSTRUMENT_BAND",
    "INSTRUMENT_RUNS",
    "SOURCE_FAMILIES",
    "ALL_TIES_UP_TO",
    "MAX_SINGLE_TIES",
    "TOP_CHECKED",
    "GAP_RANKINGS",
]

JITTER = 0.1
"""Estimated levels move within ±0.1 (clipped to [0, 1]); estimated weights within ×(1 ± 0.1)."""
THRESHOLD_BAND = 0.05
"""The capability threshold moves within ±0.05 (clipped to [0, 1])."""
DORMANCY_HORIZONS = (3.0, 10.0)
"""Dormancy horizons (years) tried beside the analysis's own: a shorter and a longer one than the
default 5 (0, dormancy off, is another model rather than another horizon, and is not tried)."""
INSTRUMENT_BAND = 0.5
"""Each instrument weight is multiplied by a uniform factor within 1 ± 0.5 (kept within (0, 1])."""
INSTRUMENT_RUNS = 3
"""Random instrument tables tried (beside the flat one)."""
SOURCE_FAMILIES = 16
"""The largest source families left out one at a time (the smaller ones are single agreements or
membership lists, which the ``ties`` family and the larger lists cover)."""
ALL_TIES_UP_TO = 60
"""Up to this many active cooperation ties, each is left out in turn; above it, only suspects."""
MAX_SINGLE_TIES = 16
"""At most this many suspect ties are left out one at a time on a larger network."""
TOP_CHECKED = 20
"""Ranks up to this (within a kind) are checked for a single tie they rest on."""
GAP_RANKINGS = ("own_gap", "coalition_gap")
"""Columns of ``gap_summary`` whose rankings (largest gap first) are checked."""


_KNOWN_SOURCES = (
    (re.compile(r"requirement_rules", re.I), "graphkit requirement rules"),
    (re.compile(r"^\s*estimate", re.I), "estimates (analyst judgement)"),
    (re.compile(r"MITRE ATT&CK", re.I), "MITRE ATT&CK"),
    (re.compile(r"MISP galaxy", re.I), "MISP galaxy"),
    (
        re.compile(r"Global Cybersecurity Index|\bGCI\b"),
        "Global Cybersecurity Index (International Telecommunication Union)",
    ),
)
_URL = re.compile(r"https?://([^/\s)\]]+)", re.I)


def source_family(source: Any) -> str:
    """The family of a fact's ``source`` (or ``source_ref``): who published it.

    A named publisher first (the graphkit requirement rules, the analyst estimates, MITRE
    ATT&CK, the MISP galaxy — CFR's victim lists come through it —, ITU's Global
    Cybersecurity Index), else the web site of the first address in the text (``www.``
    dropped), else the text up to its first ``(``, ``:``, ``;`` or ``,`` (cut at a word with
    "…" beyond 60 characters); ``""`` without a source.

    >>> source_family("MISP galaxy threat-actor.json (version 336, CC0)")
    'MISP galaxy'
    >>> source_family("Joint statement, 2024 (https://www.gov.uk/government/news/x)")
    'gov.uk'
    >>> source_family("OEWG 2021-2025 Final Report (A/AC.292/2025/CRP.1)"), source_family(None)
    ('OEWG 2021-2025 Final Report', '')
    """
    if not isinstance(source, str) or not source.strip():
        return ""
    for pattern, name in _KNOWN_SOURCES:
        if pattern.search(source):
            return name
    m = _URL.search(source)
    if m:
        host = m.group(1).lower().rstrip(".,;")
        return host[4:] if host.startswith("www.") else host
    head = re.split(r"[(:;,]", source, maxsplit=1)[0].strip()
    if len(head) <= 60:
        return head
    cut = head[:60].rsplit(" ", 1)[0]  # at a word: "Joint Statement of the Ministers and …"
    return f"{cut} …"


def tie_label(u: str, v: str, d: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """A cooperation tie in words: its two parties (their names when ``names`` has them, else
    their ids), the year it began and its instrument.

    >>> tie_label("NGA", "GBR", {"since": 2024, "instrument": "mou"})
    'NGA–GBR 2024 (mou)'
    >>> tie_label("NGA", "GBR", {"since": 2024, "instrument": "mou"}, {"NGA": "Nigeria", "GBR": "United Kingdom"})
    'Nigeria–United Kingdom 2024 (mou)'
    """
    names = names or {}
    year = d.get("since")
    text = f"{names.get(u, u)}–{names.get(v, v)}" + (f" {year}" if year not in (None, "") else "")
    instrument = d.get("instrument")
    if isinstance(instrument, str) and instrument.strip():
        text += f" ({instrument.strip().replace('_', ' ')})"
    return text


# ---- the runs ----------------------------------------------------------------------------


@dataclass
class Run:
    """One analysis of :func:`stability`: its family, what it changed, and the ranks it gave."""

    family: str
    label: str
    cent: dict[tuple[str, str, str], float]
    gaps: dict[tuple[str, str, str], float]
    membership: np.ndarray | None
    shift: float = 0.0
    dropped: np.ndarray | None = None  # bootstrap: which cooperation ties this run left out
    tie: tuple[Any, Any] | None = None  # ties: the two actors of the tie left out


class Study:
    """The dated graph, what is active in it, the reported analysis (run 0) and every run made.

    ``G`` is cut to ``opts.as_of``; ``baseline`` holds the reported results when already
    computed (``net``, ``centrality``, ``membership``, ``gap_summary``), else they are computed.
    """

    def __init__(
        self, G: nx.MultiDiGraph, opts: AnalysisOptions, baseline: dict[str, Any] | None = None
    ) -> None:
        D, day = _dated(G, opts.as_of)
        self.D, self.day, self.opts = D, day, opts
        self.horizon = float(getattr(opts, "dormant_after", 0.0) or 0.0)
        self.inactive = self._inactive(self.horizon)
        self.coop: list[tuple[Any, Any, Any]] = []
        self.coop_data: list[Mapping[str, Any]] = []
        self.by_family: dict[str, set[tuple[Any, Any, Any]]] = {}
        for u, v, k, d in D.edges(keys=True, data=True):
            if (u, v, k) in self.inactive:
                continue
            if d.get("type") == "COOPERATES_WITH":
                self.coop.append((u, v, k))
                self.coop_data.append(d)
            fam = source_family(d.get("source", d.get("source_ref")))
            if fam:
                self.by_family.setdefault(fam, set()).add((u, v, k))
        self.families = sorted(self.by_family, key=lambda f: (-len(self.by_family[f]), f))
        self.estimates = Estimates(D, opts.types, opts.weight)
        self.total = 0
        self.cent_options: dict[str, Any] = dict(
            engine=opts.engine, exact_threshold=opts.exact_threshold, samples=opts.samples, seed=opts.seed
        )
        self.cluster_options: dict[str, Any] = dict(
            method=opts.method, resolution=opts.resolution, restarts=opts.restarts, engine=opts.engine
        )
        if baseline is None:
            view = self._view(self.inactive)
            net = self._network(view, opts.instruments)
            cent, _ = centrality_table(net, **self.cent_options)
            membership, _ = cluster_membership(net, seed=opts.seed, **self.cluster_options)
            gsum = self._gap_summary(view, opts.threshold, self.horizon)
        else:
            net, cent = baseline["net"], baseline["centrality"]
            membership, gsum = baseline["membership"], baseline["gap_summary"]
        self.net = net
        self._keyed: ActorNetwork | None = None
        self.cent_table, self.gap_table = cent, gsum
        self.ranked = [m.name for m in RANKED_MEASURES if m.name in cent]
        self.runs = [
            Run(
                "reported", "", _centrality_ranks(cent, self.ranked), _gap_ranks(gsum), np.asarray(membership)
            )
        ]

    # -- the graph of a run

    def _inactive(self, horizon: float) -> set[tuple[Any, Any, Any]]:
        """The memberships and agreements that are not active on the day at ``horizon`` (dormant, paused)."""
        return {
            (u, v, k)
            for u, v, k, d in self.D.edges(keys=True, data=True)
            if d.get("type") in LIFE_CYCLE_TYPES and tie_state(d, self.day, horizon) != "active"
        }

    def _view(self, drop: set[tuple[Any, Any, Any]]) -> nx.MultiDiGraph:
        if not drop:
            return self.D
        return nx.subgraph_view(self.D, filter_edge=lambda u, v, k: (u, v, k) not in drop)

    def _network(self, H: nx.MultiDiGraph, instruments: Any, horizon: float | None = None) -> ActorNetwork:
        """The actor network of a run's graph (already cut to its active ties, at ``horizon``)."""
        horizon = self.horizon if horizon is None else horizon
        return actor_network(
            H,
            self.opts.types,
            weight=self.opts.weight,
            two_mode=True,
            instruments=instruments,
            dormant_after=horizon,
            require_weight=False,  # a run may leave out every tie that carries the weight (checked once, on the data)
        )

    def _without(self, drop: set[tuple[Any, Any, Any]], instruments: Any) -> ActorNetwork:
        """The network of a run at the analysis's own horizon that leaves out ``drop`` (the
        inactive ties among them), derived from the relationships read once for every run
        (:func:`graphkit.analysis.engine.without_ties`) instead of read from the graph again."""
        if self._keyed is None:
            self._keyed = actor_network(
                self._view(self.inactive),
                self.opts.types,
                weight=self.opts.weight,
                two_mode=True,
                instruments=self.opts.instruments,
                dormant_after=self.horizon,
                require_weight=False,
                keyed=True,
            )
        return without_ties(self._keyed, drop, instruments=instruments)

    def _gap_summary(self, H: nx.MultiDiGraph, threshold: float, horizon: float) -> pd.DataFrame:
        return gap_summary(H, threshold=threshold, partners=self.opts.partners, dormant_after=horizon)

    def horizons(self) -> list[float]:
        """The dormancy horizons tried: :data:`DORMANCY_HORIZONS` but the analysis's own (none without a day)."""
        if self.day is None:
            return []
        return [h for h in DORMANCY_HORIZONS if h != self.horizon]

    def _analyse(
        self,
        family: str,
        label: str,
        drop: set[tuple[Any, Any, Any]],
        *,
        instruments: Any = "default",
        horizon: float | None = None,
        gaps: bool = True,
        net: ActorNetwork | None = None,
        H: nx.MultiDiGraph | None = None,
        seed: int | None = None,
        threshold: float | None = None,
    ) -> Run:
        opts, run0 = self.opts, self.runs[0]
        if net is None and H is None and horizon is None:  # only ties left out, or other instruments
            net = self._without(drop, opts.instruments if instruments == "default" else instruments)
        H = self._view(drop) if H is None else H
        horizon = self.horizon if horizon is None else horizon
        if net is None:
            net = self._network(H, opts.instruments if instruments == "default" else instruments, horizon)
        seed = opts.seed if seed is None else seed
        if _same_network(net, self.net):
            cent = run0.cent
            membership = run0.membership if seed == opts.seed else None
        else:
            with seeded_igraph(opts.seed):  # only the ranked measures: the runs compare ranks
                table, _ = centrality_table(net, measures=self.ranked, **self.cent_options)
            cent = _centrality_ranks(table, self.ranked)
            membership = None
        if membership is None:
            membership = _aligned(
                cluster_membership(net, seed=seed, **self.cluster_options)[0], net, self.net
            )
        level = opts.threshold if threshold is None else threshold
        gap_ranks = _gap_ranks(self._gap_summary(H, level, horizon)) if gaps else run0.gaps
        run = Run(family, label, cent, gap_ranks, membership, shift=level - opts.threshold)
        self.runs.append(run)
        return run

    def _count(self, progress: Progress) -> None:
        done = len(self.runs) - 1
        progress.count("stability runs", done, max(self.total, done), unit="runs")

    # -- the families

    def estimate_runs(
        self, rng: random.Random, runs: int, jitter: float, band: float, vary_seeds: bool, progress: Progress
    ) -> None:
        threshold = self.opts.threshold
        for r in range(1, runs + 1):
            shift = rng.uniform(-band, band) if band else 0.0
            run_seed = rng.randrange(2**31) if vary_seeds else self.opts.seed
            level = min(1.0, max(0.0, threshold + shift))
            with self.estimates.perturbed(rng, jitter):  # in place: the view sees the jittered values
                H = self._view(self.inactive)
                net = self.net
                if self.estimates.moves_network and jitter:
                    net = self._network(H, self.opts.instruments)
                self._analyse(
                    "estimates", f"run {r}", self.inactive, net=net, H=H, seed=run_seed, threshold=level
                )
            self._count(progress)

    def bootstrap_runs(self, rng: random.Random, runs: int, progress: Progress) -> None:
        n = len(self.coop)
        for r in range(1, runs + 1):
            drawn = np.zeros(n, dtype=bool)
            drawn[[rng.randrange(n) for _ in range(n)]] = True
            drop = self.inactive | {self.coop[i] for i in np.flatnonzero(~drawn).tolist()}
            run = self._analyse("bootstrap", f"resample {r}", drop)
            run.dropped = ~drawn
            self._count(progress)

    def source_runs(self, progress: Progress) -> None:
        for fam in self.families[:SOURCE_FAMILIES]:
            self._analyse("sources", fam, self.inactive | self.by_family[fam])
            self._count(progress)

    def dormancy_runs(self, progress: Progress) -> None:
        for h in self.horizons():
            self._analyse("dormancy", f"{h:g}", self._inactive(h), horizon=h)
            self._count(progress)

    def instrument_runs(self, rng: random.Random, progress: Progress) -> None:
        base = dict(self.opts.instruments if self.opts.instruments is not None else INSTRUMENT_WEIGHTS)
        tables = [("flat", {k: 1.0 for k in base})]
        for i in range(1, INSTRUMENT_RUNS + 1):
            moved = {
                k: min(1.0, max(0.01, w * (1 + rng.uniform(-INSTRUMENT_BAND, INSTRUMENT_BAND))))
                for k, w in base.items()
            }
            tables.append((f"random {i}", moved))
        for label, table in tables:
            self._analyse("instruments", label, self.inactive, instruments=table, gaps=False)
            self._count(progress)

    def tie_runs(self, progress: Progress) -> None:
        chosen = list(range(len(self.coop))) if len(self.coop) <= ALL_TIES_UP_TO else self._suspects()
        for i in chosen:
            u, v, _ = self.coop[i]
            names = {x: str(self.D.nodes[x].get("name", x)) for x in (u, v) if x in self.D}
            run = self._analyse(
                "ties", tie_label(u, v, self.coop_data[i], names), self.inactive | {self.coop[i]}
            )
            run.tie = (u, v)
            self._count(progress)

    def _suspects(self) -> list[int]:
        """The cooperation ties whose absence in the bootstrap went with the largest move of a
        top-ranked (:data:`TOP_CHECKED`) place of one of their two actors, largest first."""
        boot = [r for r in self.runs if r.family == "bootstrap" and r.dropped is not None]
        if len(boot) < 2:
            return []
        dropped = np.array([r.dropped for r in boot])
        incident: dict[Any, list[int]] = {}
        for i, (u, v, _) in enumerate(self.coop):
            incident.setdefault(u, []).append(i)
            incident.setdefault(v, []).append(i)
        score: dict[int, float] = {}
        for key, rank in self.runs[0].cent.items():
            if rank != rank or rank > TOP_CHECKED:
                continue
            y = np.array([r.cent.get(key, np.nan) for r in boot], dtype=float)
            if np.isnan(y).any() or y.min() == y.max():
                continue
            for i in incident.get(key[2], []):
                out = dropped[:, i]
                if out.all() or not out.any():
                    continue
                move = abs(float(y[out].mean() - y[~out].mean()))
                if move > score.get(i, 0.0):
                    score[i] = move
        ordered = sorted(score, key=lambda i: (-score[i], i))
        return ordered[:MAX_SINGLE_TIES]


# ---- helpers --------------------------------------------------------------------------


def is_estimate(source: Any) -> bool:
    """Whether a ``source`` marks its fact as an estimate (it starts with ``estimate``).

    >>> is_estimate("estimate: analyst judgement"), is_estimate("ITU Global Cybersecurity Index 2024")
    (True, False)
    """
    return isinstance(source, str) and source.strip().lower().startswith("estimate")


class Estimates:
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
    return a.same_ties(b)


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


def _aligned(membership: np.ndarray, net: ActorNetwork, base: ActorNetwork) -> np.ndarray:
    """A run's cluster labels in the order of the reported network's actors (-1: not in the run)."""
    membership = np.asarray(membership)
    if net is base or list(net.ids) == list(base.ids):
        return membership
    where = {a: i for i, a in enumerate(net.ids)}
    out = np.full(base.n, -1, dtype=np.int64)
    for j, a in enumerate(base.ids):
        i = where.get(a)
        if i is not None:
            out[j] = membership[i]
    return out


def _dated(G: nx.MultiDiGraph, when: Any) -> tuple[nx.MultiDiGraph, Any]:
    """The network as of ``when`` and its day (a date, or None for every relationship)."""
    cut = G.graph.get("as_of")
    if cut and isinstance(when, str) and when.strip().lower() == "today":
        when = cut
    day = as_of_date(when)
    if day is None:
        return G, as_of_date(cut) if cut and cut != "all" else None
    if cut == day.isoformat() or not not_in_force(G, day):
        return G, day
    return as_of(G, day), day
