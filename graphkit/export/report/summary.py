"""Page one of the report: five to seven findings in plain words, each with its confidence
and the one number behind it, then what the data does not cover."""

from __future__ import annotations

from dataclasses import dataclass

from graphkit.export.report.context import Context
from graphkit.export.report.document import Block, Bullets, Paragraph, Section, Table
from graphkit.export.report.rankings import ORGANISATION_KINDS, Bands, global_forums

__all__ = ["Finding", "key_findings", "summary_section", "GLOSSARY", "coverage_notes"]

MAX_FINDINGS = 7


@dataclass(frozen=True)
class Finding:
    """One sentence for a reader, how far it can be trusted, and the number behind it."""

    text: str
    confidence: str  # "stable", "fragile: ..." or "not tested"
    number: str


GLOSSARY: dict[str, str] = {
    "PageRank": "overall standing, from ties to well-tied actors",
    "broker": "an actor on many shortest routes between others (betweenness)",
    "bloc": "three or more actors tied more to each other than to the rest",
    "gap": "a capability an actor's threats require that it does not hold",
    "stable": "unchanged in every stability run (methods appendix)",
    "no data": "no level recorded: unknown, not missing",
}
"""The words the summary uses, defined once (the report prints them under the findings)."""


def key_findings(ctx: Context) -> list[Finding]:
    """The report's headline findings, most important first (at most :data:`MAX_FINDINGS`)."""
    bands = Bands(ctx)
    out: list[Finding | None] = [
        _most_central(ctx, bands, ("state",), "state"),
        _most_central(ctx, bands, ORGANISATION_KINDS, "organisation"),
        _top_broker(ctx, bands),
        _blocs(ctx),
        _what_cooperation_closes(ctx),
        _most_exposed(ctx, bands),
        _uncovered(ctx),
    ]
    return [f for f in out if f is not None][:MAX_FINDINGS]


def summary_section(ctx: Context, extra: list[Finding] | None = None) -> Section:
    """The summary a minister's adviser reads in two minutes: findings with their confidence and
    number, the words they use, and what the data leaves out."""
    findings = key_findings(ctx) + list(extra or [])
    rows = [[f.text, f.number, f.confidence] for f in findings[:MAX_FINDINGS]]
    blocks: list[Block] = [
        Table(
            ["finding", "the number behind it", "confidence"],
            rows,
            caption="What the network shows",
            empty="The dataset holds too little to draw findings from.",
        ),
        Paragraph("", "What the data does not cover."),
        Bullets(coverage_notes(ctx)),
        Paragraph(
            "; ".join(f"{word}: {meaning}" for word, meaning in GLOSSARY.items()) + ".",
            "Words used.",
        ),
    ]
    return Section("summary", "Summary", blocks)


def coverage_notes(ctx: Context) -> list[str]:
    """Plain sentences on what the analysis cannot see in this dataset."""
    notes = []
    totals = ctx.gap_totals()
    if len(totals) and "assessed" in totals:
        unassessed = totals[~totals["assessed"].astype(bool)]
        if len(unassessed):
            names = [ctx.name(a) for a in unassessed["actor_id"].head(6)]
            more = len(unassessed) - len(names)
            notes.append(
                f"{len(unassessed)} threatened actor{'s have' if len(unassessed) != 1 else ' has'} no capability data "
                f"({', '.join(names)}{f' and {more} more' if more > 0 else ''}): their gaps are unknown, not counted."
            )
        unknown = float(totals["unknown"].sum()) if "unknown" in totals else 0.0
        needed = float(totals["needed"].sum()) if "needed" in totals else 0.0
        if unknown > 0 and needed > 0:
            notes.append(
                f"{unknown / needed:.0%} of what threatened actors need has no data for them "
                "(capabilities no index or record that rated them covers): those needs read as no data, not as lacks."
            )
    no_data_caps = _capabilities_without_state_data(ctx)
    if no_data_caps:
        notes.append(
            f"No state has a recorded level for {len(no_data_caps)} capabilit"
            f"{'ies' if len(no_data_caps) != 1 else 'y'} ({', '.join(no_data_caps[:6])}"
            f"{' …' if len(no_data_caps) > 6 else ''})."
        )
    ties = ctx.info.get("ties") if isinstance(ctx.info.get("ties"), dict) else {}
    if ties:
        by_type = ties.get("by_type") or {}
        agreements = by_type.get("COOPERATES_WITH") or {}
        total = sum(int(n) for n in agreements.values()) if agreements else 0
        dormant = int(agreements.get("dormant", 0)) if agreements else int(ties.get("dormant") or 0)
        paused = [p for p in ties.get("paused_ties") or [] if isinstance(p, list | tuple) and len(p) >= 4]
        if dormant:
            notes.append(
                f"{dormant:,}{f' of {total:,}' if total else ''} agreements have no evidence of activity in the last "
                f"{ties.get('dormant_after', '?'):g} years and are treated as dormant: they neither share capabilities "
                "nor count in the network (--dormant-after 0 counts them)."
            )
        for kind, noun, shown_as in (
            ("MEMBER_OF", "membership", lambda p: f"{ctx.name(p[0])} in {ctx.name(p[2])} ({p[3]})"),
            ("COOPERATES_WITH", "agreement", lambda p: f"{ctx.name(p[0])}–{ctx.name(p[2])} ({p[3]})"),
        ):
            of_kind = [p for p in paused if p[1] == kind]
            if of_kind:
                notes.append(
                    f"{len(of_kind)} paused {noun}{'s do' if len(of_kind) != 1 else ' does'} not count: "
                    + ", ".join(shown_as(p) for p in of_kind[:5])
                    + (f" and {len(of_kind) - 5} more" if len(of_kind) > 5 else "")
                    + "."
                )
    notes.append(
        "Capability levels for states come from published indices and public records (the International Telecommunication Union's Global "
        "Cybersecurity Index measures commitment, not operational power); levels for other actors are "
        "estimates, marked as such."
    )
    return notes


