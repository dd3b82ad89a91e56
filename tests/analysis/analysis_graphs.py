"""Fixture graphs for the analysis tests: canonical graphs made from plain networkx graphs."""

from __future__ import annotations

import networkx as nx

import graphkit as gk


def canonical(H: nx.Graph, *, weight: str | None = None) -> nx.MultiDiGraph:
    """Every node of ``H`` an Actor (kind state), every edge a COOPERATES_WITH (with ``weight``)."""
    G = gk.new_graph()
    for n in H.nodes:
        gk.add_node(G, str(n), "Actor", name=f"Actor {n}", kind="state")
    for u, v, d in H.edges(data=True):
        props = {"weight": float(d[weight])} if weight else {}
        gk.add_relationship(G, str(u), "COOPERATES_WITH", str(v), **props)
    return G
