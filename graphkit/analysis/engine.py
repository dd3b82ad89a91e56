"""The fast path: the actor network as NumPy arrays, and the engines that compute on it.

Every analysis runs on an :class:`ActorNetwork`: the actors of the canonical graph and
the undirected, simple network that the chosen relationship types form between them
(parallel and opposite relationships merged). It is read from the
:class:`networkx.MultiDiGraph` in one pass over its adjacency, without building an
intermediate networkx graph, and handed to an engine:

- ``"igraph"`` (python-igraph, C): the fast engine. Measured on 10,000 actors / 50,000
  edges it computes exact betweenness about 60 times faster than networkx (DESIGN.md).
- ``"networkx"``: the reference implementation, pure Python; fine up to a few thousand
  actors. Tests check that both engines give the same numbers.
- ``"auto"``: igraph when it is installed, networkx otherwise.

Two networks can be read (``two_mode``):

- the **direct** network (``two_mode=False``): every relationship of the chosen types is
  a tie, a membership joining the member to its organisation;
- the **two-mode** network (``two_mode=True``, what centrality and clusters run on):
  memberships are affiliation (two-mode) data (Borgatti & Everett 1997), so a forum that
  every state joins must not become everyone's hub. An organisation ``o`` with ``n``
  members and ``tie_weight`` ``t`` (node property, default 1) ties every pair of its
  members with strength ``t / (n - 1)`` (Newman 2001: shared organisations add up, so
  two actors meet with strength ``sum over shared o of t_o / (n_o - 1)``), and stays a
  node tied to each member with the same strength ``t / (n - 1)`` (``t`` when it has one
  member). Cooperation (and any other actor-to-actor type) keeps its own strength. A
  universal forum of 193 states thus adds ``1/192`` to every pair of states: a long way
  round for betweenness and closeness, a weak tie for strength-based measures.

Weights. Without ``weight`` every relationship counts 1; with ``weight="weight"`` (or any
numeric relationship property) a relationship counts that property (``1`` where it lacks
it); a merged edge carries the *sum* over the relationships it merges, read as
**strength**. Strength-based measures (weighted degree, eigenvector, PageRank,
constraint, effective size, clusters) use it as is, and path-based measures
(betweenness, closeness) use ``distance = 1 / strength``, so that strong ties are short.
A network is *weighted* when ``weight`` is given or when it is two-mode with memberships;
an unweighted network counts hops, as networkx's defaults. In the two-mode network a
membership's own ``weight`` property is not read (its strength is its organisation's).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np

from graphkit import schema
from graphkit.analysis.incidence import ExplicitTies, Incidence, explicit_ties, incidence, ties_inside
from graphkit.analysis.paths import HUB_MIN_MEMBERS, Hubs, PathGraph, path_graph
from graphkit.defaults import DEFAULT_TYPES, ENGINES
from graphkit.errors import AnalysisError, SchemaError
from graphkit.graph import as_of_date
from graphkit.ties import (
    DEFAULT_DORMANT_AFTER,
    LIFE_CYCLE_TYPES,
    adjacency,
    instrument_weight,
    shared_inactive,
    tie_state,
)

__all__ = [
    "ENGINES",
    "DEFAULT_TYPES",
    "AnalysisError",
    "ActorNetwork",
    "actor_network",
    "resolve_engine",
    "seeded_igraph",
    "MIN_STRENGTH",
    "MAX_STRENGTH",
    "PROJECTION_FREE_PAIRS",
    "projection_arrays",
    "Rows",
    "without_ties",
]

Edges = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""``(src, dst, weight, count)`` of a network's merged ties."""

PROJECTION_FREE_PAIRS = 500_000
"""Co-member pairs (:attr:`~graphkit.analysis.incidence.Incidence.projected_ties`) from which
:func:`actor_network` does not list the two-mode network's ties: the strength measures,
the modularity and the cluster summary read the incidence, betweenness and closeness the
hubs and the :class:`~graphkit.analysis.incidence.ExplicitTies` (built from the incidence),
and the projection is built only if something asks for ``src``/``dst``/``weight``/``count``
(the networkx engine, igraph on the projection). Below it the projection is built at once,
as the igraph Louvain runs on it (:data:`graphkit.analysis.louvain.MIN_PROJECTED_TIES`)."""


