"""The report's sections on the whole network: overview, rankings, brokers, clusters, gaps, methods."""

from __future__ import annotations

import platform
import re
from collections import Counter
from typing import Any

from graphkit.export.report.context import _cell, _Context, _header, capability_items
from graphkit.export.report.document import (
    Block,
    Bullets,
    Figure,
    GraphView,
    Grid,
    HeatMap,
    Paragraph,
    Section,
    Table,
    _fmt,
    kind_name,
)
from graphkit.export.report.rankings import (
    Bands,
    cluster_cohesion,
    global_forums,
    headline_findings,
    measure_tables,
)
from graphkit.files import isolate_bidi
from graphkit.graph import summary


def _overview_section(ctx: _Context, source_name: str, generated: str, focus: str | None) -> Section:
    G = ctx.G
    s = summary(G)
    findings = headline_findings(ctx, Bands(ctx))
    if ctx.cluster_count():
        mod = ctx.modularity
        findings.append(
            f"{ctx.cluster_count()} cooperation clusters"
            + (f" (modularity {mod:.2f})" if isinstance(mod, int | float) else "")
            + "."
        )
    totals = ctx.gap_totals()
    if len(totals):
        assessed = totals[totals["assessed"].astype(bool)]
        helped = int((assessed["closed"] > 0).sum())
        own = float(assessed["own_gap"].sum())
        closed = float(assessed["closed"].sum())
        share = f" ({closed / own:.0%} of all own-gap weight)" if own else ""
        unassessed = len(totals) - len(assessed)
        findings.append(
            f"Cooperation, within what each organisation and agreement pools, narrows the capability "
            f"gap of {helped} of {len(assessed)} threatened actors with capability data"
            f"; it closes {_fmt(closed)} of {_fmt(own)} units of gap weight{share}"
            + (
                f" ({unassessed} threatened actors have no capability data and are not counted)"
                if unassessed
                else ""
            )
            + "."
        )
    unc = ctx.frame("uncovered_threats")
    findings.append(
        "Every threat can be answered by someone in the graph: no threat needs a capability that nobody has."
        if len(unc) == 0
        else f"{len(unc)} threat{'s need' if len(unc) != 1 else ' needs'} a capability that no actor in the graph has."
    )
    counts = Grid(
        [
            Table(["node label", "count"], [[label, n] for label, n in s["nodes"].items()]),
            Table(["relationship", "count"], [[t, n] for t, n in s["relationships"].items()]),
            Table(["actor kind", "count"], [[kind_name(k), n] for k, n in s["actor_kinds"].items() if n]),
        ]
    )
    sources: Counter[str] = Counter()
    for _, d in G.nodes(data=True):
        if d.get("source"):
            sources[str(d["source"])] += 1
    for _, _, d in G.edges(data=True):
        if d.get("source"):
            sources[str(d["source"])] += 1
    facts_total = G.number_of_nodes() + G.number_of_edges()
    with_source = sum(sources.values())
    estimates = sum(n for k, n in sources.items() if k.lower().startswith("estimate"))
    src_rows = [[k, n] for k, n in sources.most_common(ctx.top + 5)]
    more = len(sources) - len(src_rows)
    blocks: list[Block] = [
        Paragraph("; ".join([f"Dataset: {source_name}", f"report written {generated}"]) + ".", "Scope."),
        Bullets(findings),
        counts,
        Paragraph(
            f"{with_source:,} of {facts_total:,} facts (nodes and relationships) name their source; "
            f"{estimates:,} of them are marked as estimates. "
            + (
                f"The {len(src_rows)} most cited sources are below ({more} more in the data)."
                if more > 0
                else "The sources are below."
            ),
            "Sources.",
        ),
        Table(["source", "facts"], src_rows, empty="No node or relationship names its source."),
    ]
    return Section("overview", "Summary", blocks)


def _centrality_section(ctx: _Context, figures: dict[str, Figure]) -> Section:
    c = ctx.centrality
    bands = Bands(ctx)
    subs = []
    for col, title, meaning, high_first in ctx.ranked_measures():
        if col not in c:
            continue
        subs.append(
            Section(
                f"measure-{col.replace('_', '-')}",
                title,
                [Paragraph(meaning), measure_tables(ctx, col, title, high_first, bands)],
            )
        )
    blocks: list[Block] = [
        Paragraph(
            "Memberships are two-mode data: two members of an organisation of n members are tied with "
            "strength 1/(n-1) (times the organisation's tie weight), so a forum that every state joins is a "
            "weak tie and a long way round, not everyone's hub; the organisation stays in the network, tied to "
            "each member alike, and cooperation agreements keep their own strength. States are ranked among "
            f"states and every other kind among its own: each measure below shows the {ctx.top} highest states "
            f"and the {min(ctx.top, 5)} highest actors of each other kind. The measures answer different "
            "questions, so an actor high on one and low on another says something about its role."
            + (
                " Rank in runs is the actor's rank in 90% of the stability runs; stable means it stays "
                "within the ranks shown."
                if bands.present
                else ""
            )
        )
    ]
    if "centrality" in figures:
        blocks.append(figures["centrality"])
    return Section("central-actors", "Most central actors", blocks, subs)


