"""The analyze command: centrality, clusters, capability gaps and critical actors into a folder."""

from __future__ import annotations

import argparse
from typing import Any

from graphkit.cli.common import (
    add_analysis_options,
    add_command,
    add_quiet,
    add_source,
    analysis_options,
    check_engine,
    load_source,
    progress,
    run_analysis,
)
from graphkit.cli.output_rules import ANALYSIS_OUTPUT_RULE
from graphkit.errors import GraphkitError

__all__ = ["register"]


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "analyze",
        "Centrality, brokerage, cooperation clusters, capability gaps and critical actors, "
        "written as CSV tables and summary.json.",
        "graphkit analyze data/cyber-multilateral -o out/analysis --weight weight --seed 1 --perturb 20",
        _analyze,
    )
    add_source(p)
    p.add_argument(
        "-o",
        "--out",
        required=True,
        metavar="DIR",
        help=f"folder for centrality.csv, clusters.csv, gaps.csv, summary.json and more; "
        f"{ANALYSIS_OUTPUT_RULE}",
    )
    add_analysis_options(p, perturb_default=0)
    add_quiet(p)
    register_recommend(sub)


def _analyze(args: argparse.Namespace) -> int:
    from graphkit.export.analysis_tables import write_analysis
    from graphkit.files import escape_terminal

    check_engine(args)
    prog = progress(args)
    with prog.step("load"):
        G = load_source(args)
    result = run_analysis(G, args, prog)
    paths = write_analysis(result, args.out)
    s = result.summary
    if not args.quiet:
        top = result.centrality.sort_values("betweenness", ascending=False).head(5)
        print(
            f"network as of {s['as_of']}"
            if s.get("as_of") != "all"
            else "every relationship, whatever its dates"
        )
        print(
            f"{s['graph']['actors']:,} actors, {s['graph']['actor_links']:,} links; "
            f"{s['clusters']['count']} blocs; {s['clusters'].get('alone', 0)} actors stand alone "
            f"(modularity {s['clusters']['modularity']:.3f}); "
            f"betweenness {s['measures']['betweenness']}"
        )
        print("top brokers (betweenness): " + escape_terminal(", ".join(top["name"].astype(str))))
        states = result.centrality[result.centrality["kind"] == "state"]
        if len(states):
            best = states.sort_values(["pagerank", "id"], ascending=[False, True]).iloc[0]
            print(f"most central state (PageRank): {escape_terminal(str(best['name']))}")
        if result.stability is not None:
            print(f"stability: {s['stability']['runs']} perturbed runs in stability.csv and cocluster.csv")
        g = s["gaps"]
        print(
            f"capability gaps (needs with data): own {g['total_own_gap']:,} -> coalition "
            f"{g['total_coalition_gap_known']:,} ({g['actors_helped_by_cooperation']:,} actors helped by "
            f"cooperation); needs without data: weight {g['total_unknown_weight']:,}; "
            f"{g['uncovered_threats']:,} threats nobody can answer"
        )
    print(f"wrote {len(paths)} files to {args.out}")
    return 0


def register_recommend(sub: Any) -> None:
    p = add_command(
        sub,
        "recommend",
        "Which feasible new partners would close most of an actor's remaining capability gap "
        "(greedy weighted set cover, weighted by feasibility; never a sponsor of a threat against it, "
        "nor a state of the opposite camp unless --include-opposite).",
        "graphkit recommend data/cyber-multilateral IRQ --k 3",
        _recommend,
    )
    add_source(p)
    p.add_argument("actor", metavar="ACTOR", help="the actor's id (e.g. a state's ISO3 code, NATO)")
    p.add_argument("--k", type=int, default=5, help="how many partners to pick at most (default 5)")
    p.add_argument("--json", action="store_true", help="print the picks as JSON")
    p.add_argument(
        "--include-opposite",
        action="store_true",
        help="also propose states of the opposite camp on the rules of cyberspace (left out by "
        "default where the data records positions; see graphkit align)",
    )
    add_analysis_options(p, pooling_only=True)
    add_quiet(p)


def _recommend(args: argparse.Namespace) -> int:
    from graphkit.analysis import gap_summary, recommend_partners
    from graphkit.files import escape_terminal

    G = load_source(args)
    if args.actor not in G or G.nodes[args.actor].get("label") != "Actor":
        from graphkit.suggest import node_hint

        actors = ((n, d.get("name")) for n, d in G.nodes(data=True) if d.get("label") == "Actor")
        raise GraphkitError(
            f"no actor with id {args.actor!r}{node_hint(args.actor, actors)}; ids are case-sensitive (see actors.csv)"
        )
    options = analysis_options(args)
    pooling = dict(
        threshold=options.threshold, partners=options.partners, dormant_after=options.dormant_after
    )
    from graphkit.analysis.likeminded import opposite_camp_states

    opposite = set() if args.include_opposite else opposite_camp_states(G, args.actor)
    picks = recommend_partners(G, args.actor, k=args.k, exclude=opposite, **pooling)
    if args.json:
        print(picks.to_json(orient="records", indent=1))
        return 0
    row = gap_summary(G, **pooling).set_index("actor_id")
    name = escape_terminal(str(G.nodes[args.actor].get("name", args.actor)))
    if args.actor in row.index:
        r = row.loc[args.actor]
        own = f"own gap {r['own_gap']:,.0f}" if r["assessed"] else "own gap unknown (no capability data)"
        coalition = f"{r['coalition_gap']:,.0f}" if r["coalition_gap"] == r["coalition_gap"] else "unknown"
        print(
            f"{name}: needs weight {r['needed_weight']:,}; {own}; "
            f"with {_partners_of(G)} {coalition}; needs without data: weight {r['unknown_weight']:,}"
        )
    else:
        print(f"{name}: no threat in the data targets it, so it needs nothing")
    if picks.empty:
        from graphkit.analysis.recommend import remaining_without_data

        blind = remaining_without_data(G, args.actor, **pooling)
        if len(blind):
            groups = []
            for why, part in blind.groupby("why", sort=False):
                caps = ", ".join(escape_terminal(str(c)) for c in part["capability_name"].head(8))
                more = f" and {len(part) - 8} more" if len(part) > 8 else ""
                why = str(why)
                if len(part) > 1 and why.endswith(" it"):
                    why = why.removesuffix(" it") + " them"
                groups.append(f"{caps}{more} ({why})")
            print(
                f"its remaining needs have no data (weight {int(blind['weight'].sum()):,}): {'; '.join(groups)}, "
                "so the data cannot say whether it lacks them or who would close them"
            )
        else:
            print("every need with data is met by it or its active partners: no new partner is needed")
        return 0
    for p in picks.itertuples():
        # names and ids come from the data: CR, C1 and bidi controls are shown escaped
        alts = f" (alternatives: {', '.join(p.alternatives)})" if p.alternatives else ""
        print(
            f"{p.rank}. {escape_terminal(str(p.name))} ({escape_terminal(str(p.partner_id))}, {p.kind}), "
            f"feasibility {p.feasibility:.2f}: {escape_terminal(str(p.reason))}; "
            f"remaining {p.remaining_weight:,}{escape_terminal(alts)}"
        )
    return 0


def _partners_of(G: Any) -> str:
    import datetime as _dt

    day = G.graph.get("as_of")
    if day is None:
        return "all its partners (every relationship, whatever its dates)"
    return "today's partners" if day == _dt.date.today().isoformat() else f"its partners as of {day}"
