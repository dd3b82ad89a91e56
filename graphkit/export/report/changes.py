"""The report on time: which date it shows, and the "What changed" section (``report --since``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graphkit.export.report.context import Context
from graphkit.export.report.document import Block, Bullets, Paragraph, Section, Table

__all__ = ["as_of_text", "time_paragraph", "changes_section"]

#: How many actors one bullet names before it only counts them.
_NAMED = 8


def as_of_text(info: dict[str, Any]) -> str:
    """``"as of 2026-12-01"``, or what the report shows when no date cut it."""
    day = info.get("as_of")
    if not day or day == "all":
        return "every relationship, whatever its dates"
    return f"as of {day}"


def time_paragraph(ctx: Context, changes: Any = None) -> Paragraph:
    """The methods appendix on time: what "as of" means and what the comparison counts."""
    text = (
        "Time: each relationship holds from its start (since_date, else since) until its end "
        "(until_date, else until), the end day excluded; a year alone means 1 January of that "
        "year, and a missing start or end means always or still in force. The network analysed is "
        f"the one {as_of_text(ctx.info)}: every actor stays, only relationships not in force that "
        "day are left out (graphkit --as-of all analyses every relationship)."
    )
    if changes is not None:
        text += (
            f" What changed compares the network as of {changes.since} with that of {changes.as_of}: "
            f"a change is a relationship whose start or end falls after {changes.since} and on or before "
            f"{changes.as_of}. Both networks are analysed with the same parameters; a gap's closed by / "
            "opened by names each change that gives the actor a route to the capability (it, a "
            "partner of the change, or an organisation it belongs to holds it) in the network where "
            "the capability is held, or that made a threat need it."
        )
    return Paragraph(text)


def changes_section(ctx: Context, changes: Any) -> Section:
    """What changed between ``changes.since`` and ``changes.as_of``: ties, gaps, ranks."""
    ch = changes.changes
    began = int((ch["event"] == "began").sum()) if len(ch) else 0
    ended = len(ch) - began
    members = ch[ch["relationship"] == "MEMBER_OF"] if len(ch) else ch
    blocks: list[Block] = [
        Paragraph(
            f"Between {changes.since} and {changes.as_of}, {began:,} change{'s' if began != 1 else ''} "
            f"began a relationship and {ended:,} ended one ({len(members):,} of them memberships). Each row of changes.csv is one change seen by "
            "one actor (a cooperation appears once for each side); gap_changes.csv has every actor "
            "whose gaps moved and rank_changes.csv the rank moves below.",
            "Window.",
        )
    ]
    bullets = _membership_bullets(ctx, members)
    if bullets:
        blocks.append(Bullets(bullets))
    others = ch[ch["relationship"] != "MEMBER_OF"] if len(ch) else ch
    rows = [
        [r["date"], ctx.name(r["actor_id"]), r["change"], r["relationship"]]
        for r in others.head(ctx.top * 3).to_dict("records")
    ]
    more = len(others) - len(rows)
    blocks.append(
        Table(
            ["date", "actor", "change", "relationship"],
            rows,
            caption="Other changes (cooperation, capabilities, threats)"
            + (f": the first {len(rows)}, {more:,} more in changes.csv" if more > 0 else ""),
            empty="No other relationship began or ended"
            + (" (the memberships are listed above)." if len(members) else "."),
        )
    )
    g = changes.gap_changes
    shrank = g[g["coalition_gap_now"] < g["coalition_gap_then"]] if len(g) else g
    grew = g[g["coalition_gap_now"] > g["coalition_gap_then"]] if len(g) else g
    blocks.append(
        Paragraph(
            f"{len(shrank):,} actor{'s' if len(shrank) != 1 else ''} saw the coalition gap shrink and "
            f"{len(grew):,} saw it grow (gap weight: threats needing a capability it cannot reach).",
            "Gaps.",
        )
    )
    gap_rows = [
        [
            ctx.name(r["actor_id"]),
            r["own_gap_then"],
            r["own_gap_now"],
            r["coalition_gap_then"],
            r["coalition_gap_now"],
            "; ".join(r["closed_by"]),
            "; ".join(r["opened_by"]),
        ]
        for r in _biggest_moves(g).head(ctx.top).to_dict("records")
    ]
    blocks.append(
        Table(
            [
                "actor",
                "own gap then",
                "own gap now",
                "coalition gap then",
                "coalition gap now",
                "closed by",
                "opened by",
            ],
            gap_rows,
            caption="Gap changes (largest moves; all in gap_changes.csv)",
            empty="No actor's gaps changed.",
        )
    )
    r = changes.rank_changes
    measure = str(r["measure"].iloc[0]) if len(r) else "pagerank"
    rank_rows = [
        [ctx.name(x["actor_id"]), _rank(x["rank_then"]), _rank(x["rank_now"]), _moved(x["moved"])]
        for x in r.to_dict("records")
    ]
    blocks.append(
        Table(
            ["actor", f"rank {changes.since}", f"rank {changes.as_of}", "moved"],
            rank_rows,
            caption=f"Centrality rank changes of the top {ctx.top} actors ({measure}; 1 = most central)",
            empty="No centrality to compare.",
        )
    )
    return Section("what-changed", f"What changed since {changes.since}", blocks)


def _membership_bullets(ctx: Context, members: Any) -> list[str]:
    """One bullet per organisation and direction: who joined or left, with the dates."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in members.to_dict("records"):
        groups[(r["other_id"], r["event"])].append(f"{ctx.name(r['actor_id'])} ({r['date']})")
    out = []
    for (org, event), who in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        verb = "joined" if event == "began" else "left"
        if len(who) <= _NAMED:
            out.append(f"{', '.join(who)} {verb} {ctx.name(org)}.")
        else:
            out.append(f"{len(who):,} actors {verb} {ctx.name(org)}, among them {', '.join(who[:3])}.")
    return out


def _biggest_moves(g: Any) -> Any:
    if not len(g):
        return g
    size = (g["coalition_gap_now"] - g["coalition_gap_then"]).abs() + (
        g["own_gap_now"] - g["own_gap_then"]
    ).abs()
    return (
        g.assign(_size=size).sort_values(["_size", "actor_id"], ascending=[False, True]).drop(columns="_size")
    )


def _rank(v: Any) -> Any:
    return "—" if v is None or v != v else int(v)


def _moved(v: Any) -> str:
    if v is None or v != v:
        return "—"
    v = int(v)
    return f"+{v}" if v > 0 else str(v) if v < 0 else "0"
