"""Two actors side by side: shared organisations and agreements, the path between them, capabilities and gaps, what each could pool for the other, who would recommend whom, alignment.

:func:`compare` reads the network of one day (``as_of``, default today):

- *shared organisations*: organisations both are members of, with each one's ``since``
  (``since_date`` where the data has it);
- *agreements*: every ``COOPERATES_WITH`` between them, either direction, with its
  instrument, dates, ``pools`` and ``status``;
- *path*: a shortest path between them over memberships and cooperation (hops, direction
  ignored), and the actors and organisations it goes through;
- *capabilities*: one row per capability either holds or needs: each one's level, whether it
  holds it (level at or above the threshold), its need weight and its gap status from
  :func:`graphkit.analysis.capability_gaps` (``own``, ``pooled`` with the route, ``open``);
- *could pool*: what each holds that the other needs and does not hold (the content of a
  new agreement between them, pooling all);
- *recommendations*: the rank of each in the other's :func:`~graphkit.analysis.recommend_partners`
  (None: not among the first ``k``);
- *alignment*: when the graph holds ``POSITION`` relationships (an actor's stance on a
  ``Norm``): the share of norms both took a position on where they agree, an abstention
  against a yes or no counting half; None when either has no position.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from graphkit import schema
from graphkit.analysis.gaps import capability_gaps
from graphkit.analysis.recommend import recommend_partners
from graphkit.defaults import DEFAULT_THRESHOLD, DEFAULT_TYPES
from graphkit.errors import AnalysisError
from graphkit.graph import as_of, as_of_date
from graphkit.suggest import close_matches

__all__ = ["compare", "Comparison", "CAPABILITY_COLUMNS", "check_actor"]

CAPABILITY_COLUMNS = (
    "capability_id", "capability_name", "level_a", "level_b", "holds_a", "holds_b", "need_a", "need_b",
    "status_a", "status_b", "route_a", "route_b",
)  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare` finds; ``to_dict`` / ``to_json`` for machines."""

    a: str
    b: str
    name_a: str
    name_b: str
    kind_a: Any
    kind_b: Any
    day: str
    shared_organisations: pd.DataFrame = field(repr=False)
    only_a: list[str]
    only_b: list[str]
    agreements: pd.DataFrame = field(repr=False)
    path: list[str]
    path_steps: list[str]
    capabilities: pd.DataFrame = field(repr=False)
    a_could_pool_for_b: list[str]
    b_could_pool_for_a: list[str]
    b_rank_for_a: int | None
    a_rank_for_b: int | None
    alignment: float | None
    positions_shared: int

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for k in ("shared_organisations", "agreements", "capabilities"):
            df = out[k]
            out[k] = json.loads(df.to_json(orient="records", date_format="iso"))
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=str)


