"""How an :class:`~graphkit.analysis.run.Analysis` shows itself: a short text and a compact HTML summary for notebooks."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

__all__ = ["analysis_html", "analysis_text", "HEADLINE_ROWS"]

HEADLINE_ROWS = 5
"""Rows of each headline table in the notebook summary."""

_CENTRAL = ["name", "kind", "pagerank", "betweenness", "degree"]
_CLUSTERS = ["name", "size", "density", "top_members"]
_GAPS = ["name", "kind", "own_gap", "coalition_gap", "closed_by_cooperation"]
_CRITICAL = ["name", "kind", "opened_weight", "actors_affected"]
_UNCOVERED = ["name", "required", "missing", "targets"]


def analysis_text(a: Any) -> str:
    """One line: what was analysed and how much came out (instead of a 20 KB dataclass dump).

    >>> analysis_text(gk.analyze(gk.load(gk.SAMPLE), seed=1))
    'Analysis of sample (as of ...): 14 actors, 28 links, 6 clusters, 6 actors with gaps, 1 uncovered threats, seed 1'
    """
    s = a.summary or {}
    g = s.get("graph", {})
    return (
        f"Analysis of {g.get('name', 'graph')} (as of {s.get('as_of', '?')}): {g.get('actors', len(a.centrality))} actors, "
        f"{g.get('actor_links', '?')} links, {len(a.cluster_summary)} clusters, {len(a.gap_summary)} actors with gaps, "
        f"{len(a.uncovered_threats)} uncovered threats, seed {s.get('parameters', {}).get('seed')}"
    )


def analysis_html(a: Any) -> str:
    """The notebook summary: the text line, then the headline tables (most central actors,
    clusters, largest gaps, critical actors, uncovered threats), each cut to
    :data:`HEADLINE_ROWS` rows; every text is escaped.

    >>> page = analysis_html(gk.analyze(gk.load(gk.SAMPLE), seed=1))
    >>> page.count("<table"), len(page) < 20_000
    (5, True)
    """
    parts = [f'<div class="graphkit-analysis"><p><b>{html.escape(analysis_text(a))}</b></p>']
    sections = [
        ("Most central actors (PageRank)", _top(a.centrality, "pagerank"), _CENTRAL),
        ("Clusters", _top(a.cluster_summary, "size"), _CLUSTERS),
        ("Largest capability gaps (coalition)", _top(a.gap_summary, "coalition_gap"), _GAPS),
        ("Critical actors (gap opened if removed)", _top(a.critical_actors, "opened_weight"), _CRITICAL),
        ("Threats no one can answer", _top(a.uncovered_threats, "missing"), _UNCOVERED),
    ]
    for title, frame, columns in sections:
        total = len(frame)
        shown = frame[[c for c in columns if c in frame.columns]].head(HEADLINE_ROWS)
        more = f" (top {len(shown)} of {total})" if total > len(shown) else ""
        parts.append(f"<h4>{html.escape(title)}{more}</h4>")
        if shown.empty:
            parts.append("<p><i>none</i></p>")
        else:
            parts.append(shown.to_html(index=False, escape=True, float_format=lambda x: f"{x:.3g}", border=0))
    parts.append(
        "<p><small>All tables: <code>result.tables()</code>; write them with "
        "<code>gk.write_analysis(result, folder)</code>.</small></p></div>"
    )
    return "\n".join(parts)


def _top(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    if column not in frame.columns or frame.empty:
        out = frame.copy()
    else:
        out = frame.sort_values(column, ascending=False, kind="stable")
    return out
