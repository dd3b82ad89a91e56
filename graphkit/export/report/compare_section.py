"""The report's side-by-side section (``report --compare A B``): two actors' shared ties, path, capabilities, pooling, recommendations and alignment."""

from __future__ import annotations

from typing import Any

from graphkit.export.report.document import Bullets, Paragraph, Section, Table

__all__ = ["compare_section"]


def compare_section(c: Any) -> Section:
    """A section from a :class:`graphkit.analysis.compare.Comparison`."""
    A, B = c.name_a, c.name_b
    facts = []
    so = c.shared_organisations
    if len(so):
        facts.append(
            f"They share {len(so)} organisation{'s' if len(so) != 1 else ''}: "
            + "; ".join(
                f"{r['name']} (since {_d(r['since_a'])} and {_d(r['since_b'])})"
                for r in so.to_dict("records")
            )
            + "."
        )
    else:
        facts.append("They share no organisation.")
    ag = c.agreements
    if len(ag):
        facts.append(
            f"{len(ag)} agreement{'s' if len(ag) != 1 else ''} between them: "
            + "; ".join(f"{r['instrument'] or 'agreement'} since {_d(r['since'])}" + (f" until {r['until']}" if r["until"] else "")
                        + (f", {r['status']}" if r["status"] else "") for r in ag.to_dict("records"))
            + "."
        )  # fmt: skip
    else:
        facts.append("No agreement between them.")
    if c.path:
        facts.append(
            f"Shortest path ({len(c.path) - 1} step{'s' if len(c.path) != 2 else ''}): "
            + "; ".join(c.path_steps)
            + "."
        )
    else:
        facts.append("They are not connected through memberships or cooperation.")
    facts.append(
        f"{A} could pool for {B}: {', '.join(_names(c, c.a_could_pool_for_b)) or 'nothing it needs and lacks'}."
    )
    facts.append(
        f"{B} could pool for {A}: {', '.join(_names(c, c.b_could_pool_for_a)) or 'nothing it needs and lacks'}."
    )
    facts.append(_rec(A, B, c.b_rank_for_a) + " " + _rec(B, A, c.a_rank_for_b))
    facts.append(
        "Alignment: no position both took in the data." if c.alignment is None
        else f"Alignment {c.alignment:.2f} over {c.positions_shared} positions both took (an abstention counts half)."
    )  # fmt: skip
    rows = [
        [r["capability_name"], r["level_a"], r["need_a"] or None, _st(r["status_a"], r["route_a"]), r["level_b"],
         r["need_b"] or None, _st(r["status_b"], r["route_b"])]
        for r in c.capabilities.to_dict("records")
    ]  # fmt: skip
    table = Table(
        [
            "capability",
            f"{c.a} level",
            f"{c.a} need",
            f"{c.a} status",
            f"{c.b} level",
            f"{c.b} need",
            f"{c.b} status",
        ],
        rows,
        caption="Capability profiles and gaps side by side (need: threats targeting the actor that need it; "
        "status: own, pooled through whom, or open)",
        empty="Neither holds or needs any capability on record.",
    )
    intro = Paragraph(f"{A} ({c.a}) and {B} ({c.b}), as of {c.day}.", "Side by side.")
    return Section(
        f"compare-{c.a}-{c.b}".lower(), f"{A} and {B} side by side", [intro, Bullets(facts), table]
    )


def _names(c: Any, ids: list[str]) -> list[str]:
    names = dict(zip(c.capabilities["capability_id"], c.capabilities["capability_name"], strict=True))
    return [str(names.get(i, i)) for i in ids]


def _d(v: Any) -> str:
    return "an unknown year" if v is None or v != v else str(v)


def _st(status: str, route: Any) -> str:
    return f"pooled {route}" if status == "pooled" and isinstance(route, str) else status


def _rec(who: str, whom: str, rank: int | None) -> str:
    if rank is None:
        return f"{whom} is not among {who}'s recommended partners."
    return f"{whom} is {who}'s recommended partner no. {rank}."
