"""What if, step 4: the effects of a scenario, table by table, against the baseline (see :mod:`graphkit.analysis.whatif`)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit.analysis.engine import ActorNetwork
from graphkit.analysis.measures import RANKED_MEASURES

__all__ = ["scenario_effects", "match_clusters", "same_network", "same_network_arrays", "EFFECT_COLUMNS"]

EFFECT_COLUMNS = (
    "scenario", "effect", "actor_id", "actor_name", "kind", "item_id", "item_name", "weight",
    "before", "after", "moved", "route_before", "route_after", "detail",
)  # fmt: skip
"""Columns of ``whatif.csv``: one row per scenario, actor (or threat) and effect."""


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
    r: dict[str, Any] = {c: None for c in EFFECT_COLUMNS[1:]}
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
    m = g0.merge(
        g1, on=["actor_id", "capability_id"], how="outer", suffixes=("_0", "_1"), indicator=True, sort=False
    )
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
        names = (
            r["name_1"] if isinstance(r["name_1"], str) else r["name_0"],
            r["kind_1"] if isinstance(r["name_1"], str) else r["kind_0"],
        )
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
    cols = [
        f"{m.name}_kind_rank"
        for m in RANKED_MEASURES
        if f"{m.name}_kind_rank" in c0 and f"{m.name}_kind_rank" in c1
    ]
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
    G0: nx.MultiDiGraph,
    G1: nx.MultiDiGraph,
    actor: str,
    before: pd.DataFrame | None,
    after: pd.DataFrame | None,
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


def same_network_arrays(a: ActorNetwork, b: ActorNetwork) -> bool:
    """Whether two actor networks are the same: actors, ties and strengths."""
    return a.ids == b.ids and a.same_ties(b)


def same_network(a0: Any, a1: Any) -> bool:
    """Whether two analyses are of the same actor network (their networks, else their centrality)."""
    n0, n1 = getattr(a0, "network", None), getattr(a1, "network", None)
    if n0 is not None and n1 is not None:
        return same_network_arrays(n0, n1)
    known = (getattr(a1, "summary", None) or {}).get("network_unchanged")
    if known is not None:
        return bool(known)
    g0, g1 = a0.summary.get("graph", {}), a1.summary.get("graph", {})
    if (g0.get("actors"), g0.get("actor_links")) != (g1.get("actors"), g1.get("actor_links")):
        return False
    cols = [m.name for m in RANKED_MEASURES if m.name in a0.centrality and m.name in a1.centrality]
    x = a0.centrality[["id", *cols]].merge(a1.centrality[["id", *cols]], on="id", suffixes=("_0", "_1"))
    if len(x) != len(a0.centrality):
        return False
    return all(
        np.allclose(x[f"{c}_0"].astype(float), x[f"{c}_1"].astype(float), equal_nan=True) for c in cols
    )
