"""The report's sections on the whole network: overview, rankings, brokers, clusters, the graph, methods (gaps: ``gap_sections``)."""

from __future__ import annotations

import platform
import re
from collections import Counter
from typing import Any

from graphkit.export.report.context import Context, column_header, table_cell
from graphkit.export.report.document import (
    Block,
    Bullets,
    Figure,
    GraphView,
    Grid,
    Paragraph,
    Section,
    Table,
    kind_name,
)
from graphkit.export.report.rankings import (
    Bands,
    cluster_cohesion,
    global_forums,
    ranking_tables,
)
from graphkit.export.report.sources import group_rows, grouped_sources, source_counts
from graphkit.files import isolate_bidi
from graphkit.graph import summary

__all__ = [
    "parameter_rows",
    "PARAMETER_WORDS",
    "overview_section",
    "centrality_section",
    "broker_section",
    "cluster_section",
    "graph_section",
    "methods_section",
    "slug",
    "relations",
]


def overview_section(ctx: Context, source_name: str, generated: str, focus: str | None) -> Section:
    """The data behind the report (an appendix): what it holds and where its facts come from."""
    G = ctx.G
    s = summary(G)
    counts = Grid(
        [
            Table(["node label", "count"], [[label, n] for label, n in s["nodes"].items()]),
            Table(["relationship", "count"], [[t, n] for t, n in s["relationships"].items()]),
            Table(["actor kind", "count"], [[kind_name(k), n] for k, n in s["actor_kinds"].items() if n]),
        ]
    )
    sources = source_counts(G)
    facts_total = G.number_of_nodes() + G.number_of_edges()
    with_source = sum(sources.values())
    estimates = sum(n for k, n in sources.items() if k.lower().startswith("estimate"))
    families = grouped_sources(sources)
    src_rows = group_rows(families, ctx.top)
    more = len(families) - len(src_rows)
    blocks: list[Block] = [
        Paragraph("; ".join([f"Dataset: {source_name}", f"report written {generated}"]) + ".", "Scope."),
        counts,
        Paragraph(
            f"{with_source:,} of {facts_total:,} facts (nodes and relationships) name their source; "
            f"{estimates:,} of them are marked as estimates. "
            + (
                f"The {len(src_rows)} most cited sources are below, variants of one source counted together "
                f"({more} more in the data)."
                if more > 0
                else "The sources are below."
            ),
            "Sources.",
        ),
        Table(["source", "facts"], src_rows, empty="No node or relationship names its source."),
    ]
    return Section("overview", "The data", blocks)


def centrality_section(ctx: Context, figures: dict[str, Figure]) -> Section:
    c = ctx.centrality
    bands = Bands(ctx)
    subs = [Section(f"central-{gid}", title, [table]) for gid, title, table in ranking_tables(ctx, bands)]
    blocks: list[Block] = [
        Paragraph(
            "Memberships are two-mode data: two members of an organisation of n members are tied with "
            "strength 1/(n-1), so a forum that every state joins is a weak tie, not everyone's hub; "
            "cooperation agreements keep their own strength. States are ranked among states, "
            "organisations among organisations: an actor high on one measure and low on another says "
            "something about its role."
            + (
                " Rank in runs is the actor's rank in 90% of the stability runs; stable means it stays "
                "within the ranks shown."
                if bands.present
                else ""
            )
        ),
        Paragraph("", "What the measures mean."),
        Bullets([f"{title}: {meaning}" for col, title, meaning, _ in ctx.ranked_measures() if col in c]),
    ]
    if "centrality" in figures:
        blocks.append(figures["centrality"])
    return Section("central-actors", "Most central actors", blocks, subs)


_ROLE_WORDS = {
    "coordinator": "within its own cluster",
    "gatekeeper": "lets another cluster into its own",
    "representative": "speaks for its cluster to another",
    "itinerant": "between members of another cluster",
    "liaison": "between two other clusters",
}


