"""The report section "Who stands with whom on the rules of cyberspace" and its figure.

Reads an :class:`~graphkit.analysis.Alignment` (camps, swing states, shifts) and a
capability profile; computes nothing of its own beyond counting rows for the text.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from graphkit.export.report.document import Block, Bullets, Figure, Items, Paragraph, Section, Table

__all__ = ["alignment_section", "alignment_figure", "report_alignment", "CAMP_COLOURS", "SECTION_TITLE"]

SECTION_TITLE = "Who stands with whom on the rules of cyberspace"

#: Colours of the camps in the figure (colour-blind safe, Okabe–Ito): the two sponsors' camps
#: in blue and vermilion, the states between in grey.
CAMP_COLOURS = {"USA": "#0072B2", "RUS": "#D55E00", None: "#999999"}
_OTHER_COLOURS = ["#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]


def report_alignment(G: nx.MultiDiGraph) -> tuple[Any, pd.DataFrame] | None:
    """The alignment and the capability profile the report shows, or None when ``G`` holds no positions."""
    from graphkit.analysis.camps import analyze_alignment
    from graphkit.analysis.likeminded import capability_profile

    if not any(d.get("type") == "POSITION" for _, _, d in G.edges(data=True)):
        return None
    al = analyze_alignment(G)
    if al.states.empty:
        return None
    return al, capability_profile(G)


def alignment_section(G: nx.MultiDiGraph, al: Any, figure: Figure | None = None, *, top: int = 10) -> Section:
    """The section: the positions loaded, the camps with their cohesion and swing states, who moved."""
    norms = [(n, d) for n, d in G.nodes(data=True) if d.get("label") == "Norm"]
    stances: Counter[tuple[str, str]] = Counter()
    for _, v, d in G.edges(data=True):
        if d.get("type") == "POSITION":
            stances[v, str(d.get("stance"))] += 1
    name = {n: d.get("name", n) for n, d in G.nodes(data=True)}
    states = al.states
    blocks: list[Block] = [
        Paragraph(
            "Butler and Lachow's coalitions are like-minded as well as capable. Positions are the record of "
            "that will: each state's recorded votes on the UN General Assembly's cyber resolutions (and any "
            "signature, ratification or endorsement in the data). Two states agree on a norm when they took "
            "the same stance, half when one abstained, not at all when one voted yes and the other no; their "
            "alignment is the mean over the norms both took a position on. Camps are clusters of states on "
            "alignment, named after the resolution sponsor their members agree with most; a swing state "
            "agrees with its own camp by less than 0.1 more than with the nearest other camp."
        ),
        Table(
            ["norm", "date", "sponsor", "yes", "no", "abstain", "other"],
            [
                [
                    n,
                    str(d.get("date") or ""),
                    ", ".join(name.get(s, s) for s in d.get("sponsors") or []),
                    stances[n, "yes"],
                    stances[n, "no"],
                    stances[n, "abstain"],
                    sum(stances[n, s] for s in ("signed", "ratified", "supports")),
                ]
                for n, d in sorted(norms, key=lambda x: (str(x[1].get("date") or ""), x[0]))
            ],
            caption="The positions loaded (states' recorded votes and endorsements)",
        ),
    ]
    if figure is not None:
        blocks.append(figure)
    rows = []
    for c in al.camps.to_dict("records"):
        members = sorted(c["members"], key=lambda a: name.get(a, a))
        rows.append(
            [
                c["camp_name"],
                c["size"],
                c["main_region"],
                c["cohesion"],
                Items([name.get(a, a) for a in members], noun="states", singular="state", shown=6),
                Items([name.get(a, a) for a in c["swing_states"]], noun="states", singular="state", shown=6),
            ]
        )
    blocks.append(
        Table(
            ["camp", "states", "mostly", "cohesion", "members", "swing states"],
            rows,
            caption="Camps on the norms above (cohesion: mean alignment of the pairs inside the camp)",
        )
    )
    swing = states[states["swing"]].sort_values(["margin", "actor_id"]).head(min(top, 5))
    if len(swing):
        blocks.append(
            Bullets(
                [
                    f"{r['name']}: camp “{r['camp_name']}” (mean alignment {r['own_camp_agreement']:.2f}), "
                    f"almost as close to “{r['nearest_other_camp']}” ({r['other_camp_agreement']:.2f})"
                    for r in swing.to_dict("records")
                ]
            )
        )
    moved = al.norm_shifts[al.norm_shifts["moved"]] if len(al.norm_shifts) else al.norm_shifts
    if len(moved) and al.norm_years:
        y0, y1 = al.norm_years
        blocks.append(
            Paragraph(
                f"{len(moved)} states changed camp between the {y0} and the {y1} votes with a real move along "
                "the axis (0.25 or more; each year's camps rest on that year's few votes, so read this as "
                "a pointer, not a verdict), most of them: "
                + "; ".join(
                    f"{name.get(r['actor_id'], r['actor_id'])} (“{r['camp_first']}” to “{r['camp_second']}”)"
                    for r in moved.head(top).to_dict("records")
                )
                + ".",
                strong="Who moved.",
            )
        )
    blocks.append(
        Paragraph(
            "alignment.csv holds every pair of states with its alignment and the number of positions both "
            "took; positions.csv each state's axis score (the first principal component of its stances, the "
            "United States positive), camp and margin; camps.csv and shifts.csv the camps and the moves. "
            "The command graphkit align DATASET ACTOR lists an actor's like-minded partners that close its gap."
        )
    )
    return Section("alignment", SECTION_TITLE, blocks)


def alignment_figure(al: Any, capability: pd.DataFrame, folder: Path, *, label: int = 12) -> Figure | None:
    """States placed by alignment axis (x) against capability (y), coloured by camp; SVG in ``folder``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    df = al.states.merge(capability, on="actor_id", how="inner")
    if df.empty:
        return None
    camps = list(dict.fromkeys(al.camps["camp_name"]))
    sponsor = {
        c: (sp if isinstance(sp, str) else None)
        for c, sp in zip(al.states["camp_name"], al.states["camp_sponsor"], strict=True)
    }
    others = iter(_OTHER_COLOURS)
    colour = {
        c: CAMP_COLOURS[sponsor.get(c)] if sponsor.get(c) in CAMP_COLOURS else next(others, "#999999")
        for c in camps
    }
    plt.rcParams.update({"font.size": 9, "svg.fonttype": "none", "font.family": "DejaVu Sans"})
    fig, ax = plt.subplots(figsize=(8.5, 5.2))
    for c in camps:
        part = df[df["camp_name"] == c]
        edge = ["black" if s else colour[c] for s in part["swing"]]
        ax.scatter(
            part["axis"], part["capability"], s=30, c=colour[c], edgecolors=edge, linewidths=1.0,
            alpha=0.8, label=f"{c} ({len(part)} states)",
        )  # fmt: skip
    # labels: the sponsors, then the most capable states, never two on top of each other
    first = df.set_index("actor_id").reindex(["USA", "RUS", "CHN"]).dropna(subset=["axis"]).reset_index()
    placed: list[tuple[float, float]] = []
    for r in pd.concat([first, df.sort_values(["capability", "actor_id"], ascending=[False, True])]).to_dict(
        "records"
    ):
        x, y = float(r["axis"]), float(r["capability"])
        if len(placed) >= label or any(abs(x - px) < 0.3 and abs(y - py) < 0.03 for px, py in placed):
            continue
        placed.append((x, y))
        ax.annotate(r["name"], (x, y), fontsize=7, xytext=(4, 3), textcoords="offset points")
    ax.set_xlabel(
        "alignment axis on the cyber resolutions (first principal component; United States positive)"
    )
    ax.set_ylabel("capability (mean level over the capability taxonomy)")
    ax.axvline(0, color="#cccccc", linewidth=0.8, zorder=0)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.scatter([], [], s=28, c="white", edgecolors="black", linewidths=0.8, label="swing state (ringed)")
    ax.legend(loc="upper left", bbox_to_anchor=(0, 1.16), ncol=2, frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    data = buf.getvalue()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "alignment.svg").write_bytes(data)
    # the slide-ready copy (16:9, large type), as the report's other headline figures have
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_fontsize(float(text.get_fontsize()) * 1.6)
    fig.set_size_inches(13.333, 7.5)
    fig.subplots_adjust(left=0.08, right=0.92, top=0.8, bottom=0.12)
    (folder / "slides").mkdir(exist_ok=True)
    for fmt in ("png", "svg"):
        fig.savefig(
            folder / "slides" / f"alignment.{fmt}",
            format=fmt,
            dpi=144,
            metadata={"Date": None} if fmt == "svg" else None,
        )
    plt.close(fig)
    return Figure(
        "figures/alignment.svg",
        "States placed by their alignment on the cyber resolutions against their capability, coloured by camp",
        f"{len(df)} states: left to right, from Russia's side to the United States' side of the 2018-2019 "
        "cyber votes; bottom to top, from little to much assessed capability (the mean level over the "
        "capability taxonomy). Colour: camp; a ring marks a swing state. Like-minded and capable partners "
        "sit high on the same side.",
        data,
    )
