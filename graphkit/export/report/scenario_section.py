"""The report's "What if" section (``report --scenario FILE``): each scenario's headline effects in words and its largest effects."""

from __future__ import annotations

from typing import Any

from graphkit.export.report.document import Block, Bullets, Paragraph, Section, Table

__all__ = ["scenario_section"]

GAP_EFFECTS = ("coalition_gap_opened", "coalition_gap_closed", "rerouted", "own_gap_opened", "own_gap_closed")


def scenario_section(result: Any, top: int = 10) -> Section:
    """One section with a subsection per scenario of a :class:`graphkit.analysis.whatif.WhatIf`.

    Each subsection: the changes, the headlines (sentences with names), the gap effects
    (largest weight first, ``top`` of them) and the largest rank moves within kind.
    """
    intro = Paragraph(
        f"Each scenario is a list of changes applied to a copy of the network as of {result.day}, analysed "
        "with the same options as this report and compared with it: needs (actor, capability) closed, "
        "opened or covered another way, and through whom; centrality ranks within each kind; clusters "
        "(matched by shared actors, same seed); critical actors; uncovered threats; partner "
        f"recommendations for the actors a scenario touches. whatif.csv has every effect ({len(result.effects):,} "
        "rows), whatif.json the summaries. The stability of the effects was not computed.",
        "How to read it.",
    )
    subs = [_one(r, top) for r in result.results]
    return Section("what-if", "What if", [intro], subs)


def _one(r: Any, top: int) -> Section:
    s = r.summary
    e = r.effects
    blocks: list[Block] = [Paragraph("; ".join(s.changes), "Changes.")]
    blocks.append(Bullets(list(s.headlines)))
    gaps = e[e["effect"].isin(GAP_EFFECTS)].sort_values(["weight", "actor_id"], ascending=[False, True])
    rows = [
        [x["actor_name"], x["item_name"], x["effect"].replace("_", " "), x["weight"], x["route_before"] or "—",
         x["route_after"] or "—"]
        for x in gaps.head(top).to_dict("records")
    ]  # fmt: skip
    more = len(gaps) - len(rows)
    blocks.append(
        Table(
            ["actor", "capability", "effect", "weight", "before", "after"],
            rows,
            caption="Needs closed, opened or covered another way"
            + (f" (the {len(rows)} heaviest; {more:,} more in whatif.csv)" if more > 0 else ""),
            empty="No need is closed, opened or covered another way.",
        )
    )
    ranks = e[(e["effect"] == "rank") & e["moved"].notna()]
    ranks = ranks.assign(_a=ranks["moved"].abs()).sort_values(
        ["_a", "item_id", "actor_id"], ascending=[False, True, True]
    )
    rank_rows = [
        [
            x["actor_name"],
            x["kind"],
            x["item_name"],
            int(x["before"]),
            int(x["after"]),
            f"{int(x['moved']):+d}",
        ]
        for x in ranks.head(top).to_dict("records")
    ]
    blocks.append(
        Table(
            ["actor", "kind", "measure", "rank before", "rank after", "moved"],
            rank_rows,
            caption="Largest moves in rank within kind (1 = most central)",
            empty="No rank moves: the actor network is unchanged."
            if not s.network_changed
            else "No rank moves.",
        )
    )
    return Section(f"what-if-{_slug(s.name)}", f"What if: {s.name}", blocks)


def _slug(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(p for p in out.split("-") if p)[:60] or "scenario"
