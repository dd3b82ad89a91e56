"""Rankings within each actor kind, the headlines drawn from them, and how stable each one is."""

from __future__ import annotations

from typing import Any

from graphkit.export.report.context import Context
from graphkit.export.report.document import Block, Paragraph, Section, Table, kind_name, ranked_measures
from graphkit.schema import kind_word

__all__ = [
    "Bands",
    "headline_findings",
    "ranking_tables",
    "RANKING_GROUPS",
    "cluster_cohesion",
    "stability_section",
    "ORGANISATION_KINDS",
    "KIND_TITLES",
]

ORGANISATION_KINDS = ("alliance", "international_org")
"""The kinds the headlines call organisations."""

KIND_TITLES = {
    k: kind_word(k, plural=True, title=True)
    for k in ("state", "alliance", "international_org", "company", "cert", "ngo", "other")
}
"""Table titles per actor kind, in the report's order (:func:`graphkit.schema.kind_word`)."""

_GAP_TITLES = {"own_gap": "own capability gap", "coalition_gap": "coalition capability gap"}


class Bands:
    """The stability table of an analysis, read by ranking (measure, kind) and actor."""

    def __init__(self, ctx: Context) -> None:
        st = ctx.frame("stability")
        self.present = bool(len(st)) and "rank_p95" in st
        self.runs = int(st["runs"].max()) if self.present else 0
        self.rows: dict[tuple[str, str, str], dict[str, Any]] = {}
        if self.present:
            for r in st.to_dict("records"):
                self.rows[(str(r["measure"]), str(r["kind"]), str(r["actor_id"]))] = r

    def get(self, measure: str, kind: str, actor: str) -> dict[str, Any] | None:
        return self.rows.get((measure, kind or "unknown", actor))

    def verdict(self, measure: str, kind: str, actor: str, top: int) -> str:
        """``stable`` when the rank's band stays narrow under every perturbation family (the
        ``stable`` column of stability.csv; an older table without it: the rank stays within the
        ``top`` shown, ``rank_p95 <= top``), ``fragile`` otherwise; ``""`` without runs."""
        r = self.get(measure, kind, actor)
        if r is None:
            return ""
        if "stable" in r:
            return "stable" if _true(r["stable"]) else "fragile"
        return "stable" if int(r["rank_p95"]) <= top else "fragile"

    def rests_on(self, measure: str, kind: str, actor: str) -> str:
        """The one agreement or source a fragile rank rests on (``""`` when none alone moves it)."""
        r = self.get(measure, kind, actor)
        v = "" if r is None else r.get("rests_on")
        return "" if v is None or v != v else str(v)

    def band(self, measure: str, kind: str, actor: str) -> str:
        r = self.get(measure, kind, actor)
        if r is None:
            return ""
        lo, hi = int(r["rank_p05"]), int(r["rank_p95"])
        return f"{lo}" if lo == hi else f"{lo}–{hi}"

    def range(self, measure: str, kind: str, actor: str) -> str:
        """The ranks the actor took over every run (``rank_min``–``rank_max``)."""
        r = self.get(measure, kind, actor)
        if r is None:
            return ""
        lo, hi = int(r["rank_min"]), int(r["rank_max"])
        return f"{lo}" if lo == hi else f"{lo}–{hi}"


RANKING_GROUPS: tuple[tuple[str, str, str, tuple[str, ...] | None], ...] = (
    ("states", "States", "states", ("state",)),
    ("organisations", "Organisations", "alliances and international organisations", ORGANISATION_KINDS),
    ("others", "Companies, CERTs, NGOs and others", "companies, CERTs, NGOs and other actors", None),
)
"""The report's three ranking tables: (id, title, what they hold, kinds; None = every kind
not named before)."""


def ranking_tables(ctx: Context, bands: Bands) -> list[tuple[str, str, Table]]:
    """``(id, title, table)`` for states, organisations and everyone else: the ``top`` actors
    of each group by PageRank (or the first ranked measure), with their rank within the
    group on every ranked measure and, with stability runs, whether the first rank holds."""
    import pandas as pd

    c = ctx.centrality
    measures = [m for m in ctx.ranked_measures() if m[0] in c]
    if not len(c) or "kind" not in c or not measures:
        return []
    lead = next((m for m in measures if m[0] == "pagerank"), measures[0])
    named = {k for *_, kinds in RANKING_GROUPS if kinds for k in kinds}
    out = []
    for gid, title, noun, kinds in RANKING_GROUPS:
        mask = c["kind"].astype(str).isin(kinds) if kinds else ~c["kind"].astype(str).isin(named)
        group = c[mask & c[lead[0]].notna()]
        if not len(group):
            continue
        n = ctx.top if gid == "states" else min(ctx.top, 10)
        ranks = {
            col: group[col].rank(ascending=not high_first, method="min")
            for col, _, _, high_first in measures
            if group[col].notna().any()
        }
        top = group.assign(_lead=ranks[lead[0]]).sort_values(["_lead", "id"]).head(n)
        several_kinds = kinds is None or len(kinds) > 1
        header = ["#", "state" if gid == "states" else "actor"]
        if several_kinds:
            header.append("kind")
        header += [m[1] for m in measures if m[0] in ranks]
        if bands.present:
            header.append(f"{lead[1]} rank in runs" + (" (within its kind)" if several_kinds else ""))
        rows = []
        for idx, r in zip(top.index, top.to_dict("records"), strict=True):
            row: list[Any] = [int(r["_lead"]), ctx.name(r["id"])]
            if several_kinds:
                row.append(kind_word(r["kind"]))
            for col in ranks:
                v = ranks[col].loc[idx]
                row.append("" if pd.isna(v) else int(v))
            if bands.present:
                kind_rank = r.get(f"{lead[0]}_kind_rank")
                shown = int(kind_rank) if kind_rank is not None and kind_rank == kind_rank else n
                band = bands.band(lead[0], str(r["kind"]), r["id"])
                verdict = bands.verdict(lead[0], str(r["kind"]), r["id"], max(shown, n))
                row.append(f"{band} ({verdict})" if band else "")
            rows.append(row)
        caption = (
            f"The {len(rows)} {noun} with the highest {lead[1]}; each measure column gives the "
            f"actor's rank among {noun} on it (1 = highest)."
        )
        out.append((gid, title, Table(header, rows, caption=caption)))
    return out


