"""The analyze command: centrality, clusters, capability gaps and critical actors into a folder."""

from __future__ import annotations

import argparse
from typing import Any

from graphkit.cli.common import add_command, add_quiet, add_source, load_source, progress
from graphkit.errors import GraphkitError

__all__ = ["register"]


def register(sub: Any) -> None:
    from graphkit.defaults import CLUSTER_METHODS, DEFAULT_THRESHOLD, ENGINES, EXACT_THRESHOLD, SAMPLES

    p = add_command(
        sub,
        "analyze",
        "Centrality, brokerage, cooperation clusters, capability gaps and critical actors, "
        "written as CSV tables and summary.json.",
        "graphkit analyze data/cyber-multilateral -o out/analysis --weight weight --seed 1",
        _analyze,
    )
    add_source(p)
    p.add_argument("-o", "--out", required=True, metavar="DIR",
                   help="folder for centrality.csv, clusters.csv, gaps.csv, summary.json and more")
    p.add_argument("--types", nargs="+", default=["MEMBER_OF", "COOPERATES_WITH"], metavar="TYPE",
                   help="relationship types forming the actor network (default: MEMBER_OF COOPERATES_WITH)")
    p.add_argument("--weight", metavar="PROPERTY", default=None,
                   help="numeric relationship property read as cooperation strength "
                        "(distance = 1/strength for betweenness and closeness); default: unweighted")
    p.add_argument("--clusters", choices=CLUSTER_METHODS, default="louvain", help="cluster method (default louvain)")
    p.add_argument("--resolution", type=float, default=1.0, help="modularity resolution (default 1)")
    p.add_argument("--restarts", type=int, default=5,
                   help="seeded Louvain/label-propagation runs; the best modularity is kept (default 5)")
    p.add_argument("--seed", type=int, default=0, help="seed of clusters and sampling (default 0)")
    p.add_argument("--engine", choices=(*ENGINES, "gds"), default="auto",
                   help="auto (igraph when installed), igraph, networkx, or gds (PageRank, betweenness and "
                        "Louvain in Neo4j Graph Data Science; needs --neo4j-uri and a server with GDS)")
    p.add_argument("--exact-threshold", type=int, default=EXACT_THRESHOLD, metavar="N",
                   help=f"exact betweenness/closeness up to N actors, sampled above (default {EXACT_THRESHOLD:,})")
    p.add_argument("--samples", type=int, default=SAMPLES, metavar="K",
                   help=f"source actors sampled above the threshold (default {SAMPLES})")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help=f"capability level that counts as held (default {DEFAULT_THRESHOLD})")
    p.add_argument("--partners", nargs="+", default=["MEMBER_OF", "COOPERATES_WITH"], metavar="TYPE",
                   help="relations through which capabilities are pooled (default: MEMBER_OF COOPERATES_WITH)")
    add_quiet(p)
    register_recommend(sub)


def _analyze(args: argparse.Namespace) -> int:
    from graphkit.analysis import analyze, write_analysis

    if args.engine == "gds" and (not args.neo4j_uri or args.dataset):
        raise GraphkitError("--engine gds runs on a Neo4j server: give --neo4j-uri and no DATASET")
    prog = progress(args)
    with prog.step("load"):
        G = load_source(args)
    options = dict(
        types=args.types,
        weight=args.weight,
        method=args.clusters,
        resolution=args.resolution,
        seed=args.seed,
        restarts=args.restarts,
        engine=args.engine,
        exact_threshold=args.exact_threshold,
        samples=args.samples,
        threshold=args.threshold,
        partners=args.partners,
        progress=prog,
    )
    if args.engine == "gds":
        from graphkit.stores.gds import analyze_with_gds

        options["engine"] = "auto"
        result = analyze_with_gds(G, args.neo4j_uri, user=args.neo4j_user, password=args.neo4j_password,
                                  database=args.neo4j_database, **options)
    else:
        result = analyze(G, **options)
    paths = write_analysis(result, args.out)
    s = result.summary
    if not args.quiet:
        top = result.centrality.sort_values("betweenness", ascending=False).head(5)
        print(f"{s['graph']['actors']:,} actors, {s['graph']['actor_links']:,} links; "
              f"{s['clusters']['count']} clusters (modularity {s['clusters']['modularity']:.3f}); "
              f"betweenness {s['measures']['betweenness']}")
        print("top brokers (betweenness): " + ", ".join(top["name"].astype(str)))
        g = s["gaps"]
        print(f"capability gaps: own {g['total_own_gap']:,} -> coalition {g['total_coalition_gap']:,} "
              f"({g['actors_helped_by_cooperation']:,} actors helped by cooperation); "
              f"{g['uncovered_threats']:,} threats nobody can answer")
    print(f"wrote {len(paths)} files to {args.out}")
    return 0


def register_recommend(sub: Any) -> None:
    from graphkit.defaults import DEFAULT_THRESHOLD

    p = add_command(
        sub,
        "recommend",
        "Which new partners would close most of an actor's remaining capability gap (greedy weighted set cover).",
        "graphkit recommend data/cyber-multilateral IRQ --k 3",
        _recommend,
    )
    add_source(p)
    p.add_argument("actor", metavar="ACTOR", help="the actor's id (e.g. a state's ISO3 code, NATO)")
    p.add_argument("--k", type=int, default=5, help="how many partners to pick at most (default 5)")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help=f"capability level that counts as held (default {DEFAULT_THRESHOLD})")
    p.add_argument("--partners", nargs="+", default=["MEMBER_OF", "COOPERATES_WITH"], metavar="TYPE",
                   help="relations through which capabilities are pooled today (default: MEMBER_OF COOPERATES_WITH)")
    p.add_argument("--json", action="store_true", help="print the picks as JSON")
    add_quiet(p)


def _recommend(args: argparse.Namespace) -> int:
    from graphkit.analysis import gap_summary, recommend_partners

    G = load_source(args)
    if args.actor not in G or G.nodes[args.actor].get("label") != "Actor":
        raise GraphkitError(f"no actor with id {args.actor!r}; ids are case-sensitive (see actors.csv)")
    picks = recommend_partners(G, args.actor, k=args.k, threshold=args.threshold, partners=args.partners)
    if args.json:
        print(picks.to_json(orient="records", indent=1))
        return 0
    row = gap_summary(G, threshold=args.threshold, partners=args.partners).set_index("actor_id")
    name = G.nodes[args.actor].get("name", args.actor)
    if args.actor in row.index:
        r = row.loc[args.actor]
        print(f"{name}: needs weight {r['needed_weight']:,}; own gap {r['own_gap']:,}; "
              f"with today's partners {r['coalition_gap']:,}")
    else:
        print(f"{name}: no threat in the data targets it, so it needs nothing")
    if picks.empty:
        print("no new partner would close anything more")
        return 0
    for p in picks.itertuples():
        print(f"{p.rank}. {p.name} ({p.partner_id}, {p.kind}) closes {p.closed_weight:,}: "
              f"{', '.join(p.closes)}; remaining {p.remaining_weight:,}")
    return 0