# ---- the findings ---------------------------------------------------------------------------


def _confidence(bands: Bands, measure: str, kind: str, actor: str, rank: int) -> str:
    if not bands.present:
        return "not tested (no stability runs)"
    if bands.get(measure, kind, actor) is None:
        return "not ranked in the stability runs"
    verdict = bands.verdict(measure, kind, actor, rank)
    band = bands.band(measure, kind, actor)
    if verdict == "stable":
        return f"stable (rank {band} in all {bands.runs} runs)"
    row = bands.get(measure, kind, actor) or {}
    driver = row.get("driver") or row.get("varies_with") or ""
    lo, hi = row.get("rank_min"), row.get("rank_max")
    spread = (
        f"rank {int(lo)}–{int(hi)} across runs"
        if lo is not None and hi is not None and lo != hi
        else f"rank {band} across runs"
    )
    return f"fragile ({spread}" + (f"; moves with {driver}" if driver else "") + ")"


def _sensitivity(bands: Bands, measure: str, kind: str, actor: str) -> str:
    """Whether the actor's value moved across the runs, and with what (for findings that are not ranks)."""
    row = bands.get(measure, kind, actor) if bands.present else None
    if row is None:
        return "not tested (no stability runs)"
    if int(row["rank_p05"]) == int(row["rank_p95"]):
        return f"stable in all {bands.runs} runs"
    driver = row.get("driver") or row.get("varies_with") or "the perturbations"
    return f"moves with {driver}"


def _most_central(ctx: Context, bands: Bands, kinds: tuple[str, ...], word: str) -> Finding | None:
    c = ctx.centrality
    if not len(c) or "pagerank" not in c or "kind" not in c:
        return None
    forums = global_forums(ctx) if word == "organisation" else set()
    pool = c[c["kind"].astype(str).isin(kinds) & ~c["id"].isin(forums) & c["pagerank"].notna()]
    if not len(pool):
        return None
    ordered = pool.sort_values(["pagerank", "id"], ascending=[False, True])
    best = ordered.iloc[0]
    runner = ordered.iloc[1] if len(ordered) > 1 else None
    text = f"{ctx.name(best['id'])} is the best-connected {word} (highest PageRank"
    text += f"; next: {ctx.name(runner['id'])})." if runner is not None else ")."
    if forums:
        text += " Global forums that most states join are left out of this comparison."
    number = f"PageRank {float(best['pagerank']):.4g}" + (
        f" against {float(runner['pagerank']):.4g}" if runner is not None else ""
    )
    return Finding(text, _confidence(bands, "pagerank", str(best["kind"]), best["id"], 1), number)


def _top_broker(ctx: Context, bands: Bands) -> Finding | None:
    c = ctx.centrality
    if not len(c) or "betweenness" not in c or "kind" not in c:
        return None
    states = c[(c["kind"].astype(str) == "state") & (c["betweenness"].fillna(0) > 0)]
    if not len(states):
        return None
    best = states.sort_values(["betweenness", "id"], ascending=[False, True]).iloc[0]
    share = float(best["betweenness"])
    text = (
        f"{ctx.name(best['id'])} is the state that most often links others who have no shorter "
        "route between them (the top broker by betweenness)."
    )
    return Finding(
        text,
        _confidence(bands, "betweenness", "state", best["id"], 1),
        f"on {share:.1%} of shortest routes between pairs of actors",
    )