def headline_findings(ctx: Context, bands: Bands) -> list[str]:
    """Most central state and most central organisation on every ranked measure, grouped by actor."""
    c = ctx.centrality
    if not len(c) or "kind" not in c:
        return []
    out = []
    forums = global_forums(ctx)
    for label, kinds in (("state", ("state",)), ("organisation", ORGANISATION_KINDS)):
        pool = c[c["kind"].astype(str).isin(kinds) & ~c["id"].isin(forums)]
        if not len(pool):
            continue
        winners: dict[str, list[str]] = {}
        notes: dict[str, list[str]] = {}
        for col, title, _, high_first in ctx.ranked_measures():
            if col not in pool or not pool[col].notna().any():
                continue
            best = pool[pool[col].notna()].sort_values([col, "id"], ascending=[not high_first, True]).iloc[0]
            winners.setdefault(best["id"], []).append(_lower(title))
            rank = best.get(f"{col}_kind_rank")
            rank = 1 if rank is None or rank != rank else int(rank)
            verdict = bands.verdict(col, str(best["kind"]), best["id"], rank)  # keeps its place
            if verdict == "fragile":
                rests = bands.rests_on(col, str(best["kind"]), best["id"])
                notes.setdefault(best["id"], []).append(
                    f"{_lower(title)} rank {bands.range(col, str(best['kind']), best['id'])} across the runs"
                    + (f", rests on {rests}" if rests else "")
                )
        if not winners:
            continue
        parts = []
        for actor, titles in winners.items():
            text = f"{ctx.name(actor)} on {_join(titles)}"
            if bands.present:
                text += (
                    f" (fragile: {'; '.join(notes[actor])})"
                    if actor in notes
                    else " (stable under every perturbation)"
                )
            parts.append(text)
        out.append(f"Most central {label}: " + "; ".join(parts) + ".")
    if forums and out:
        names = [ctx.name(f) for f in sorted(forums, key=lambda f: ctx.name(f))]
        out.append(
            f"Left out of the organisation headline: {_join(names)}, global forums that more than half of the "
            "states join; their size alone would put them first on degree (their rankings are below)."
        )
    return out


def global_forums(ctx: Context) -> set[str]:
    """Organisations with more than half of the graph's states as members (distinct ``MEMBER_OF``)."""
    states = {n for n, d in ctx.G.nodes(data=True) if d.get("kind") == "state"}
    members: dict[str, set[str]] = {}
    for u, v, d in ctx.G.edges(data=True):
        if d.get("type") == "MEMBER_OF" and u in states:
            members.setdefault(v, set()).add(u)
    return {o for o, ms in members.items() if len(ms) > len(states) / 2 and len(ms) > 1}


def _lower(title: str) -> str:
    """``Weighted degree`` -> ``weighted degree``; ``PageRank`` stays as it is."""
    return title if any(ch.isupper() for ch in title[1:]) else title.lower()


def cluster_cohesion(ctx: Context, members: list[str]) -> float | None:
    """Mean share of runs in which two members of a cluster share a cluster (``None`` without runs)."""
    co = ctx.frame("cocluster")
    if not len(co) or len(members) < 2:
        return None if not len(co) else 1.0
    if not hasattr(ctx, "_pair_share"):
        ctx._pair_share = {  # type: ignore[attr-defined]
            (a, b): s for a, b, s in zip(co["actor_a"], co["actor_b"], co["share"], strict=True)
        }
    share = ctx._pair_share  # type: ignore[attr-defined]
    ms = sorted(members)
    total, count = 0.0, 0
    for i, a in enumerate(ms):
        for b in ms[i + 1 :]:
            total += share.get((a, b), share.get((b, a), 0.0))
            count += 1
    return total / count if count else None


