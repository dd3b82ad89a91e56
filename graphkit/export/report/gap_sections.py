"""Report sections on capability gaps: the heat map, what cooperation closes, threats nobody covers, partner recommendations and critical actors."""

from __future__ import annotations

from typing import Any

from graphkit.export.report.context import Context, capability_items, table_cell
from graphkit.export.report.document import (
    Block,
    Figure,
    HeatMap,
    Paragraph,
    Section,
    Table,
    fmt,
)
from graphkit.export.report.sections import relations, slug

__all__ = ["gap_section", "uncovered_section", "recommendation_section", "critical_section", "main_heatmap"]


def _heatmap(
    ctx: Context, actors: list[str], caption: str, *, capabilities: list[str] | None = None
) -> HeatMap:
    g = ctx.gaps
    cells: dict[tuple[str, str], str] = {}
    weights: dict[tuple[str, str], float] = {}
    capw: dict[str, float] = {}
    wanted = set(actors)
    if len(g):
        for rec in g[g["actor_id"].isin(wanted)].to_dict("records"):
            key = (rec["actor_id"], rec["capability_id"])
            known = bool(rec.get("assessed", True)) and bool(rec.get("capability_assessed", True))
            cells[key] = (
                "own" if rec["own"] else "pooled" if rec["pooled"] else "missing" if known else "unknown"
            )
            weights[key] = float(rec["weight"])
            capw[rec["capability_id"]] = capw.get(rec["capability_id"], 0.0) + float(rec["weight"])
    caps = capabilities or [c for c, _ in sorted(capw.items(), key=lambda kv: (-kv[1], kv[0]))][:30]
    return HeatMap(
        actors=[(a, ctx.name(a)) for a in actors],
        capabilities=[(c, ctx.name(c)) for c in caps],
        cells=cells,
        weights=weights,
        caption=caption,
    )


def gap_section(ctx: Context, recommendations: dict[str, Any], figures: dict[str, Figure]) -> Section:
    totals = ctx.gap_totals()
    blocks: list[Block] = [
        Paragraph(
            "An actor needs the capabilities required by the threats that target it. It owns some; "
            "its partners pool others, each only within its mandate: an agreement or an organisation "
            "shares only the capabilities its pools property names (a collective-defence alliance all, a "
            "universal forum none), and only while the tie is active (not dormant, paused or ended); the "
            "rest is missing where the data show it and 'no data' where no assessment that rated the actor "
            "covers it (a state outside an index is not rated on what the index measures). The own gap is what it lacks alone, the "
            "coalition gap what it lacks with its partners, both over needs with data; the difference is "
            "what multilateral "
            "cooperation buys it. gaps.csv names the route of every pooled need (the agreement or "
            "organisation, and the partner holding the capability)."
        ),
        _threshold_paragraph(ctx),
        _ties_paragraph(ctx),
        main_heatmap(ctx, None),
    ]
    if "heatmap" in figures:
        blocks.append(figures["heatmap"])
    missing = ctx.unassessed()
    blocks.append(
        Paragraph(
            (
                f"{len(missing)} threatened actors have no capability data at all: "
                + ", ".join(ctx.name(a) for a in missing)
                + ". Their own gaps are unknown, not total; they are left out of the heat map, the "
                "rankings, the totals of what cooperation closes and the critical-actor sums (what "
                "partners could pool to them is still computed)."
            )
            if missing
            else "Every threatened actor has some capability data.",
            "No capability data.",
        )
    )
    closes = totals[totals["assessed"].astype(bool)].sort_values(
        ["closed", "actor_id"], ascending=[False, True]
    )
    closes = closes[closes["closed"] > 0].head(ctx.top)
    routes = _closing_routes(ctx)
    subs = [
        Section(
            "cooperation-closes",
            "What cooperation closes",
            [
                Paragraph(
                    "Actors with capability data whose gap shrinks most when their partners' capabilities "
                    "count, with the route that closes each need (weights: number of threats that need "
                    "each missing capability). Own and coalition gaps here count needs with data; "
                    "'without data' is the weight of needs no actor of the same kind has data for "
                    "(counted in neither gap: no data is not a lack)."
                ),
                Table(
                    [
                        "actor",
                        "needed",
                        "own gap",
                        "coalition gap",
                        "closed by cooperation",
                        "without data",
                        "capabilities partners bring (route)",
                    ],
                    [
                        [
                            ctx.name(r["actor_id"]),
                            r["needed"],
                            r["own_gap"],
                            r.get("coalition_known", r["coalition_gap"]),
                            r["closed"],
                            r.get("unknown", 0),
                            capability_items(routes.get(r["actor_id"], []), sep="; "),
                        ]
                        for r in closes.to_dict("records")
                    ],
                    empty="Cooperation closes no actor's gap in this graph.",
                ),
            ],
        ),
    ]
    ag = ctx.frame("alliance_gaps")
    if "own" in ag:
        open_ag = ag[~ag["own"].astype(bool)]
        if "status" in open_ag:
            open_ag = open_ag[open_ag["status"] == "missing"]  # covered by a partner or no data: not a gap
        elif "members_with_level" in open_ag:
            open_ag = open_ag[open_ag["members_with_level"] > 0]  # no data is not "no member has it"
        open_ag = open_ag.sort_values(["weight"], ascending=False, kind="stable")
        rows = [
            [
                ctx.name(r["alliance_id"]),
                ctx.name(r["capability_id"]),
                r["weight"],
                r.get("members_needing"),
                f"{r['assessed_members']} of {r['members']}" if "assessed_members" in r else None,
            ]
            for r in open_ag.head(ctx.top).to_dict("records")
        ]
        atable = Table(
            [
                "alliance",
                "capability missing (no member or partner holds it)",
                "threats needing it",
                "members needing it",
                "members with capability data",
            ],
            rows,
            empty="Every capability that alliance members need is held by at least one member.",
        )
    else:
        atable = ctx.table(ag, limit=ctx.top, empty="No alliance in the graph has members facing threats.")
    subs.append(
        Section(
            "alliance-gaps",
            "Alliance gaps",
            [
                Paragraph(
                    "For each alliance and organisation: capabilities its members need against the threats "
                    "that target them and that neither a member nor a partner of the organisation holds, "
                    "heaviest first (alliance_gaps.csv's status: held, covered, missing, no data). "
                    "Capabilities for which no member has any level are left out (no data, not a gap); a "
                    "member without any "
                    "capability data holds nothing on record, so check how many members have data."
                ),
                atable,
            ],
        )
    )
    subs.append(uncovered_section(ctx))
    subs.append(recommendation_section(ctx, recommendations))
    return Section("gaps", "Capability gaps", blocks, subs)


