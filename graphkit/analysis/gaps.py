"""Capability gaps: what each actor needs, what it holds alone, and what its partners add.

Definitions (DESIGN.md, made exact here):

- *needed(A)*: the capabilities ``REQUIRES``-d by the threats that ``TARGETS`` A; the
  ``weight`` of a need is the number of distinct threats targeting A that require it.
- *own(A)*: the capabilities A holds through ``HAS_CAPABILITY`` with ``level`` at or above
  ``threshold`` (a relationship without ``level`` counts as level 1).
- *assessed*: A has at least one ``HAS_CAPABILITY`` (at any level). For an unassessed actor
  the own gap is unknown (NaN), not total. A need (A, c) is *capability-assessed* when an
  assessment that rated A covers c: the ``HAS_CAPABILITY`` rows of one ``assessment`` (a
  relationship property naming the index or record, e.g. ``ITU GCI 2024``) and one actor
  kind cover the capabilities any of them rates, and A is rated by those it has a row in.
  Rows without ``assessment`` form one assessment per actor kind, so without the property
  a need is capability-assessed when A is assessed and some actor of A's kind has a level
  for c. A state rated only on attribution is not thereby rated on incident response: its
  missing index row is no data, not a lack (a coverage hole). Needs of unassessed actors
  and capability-unassessed needs are *unknown* (status
  ``no data``): left out of own gaps, of coalition gaps, of what cooperation closes and of
  critical-actor sums; a partner that holds c still covers them (status ``covered``).
- *pooled(A)*, within each link's mandate (``pools``, :mod:`graphkit.analysis.pooling`):
  through ``COOPERATES_WITH``, A gets from the actor at the other end (either direction)
  the capabilities that agreement pools; through ``MEMBER_OF``, from the fellow members of
  each organisation O it belongs to, and from O itself (when A is O: from its members),
  the capabilities O pools. One hop: a partner's partners do not count.
- own gap = weight of known needs not owned; coalition gap = weight of known needs not
  pooled (so never more than the own gap; for an unassessed actor both are unknown, NaN,
  except a coalition gap of 0 when partners cover every need);
  ``closed_by_cooperation`` = weight of known needs pooled but not owned.
- a need's *status*: ``held`` (owned), ``covered`` (pooled, not owned), ``missing`` (known,
  not pooled: a lack the data show), ``no data`` (unknown, not pooled).
- *active ties only*: a membership or agreement pools only while active on the day the graph
  was cut to (``graph["as_of"]``; :func:`graphkit.ties.tie_state`): not dormant, paused
  (a frozen member gets and gives nothing), ended or future.
- *route*: how a pooled need is met, for a reader to check: a direct agreement first
  (the holder with the highest level, then graph order), else an organisation (the
  strongest holder, then the organisation and the holder in graph order).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit import schema
from graphkit.analysis.arrays import unique
from graphkit.analysis.engine import DEFAULT_TYPES, ActorNetwork, AnalysisError, actor_network, resolve_engine
from graphkit.analysis.pooling import agreement_note, agreement_pools, org_pools, pooling_ways
from graphkit.defaults import DEFAULT_THRESHOLD
from graphkit.errors import SchemaError
from graphkit.graph import as_of_date
from graphkit.ties import DEFAULT_DORMANT_AFTER, active_network, adjacency

__all__ = [
    "GapModel",
    "alliance_table",
    "uncovered_table",
    "critical_table",
    "capability_gaps",
    "gap_summary",
    "alliance_gaps",
    "uncovered_threats",
    "critical_actors",
    "need_status",
    "kind_scope",
    "rated_capabilities",
    "NEED_STATUSES",
    "GAP_COLUMNS",
    "DEFAULT_THRESHOLD",
    "SPONSOR_EVIDENCE",
    "counts_as_sponsor",
]

GAP_COLUMNS = ("actor_id", "capability_id", "weight", "own", "pooled")


def capability_gaps(
    G: nx.MultiDiGraph,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    dormant_after: float = DEFAULT_DORMANT_AFTER,
    partners: Iterable[str] = DEFAULT_TYPES,
) -> pd.DataFrame:
    """One row per (actor, needed capability): is it owned, is it pooled through partners?

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A canonical graphkit graph.
    threshold : float
        Minimum ``level`` (0–1) of ``HAS_CAPABILITY`` for a capability to count as held.
    partners : iterable of str
        Relations through which capabilities are pooled: ``COOPERATES_WITH`` and/or
        ``MEMBER_OF`` (see the module docstring).
    dormant_after : float
        Years without evidence after which a tie is dormant and pools nothing (0: never).

    Returns
    -------
    pandas.DataFrame
        ``actor_id, capability_id, weight, own, pooled, actor_name, capability_name, level,
        assessed, capability_assessed, route, via_partner, status``: ``weight`` = number of threats
        targeting the actor that require the capability, ``own``/``pooled`` booleans,
        ``level`` the actor's own best level (NaN if none); ``assessed`` False when the actor
        has no capability data at all, ``capability_assessed`` False when no assessment that
        rated the actor covers the capability (for an unassessed actor: no actor of its kind
        has a level for it; module docstring; either: the own status is unknown); ``route`` how a
        pooled, not owned need is met (``via agreement with JPN (mou, 2019)``, ``via NATO
        (member)``, ``via its member DEU``) and ``via_partner`` the holder; ``status``
        held, covered, missing or no data (module docstring). Actors in graph order; within
        an actor, heaviest need first.

    Examples
    --------
    >>> gaps = gk.analysis.capability_gaps(gk.load(gk.SAMPLE))
    >>> usa = gaps[gaps.actor_id == "USA"]
    >>> usa[["capability_id", "weight", "own", "pooled"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['cap:threat_intel', 2, False, True], ['cap:incident_response', 1, True, True],
     ['cap:attribution', 1, True, True], ['cap:law_enforcement', 1, True, True]]
    >>> usa["route"].iloc[0]
    'via agreement with GBR (joint statement on cyber cooperation, 2011)'

    The EU (an ``international_org`` that declares no ``pools``) pools nothing, so Germany
    gets threat intelligence through NATO, not through the EU:

    >>> gaps[(gaps.actor_id == "DEU") & (gaps.capability_id == "cap:threat_intel")][["route", "via_partner"]].values.tolist()
    [['via NATO (member)', 'GBR']]
    """
    return GapModel(G, threshold=threshold, partners=partners, dormant_after=dormant_after).gap_table()


def gap_summary(
    G: nx.MultiDiGraph,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    dormant_after: float = DEFAULT_DORMANT_AFTER,
    partners: Iterable[str] = DEFAULT_TYPES,
) -> pd.DataFrame:
    """One row per actor with needs: needed weight, own gap, coalition gap and what cooperation closes.

    Returns
    -------
    pandas.DataFrame
        ``actor_id, name, kind, assessed, threats, needed_weight, own_gap, coalition_gap,
        closed_by_cooperation, unknown_weight, closed_capabilities, open_capabilities,
        no_data_capabilities``: ``own_gap``, ``coalition_gap`` and ``closed_by_cooperation``
        count known needs only; ``own_gap`` and ``closed_by_cooperation`` are NaN for an
        unassessed actor, ``coalition_gap`` too unless partners cover every need (then 0); ``unknown_weight`` is the
        weight of needs whose own status is unknown; the last three are lists of capability
        ids, heaviest first (closed by cooperation; missing; not pooled and without data).
        Actors in graph order.

    Examples
    --------
    >>> s = gk.analysis.gap_summary(gk.load(gk.SAMPLE)).set_index("actor_id")
    >>> s.loc["USA", ["needed_weight", "own_gap", "coalition_gap", "closed_by_cooperation"]].tolist()
    [5.0, 2.0, 0.0, 2.0]

    NATO holds no capability on record: it is unassessed, its own gap unknown, not total.

    >>> bool(s.loc["NATO", "assessed"]), float(s.loc["NATO", "coalition_gap"]), float(s.loc["NATO", "own_gap"])
    (False, 0.0, nan)
    """
    model = GapModel(G, threshold=threshold, partners=partners, dormant_after=dormant_after)
    return model.summary_table()


def alliance_gaps(
    G: nx.MultiDiGraph,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    dormant_after: float = DEFAULT_DORMANT_AFTER,
) -> pd.DataFrame:
    """Capability gaps of every organisation that has members, over the organisation and its members.

    needed(O) = capabilities required by the threats that target O or any member, weighted
    by the number of such threats; own(O) = held (level >= threshold) by O or any member.

    Returns
    -------
    pandas.DataFrame
        ``alliance_id, alliance_name, capability_id, capability_name, weight, own,
        holders, members_needing, members, assessed_members`` (``holders``: how many of O
        and its members hold it; ``members_needing``: how many of them need it;
        ``members``: O's members; ``assessed_members``: how many of those have capability
        data at all — a member without data holds nothing on record; ``members_with_level``:
        how many of O and its members have any level for the capability — 0 means the data
        say nothing about it); ``status``: ``held`` (O or a member holds it), ``covered`` (the
        other end of an active agreement of O's, within its mandate), ``missing`` (neither; some
        of O and its members have a level for it), ``no data`` (neither; none has a level).

    Examples
    --------
    >>> a = gk.analysis.alliance_gaps(gk.load(gk.SAMPLE))
    >>> a[(a.alliance_id == "NATO") & ~a.own]["capability_id"].tolist()
    ['cap:ci_protection']
    """
    model = GapModel(G, threshold=threshold, partners=DEFAULT_TYPES, dormant_after=dormant_after)
    return model.alliance_table()


def uncovered_threats(
    G: nx.MultiDiGraph,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    dormant_after: float = DEFAULT_DORMANT_AFTER,
) -> pd.DataFrame:
    """Threats that nobody in the graph can fully answer: some required capability has no holder.

    Threats without any ``REQUIRES`` relationship are not judged (nothing says what
    answers them) and do not appear.

    Returns
    -------
    pandas.DataFrame
        ``threat_id, name, required, missing, missing_capabilities, targets`` (counts, and
        the list of capability ids no actor holds at level >= threshold).

    Examples
    --------
    >>> gk.analysis.uncovered_threats(gk.load(gk.SAMPLE))[["threat_id", "missing_capabilities"]].values.tolist()
    [['threat:sandworm', ['cap:ci_protection']]]
    """
    model = GapModel(G, threshold=threshold, partners=DEFAULT_TYPES, dormant_after=dormant_after)
    return model.uncovered_table()


def critical_actors(
    G: nx.MultiDiGraph,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    dormant_after: float = DEFAULT_DORMANT_AFTER,
    partners: Iterable[str] = DEFAULT_TYPES,
    engine: str = "auto",
) -> pd.DataFrame:
    """Actors whose loss would open coalition gaps of others, and cut vertices of the partner network.

    Removing actor X removes its capabilities and its relationships (an organisation's
    removal dissolves co-membership through it). A need (A, c), pooled but not owned by A,
    opens when every route A has to c passes through X: each agreement route (within its
    mandate) has X as the holder, and each organisation route (an organisation whose
    ``pools`` covers c) is X itself or has X as its only holder of c. An organisation that
    pools nothing is therefore never critical through pooling. Needs of unassessed actors and
    capability-unassessed needs are not summed. Exact, computed without re-running the
    analysis per actor.

    Returns
    -------
    pandas.DataFrame
        ``actor_id, name, kind, opened_weight, opened_gaps, actors_affected,
        articulation_point``: every actor whose loss opens some gap or disconnects the
        network formed by ``partners``; largest ``opened_weight`` first.

    Examples
    --------
    >>> c = gk.analysis.critical_actors(gk.load(gk.SAMPLE))
    >>> c[["actor_id", "opened_weight", "articulation_point"]].head(2).values.tolist()
    [['NATO', 5, False], ['GBR', 4, False]]
    """
    model = GapModel(G, threshold=threshold, partners=partners, dormant_after=dormant_after)
    return model.critical_table(engine=engine)


# ---- the model: every table is computed from integer-coded arrays -----------------

NEAR_THRESHOLD = 0.05
"""Levels within this distance of the threshold are counted as close calls (the report states how many)."""


SPONSOR_EVIDENCE: tuple[str, ...] = ("government", "several_governments")
"""The ``evidence`` grades of ``ATTRIBUTED_TO`` that make a sponsor by default (issue 26).

A row counts as a sponsor when its ``basis`` is ``sponsor`` and its ``evidence`` is one of
these; a ``sponsor`` row without ``evidence`` counts as before (datasets that do not grade).
Pass ``sponsor_evidence=`` with more grades (``vendor``, ``tracker``) to widen: then
``suspected`` rows of those grades count too.
"""


def counts_as_sponsor(d: dict[str, Any], evidence: Iterable[str] = SPONSOR_EVIDENCE) -> bool:
    """Whether an ``ATTRIBUTED_TO`` property dict names a sponsor under the ``evidence`` grades.

    >>> counts_as_sponsor({"basis": "sponsor", "evidence": "vendor"})
    False
    >>> counts_as_sponsor({"basis": "suspected", "evidence": "vendor"}, ("government", "vendor"))
    True
    >>> counts_as_sponsor({"basis": "sponsor"})
    True
    """
    basis = d.get("basis", schema.DEFAULT_ATTRIBUTION_BASIS)
    grade = d.get("evidence")
    if basis == "sponsor":
        return grade is None or grade in evidence
    return basis == "suspected" and grade is not None and grade in evidence


class GapModel:
    def __init__(
        self,
        G: nx.MultiDiGraph,
        *,
        threshold: float,
        partners: Iterable[str],
        sponsor_evidence: Iterable[str] = SPONSOR_EVIDENCE,
        day: Any = None,
        dormant_after: float = DEFAULT_DORMANT_AFTER,
    ) -> None:
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
            raise AnalysisError(f"threshold must be a number from 0 to 1, not {threshold!r}")
        partners = tuple(dict.fromkeys([partners] if isinstance(partners, str) else partners))
        bad = [p for p in partners if p not in DEFAULT_TYPES]
        if bad:
            raise SchemaError(
                f"cannot pool capabilities through {', '.join(map(repr, bad))}; "
                "partners are MEMBER_OF and/or COOPERATES_WITH"
            )
        self.threshold = float(threshold)
        self.partners = partners
        # only active ties pool (graphkit.ties): dormant, paused, ended and future ones do not
        self.day = as_of_date(day if day is not None else G.graph.get("as_of"))
        self.dormant_after = dormant_after
        self.whole = G  # every tie of the day, inactive ones too
        self.G = G = active_network(G, self.day, dormant_after)
        actors, caps, threats = [], [], []
        self.names: dict[str, str] = {}
        self.kinds: dict[str, Any] = {}
        for n, d in G.nodes(data=True):
            label = d.get("label")
            if label == schema.ACTOR:
                actors.append(n)
                self.kinds[n] = d.get("kind")
            elif label == schema.CAPABILITY:
                caps.append(n)
            elif label == schema.THREAT:
                threats.append(n)
            self.names[n] = str(d.get("name", n))
        self.actors, self.caps, self.threats = actors, caps, threats
        self.index = ai = {a: i for i, a in enumerate(actors)}
        ci = {c: i for i, c in enumerate(caps)}
        ti = {t: i for i, t in enumerate(threats)}
        rows: dict[str, list[tuple[int, int]]] = {t: [] for t in schema.RELATIONSHIP_TYPES}
        levels: list[float] = []
        assessments: list[Any] = []  # per HAS_CAPABILITY row: its ``assessment`` (None: none)
        # agreements as (u, v, mask id, instrument, since); masks shared by equal pools values
        agreements: list[tuple[int, int, int, Any, Any]] = []
        mask_ids: dict[Any, int] = {}
        masks: list[np.ndarray] = []
        sponsor_rows: list[tuple[int, int]] = []
        evidence = frozenset(sponsor_evidence)
        for u, nbrs in adjacency(G).items():  # G.edges(data=True), in its order
            for v, ks in nbrs.items():
                for d in ks.values():
                    t = d.get("type")
                    if t == "HAS_CAPABILITY":
                        if u in ai and v in ci:
                            rows[t].append((ai[u], ci[v]))
                            levels.append(_level(d.get("level", 1.0), u, v))
                            assessments.append(d.get("assessment"))
                    elif t == "TARGETS":
                        if u in ti and v in ai:
                            rows[t].append((ti[u], ai[v]))
                    elif t == "REQUIRES":
                        if u in ti and v in ci:
                            rows[t].append((ti[u], ci[v]))
                    elif t == "ATTRIBUTED_TO":
                        basis = d.get("basis", schema.DEFAULT_ATTRIBUTION_BASIS)
                        problem = schema.property_value_problem(t, "basis", basis)
                        if problem:
                            raise SchemaError(f"relationship {u!r} -ATTRIBUTED_TO-> {v!r}: {problem}")
                        if u in ti and v in ai and counts_as_sponsor(d, evidence):
                            sponsor_rows.append((ti[u], ai[v]))
                    elif t == "MEMBER_OF" and u in ai and v in ai and u != v:
                        rows[t].append((ai[u], ai[v]))
                    elif t == "COOPERATES_WITH" and u in ai and v in ai and u != v:
                        value = d.get("pools")
                        memo = value if not isinstance(value, list) else tuple(value)
                        try:
                            mid = mask_ids.get(memo)
                        except TypeError:  # an unhashable value: parse_pools names the problem
                            mid = None
                        if mid is None:
                            mask, _ = agreement_pools(u, v, d, ci)
                            mid = len(masks)
                            masks.append(mask)
                            if not isinstance(memo, tuple) or all(isinstance(x, str) for x in memo):
                                mask_ids[memo] = mid
                        agreements.append((ai[u], ai[v], mid, d.get("instrument"), d.get("since")))
        self.nA, self.nC = len(actors), len(caps)
        C = max(self.nC, 1)

        def arr(t: str) -> np.ndarray:
            return np.asarray(rows[t], dtype=np.int64).reshape(-1, 2)

        has = arr("HAS_CAPABILITY")
        lv = np.asarray(levels, dtype=float)
        best = pd.DataFrame({"key": has[:, 0] * C + has[:, 1], "level": lv}).groupby("key")["level"].max()
        self.level = best  # best level per actor*C+cap
        self.own_keys = np.sort(best.index[best.to_numpy() >= self.threshold].to_numpy(dtype=np.int64))
        # assessed: the actor has some HAS_CAPABILITY at all; rated: which capabilities the
        # assessments that rated it cover (otherwise the data say nothing about them)
        self.assessed = np.zeros(self.nA, dtype=bool)
        self.assessed[has[:, 0]] = True
        self.kind_code, _ = pd.factorize(
            pd.Series([self.kinds[a] for a in actors], dtype=object), use_na_sentinel=False
        )
        self.kind_rated = kind_scope(has, self.kind_code, C)  # per kind: what any of its rows rates
        self.rated = rated_capabilities(has, assessments, self.kind_code, self.kind_rated)
        self.best_levels = best.to_numpy(dtype=float)
        self.targets = _unique_pairs(arr("TARGETS"))
        self.requires = _unique_pairs(arr("REQUIRES"))
        self.sponsors = _unique_pairs(np.asarray(sponsor_rows, dtype=np.int64).reshape(-1, 2))
        member = _unique_pairs(arr("MEMBER_OF"))
        orgs = unique(member[:, 1])
        # group membership: (member, organisation), each organisation a member of its own group
        self.groups = _unique_pairs(np.vstack([member, np.column_stack([orgs, orgs])]))
        self.members = member
        # what each organisation pools (every declared pools is checked, member or not)
        self.org_pools: dict[int, np.ndarray] = {}
        org_set = set(orgs.tolist())
        for i, a in enumerate(actors):
            d = G.nodes[a]
            if i in org_set or d.get("pools") is not None:
                mask, _ = org_pools(a, d, ci)
                if i in org_set:
                    self.org_pools[i] = mask
        self.agreements = agreements
        self.agreement_masks = np.vstack(masks) if masks else np.zeros((0, self.nC), dtype=bool)
        ends = np.asarray([x[:2] for x in agreements], dtype=np.int64).reshape(-1, 2)
        self.coop = _unique_pairs(np.vstack([ends, ends[:, ::-1]]))
        self._routes: pd.DataFrame | None = None
        self._candidates: tuple[pd.DataFrame, pd.DataFrame] | None = None

    # -- basic tables --------------------------------------------------------------

    def own_pairs(self) -> pd.DataFrame:
        C = max(self.nC, 1)
        keys = self.own_keys
        return pd.DataFrame(
            {"a": keys // C, "c": keys % C, "lv": self.level.reindex(keys).to_numpy(dtype=float)}
        )

    def needs(self) -> pd.DataFrame:
        """(a, c, weight): number of distinct threats targeting a that require c."""
        t = pd.DataFrame(self.targets, columns=["t", "a"])
        r = pd.DataFrame(self.requires, columns=["t", "c"])
        need = t.merge(r, on="t").groupby(["a", "c"], sort=True).size().rename("weight").reset_index()
        return need

    def near_threshold(self) -> int:
        """How many actor–capability levels lie within NEAR_THRESHOLD of the threshold."""
        return int((np.abs(self.best_levels - self.threshold) <= NEAR_THRESHOLD + 1e-12).sum())

    def candidates(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every way an open need can be pooled (:func:`graphkit.analysis.pooling.pooling_ways`)."""
        if self._candidates is None:
            self._candidates = pooling_ways(self)
        return self._candidates

    def routes(self) -> pd.DataFrame:
        """One row per need: own, pooled, known flags and the best route (route, via_partner)."""
        if self._routes is not None:
            return self._routes
        C = max(self.nC, 1)
        need = self.needs()
        key = need["a"].to_numpy(dtype=np.int64) * C + need["c"].to_numpy(dtype=np.int64)
        need["key"] = key
        need["own"] = np.isin(key, self.own_keys)
        a = need["a"].to_numpy(dtype=np.int64)
        c = need["c"].to_numpy(dtype=np.int64)
        need["assessed"] = self.assessed[a] if len(need) else np.zeros(0, bool)
        need["capability_assessed"] = self.rated[a, c] if len(need) else np.zeros(0, bool)
        coop, grp = self.candidates()
        route: dict[int, str] = {}
        via: dict[int, str] = {}
        if len(coop):
            best = coop.sort_values(
                ["key", "lv", "y", "e"], ascending=[True, False, True, True], kind="stable"
            )
            best = best.drop_duplicates("key")
            for k, y, e in zip(best["key"].tolist(), best["y"].tolist(), best["e"].tolist(), strict=True):
                route[k] = "via agreement with " + self.actors[y] + agreement_note(self.agreements[e])
                via[k] = self.actors[y]
        if len(grp):
            best = grp[~grp["key"].isin(list(route))]
            best = best.sort_values(
                ["key", "lv", "g", "h"], ascending=[True, False, True, True], kind="stable"
            )
            best = best.drop_duplicates("key")
            for k, aa, g, h in zip(
                best["key"].tolist(), best["a"].tolist(), best["g"].tolist(), best["h"].tolist(), strict=True
            ):
                route[k] = f"via its member {self.actors[h]}" if aa == g else f"via {self.actors[g]} (member)"
                via[k] = self.actors[h]
        need["pooled"] = need["own"].to_numpy() | np.isin(
            key, np.fromiter(route, dtype=np.int64, count=len(route))
        )
        need["route"] = [route.get(k) for k in key.tolist()]
        need["via_partner"] = [via.get(k) for k in key.tolist()]
        self._routes = need
        return need

    def gap_table(self) -> pd.DataFrame:
        r = self.routes()
        df = r.sort_values(["a", "weight", "c"], ascending=[True, False, True], kind="stable")
        lvl = df["key"].map(self.level) if len(df) else pd.Series(dtype=float)
        out = pd.DataFrame(
            {
                "actor_id": [self.actors[i] for i in df["a"]],
                "capability_id": [self.caps[i] for i in df["c"]],
                "weight": df["weight"].to_numpy(dtype=np.int64),
                "own": df["own"].to_numpy(dtype=bool),
                "pooled": df["pooled"].to_numpy(dtype=bool),
            }
        )
        out["actor_name"] = [self.names[a] for a in out["actor_id"]]
        out["capability_name"] = [self.names[c] for c in out["capability_id"]]
        out["level"] = lvl.to_numpy(dtype=float) if len(df) else np.zeros(0)
        out["assessed"] = df["assessed"].to_numpy(dtype=bool)
        out["capability_assessed"] = df["capability_assessed"].to_numpy(dtype=bool)
        out["route"] = df["route"].to_numpy(dtype=object)
        out["via_partner"] = df["via_partner"].to_numpy(dtype=object)
        out["status"] = need_status(out["own"], out["pooled"], out["assessed"] & out["capability_assessed"])
        return out.reset_index(drop=True)

    def summary_table(self) -> pd.DataFrame:
        cols = [
            "actor_id",
            "name",
            "kind",
            "assessed",
            "threats",
            "needed_weight",
            "own_gap",
            "coalition_gap",
            "closed_by_cooperation",
            "unknown_weight",
            "closed_capabilities",
            "open_capabilities",
            "no_data_capabilities",
        ]
        gaps = self.gap_table()
        if gaps.empty:
            return pd.DataFrame(columns=cols)
        w = gaps["weight"]
        known = gaps["assessed"] & gaps["capability_assessed"]
        agg = (
            gaps.assign(
                own_gap=w.where(known & ~gaps["own"], 0),
                # a need without data is not a gap: the coalition gap never exceeds the own gap
                coalition_gap=w.where(known & ~gaps["pooled"], 0),
                closed=w.where(known & ~gaps["own"] & gaps["pooled"], 0),
                unknown=w.where(~known, 0),
                open_unknown=w.where(~known & ~gaps["pooled"], 0),
            )
            .groupby("actor_id", sort=False)[
                ["weight", "own_gap", "coalition_gap", "closed", "unknown", "open_unknown"]
            ]
            .sum()
        )
        closed = (
            gaps[known & ~gaps["own"] & gaps["pooled"]]
            .groupby("actor_id", sort=False)["capability_id"]
            .agg(list)
        )
        still = gaps[known & ~gaps["pooled"]].groupby("actor_id", sort=False)["capability_id"].agg(list)
        blind = gaps[~known & ~gaps["pooled"]].groupby("actor_id", sort=False)["capability_id"].agg(list)
        n_threats = pd.Series(self.targets[:, 1]).value_counts()
        ids = agg.index.tolist()
        index = self.index
        assessed = np.asarray([bool(self.assessed[index[a]]) for a in ids], dtype=bool)
        out = pd.DataFrame(
            {
                "actor_id": ids,
                "name": [self.names[a] for a in ids],
                "kind": [self.kinds[a] for a in ids],
                "assessed": assessed,
                "threats": [int(n_threats.get(index[a], 0)) for a in ids],
                "needed_weight": agg["weight"].to_numpy(dtype=np.int64),
                # an unassessed actor's own gap is unknown, not total
                "own_gap": np.where(assessed, agg["own_gap"].to_numpy(dtype=float), np.nan),
                # an unassessed actor's coalition gap is 0 when partners cover every need, else unknown
                "coalition_gap": np.where(
                    assessed | (agg["open_unknown"].to_numpy() == 0),
                    agg["coalition_gap"].to_numpy(dtype=float),
                    np.nan,
                ),
                "closed_by_cooperation": np.where(assessed, agg["closed"].to_numpy(dtype=float), np.nan),
                "unknown_weight": agg["unknown"].to_numpy(dtype=np.int64),
            }
        )
        out["closed_capabilities"] = [list(closed.get(a, [])) for a in ids]
        out["open_capabilities"] = [list(still.get(a, [])) for a in ids]
        out["no_data_capabilities"] = [list(blind.get(a, [])) for a in ids]
        return out[cols]

    def alliance_table(self) -> pd.DataFrame:
        return alliance_table(self)

    def uncovered_table(self) -> pd.DataFrame:
        return uncovered_table(self)

    def sponsors_against(self, a: int) -> set[int]:
        """Actors named (basis = sponsor) as sponsor of a threat that targets actor ``a``."""
        if not self.sponsors.size or not self.targets.size:
            return set()
        threats = self.targets[self.targets[:, 1] == a, 0]
        return set(self.sponsors[np.isin(self.sponsors[:, 0], threats), 1].tolist())

    def critical_table(self, *, engine: str = "auto", net: ActorNetwork | None = None) -> pd.DataFrame:
        return critical_table(self, engine=engine, net=net)


NEED_STATUSES = ("held", "covered", "missing", "no data")  # held, covered by a partner, a known lack, no data


def need_status(own: Any, pooled: Any, known: Any) -> np.ndarray:
    """``held``, ``covered``, ``missing`` or ``no data`` per need (arrays of booleans in, text out)."""
    own, pooled, known = (np.asarray(x, dtype=bool) for x in (own, pooled, known))
    return np.select([own, pooled, known], ["held", "covered", "missing"], "no data").astype(object)


def kind_scope(has: np.ndarray, kind_code: np.ndarray, n_caps: int) -> np.ndarray:
    """Which capabilities some actor of each kind has a level for (kinds x capabilities).

    ``has`` holds the (actor, capability) index pairs of the ``HAS_CAPABILITY`` rows and
    ``kind_code`` each actor's kind as a number from 0.

    >>> kind_scope(np.array([[0, 0], [1, 2]]), np.array([0, 1, 0]), 3).astype(int).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """
    scope = np.zeros((int(kind_code.max(initial=-1)) + 1, max(n_caps, 1)), dtype=bool)
    if len(has):
        scope[kind_code[has[:, 0]], has[:, 1]] = True
    return scope


def rated_capabilities(
    has: np.ndarray, assessments: list[Any], kind_code: np.ndarray, kind_rated: np.ndarray
) -> np.ndarray:
    """Which capabilities the data rate each actor on (actors x capabilities, booleans).

    ``has`` holds the (actor, capability) index pairs of the ``HAS_CAPABILITY`` rows and
    ``assessments`` each row's ``assessment`` (None without one); ``kind_code`` each actor's
    kind as a number and ``kind_rated`` its :func:`kind_scope`. The rows of one assessment
    and one kind cover every capability any of them rates; an actor is rated on what the
    assessments it has a row in cover (module docstring); an actor without rows
    (unassessed) on what any row of its kind rates.

    >>> has = np.array([[0, 0], [0, 1], [1, 0], [2, 2]])
    >>> kinds = np.array([0, 0, 0, 0, 1])  # four states and a company
    >>> scope = kind_scope(has, kinds, 3)
    >>> rated_capabilities(has, ["gci", "gci", "gci", "record"], kinds, scope).astype(int).tolist()
    [[1, 1, 0], [1, 1, 0], [0, 0, 1], [1, 1, 1], [0, 0, 0]]
    >>> rated_capabilities(has, [None] * 4, kinds, scope).astype(int).tolist()
    [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [0, 0, 0]]
    """
    # an actor no assessment rated: what any assessment covers for its kind
    rated = kind_rated[kind_code].copy()
    if not len(has):
        return rated
    rated[unique(has[:, 0])] = False
    names = pd.Series([None if v is None else str(v) for v in assessments], dtype=object)
    assessment_code, _ = pd.factorize(names, use_na_sentinel=False)
    key = assessment_code.astype(np.int64) * len(kind_rated) + kind_code[has[:, 0]]
    family, families = pd.factorize(key)
    scope = np.zeros((len(families), rated.shape[1]), dtype=bool)
    scope[family, has[:, 1]] = True
    np.logical_or.at(rated, has[:, 0], scope[family])  # each row's actor: its family's scope
    return rated


def _unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """Distinct rows of an (k, 2) array of non-negative ints, sorted (faster than np.unique(axis=0))."""
    if not pairs.size:
        return pairs.reshape(0, 2)
    base = int(pairs.max()) + 1
    keys = unique(pairs[:, 0] * base + pairs[:, 1])
    return np.column_stack([keys // base, keys % base])


def _level(value: Any, u: str, v: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SchemaError(
            f"relationship {u!r} -HAS_CAPABILITY-> {v!r}: level = {value!r} is not a number; "
            "use a level from 0 to 1 or leave it out (counts as 1)"
        )
    return float(value)


# ---- coverage: alliance gaps and threats nobody covers ------------------------------------


def alliance_table(model: GapModel) -> pd.DataFrame:
    """The table of :func:`graphkit.analysis.alliance_gaps`, from a gap model."""
    cols = [
        "alliance_id",
        "alliance_name",
        "capability_id",
        "capability_name",
        "weight",
        "own",
        "holders",
        "members_needing",
        "members",
        "assessed_members",
        "members_with_level",
        "status",
    ]
    if not model.groups.size or not model.targets.size:
        return pd.DataFrame(columns=cols)
    M = pd.DataFrame(model.groups, columns=["a", "g"])
    t = pd.DataFrame(model.targets, columns=["t", "a"])
    r = pd.DataFrame(model.requires, columns=["t", "c"])
    weight = (
        t.merge(M, on="a")[["g", "t"]]
        .drop_duplicates()
        .merge(r, on="t")
        .groupby(["g", "c"])
        .size()
        .rename("weight")
    )
    needing = model.needs().merge(M, on="a").groupby(["g", "c"])["a"].nunique().rename("members_needing")
    holders = M.merge(model.own_pairs()[["a", "c"]], on="a").groupby(["g", "c"]).size().rename("holders")
    C = max(model.nC, 1)
    any_level = pd.DataFrame({"a": model.level.index.to_numpy() // C, "c": model.level.index.to_numpy() % C})
    with_level = M.merge(any_level, on="a").groupby(["g", "c"]).size().rename("members_with_level")
    df = pd.concat([weight, needing], axis=1).join(holders).join(with_level).reset_index()
    df["members_with_level"] = df["members_with_level"].fillna(0).astype(np.int64)
    df["holders"] = df["holders"].fillna(0).astype(np.int64)
    df["members_needing"] = df["members_needing"].fillna(0).astype(np.int64)
    df = df.sort_values(["g", "weight", "c"], ascending=[True, False, True], kind="stable")
    mem = model.members
    n_members = np.bincount(mem[:, 1], minlength=model.nA) if mem.size else np.zeros(model.nA, np.int64)
    n_assessed = (
        np.bincount(mem[:, 1], weights=model.assessed[mem[:, 0]], minlength=model.nA).astype(np.int64)
        if mem.size
        else np.zeros(model.nA, np.int64)
    )
    g = df["g"].to_numpy(dtype=np.int64)
    c = df["c"].to_numpy(dtype=np.int64)
    held = (df["holders"] > 0).to_numpy()
    covered = ~held & _pooled_by_agreement(model, g, c)
    status = np.select(
        [held, covered, df["members_with_level"].to_numpy() > 0], ["held", "covered", "missing"], "no data"
    ).astype(object)
    return pd.DataFrame(
        {
            "alliance_id": [model.actors[i] for i in g],
            "alliance_name": [model.names[model.actors[i]] for i in g],
            "capability_id": [model.caps[c] for c in df["c"]],
            "capability_name": [model.names[model.caps[c]] for c in df["c"]],
            "weight": df["weight"].to_numpy(dtype=np.int64),
            "own": (df["holders"] > 0).to_numpy(),
            "holders": df["holders"].to_numpy(),
            "members_needing": df["members_needing"].to_numpy(),
            "members": n_members[g].astype(np.int64),
            "assessed_members": n_assessed[g],
            "members_with_level": df["members_with_level"].to_numpy(),
            "status": status,
        },
        columns=cols,
    )


def _pooled_by_agreement(model: GapModel, g: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Whether organisation g[i] gets capability c[i] through one of its own active agreements
    (the other end holds it and the agreement's mandate covers it)."""
    out = np.zeros(len(g), dtype=bool)
    if not model.agreements or not len(g) or "COOPERATES_WITH" not in model.partners:
        return out
    C = max(model.nC, 1)
    owned = set(model.own_keys.tolist())
    ends: dict[int, list[tuple[int, int]]] = {}
    for u, v, m, *_ in model.agreements:
        ends.setdefault(u, []).append((v, m))
        ends.setdefault(v, []).append((u, m))
    for i, (gi, ci) in enumerate(zip(g.tolist(), c.tolist(), strict=True)):
        out[i] = any(model.agreement_masks[m, ci] and y * C + ci in owned for y, m in ends.get(gi, ()))
    return out


def uncovered_table(model: GapModel) -> pd.DataFrame:
    """The table of :func:`graphkit.analysis.uncovered_threats`, from a gap model."""
    cols = ["threat_id", "name", "required", "missing", "missing_capabilities", "targets"]
    held = np.zeros(model.nC, dtype=bool)
    C = max(model.nC, 1)
    if model.own_keys.size:
        held[unique(model.own_keys % C)] = True
    n_targets = (
        np.bincount(model.targets[:, 0], minlength=len(model.threats))
        if model.targets.size
        else np.zeros(len(model.threats), dtype=np.int64)
    )
    rows = []
    by_threat: dict[int, list[int]] = {}
    for t, c in model.requires.tolist():
        by_threat.setdefault(t, []).append(c)
    for t in sorted(by_threat):
        req = by_threat[t]
        missing = [model.caps[c] for c in req if not held[c]]
        if missing:
            rows.append(
                {
                    "threat_id": model.threats[t],
                    "name": model.names[model.threats[t]],
                    "required": len(req),
                    "missing": len(missing),
                    "missing_capabilities": missing,
                    "targets": int(n_targets[t]),
                }
            )
    return pd.DataFrame(rows, columns=cols)


# ---- critical actors ----------------------------------------------------------------------
# Critical actors: whose loss would open others' coalition gaps, and cut vertices of the partner network.
#
# A pooled, not owned need (A, c) has *ways in*: each agreement of A with a holder y of c
# whose mandate covers c (killed by removing y), and each organisation g containing A whose
# ``pools`` covers c and in which some other member holds c (killed by removing g, or by
# removing the holder when it is the only one). Removing X opens the need exactly when X
# kills every way in; this is counted without re-running the analysis per actor. Needs of
# unassessed actors and capability-unassessed needs are not summed.


def critical_table(model: GapModel, *, engine: str = "auto", net: ActorNetwork | None = None) -> pd.DataFrame:
    """The table of :func:`graphkit.analysis.critical_actors`, from a gap model."""
    cols = [
        "actor_id",
        "name",
        "kind",
        "opened_weight",
        "opened_gaps",
        "actors_affected",
        "articulation_point",
    ]
    r = model.routes()
    # needs pooled but not owned, of assessed actors and assessed capabilities only
    r = r[r["pooled"] & ~r["own"] & r["assessed"] & r["capability_assessed"]]
    coop, grp = model.candidates()
    keys = r["key"].to_numpy(dtype=np.int64)
    # Each way in is killed by removing any actor of its kill set: an agreement holder y
    # ({y}); an organisation g through which cnt members hold c ({g}, plus the holder if
    # cnt == 1). The need opens when x is in the kill set of every way in.
    c1 = coop[coop["key"].isin(keys)][["key", "y"]].drop_duplicates()
    g1 = grp[grp["key"].isin(keys)]
    ways = pd.concat([c1.assign(w=c1["y"]), g1[["key", "g"]].assign(w=-1 - g1["g"])], ignore_index=True)[
        ["key", "w"]
    ]
    n_ways = ways.groupby("key").size()
    kill = pd.concat(
        [
            pd.DataFrame({"key": c1["key"], "w": c1["y"], "x": c1["y"]}),
            pd.DataFrame({"key": g1["key"], "w": -1 - g1["g"], "x": g1["g"]}),
            pd.DataFrame({"key": g1["key"], "w": -1 - g1["g"], "x": g1["hmin"]})[g1["cnt"].to_numpy() == 1],
        ],
        ignore_index=True,
    ).drop_duplicates()
    hits = kill.groupby(["key", "x"]).size().rename("n").reset_index()
    hits = hits[hits["n"].to_numpy() == n_ways.reindex(hits["key"]).to_numpy()]
    C = max(model.nC, 1)
    hits = hits.assign(a=hits["key"] // C, c=hits["key"] % C)
    hits = hits[hits["x"] != hits["a"]].merge(r[["key", "weight"]], on="key")
    agg = hits.groupby("x").agg(
        opened_weight=("weight", "sum"), opened_gaps=("c", "size"), actors_affected=("a", "nunique")
    )
    if net is None or set(net.types) != set(model.partners):
        net = actor_network(model.G, model.partners, dormant_after=model.dormant_after, as_of=model.day)
    if resolve_engine(engine) == "igraph":
        cut = set(net.igraph.articulation_points())
    else:
        cut = set(nx.articulation_points(net.networkx))
    ids = sorted(set(agg.index.tolist()) | cut)
    out = pd.DataFrame(
        {
            "actor_id": [model.actors[i] for i in ids],
            "name": [model.names[model.actors[i]] for i in ids],
            "kind": [model.kinds[model.actors[i]] for i in ids],
            "opened_weight": [int(agg["opened_weight"].get(i, 0)) for i in ids],
            "opened_gaps": [int(agg["opened_gaps"].get(i, 0)) for i in ids],
            "actors_affected": [int(agg["actors_affected"].get(i, 0)) for i in ids],
            "articulation_point": [i in cut for i in ids],
            "_order": ids,
        }
    )
    out = out.sort_values(["opened_weight", "articulation_point", "_order"], ascending=[False, False, True])
    return out[cols].reset_index(drop=True)
