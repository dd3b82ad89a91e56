"""The GDS engine: centrality measures and clusters computed in Neo4j Graph Data Science.

:func:`gds_analysis` is handed a *store* — any object with the query-running interface of
:class:`graphkit.stores.neo4j.Neo4jStore` (``run(query) -> DataFrame``, ``driver``,
``database``, ``uri``); this module never opens a connection itself and imports nothing
from :mod:`graphkit.stores`. It projects the actor network (actors; ``MEMBER_OF`` and
``COOPERATES_WITH`` by default, direction ignored, parallel and opposite relationships
merged into one tie whose ``weight`` is their summed strength — as
:func:`graphkit.actor_graph` builds it locally, and ``distance = 1 / weight``), runs there
every measure of :data:`graphkit.analysis.measures.MEASURES` that names a GDS procedure
(PageRank, betweenness) and the cluster method asked for, and returns tables shaped like the
local engine's:

- ``centrality``: ``id, name, kind`` and the GDS measures — betweenness normalised as
  networkx (``2 / ((n-1)(n-2))`` applied to GDS's undirected scores, which count each pair
  of endpoints once), PageRank (damping 0.85) scaled to sum to 1;
- ``clusters``: ``id, name, kind, region, cluster, cluster_name`` — clusters numbered 0, 1 ...
  by decreasing size, named after their member with the highest weighted degree.

Options are honoured as the local engine honours them, or refused with an
:class:`~graphkit.errors.AnalysisError` (never silently replaced): ``louvain``,
``leiden`` (``gamma`` = resolution) and ``label_propagation`` run as ``gds.louvain``,
``gds.leiden`` and ``gds.labelPropagation`` with ``randomSeed`` from ``seed``; ``restarts``
seeded runs keep the best modularity (Leiden runs once, as locally); a resolution other
than 1 is refused for Louvain and label propagation, which GDS runs at resolution 1;
``--weight`` weights PageRank and clusters by strength and betweenness by distance; above
``exact_threshold`` actors betweenness samples ``samples`` sources (``samplingSeed`` = seed).

The ``graphdatascience`` client is an optional dependency (``pip install graphkit[gds]``).
A server without GDS (FalkorDB, Neo4j without the plugin) gives a :class:`StoreError`
saying so. Every client call goes through the object :func:`gds_client` returns, so tests
can pass a test double as ``gds=``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any, Protocol

import pandas as pd

from graphkit import schema
from graphkit.analysis.measures import MEASURES
from graphkit.analysis.options import AnalysisOptions
from graphkit.defaults import (
    CLUSTER_METHODS,
    DEFAULT_SEED,
    DEFAULT_TYPES,
    EXACT_THRESHOLD,
    RESTARTS,
    SAMPLES,
)
from graphkit.errors import AnalysisError, QueryError, StoreError

__all__ = [
    "QueryRunner",
    "GDS_CLUSTER_PROCEDURES",
    "gds_version",
    "gds_client",
    "gds_analysis",
    "analyze_with_gds",
    "PROJECTION_QUERY",
]


class QueryRunner(Protocol):
    """What the GDS engine needs from a store (:class:`graphkit.stores.neo4j.Neo4jStore` has it)."""

    uri: str
    driver: Any
    database: str | None

    def run(self, query: str, parameters: dict[str, Any] | None = None) -> pd.DataFrame: ...


GDS_CLUSTER_PROCEDURES: dict[str, str] = {
    "louvain": "louvain",
    "leiden": "leiden",
    "label_propagation": "labelPropagation",
}
"""The GDS algorithm (``gds.<name>.stream``) that runs each cluster method."""

# One row per pair of actors tied by any of $types (a.id < b.id merges both directions),
# and one row with b = null per actor, so isolated actors are projected too.
PROJECTION_QUERY = """
MATCH (a:Actor)
OPTIONAL MATCH (a)-[r]-(b:Actor)
WHERE type(r) IN $types AND a.id < b.id
WITH a, b, count(r) AS ties, sum(coalesce(toFloat(r[$weight]), 1.0)) AS strength
WITH a, b, CASE WHEN $weighted THEN strength ELSE toFloat(ties) END AS w
WITH gds.graph.project(
  $name, a, b,
  {relationshipProperties: CASE WHEN b IS NULL THEN null ELSE {weight: w, distance: 1.0 / w} END},
  {undirectedRelationshipTypes: ['*']}
) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS relationships
"""


def gds_version(store: QueryRunner) -> str:
    """The GDS library version the server reports.

    Raises
    ------
    StoreError
        When ``gds.version()`` does not answer: the server has no Graph Data Science.
    """
    try:
        df = store.run("RETURN gds.version() AS version")
    except QueryError as exc:
        raise StoreError(
            f"{store.uri}: this server has no Neo4j Graph Data Science library "
            f"(gds.version() did not answer: {exc}) "
            "(fix: install the GDS plugin in Neo4j, or analyse locally without --engine gds)"
        ) from None
    return str(df.loc[0, "version"])


def gds_client(store: QueryRunner) -> Any:
    """A ``graphdatascience.GraphDataScience`` client on the store's driver (GDS checked first)."""
    gds_version(store)
    try:
        from graphdatascience import GraphDataScience
    except ImportError:
        raise StoreError(
            "--engine gds needs the graphdatascience client (fix: pip install 'graphkit[gds]')"
        ) from None
    return GraphDataScience(store.driver, database=store.database, arrow=False)