def _blocs(ctx: Context) -> Finding | None:
    cs = ctx.frame("cluster_summary")
    if not len(cs) or "size" not in cs:
        return None
    blocs = cs[cs["size"] >= 3].sort_values(["size"], ascending=False)
    alone = int(cs[cs["size"] < 3]["size"].sum())
    if not len(blocs):
        return None
    largest = blocs.iloc[0]
    name = str(largest.get("name") or largest.get("cluster"))
    text = f"The actors fall into {len(blocs)} bloc{'s' if len(blocs) != 1 else ''}; the largest is {name}."
    if alone:
        text += f" {alone} actor{'s stand' if alone != 1 else ' stands'} alone or in pairs."
    mod = ctx.modularity
    number = f"{int(largest['size'])} actors in the largest" + (
        f"; modularity {mod:.2f}" if isinstance(mod, int | float) else ""
    )
    return Finding(text, "see the co-cluster shares in cocluster.csv", number)


def _what_cooperation_closes(ctx: Context) -> Finding | None:
    totals = ctx.gap_totals()
    if not len(totals) or "assessed" not in totals:
        return None
    assessed = totals[totals["assessed"].astype(bool)]
    own = float(assessed["own_gap"].sum())
    closed = float(assessed["closed"].sum())
    if own <= 0:
        return None
    helped = int((assessed["closed"] > 0).sum())
    text = (
        f"Cooperation, within what each organisation and agreement shares, narrows the capability gaps "
        f"of {helped} of the {len(assessed)} threatened actors with data."
    )
    return Finding(
        text, "computed at every stability run (stability.csv)", f"{closed / own:.0%} of their gaps closed"
    )


def _most_exposed(ctx: Context, bands: Bands) -> Finding | None:
    totals = ctx.gap_totals()
    if not len(totals) or "coalition_gap" not in totals:
        return None
    kinds = {a: ctx.kind(a) for a in totals["actor_id"]}
    states = totals[totals["actor_id"].map(kinds).eq("state") & totals["assessed"].astype(bool)]
    # over the needs with data only: a need nobody has data on is "no data", not a lack
    known = states["needed"] - states["unknown"]
    states = states.assign(known=known)[known >= max(5.0, float(known.median()) if len(states) else 0.0)]
    if not len(states) or float(states["coalition_known"].max()) <= 0:
        return None
    worst = (
        states.assign(share=states["coalition_known"] / states["known"])
        .sort_values(["share", "coalition_known", "actor_id"], ascending=[False, False, True])
        .iloc[0]
    )
    gs = ctx.frame("gap_summary")
    open_caps = ""
    if len(gs) and "open_capabilities" in gs:
        row = gs[gs["actor_id"] == worst["actor_id"]]
        if len(row) and isinstance(row.iloc[0]["open_capabilities"], str):
            caps = [_capability_name(ctx, c) for c in row.iloc[0]["open_capabilities"].split(";") if c]
            open_caps = f" ({', '.join(caps[:3])}{' …' if len(caps) > 3 else ''})"
    text = (
        f"{ctx.name(worst['actor_id'])} is the most exposed state: even with its partners, the largest share "
        f"of what its threats require is held by neither it nor any partner{open_caps}."
    )
    return Finding(
        text,
        _sensitivity(bands, "coalition_gap", "all", worst["actor_id"]),
        f"{float(worst['share']):.0%} of its needs with data uncovered "
        f"({float(worst['coalition_known']):g} of {float(worst['known']):g}, weighted by threats)",
    )


def _uncovered(ctx: Context) -> Finding | None:
    unc = ctx.frame("uncovered_threats")
    threats = sum(1 for _, d in ctx.G.nodes(data=True) if d.get("label") == "Threat")
    if not threats:
        return None
    if len(unc) == 0:
        return Finding(
            "Every threat in the data can be answered by someone: no threat needs a capability that nobody holds.",
            "holds at the threshold; see the methods",
            f"0 of {threats:,} threats uncovered",
        )
    return Finding(
        f"{len(unc)} threat{'s need' if len(unc) != 1 else ' needs'} a capability that no actor in the data holds.",
        "holds at the threshold; see the methods",
        f"{len(unc)} of {threats:,} threats",
    )


def _capability_name(ctx: Context, cap: str) -> str:
    return ctx.name(cap) if cap in ctx.G else cap.removeprefix("cap:").replace("_", " ")


def _capabilities_without_state_data(ctx: Context) -> list[str]:
    G = ctx.G
    held = set()
    for u, v, d in G.edges(data=True):
        if d.get("type") == "HAS_CAPABILITY" and G.nodes[u].get("kind") == "state":
            held.add(v)
    caps = [n for n, d in G.nodes(data=True) if d.get("label") == "Capability"]
    needed = {v for _, v, d in G.edges(data=True) if d.get("type") == "REQUIRES"}
    return sorted((ctx.name(c) for c in caps if c not in held and c in needed), key=str.lower)
