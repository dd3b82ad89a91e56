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
from graphkit.schema import kind_word

__all__ = ["focus_sections", "profile_section", "members_section", "partners_section", "focus_gap_section"]

_ALLIANCE_STATUS = {
    "held": "held by a member",
    "covered": "covered by a partner",
    "missing": "missing",
    "no data": "no data (no member has a level)",
}


def focus_sections(
    ctx: Context, focus: str, recommendations: dict[str, Any], figures: dict[str, Figure]
) -> list[Section]:
    """The sections of a report focused on one actor or organisation: its profile, members,
    partners, gaps and the threats it faces, its recommendations and the uncovered threats."""
    members, memberships, partners = relations(ctx, focus)
    sections = [profile_section(ctx, focus, memberships)]
    if members:
        sections.append(members_section(ctx, focus, members))
    sections.append(partners_section(ctx, focus, partners))
    sections.append(focus_gap_section(ctx, focus, members, figures))
    sections.append(recommendation_section(ctx, recommendations))
    sections.append(uncovered_section(ctx))
    return sections


def profile_section(ctx: Context, focus: str, memberships: list[str]) -> Section:
    """Who the focus is and where it stands in the network, rank by rank within its kind."""
    d = ctx.G.nodes[focus]
    kind_text = kind_name(d.get("kind", "actor"))
    article = "an" if kind_text[:1].lower() in "aeiou" else "a"
    facts = [f"{ctx.name(focus)} ({focus}) is {article} {kind_text}"]
    facts += [f"{key} {d[key]}" for key in ("region", "founded", "iso3") if d.get(key) is not None]
    blocks: list[Block] = [Paragraph("; ".join(facts) + ".", "Profile.")]
    c = ctx.centrality
    if len(c) and focus in set(c["id"]):
        row = c[c["id"] == focus].iloc[0]
        peers = c[c["kind"] == row["kind"]] if "kind" in c else c
        plural = kind_word(row.get("kind"), plural=True) if "kind" in c else "actors"
        rank_rows = []
        for col, title, _, high in ctx.ranked_measures():
            if col in c:
                rank = (
                    int((peers[col] > row[col]).sum() + 1) if high else int((peers[col] < row[col]).sum() + 1)
                )
                rank_rows.append([title, table_cell(row[col], ctx), f"{rank} of {len(peers)} {plural}"])
        blocks.append(
            Table(
                ["measure", "value", "rank among its kind"],
                rank_rows,
                caption="Where it stands in the network",
            )
        )
    if memberships:
        blocks.append(Paragraph(", ".join(ctx.name(m) for m in memberships) + ".", "Member of:"))
    return Section("focus", f"About {ctx.name(focus)}", blocks)


def members_section(ctx: Context, focus: str, members: list[str]) -> Section:
    """An organisation's members, most central first, with the gap each faces alone and with partners."""
    totals = ctx.gap_totals().set_index("actor_id") if len(ctx.gap_totals()) else None

    def gap_of(a: str, col: str) -> Any:
        return float(totals.loc[a, col]) if totals is not None and a in totals.index else 0.0

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
    return Section(
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


def partners_section(ctx: Context, focus: str, partners: dict[str, Any]) -> Section:
    """Whom the focus cooperates with directly, and its fellow members, with the tie."""
    prow = sorted(partners.items(), key=lambda kv: (ctx.importance(kv[0]), kv[0]))
    return Section(
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


def focus_gap_section(ctx: Context, focus: str, members: list[str], figures: dict[str, Figure]) -> Section:
    """The focus's gaps: as an organisation over its members, its own needs need by need, the
    heat map, and the threats it (or its members) face."""
    is_group = bool(members)
    blocks: list[Block] = []
    if is_group:
        blocks += _organisation_gaps(ctx, focus)
    blocks += _own_needs(ctx, focus, is_group)
    blocks.append(main_heatmap(ctx, focus))
    if "heatmap" in figures:
        blocks.append(figures["heatmap"])
    return Section(
        "focus-gaps", f"Gaps of {ctx.name(focus)}", blocks, [_threats_section(ctx, focus, members)]
    )


def _organisation_gaps(ctx: Context, focus: str) -> list[Block]:
    ag = ctx.frame("alliance_gaps")
    own_rows = ag[ag["alliance_id"] == focus] if "alliance_id" in ag else ag.iloc[0:0]
    blocks: list[Block] = [
        Paragraph(
            f"What the members of {ctx.name(focus)} need against the threats that target them, what "
            "each has, what partners cover and what is missing."
        )
    ]
    if {"capability_id", "weight", "own"} <= set(own_rows.columns):
        blocks.append(
            Table(
                ["capability", "threats needing it", "status", "members holding it", "members needing it"],
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
        blocks.append(
            ctx.table(
                own_rows,
                skip=("alliance_id",),
                caption=f"{ctx.name(focus)} as a whole",
                empty="No member faces a threat with known requirements.",
            )
        )
    return blocks


def _own_needs(ctx: Context, focus: str, is_group: bool) -> list[Block]:
    g = ctx.gaps
    mine = g[g["actor_id"] == focus] if len(g) else g
    if not len(mine):
        if is_group:
            return []
        return [Paragraph(f"No threat in the graph targets {ctx.name(focus)} with known requirements.")]
    mine = mine.sort_values(["weight", "capability_id"], ascending=[False, True])

    def status(r: dict[str, Any]) -> str:
        known = bool(r.get("assessed", True)) and bool(r.get("capability_assessed", True))
        return STATE_TEXT[
            "own" if r["own"] else "pooled" if r["pooled"] else "missing" if known else "unknown"
        ]

    return [
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
    ]


def _threats_section(ctx: Context, focus: str, members: list[str]) -> Section:
    G = ctx.G
    targets = [focus, *members]
    threats = sorted(
        {u for a in targets for u, _, e in G.in_edges(a, data=True) if e.get("type") == "TARGETS"}
    )
    trows = []
    for t in threats:
        req = [v for _, v, e in G.out_edges(t, data=True) if e.get("type") == "REQUIRES"]
        trows.append([ctx.name(t), capability_items([ctx.name(x) for x in sorted(req)])])
    limit = ctx.top * 5
    return Section(
        "focus-threats",
        "Threats it faces",
        [
            Table(
                ["threat", "requires"],
                trows[:limit],
                caption=f"{len(trows)} threats" + (f" (first {limit} shown)" if len(trows) > limit else ""),
                empty="No threat in the graph targets it.",
            )
        ],
    )
