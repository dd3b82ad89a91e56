"""Capability gaps: what each actor needs, what it holds alone, and what its partners add.

Definitions (DESIGN.md, made exact here):

- *needed(A)*: the capabilities ``REQUIRES``-d by the threats that ``TARGETS`` A; the
  ``weight`` of a need is the number of distinct threats targeting A that require it.
- *own(A)*: the capabilities A holds through ``HAS_CAPABILITY`` with ``level`` at or above
  ``threshold`` (a relationship without ``level`` counts as level 1).
- *partners(A)*, by the relations named in ``partners``:
  ``COOPERATES_WITH``: every actor A cooperates with, in either direction;
  ``MEMBER_OF``: everyone who shares an organisation with A — fellow members of the
  organisations A belongs to, those organisations themselves and, when A is an
  organisation, its own members.
- *pooled(A)*: own(A) plus the own capabilities of A's partners (one hop: a partner's
  partners do not count).
- own gap = total weight of needs not owned; coalition gap = weight of needs not pooled;
  ``closed_by_cooperation`` = own gap − coalition gap: what multilateral cooperation buys A.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graphkit import schema
from graphkit.analysis.engine import DEFAULT_TYPES, ActorNetwork, AnalysisError, actor_network, resolve_engine
from graphkit.defaults import DEFAULT_THRESHOLD
from graphkit.errors import SchemaError

__all__ = [
    "capability_gaps",
    "gap_summary",
    "alliance_gaps",
    "uncovered_threats",
    "recommend_partners",
    "critical_actors",
    "GAP_COLUMNS",
    "DEFAULT_THRESHOLD",
]

GAP_COLUMNS = ("actor_id", "capability_id", "weight", "own", "pooled")


def capability_gaps(
    G: nx.MultiDiGraph,
    *,
    threshold: float = DEFAULT_THRESHOLD,
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

    Returns
    -------
    pandas.DataFrame
        ``actor_id, capability_id, weight, own, pooled, actor_name, capability_name, level``:
        ``weight`` = number of threats targeting the actor that require the capability,
        ``own``/``pooled`` booleans, ``level`` the actor's own best level (NaN if none).
        Actors in graph order; within an actor, heaviest need first.

    Examples
    --------
    >>> gaps = gk.analysis.capability_gaps(gk.load(gk.SAMPLE))
    >>> usa = gaps[gaps.actor_id == "USA"]
    >>> usa[["capability_id", "weight", "own", "pooled"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['cap:threat_intel', 2, False, True], ['cap:incident_response', 1, True, True],
     ['cap:attribution', 1, True, True], ['cap:law_enforcement', 1, True, True]]
    """
    return _GapModel(G, threshold=threshold, partners=partners).gap_table()


def gap_summary(
    G: nx.MultiDiGraph,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    partners: Iterable[str] = DEFAULT_TYPES,
) -> pd.DataFrame:
    """One row per actor with needs: needed weight, own gap, coalition gap and what cooperation closes.

    Returns
    -------
    pandas.DataFrame
        ``actor_id, name, kind, threats, needed_weight, own_gap, coalition_gap,
        closed_by_cooperation, closed_capabilities, open_capabilities`` (the last two are
        lists of capability ids, heaviest first). Actors in graph order.

    Examples
    --------
    >>> s = gk.analysis.gap_summary(gk.load(gk.SAMPLE)).set_index("actor_id")
    >>> s.loc["USA", ["needed_weight", "own_gap", "coalition_gap", "closed_by_cooperation"]].tolist()
    [5, 2, 0, 2]
    """
    return _GapModel(G, threshold=threshold, partners=partners).summary_table()


