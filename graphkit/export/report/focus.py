"""The sections that lead a report focused on one actor or alliance."""

from __future__ import annotations

from typing import Any

from graphkit.export.report.context import Context, capability_items, table_cell
from graphkit.export.report.document import (
    STATE_TEXT,
    Block,
    Figure,
    Paragraph,
    Section,
    Table,
    kind_name,
)
from graphkit.export.report.gap_sections import main_heatmap, recommendation_section, uncovered_section
from graphkit.export.report.sections import relations

__all__ = ["focus_sections"]

_ALLIANCE_STATUS = {
    "held": "held by a member",
    "covered": "covered by a partner",
    "missing": "missing",
    "no data": "no data (no member has a level)",
}


def focus_sections(
    ctx: Context, focus: str, recommendations: dict[str, Any], figures: dict[str, Figure]
) -> list[Section]:
    G = ctx.G
    d = G.nodes[focus]
    members, memberships, partners = relations(ctx, focus)
    is_group = bool(members)
    kind = d.get("kind", "actor")
    # profile
    prof_blocks: list[Block] = []
    kind_text = kind_name(kind)
    article = "an" if kind_text[:1].lower() in "aeiou" else "a"
    facts = [f"{ctx.name(focus)} ({focus}) is {article} {kind_text}"]
    for key in ("region", "founded", "iso3"):
        if d.get(key) is not None:
            facts.append(f"{key} {d[key]}")
    prof_blocks.append(Paragraph("; ".join(facts) + ".", "Profile."))
    c = ctx.centrality
    if len(c) and focus in set(c["id"]):
        row = c[c["id"] == focus].iloc[0]
        peers = c[c["kind"] == row["kind"]] if "kind" in c else c
        plural = {
            "state": "states",
            "alliance": "alliances",
            "international_org": "international organisations",
            "company": "companies",
            "cert": "CERTs",
            "ngo": "NGOs",
        }.get(str(row.get("kind")), "actors")
        rank_rows = []
        for col, title, _, high in ctx.ranked_measures():
            if col in c:
                rank = (
                    int((peers[col] > row[col]).sum() + 1) if high else int((peers[col] < row[col]).sum() + 1)
                )
                rank_rows.append([title, table_cell(row[col], ctx), f"{rank} of {len(peers)} {plural}"])
        prof_blocks.append(
            Table(
                ["measure", "value", "rank among its kind"],
                rank_rows,
                caption="Where it stands in the network",
            )
        )
    if memberships:
        prof_blocks.append(Paragraph(", ".join(ctx.name(m) for m in memberships) + ".", "Member of:"))
    sections = [Section("focus", f"About {ctx.name(focus)}", prof_blocks)]
    totals = ctx.gap_totals().set_index("actor_id") if len(ctx.gap_totals()) else None

    def gap_of(a: str, col: str) -> Any:
        return float(totals.loc[a, col]) if totals is not None and a in totals.index else 0.0

    if is_group:
        rows = [
            [
                ctx.name(m),
                kind_name(ctx.kind(m)),
                ctx.importance(m) + 1,
                gap_of(m, "needed"),
                gap_of(m, "own_gap"),
                gap_of(m, "coalition_gap"),
            ]
            for m in members
        ]
        sections.append(
            Section(
                "members",
                f"Members of {ctx.name(focus)}",
                [
                    Paragraph(
                        f"{len(members)} members, most central (PageRank) first, with the gap weight each "
                        "faces alone and with its partners."
                    ),
                    Table(["member", "kind", "network rank", "needed", "own gap", "coalition gap"], rows),
                ],
            )
        )
    prow = sorted(partners.items(), key=lambda kv: (ctx.importance(kv[0]), kv[0]))
    sections.append(
        Section(
            "partners",
            f"Partners of {ctx.name(focus)}",
            [
                Paragraph(
                    "Actors it cooperates with directly and fellow members of the organisations it belongs to."
                ),
                Table(
                    ["partner", "kind", "tie"],
                    [[ctx.name(p), kind_name(ctx.kind(p)), "; ".join(dict.fromkeys(h))] for p, h in prow],
                    empty="No cooperation or shared membership is recorded.",
                ),
            ],
        )
    )
    # gaps
    gblocks: list[Block] = []
    if is_group:
        ag = ctx.frame("alliance_gaps")
        own_rows = ag[ag["alliance_id"] == focus] if "alliance_id" in ag else ag.iloc[0:0]
        gblocks.append(
            Paragraph(
                f"What the members of {ctx.name(focus)} need against the threats that target them, what "
                "each has, what partners cover and what is missing."
            )
        )
        if {"capability_id", "weight", "own"} <= set(own_rows.columns):
            gblocks.append(
                Table(
                    [
                        "capability",
                        "threats needing it",
                        "status",
                        "members holding it",
                        "members needing it",
                    ],
                    [
                        [
                            ctx.name(r["capability_id"]),
                            r["weight"],
                            _ALLIANCE_STATUS.get(r.get("status"), "held" if r["own"] else "not held"),
                            r.get("holders"),
                            r.get("members_needing"),
                        ]
                        for r in own_rows.to_dict("records")
                    ],
                    caption=f"{ctx.name(focus)} as a whole",
                    empty="No member faces a threat with known requirements.",
                )
            )
        else:
            gblocks.append(
                ctx.table(
                    own_rows,
                    skip=("alliance_id",),
                    caption=f"{ctx.name(focus)} as a whole",
                    empty="No member faces a threat with known requirements.",
                )
            )
    g = ctx.gaps
    mine = g[g["actor_id"] == focus] if len(g) else g
    if len(mine):
        mine = mine.sort_values(["weight", "capability_id"], ascending=[False, True])

        def status(r: dict[str, Any]) -> str:
            known = bool(r.get("assessed", True)) and bool(r.get("capability_assessed", True))
            return STATE_TEXT[
                "own" if r["own"] else "pooled" if r["pooled"] else "missing" if known else "unknown"
            ]

        gblocks.append(
            Table(
                ["capability", "threats needing it", "own", "with partners", "status", "route"],
                [
                    [
                        ctx.name(r["capability_id"]),
                        r["weight"],
                        bool(r["own"]),
                        bool(r["pooled"]),
                        status(r),
                        table_cell(r.get("route"), ctx) or "",
                    ]
                    for r in mine.to_dict("records")
                ],
                caption=f"Capabilities {ctx.name(focus)} itself needs",
            )
        )
    elif not is_group:
        gblocks.append(
            Paragraph(f"No threat in the graph targets {ctx.name(focus)} with known requirements.")
        )
    gblocks.append(main_heatmap(ctx, focus))
    if "heatmap" in figures:
        gblocks.append(figures["heatmap"])
    threats = sorted({u for u, _, e in G.in_edges(focus, data=True) if e.get("type") == "TARGETS"})
    if is_group:
        threats = sorted(
            {u for m in members for u, _, e in G.in_edges(m, data=True) if e.get("type") == "TARGETS"}
            | set(threats)
        )
    trows = []
    for t in threats:
        req = [v for _, v, e in G.out_edges(t, data=True) if e.get("type") == "REQUIRES"]
        trows.append([ctx.name(t), capability_items([ctx.name(x) for x in sorted(req)])])
    gsubs = [
        Section(
            "focus-threats",
            "Threats it faces",
            [
                Table(
                    ["threat", "requires"],
                    trows[: ctx.top * 5],
                    caption=f"{len(trows)} threats"
                    + (f" (first {ctx.top * 5} shown)" if len(trows) > ctx.top * 5 else ""),
                    empty="No threat in the graph targets it.",
                )
            ],
        )
    ]
    sections.append(Section("focus-gaps", f"Gaps of {ctx.name(focus)}", gblocks, gsubs))
    sections.append(recommendation_section(ctx, recommendations))
    sections.append(uncovered_section(ctx))
    return sections