def broker_section(ctx: Context) -> Section:
    """Brokers that broker: actors on shortest paths between others (betweenness above 0), with
    their Gould–Fernandez role across clusters, Burt's measures beside, and a bridge on one tie flagged."""
    c = ctx.centrality
    br = ctx.frame("brokerage")
    blocks: list[Block] = [
        Paragraph(
            "Brokers lie on the shortest paths between actors who are not tied to each other, so "
            "information and trust pass through them: they are ranked by betweenness over the active "
            "network (dormant and paused ties left out), states among states, and an actor on no shortest "
            "path (betweenness 0) is never listed, whatever its other scores. The role is the Gould–Fernandez "
            "(1989) role of most of the open paths a–b–c through the actor on its direct ties, by cluster: "
            "coordinator (all three in one cluster), gatekeeper (lets another cluster into its own), "
            "representative (speaks for its cluster to another), itinerant (between two members of another "
            "cluster) and liaison (between two other clusters); every count is in brokerage.csv. Burt's "
            "constraint (low for a broker) and effective size stay in centrality.csv and beside. A broker "
            "whose betweenness rank rests on one of its own agreements (its rank drops out of its narrow band "
            "when that tie alone is left out, in the stability runs) is flagged."
        )
    ]
    if not len(br) or "broker" not in br:
        blocks.append(Paragraph("No brokerage was computed for this analysis."))
        return Section("brokers", "Brokers", blocks)
    extra = c.set_index("id")[[x for x in ("constraint", "effective_size") if x in c]] if len(c) else None
    d = br[br["broker"].astype(bool)]
    forums = global_forums(ctx)
    tables = []
    flagged = []
    for label, kinds in (("States", ("state",)), ("Other actors", None)):
        part = d[d["kind"].astype(str).isin(kinds)] if kinds else d[d["kind"].astype(str) != "state"]
        part = part[~part["id"].isin(forums)]
        part = part.sort_values(["betweenness", "id"], ascending=[False, True]).head(
            ctx.top if kinds else min(ctx.top, 5)
        )
        rows = []
        for i, r in enumerate(part.to_dict("records")):
            rests = str(r.get("rests_on") or "")
            role = str(r.get("role") or "")
            row = [
                i + 1,
                ctx.name(r["id"]),
                kind_name(ctx.kind(r["id"])),
                table_cell(r["betweenness"], ctx),
                f"{role} ({_ROLE_WORDS.get(role, '')})" if role else "",
            ]
            if extra is not None:
                row += [
                    table_cell(extra.at[r["id"], x], ctx) if r["id"] in extra.index else ""
                    for x in extra.columns
                ]
            own = _own_agreement(
                rests,
                str(r["id"]),
                str(ctx.G.nodes[r["id"]].get("name", r["id"])) if r["id"] in ctx.G else "",
            )
            row.append(f"rests on one agreement: {own}" if own else "")
            if own:
                flagged.append(f"{ctx.name(r['id'])} ({own})")
            rows.append(row)
        tables.append(
            Table(
                [
                    "#",
                    label.lower(),
                    "kind",
                    "betweenness",
                    "main role",
                    *[column_header(x) for x in (extra.columns if extra is not None else [])],
                    "bridge",
                ],
                rows,
                caption=label,
                empty="No actor of this kind lies on a shortest path between two others.",
            )
        )
    blocks.append(Grid(tables))
    if flagged:
        blocks.append(
            Paragraph(
                "Bridges that rest on one agreement: " + "; ".join(flagged) + ". Without that tie the actor "
                "drops out of its place on betweenness: the brokerage is that one agreement's, not a position."
            )
        )
    if forums:
        blocks.append(
            Paragraph(
                "Global forums that more than half of the states join are not listed (their values are in "
                "centrality.csv and brokerage.csv)."
            )
        )
    return Section("brokers", "Brokers", blocks)


