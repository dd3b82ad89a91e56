"""What every section reads: the graph, the analysis tables, names, kinds and table cells."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graphkit import schema
from graphkit.errors import SchemaError
from graphkit.export.report.document import Items, Table, fmt, kind_name, ranked_measures
from graphkit.files import isolate_bidi
from graphkit.graph import nodes_of

__all__ = ["check_focus", "Context", "capability_items", "column_header", "table_cell"]


def check_focus(G: nx.MultiDiGraph, focus: str) -> None:
    if focus not in G:
        close = sorted(
            n
            for n, d in nodes_of(G, schema.ACTOR)
            if focus.lower() in n.lower() or focus.lower() in str(d.get("name", "")).lower()
        )[:5]
        hint = f"; did you mean {', '.join(close)}?" if close else "; `graphkit info` lists the actors"
        raise SchemaError(f"--focus {focus!r}: no actor with this id{hint}")
    if G.nodes[focus].get("label") != schema.ACTOR:
        raise SchemaError(
            f"--focus {focus!r} is a {G.nodes[focus].get('label')}, not an Actor; give an actor or alliance id"
        )


class Context:
    """The graph, the analysis and helpers to read both."""

    def __init__(self, G: nx.MultiDiGraph, analysis: Any, top: int) -> None:
        import numpy as np
        import pandas as pd

        self.np = np
        self.G = G
        self.analysis = analysis
        self.top = top
        self.pd = pd
        self.centrality = self.frame("centrality")
        self.gaps = self.frame("gaps")
        self.clusters = self.frame("clusters")
        self.info: dict[str, Any] = dict(getattr(analysis, "summary", None) or {})
        self.modularity = (
            (self.info.get("clusters") or {}).get("modularity")
            if isinstance(self.info.get("clusters"), dict)
            else self.info.get("modularity")
        )
        self.cluster_method = (self.info.get("parameters") or {}).get("cluster_method") or self.info.get(
            "cluster_method"
        )
        self._rank = {}
        if "pagerank" in self.centrality:
            order = self.centrality.sort_values(["pagerank", "id"], ascending=[False, True])
            self._rank = {a: i for i, a in enumerate(order["id"])}

    def redundant_measures(self) -> set[str]:
        """Measures the report leaves out because they repeat another: weighted degree when no tie
        carries a weight (it then equals degree for every actor)."""
        c = self.centrality
        if {"degree", "weighted_degree"} <= set(c.columns) and len(c):
            a = self.pd.to_numeric(c["degree"], errors="coerce").astype(float)
            b = self.pd.to_numeric(c["weighted_degree"], errors="coerce").astype(float)
            if bool(((a - b).abs() <= 1e-9 * a.abs().clip(lower=1.0)).all()):
                return {"weighted_degree"}
        return set()

    def ranked_measures(self) -> list[tuple[str, str, str, bool]]:
        """The measures the report ranks by (:func:`~graphkit.export.report.document.ranked_measures`),
        without :meth:`redundant_measures`."""
        skip = self.redundant_measures()
        return [m for m in ranked_measures() if m[0] not in skip]

    def frame(self, name: str) -> Any:
        df = getattr(self.analysis, name, None)
        if df is None:
            return self.pd.DataFrame()
        return df

    def name(self, node: Any) -> str:
        """The node's name, bidi-isolated when it holds a bidirectional control (U+202E ...),
        so that it cannot reverse the sentence or cell it is put in."""
        if node in self.G:
            return isolate_bidi(str(self.G.nodes[node].get("name", node)))
        return isolate_bidi(str(node))

    def kind(self, node: Any) -> str:
        return str(self.G.nodes[node].get("kind", "")) if node in self.G else ""

    def importance(self, node: Any) -> int:
        """Position by PageRank (0 = most central); unknown actors last."""
        return self._rank.get(node, len(self._rank))

    def cluster_count(self) -> int:
        """The blocs: clusters of at least three actors (single actors and pairs stand apart)."""
        if "cluster" not in self.clusters:
            return 0
        sizes = self.clusters["cluster"].value_counts()
        return int((sizes >= 3).sum())

    def actors_apart(self) -> int:
        """Actors in clusters of one or two: not counted among the blocs."""
        if "cluster" not in self.clusters:
            return 0
        sizes = self.clusters["cluster"].value_counts()
        return int(sizes[sizes < 3].sum())

    def gap_totals(self) -> Any:
        """Per actor: needed weight, own gap, coalition gap, what cooperation closes, assessed.

        Needs whose own status is unknown (an actor without capability data, a capability no
        assessment that rated the actor covers) count in ``needed`` and ``coalition_gap`` only; for an
        unassessed actor ``own_gap`` and ``closed`` are NaN. ``open_known`` is the coalition
        gap over needs whose capability has data (what a new partner could be recommended
        for), ``coalition_known`` over needs with data (comparable with ``own_gap``), and
        ``unknown`` the weight of needs whose own status is unknown.
        """
        pd = self.pd
        g = self.gaps
        cols = [
            "actor_id",
            "needed",
            "own_gap",
            "coalition_gap",
            "closed",
            "assessed",
            "open_known",
            "coalition_known",
            "unknown",
        ]
        if g.empty:
            return pd.DataFrame(columns=cols)
        w = g["weight"].astype(float)
        own = g["own"].astype(bool)
        pooled = g["pooled"].astype(bool)
        assessed = g["assessed"].astype(bool) if "assessed" in g else pd.Series(True, index=g.index)
        cap_ok = (
            g["capability_assessed"].astype(bool)
            if "capability_assessed" in g
            else pd.Series(True, index=g.index)
        )
        known = assessed & cap_ok
        t = (
            pd.DataFrame(
                {
                    "actor_id": g["actor_id"],
                    "needed": w,
                    "own_gap": w.where(known & ~own, 0.0),
                    "coalition_gap": w.where(~pooled, 0.0),
                    "closed": w.where(known & ~own & pooled, 0.0),
                    "assessed": assessed,
                    "open_known": w.where(cap_ok & ~pooled, 0.0),
                    "coalition_known": w.where(known & ~pooled, 0.0),
                    "unknown": w.where(~known, 0.0),
                }
            )
            .groupby("actor_id", sort=False)
            .agg(
                needed=("needed", "sum"),
                own_gap=("own_gap", "sum"),
                coalition_gap=("coalition_gap", "sum"),
                closed=("closed", "sum"),
                assessed=("assessed", "all"),
                open_known=("open_known", "sum"),
                coalition_known=("coalition_known", "sum"),
                unknown=("unknown", "sum"),
            )
            .reset_index()
        )
        t.loc[~t["assessed"], ["own_gap", "closed", "coalition_known"]] = float("nan")
        return t[cols]

    def unassessed(self) -> list[str]:
        """Threatened actors without any capability data, in table order."""
        g = self.gaps
        if g.empty or "assessed" not in g:
            return []
        return list(dict.fromkeys(g.loc[~g["assessed"].astype(bool), "actor_id"]))

    def table(
        self,
        df: Any,
        *,
        limit: int | None = None,
        caption: str = "",
        empty: str = "Nothing to show.",
        skip: tuple[str, ...] = (),
    ) -> Table:
        """Any analysis DataFrame as a table: id columns become names, list cells become text."""
        if df is None or len(df) == 0:
            return Table([], [], caption=caption, empty=empty)
        ids = sum(1 for c in df.columns if c == "id" or c.endswith("_id"))
        cols = [
            c
            for c in df.columns
            if c not in skip
            and not (c == "name" and ids == 1)  # the id column is shown as the name already
            and not (c.endswith("_name") and f"{c[:-5]}_id" in df.columns)
        ]
        header = []
        for c in cols:
            header.append(column_header(c))
        rows = []
        for rec in df.head(limit).to_dict("records") if limit else df.to_dict("records"):
            row = []
            for c in cols:
                v = rec[c]
                if _is_id_column(c):
                    v = (
                        self.name(v)
                        if not isinstance(v, list | tuple)
                        else _list_cell([self.name(x) for x in v], c)
                    )
                elif c == "kind" and isinstance(v, str):
                    v = kind_name(v)
                elif _is_capability_column(c) and isinstance(
                    v, list | tuple | set | frozenset | self.np.ndarray
                ):
                    v = _list_cell([self.name(x) if isinstance(x, str) else fmt(x) for x in list(v)], c)
                row.append(table_cell(v, self))
            rows.append(row)
        return Table(header, rows, caption=caption, empty=empty)


def _is_capability_column(c: str) -> bool:
    return "capabilit" in c


def _list_cell(names: list[str], column: str) -> Any:
    """Names of a list column: a capability list is condensed (:class:`Items`), others joined."""
    if _is_capability_column(column):
        return capability_items(names)
    return ", ".join(names)


def capability_items(names: list[str], sep: str = ", ") -> Items:
    """A list of capabilities as a condensed cell (``13 capabilities: A, B, C and 10 more``)."""
    return Items([isolate_bidi(n) for n in names], noun="capabilities", singular="capability", sep=sep)


def _is_id_column(c: str) -> bool:
    return c == "id" or c.endswith("_id") or c in ("actor", "partner", "capability", "threat", "member")


def column_header(c: str) -> str:
    if c == "id":
        return "actor"
    if c.endswith("_ids"):
        c = c[:-4] + "s"
    elif c.endswith("_id"):
        c = c[:-3]
    return c.replace("_", " ")


def table_cell(v: Any, ctx: Context) -> Any:
    import numpy as np

    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, list | tuple | set | frozenset | np.ndarray):
        items = [x.item() if isinstance(x, np.generic) else x for x in list(v)]
        return ", ".join(ctx.name(x) if isinstance(x, str) else fmt(x) for x in items)
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, str):
        return isolate_bidi(v)
    return v