def _broker_section(ctx: _Context) -> Section:
    c = ctx.centrality
    blocks: list[Block] = [
        Paragraph(
            "Brokers sit between partners who are not tied to each other, so information and trust "
            "pass through them. Burt's constraint is low for a broker (its partners are not tied to "
            "one another) and high for an actor inside a closed group; effective size counts partners "
            "that are not redundant. Both run on direct ties (memberships, weighted 1/(n-1) for an "
            "organisation of n members, and cooperation), not on the co-membership ties of the two-mode network. Actors with at least two ties, lowest constraint "
            "first, states among states."
        )
    ]
    if "constraint" in c and len(c):
        d = c[(c["degree"] >= 2) if "degree" in c else c.index == c.index]
        d = d[d["constraint"].notna()]
        cols = [x for x in ("effective_size", "constraint", "betweenness") if x in d]
        tables = []
        forums = global_forums(ctx)
        for label, kinds in (("States", ("state",)), ("Other actors", None)):
            part = d[d["kind"].astype(str).isin(kinds)] if kinds else d[d["kind"].astype(str) != "state"]
            part = part[~part["id"].isin(forums)]
            part = part.sort_values(["constraint", "id"]).head(ctx.top if kinds else min(ctx.top, 5))
            rows = [
                [i + 1, ctx.name(r["id"]), kind_name(ctx.kind(r["id"])), *[_cell(r[x], ctx) for x in cols]]
                for i, r in enumerate(part.to_dict("records"))
            ]
            tables.append(
                Table(
                    ["#", label.lower(), "kind", *[_header(x) for x in cols]],
                    rows,
                    caption=label,
                    empty="No actor of this kind has two or more ties.",
                )
            )
        blocks.append(Grid(tables))
        if forums:
            blocks.append(
                Paragraph(
                    "Global forums that more than half of the states join are not listed: tied to nearly "
                    "every state, they would top any brokerage list by size alone (their values are in "
                    "centrality.csv)."
                )
            )
    return Section("brokers", "Brokers", blocks)


def _cluster_section(ctx: _Context, focus: str | None) -> Section:
    cl = ctx.clusters
    mod = ctx.modularity
    text = (
        f"Groups of actors more tied to each other than to the rest ({ctx.cluster_method or 'community detection'}"
        + (
            f"; modularity {mod:.2f}, where above 0.3 means clear groups"
            if isinstance(mod, int | float)
            else ""
        )
        + "). Each cluster is named after its most central state (a cluster without states after its most "
        "central member of its most frequent kind, never after a forum that more than half of the states "
        "join); members are listed by PageRank."
        + (
            " Held together: the share of the stability runs in which two of its members share a cluster, "
            "averaged over its pairs of members."
            if len(ctx.frame("cocluster"))
            else ""
        )
    )
    blocks: list[Block] = [Paragraph(text)]
    rows = []
    if "cluster" in cl and len(cl):
        groups: dict[Any, list[str]] = {}
        for rec in cl.to_dict("records"):
            groups.setdefault(rec["cluster"], []).append(rec["id"])
        summ = ctx.frame("cluster_summary")
        about = {r["cluster"]: r for r in summ.to_dict("records")} if "cluster" in summ else {}
        ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))
        if focus:
            ordered = [kv for kv in ordered if focus in kv[1]] + [kv for kv in ordered if focus not in kv[1]]
        limit = 24
        names_of = _cluster_names(ctx)
        singles: list[str] = []
        for cid, members in ordered:
            if len(members) < 2:
                singles.append(members[0])
                continue
            members = sorted(members, key=lambda a: (ctx.importance(a), a))
            info = about.get(cid, {})
            kind = info.get("dominant_kind") or Counter(ctx.kind(a) for a in members).most_common(1)[0][0]
            region = info.get("dominant_region")
            names = ", ".join(ctx.name(a) for a in members[:limit])
            if len(members) > limit:
                names += f" and {len(members) - limit} more"
            held = cluster_cohesion(ctx, members)
            rows.append(
                [
                    names_of.get(cid) or ctx.name(members[0]),
                    len(members),
                    _cell(info.get("density"), ctx),
                    kind_name(kind),
                    "" if region is None or region != region else str(region),
                    names,
                ]
                + ([f"{held:.0%}" if held is not None else ""] if len(ctx.frame("cocluster")) else [])
            )
    blocks.append(
        Table(
            ["cluster", "size", "density", "main kind", "main region", "members"]
            + (["held together"] if len(ctx.frame("cocluster")) else []),
            rows,
            empty="Every cluster is a single actor." if singles else "No clusters were computed.",
        )
    )
    if singles:
        blocks.append(Paragraph(_singles_line(ctx, singles, bool(rows))))
    return Section("clusters", "Cooperation clusters", blocks)


