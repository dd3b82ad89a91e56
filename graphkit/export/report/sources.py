"""The report's sources table: facts per source, near-identical source texts grouped."""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Any

import networkx as nx

__all__ = ["source_counts", "grouped_sources", "group_rows", "SHARED_PREFIX"]

SHARED_PREFIX = 40
"""Source texts that share at least this many leading characters are variants of one
source (the same index with another formula, the same file with another row note)."""


def source_counts(G: nx.MultiDiGraph) -> Counter[str]:
    """How many nodes and relationships cite each ``source`` text."""
    counts: Counter[str] = Counter()
    for _, d in G.nodes(data=True):
        if d.get("source"):
            counts[str(d["source"])] += 1
    for _, _, d in G.edges(data=True):
        if d.get("source"):
            counts[str(d["source"])] += 1
    return counts


def grouped_sources(counts: Counter[str], *, shared: int = SHARED_PREFIX) -> list[tuple[str, int, int]]:
    """``(label, variants, facts)`` per source family, most facts first.

    Texts that share a prefix of at least ``shared`` characters form one family, labelled
    by that prefix (cut back to a word) and, when there are several, how many variants.

    Examples
    --------
    >>> c = Counter({"ITU GCI 2024 via Data360, pillar(s) legal: level = legal / 20": 194,
    ...              "ITU GCI 2024 via Data360, pillar(s) technical: level = technical / 20": 194,
    ...              "FIRST members list": 12})
    >>> grouped_sources(c, shared=20)
    [('ITU GCI 2024 via Data360, pillar(s)', 2, 388), ('FIRST members list', 1, 12)]
    >>> grouped_sources(Counter({"a list (see the chart, 2024)": 2, "a list (see the chart, 2025)": 3}), shared=10)
    [('a list', 2, 5)]
    """
    groups: list[tuple[str, list[str]]] = []
    for text in sorted(counts):
        if groups:
            prefix, members = groups[-1]
            common = os.path.commonprefix([prefix, text])
            if len(common) >= shared:
                groups[-1] = (common, members + [text])
                continue
        groups.append((text, [text]))
    out = []
    for prefix, members in groups:
        label = prefix if len(members) == 1 else _cut(prefix)
        out.append((label, len(members), sum(counts[m] for m in members)))
    return sorted(out, key=lambda g: (-g[2], g[0]))


def _cut(prefix: str) -> str:
    """A shared prefix cut back to the end of its last whole word, without trailing punctuation."""
    if not prefix[-1:].isspace():  # it may end inside a word: drop that partial word
        m = re.match(r"^(.*\w)\W", prefix)
        prefix = m.group(1) if m else prefix
    prefix = prefix.rstrip(" ,;:(-")
    while prefix.count("(") > prefix.count(")"):  # an aside left open: cut it off
        prefix = prefix[: prefix.rindex("(")].rstrip(" ,;:(-")
    return prefix


def group_rows(groups: list[tuple[str, int, int]], top: int) -> list[list[Any]]:
    """Table rows ``[source, facts]`` for the ``top`` largest families."""
    return [[label + (f" ({n} variants)" if n > 1 else ""), facts] for label, n, facts in groups[:top]]