def _threshold_paragraph(ctx: Context) -> Paragraph:
    """The level threshold and how many levels are close calls."""
    g: dict[str, Any] = ctx.info["gaps"] if isinstance(ctx.info.get("gaps"), dict) else {}
    t = g.get("threshold", (ctx.info.get("parameters") or {}).get("threshold"))
    if t is None:
        return Paragraph("The level threshold is not recorded in this analysis.", "Threshold.")
    text = f"A capability counts as held from level {fmt(float(t))} up (levels run from 0 to 1)."
    if "levels_near_threshold" in g:
        text += (
            f" {g['levels_near_threshold']:,} of {g.get('levels', 0):,} actor–capability levels lie "
            "within 0.05 of it: a slightly different threshold would flip them."
        )
    return Paragraph(text, "Threshold.")


def _ties_paragraph(ctx: Context) -> Paragraph:
    """How many ties are dormant or paused on the analysis day (summary.json's ties)."""
    t: dict[str, Any] = ctx.info["ties"] if isinstance(ctx.info.get("ties"), dict) else {}
    if not t:
        return Paragraph("The life cycle of ties is not recorded in this analysis.", "Ties.")
    by = t.get("by_type", {})
    coop, member = by.get("COOPERATES_WITH", {}), by.get("MEMBER_OF", {})
    n_coop, n_member = sum(coop.values()), sum(member.values())
    years = t.get("dormant_after")
    text = (
        f"{coop.get('dormant', 0):,} of {n_coop:,} agreements and {member.get('dormant', 0):,} of "
        f"{n_member:,} memberships are dormant: no round, renewal or joint action on record within "
        f"{fmt(float(years)) if years is not None else '?'} years (--dormant-after; 0 keeps every tie). "
        f"{t.get('paused', 0):,} {'is' if t.get('paused', 0) == 1 else 'are'} paused (suspended, frozen or "
        "observer). Dormant and paused ties stay in the data but neither pool capabilities nor count in the "
        "network."
    )
    paused = [
        f"{ctx.name(u)} in {ctx.name(v)} ({status})"
        if kind == "MEMBER_OF"
        else f"{ctx.name(u)}–{ctx.name(v)} ({status})"
        for u, kind, v, status in t.get("paused_ties") or []
    ]
    if paused:
        text += " Paused: " + "; ".join(paused[:10]) + (" ..." if len(paused) > 10 else "") + "."
    return Paragraph(text, "Ties.")


def _closing_routes(ctx: Context) -> dict[str, list[str]]:
    """Per actor: ``capability (route)`` for every known need that cooperation closes."""
    g = ctx.gaps
    out: dict[str, list[str]] = {}
    if g.empty or "route" not in g:
        return out
    known = g["assessed"].astype(bool) & g["capability_assessed"].astype(bool)
    rows = g[known & ~g["own"].astype(bool) & g["pooled"].astype(bool)]
    for r in rows.to_dict("records"):
        out.setdefault(r["actor_id"], []).append(f"{ctx.name(r['capability_id'])} ({r['route']})")
    return out


