"""The compare command: two actors side by side (shared ties, path, capabilities and gaps, pooling, recommendations, alignment)."""

from __future__ import annotations

import argparse
from typing import Any

from graphkit.cli.common import add_as_of, add_command, add_quiet, add_source, load_source

__all__ = ["register", "comparison_lines"]


def register(sub: Any) -> None:
    from graphkit.defaults import DEFAULT_THRESHOLD

    p = add_command(
        sub,
        "compare",
        "Two actors side by side: shared organisations and agreements (with dates), the shortest path between "
        "them and through whom, capability profiles and gaps, what each could pool for the other, who would "
        "recommend whom, and their alignment when the data holds positions.",
        "graphkit compare data/cyber-multilateral ARM KEN",
        _compare,
    )
    add_source(p)
    p.add_argument("a", metavar="A", help="an actor id (e.g. a state's ISO3 code)")
    p.add_argument("b", metavar="B", help="another actor id")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help=f"capability level that counts as held (default {DEFAULT_THRESHOLD})")  # fmt: skip
    p.add_argument("--partners", nargs="+", default=["MEMBER_OF", "COOPERATES_WITH"], metavar="TYPE",
                   help="relations through which capabilities are pooled (default: MEMBER_OF COOPERATES_WITH)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    add_as_of(p, default="today")
    add_quiet(p)


def _compare(args: argparse.Namespace) -> int:
    from graphkit.analysis.compare import compare
    from graphkit.files import escape_terminal

    G = load_source(args)
    c = compare(G, args.a, args.b, threshold=args.threshold, partners=args.partners)
    if args.json:
        print(c.to_json())
        return 0
    for line in comparison_lines(c):
        print(escape_terminal(line))
    return 0


def comparison_lines(c: Any) -> list[str]:
    """The comparison as lines of text, with a capability table (also used by the report)."""
    A, B = c.name_a, c.name_b
    out = [f"{A} ({c.a}, {c.kind_a}) and {B} ({c.b}, {c.kind_b}), as of {c.day}", ""]
    so = c.shared_organisations
    if len(so):
        items = [f"{r['name']} ({_d(r['since_a'])} / {_d(r['since_b'])})" for r in so.to_dict("records")]
        out.append(f"Shared organisations ({len(so)}; member since {c.a} / {c.b}): " + "; ".join(items))
    else:
        out.append("Shared organisations: none")
    out.append(f"Only {A}: {', '.join(c.only_a) or 'none'}; only {B}: {', '.join(c.only_b) or 'none'}")
    ag = c.agreements
    if len(ag):
        items = [
            f"{r['source']}-{r['target']} {r['instrument'] or 'agreement'} since {_d(r['since'])}"
            + (f" until {r['until']}" if r["until"] else "") + (f" [{r['status']}]" if r["status"] else "")
            + f" (pools {r['pools'] or 'all'})"
            for r in ag.to_dict("records")
        ]  # fmt: skip
        out.append(f"Agreements ({len(ag)}): " + "; ".join(items))
    else:
        out.append("Agreements: none between them")
    if c.path:
        n = len(c.path) - 1
        out.append(
            f"Shortest path ({n} step{'s' if n != 1 else ''}): {' -> '.join(c.path)} ({'; '.join(c.path_steps)})"
        )
    else:
        out.append("Shortest path: none (not connected through memberships or cooperation)")
    out.append("")
    rows = [["capability", f"{c.a} level", f"{c.a} need", f"{c.a} status", f"{c.b} level", f"{c.b} need",
             f"{c.b} status"]]  # fmt: skip
    for r in c.capabilities.to_dict("records"):
        rows.append([
            str(r["capability_name"]), _lv(r["level_a"]), str(r["need_a"] or ""), _st(r["status_a"], r["route_a"]),
            _lv(r["level_b"]), str(r["need_b"] or ""), _st(r["status_b"], r["route_b"]),
        ])  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        out.append("  ".join(x.ljust(w) for x, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    out.append("")
    out.append(f"{A} could pool for {B}: {', '.join(c.a_could_pool_for_b) or 'nothing it needs and lacks'}")
    out.append(f"{B} could pool for {A}: {', '.join(c.b_could_pool_for_a) or 'nothing it needs and lacks'}")
    out.append(_rec(A, B, c.b_rank_for_a) + "; " + _rec(B, A, c.a_rank_for_b))
    if c.alignment is None:
        out.append("Alignment: no position both took in the data (POSITION relationships)")
    else:
        out.append(f"Alignment: {c.alignment:.2f} over {c.positions_shared} positions both took")
    return out


def _d(v: Any) -> str:
    return "?" if v is None or v != v else str(v)


def _lv(v: Any) -> str:
    return "" if v is None or v != v else f"{v:.2f}"


def _st(status: str, route: Any) -> str:
    return f"pooled {route}" if status == "pooled" and isinstance(route, str) else status


def _rec(who: str, whom: str, rank: int | None) -> str:
    if rank is None:
        return f"{whom} is not among {who}'s recommended partners"
    return f"{whom} is {who}'s recommended partner no. {rank}"
