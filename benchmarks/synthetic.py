"""Synthetic stakeholder networks: alliance blocks, cooperation, capabilities and threats, at any size.

The graph is a canonical graphkit graph (it passes :func:`graphkit.validate`), built
directly with networkx's bulk calls so that a million relationships take seconds, not
minutes. Everything is drawn from one seeded NumPy generator: the same arguments give
the same graph.

Shape (the parts an analysis cares about):

- ``alliances`` organisations (kinds ``alliance`` and ``international_org``); every
  other actor (kinds ``state``, ``company``, ``cert``, ``ngo``) belongs to one home
  alliance (``MEMBER_OF``) and, with probability ``second_membership``, to a second one;
- each non-organisation actor starts ``coop_edges_per_actor`` ``COOPERATES_WITH``
  relationships (``weight`` 1, 2 or 3), a share ``within_block`` of them to a member of
  its home alliance and the rest to anyone — so blocks show up as clusters;
- ``capabilities`` capabilities; each actor holds a few (``HAS_CAPABILITY`` with a
  ``level`` in [0, 1));
- ``threats`` threats, each targeting ``targets_per_threat`` actors, mostly inside one
  alliance block, attributed to one actor and requiring 1–4 capabilities.

Examples
--------
>>> from benchmarks.synthetic import synthetic_graph
>>> G = synthetic_graph(200, seed=1)
>>> import graphkit as gk
>>> gk.validate(G)
[]
>>> gk.summary(G)["nodes"]["Actor"]
200
"""

from __future__ import annotations

import networkx as nx
import numpy as np

__all__ = ["synthetic_graph", "SIZES"]

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
"""The benchmark sizes (actors)."""

_MEMBER_KINDS = ("state", "company", "cert", "ngo")
_MEMBER_KIND_P = (0.6, 0.2, 0.15, 0.05)
_REGIONS = ("Europe", "Americas", "Asia", "Africa", "Oceania")