def _own_agreement(rests: str, *actor: str) -> str:
    """The agreement of ``rests`` ("one agreement: United Kingdom–Nigeria 2024 (mou)") when the
    actor (by id or name) is one of its two parties (a bridge resting on its own tie), else ``""``."""
    prefix = "one agreement: "
    if not rests.startswith(prefix):
        return ""
    label = rests[len(prefix) :]
    parties = re.sub(r"(?: \d{4})?(?: \([^()]*\))?$", "", label).split("–")
    return label if any(a in parties for a in actor) else ""


def cluster_section(ctx: Context, focus: str | None) -> Section:
    cl = ctx.clusters
    mod = ctx.modularity
    text = (
        f"Groups of actors more tied to each other than to the rest ({ctx.cluster_method or 'community detection'}"
        + (
            f"; modularity {mod:.2f}, where above 0.3 means clear groups"
            if isinstance(mod, int | float)
            else ""
        )
        + "), over the active network (dormant and paused ties left out). A bloc is a cluster of at least "
        "three actors; single actors and pairs are listed apart and not counted. Each bloc is named "
        "\u201c<main region> \u2014 <its most central state in that region>\u201d, or after an organisation "
        "when most of its states (75%) belong to it but no region holds as many (a bloc without states: its "
        "main kind and most central member of that kind); it is never named after a member from outside its "
        "main region, nor after a forum that more than half of the states join. Members are listed by PageRank."
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
        pairs: list[list[str]] = []
        for cid, members in ordered:
            if len(members) < 2:
                singles.append(members[0])
                continue
            if len(members) < 3:
                pairs.append(sorted(members, key=lambda a: (ctx.importance(a), a)))
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
                    table_cell(info.get("density"), ctx),
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
            empty="No cluster has three actors or more."
            if (singles or pairs)
            else "No clusters were computed.",
        )
    )
    if singles or pairs:
        blocks.append(Paragraph(_apart_line(ctx, singles, pairs)))
    return Section("clusters", "Cooperation clusters", blocks)


def _cluster_names(ctx: Context) -> dict[Any, str]:
    """Cluster -> its name as the analysis gives it (``cluster_name``, the same the legends show)."""
    cl = ctx.clusters
    if not {"cluster", "cluster_name"} <= set(cl.columns):
        return {}
    out: dict[Any, str] = {}
    for cid, name in zip(cl["cluster"], cl["cluster_name"], strict=True):
        if name is not None and name == name and cid not in out:
            out[cid] = isolate_bidi(str(name))
    return out


def _apart_line(ctx: Context, singles: list[str], pairs: list[list[str]], limit: int = 24) -> str:
    """One line for the actors that stand alone: ``6 actors stand alone: 1 pair (A and B); alone: C, D …``."""
    n = len(singles) + 2 * len(pairs)
    parts = []
    if pairs:
        shown = "; ".join(" and ".join(ctx.name(a) for a in p) for p in pairs[:limit])
        more = f" and {len(pairs) - limit} more" if len(pairs) > limit else ""
        parts.append(f"{len(pairs)} pair{'s' if len(pairs) != 1 else ''} ({shown}{more})")
    if singles:
        actors = sorted(singles, key=lambda a: (ctx.importance(a), a))
        names = ", ".join(ctx.name(a) for a in actors[:limit])
        if len(actors) > limit:
            names += f" and {len(actors) - limit} more"
        parts.append(f"alone: {names}")
    return (
        f"{n} actor{'s' if n != 1 else ''} stand{'s' if n == 1 else ''} apart, not counted among the blocs: "
        + "; ".join(parts)
        + "."
    )


def graph_section(ctx: Context, graph_html: str | None, figure: Figure | None, focus: str | None) -> Section:
    caption = (
        f"{ctx.name(focus)} and its neighbourhood. " if focus else "The actor network. "
    ) + "Drag to move, scroll to zoom, hover a node for its properties."
    blocks: list[Block] = []
    if graph_html:
        blocks.append(GraphView(graph_html, figure, caption))
    elif figure is not None:
        blocks.append(figure)
    return Section("graph", "The network", blocks)


