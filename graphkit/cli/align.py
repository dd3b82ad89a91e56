"""The align command: who stands with whom on the rules of cyberspace, and like-minded partners."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from graphkit.cli.common import add_command, add_quiet, add_source, load_source

__all__ = ["register"]


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "align",
        "Alignment on norms (UN votes, signatures): camps, swing states, shifts and, for an "
        "ACTOR, its most aligned states and like-minded partners that close its gap.",
        "graphkit align data/cyber-multilateral VEN --json",
        _align,
    )
    add_source(p, neo4j=False)
    p.add_argument(
        "actor", metavar="ACTOR", nargs="?", help="an actor id: its alignment and like-minded partners"
    )
    p.add_argument(
        "--votes",
        metavar="PATH",
        help="UN General Assembly votes folder (data/unga-votes) for the general affinity and the "
        "shifts between periods (default: unga-votes beside the dataset, when there)",
    )
    p.add_argument("--no-votes", action="store_true", help="use the dataset's norms only")
    p.add_argument("--norm", action="append", metavar="ID", help="only these Norm ids (repeatable)")
    p.add_argument("--camps", type=int, default=3, metavar="K", help="number of camps (default 3)")
    p.add_argument("--swing-margin", type=float, default=0.1, help="swing state margin (default 0.1)")
    p.add_argument("-k", type=int, default=5, help="like-minded partners to list (default 5)")
    p.add_argument(
        "--alignment-weight",
        type=float,
        default=0.5,
        help="weight of alignment in the partner score, 0..1 (default 0.5; 0: capability alone)",
    )
    p.add_argument("--min-alignment", type=float, help="leave out partners that agree less than this (0..1)")
    p.add_argument(
        "--include-opposite", action="store_true", help="also list partners of the opposite camp (marked)"
    )
    p.add_argument(
        "--share",
        type=float,
        default=0.8,
        help="the like-minded coalition closes this share of ACTOR's open gap (default 0.8)",
    )
    p.add_argument("-o", "--output", metavar="DIR", help="write alignment.csv, positions.csv ... into DIR")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_quiet(p)


def _align(args: argparse.Namespace) -> int:
    from graphkit.analysis.camps import analyze_alignment
    from graphkit.analysis.likeminded import like_minded_coalition, like_minded_partners
    from graphkit.loaders.unga import read_unga_votes

    G = load_source(args)
    votes_path = _votes_path(args)
    votes = read_unga_votes(votes_path) if votes_path is not None else None
    al = analyze_alignment(G, votes=votes, norms=args.norm, k=args.camps, swing_margin=args.swing_margin)
    if args.output:
        from graphkit.export.alignment_tables import write_alignment

        write_alignment(al, args.output)
    result: dict[str, Any] = {
        "norms": _norm_ids(G, args.norm),
        "votes": str(votes_path) if votes_path is not None else None,
        "camps": _records(al.camps),
        "general_camps": _records(al.general_camps) if al.general_camps is not None else None,
        "periods": list(al.periods) if al.periods else None,
        "moved": _records(al.shifts[al.shifts["moved"]]) if len(al.shifts) else [],
        "moved_between_years": list(al.norm_years) if al.norm_years else None,
        "moved_on_norms": _records(al.norm_shifts[al.norm_shifts["moved"]]) if len(al.norm_shifts) else [],
    }
    if args.actor:
        options = {
            "alignment_weight": args.alignment_weight,
            "min_alignment": args.min_alignment,
            "include_opposite": args.include_opposite,
            "norms": args.norm,
        }
        partners = like_minded_partners(G, args.actor, k=args.k, **options)
        coalition = like_minded_coalition(G, args.actor, share=args.share, **options)
        state = al.states[al.states["actor_id"] == args.actor]
        mine = al.pairs[(al.pairs["actor_a"] == args.actor) | (al.pairs["actor_b"] == args.actor)].copy()
        mine["other"] = mine["actor_b"].where(mine["actor_a"] == args.actor, mine["actor_a"])
        mine = mine[["other", "agreement", "n_shared"]]
        result["actor"] = {
            "id": args.actor,
            "position": _records(state)[0] if len(state) else None,
            "most_aligned": _records(mine.head(10)),
            "least_aligned": _records(mine.tail(10).iloc[::-1]),
            "partners": _records(partners),
            "coalition": {
                "share": args.share,
                "reached": bool(coalition.attrs.get("reached")),
                "gap_weight": int(coalition.attrs.get("gap_weight", 0)),
                "partners": coalition["partner_id"].tolist(),
            },
        }
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        _print(result, al)
    return 0


def _votes_path(args: argparse.Namespace) -> Path | None:
    if args.no_votes:
        return None
    if args.votes:
        return Path(args.votes)
    if args.dataset:
        beside = Path(args.dataset).resolve().parent / "unga-votes"
        if (beside / "roll_calls.csv").is_file():
            return beside
    return None


def _norm_ids(G: Any, chosen: list[str] | None) -> list[str]:
    """The norms analysed (the library has checked ``chosen``)."""
    return sorted(chosen) if chosen else sorted(n for n, d in G.nodes(data=True) if d.get("label") == "Norm")


def _records(df: Any) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def _plain(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, list | tuple | str):
        return v.item()
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def _camp(c: dict[str, Any]) -> str:
    """A camp's name, with its main region unless the name says it already."""
    return c["camp_name"] if "mostly" in c["camp_name"] else f"{c['camp_name']} (mostly {c['main_region']})"


