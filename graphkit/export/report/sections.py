"""The report's sections on the whole network: overview, rankings, brokers, clusters, gaps, methods."""

from __future__ import annotations

import platform
import re
from collections import Counter
from typing import Any

from graphkit.export.report.context import _cell, _Context, _header
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
    ranked_measures,
)
from graphkit.graph import summary


def _overview_section(ctx: _Context, source_name: str, generated: str, focus: str | None) -> Section:
    G = ctx.G
    s = summary(G)
    findings = []
    c = ctx.centrality
    if len(c) and "pagerank" in c:
        best = c.sort_values(["pagerank", "id"], ascending=[False, True]).iloc[0]
        findings.append(f"Most central actor overall (PageRank): {ctx.name(best['id'])}.")
    if len(c) and "betweenness" in c and c["betweenness"].max() > 0:
        best = c.sort_values(["betweenness", "id"], ascending=[False, True]).iloc[0]
        findings.append(f"Strongest broker (betweenness): {ctx.name(best['id'])}.")
    if ctx.cluster_count():
        mod = ctx.modularity
        findings.append(
            f"{ctx.cluster_count()} cooperation clusters"
            + (f" (modularity {mod:.2f})" if isinstance(mod, int | float) else "")
            + "."
        )
    totals = ctx.gap_totals()
    if len(totals):
        helped = int((totals["closed"] > 0).sum())
        own = float(totals["own_gap"].sum())
        coal = float(totals["coalition_gap"].sum())
        share = f" ({(own - coal) / own:.0%} of all own-gap weight)" if own else ""
        findings.append(
            f"Cooperation narrows the capability gap of {helped} of {len(totals)} threatened actors"
            f"; it closes {_fmt(own - coal)} of {_fmt(own)} units of gap weight{share}."
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
            Table(
                ["actor kind", "count"], [[k.replace("_", " "), n] for k, n in s["actor_kinds"].items() if n]
            ),
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
    subs = []
    for col, title, meaning, high_first in ranked_measures():
        if col not in c:
            continue
        order = c.sort_values([col, "id"], ascending=[not high_first, True]).head(ctx.top)
        rows = [
            [i + 1, ctx.name(r["id"]), ctx.kind(r["id"]).replace("_", " "), _cell(r[col], ctx)]
            for i, r in enumerate(order.to_dict("records"))
        ]
        subs.append(
            Section(
                f"measure-{col.replace('_', '-')}",
                title,
                [Paragraph(meaning), Table(["#", "actor", "kind", title.lower()], rows)],
            )
        )
    blocks: list[Block] = [
        Paragraph(
            f"The actor network joins two actors when one is a member of the other or they cooperate. "
            f"Each measure below ranks the {ctx.top} highest actors; they answer different questions, so "
            f"an actor high on one and low on another says something about its role."
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
            "that are not redundant. Actors with at least two ties, lowest constraint first."
        )
    ]
    if "constraint" in c and len(c):
        d = c[(c["degree"] >= 2) if "degree" in c else c.index == c.index]
        d = d[d["constraint"].notna()].sort_values(["constraint", "id"]).head(ctx.top)
        cols = [x for x in ("effective_size", "constraint", "betweenness") if x in d]
        rows = [
            [i + 1, ctx.name(r["id"]), ctx.kind(r["id"]).replace("_", " "), *[_cell(r[x], ctx) for x in cols]]
            for i, r in enumerate(d.to_dict("records"))
        ]
        blocks.append(
            Table(
                ["#", "actor", "kind", *[_header(x) for x in cols]],
                rows,
                empty="No actor has two or more ties.",
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
        + "). Each cluster is named after its most central member; members are listed by PageRank."
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
        singles = 0
        for cid, members in ordered:
            if len(members) < 2 and len(ordered) > ctx.top:
                singles += 1
                continue
            members = sorted(members, key=lambda a: (ctx.importance(a), a))
            info = about.get(cid, {})
            kind = info.get("dominant_kind") or Counter(ctx.kind(a) for a in members).most_common(1)[0][0]
            region = info.get("dominant_region")
            names = ", ".join(ctx.name(a) for a in members[:limit])
            if len(members) > limit:
                names += f" and {len(members) - limit} more"
            rows.append(
                [
                    str(info.get("name") or f"{ctx.name(members[0])} cluster"),
                    len(members),
                    _cell(info.get("density"), ctx),
                    str(kind).replace("_", " "),
                    "" if region is None or region != region else str(region),
                    names,
                ]
            )
        if singles:
            blocks.append(
                Paragraph(f"{singles} actors without ties form clusters of their own and are not listed.")
            )
    blocks.append(
        Table(
            ["cluster", "size", "density", "main kind", "main region", "members"],
            rows,
            empty="No clusters were computed.",
        )
    )
    return Section("clusters", "Cooperation clusters", blocks)


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
            cells[key] = "own" if rec["own"] else "pooled" if rec["pooled"] else "missing"
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
            "its partners (actors it cooperates with and fellow members of its alliances) pool "
            "others; the rest is missing. The own gap is what it lacks alone, the coalition gap "
            "what it lacks with its partners; the difference is what multilateral cooperation buys it."
        ),
        _main_heatmap(ctx, None),
    ]
    if "heatmap" in figures:
        blocks.append(figures["heatmap"])
    closes = totals.sort_values(["closed", "actor_id"], ascending=[False, True])
    closes = closes[closes["closed"] > 0].head(ctx.top)
    gs = ctx.frame("gap_summary")
    closed_caps = (
        dict(zip(gs["actor_id"], gs["closed_capabilities"], strict=True))
        if "closed_capabilities" in gs
        else {}
    )
    subs = [
        Section(
            "cooperation-closes",
            "What cooperation closes",
            [
                Paragraph(
                    "Actors whose gap shrinks most when their partners' capabilities count "
                    "(weights: number of threats that need each missing capability)."
                ),
                Table(
                    [
                        "actor",
                        "needed",
                        "own gap",
                        "coalition gap",
                        "closed by cooperation",
                        "capabilities partners bring",
                    ],
                    [
                        [
                            ctx.name(r["actor_id"]),
                            r["needed"],
                            r["own_gap"],
                            r["coalition_gap"],
                            r["closed"],
                            _cell(closed_caps.get(r["actor_id"], []), ctx),
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
        open_ag = ag[~ag["own"].astype(bool)].sort_values(["weight"], ascending=False, kind="stable")
        rows = [
            [ctx.name(r["alliance_id"]), ctx.name(r["capability_id"]), r["weight"], r.get("members_needing")]
            for r in open_ag.head(ctx.top * 2).to_dict("records")
        ]
        atable = Table(
            ["alliance", "capability no member has", "threats needing it", "members needing it"],
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
                    "that target them and that no member holds, heaviest first."
                ),
                atable,
            ],
        )
    )
    subs.append(_uncovered_section(ctx))
    subs.append(_recommendation_section(ctx, recommendations))
    return Section("gaps", "Capability gaps", blocks, subs)


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
            "greedily: each pick closes the most weight still open after the picks before it."
        )
    ]
    subs = []
    for actor, df in recommendations.items():
        subs.append(
            Section(
                f"recommend-{_slug(actor)}",
                f"Partners for {ctx.name(actor)}",
                [
                    ctx.table(
                        df,
                        limit=ctx.top,
                        skip=("actor_id",),
                        empty="No new partner would close any of its remaining gap.",
                    ),
                ],
            )
        )
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
                "gaps in others, or cuts the cooperation network apart (an articulation point)."
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
                + ", parallel ties merged). Degree, betweenness and closeness follow networkx's definitions, normalised; "
                + (
                    "betweenness and closeness read a tie of strength s as distance 1/s, weighted "
                    if (info.get("measures") or {}).get("distance") == "1 / strength"
                    else "betweenness and closeness count hops (a cooperation strength is not a distance), weighted "
                )
                + "degree sums tie strengths. Constraint and effective size are Burt's. Clusters come from "
                "a seeded community detection. Capability gaps follow graphkit's definition: needed = "
                "capabilities required by threats targeting the actor, weighted by the number of such "
                "threats; own = capabilities held at or above the level threshold; pooled = own plus "
                "partners'. Partner recommendation is a greedy weighted set cover."
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
        totals = ctx.gap_totals().sort_values(
            ["own_gap", "needed", "actor_id"], ascending=[False, False, True]
        )
        shown = list(totals["actor_id"].head(max(ctx.top, 15)))
        return _heatmap(
            ctx,
            shown,
            f"The {len(shown)} actors with the largest gaps of their own, largest first; "
            "hover a cell for the number of threats behind it.",
        )
    members, _, partners = _relations(ctx, focus)
    others = members or sorted(partners, key=lambda a: (ctx.importance(a), a))
    limit = max(ctx.top * 3, 40)
    caption = (
        f"{ctx.name(focus)} and its {'members' if members else 'partners'}"
        + (f" (the {limit - 1} most central shown)" if len(others) > limit - 1 else "")
        + "."
    )
    return _heatmap(ctx, [focus] + others[: limit - 1], caption)