def check_gds_options(*, method: str = "louvain", resolution: float = 1.0, restarts: int = RESTARTS) -> None:
    """Refuse, with the reason, an option the GDS engine cannot honour."""
    if method not in GDS_CLUSTER_PROCEDURES:
        raise AnalysisError(
            f"unknown cluster method {method!r}; expected one of {', '.join(CLUSTER_METHODS)}"
        )
    if resolution != 1.0 and method != "leiden":
        raise AnalysisError(
            f"--engine gds runs {method} at resolution 1 only (GDS has no resolution for it); "
            f"use --clusters leiden for resolution {resolution:g}, or analyse locally without --engine gds"
        )
    if not resolution > 0:
        raise AnalysisError(f"resolution must be positive, not {resolution!r}")
    if isinstance(restarts, bool) or not isinstance(restarts, int) or restarts < 1:
        raise AnalysisError(f"restarts must be a positive integer, not {restarts!r}")


def gds_analysis(
    store: QueryRunner,
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    weight: str | None = None,
    method: str = "louvain",
    resolution: float = 1.0,
    seed: int | None = DEFAULT_SEED,
    restarts: int = 1,
    exact_threshold: int = EXACT_THRESHOLD,
    samples: int = SAMPLES,
    gds: Any = None,
    net: Any = None,
) -> dict[str, pd.DataFrame]:
    """The GDS measures and clusters of the store's actor network: ``{"centrality": df, "clusters": df}``.

    ``restarts`` seeded runs of Louvain or label propagation keep the one of best modularity,
    scored on ``net`` (the :class:`~graphkit.analysis.engine.ActorNetwork` of the same graph,
    needed when ``restarts > 1``).
    """
    types = tuple(types)
    unknown = [t for t in types if t not in schema.RELATIONSHIP_TYPES]
    if unknown:
        raise QueryError(f"unknown relationship type(s): {', '.join(unknown)}")
    if weight is not None and not schema.is_identifier(weight):
        raise QueryError(f"weight {weight!r} is not a property name")
    check_gds_options(method=method, resolution=resolution, restarts=restarts)
    client = gds if gds is not None else gds_client(store)
    name = "graphkit_actor_network"
    _drop_if_exists(client, name)
    projected, result = client.graph.cypher.project(
        PROJECTION_QUERY,
        name=name,
        types=list(types),
        weight=weight or "weight",
        weighted=weight is not None,
    )
    try:
        weighted = {"relationshipWeightProperty": "weight"} if weight else {}
        streams: dict[str, pd.DataFrame] = {}
        for measure in MEASURES.values():
            if measure.gds is None or measure.from_network:
                continue
            algo = getattr(client, measure.gds)
            if measure.name == "pagerank":
                streams[measure.name] = algo.stream(projected, dampingFactor=0.85, **weighted)
            elif measure.name == "betweenness":
                config: dict[str, Any] = {"relationshipWeightProperty": "distance"} if weight else {}
                n = _node_count(result)
                if n is not None and n > exact_threshold:
                    config.update(samplingSize=min(samples, n), samplingSeed=seed or 0)
                streams[measure.name] = algo.stream(projected, **config)
            else:  # a new GDS measure: run with its defaults (weighted when asked)
                streams[measure.name] = algo.stream(projected, **weighted)
        communities = _communities(client, projected, method, resolution, seed, restarts, weighted, net)
        degree = client.degree.stream(projected, relationshipWeightProperty="weight")
        ids = pd.concat([s["nodeId"] for s in streams.values()] + [communities["nodeId"]]).unique().tolist()
        nodes = _actors(client, ids)
    finally:
        projected.drop()
    return {
        "centrality": centrality_table(nodes, streams),
        "clusters": cluster_table(nodes, communities, degree),
    }