def uncovered_section(ctx: Context) -> Section:
    unc = ctx.frame("uncovered_threats")
    blocks: list[Block] = [
        Paragraph(
            "Threats that need a capability no actor in the graph has: no partnership can "
            "answer them until someone builds the capability."
        ),
        ctx.table(unc, limit=ctx.top, empty="Every threat can be answered by someone in the graph."),
    ]
    if len(unc) > ctx.top:
        blocks.append(Paragraph(f"{len(unc) - ctx.top} more in uncovered_threats.csv."))
    return Section("uncovered-threats", "Threats nobody covers", blocks)


def recommendation_section(ctx: Context, recommendations: dict[str, Any]) -> Section:
    blocks: list[Block] = [
        Paragraph(
            "New partners that would close most of an actor's remaining (coalition) gap, chosen "
            "greedily: each pick has the highest score = gap weight it closes × feasibility, where "
            "feasibility = 0.25 + 0.35 × the instrument weight of an active agreement the two already "
            "have (1 a treaty or agreement, 0.6 an MoU or partnership, 0.3 a dialogue or joint statement) "
            "+ 0.25 if they share an organisation that pools something + 0.15 if they are in the same "
            "region (0.25 to 1). Recommendations are for states (an organisation's members to recruit "
            "only in a report focused on it). A state named by a government as sponsor of a threat "
            "against the actor is never proposed (a vendor's or tracker's suspicion, or attribution of "
            "origin, does not count), nor its own organisations or members, nor a state of the opposite "
            "camp on the rules of cyberspace (camps from recorded positions; see that section). "
            "Needs without data are not recommended for. Each pick says "
            "what it closes and why it is feasible, with two alternatives."
        )
    ]
    subs = []
    for actor, df in recommendations.items():
        empty = "No new partner would close any of its remaining gap."
        if df is not None and {"rank", "partner_id", "reason"} <= set(df.columns):
            table = Table(
                ["#", "partner", "weight closed", "feasibility", "reason", "alternatives"],
                [
                    [
                        r["rank"],
                        ctx.name(r["partner_id"]),
                        r.get("closed_weight"),
                        r.get("feasibility"),
                        r.get("reason"),
                        table_cell(r.get("alternatives", []), ctx),
                    ]
                    for r in df.head(ctx.top).to_dict("records")
                ],
                empty=empty,
            )
        else:
            table = ctx.table(df, limit=ctx.top, skip=("actor_id",), empty=empty)
        subs.append(Section(f"recommend-{slug(actor)}", f"Partners for {ctx.name(actor)}", [table]))
    if not recommendations:
        blocks.append(Paragraph("No actor has a remaining gap that a new partner could close."))
    return Section("recommendations", "Partner recommendations", blocks, subs)


def critical_section(ctx: Context) -> Section:
    crit = ctx.frame("critical_actors")
    return Section(
        "critical-actors",
        "Critical actors",
        [
            Paragraph(
                "Actors whose loss would hurt most: removing them opens the largest coalition "
                "gaps in others, or cuts the cooperation network apart (an articulation point). A need "
                "opens when every route to it (an agreement with a holder, an organisation whose mandate "
                "covers it) passes through the actor, so an organisation that pools nothing is never "
                "critical through pooling; needs of actors without capability data, and needs no actor of "
                "the same kind has data for, are not summed."
            ),
            ctx.table(crit, limit=ctx.top, empty="No actor's loss opens a gap or splits the network."),
        ],
    )


def main_heatmap(ctx: Context, focus: str | None) -> HeatMap:
    """The report's heat map: the most threatened actors, or the focus and its members / partners."""
    if focus is None:
        totals = ctx.gap_totals()
        totals = totals[totals["assessed"].astype(bool)].sort_values(
            ["own_gap", "needed", "actor_id"], ascending=[False, False, True]
        )
        shown = list(totals["actor_id"].head(ctx.top))
        return _heatmap(
            ctx,
            shown,
            f"The {len(shown)} actors with capability data and the largest gaps of their own, largest "
            "first (actors without capability data are listed below); a cell without data for any "
            "actor of that kind is 'no data'; hover a cell for the number of threats behind it.",
        )
    members, _, partners = relations(ctx, focus)
    others = members or sorted(partners, key=lambda a: (ctx.importance(a), a))
    missing = set(ctx.unassessed())
    others = [a for a in others if a not in missing]
    limit = max(ctx.top, 40)
    caption = (
        f"{ctx.name(focus)} and its {'members' if members else 'partners'}"
        + (f" (the {limit - 1} most central shown)" if len(others) > limit - 1 else "")
        + "."
    )
    return _heatmap(ctx, [focus] + others[: limit - 1], caption)