def alliance_gaps(
    G: nx.MultiDiGraph,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Capability gaps of every organisation that has members, over the organisation and its members.

    needed(O) = capabilities required by the threats that target O or any member, weighted
    by the number of such threats; own(O) = held (level >= threshold) by O or any member.

    Returns
    -------
    pandas.DataFrame
        ``alliance_id, alliance_name, capability_id, capability_name, weight, own,
        holders, members_needing`` (``holders``: how many of O and its members hold it;
        ``members_needing``: how many of them need it).

    Examples
    --------
    >>> a = gk.analysis.alliance_gaps(gk.load(gk.SAMPLE))
    >>> a[(a.alliance_id == "NATO") & ~a.own]["capability_id"].tolist()
    ['cap:ci_protection']
    """
    return _GapModel(G, threshold=threshold, partners=DEFAULT_TYPES).alliance_table()


def uncovered_threats(
    G: nx.MultiDiGraph,
    *,
    threshold: float = DEFAULT_THRESHOLD,
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
    return _GapModel(G, threshold=threshold, partners=DEFAULT_TYPES).uncovered_table()


def recommend_partners(
    G: nx.MultiDiGraph,
    actor_id: str,
    *,
    k: int = 5,
    threshold: float = DEFAULT_THRESHOLD,
    partners: Iterable[str] = DEFAULT_TYPES,
) -> pd.DataFrame:
    """New partners that would close most of an actor's remaining (coalition) gap, greedily.

    Greedy weighted set cover: repeatedly pick the actor, not yet a partner, whose own
    capabilities cover the largest weight of still-open needs (ties: the higher summed
    ``level`` over what it closes, then graph order), until
    ``k`` are picked or no one closes anything more. A new partner is taken to add its own
    capabilities (direct cooperation), not those of its partners.

    Returns
    -------
    pandas.DataFrame
        ``rank, partner_id, name, kind, closes, closed_weight, remaining_weight``
        (``closes``: capability ids it closes; ``remaining_weight``: coalition gap left
        after this pick).

    Examples
    --------
    France has no cooperation partner of its own; counting only direct cooperation,
    the United States and then Microsoft (the strongest of three holders of threat
    intelligence) would close its whole gap:

    >>> r = gk.analysis.recommend_partners(gk.load(gk.SAMPLE), "FRA", partners=["COOPERATES_WITH"])
    >>> r[["partner_id", "closes", "closed_weight", "remaining_weight"]].values.tolist()
    [['USA', ['cap:incident_response', 'cap:attribution'], 2, 1], ['MICROSOFT', ['cap:threat_intel'], 1, 0]]
    """
    return _GapModel(G, threshold=threshold, partners=partners).recommend(actor_id, k=k)


def critical_actors(
    G: nx.MultiDiGraph,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    partners: Iterable[str] = DEFAULT_TYPES,
    engine: str = "auto",
) -> pd.DataFrame:
    """Actors whose loss would open coalition gaps of others, and cut vertices of the partner network.

    Removing actor X removes its capabilities and its relationships (an organisation's
    removal dissolves co-membership through it). A need (A, c), pooled but not owned by A,
    opens when every route A has to c passes through X: X is the only partner holding c, or
    X is the only organisation through which A reaches holders of c and A has no direct
    cooperation partner holding it. Exact, computed without re-running the analysis per actor.

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
    [['GBR', 5, False], ['NATO', 4, False]]
    """
    return _GapModel(G, threshold=threshold, partners=partners).critical_table(engine=engine)


# ---- the model: every table is computed from integer-coded arrays -----------------


class _GapModel:
    def __init__(self, G: nx.MultiDiGraph, *, threshold: float, partners: Iterable[str]) -> None:
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
        self.G = G
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
        ai = {a: i for i, a in enumerate(actors)}
        ci = {c: i for i, c in enumerate(caps)}
        ti = {t: i for i, t in enumerate(threats)}
        rows: dict[str, list[tuple[int, int]]] = {t: [] for t in schema.RELATIONSHIP_TYPES}
        levels: list[float] = []
        for u, v, d in G.edges(data=True):
            t = d.get("type")
            if t == "HAS_CAPABILITY":
                if u in ai and v in ci:
                    rows[t].append((ai[u], ci[v]))
                    levels.append(_level(d.get("level", 1.0), u, v))
            elif t == "TARGETS":
                if u in ti and v in ai:
                    rows[t].append((ti[u], ai[v]))
            elif t == "REQUIRES":
                if u in ti and v in ci:
                    rows[t].append((ti[u], ci[v]))
            elif t in ("MEMBER_OF", "COOPERATES_WITH") and u in ai and v in ai and u != v:
                rows[t].append((ai[u], ai[v]))
        self.nA, self.nC = len(actors), len(caps)
        C = max(self.nC, 1)

        def arr(t: str) -> np.ndarray:
            return np.asarray(rows[t], dtype=np.int64).reshape(-1, 2)

        has = arr("HAS_CAPABILITY")
        lv = np.asarray(levels, dtype=float)
        best = pd.DataFrame({"key": has[:, 0] * C + has[:, 1], "level": lv}).groupby("key")["level"].max()
        self.level = best  # best level per actor*C+cap
        self.own_keys = np.sort(best.index[best.to_numpy() >= self.threshold].to_numpy(dtype=np.int64))
        self.targets = _unique_pairs(arr("TARGETS"))
        self.requires = _unique_pairs(arr("REQUIRES"))
        member = _unique_pairs(arr("MEMBER_OF"))
        orgs = np.unique(member[:, 1])
        # group membership: (member, organisation), each organisation a member of its own group
        self.groups = _unique_pairs(np.vstack([member, np.column_stack([orgs, orgs])]))
        coop = arr("COOPERATES_WITH")
        self.coop = _unique_pairs(np.vstack([coop, coop[:, ::-1]]))
        self._routes: pd.DataFrame | None = None

    # -- basic tables --------------------------------------------------------------

    def own_pairs(self) -> pd.DataFrame:
        C = max(self.nC, 1)
        return pd.DataFrame({"a": self.own_keys // C, "c": self.own_keys % C})

    def needs(self) -> pd.DataFrame:
        """(a, c, weight): number of distinct threats targeting a that require c."""
        t = pd.DataFrame(self.targets, columns=["t", "a"])
        r = pd.DataFrame(self.requires, columns=["t", "c"])
        need = t.merge(r, on="t").groupby(["a", "c"], sort=True).size().rename("weight").reset_index()
        return need

    def routes(self) -> pd.DataFrame:
        if self._routes is not None:
            return self._routes
        C = max(self.nC, 1)
        need = self.needs()
        key = need["a"].to_numpy(dtype=np.int64) * C + need["c"].to_numpy(dtype=np.int64)
        need["key"] = key
        need["own"] = np.isin(key, self.own_keys)
        open_keys = np.sort(key[~need["own"].to_numpy()])
        own = self.own_pairs()
        # direct cooperation: partners y of a holding c
        coop_stats = pd.DataFrame({"key": [], "n_coop": [], "coop_min": []})
        if "COOPERATES_WITH" in self.partners and self.coop.size and len(own):
            cp = pd.DataFrame(self.coop, columns=["a", "y"]).merge(own.rename(columns={"a": "y"}), on="y")
            cp["key"] = cp["a"].to_numpy(dtype=np.int64) * C + cp["c"].to_numpy(dtype=np.int64)
            cp = cp[np.isin(cp["key"].to_numpy(), open_keys)]
            coop_stats = cp.groupby("key")["y"].agg(n_coop="size", coop_min="min").reset_index()
        # co-membership: groups g containing a with holders of c
        grp_stats = pd.DataFrame({"key": [], "n_groups": [], "all_single": [], "gmin": [], "gmax": [], "g_one": []})
        if "MEMBER_OF" in self.partners and self.groups.size and len(own):
            M = pd.DataFrame(self.groups, columns=["m", "g"])
            holders = (
                M.merge(own.rename(columns={"a": "m"}), on="m")
                .groupby(["g", "c"])["m"]
                .agg(cnt="size", hmin="min", hmax="max")
                .reset_index()
            )
            opened = need.loc[~need["own"], ["a", "c", "key"]]
            gr = opened.merge(M.rename(columns={"m": "a"}), on="a").merge(holders, on=["g", "c"])
            gr["single"] = gr["cnt"] == 1
            grp_stats = (
                gr.groupby("key")
                .agg(n_groups=("g", "size"), all_single=("single", "all"), gmin=("hmin", "min"),
                     gmax=("hmax", "max"), g_one=("g", "min"))
                .reset_index()
            )
        out = need.merge(coop_stats, on="key", how="left").merge(grp_stats, on="key", how="left")
        out["n_coop"] = out["n_coop"].fillna(0).astype(np.int64)
        out["n_groups"] = out["n_groups"].fillna(0).astype(np.int64)
        out["pooled"] = out["own"] | (out["n_coop"] > 0) | (out["n_groups"] > 0)
        self._routes = out
        return out

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
        return out.reset_index(drop=True)

    def summary_table(self) -> pd.DataFrame:
        cols = ["actor_id", "name", "kind", "threats", "needed_weight", "own_gap", "coalition_gap",
                "closed_by_cooperation", "closed_capabilities", "open_capabilities"]
        gaps = self.gap_table()
        if gaps.empty:
            return pd.DataFrame(columns=cols)
        w = gaps["weight"]
        agg = (
            gaps.assign(own_gap=w.where(~gaps["own"], 0), coalition_gap=w.where(~gaps["pooled"], 0))
            .groupby("actor_id", sort=False)[["weight", "own_gap", "coalition_gap"]]
            .sum()
        )
        closed = gaps[~gaps["own"] & gaps["pooled"]].groupby("actor_id", sort=False)["capability_id"].agg(list)
        still = gaps[~gaps["pooled"]].groupby("actor_id", sort=False)["capability_id"].agg(list)
        n_threats = pd.Series(self.targets[:, 1]).value_counts()
        ids = agg.index.tolist()
        index = {a: i for i, a in enumerate(self.actors)}
        out = pd.DataFrame(
            {
                "actor_id": ids,
                "name": [self.names[a] for a in ids],
                "kind": [self.kinds[a] for a in ids],
                "threats": [int(n_threats.get(index[a], 0)) for a in ids],
                "needed_weight": agg["weight"].to_numpy(dtype=np.int64),
                "own_gap": agg["own_gap"].to_numpy(dtype=np.int64),
                "coalition_gap": agg["coalition_gap"].to_numpy(dtype=np.int64),
            }
        )
        out["closed_by_cooperation"] = out["own_gap"] - out["coalition_gap"]
        out["closed_capabilities"] = [list(closed.get(a, [])) for a in ids]
        out["open_capabilities"] = [list(still.get(a, [])) for a in ids]
        return out[cols]

    def alliance_table(self) -> pd.DataFrame:
        cols = ["alliance_id", "alliance_name", "capability_id", "capability_name", "weight", "own",
                "holders", "members_needing"]
        if not self.groups.size or not self.targets.size:
            return pd.DataFrame(columns=cols)
        M = pd.DataFrame(self.groups, columns=["a", "g"])
        t = pd.DataFrame(self.targets, columns=["t", "a"])
        r = pd.DataFrame(self.requires, columns=["t", "c"])
        weight = (
            t.merge(M, on="a")[["g", "t"]].drop_duplicates().merge(r, on="t")
            .groupby(["g", "c"]).size().rename("weight")
        )
        needing = self.needs().merge(M, on="a").groupby(["g", "c"])["a"].nunique().rename("members_needing")
        holders = M.merge(self.own_pairs(), on="a").groupby(["g", "c"]).size().rename("holders")
        df = pd.concat([weight, needing], axis=1).join(holders).reset_index()
        df["holders"] = df["holders"].fillna(0).astype(np.int64)
        df["members_needing"] = df["members_needing"].fillna(0).astype(np.int64)
        df = df.sort_values(["g", "weight", "c"], ascending=[True, False, True], kind="stable")
        return pd.DataFrame(
            {
                "alliance_id": [self.actors[g] for g in df["g"]],
                "alliance_name": [self.names[self.actors[g]] for g in df["g"]],
                "capability_id": [self.caps[c] for c in df["c"]],
                "capability_name": [self.names[self.caps[c]] for c in df["c"]],
                "weight": df["weight"].to_numpy(dtype=np.int64),
                "own": (df["holders"] > 0).to_numpy(),
                "holders": df["holders"].to_numpy(),
                "members_needing": df["members_needing"].to_numpy(),
            },
            columns=cols,
        )

    def uncovered_table(self) -> pd.DataFrame:
        cols = ["threat_id", "name", "required", "missing", "missing_capabilities", "targets"]
        held = np.zeros(self.nC, dtype=bool)
        C = max(self.nC, 1)
        if self.own_keys.size:
            held[np.unique(self.own_keys % C)] = True
        n_targets = np.bincount(self.targets[:, 0], minlength=len(self.threats)) if self.targets.size else \
            np.zeros(len(self.threats), dtype=np.int64)
        rows = []
        by_threat: dict[int, list[int]] = {}
        for t, c in self.requires.tolist():
            by_threat.setdefault(t, []).append(c)
        for t in sorted(by_threat):
            req = by_threat[t]
            missing = [self.caps[c] for c in req if not held[c]]
            if missing:
                rows.append(
                    {
                        "threat_id": self.threats[t],
                        "name": self.names[self.threats[t]],
                        "required": len(req),
                        "missing": len(missing),
                        "missing_capabilities": missing,
                        "targets": int(n_targets[t]),
                    }
                )
        return pd.DataFrame(rows, columns=cols)

    def partners_of(self, a: int) -> set[int]:
        out: set[int] = set()
        if "COOPERATES_WITH" in self.partners and self.coop.size:
            out.update(self.coop[self.coop[:, 0] == a, 1].tolist())
        if "MEMBER_OF" in self.partners and self.groups.size:
            mine = self.groups[self.groups[:, 0] == a, 1]
            out.update(self.groups[np.isin(self.groups[:, 1], mine), 0].tolist())
        out.discard(a)
        return out

    def recommend(self, actor_id: str, *, k: int) -> pd.DataFrame:
        cols = ["rank", "partner_id", "name", "kind", "closes", "closed_weight", "remaining_weight"]
        if actor_id not in self.kinds:
            hint = " (it is not an Actor)" if actor_id in self.names else ""
            raise SchemaError(f"no actor with id {actor_id!r}{hint}; check the id in actors.csv")
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise AnalysisError(f"k must be a positive integer, not {k!r}")
        a = self.actors.index(actor_id)
        r = self.routes()
        mine = r[(r["a"] == a) & ~r["pooled"]]
        remaining = dict(zip(mine["c"].tolist(), mine["weight"].tolist(), strict=False))
        excluded = self.partners_of(a) | {a}
        own = self.own_pairs()
        own = own[~own["a"].isin(list(excluded))]
        rows = []
        for rank in range(1, k + 1):
            cand = own[own["c"].isin(list(remaining))]
            if cand.empty:
                break
            C = max(self.nC, 1)
            scored = cand.assign(w=cand["c"].map(remaining), lv=(cand["a"] * C + cand["c"]).map(self.level))
            # Most weight closed; among equals, the strongest holder (summed level of what it
            # closes); among those, graph order.
            score = scored.groupby("a", sort=True)[["w", "lv"]].sum()
            top = score[score["w"] == score["w"].max()]
            best = int(top.index[np.argmax(top["lv"].to_numpy())])
            closes = sorted(cand.loc[cand["a"] == best, "c"].tolist(), key=lambda c: (-remaining[c], c))
            closed = sum(remaining.pop(c) for c in closes)
            own = own[own["a"] != best]
            bid = self.actors[best]
            rows.append(
                {
                    "rank": rank,
                    "partner_id": bid,
                    "name": self.names[bid],
                    "kind": self.kinds[bid],
                    "closes": [self.caps[c] for c in closes],
                    "closed_weight": int(closed),
                    "remaining_weight": int(sum(remaining.values())),
                }
            )
        return pd.DataFrame(rows, columns=cols)

    def critical_table(self, *, engine: str = "auto", net: ActorNetwork | None = None) -> pd.DataFrame:
        cols = ["actor_id", "name", "kind", "opened_weight", "opened_gaps", "actors_affected", "articulation_point"]
        r = self.routes()
        r = r[r["pooled"] & ~r["own"]]
        parts = []
        if len(r):
            n_coop = r["n_coop"].to_numpy()
            n_groups = r["n_groups"].to_numpy()
            coop_min = r["coop_min"].to_numpy(dtype=float)
            gmin = r["gmin"].to_numpy(dtype=float)
            gmax = r["gmax"].to_numpy(dtype=float)
            single = r["all_single"]
            all_single = single.isna().to_numpy() | single.fillna(0).astype(bool).to_numpy()
            only_holder = (
                (n_coop <= 1)
                & ((n_groups == 0) | (all_single & (gmin == gmax)))
                & (~((n_coop == 1) & (n_groups > 0)) | (coop_min == gmin))
            )
            holder = np.where(n_coop == 1, coop_min, gmin)
            base = r[["a", "c", "weight"]]
            parts.append(base[only_holder].assign(x=holder[only_holder].astype(np.int64)))
            g_one = r["g_one"].to_numpy(dtype=float)
            via_org = (n_coop == 0) & (n_groups == 1) & (g_one != r["a"].to_numpy())
            parts.append(base[via_org].assign(x=g_one[via_org].astype(np.int64)))
        hits = pd.concat(parts) if parts else pd.DataFrame(columns=["a", "c", "weight", "x"])
        hits = hits.drop_duplicates(["x", "a", "c"])
        hits = hits[hits["x"] != hits["a"]]
        agg = hits.groupby("x").agg(
            opened_weight=("weight", "sum"), opened_gaps=("c", "size"), actors_affected=("a", "nunique")
        )
        if net is None or set(net.types) != set(self.partners):
            net = actor_network(self.G, self.partners)
        if resolve_engine(engine) == "igraph":
            cut = set(net.igraph.articulation_points())
        else:
            cut = set(nx.articulation_points(net.networkx))
        ids = sorted(set(agg.index.tolist()) | cut)
        out = pd.DataFrame(
            {
                "actor_id": [self.actors[i] for i in ids],
                "name": [self.names[self.actors[i]] for i in ids],
                "kind": [self.kinds[self.actors[i]] for i in ids],
                "opened_weight": [int(agg["opened_weight"].get(i, 0)) for i in ids],
                "opened_gaps": [int(agg["opened_gaps"].get(i, 0)) for i in ids],
                "actors_affected": [int(agg["actors_affected"].get(i, 0)) for i in ids],
                "articulation_point": [i in cut for i in ids],
                "_order": ids,
            }
        )
        out = out.sort_values(["opened_weight", "articulation_point", "_order"], ascending=[False, False, True])
        return out[cols].reset_index(drop=True)


def _unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """Distinct rows of an (k, 2) array of non-negative ints, sorted (faster than np.unique(axis=0))."""
    if not pairs.size:
        return pairs.reshape(0, 2)
    base = int(pairs.max()) + 1
    keys = np.unique(pairs[:, 0] * base + pairs[:, 1])
    return np.column_stack([keys // base, keys % base])


def _level(value: Any, u: str, v: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SchemaError(
            f"relationship {u!r} -HAS_CAPABILITY-> {v!r}: level = {value!r} is not a number; "
            "use a level from 0 to 1 or leave it out (counts as 1)"
        )
    return float(value)