def compare(
    G: nx.MultiDiGraph,
    a: str,
    b: str,
    *,
    as_of: Any = "today",
    threshold: float = DEFAULT_THRESHOLD,
    partners: Any = DEFAULT_TYPES,
    k: int = 10,
) -> Comparison:
    """Actors ``a`` and ``b`` side by side (see the module docstring).

    Raises
    ------
    AnalysisError
        When ``a`` or ``b`` is not an actor (with a "did you mean"), or they are the same.

    Examples
    --------
    >>> c = gk.compare(gk.load(gk.SAMPLE), "DEU", "FRA", as_of="2024")
    >>> c.shared_organisations["organisation_id"].tolist(), c.path
    (['NATO', 'EU'], ['DEU', 'NATO', 'FRA'])
    """
    H = _dated(G, as_of)
    for x in (a, b):
        check_actor(H, x)
    if a == b:
        raise AnalysisError(f"compare needs two different actors, got {a!r} twice")
    day = H.graph.get("as_of") or "all"
    orgs_a, orgs_b = _memberships(H, a), _memberships(H, b)
    shared = [o for o in orgs_a if o in orgs_b]
    shared_df = pd.DataFrame(
        [
            {"organisation_id": o, "name": _name(H, o), "since_a": orgs_a[o], "since_b": orgs_b[o]}
            for o in shared
        ],
        columns=["organisation_id", "name", "since_a", "since_b"],
    )
    agreements = pd.DataFrame(
        [
            {"source": u, "target": v, "instrument": d.get("instrument"), "since": _when(d, schema.TIE_START),
             "until": _when(d, schema.TIE_END), "pools": d.get("pools"), "status": d.get("status"),
             "evidence": d.get("source_ref") or d.get("source")}
            for u, v, d in H.edges(data=True)
            if d.get("type") == "COOPERATES_WITH" and {u, v} == {a, b}
        ],
        columns=["source", "target", "instrument", "since", "until", "pools", "status", "evidence"],
    )  # fmt: skip
    path, steps = _path(H, a, b)
    caps = _capabilities(H, a, b, threshold, partners)
    could_ab = caps[caps["holds_a"] & (caps["need_b"] > 0) & ~caps["holds_b"]]["capability_id"].tolist()
    could_ba = caps[caps["holds_b"] & (caps["need_a"] > 0) & ~caps["holds_a"]]["capability_id"].tolist()
    rank_b = _rank_in(recommend_partners(H, a, k=k, threshold=threshold, partners=partners), b)
    rank_a = _rank_in(recommend_partners(H, b, k=k, threshold=threshold, partners=partners), a)
    alignment, n = _alignment(H, a, b)
    return Comparison(
        a=a, b=b, name_a=_name(H, a), name_b=_name(H, b), kind_a=H.nodes[a].get("kind"),
        kind_b=H.nodes[b].get("kind"), day=day, shared_organisations=shared_df,
        only_a=[o for o in orgs_a if o not in orgs_b], only_b=[o for o in orgs_b if o not in orgs_a],
        agreements=agreements, path=path, path_steps=steps, capabilities=caps, a_could_pool_for_b=could_ab,
        b_could_pool_for_a=could_ba, b_rank_for_a=rank_b, a_rank_for_b=rank_a, alignment=alignment,
        positions_shared=n,
    )  # fmt: skip


# ---- helpers ---------------------------------------------------------------------------------


def _dated(G: nx.MultiDiGraph, when: Any) -> nx.MultiDiGraph:
    cut = G.graph.get("as_of")
    if cut and isinstance(when, str) and when.strip().lower() == "today":
        return G
    day = as_of_date(when)
    if day is None or cut == day.isoformat():
        return G
    return as_of(G, day)


def check_actor(H: nx.MultiDiGraph, x: str) -> None:
    """Raise :class:`AnalysisError` with a "did you mean" unless ``x`` is an actor of ``H``."""
    if x in H and H.nodes[x].get("label") == schema.ACTOR:
        return
    actors = [n for n, d in H.nodes(data=True) if d.get("label") == schema.ACTOR]
    found = close_matches(x, actors, cutoff=0.75 if len(x) > 4 else 0.5)
    by_name = [n for n in actors if str(H.nodes[n].get("name", "")).casefold() == x.casefold()]
    found = by_name + [f for f in found if f not in by_name]
    hint = f" (did you mean {' or '.join(repr(f) for f in found[:3])}?)" if found else ""
    raise AnalysisError(f"no actor {x!r}{hint}; ids are case-sensitive (see actors.csv)")


def _name(H: nx.MultiDiGraph, x: str) -> str:
    return str(H.nodes[x].get("name", x))


def _when(d: dict[str, Any], keys: tuple[str, str]) -> str | None:
    for key in keys:
        v = d.get(key)
        if v is not None:
            return v.isoformat() if hasattr(v, "isoformat") else str(v)
    return None


