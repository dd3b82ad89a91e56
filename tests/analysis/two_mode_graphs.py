"""Small random two-mode networks with every awkward case, for the incidence and Louvain tests."""

from __future__ import annotations

import random

import networkx as nx

import graphkit as gk

__all__ = ["random_two_mode"]


def random_two_mode(
    seed: int, *, actors: int = 60, orgs: int = 7, coop: int = 70, weighted: bool = True
) -> nx.MultiDiGraph:
    """Organisations of 1 to 30 members (some with a tie_weight), a repeated membership, an
    organisation that is a member, a cooperation tie alongside a membership, 3 isolated actors."""
    rng = random.Random(seed)
    G = gk.new_graph()
    for i in range(actors):
        gk.add_node(G, f"S{i:03d}", "Actor", name=f"S{i}", kind="state")
    for o in range(orgs):
        extra = {"tie_weight": rng.choice([0.5, 2.0, 3.0])} if o % 3 == 0 else {}
        gk.add_node(G, f"O{o}", "Actor", name=f"O{o}", kind="alliance", **extra)
        size = 1 if o == 0 else rng.randint(2, 30)
        for m in rng.sample(range(actors - 3), size):  # the last 3 actors stay isolated
            gk.add_relationship(G, f"S{m:03d}", "MEMBER_OF", f"O{o}")
    gk.add_relationship(G, "S001", "MEMBER_OF", "O2", since="2020")  # repeated membership
    gk.add_relationship(G, "O1", "MEMBER_OF", "O2")  # an organisation that is a member
    gk.add_relationship(G, "O3", "COOPERATES_WITH", "S002", weight=2.0)  # alongside a membership
    gk.add_relationship(G, "S002", "MEMBER_OF", "O3")
    pairs = set()
    while len(pairs) < coop:
        a, b = rng.sample(range(actors - 3), 2)
        pairs.add((a, b))
    for a, b in sorted(pairs):
        props = {"weight": rng.choice([1.0, 2.0, 3.0])} if weighted else {}
        gk.add_relationship(G, f"S{a:03d}", "COOPERATES_WITH", f"S{b:03d}", **props)
    return G