def _print(result: dict[str, Any], al: Any) -> None:
    print(f"norms: {', '.join(result['norms']) or '(none)'}")
    print("camps on the norms:")
    for c in result["camps"]:
        swing = ", ".join(c["swing_states"]) or "none"
        print(f"  {_camp(c):<40} {c['size']:>4} states  cohesion {c['cohesion']:.2f}  swing: {swing}")
    if result["general_camps"]:
        print(f"camps on all General Assembly votes, {result['periods'][-1]}:")
        for c in result["general_camps"]:
            print(f"  {_camp(c):<40} {c['size']:>4} states  cohesion {c['cohesion']:.2f}")
    if result["moved"]:
        first, last = result["periods"]
        print(f"changed camp between {first} and {last}:")
        for r in result["moved"]:
            print(f"  {r['actor_id']:<6} {r['camp_first']} -> {r['camp_second']}  (axis {r['shift']:+.2f})")
    if result["moved_on_norms"]:
        y0, y1 = result["moved_between_years"]
        moved = result["moved_on_norms"]
        names = ", ".join(f"{r['actor_id']} ({r['camp_first']} -> {r['camp_second']})" for r in moved[:8])
        more = f" and {len(moved) - 8} more (--json or -o for all)" if len(moved) > 8 else ""
        print(
            f"{len(moved)} states changed camp on the norms between {y0} and {y1}, most moved: {names}{more}"
        )
    actor = result.get("actor")
    if not actor:
        return
    pos = actor["position"]
    print(f"\n{actor['id']}:", end=" ")
    if pos:
        swing = " (swing state)" if pos["swing"] else ""
        print(f"axis {pos['axis']:+.2f}, camp {pos['camp_name']}{swing}, {pos['n_positions']} positions")
    else:
        print("no positions on these norms")
    if actor["most_aligned"]:
        print(
            "  most aligned:  "
            + ", ".join(f"{r['other']} {r['agreement']:.2f}" for r in actor["most_aligned"])
        )
        print(
            "  least aligned: "
            + ", ".join(f"{r['other']} {r['agreement']:.2f}" for r in actor["least_aligned"])
        )
    print("  like-minded partners that close its gap:")
    if not actor["partners"]:
        print("    none (no open need, or nobody like-minded holds what it lacks)")
    for r in actor["partners"]:
        print(f"    {r['rank']}. {r['partner_id']:<8} {r['reason']}")
    c = actor["coalition"]
    verdict = "reached" if c["reached"] else "not reached"
    print(
        f"  smallest like-minded coalition closing {c['share']:.0%} of the gap (weight {c['gap_weight']}): "
        f"{', '.join(c['partners']) or 'none'} ({verdict})"
    )