def _memberships(H: nx.MultiDiGraph, x: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for _, o, d in H.out_edges(x, data=True):
        if d.get("type") == "MEMBER_OF" and o != x:
            out.setdefault(o, _when(d, schema.TIE_START))
    return out


def _path(H: nx.MultiDiGraph, a: str, b: str) -> tuple[list[str], list[str]]:
    A = nx.Graph()
    for u, v, d in H.edges(data=True):
        t = d.get("type")
        if t in ("MEMBER_OF", "COOPERATES_WITH") and u != v:
            A.add_edge(u, v)
            A[u][v].setdefault("how", set()).add(t)
    if a not in A or b not in A:
        return [], []
    try:
        path = nx.shortest_path(A, a, b)
    except nx.NetworkXNoPath:
        return [], []
    steps = []
    for u, v in zip(path, path[1:], strict=False):
        how = A[u][v]["how"]
        if "COOPERATES_WITH" in how:
            steps.append(f"{_name(H, u)} cooperates with {_name(H, v)}")
        elif any(d.get("type") == "MEMBER_OF" for d in (H.get_edge_data(u, v) or {}).values()):
            steps.append(f"{_name(H, u)} is a member of {_name(H, v)}")
        else:
            steps.append(f"{_name(H, v)} is a member of {_name(H, u)}")
    return path, steps


def _capabilities(H: nx.MultiDiGraph, a: str, b: str, threshold: float, partners: Any) -> pd.DataFrame:
    levels: dict[str, dict[str, float]] = {a: {}, b: {}}
    for x in (a, b):
        for _, c, d in H.out_edges(x, data=True):
            if d.get("type") == "HAS_CAPABILITY":
                lv = d.get("level", 1.0)
                if isinstance(lv, int | float) and not isinstance(lv, bool):
                    levels[x][c] = max(levels[x].get(c, float("-inf")), float(lv))
    gaps = capability_gaps(H, threshold=threshold, partners=partners)
    g = gaps[gaps["actor_id"].isin([a, b])].set_index(["actor_id", "capability_id"])
    caps = [n for n, d in H.nodes(data=True) if d.get("label") == schema.CAPABILITY]
    rows = []
    for c in caps:
        need = {x: int(g.loc[(x, c), "weight"]) if (x, c) in g.index else 0 for x in (a, b)}
        if not (need[a] or need[b] or c in levels[a] or c in levels[b]):
            continue
        status: dict[str, Any] = {}
        route: dict[str, Any] = {}
        for x in (a, b):
            if (x, c) not in g.index:
                status[x], route[x] = "not needed", None
                continue
            r = g.loc[(x, c)]
            status[x] = "own" if r["own"] else "pooled" if r["pooled"] else "open"
            route[x] = r["route"] if status[x] == "pooled" and isinstance(r["route"], str) else None
        rows.append({
            "capability_id": c, "capability_name": _name(H, c), "level_a": levels[a].get(c),
            "level_b": levels[b].get(c), "holds_a": levels[a].get(c, -1) >= threshold,
            "holds_b": levels[b].get(c, -1) >= threshold, "need_a": need[a], "need_b": need[b],
            "status_a": status[a], "status_b": status[b], "route_a": route[a], "route_b": route[b],
        })  # fmt: skip
    return pd.DataFrame(rows, columns=list(CAPABILITY_COLUMNS))


def _rank_in(recs: pd.DataFrame, x: str) -> int | None:
    hit = recs[recs["partner_id"] == x]
    return int(hit["rank"].iloc[0]) if len(hit) else None


_YES = {"yes", "signed", "ratified", "supports", "support", "for", "in favour", "in favor"}
_NO = {"no", "against", "opposes", "oppose"}
_ABSTAIN = {"abstain", "abstained", "abstention"}


def _stance(value: Any) -> str | None:
    v = str(value or "").strip().lower()
    if v in _YES:
        return "yes"
    if v in _NO:
        return "no"
    if v in _ABSTAIN:
        return "abstain"
    return None


def _alignment(H: nx.MultiDiGraph, a: str, b: str) -> tuple[float | None, int]:
    pos: dict[str, dict[str, str]] = {a: {}, b: {}}
    for x in (a, b):
        for _, norm, d in H.out_edges(x, data=True):
            if d.get("type") == "POSITION":
                s = _stance(d.get("stance"))
                if s is not None:
                    pos[x][norm] = s
    both = [n for n in pos[a] if n in pos[b]]
    if not both:
        return None, 0
    score = 0.0
    for n in both:
        sa, sb = pos[a][n], pos[b][n]
        score += 1.0 if sa == sb else 0.5 if "abstain" in (sa, sb) else 0.0
    return score / len(both), len(both)