def centrality_table(nodes: pd.DataFrame, streams: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``id, name, kind`` and one column per measure from GDS ``stream`` results (``nodeId, score``)."""
    n = len(nodes)
    df = nodes
    for name, stream in streams.items():
        df = df.merge(stream[["nodeId", "score"]].rename(columns={"score": name}), on="nodeId", how="left")
    if "betweenness" in df:
        scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
        df["betweenness"] = df["betweenness"].fillna(0.0) * scale
    if "pagerank" in df:
        total = df["pagerank"].sum()
        df["pagerank"] = df["pagerank"] / total if total else df["pagerank"]
    columns = ["id", "name", "kind", *(m for m in MEASURES if m in streams)]
    return df[columns].reset_index(drop=True)


def cluster_table(nodes: pd.DataFrame, communities: pd.DataFrame, degree: pd.DataFrame) -> pd.DataFrame:
    """``id, name, kind, region, cluster, cluster_name`` from a GDS community stream (``nodeId, communityId``)."""
    df = nodes.merge(communities[["nodeId", "communityId"]], on="nodeId", how="left")
    df = df.merge(degree.rename(columns={"score": "strength"}), on="nodeId", how="left")
    df["strength"] = df["strength"].fillna(0.0)
    df["order"] = range(len(df))
    sizes = df.groupby("communityId")["order"].agg(["size", "min"])
    ranked = sizes.sort_values(["size", "min"], ascending=[False, True]).index.tolist()
    number = {c: i for i, c in enumerate(ranked)}
    df["cluster"] = df["communityId"].map(number).astype(int)
    leaders = df.sort_values(["strength", "order"], ascending=[False, True]).drop_duplicates("cluster")
    df["cluster_name"] = df["cluster"].map(dict(zip(leaders["cluster"], leaders["name"], strict=True)))
    return df[["id", "name", "kind", "region", "cluster", "cluster_name"]].reset_index(drop=True)


def analyze_with_gds(
    G: Any,
    store: QueryRunner,
    options: AnalysisOptions | None = None,
    *,
    gds: Any = None,
    progress: Any = None,
    **keywords: Any,
) -> Any:
    """:func:`graphkit.analyze` with the GDS measures and the clusters computed in GDS.

    ``G`` is the graph read from the same server; ``options`` (or single options as
    keywords) are :func:`graphkit.analyze`'s.
    The other measures, the capability gaps and the critical actors are computed locally;
    the tables have the local columns, and ``summary["engine"]`` says which engine
    computed what.
    """
    import dataclasses

    from graphkit.analysis.clusters import cluster_summary, modularity
    from graphkit.analysis.run import analyze

    opts = AnalysisOptions.of(options, **keywords)
    types, weight, method, resolution = opts.types, opts.weight, opts.method, opts.resolution
    gds_options = opts.keywords(("method", "resolution", "seed", "restarts", "exact_threshold", "samples"))
    check_gds_options(method=method, resolution=resolution, restarts=opts.restarts)
    from graphkit.analysis.engine import actor_network

    net = actor_network(G, types, weight=weight)
    server = gds_analysis(store, types=types, weight=weight, gds=gds, net=net, **gds_options)
    local = analyze(G, opts, progress=progress)
    on_server = [c for c in server["centrality"].columns if c in MEASURES]
    cent = local.centrality.drop(columns=on_server).merge(
        server["centrality"][["id", *on_server]], on="id", how="left"
    )[list(local.centrality.columns)]
    clusters = server["clusters"].reindex(columns=local.clusters.columns)
    summary = {**local.summary}
    local_engine = str(summary.get("engine", {}).get("centrality", "local"))
    summary["engine"] = {
        **summary.get("engine", {}),
        "centrality": f"gds ({', '.join(on_server)}); {local_engine} (other measures)",
        "clusters": f"gds ({GDS_CLUSTER_PROCEDURES[method]})",
    }
    measures = {**summary.get("measures", {})}
    for name in on_server:
        measures[name] = "exact (gds)" if name == "betweenness" else "gds"
    if "betweenness" in on_server and local.summary["graph"]["actors"] > opts.exact_threshold:
        measures["betweenness"] = "sampled (gds)"
    summary["measures"] = measures
    summary["clusters"] = {
        "count": int(clusters["cluster"].nunique()),
        # GDS clusters the direct network it projects (not the two-mode one): scored on it
        "modularity": modularity(
            G, clusters, types=types, weight=weight, resolution=resolution, two_mode=False
        ),
    }
    return dataclasses.replace(
        local,
        centrality=cent,
        clusters=clusters,
        cluster_summary=cluster_summary(clusters, cent, G=G, types=types),
        summary=summary,
    )


def _communities(
    client: Any,
    projected: Any,
    method: str,
    resolution: float,
    seed: int | None,
    restarts: int,
    weighted: dict[str, Any],
    net: Any,
) -> pd.DataFrame:
    """The community stream of ``method``; of ``restarts`` seeded runs, the one of best modularity."""
    algo = getattr(client, GDS_CLUSTER_PROCEDURES[method])
    config: dict[str, Any] = dict(weighted)
    if method == "leiden":
        config["gamma"] = resolution
    runs = 1 if method == "leiden" else restarts
    if runs > 1 and net is None:
        raise AnalysisError(
            f"{restarts} restarts keep the run of best modularity, which needs the actor network "
            "(pass net=, as analyze_with_gds does, or restarts=1)"
        )
    rng = random.Random(seed)
    best: pd.DataFrame | None = None
    best_q = float("-inf")
    for i in range(runs):
        run_seed = (seed or 0) if i == 0 else rng.randrange(2**31)
        stream = algo.stream(projected, randomSeed=run_seed, **config)
        if runs == 1:
            return stream
        q = _stream_modularity(client, stream, net, resolution)
        if best is None or q > best_q + 1e-12:
            best, best_q = stream, q
    return best if best is not None else algo.stream(projected, randomSeed=seed or 0, **config)


def _stream_modularity(client: Any, stream: pd.DataFrame, net: Any, resolution: float) -> float:
    """Modularity (as the local engine scores a run) of a community stream on the actor network."""
    import numpy as np

    from graphkit.analysis.clusters import modularity_of

    actors = _actors(client, stream["nodeId"].tolist())
    community = dict(zip(stream["nodeId"], stream["communityId"], strict=True))
    membership = np.zeros(net.n, dtype=np.int64)
    codes: dict[Any, int] = {}
    for node_id, actor in zip(actors["nodeId"], actors["id"], strict=True):
        i = net.index.get(actor)
        if i is not None:
            membership[i] = codes.setdefault(community[node_id], len(codes))
    return modularity_of(net, membership, resolution=resolution)


def _node_count(result: Any) -> int | None:
    try:
        return int(result["nodeCount"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _actors(client: Any, node_ids: list[int]) -> pd.DataFrame:
    rows = client.run_cypher(
        "UNWIND $ids AS i WITH i, gds.util.asNode(i) AS n "
        "RETURN i AS nodeId, n.id AS id, n.name AS name, n.kind AS kind, n.region AS region ORDER BY id",
        params={"ids": [int(i) for i in node_ids]},
    )
    return pd.DataFrame(rows, columns=["nodeId", "id", "name", "kind", "region"])


def _drop_if_exists(client: Any, name: str) -> None:
    exists = client.graph.exists(name)
    if bool(exists["exists"] if isinstance(exists, dict | pd.Series) else exists):
        client.graph.drop(name)