def synthetic_graph(
    n_actors: int,
    *,
    seed: int = 0,
    coop_edges_per_actor: int = 5,
    alliances: int | None = None,
    second_membership: float = 0.3,
    within_block: float = 0.8,
    capabilities: int = 20,
    capabilities_per_actor: float = 2.0,
    threats: int | None = None,
    targets_per_threat: int = 20,
) -> nx.MultiDiGraph:
    """A synthetic stakeholder network with ``n_actors`` actors.

    Parameters
    ----------
    n_actors : int
        Number of actors, organisations included (at least 10).
    seed : int
        Seed of the NumPy generator; equal arguments give equal graphs.
    coop_edges_per_actor : int
        ``COOPERATES_WITH`` relationships started by each non-organisation actor; the
        graph has about ``n_actors * coop_edges_per_actor`` of them.
    alliances : int, optional
        Number of organisations; default ``max(3, n_actors // 200)``.
    second_membership : float
        Probability that an actor also belongs to a second organisation.
    within_block : float
        Share of cooperation that stays inside the actor's home organisation.
    capabilities : int
        Number of capabilities.
    capabilities_per_actor : float
        Mean number of capabilities an actor holds (Poisson).
    threats : int, optional
        Number of threats; default ``max(5, n_actors // 100)``.
    targets_per_threat : int
        Actors each threat targets.

    Returns
    -------
    networkx.MultiDiGraph
        A canonical graphkit graph.
    """
    if n_actors < 10:
        raise ValueError("n_actors must be at least 10")
    rng = np.random.default_rng(seed)
    n_org = alliances if alliances is not None else max(3, n_actors // 200)
    n_org = min(n_org, n_actors // 2)
    n_thr = threats if threats is not None else max(5, n_actors // 100)
    width = len(str(n_actors))

    org_ids = [f"AL{i:0{width}d}" for i in range(n_org)]
    member_ids = [f"A{i:0{width}d}" for i in range(n_actors - n_org)]
    actor_ids = org_ids + member_ids
    cap_ids = [f"cap:c{i:03d}" for i in range(capabilities)]
    thr_ids = [f"threat:t{i:0{width}d}" for i in range(n_thr)]
    n_mem = len(member_ids)

    G = nx.MultiDiGraph(name=f"synthetic-{n_actors}")
    org_region = rng.integers(0, len(_REGIONS), n_org)
    G.add_nodes_from(
        (a, {"label": "Actor", "name": f"Alliance {i}", "kind": "alliance" if i % 3 else "international_org",
             "region": _REGIONS[org_region[i]]})
        for i, a in enumerate(org_ids)
    )
    kinds = rng.choice(len(_MEMBER_KINDS), n_mem, p=_MEMBER_KIND_P)
    home = rng.integers(0, n_org, n_mem)
    G.add_nodes_from(
        (a, {"label": "Actor", "name": f"Actor {i}", "kind": _MEMBER_KINDS[kinds[i]],
             "region": _REGIONS[org_region[home[i]]]})
        for i, a in enumerate(member_ids)
    )
    G.add_nodes_from((c, {"label": "Capability", "name": f"Capability {i}"}) for i, c in enumerate(cap_ids))
    G.add_nodes_from((t, {"label": "Threat", "name": f"Threat {i}"}) for i, t in enumerate(thr_ids))

    # Memberships: a home organisation, sometimes a second one.
    G.add_edges_from(
        (member_ids[i], org_ids[home[i]], {"type": "MEMBER_OF", "since": 2000 + int(y)})
        for i, y in enumerate(rng.integers(0, 25, n_mem))
    )
    second = np.flatnonzero(rng.random(n_mem) < second_membership)
    other = (home[second] + rng.integers(1, max(2, n_org), second.size)) % n_org
    keep = other != home[second]
    G.add_edges_from(
        (member_ids[i], org_ids[o], {"type": "MEMBER_OF"}) for i, o in zip(second[keep], other[keep], strict=False)
    )

    # Cooperation: mostly inside the home block.
    order = np.argsort(home, kind="stable")
    starts = np.searchsorted(home[order], np.arange(n_org))
    sizes = np.bincount(home, minlength=n_org)
    src = np.repeat(np.arange(n_mem), coop_edges_per_actor)
    inside = rng.random(src.size) < within_block
    dst = rng.integers(0, n_mem, src.size)
    blk = home[src[inside]]
    pick = (rng.random(blk.size) * sizes[blk]).astype(np.int64)
    dst[inside] = order[starts[blk] + pick]
    clash = dst == src
    dst[clash] = (dst[clash] + 1) % n_mem
    w = rng.integers(1, 4, src.size).astype(float)
    # an exact duplicate (same ends, same weight) would be refused by the loader: keep one
    _, first = np.unique(np.column_stack([src, dst, w]), axis=0, return_index=True)
    first.sort()
    src, dst, w = src[first], dst[first], w[first]
    G.add_edges_from(
        (member_ids[s], member_ids[d], {"type": "COOPERATES_WITH", "weight": float(x)})
        for s, d, x in zip(src.tolist(), dst.tolist(), w.tolist(), strict=False)
    )

    # Capabilities held.
    per_actor = rng.poisson(capabilities_per_actor, n_actors)
    holder = np.repeat(np.arange(n_actors), per_actor)
    held = rng.integers(0, capabilities, holder.size)
    pairs = np.unique(holder * capabilities + held)
    levels = np.round(rng.random(pairs.size), 2)
    G.add_edges_from(
        (actor_ids[p // capabilities], cap_ids[p % capabilities], {"type": "HAS_CAPABILITY", "level": float(lv)})
        for p, lv in zip(pairs.tolist(), levels.tolist(), strict=False)
    )

    # Threats: targets mostly inside one block, one sponsor, 1-4 required capabilities.
    k = min(targets_per_threat, n_mem)
    for t in range(n_thr):
        blk_t = int(rng.integers(0, n_org))
        members = order[starts[blk_t]: starts[blk_t] + sizes[blk_t]]
        n_in = min(len(members), int(k * 0.7))
        chosen = set(rng.choice(members, n_in, replace=False).tolist()) if n_in else set()
        chosen.update(rng.integers(0, n_mem, k - n_in).tolist())
        tid = thr_ids[t]
        G.add_edges_from((tid, member_ids[a], {"type": "TARGETS"}) for a in sorted(chosen))
        if rng.random() < 0.3:
            G.add_edge(tid, org_ids[blk_t], type="TARGETS")
        G.add_edge(tid, member_ids[int(rng.integers(0, n_mem))], type="ATTRIBUTED_TO",
                   confidence=float(np.round(rng.random(), 2)))
        for c in rng.choice(capabilities, int(rng.integers(1, 5)), replace=False).tolist():
            G.add_edge(tid, cap_ids[c], type="REQUIRES", weight=float(rng.integers(1, 3)))
    return G