def _cluster_names(ctx: _Context) -> dict[Any, str]:
    """Cluster -> its name as the analysis gives it (``cluster_name``, the same the legends show)."""
    cl = ctx.clusters
    if not {"cluster", "cluster_name"} <= set(cl.columns):
        return {}
    out: dict[Any, str] = {}
    for cid, name in zip(cl["cluster"], cl["cluster_name"], strict=True):
        if name is not None and name == name and cid not in out:
            out[cid] = isolate_bidi(str(name))
    return out


def _singles_line(ctx: _Context, actors: list[str], after_table: bool, limit: int = 24) -> str:
    """One line for the one-actor clusters: ``and 12 clusters of a single actor: A, B, …``."""
    actors = sorted(actors, key=lambda a: (ctx.importance(a), a))
    n = len(actors)
    names = ", ".join(ctx.name(a) for a in actors[:limit])
    if n > limit:
        names += f" and {n - limit} more"
    what = f"{n} cluster{'s' if n != 1 else ''} of a single actor"
    return f"And {what}: {names}." if after_table else f"{what[:1].upper()}{what[1:]}: {names}."


def _heatmap(
    ctx: _Context, actors: list[str], caption: str, *, capabilities: list[str] | None = None
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


def _gap_section(ctx: _Context, recommendations: dict[str, Any], figures: dict[str, Figure]) -> Section:
    totals = ctx.gap_totals()
    blocks: list[Block] = [
        Paragraph(
            "An actor needs the capabilities required by the threats that target it. It owns some; "
            "its partners pool others, each only within its mandate: an agreement or an organisation "
            "shares only the capabilities its pools property names (a collective-defence alliance all, a "
            "universal forum none); the rest is missing. The own gap is what it lacks alone, the "
            "coalition gap what it lacks with its partners; the difference is what multilateral "
            "cooperation buys it. gaps.csv names the route of every pooled need (the agreement or "
            "organisation, and the partner holding the capability)."
        ),
        _threshold_paragraph(ctx),
        _main_heatmap(ctx, None),
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
                    "(gap_summary.csv's coalition_gap counts those too when no partner pools them)."
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
        if "members_with_level" in open_ag:
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
            for r in open_ag.head(ctx.top * 2).to_dict("records")
        ]
        atable = Table(
            [
                "alliance",
                "capability no member has",
                "threats needing it",
                "members needing it",
                "members with capability data",
            ],
            rows,
            empty="Every capability that alliance members need is held by at least one member.",
        )
    else:
        atable = ctx.table(
            ag, limit=ctx.top * 2, empty="No alliance in the graph has members facing threats."
        )
    subs.append(
        Section(
            "alliance-gaps",
            "Alliance gaps",
            [
                Paragraph(
                    "For each alliance and organisation: capabilities its members need against the threats "
                    "that target them and that no member holds, heaviest first. Capabilities for which "
                    "no member has any level are left out (no data, not a gap); a member without any "
                    "capability data holds nothing on record, so check how many members have data."
                ),
                atable,
            ],
        )
    )
    subs.append(_uncovered_section(ctx))
    subs.append(_recommendation_section(ctx, recommendations))
    return Section("gaps", "Capability gaps", blocks, subs)


def _threshold_paragraph(ctx: _Context) -> Paragraph:
    """The level threshold and how many levels are close calls."""
    g: dict[str, Any] = ctx.info["gaps"] if isinstance(ctx.info.get("gaps"), dict) else {}
    t = g.get("threshold", (ctx.info.get("parameters") or {}).get("threshold"))
    if t is None:
        return Paragraph("The level threshold is not recorded in this analysis.", "Threshold.")
    text = f"A capability counts as held from level {_fmt(float(t))} up (levels run from 0 to 1)."
    if "levels_near_threshold" in g:
        text += (
            f" {g['levels_near_threshold']:,} of {g.get('levels', 0):,} actor–capability levels lie "
            "within 0.05 of it: a slightly different threshold would flip them."
        )
    return Paragraph(text, "Threshold.")


def _closing_routes(ctx: _Context) -> dict[str, list[str]]:
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


def _uncovered_section(ctx: _Context) -> Section:
    unc = ctx.frame("uncovered_threats")
    blocks: list[Block] = [
        Paragraph(
            "Threats that need a capability no actor in the graph has: no partnership can "
            "answer them until someone builds the capability."
        ),
        ctx.table(unc, limit=ctx.top * 3, empty="Every threat can be answered by someone in the graph."),
    ]
    if len(unc) > ctx.top * 3:
        blocks.append(Paragraph(f"{len(unc) - ctx.top * 3} more in uncovered_threats.csv."))
    return Section("uncovered-threats", "Threats nobody covers", blocks)


def _recommendation_section(ctx: _Context, recommendations: dict[str, Any]) -> Section:
    blocks: list[Block] = [
        Paragraph(
            "New partners that would close most of an actor's remaining (coalition) gap, chosen "
            "greedily: each pick has the highest score = gap weight it closes × feasibility, where "
            "feasibility = 0.25 + 0.35 if the two already cooperate + 0.25 if they share an "
            "organisation that pools something + 0.15 if they are in the same region (0.25 to 1). "
            "A suspected state sponsor of a threat against the actor is never proposed (attribution "
            "of origin does not count as sponsorship). Needs for which no actor of the same kind has "
            "capability data are not recommended for. Each pick gives its reason and two alternatives."
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
                        _cell(r.get("alternatives", []), ctx),
                    ]
                    for r in df.head(ctx.top).to_dict("records")
                ],
                empty=empty,
            )
        else:
            table = ctx.table(df, limit=ctx.top, skip=("actor_id",), empty=empty)
        subs.append(Section(f"recommend-{_slug(actor)}", f"Partners for {ctx.name(actor)}", [table]))
    if not recommendations:
        blocks.append(Paragraph("No actor has a remaining gap that a new partner could close."))
    return Section("recommendations", "Partner recommendations", blocks, subs)