def methods_section(ctx: Context, seed: int | None) -> Section:
    info = ctx.info
    rows = parameter_rows(info, seed)
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
                "their kind (centrality.csv: <measure>_kind_rank). Brokers are ranked by betweenness (an actor "
                "with betweenness 0 is never a broker) with their Gould–Fernandez (1989) roles across clusters, "
                "counted on the direct ties (brokerage.csv). Clusters come from a seeded community detection on "
                "the same active network; a bloc has at least three actors and is named \u201c<main region or "
                "organisation> \u2014 <its most central state there>\u201d. Stability: the analysis is repeated "
                "(--perturb N runs per random family, seeded) with values marked as estimates jittered (levels "
                "±0.1 clipped to [0, 1], weights ×(1 ± 0.1)), the capability threshold moved within ±0.05 and "
                "other cluster seeds; with the active cooperation ties resampled (bootstrap); leaving out one "
                "source family at a time and one cooperation agreement at a time; with dormancy horizons of 3 "
                "and 10 years; and with a flat and jittered instrument weights. stability.csv gives each "
                "reported rank with its 5th-95th percentile band, the width of its band under each family, "
                "whether it is stable (narrow under all), the family driving it and the one agreement or source "
                "a fragile rank rests on; cocluster.csv how often two actors share a cluster. Capability gaps follow graphkit's "
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
            Table(
                ["setting", "value", "command-line option"],
                rows,
                caption="The settings of this analysis (all of them are in summary.json)",
                empty=f"seed {seed}",
            ),
            Paragraph(", ".join(f"{name} {version}" for name, version in versions) + ".", "Software."),
        ],
    )


PARAMETER_WORDS: dict[str, tuple[str, str]] = {
    "types": ("relationships that form the network", "--types"),
    "weight": ("tie strength read from", "--weight"),
    "cluster_method": ("community detection", "--clusters"),
    "resolution": ("modularity resolution", "--resolution"),
    "restarts": ("clustering restarts (best kept)", "--restarts"),
    "seed": ("random seed", "--seed"),
    "engine": ("computing engine", "--engine"),
    "exact_threshold": ("exact betweenness up to this many actors", "--exact-threshold"),
    "samples": ("sampled sources above it", "--samples"),
    "threshold": ("capability level that counts as held", "--threshold"),
    "partners": ("ties through which partners pool", "--partners"),
    "dormant_after": ("a tie without evidence for this many years is dormant", "--dormant-after"),
    "instruments": ("tie strength by instrument", "(AnalysisOptions.instruments)"),
}
"""How the methods table names each analysis parameter, and the option that sets it."""


def parameter_rows(info: dict[str, Any], seed: int | None) -> list[list[Any]]:
    """The methods table: the analysis settings in words, their values and options, and the
    date, stability runs and sizes that frame the analysis (no dump of summary.json)."""
    params = info.get("parameters") or {}
    rows: list[list[Any]] = [["network as of", str(info.get("as_of") or "all"), "--as-of"]]
    for key, (words, option) in PARAMETER_WORDS.items():
        if key not in params:
            continue
        value = params[key]
        if key == "instruments":
            value = (
                "default table (docs/ties.md)"
                if not value
                else ", ".join(f"{k} {v:g}" for k, v in dict(value).items())
            )
        elif isinstance(value, list | tuple):
            value = ", ".join(str(x) for x in value) or "none"
        elif value is None:
            value = "none" if key != "weight" else "every tie counts 1"
        rows.append([words, value, option])
    stab = info.get("stability") if isinstance(info.get("stability"), dict) else {}
    if stab:
        rows.append(["stability runs", stab.get("runs", stab.get("n", "")), "--perturb"])
    graph = info.get("graph") if isinstance(info.get("graph"), dict) else {}
    if graph:
        rows.append(["actors in the network", graph.get("actors", ""), ""])
        rows.append(["ties between them", graph.get("actor_links", ""), ""])
    return rows


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


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def relations(ctx: Context, focus: str) -> tuple[list[str], list[str], dict[str, list[str]]]:
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
