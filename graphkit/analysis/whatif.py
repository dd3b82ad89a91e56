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

import datetime as _dt
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis import parallel
from graphkit.analysis.centrality import centrality_table
from graphkit.analysis.clusters import cluster_membership, cluster_table
from graphkit.analysis.engine import ActorNetwork, actor_network, check_types
from graphkit.analysis.gaps import capability_gaps, critical_actors, uncovered_threats
from graphkit.analysis.measures import MEASURES, RANKED_MEASURES
from graphkit.analysis.recommend import recommend_partners
from graphkit.analysis.run import Analysis, analyze
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
    apply_changes,
    as_scenarios,
    touched_actors,
)
from graphkit.defaults import DEFAULT_SEED, DEFAULT_TYPES, EXACT_THRESHOLD, RESTARTS, SAMPLES
from graphkit.errors import AnalysisError
from graphkit.graph import as_of, as_of_date, not_in_force
from graphkit.progress import Progress

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

EFFECT_COLUMNS = (
    "scenario", "effect", "actor_id", "actor_name", "kind", "item_id", "item_name", "weight",
    "before", "after", "moved", "route_before", "route_after", "detail",
)  # fmt: skip
"""Columns of ``whatif.csv``: one row per scenario, actor (or threat) and effect."""

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


def scenario_analysis(
    G: nx.MultiDiGraph, *, reuse: ScenarioAnalysis | None = None, **options: Any
) -> ScenarioAnalysis:
    """Centrality (the ranked measures), clusters, gaps, gap summary, critical actors and
    uncovered threats of ``G`` with the options of :func:`graphkit.analysis.analyze`
    (``G`` already cut to its day: ``as_of`` is not taken).

    ``reuse``: an analysis whose actor network, when equal to ``G``'s, lends its centrality
    and clusters (they depend on nothing else).
    """
    o = dict(options)
    o.pop("as_of", None)
    o.pop("perturb", None)
    o.pop("progress", None)
    types = check_types([o.get("types", DEFAULT_TYPES)] if isinstance(o.get("types"), str)
                        else o.get("types", DEFAULT_TYPES))  # fmt: skip
    net = actor_network(G, types, weight=o.get("weight"), two_mode=True)
    engine = o.get("engine", "auto")
    seed = o.get("seed", DEFAULT_SEED)
    if reuse is not None and reuse.network is not None and _same_arrays(reuse.network, net):
        cent, clusters = reuse.centrality, reuse.clusters
    else:
        with parallel.using(o.get("jobs") or 1):
            cent, _ = centrality_table(
                net, engine=engine, exact_threshold=o.get("exact_threshold", EXACT_THRESHOLD),
                samples=o.get("samples", SAMPLES), seed=seed, measures=[m.name for m in RANKED_MEASURES],
            )  # fmt: skip
        membership, _ = cluster_membership(
            net, method=o.get("method", "louvain"), resolution=o.get("resolution", 1.0), seed=seed,
            restarts=o.get("restarts", RESTARTS), engine=engine,
        )  # fmt: skip
        clusters = cluster_table(net, membership)
    pooling = {k: o[k] for k in ("threshold", "partners") if k in o}
    gaps = capability_gaps(G, **pooling)
    gsum = gap_totals(gaps, G)
    crit = critical_actors(G, engine=engine, **pooling)
    unc = uncovered_threats(G, **({"threshold": o["threshold"]} if "threshold" in o else {}))
    known = gaps["assessed"].astype(bool) & gaps["capability_assessed"].astype(bool) & ~gaps["pooled"].astype(bool)
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
    NaN for an unassessed actor; coalition gap = weight of needs not pooled; closed by
    cooperation = weight of known needs pooled, not owned (NaN for an unassessed actor).

    Examples
    --------
    >>> G = gk.load(gk.SAMPLE)
    >>> mine = gap_totals(gk.capability_gaps(G)).set_index("actor_id")
    >>> theirs = gk.gap_summary(G).set_index("actor_id")
    >>> bool(mine["coalition_gap"].equals(theirs["coalition_gap"].astype(float)))
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
        gaps.assign(_own=w.where(known & ~gaps["own"].astype(bool), 0.0), _co=w.where(~gaps["pooled"].astype(bool), 0.0),
                    _cl=w.where(known & ~gaps["own"].astype(bool) & gaps["pooled"].astype(bool), 0.0))
        .groupby("actor_id", sort=False)
        .agg(name=("actor_name", "first"), assessed=("assessed", "first"), own_gap=("_own", "sum"),
             coalition_gap=("_co", "sum"), closed_by_cooperation=("_cl", "sum"))
        .reset_index()
    )  # fmt: skip
    t["own_gap"] = t["own_gap"].where(t["assessed"].astype(bool), np.nan)
    t["closed_by_cooperation"] = t["closed_by_cooperation"].where(t["assessed"].astype(bool), np.nan)
    t["kind"] = [G.nodes[a].get("kind") if G is not None and a in G else None for a in t["actor_id"]]
    return t[cols]


