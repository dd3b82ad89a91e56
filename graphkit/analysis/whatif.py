"""What if: each scenario's changes applied to a copy of the graph, analysed, and compared with the baseline.

How a scenario is computed (docs/whatif.md says it for readers):

1. The graph is cut to the day analysed (``as_of``, default today) once.
2. Every scenario's changes are applied to its own copy (:func:`graphkit.analysis.scenarios.apply_changes`),
   all of them *before* any analysis, so a bad change fails at once; ties a change ends are
   left out of the copy as the analysis of that day would leave them out.
3. The baseline is analysed once (:func:`graphkit.analysis.analyze`, or the ``baseline``
   handed in) and every scenario copy with the same options: whatever the analysis
   becomes (pooling rules, tie life cycle), a scenario follows it.
4. The two analyses are compared, table by table, into *effects* (:data:`EFFECT_COLUMNS`):

   - ``coalition_gap_closed`` / ``coalition_gap_opened``: a need (actor, capability) that
     was open and is now owned or pooled, or the reverse; ``route_before`` /
     ``route_after`` say through whom (the gap table's ``route``, or ``own``);
   - ``rerouted``: pooled before and after, through another route (covered elsewhere);
   - ``own_gap_closed`` / ``own_gap_opened``: owned now and not before, or the reverse;
   - ``need_added`` / ``need_removed``: a need that exists on one side only;
   - ``coalition_gap`` / ``own_gap``: an actor's total gap weight, before and after;
   - ``rank``: a centrality rank within the actor's kind (``item_id`` the measure; ``moved``
     positive is up);
   - ``cluster_changed``: the actor's cluster is not the one matched to its old cluster
     (clusters of the two partitions, same seed, matched one to one by the most shared actors);
   - ``critical``: an actor whose loss would open a different gap weight, or that became or
     stopped being a cut vertex;
   - ``threat_uncovered`` / ``threat_covered``: a threat nobody can fully answer now, or again;
   - ``recommendation``: a partner recommended (before, after: its rank) for an actor the
     scenario touches (:func:`~graphkit.analysis.scenarios.touched_actors`);
   - ``actor_added`` / ``actor_removed``.

5. A :class:`ScenarioSummary` per scenario counts them and says the headline effects in
   words, with names ("Armenia leaving the Collective Security Treaty Organization opens 2
   of its needs ...").

Stability of effects (the perturbed runs of :mod:`graphkit.analysis.stability`) is not
computed: each scenario would cost ``runs`` analyses more.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis import parallel
from graphkit.analysis.centrality import centrality_table
from graphkit.analysis.clusters import cluster_membership, cluster_table
from graphkit.analysis.engine import ActorNetwork, actor_network, check_types, resolve_engine, seeded_igraph
from graphkit.analysis.gaps import capability_gaps, critical_actors, uncovered_threats
from graphkit.analysis.measures import RANKED_MEASURES
from graphkit.analysis.recommend import recommend_partners
from graphkit.analysis.run import Analysis, analyze
from graphkit.analysis.scenario_files import as_scenarios
from graphkit.analysis.scenarios import (
    AddActor,
    RemoveActor,
    Scenario,
    SetLevel,
    apply_changes,
    touched_actors,
)
from graphkit.analysis.whatif_effects import EFFECT_COLUMNS, same_network_arrays, scenario_effects
from graphkit.analysis.whatif_summary import ScenarioSummary, summarise
from graphkit.defaults import DEFAULT_SEED, DEFAULT_TYPES, EXACT_THRESHOLD, RESTARTS, SAMPLES
from graphkit.errors import AnalysisError
from graphkit.graph import as_of, as_of_date, not_in_force
from graphkit.progress import Progress
from graphkit.ties import DEFAULT_DORMANT_AFTER

__all__ = [
    "whatif",
    "WhatIf",
    "ScenarioAnalysis",
    "scenario_analysis",
    "ScenarioResult",
    "ScenarioSummary",
    "scenario_effects",
    "gap_totals",
    "EFFECT_COLUMNS",
    "RECOMMENDED",
]

RECOMMENDED = 5
"""Partners recommended per touched actor, before and after."""


@dataclass(frozen=True)
class ScenarioAnalysis:
    """The tables a scenario is compared on, computed as :func:`graphkit.analysis.analyze`
    computes them (the same functions, the same options), without the tables whatif does not
    compare (alliance gaps, cluster summary, the unranked measures).

    ``summary`` holds ``graph`` (``actors``, ``actor_links``), ``as_of`` and ``gaps``
    (``total_coalition_gap_known``, as in :func:`~graphkit.analysis.analyze`'s summary).
    """

    centrality: pd.DataFrame
    clusters: pd.DataFrame
    gaps: pd.DataFrame
    gap_summary: pd.DataFrame
    critical_actors: pd.DataFrame
    uncovered_threats: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    network: ActorNetwork | None = field(default=None, repr=False)


POOLING_OPTIONS = ("threshold", "partners", "dormant_after")
"""The analysis options the gap model, critical actors and recommendations take."""


def scenario_analysis(
    G: nx.MultiDiGraph,
    *,
    reuse: ScenarioAnalysis | None = None,
    uncovered: pd.DataFrame | None = None,
    **options: Any,
) -> ScenarioAnalysis:
    """Centrality (the ranked measures), clusters, gaps, gap summary, critical actors and
    uncovered threats of ``G`` with the options of :func:`graphkit.analysis.analyze`
    (``G`` already cut to its day: ``as_of`` is not taken).

    ``reuse``: an analysis whose actor network, when equal to ``G``'s, lends its centrality
    and clusters (they depend on nothing else). ``uncovered``: the uncovered-threat table,
    when known to be unchanged (it depends only on who holds what and what threats need).
    """
    o = dict(options)
    o.pop("as_of", None)
    o.pop("perturb", None)
    o.pop("progress", None)
    types = check_types([o.get("types", DEFAULT_TYPES)] if isinstance(o.get("types"), str)
                        else o.get("types", DEFAULT_TYPES))  # fmt: skip
    net = actor_network(
        G,
        types,
        weight=o.get("weight"),
        two_mode=True,
        instruments=o.get("instruments"),
        dormant_after=o.get("dormant_after", DEFAULT_DORMANT_AFTER),
    )
    engine = o.get("engine", "auto")
    seed = o.get("seed", DEFAULT_SEED)
    if reuse is not None and reuse.network is not None and same_network_arrays(reuse.network, net):
        cent, clusters = reuse.centrality, reuse.clusters
    else:
        # igraph's eigenvector starts ARPACK from its random state: on a network of two equal
        # components the one that scores depends on it, so it is seeded (here as in a worker)
        seeded = seeded_igraph(seed) if resolve_engine(engine) == "igraph" else contextlib.nullcontext()
        with parallel.using(o.get("jobs") or 1), seeded:
            cent, _ = centrality_table(
                net, engine=engine, exact_threshold=o.get("exact_threshold", EXACT_THRESHOLD),
                samples=o.get("samples", SAMPLES), seed=seed, measures=[m.name for m in RANKED_MEASURES],
            )  # fmt: skip
        membership, _ = cluster_membership(
            net, method=o.get("method", "louvain"), resolution=o.get("resolution", 1.0), seed=seed,
            restarts=o.get("restarts", RESTARTS), engine=engine,
        )  # fmt: skip
        clusters = cluster_table(net, membership)
    pooling = {k: o[k] for k in POOLING_OPTIONS if k in o}
    gaps = capability_gaps(G, **pooling)
    gsum = gap_totals(gaps, G)
    crit = critical_actors(G, engine=engine, **pooling)
    if uncovered is not None:
        unc = uncovered
    else:
        unc = uncovered_threats(G, **{k: o[k] for k in ("threshold", "dormant_after") if k in o})
    known = (
        gaps["assessed"].astype(bool)
        & gaps["capability_assessed"].astype(bool)
        & ~gaps["pooled"].astype(bool)
    )
    summary = {
        "as_of": G.graph.get("as_of"),
        "graph": {"actors": net.n, "actor_links": net.m},
        "gaps": {"total_coalition_gap_known": int(gaps.loc[known, "weight"].sum())},
    }
    return ScenarioAnalysis(cent, clusters, gaps, gsum, crit, unc, summary, net)


def gap_totals(gaps: pd.DataFrame, G: nx.MultiDiGraph | None = None) -> pd.DataFrame:
    """``actor_id, name, kind, own_gap, coalition_gap`` per actor with needs, from a gap table
    (:func:`~graphkit.analysis.capability_gaps`) as :func:`~graphkit.analysis.gap_summary`
    sums them (``kind`` read from ``G`` when given): own gap = weight of known needs (assessed actor and capability) not owned,
    NaN for an unassessed actor; coalition gap = weight of known needs not pooled (an unassessed
    actor's: 0 when partners cover every need, else NaN); closed by
    cooperation = weight of known needs pooled, not owned (NaN for an unassessed actor).

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> mine = gap_totals(gk.capability_gaps(G)).set_index("actor_id")
    >>> theirs = gk.gap_summary(G).set_index("actor_id")
    >>> bool(mine["coalition_gap"].fillna(-1).equals(theirs["coalition_gap"].astype(float).fillna(-1)))
    True
    >>> all(mine[c].fillna(-1).equals(theirs[c].astype(float).fillna(-1)) for c in ("own_gap", "closed_by_cooperation"))
    True
    """
    cols = ["actor_id", "name", "kind", "own_gap", "coalition_gap", "closed_by_cooperation"]
    if gaps.empty:
        return pd.DataFrame(columns=cols)
    w = gaps["weight"].astype(float)
    known = gaps["assessed"].astype(bool) & gaps["capability_assessed"].astype(bool)
    t = (
        gaps.assign(_own=w.where(known & ~gaps["own"].astype(bool), 0.0),
                    _co=w.where(known & ~gaps["pooled"].astype(bool), 0.0),
                    _ou=w.where(~known & ~gaps["pooled"].astype(bool), 0.0),
                    _cl=w.where(known & ~gaps["own"].astype(bool) & gaps["pooled"].astype(bool), 0.0))
        .groupby("actor_id", sort=False)
        .agg(name=("actor_name", "first"), assessed=("assessed", "first"), own_gap=("_own", "sum"),
             coalition_gap=("_co", "sum"), open_unknown=("_ou", "sum"), closed_by_cooperation=("_cl", "sum"))
        .reset_index()
    )  # fmt: skip
    t["own_gap"] = t["own_gap"].where(t["assessed"].astype(bool), np.nan)
    # as gap_summary: needs without data never count; an unassessed actor's coalition gap is 0
    # when partners cover every need, else unknown
    t["coalition_gap"] = t["coalition_gap"].where(
        t["assessed"].astype(bool) | (t["open_unknown"] == 0), np.nan
    )
    t["closed_by_cooperation"] = t["closed_by_cooperation"].where(t["assessed"].astype(bool), np.nan)
    t["kind"] = [G.nodes[a].get("kind") if G is not None and a in G else None for a in t["actor_id"]]
    return t[cols]


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario, its graph, its analysis, its effects against the baseline and its summary."""

    scenario: Scenario
    graph: nx.MultiDiGraph = field(repr=False)
    analysis: Any = field(repr=False)  # a ScenarioAnalysis (an Analysis with full=True)
    effects: pd.DataFrame = field(repr=False)
    summary: ScenarioSummary


@dataclass(frozen=True)
class WhatIf:
    """The baseline analysis and one :class:`ScenarioResult` per scenario.

    Examples
    --------
    >>> w = gk.whatif(gk.load(gk.SAMPLE), ["leave DEU:NATO"], as_of="2024-01-01")
    >>> w.summaries[0].headlines[0]
    'Germany leaving the North Atlantic Treaty Organization opens 2 of its needs (Attribution, Threat-intelligence sharing); none of them is covered elsewhere.'
    """

    day: str
    baseline: Any = field(repr=False)  # a ScenarioAnalysis (an Analysis with full=True)
    results: tuple[ScenarioResult, ...]

    @property
    def effects(self) -> pd.DataFrame:
        """Every scenario's effects in one table (``whatif.csv``)."""
        frames = [r.effects for r in self.results if len(r.effects)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(EFFECT_COLUMNS))

    @property
    def summaries(self) -> list[ScenarioSummary]:
        return [r.summary for r in self.results]

    def to_json(self) -> str:
        """The summaries as JSON (``whatif.json``)."""
        return json.dumps(
            {"day": self.day, "scenarios": [s.to_dict() for s in self.summaries]},
            indent=2,
            ensure_ascii=False,
            default=str,
        )


def whatif(
    G: nx.MultiDiGraph,
    scenarios: Any,
    *,
    baseline: Analysis | ScenarioAnalysis | None = None,
    recommend: bool = True,
    full: bool = False,
    progress: Progress | None = None,
    **options: Any,
) -> WhatIf:
    """Analyse each scenario against the baseline (see the module docstring).

    Parameters
    ----------
    G : the canonical graph (every relationship, or already cut to a day).
    scenarios : a change, a list of changes (one scenario), a :class:`Scenario`, a list of
        them, a mapping of name to changes, or the path of a scenario file; a change may be
        written as text (``"leave ARM:CSTO"``).
    baseline : the :func:`graphkit.analysis.analyze` result of ``G`` with the same options,
        when already computed (it must be of the same day).
    recommend : recommend partners for the actors each scenario touches, before and after.
    full : analyse the baseline and each scenario with the whole of
        :func:`graphkit.analysis.analyze` (every table: alliance gaps, cluster summary, all
        measures) instead of :func:`scenario_analysis` (the tables compared; the same values).
    options : keyword arguments of :func:`graphkit.analysis.analyze` (``seed``,
        ``threshold``, ``partners``, ``as_of`` ...), the same for the baseline and every
        scenario; ``perturb`` is not taken (stability is not computed for scenarios).
        ``jobs``: scenarios analysed in that many worker processes at once (None: every
        core; 1: one after the other in this process); the results are the same.

    Raises
    ------
    AnalysisError
        Before any analysis, for the first change that cannot be applied (see
        :func:`graphkit.analysis.scenarios.apply_changes`), and for ``as_of="all"``.
    """
    progress = progress or Progress(quiet=True)
    options.pop("perturb", None)
    jobs = options.pop("jobs", None)
    when = options.pop("as_of", "today")
    cut = G.graph.get("as_of")
    if cut and isinstance(when, str) and when.strip().lower() == "today":
        when = cut
    day = as_of_date(when)
    if day is None:
        raise AnalysisError(
            "a what-if scenario changes the network of one day: give --as-of a date "
            "(or leave it out for today), not 'all'"
        )
    items = as_scenarios(scenarios)
    if not items:
        raise AnalysisError("no scenario to analyse: give at least one change")
    names = [s.name for s in items]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise AnalysisError(f"two scenarios are named {dup!r}; give each scenario its own name")
    base_graph = G if cut == day.isoformat() else as_of(G, day)
    # every scenario is applied before any analysis: a bad change fails at once
    graphs = []
    for s in items:
        H = apply_changes(base_graph, s, on=day)
        H.remove_edges_from(not_in_force(H, day))
        graphs.append(H)
    options["as_of"] = day.isoformat()

    if baseline is None:
        with progress.step("baseline analysis"):
            baseline = _analysed(base_graph, None, full, options)
    elif baseline.summary.get("as_of") != day.isoformat():
        raise AnalysisError(
            f"the baseline analysis is of {baseline.summary.get('as_of')}, the scenarios of {day.isoformat()}"
        )
    _STATE.update(
        items=items, graphs=graphs, base_graph=base_graph, baseline=baseline, options=options, full=full,
        recommend=recommend, day=day, base_recs={},
    )  # fmt: skip
    workers = min(len(items), parallel.default_jobs() if jobs is None else max(1, int(jobs)))
    done: list[Any] = [None] * len(items)
    try:
        if workers <= 1:
            for i in range(len(items)):
                with progress.step(f"scenario {items[i].name}"):
                    done[i] = _scenario(i)
                progress.count("scenarios", i + 1, len(items), unit="scenarios")
        else:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
            step = progress.step(f"{len(items)} scenarios in {workers} processes")
            with step, ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                futures = {pool.submit(_scenario, i): i for i in range(len(items))}
                for n, fut in enumerate(as_completed(futures)):
                    done[futures[fut]] = fut.result()
                    progress.count("scenarios", n + 1, len(items), unit="scenarios")
    finally:
        _STATE.clear()
    results = [ScenarioResult(s, H, *done[i]) for i, (s, H) in enumerate(zip(items, graphs, strict=True))]
    return WhatIf(day.isoformat(), baseline, tuple(results))


# ---- one scenario (in this process or a forked worker) ------------------------------------------

_STATE: dict[str, Any] = {}
"""What :func:`whatif` hands to :func:`_scenario` (forked workers inherit it)."""


def _analysed(
    H: nx.MultiDiGraph, reuse: Any, full: bool, options: dict[str, Any], uncovered: pd.DataFrame | None = None
) -> Any:
    if full:
        return analyze(H, progress=Progress(quiet=True), **options)
    return scenario_analysis(H, reuse=reuse, uncovered=uncovered, **{**options, "jobs": 1})


def _scenario(i: int) -> tuple[Any, pd.DataFrame, ScenarioSummary]:
    """Scenario ``i`` of :data:`_STATE`: its analysis (without its actor network, which need
    not travel back from a worker), effects and summary."""
    st = _STATE
    s, H, G0, a0 = st["items"][i], st["graphs"][i], st["base_graph"], st["baseline"]
    options = st["options"]
    # holdings, threats and actors unchanged: nobody newly holds or loses a capability
    holdings = not any(isinstance(c, SetLevel | AddActor | RemoveActor) for c in s.changes)
    with parallel.using(1):
        a = _analysed(H, a0, st["full"], options, a0.uncovered_threats if holdings else None)
    pooling = {k: options[k] for k in POOLING_OPTIONS if k in options}
    recs: dict[str, tuple[pd.DataFrame | None, pd.DataFrame | None]] = {}
    if st["recommend"]:
        cache = st["base_recs"]
        for actor in touched_actors(s.changes):
            if actor in G0 and actor not in cache:
                cache[actor] = recommend_partners(G0, actor, k=RECOMMENDED, **pooling)
            recs[actor] = (cache.get(actor), recommend_partners(H, actor, k=RECOMMENDED, **pooling))
    effects = scenario_effects(G0, a0, H, a, name=s.name, recommendations=recs)
    summary = summarise(s, st["day"], G0, a0, H, a, effects)
    if isinstance(a, ScenarioAnalysis):
        same = a.network is not None and a0.network is not None and same_network_arrays(a0.network, a.network)
        a = replace(a, network=None, summary={**a.summary, "network_unchanged": same})
    return a, effects, summary