def _critical_section(ctx: _Context) -> Section:
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


def _graph_section(
    ctx: _Context, graph_html: str | None, figure: Figure | None, focus: str | None
) -> Section:
    caption = (
        f"{ctx.name(focus)} and its neighbourhood. " if focus else "The actor network. "
    ) + "Drag to move, scroll to zoom, hover a node for its properties."
    blocks: list[Block] = []
    if graph_html:
        blocks.append(GraphView(graph_html, figure, caption))
    elif figure is not None:
        blocks.append(figure)
    return Section("graph", "The network", blocks)


def _methods_section(ctx: _Context, seed: int | None) -> Section:
    info = ctx.info
    rows = []
    for k, v in _flatten(info):
        if "timing" in k or k.startswith("timings"):
            continue
        rows.append([k, v if isinstance(v, int | float | bool) else str(v)])
    versions = _versions()
    return Section(
        "methods",
        "Methods",
        [
            Paragraph(
                "Centrality runs on the undirected actor network ("
                + " and ".join(
                    (info.get("parameters") or {}).get("types") or ("MEMBER_OF", "COOPERATES_WITH")
                )
                + ", parallel ties merged). Memberships are two-mode (affiliation) data (Borgatti & Everett "
                "1997): an organisation of n members with tie weight t (1 unless the data gives one) ties each "
                "pair of its members with strength t/(n-1) (Newman 2001; shared organisations add up) and is "
                "itself tied to each member with t/(n-1); a cooperation agreement keeps its own strength (its "
                "weight with --weight, else 1). Degree and core count direct ties (memberships, members, "
                "partners); constraint and effective size are Burt's, on the direct ties with each membership weighted "
                "t/(n-1); betweenness and closeness follow networkx's definitions, normalised; "
                + (
                    "betweenness and closeness read a tie of strength s as distance 1/s, weighted "
                    if (info.get("measures") or {}).get("distance") == "1 / strength"
                    else "betweenness and closeness count hops (a cooperation strength is not a distance), weighted "
                )
                + "degree sums tie strengths"
                + (
                    " (here it equals degree for every actor, so it is not shown)"
                    if "weighted_degree" in ctx.redundant_measures()
                    else ""
                )
                + ". Actors are ranked within "
                "their kind (centrality.csv: <measure>_kind_rank). Clusters come from a seeded community "
                "detection on the same network, named after their most central state. Stability: the analysis "
                "is repeated (--perturb N, seeded) with values marked as estimates jittered (levels ±0.1 clipped "
                "to [0, 1], weights ×(1 ± 0.1)), the capability threshold moved within ±0.05 and other cluster "
                "seeds; stability.csv gives each reported rank with its 5th-95th percentile band over the runs "
                "and cocluster.csv how often two actors share a cluster. Capability gaps follow graphkit's "
                "definition: needed = "
                "capabilities required by threats targeting the actor, weighted by the number of such "
                "threats; own = capabilities held at or above the level threshold; pooled = own plus "
                "what partners hold within each link's mandate (pools: a list of capabilities, all or "
                "none; absent: all for an alliance and for an agreement, none for any other "
                "organisation), through agreements in both directions and through fellow members of "
                "organisations. An actor without any capability data is unassessed (own gap unknown); a "
                "need no actor of the same kind has data for is unknown; both are left out of own gaps, "
                "what cooperation closes and critical-actor sums. Each pooled need names its route: a "
                "direct agreement first, then an organisation (strongest holder, then graph order). "
                "Partner recommendation is a greedy weighted set cover scored by weight closed × "
                "feasibility, never proposing a suspected sponsor (ATTRIBUTED_TO basis = sponsor) of "
                "a threat against the actor."
            ),
            Table(["parameter", "value"], rows, caption="Analysis parameters", empty=f"seed {seed}"),
            Table(["software", "version"], versions, caption="Software"),
        ],
    )