def stability_section(ctx: Context) -> Section:
    """What holds across the stability runs, and what does not (with what drives it)."""
    bands = Bands(ctx)
    info = ctx.info.get("stability") or {}
    if not bands.present:
        return Section(
            "stability",
            "How stable the findings are",
            [
                Paragraph(
                    "No stability runs were made for this report (graphkit report --perturb N repeats the "
                    "analysis N times with estimated values jittered, the capability threshold moved and "
                    "other cluster seeds)."
                )
            ],
        )
    est = info.get("estimated") or {}
    perturbed = info.get("total_runs", info.get("runs", bands.runs - 1))
    jitter = info.get("jitter")
    band = info.get("threshold_band")
    fam = info.get("families") or {}
    parts = [
        f"{fam.get('estimates', info.get('runs', 0))} runs with the {est.get('levels', 0):,} capability levels "
        f"and {est.get('weights', 0):,} weights the data marks as estimates moved by up to ±{jitter} (levels) "
        f"or ±{jitter:.0%} (weights), the capability threshold by up to ±{band} and other cluster seeds"
    ]
    if fam.get("bootstrap"):
        parts.append(
            f"{fam['bootstrap']} with the {info.get('cooperation_ties', 0):,} active cooperation ties resampled (bootstrap)"
        )
    if fam.get("sources"):
        parts.append(
            f"{fam['sources']} each leaving out one source family (the largest: {', '.join(map(str, (info.get('sources_left_out') or [])[:4]))} …)"
        )
    if fam.get("ties"):
        parts.append(f"{fam['ties']} each leaving out one cooperation agreement")
    if fam.get("dormancy"):
        parts.append(
            f"{fam['dormancy']} with another dormancy horizon ({', '.join(map(str, info.get('dormancy_horizons') or []))} years)"
        )
    if fam.get("instruments"):
        parts.append(f"{fam['instruments']} with other instrument weights (a flat table and jittered ones)")
    blocks: list[Block] = [
        Paragraph(
            f"Every ranking was recomputed in {perturbed} perturbed runs (plus the reported one): "
            + "; ".join(parts)
            + ". A finding is stable only when its rank band stays narrow under every one of these "
            "(at most floor(0.2 × rank) places wide: no move at all for ranks 1 to 4); fragile otherwise, "
            "with what drives its band and, when leaving out one agreement or one source alone moves it, "
            "what it rests on (stability.csv: driver, rests_on and one width per family)."
        )
    ]
    fragile = []
    st = ctx.frame("stability")
    shown = st[(st["rank"] <= ctx.top) & ~st["measure"].astype(str).isin(ctx.redundant_measures())]
    for r in shown.sort_values(["measure", "kind", "rank", "actor_id"]).to_dict("records"):
        measure, kind = str(r["measure"]), str(r["kind"])
        limit = ctx.top if kind in ("state", "all") else min(ctx.top, 5)
        if int(r["rank"]) > limit or bands.verdict(measure, kind, str(r["actor_id"]), limit) != "fragile":
            continue
        title = _title(measure)
        within = (
            "" if kind == "all" else f" among {_lower_plural(KIND_TITLES.get(kind, kind_name(kind) + 's'))}"
        )
        driver = str(r.get("varies_with") or "the perturbations")
        rests = bands.rests_on(measure, kind, str(r["actor_id"]))
        fragile.append(
            [
                ctx.name(r["actor_id"]),
                f"{title}{within}",
                int(r["rank"]),
                bands.band(measure, kind, r["actor_id"]),
                f"Ranked {int(r['rank'])} here but {int(r['rank_min'])} to {int(r['rank_max'])} across the runs; "
                f"it moves most with {driver}" + (f"; it rests on {rests}." if rests else "."),
            ]
        )
    if fragile:
        blocks.append(
            Table(
                ["actor", "ranking", "rank", "rank in 90% of runs", "what drives it"],
                sorted(fragile, key=lambda row: int(str(row[2])))[: ctx.top],
                caption="Fragile findings: shown in a ranking of this report, but not in every run",
            )
        )
        if len(fragile) > ctx.top:
            blocks.append(
                Paragraph(f"{len(fragile) - ctx.top} more fragile findings (lower ranks) in stability.csv.")
            )
    else:
        blocks.append(Paragraph("Every ranking shown in this report stays narrow under every perturbation."))
    return Section("stability", "How stable the findings are", blocks)


def _true(v: Any) -> bool:
    """A ``stable`` cell as read back from a CSV (``True``/``"True"``) or a frame (bool)."""
    return (
        v is True
        or (isinstance(v, str) and v.strip().lower() == "true")
        or (not isinstance(v, str) and bool(v))
    )


def _lower_plural(title: str) -> str:
    """``International organisations`` -> ``international organisations``; ``CERTs`` stays."""
    return title if title[:2].isupper() else title[:1].lower() + title[1:]


def _title(measure: str) -> str:
    for col, title, _, _ in ranked_measures():
        if col == measure:
            return title
    return _GAP_TITLES.get(measure, measure.replace("_", " "))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