@dataclass(frozen=True, eq=False)
class ActorNetwork:
    """The actor network as arrays: actor ``i`` is ``ids[i]``; edge ``e`` joins ``src[e] < dst[e]``.

    ``weight[e]`` is the merged strength (sum of the weight property, or the number of
    merged relationships when unweighted; two-mode membership strengths added) and
    ``count[e]`` the number of merged relationships (shared organisations count one
    each). Edges are sorted by ``(src, dst)``. ``weighted``: path-based measures read
    ``1 / weight`` as distance. A two-mode network keeps its direct ties in ``direct``
    (:attr:`direct_network`: cooperation, and each membership with its organisation's
    strength ``t / (n - 1)``, without the co-member ties), which degree, core and Burt's
    measures are computed on. ``members[i]``: how
    many distinct actors are ``MEMBER_OF`` actor ``i`` (0 for a non-organisation; ``None``
    when memberships are not in the network). ``incidence``: a two-mode network with
    memberships as its member-organisation incidence (:mod:`graphkit.analysis.incidence`:
    strength measures without the co-member ties), else ``None``.

    ``edges`` holds ``(src, dst, weight, count)``, or a function that builds them: a
    two-mode network of at least :data:`PROJECTION_FREE_PAIRS` co-member pairs is read
    without listing its ties (``listed`` is false until something asks for ``src``,
    ``dst``, ``weight`` or ``count``); it has ``size`` merged ties and the ties its hubs do
    not stand for in ``explicit``, which betweenness and closeness run on.
    """

    ids: list[str]
    names: list[str]
    kinds: list[str]
    regions: list[Any]
    edges: Edges | Callable[[], Edges] = field(repr=False)
    types: tuple[str, ...]
    weight_property: str | None
    index: dict[str, int] = field(repr=False)
    weighted: bool = False
    two_mode: bool = False
    direct: ActorNetwork | None = field(default=None, repr=False)
    members: np.ndarray | None = field(default=None, repr=False)
    hubs: Hubs | None = field(default=None, repr=False)
    incidence: Incidence | None = field(default=None, repr=False)
    size: int | None = None
    explicit: ExplicitTies | None = field(default=None, repr=False)
    rows: Rows | None = field(default=None, repr=False)

    @cached_property
    def _edges(self) -> Edges:
        return self.edges() if callable(self.edges) else self.edges

    @property
    def listed(self) -> bool:
        """Whether the merged ties are held as arrays (false for a large two-mode network
        until something asks for them: :data:`PROJECTION_FREE_PAIRS`)."""
        return not callable(self.edges) or "_edges" in self.__dict__

    @property
    def src(self) -> np.ndarray:
        """The lower actor of each merged tie."""
        return self._edges[0]

    @property
    def dst(self) -> np.ndarray:
        """The higher actor of each merged tie."""
        return self._edges[1]

    @property
    def weight(self) -> np.ndarray:
        """The merged strength of each tie."""
        return self._edges[2]

    @property
    def count(self) -> np.ndarray:
        """The number of relationships (and shared organisations) each tie merges."""
        return self._edges[3]

    @property
    def n(self) -> int:
        """Number of actors."""
        return len(self.ids)

    @property
    def m(self) -> int:
        """Number of (merged) edges."""
        return int(self.size) if self.size is not None else int(self.src.size)

    @property
    def direct_network(self) -> ActorNetwork:
        """The direct network of the same actors (itself unless two-mode)."""
        return self.direct if self.direct is not None else self

    def same_ties(self, other: ActorNetwork) -> bool:
        """Whether ``other`` has the same actors' ties with the same strengths (compared on
        the incidence and direct ties when both are two-mode with memberships: the
        projection is not built for it)."""
        if self is other:
            return True
        a, b = self.incidence, other.incidence
        if a is not None and b is not None:
            return a.n == b.n and all(
                np.array_equal(x, y)
                for x, y in (
                    (a.member, b.member),
                    (a.org, b.org),
                    (a.share, b.share),
                    (a.src, b.src),
                    (a.dst, b.dst),
                    (a.weight, b.weight),
                )
            )
        return (
            self.m == other.m
            and bool(np.array_equal(self.src, other.src))
            and bool(np.array_equal(self.dst, other.dst))
            and bool(np.array_equal(self.weight, other.weight))
        )

    def ties_inside(self, membership: np.ndarray) -> np.ndarray:
        """How many merged ties join two actors of each cluster of ``membership``."""
        membership = np.asarray(membership, dtype=np.int64)
        if not self.listed and self.incidence is not None and self.explicit is not None:
            return ties_inside(self.incidence, self.explicit, membership)
        same = membership[self.src] == membership[self.dst]
        clusters = int(membership.max()) + 1 if membership.size else 0
        return np.bincount(membership[self.src][same], minlength=clusters)

    @cached_property
    def degree(self) -> np.ndarray:
        """Number of distinct neighbours of each actor."""
        return np.bincount(self.src, minlength=self.n) + np.bincount(self.dst, minlength=self.n)

    @cached_property
    def strength(self) -> np.ndarray:
        """Sum of merged edge weights at each actor (``weighted_degree``; from the incidence
        while the ties are not listed)."""
        if not self.listed and self.incidence is not None:
            return self.incidence.strength
        return np.bincount(self.src, self.weight, minlength=self.n) + np.bincount(
            self.dst, self.weight, minlength=self.n
        )

    @cached_property
    def keys(self) -> np.ndarray:
        """``src * n + dst`` of every edge, sorted (for vectorised edge look-ups)."""
        return self.src.astype(np.int64) * self.n + self.dst

    def edge_index(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Index of the edge joining ``a[i]`` and ``b[i]`` (which must exist)."""
        lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b)
        return np.searchsorted(self.keys, lo * self.n + hi)

    @cached_property
    def igraph(self) -> Any:
        """The network as an undirected ``igraph.Graph`` with edge attribute ``weight`` (and
        ``distance`` once :meth:`igraph_distance` is called)."""
        ig = _import_igraph()
        # pairs of Python ints: python-igraph reads them about twice as fast as an array
        g = ig.Graph(n=self.n, edges=zip(self.src.tolist(), self.dst.tolist(), strict=True), directed=False)
        g.es["weight"] = self.weight.tolist()
        return g

    def igraph_distance(self) -> str | None:
        """The name of :attr:`igraph`'s edge attribute ``distance = 1 / weight`` (set the
        first time it is asked for: only the igraph path measures read it), or None when
        the network counts hops."""
        if not self.weighted:
            return None
        if "distance" not in self.igraph.es.attributes():
            self.igraph.es["distance"] = (1.0 / self.weight).tolist()
        return "distance"

    @cached_property
    def paths(self) -> PathGraph:
        """The graph betweenness and closeness run on (:func:`graphkit.analysis.paths.path_graph`:
        the organisations' co-member cliques drawn as hubs)."""
        return path_graph(self)

    @cached_property
    def networkx(self) -> nx.Graph:
        """The network as a ``networkx.Graph`` on integer nodes ``0..n-1`` with ``weight`` and ``distance``."""
        A = nx.Graph()
        A.add_nodes_from(range(self.n))
        A.add_edges_from(
            (int(u), int(v), {"weight": float(w), "distance": 1.0 / float(w)})
            for u, v, w in zip(self.src, self.dst, self.weight, strict=False)
        )
        return A

    def components(self) -> np.ndarray:
        """Connected-component id of every actor (of a two-mode network: those of its direct
        ties, the same, since co-members are joined through their organisation)."""
        if self.direct is not None:
            return self.direct.components()
        try:
            return np.asarray(self.igraph.connected_components().membership)
        except ImportError:
            comp = np.zeros(self.n, dtype=np.int64)
            for c, nodes in enumerate(nx.connected_components(self.networkx)):
                comp[list(nodes)] = c
            return comp


def actor_network(
    G: nx.MultiDiGraph,
    types: Iterable[str] = DEFAULT_TYPES,
    *,
    weight: str | None = None,
    two_mode: bool = False,
    instruments: Mapping[str, float] | None = None,
    dormant_after: float = DEFAULT_DORMANT_AFTER,
    as_of: Any = None,
    require_weight: bool = True,
    keyed: bool = False,
) -> ActorNetwork:
    """Read the actor network formed by ``types`` out of the canonical graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A canonical graphkit graph.
    types : iterable of str
        Relationship types between actors that form the network (direction ignored).
    weight : str, optional
        Numeric relationship property read as cooperation strength (``1`` where absent);
        ``None`` for an unweighted network.
    two_mode : bool
        Read memberships as two-mode data (module docstring): co-members tied through
        ``sum t_o / (n_o - 1)``, each organisation tied to its members with
        ``t_o / (n_o - 1)``. ``False`` (default): the direct network, a membership
        being one tie between member and organisation.
    instruments : mapping, optional
        Two-mode only: a ``COOPERATES_WITH`` tie's strength is multiplied by its instrument's
        weight (:func:`graphkit.ties.instrument_weight`; ``None``: the default table
        :data:`graphkit.ties.INSTRUMENT_WEIGHTS`; a tie without a known instrument: 1).
    dormant_after : float
        Only active ``MEMBER_OF``/``COOPERATES_WITH`` ties count (:func:`graphkit.ties.tie_state`
        on the day ``as_of``, else the day the graph was cut to, ``graph["as_of"]``; without
        one, only paused ties are left out): dormant after this many years without evidence
        (0 keeps every tie).
    require_weight : bool
        Raise when ``weight`` is given and no tie carries it (default); the stability runs,
        which may leave every weighted tie out, read the missing weight as 1 instead.
    keyed : bool
        Keep the relationships read, with their keys, in ``rows`` (:class:`Rows`), so that
        :func:`without_ties` derives the network of a run that leaves some out (the
        stability runs) without reading the graph again.

    Raises
    ------
    SchemaError
        When a type is unknown or not a relationship between actors, or a weight (or an
        organisation's ``tie_weight``) is not a positive finite number.

    Examples
    --------
    >>> from graphkit.analysis.engine import actor_network
    >>> net = actor_network(gk.load(gk.SAMPLE))
    >>> net.n, net.m
    (14, 18)

    In the two-mode network of the sample, NATO has 6 members and Five Eyes 3, so the
    United States is tied to NATO with 1/5, and to the United Kingdom with 1/5 (NATO) +
    1/2 (Five Eyes) + 0.3 (their joint statement on cyber cooperation, weighed by its
    instrument: :data:`graphkit.ties.INSTRUMENT_WEIGHTS`):

    >>> tm = actor_network(gk.load(gk.SAMPLE), two_mode=True)
    >>> e = tm.edge_index(np.array([tm.index["USA"], tm.index["USA"]]), np.array([tm.index["NATO"], tm.index["GBR"]]))
    >>> tm.weight[e].tolist(), tm.direct_network.m
    ([0.2, 1.0], 18)
    """
    types = tuple(dict.fromkeys([types] if isinstance(types, str) else types))
    check_types(types)
    wanted = set(types)
    ids, names, kinds, regions = [], [], [], []
    for n, d in G.nodes(data=True):
        if d.get("label") == schema.ACTOR:
            ids.append(n)
            names.append(str(d.get("name", n)))
            kinds.append(d.get("kind"))
            regions.append(d.get("region"))
    index = {a: i for i, a in enumerate(ids)}
    us: list[int] = []
    vs: list[int] = []
    ws: list[float] = []
    member: list[bool] = []
    factor: list[float] = []  # the instrument weight of each cooperation tie (1 for the others)
    keys: list[tuple[Any, Any, Any]] = []
    seen_weight = False
    day = as_of_date(as_of if as_of is not None else G.graph.get("as_of"))
    inactive = shared_inactive(G, day, dormant_after)  # judged once for the analysis, if it shares
    for u, nbrs in adjacency(G).items():
        iu = index.get(u)
        if iu is None:
            continue
        for v, edges in nbrs.items():
            iv = index.get(v)
            if iv is None or iv == iu:
                continue
            for k, d in edges.items():
                t = d.get("type")
                if t not in wanted:
                    continue
                judged = t in LIFE_CYCLE_TYPES and (day is not None or "status" in d)
                if judged and (
                    (u, v, k) in inactive
                    if inactive is not None
                    else tie_state(d, day, dormant_after) != "active"
                ):  # dormant, paused: not a tie today
                    seen_weight = seen_weight or (weight is not None and d.get(weight) is not None)
                    continue
                us.append(iu)
                vs.append(iv)
                if keyed:
                    keys.append((u, v, k))
                member.append(t == "MEMBER_OF")
                factor.append(instrument_weight(d, instruments) if t == "COOPERATES_WITH" else 1.0)
                if weight is not None:
                    w = d.get(weight)
                    if w is None:
                        ws.append(1.0)
                    else:
                        seen_weight = True
                        ws.append(_strength(w, u, v, t, weight))
    if weight is not None and us and not seen_weight and require_weight:
        raise SchemaError(
            f"no {'/'.join(types)} relationship has the property {weight!r}; "
            "name a numeric relationship property with --weight (e.g. weight) or leave it out"
        )
    rows = Rows(
        G=G,
        ids=ids,
        names=names,
        kinds=kinds,
        regions=regions,
        index=index,
        types=types,
        weight=weight,
        u=np.asarray(us, dtype=np.int64),
        v=np.asarray(vs, dtype=np.int64),
        w=np.asarray(ws, dtype=float) if weight is not None else np.ones(len(us)),
        member=np.asarray(member, dtype=bool),
        factor=np.asarray(factor, dtype=float),
        keys=keys if keyed else None,
    )
    return _assemble(rows, None, rows.factor, two_mode=two_mode)


@dataclass(frozen=True, eq=False)
class Rows:
    """The relationships an actor network was read from, one row each: ``u[r] -> v[r]``
    (actor positions), its strength ``w[r]`` (1 without a weight property), whether it is a
    membership, its instrument weight ``factor[r]`` (1 but for cooperation), and, when read
    with ``keyed``, its key ``(u, v, k)`` in ``G``."""

    G: nx.MultiDiGraph = field(repr=False)
    ids: list[str]
    names: list[str]
    kinds: list[str]
    regions: list[Any]
    index: dict[str, int]
    types: tuple[str, ...]
    weight: str | None
    u: np.ndarray
    v: np.ndarray
    w: np.ndarray
    member: np.ndarray
    factor: np.ndarray
    keys: list[tuple[Any, Any, Any]] | None = None


def without_ties(
    net: ActorNetwork,
    drop: set[tuple[Any, Any, Any]] | frozenset[tuple[Any, Any, Any]],
    *,
    instruments: Mapping[str, float] | None | str = "same",
) -> ActorNetwork:
    """The network ``net`` (read with ``keyed``) without the relationships whose keys are in
    ``drop``, and with the instrument table ``instruments`` (``"same"``: as read): what
    :func:`actor_network` reads from the graph without them, from the rows already read."""
    rows = net.rows
    if rows is None or rows.keys is None:
        raise AnalysisError("without_ties needs a network read with keyed=True")
    keep = np.fromiter((k not in drop for k in rows.keys), dtype=bool, count=len(rows.keys))
    factor = rows.factor
    if not isinstance(instruments, str):
        coop = np.flatnonzero(keep & ~rows.member)
        factor = factor.copy()
        adj = rows.G.adj
        for r in coop.tolist():
            u, v, k = rows.keys[r]
            d = adj[u][v][k]
            if d.get("type") == "COOPERATES_WITH":
                factor[r] = instrument_weight(d, instruments)
    return _assemble(rows, keep, factor, two_mode=net.two_mode)


def _assemble(
    rows: Rows, keep_rows: np.ndarray | None, strengths: np.ndarray, *, two_mode: bool
) -> ActorNetwork:
    """The :class:`ActorNetwork` of the rows ``keep_rows`` (None: all) of ``rows``, cooperation
    weighed by ``strengths`` (two-mode only)."""
    G, ids, names, kinds, regions = rows.G, rows.ids, rows.names, rows.kinds, rows.regions
    index, types, weight = rows.index, rows.types, rows.weight
    wanted = set(types)
    u_arr, v_arr, w_arr, is_member = rows.u, rows.v, rows.w, rows.member
    if keep_rows is not None:
        u_arr, v_arr, w_arr = u_arr[keep_rows], v_arr[keep_rows], w_arr[keep_rows]
        is_member, strengths = is_member[keep_rows], strengths[keep_rows]
    members = None
    if "MEMBER_OF" in wanted:
        pairs = _unique(v_arr[is_member] * max(len(ids), 1) + u_arr[is_member])
        members = np.bincount(pairs // max(len(ids), 1), minlength=len(ids)).astype(np.int64)
    common: dict[str, Any] = dict(
        ids=ids,
        names=names,
        kinds=kinds,
        regions=regions,
        types=types,
        weight_property=weight,
        index=index,
        members=members,
        rows=rows if rows.keys is not None else None,
    )
    direct = _merged(
        u_arr,
        v_arr,
        w_arr,
        np.ones(u_arr.size, dtype=np.int64),
        len(ids),
        weighted=weight is not None,
        **common,
    )
    if not two_mode:
        return direct
    keep = ~is_member
    w_arr = w_arr * strengths  # cooperation weighed by instrument (two-mode only)
    by_instrument = bool((strengths != 1.0).any())
    inc = None
    if is_member.any():  # the direct ties, each membership weighted as its organisation's ties
        mu, mo, ms = _membership_rows(G, ids, u_arr[is_member], v_arr[is_member])
        direct = _merged(
            np.concatenate([u_arr[keep], mu]),
            np.concatenate([v_arr[keep], mo]),
            np.concatenate([w_arr[keep], ms]),
            np.ones(int(keep.sum()) + mu.size, dtype=np.int64),
            len(ids),
            weighted=True,
            **common,
        )
        inc = incidence(len(ids), mu, mo, ms, u_arr[keep], v_arr[keep], w_arr[keep])
    coop = (u_arr[keep], v_arr[keep], w_arr[keep])
    fields: dict[str, Any] = dict(
        weighted=weight is not None or bool(is_member.any()) or by_instrument,
        two_mode=True,
        direct=direct,
        incidence=inc,
        **common,
    )
    if inc is not None and inc.projected_ties >= PROJECTION_FREE_PAIRS:
        # never listing the co-member pairs: hubs and explicit ties from the incidence
        ties = explicit_ties(inc, HUB_MIN_MEMBERS)
        return ActorNetwork(
            edges=functools.partial(projection_arrays, inc, coop),
            size=ties.m,
            hubs=_incidence_hubs(inc),
            explicit=ties,
            **fields,
        )
    pu, pv, pw, pc, pair, row_org = _affiliation_rows(inc)
    rows_u, rows_v = np.concatenate([coop[0], pu]), np.concatenate([coop[1], pv])
    merge = _merge_index(rows_u, rows_v, len(ids))
    net = _merged(
        rows_u,
        rows_v,
        np.concatenate([coop[2], pw]),
        np.concatenate([np.ones(coop[0].size, dtype=np.int64), pc]),
        len(ids),
        merge=merge,
        **fields,
    )
    edge_of_row = merge[1][coop[0].size :]  # the network edge of each affiliation tie
    return dataclasses.replace(net, hubs=_hubs(net, pu, pw, pair, row_org, edge_of_row))


def projection_arrays(
    inc: Incidence, coop: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The explicit projection ``(src, dst, weight, count)`` of a two-mode network built
    without it (only when a caller asks for its ties: the networkx engine, igraph on the
    projection), as :func:`actor_network` builds it for a smaller network."""
    pu, pv, pw, pc, _, _ = _affiliation_rows(inc)
    rows_u, rows_v = np.concatenate([coop[0], pu]), np.concatenate([coop[1], pv])
    n = inc.n
    keys, inverse = _merge_index(rows_u, rows_v, n)
    weight = np.bincount(inverse, np.concatenate([coop[2], pw]), minlength=keys.size)
    count = np.bincount(
        inverse, np.concatenate([np.ones(coop[0].size, dtype=np.int64), pc]), minlength=keys.size
    )
    return (
        (keys // max(n, 1)).astype(np.int64),
        (keys % max(n, 1)).astype(np.int64),
        weight.astype(float),
        np.rint(count).astype(np.int64),
    )


def _incidence_hubs(inc: Incidence) -> Hubs:
    """The hubs (:func:`_hubs`) read off the incidence: organisations of at least
    :data:`HUB_MIN_MEMBERS` members, their members in order, half their co-member distance
    (``replaced`` is left to :class:`~graphkit.analysis.incidence.ExplicitTies`)."""
    rows = inc.size[inc.org] >= HUB_MIN_MEMBERS
    org_rows, members = inc.org[rows], inc.member[rows]
    starts = np.flatnonzero(np.r_[True, org_rows[1:] != org_rows[:-1]]) if org_rows.size else np.zeros(0, int)
    orgs = org_rows[starts].astype(np.int64)
    return Hubs(
        org=orgs,
        ptr=np.r_[starts, org_rows.size].astype(np.int64),
        members=members.astype(np.int64),
        half=0.5 / inc.share[orgs] if orgs.size else np.zeros(0),
        replaced=None,
    )


def _hubs(
    net: ActorNetwork,
    u: np.ndarray,
    w: np.ndarray,
    pair: np.ndarray,
    row_org: np.ndarray,
    edge_of_row: np.ndarray,
) -> Hubs:
    """The organisations of at least :data:`HUB_MIN_MEMBERS` members, with their members
    (from the member-organisation rows) and the network edges their hubs stand for: the
    edges made of one co-member tie of such an organisation and nothing else."""
    tie = ~pair
    size = np.bincount(row_org[tie], minlength=net.n)
    in_hub = size[row_org] >= HUB_MIN_MEMBERS
    big = tie & in_hub
    order = np.argsort(row_org[big], kind="stable")
    org_rows, members, share = row_org[big][order], u[big][order], w[big][order]
    starts = np.flatnonzero(np.r_[True, org_rows[1:] != org_rows[:-1]]) if org_rows.size else np.zeros(0, int)
    hubbed = np.bincount(edge_of_row[pair & in_hub], minlength=net.m)
    return Hubs(
        org=org_rows[starts].astype(np.int64),
        ptr=np.r_[starts, org_rows.size].astype(np.int64),
        members=members.astype(np.int64),
        half=0.5 / share[starts] if share.size else np.zeros(0),
        replaced=(net.count == 1) & (hubbed == 1),
    )


def _merged(
    u: np.ndarray,
    v: np.ndarray,
    w: np.ndarray,
    c: np.ndarray,
    n: int,
    *,
    merge: tuple[np.ndarray, np.ndarray] | None = None,
    **fields: Any,
) -> ActorNetwork:
    """An :class:`ActorNetwork` whose edge ``(min, max)`` sums the weights and counts of its
    rows (``merge``: :func:`_merge_index` of the rows, when the caller has it already)."""
    keys, inverse = merge if merge is not None else _merge_index(u, v, n)
    merged_w = np.bincount(inverse, w, minlength=keys.size) if keys.size else np.zeros(0)
    count = np.bincount(inverse, c, minlength=keys.size) if keys.size else np.zeros(0)
    return ActorNetwork(
        edges=(
            (keys // max(n, 1)).astype(np.int64),
            (keys % max(n, 1)).astype(np.int64),
            merged_w.astype(float),
            np.rint(count).astype(np.int64),
        ),
        **fields,
    )


def _merge_index(u: np.ndarray, v: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The sorted keys ``min * n + max`` of the rows' edges, and each row's edge among them
    (by sorting: numpy 2's hash-based ``unique`` is several times slower on millions of keys)."""
    flat = np.minimum(u, v) * max(n, 1) + np.maximum(u, v)
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if ordered.size else np.zeros(0, dtype=bool)
    inverse = np.empty(flat.size, dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _membership_rows(
    G: nx.MultiDiGraph, ids: list[str], members: np.ndarray, orgs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct memberships ``members[r] -MEMBER_OF-> orgs[r]`` as rows ``(member, org,
    share)`` sorted by organisation, then member: repeated memberships of a pair (e.g. two
    periods) count once; ``share`` is the organisation's ``t_o / (n_o - 1)`` (``t_o`` when
    ``n_o = 1``), ``t_o`` its ``tie_weight`` (checked)."""
    n = len(ids)
    pairs = _unique(orgs.astype(np.int64) * n + members)
    org_of, mem_of = pairs // n, pairs % n
    starts = np.flatnonzero(np.r_[True, org_of[1:] != org_of[:-1]])
    sizes = np.diff(np.r_[starts, org_of.size])
    share = np.empty(starts.size)
    for h, (a, k) in enumerate(zip(starts.tolist(), sizes.tolist(), strict=True)):
        o = int(org_of[a])
        t = _tie_weight(G.nodes[ids[o]].get("tie_weight"), ids[o])
        share[h] = t / (k - 1) if k > 1 else t
    return mem_of.astype(np.int64), org_of.astype(np.int64), np.repeat(share, sizes)


def _affiliation_rows(
    inc: Incidence | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The two-mode ties of the memberships of ``inc``: ``(u, v, strength, count, pair,
    org)``, ``pair`` true for a tie between two members (false: member-organisation, ``u``
    the member), ``org`` the organisation of each tie. Per organisation, its member rows
    then its pairs: every pair of members of ``o`` gets ``c_o``, and every member a tie of
    that strength to ``o``."""
    empty = np.zeros(0, dtype=np.int64)
    if inc is None or inc.member.size == 0:
        return empty, empty, np.zeros(0), empty, np.zeros(0, dtype=bool), empty
    org_of, mem_of = inc.org, inc.member
    starts = np.flatnonzero(np.r_[True, org_of[1:] != org_of[:-1]])
    ends = np.r_[starts[1:], org_of.size]
    sizes = ends - starts
    rows = sizes + sizes * (sizes - 1) // 2  # per organisation: its members, then its pairs
    total = int(rows.sum())
    # filled in place (no per-organisation lists to concatenate: half the peak memory)
    u = np.empty(total, dtype=np.int64)
    v = np.empty(total, dtype=np.int64)
    w = np.empty(total)
    pair = np.ones(total, dtype=bool)
    org_rows = np.empty(total, dtype=np.int64)
    at = 0
    for a, b, r in zip(starts.tolist(), ends.tolist(), rows.tolist(), strict=True):
        o = int(org_of[a])
        group = mem_of[a:b]
        size = group.size
        u[at : at + size] = group
        v[at : at + size] = o
        pair[at : at + size] = False
        if size > 1:
            i, j = np.triu_indices(size, 1)
            u[at + size : at + r] = group[i]
            v[at + size : at + r] = group[j]
        w[at : at + r] = inc.share[o]
        org_rows[at : at + r] = o
        at += r
    return u, v, w, np.ones(total, dtype=np.int64), pair, org_rows


def _unique(x: np.ndarray) -> np.ndarray:
    """``np.unique(x)`` by sorting (numpy 2's hash-based unique is several times slower on
    millions of keys)."""
    x = np.sort(x)
    return x[np.r_[True, x[1:] != x[:-1]]] if x.size else x


def check_types(types: Iterable[str]) -> tuple[str, ...]:
    """The relationship types, checked to be known types between two actors."""
    types = tuple(types)
    if not types:
        raise SchemaError("no relationship types given; use e.g. MEMBER_OF COOPERATES_WITH")
    for t in types:
        rel = schema.RELATIONSHIP_TYPES.get(t)
        if rel is None:
            raise SchemaError(
                f"unknown relationship type {t!r}; expected one of {', '.join(schema.RELATIONSHIP_TYPES)}"
            )
        if rel.sources != (schema.ACTOR,) or rel.targets != (schema.ACTOR,):
            raise SchemaError(
                f"{t} does not join two actors and cannot form the actor network; "
                "use MEMBER_OF and/or COOPERATES_WITH"
            )
    return types


def resolve_engine(engine: str) -> str:
    """``"igraph"`` or ``"networkx"`` for an engine name (``"auto"`` picks igraph when installed)."""
    if engine not in ENGINES:
        raise AnalysisError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if engine == "networkx":
        return engine
    try:
        _import_igraph()
    except ImportError:
        if engine == "igraph":
            raise AnalysisError("the igraph engine needs python-igraph: pip install igraph") from None
        return "networkx"
    return "igraph"


@contextmanager
def seeded_igraph(seed: int | None) -> Iterator[None]:
    """Run igraph's randomised algorithms on a private ``random.Random(seed)``, then restore."""
    ig = _import_igraph()
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


#: The range a cooperation strength (or tie_weight) must lie in: its inverse (a distance),
#: sums of many of them and PageRank's normalisation stay finite and exact enough. A
#: subnormal 5e-324 has no finite inverse and left the PageRank column empty.
MIN_STRENGTH = 1e-300
MAX_STRENGTH = 1e300


def _strength(w: Any, u: str, v: str, type_: str | None, prop: str) -> float:
    if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w <= 0:
        raise SchemaError(
            f"relationship {u!r} -{type_}-> {v!r}: {prop} = {w!r} cannot be a cooperation strength; "
            "it must be a positive number (fix the value or analyse without --weight)"
        )
    if not MIN_STRENGTH <= w <= MAX_STRENGTH:
        raise SchemaError(
            f"relationship {u!r} -{type_}-> {v!r}: {prop} = {w!r} is too {'small' if w < 1 else 'large'} "
            f"to compute with; a cooperation strength must lie between {MIN_STRENGTH:g} and {MAX_STRENGTH:g} "
            "(rescale the values, or analyse without --weight)"
        )
    return float(w)


def _tie_weight(t: Any, org: str) -> float:
    if t is None:
        return 1.0
    if (
        isinstance(t, bool)
        or not isinstance(t, int | float)
        or not math.isfinite(t)
        or not MIN_STRENGTH <= t <= MAX_STRENGTH
    ):
        raise SchemaError(
            f"actor {org!r}: tie_weight = {t!r} cannot weigh its members' ties; "
            f"it must be a positive number between {MIN_STRENGTH:g} and {MAX_STRENGTH:g} "
            "(fix it in actors.csv or leave it empty for 1)"
        )
    return float(t)


def _import_igraph() -> Any:
    """python-igraph, imported without its matplotlib drawing (which graphkit never uses):
    igraph imports ``matplotlib.pyplot`` whenever matplotlib is installed, 0.4 s of every
    command's start-up. When matplotlib is not loaded yet, igraph is told it is missing
    (its drawing then raises if called); graphkit's own figures import matplotlib later as
    usual."""
    import sys

    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        import igraph

        return igraph
    sys.modules["matplotlib"] = None  # type: ignore[assignment]  # "import matplotlib" fails
    try:
        import igraph
    finally:
        del sys.modules["matplotlib"]
    return igraph