def _flatten(d: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    if isinstance(d, dict):
        for k, v in d.items():
            out += _flatten(v, f"{prefix}{k}." if not isinstance(v, dict) else f"{prefix}{k}.")
        return [(k.rstrip("."), v) for k, v in out]
    if isinstance(d, list | tuple):
        return [(prefix, ", ".join(str(x) for x in d))]
    return [(prefix, d)]


def _versions() -> list[list[str]]:
    import importlib.metadata as md

    rows = [["python", platform.python_version()]]
    for pkg in ("graphkit", "networkx", "igraph", "pandas", "numpy", "matplotlib", "pyvis", "jinja2"):
        try:
            rows.append([pkg, md.version(pkg)])
        except md.PackageNotFoundError:
            rows.append([pkg, "not installed"])
    return rows


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _relations(ctx: _Context, focus: str) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Members (if an alliance), memberships and partners (with how they are tied) of ``focus``."""
    G = ctx.G
    members = sorted(
        {u for u, v, e in G.in_edges(focus, data=True) if e.get("type") == "MEMBER_OF"},
        key=lambda a: (ctx.importance(a), a),
    )
    memberships = sorted(
        {v for u, v, e in G.out_edges(focus, data=True) if e.get("type") == "MEMBER_OF"},
        key=lambda a: (ctx.importance(a), a),
    )
    partners: dict[str, list[str]] = {}
    for u, v, e in list(G.out_edges(focus, data=True)) + list(G.in_edges(focus, data=True)):
        if e.get("type") == "COOPERATES_WITH":
            other = v if u == focus else u
            how = "cooperation" + (f" ({e['instrument']})" if e.get("instrument") else "")
            partners.setdefault(other, []).append(how)
    for org in memberships:
        for u, _, e in G.in_edges(org, data=True):
            if e.get("type") == "MEMBER_OF" and u != focus:
                partners.setdefault(u, []).append(f"fellow member of {ctx.name(org)}")
    return members, memberships, partners


def _main_heatmap(ctx: _Context, focus: str | None) -> HeatMap:
    """The report's heat map: the most threatened actors, or the focus and its members / partners."""
    if focus is None:
        totals = ctx.gap_totals()
        totals = totals[totals["assessed"].astype(bool)].sort_values(
            ["own_gap", "needed", "actor_id"], ascending=[False, False, True]
        )
        shown = list(totals["actor_id"].head(max(ctx.top, 15)))
        return _heatmap(
            ctx,
            shown,
            f"The {len(shown)} actors with capability data and the largest gaps of their own, largest "
            "first (actors without capability data are listed below); a cell without data for any "
            "actor of that kind is 'no data'; hover a cell for the number of threats behind it.",
        )
    members, _, partners = _relations(ctx, focus)
    others = members or sorted(partners, key=lambda a: (ctx.importance(a), a))
    missing = set(ctx.unassessed())
    others = [a for a in others if a not in missing]
    limit = max(ctx.top * 3, 40)
    caption = (
        f"{ctx.name(focus)} and its {'members' if members else 'partners'}"
        + (f" (the {limit - 1} most central shown)" if len(others) > limit - 1 else "")
        + "."
    )
    return _heatmap(ctx, [focus] + others[: limit - 1], caption)
