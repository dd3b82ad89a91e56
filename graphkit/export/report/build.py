"""Building the report's content from a graph and its analysis."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.errors import OutputError
from graphkit.export.report.changes import as_of_text, changes_section, time_paragraph
from graphkit.export.report.compare_section import compare_section
from graphkit.export.report.context import Context, check_focus
from graphkit.export.report.document import Figure, Report, Section
from graphkit.export.report.focus import focus_sections
from graphkit.export.report.gap_sections import critical_section, gap_section
from graphkit.export.report.rankings import stability_section
from graphkit.export.report.scenario_section import scenario_section
from graphkit.export.report.sections import (
    broker_section,
    centrality_section,
    cluster_section,
    graph_section,
    methods_section,
    overview_section,
)
from graphkit.export.report.summary import summary_section
from graphkit.graph import summary

__all__ = ["build_report"]


def build_report(
    G: nx.MultiDiGraph,
    analysis: Any,
    *,
    focus: str | None = None,
    top: int = 10,
    title: str | None = None,
    dataset: str | None = None,
    seed: int | None = None,
    recommendations: Any = None,
    graph_html: str | None = None,
    figures: dict[str, Figure] | None = None,
    generated: str | None = None,
    changes: Any = None,
    whatif: Any = None,
    comparison: Any = None,
    alignment: Section | None = None,
) -> Report:
    """The report's content: sections of text, tables and a heat map from ``analysis`` of ``G``.

    ``analysis`` carries the analysis results as DataFrames (``centrality``, ``clusters``,
    ``gaps`` and, where present, ``cluster_summary``, ``alliance_gaps``,
    ``uncovered_threats``, ``critical_actors``) and ``summary`` (a dict of parameters).
    ``recommendations`` maps an actor id to its partner-recommendation DataFrame.
    ``changes`` (a :class:`graphkit.analysis.changes.Changes`) adds the "What changed" section;
    ``whatif`` (a :class:`graphkit.analysis.whatif.WhatIf`) the "What if" section, ``comparison``
    (a :class:`graphkit.analysis.compare.Comparison`) the side-by-side one, ``alignment``
    (:func:`graphkit.export.report.alignment_section.alignment_section`) the positions one.
    """
    if top < 1:
        raise OutputError(f"--top must be at least 1 (got {top})")
    if focus is not None:
        check_focus(G, focus)
    figures = figures or {}
    recommendations = recommendations or {}
    ctx = Context(G, analysis, top)
    generated = generated or _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    source_name = dataset or G.graph.get("name") or "the graph"
    if title is None:
        title = (
            f"{ctx.name(focus)}: partners, gaps and recommendations"
            if focus
            else f"Who can defend cyberspace together: {Path(str(source_name)).name}"
        )
    subtitle = (
        f"Stakeholder network analysis of {source_name}"
        + (f", focused on {ctx.name(focus)} ({focus})" if focus else "")
        + f"; the network {as_of_text(ctx.info)}"
    )
    s = summary(G)
    facts = [
        ("actors", f"{s['nodes'][schema.ACTOR]:,}"),
        ("capabilities", f"{s['nodes'][schema.CAPABILITY]:,}"),
        ("threats", f"{s['nodes'][schema.THREAT]:,}"),
        ("relationships", f"{G.number_of_edges():,}"),
        ("as of", str(ctx.info.get("as_of") or "all")),
        ("clusters", f"{ctx.cluster_count():,} blocs; {ctx.actors_apart():,} actors stand alone"),
        ("uncovered threats", f"{len(ctx.frame('uncovered_threats')):,}"),
    ]
    sections: list[Section] = []
    if focus:
        sections += focus_sections(ctx, focus, recommendations, figures)
    else:
        sections.append(summary_section(ctx))
    if changes is not None:
        sections.append(changes_section(ctx, changes))
    if whatif is not None:
        sections.append(scenario_section(whatif, top))
    if comparison is not None:
        sections.append(compare_section(comparison))
    sections.append(centrality_section(ctx, figures))
    sections.append(broker_section(ctx))
    sections.append(cluster_section(ctx, focus))
    if not focus:
        sections.append(gap_section(ctx, recommendations, figures))
    sections.append(critical_section(ctx))
    sections.append(stability_section(ctx))
    if alignment is not None:  # "Who stands with whom on the rules of cyberspace"
        sections.append(alignment)
    sections.append(graph_section(ctx, graph_html, figures.get("network"), focus))
    sections.append(overview_section(ctx, source_name, generated, focus))
    sections.append(methods_section(ctx, seed))
    sections[-1].blocks.insert(1, time_paragraph(ctx, changes))
    return Report(
        title=title, subtitle=subtitle, facts=facts, sections=sections, generated=generated, focus=focus
    )