def _same_arrays(a: ActorNetwork, b: ActorNetwork) -> bool:
    return (
        a.ids == b.ids
        and a.m == b.m
        and bool(np.array_equal(a.src, b.src))
        and bool(np.array_equal(a.dst, b.dst))
        and bool(np.array_equal(a.weight, b.weight))
    )


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

    Raises
    ------
    AnalysisError
        Before any analysis, for the first change that cannot be applied (see
        :func:`graphkit.analysis.scenarios.apply_changes`), and for ``as_of="all"``.
    """
    progress = progress or Progress(quiet=True)
    options.pop("perturb", None)
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

    def analysed(H: nx.MultiDiGraph, reuse: Any = None) -> Any:
        if full:
            return analyze(H, progress=Progress(quiet=True), **options)
        return scenario_analysis(H, reuse=reuse, **options)

    if baseline is None:
        with progress.step("baseline analysis"):
            baseline = analysed(base_graph)
    elif baseline.summary.get("as_of") != day.isoformat():
        raise AnalysisError(
            f"the baseline analysis is of {baseline.summary.get('as_of')}, the scenarios of {day.isoformat()}"
        )
    pooling = {k: options[k] for k in ("threshold", "partners") if k in options}
    base_recs: dict[str, pd.DataFrame] = {}
    results = []
    for i, (s, H) in enumerate(zip(items, graphs, strict=True)):
        with progress.step(f"scenario {s.name}"):
            a = analysed(H, baseline)
            recs: dict[str, tuple[pd.DataFrame | None, pd.DataFrame | None]] = {}
            if recommend:
                for actor in touched_actors(s.changes):
                    if actor in base_graph and actor not in base_recs:
                        base_recs[actor] = recommend_partners(base_graph, actor, k=RECOMMENDED, **pooling)
                    after = recommend_partners(H, actor, k=RECOMMENDED, **pooling)
                    recs[actor] = (base_recs.get(actor), after)
            effects = scenario_effects(base_graph, baseline, H, a, name=s.name, recommendations=recs)
            summary = _summary(s, day, base_graph, baseline, H, a, effects)
        progress.count("scenarios", i + 1, len(items), unit="scenarios")
        results.append(ScenarioResult(s, H, a, effects, summary))
    return WhatIf(day.isoformat(), baseline, tuple(results))


def scenario_effects(
    G0: nx.MultiDiGraph,
    a0: Any,
    G1: nx.MultiDiGraph,
    a1: Any,
    *,
    name: str = "scenario",
    recommendations: dict[str, tuple[pd.DataFrame | None, pd.DataFrame | None]] | None = None,
) -> pd.DataFrame:
    """The effects (:data:`EFFECT_COLUMNS`) of going from graph ``G0`` analysed as ``a0`` to
    ``G1`` analysed as ``a1`` (module docstring); ``recommendations`` maps an actor to its
    recommendations before and after."""
    rows: list[dict[str, Any]] = []
    rows += _actor_rows(G0, G1)
    rows += _gap_rows(a0, a1)
    rows += _gap_total_rows(a0, a1)
    rows += _rank_rows(a0, a1)
    rows += _cluster_rows(a0, a1)
    rows += _critical_rows(a0, a1)
    rows += _threat_rows(a0, a1)
    for actor, (before, after) in (recommendations or {}).items():
        rows += _recommendation_rows(G0, G1, actor, before, after)
    df = pd.DataFrame(rows, columns=list(EFFECT_COLUMNS[1:]))
    df.insert(0, "scenario", name)
    for col in df.columns:
        if col not in ("weight", "moved"):  # text (or mixed) columns: None where empty, never NaN
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


# ---- effects, table by table ------------------------------------------------------------------


def _row(effect: str, actor: Any = None, names: Any = None, **kw: Any) -> dict[str, Any]:
    r = {c: None for c in EFFECT_COLUMNS[1:]}
    r["effect"] = effect
    if actor is not None:
        r["actor_id"] = actor
        if names is not None:
            r["actor_name"], r["kind"] = names
    r.update(kw)
    return r


def _info(G: nx.MultiDiGraph, a: str) -> tuple[str, Any]:
    d = G.nodes[a] if a in G else {}
    return str(d.get("name", a)), d.get("kind")


def _actor_rows(G0: nx.MultiDiGraph, G1: nx.MultiDiGraph) -> list[dict[str, Any]]:
    rows = []
    actors0 = {n for n, d in G0.nodes(data=True) if d.get("label") == "Actor"}
    actors1 = {n for n, d in G1.nodes(data=True) if d.get("label") == "Actor"}
    for a in sorted(actors1 - actors0):
        rows.append(_row("actor_added", a, _info(G1, a)))
    for a in sorted(actors0 - actors1):
        rows.append(_row("actor_removed", a, _info(G0, a)))
    return rows


def _status(own: Any, pooled: Any) -> str:
    if own is True:
        return "own"
    return "pooled" if pooled is True else "open"


def _route(status: str, route: Any) -> str | None:
    if status == "own":
        return "own"
    if status == "pooled":
        return str(route) if isinstance(route, str) else None
    return None


def _gap_rows(a0: Any, a1: Any) -> list[dict[str, Any]]:
    keep = ["actor_id", "capability_id", "weight", "own", "pooled", "route", "via_partner",
            "actor_name", "capability_name"]  # fmt: skip
    g0 = a0.gaps[keep].astype({"own": object, "pooled": object})
    g1 = a1.gaps[keep].astype({"own": object, "pooled": object})
    m = g0.merge(g1, on=["actor_id", "capability_id"], how="outer", suffixes=("_0", "_1"), indicator=True, sort=False)
    same = (
        (m["_merge"] == "both")
        & (m["own_0"] == m["own_1"])
        & (m["pooled_0"] == m["pooled_1"])
        & (m["route_0"].fillna("") == m["route_1"].fillna(""))
        & (m["via_partner_0"].fillna("") == m["via_partner_1"].fillna(""))
    )
    m = m[~same.to_numpy(dtype=bool)]
    kinds = dict(zip(a0.gap_summary["actor_id"], a0.gap_summary["kind"], strict=False))
    kinds.update(zip(a1.gap_summary["actor_id"], a1.gap_summary["kind"], strict=False))
    rows = []
    for r in m.to_dict("records"):
        side = r["_merge"]
        a, c = r["actor_id"], r["capability_id"]
        aname = r["actor_name_1"] if isinstance(r["actor_name_1"], str) else r["actor_name_0"]
        cname = r["capability_name_1"] if isinstance(r["capability_name_1"], str) else r["capability_name_0"]
        names = (aname, kinds.get(a))
        if side == "left_only":
            s0 = _status(r["own_0"], r["pooled_0"])
            rows.append(_row("need_removed", a, names, item_id=c, item_name=cname, weight=int(r["weight_0"]),
                             before=s0, route_before=_route(s0, r["route_0"])))  # fmt: skip
            continue
        if side == "right_only":
            s1 = _status(r["own_1"], r["pooled_1"])
            rows.append(_row("need_added", a, names, item_id=c, item_name=cname, weight=int(r["weight_1"]),
                             after=s1, route_after=_route(s1, r["route_1"])))  # fmt: skip
            continue
        s0, s1 = _status(r["own_0"], r["pooled_0"]), _status(r["own_1"], r["pooled_1"])
        rb, ra = _route(s0, r["route_0"]), _route(s1, r["route_1"])
        w = int(r["weight_1"])
        effect = None
        if s0 == "open" and s1 != "open":
            effect = "coalition_gap_closed"
        elif s0 != "open" and s1 == "open":
            effect = "coalition_gap_opened"
        elif s0 == "pooled" and s1 == "own":
            effect = "own_gap_closed"
        elif s0 == "own" and s1 == "pooled":
            effect = "own_gap_opened"
        elif s0 == "pooled" and s1 == "pooled" and (rb != ra or r["via_partner_0"] != r["via_partner_1"]):
            effect = "rerouted"
        if effect:
            detail = r["via_partner_1"] if s1 == "pooled" else r["via_partner_0"] if s0 == "pooled" else None
            rows.append(_row(effect, a, names, item_id=c, item_name=cname, weight=w, before=s0, after=s1,
                             route_before=rb, route_after=ra, detail=detail))  # fmt: skip
    return rows


def _gap_total_rows(a0: Any, a1: Any) -> list[dict[str, Any]]:
    cols = ["actor_id", "name", "kind", "own_gap", "coalition_gap"]
    m = a0.gap_summary[cols].merge(a1.gap_summary[cols], on="actor_id", how="outer", suffixes=("_0", "_1"))
    rows = []
    for r in m.to_dict("records"):
        names = (r["name_1"] if isinstance(r["name_1"], str) else r["name_0"], r["kind_1"] if isinstance(r["name_1"], str) else r["kind_0"])
        for what in ("coalition_gap", "own_gap"):
            b, f = _num(r[f"{what}_0"]), _num(r[f"{what}_1"])
            if b != f:
                moved = None if b is None or f is None else f - b
                rows.append(_row(what, r["actor_id"], names, before=b, after=f, moved=moved))
    return rows


def _num(v: Any) -> float | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    return float(v)


def _rank_rows(a0: Any, a1: Any) -> list[dict[str, Any]]:
    c0, c1 = a0.centrality, a1.centrality
    cols = [f"{m.name}_kind_rank" for m in RANKED_MEASURES if f"{m.name}_kind_rank" in c0 and f"{m.name}_kind_rank" in c1]
    if not cols:
        return []
    x = c0[["id", "name", "kind", *cols]].merge(c1[["id", "name", "kind", *cols]], on="id", how="outer",
                                                suffixes=("_0", "_1"))  # fmt: skip
    name = x["name_1"].where(x["name_1"].notna(), x["name_0"]).tolist()
    kind = x["kind_1"].where(x["name_1"].notna(), x["kind_0"]).tolist()
    ids = x["id"].tolist()
    rows = []
    for m in RANKED_MEASURES:
        col = f"{m.name}_kind_rank"
        if col not in cols:
            continue
        r0 = x[f"{col}_0"].astype("float64").to_numpy()
        r1 = x[f"{col}_1"].astype("float64").to_numpy()
        differ = ~((r0 == r1) | (np.isnan(r0) & np.isnan(r1)))
        for i in np.flatnonzero(differ).tolist():
            b = None if np.isnan(r0[i]) else float(r0[i])
            f = None if np.isnan(r1[i]) else float(r1[i])
            rows.append(_row("rank", ids[i], (name[i], kind[i]), item_id=m.name, item_name=m.title,
                             before=b, after=f, moved=None if b is None or f is None else b - f))  # fmt: skip
    return rows


def _plain(v: Any) -> Any:
    return None if v is pd.NA else v


def match_clusters(c0: pd.DataFrame, c1: pd.DataFrame) -> dict[int, int]:
    """Scenario cluster -> baseline cluster, one to one, by the most actors shared (greedy;
    ties: lower baseline, then scenario cluster number). Unmatched scenario clusters are absent."""
    m = c0[["id", "cluster"]].merge(c1[["id", "cluster"]], on="id", suffixes=("_0", "_1"))
    counts = m.groupby(["cluster_0", "cluster_1"]).size().reset_index(name="n")
    counts = counts.sort_values(["n", "cluster_0", "cluster_1"], ascending=[False, True, True], kind="stable")
    out: dict[int, int] = {}
    used: set[int] = set()
    for k0, k1, _ in counts.itertuples(index=False):
        if int(k1) in out or int(k0) in used:
            continue
        out[int(k1)] = int(k0)
        used.add(int(k0))
    return out


def _cluster_rows(a0: Any, a1: Any) -> list[dict[str, Any]]:
    c0, c1 = a0.clusters, a1.clusters
    if c0.empty or c1.empty:
        return []
    match = match_clusters(c0, c1)
    name0 = dict(zip(c0["cluster"].astype(int), c0["cluster_name"], strict=True))
    name1 = dict(zip(c1["cluster"].astype(int), c1["cluster_name"], strict=True))
    before = dict(zip(c0["id"], c0["cluster"].astype(int), strict=True))
    rows = []
    for r in c1.to_dict("records"):
        a = r["id"]
        if a not in before:
            continue
        k1 = int(r["cluster"])
        k0 = before[a]
        if match.get(k1) == k0:
            continue
        after = f"cluster of {name0[match[k1]]}" if k1 in match else f"a new cluster (of {name1[k1]})"
        rows.append(_row("cluster_changed", a, (r["name"], r["kind"]), before=f"cluster of {name0[k0]}",
                         after=after))  # fmt: skip
    return rows


def _critical_rows(a0: Any, a1: Any) -> list[dict[str, Any]]:
    c0 = a0.critical_actors.set_index("actor_id")
    c1 = a1.critical_actors.set_index("actor_id")
    rows = []
    for a in list(dict.fromkeys([*c0.index, *c1.index])):
        w0 = int(c0.at[a, "opened_weight"]) if a in c0.index else 0
        w1 = int(c1.at[a, "opened_weight"]) if a in c1.index else 0
        p0 = bool(c0.at[a, "articulation_point"]) if a in c0.index else False
        p1 = bool(c1.at[a, "articulation_point"]) if a in c1.index else False
        if w0 == w1 and p0 == p1:
            continue
        src = c1 if a in c1.index else c0
        detail = None
        if p0 != p1:
            detail = "becomes a cut vertex of the partner network" if p1 else "is no longer a cut vertex"
        rows.append(_row("critical", a, (src.at[a, "name"], src.at[a, "kind"]), before=w0, after=w1,
                         moved=w1 - w0, detail=detail))  # fmt: skip
    return rows


def _threat_rows(a0: Any, a1: Any) -> list[dict[str, Any]]:
    u0 = a0.uncovered_threats.set_index("threat_id")
    u1 = a1.uncovered_threats.set_index("threat_id")
    rows = []
    for t in u1.index.difference(u0.index, sort=False):
        rows.append(_row("threat_uncovered", item_id=t, item_name=u1.at[t, "name"],
                         detail="; ".join(u1.at[t, "missing_capabilities"])))  # fmt: skip
    for t in u0.index.difference(u1.index, sort=False):
        rows.append(_row("threat_covered", item_id=t, item_name=u0.at[t, "name"],
                         detail="; ".join(u0.at[t, "missing_capabilities"])))  # fmt: skip
    return rows


def _recommendation_rows(
    G0: nx.MultiDiGraph, G1: nx.MultiDiGraph, actor: str, before: pd.DataFrame | None, after: pd.DataFrame | None
) -> list[dict[str, Any]]:
    rank0 = {} if before is None else dict(zip(before["partner_id"], before["rank"], strict=True))
    rank1 = {} if after is None else dict(zip(after["partner_id"], after["rank"], strict=True))
    reasons = {} if before is None else dict(zip(before["partner_id"], before["reason"], strict=True))
    if after is not None:
        reasons.update(zip(after["partner_id"], after["reason"], strict=True))
    names = _info(G1 if actor in G1 else G0, actor)
    rows = []
    for p in list(dict.fromkeys([*rank1, *rank0])):
        b, f = rank0.get(p), rank1.get(p)
        rows.append(_row("recommendation", actor, names, item_id=p, item_name=_info(G1 if p in G1 else G0, p)[0],
                         before=None if b is None else int(b), after=None if f is None else int(f),
                         moved=None if b is None or f is None else int(b) - int(f), detail=reasons.get(p)))  # fmt: skip
    return rows


# ---- the summary and its sentences -------------------------------------------------------------


def _summary(
    s: Scenario, day: _dt.date, G0: nx.MultiDiGraph, a0: Any, G1: nx.MultiDiGraph, a1: Any,
    effects: pd.DataFrame,
) -> ScenarioSummary:
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
    network_changed = not _same_network(a0, a1)
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


def _same_network(a0: Any, a1: Any) -> bool:
    n0, n1 = getattr(a0, "network", None), getattr(a1, "network", None)
    if n0 is not None and n1 is not None:
        return _same_arrays(n0, n1)
    g0, g1 = a0.summary.get("graph", {}), a1.summary.get("graph", {})
    if (g0.get("actors"), g0.get("actor_links")) != (g1.get("actors"), g1.get("actor_links")):
        return False
    cols = [m.name for m in RANKED_MEASURES if m.name in a0.centrality and m.name in a1.centrality]
    x = a0.centrality[["id", *cols]].merge(a1.centrality[["id", *cols]], on="id", suffixes=("_0", "_1"))
    if len(x) != len(a0.centrality):
        return False
    return all(np.allclose(x[f"{c}_0"].astype(float), x[f"{c}_1"].astype(float), equal_nan=True) for c in cols)


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
        return f"its tie to {n(c.org)} {c.status}" if c.status != "active" else f"resuming its tie to {n(c.org)}"
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
    s: Scenario, G0: nx.MultiDiGraph, G1: nx.MultiDiGraph, a0: Any, a1: Any, e: pd.DataFrame,
    part: Any, network_changed: bool,
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
                text += f"; {_count(len(rerouted), 'more is', 'more are')} covered elsewhere ({_caps(rerouted)})"
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
            bits.append(f"closes needs of {_count(len(oc), 'other actor', 'other actors')} ({_names(G0, G1, oc)})")
        if oo:
            bits.append(f"opens needs of {_count(len(oo), 'other actor', 'other actors')} ({_names(G0, G1, oo)})")
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
            if r["before"] is None or r["after"] is None or r["before"] != r["before"] or r["after"] != r["after"]:
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
            top = moved.assign(_a=moved["moved"].abs()).sort_values(["_a", "actor_id"], ascending=[False, True]).head(3)
            out.append(
                "Largest betweenness moves within kind: "
                + ", ".join(f"{r['actor_name']} {_signed(int(r['moved']))}" for r in top.to_dict("records"))
                + "."
            )
        cc = part("cluster_changed")
        if len(cc):
            shown = ", ".join(
                f"{r['actor_name']} (from the {r['before']} to {'the ' if r['after'].startswith('cluster') else ''}{r['after']})"
                for r in cc.head(4).to_dict("records")
            )
            more = f" and {len(cc) - 4} more" if len(cc) > 4 else ""
            out.append(f"{_count(len(cc), 'actor changes', 'actors change')} cluster: {shown}{more}.")
        else:
            out.append("No actor changes cluster.")
    crit = part("critical")
    if len(crit):
        new = crit[(crit["before"] == 0) & (crit["after"] > 0)]
        gone = crit[(crit["before"] > 0) & (crit["after"] == 0)]
        bits = []
        if len(new):
            bits.append(f"{_names(G0, G1, new['actor_id'].tolist())} become{'s' if len(new) == 1 else ''} critical")
        if len(gone):
            bits.append(f"{_names(G0, G1, gone['actor_id'].tolist())} {'is' if len(gone) == 1 else 'are'} no longer critical")
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
