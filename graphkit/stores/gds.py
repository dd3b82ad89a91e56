"""Server-side analytics in Neo4j Graph Data Science (GDS), where the server has it.

:func:`gds_analysis` projects the actor network (actors; ``MEMBER_OF`` and
``COOPERATES_WITH`` by default, direction ignored, parallel and opposite relationships
merged into one tie whose weight is their summed ``weight`` — as
:func:`graphkit.actor_graph` builds it locally) into GDS, runs PageRank, betweenness and
Louvain there, and returns tables shaped like the local engine's:

- ``centrality``: ``id, name, kind, betweenness, pagerank`` — betweenness unweighted and
  normalised as networkx (``2 / ((n-1)(n-2))`` applied to GDS's undirected scores, which
  count each pair of endpoints once), PageRank (damping 0.85) scaled to sum to 1;
- ``clusters``: ``id, name, kind, region, cluster, cluster_name`` — clusters numbered 0, 1 ...
  by decreasing size, named after their member with the highest weighted degree.

The ``graphdatascience`` client is an optional dependency (``pip install graphkit[gds]``).
A server without GDS (FalkorDB, Neo4j without the plugin) gives a :class:`StoreError`
saying so. Every client call goes through the object :func:`gds_client` returns, so tests
can pass a test double as ``gds=``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from graphkit import schema
from graphkit.errors import QueryError, StoreError
from graphkit.stores.neo4j import Neo4jStore

__all__ = ["gds_version", "gds_client", "gds_analysis", "analyze_with_gds", "PROJECTION_QUERY"]

from graphkit.defaults import DEFAULT_TYPES

# One row per pair of actors tied by any of $types (a.id < b.id merges both directions),
# and one row with b = null per actor, so isolated actors are projected too.
PROJECTION_QUERY = """
MATCH (a:Actor)
OPTIONAL MATCH (a)-[r]-(b:Actor)
WHERE type(r) IN $types AND a.id < b.id
WITH a, b, count(r) AS ties, sum(coalesce(toFloat(r[$weight]), 1.0)) AS strength
WITH gds.graph.project(
  $name, a, b,
  {relationshipProperties: CASE WHEN b IS NULL THEN null ELSE {weight: CASE WHEN $weighted THEN strength ELSE toFloat(ties) END} END},
  {undirectedRelationshipTypes: ['*']}
) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS relationships
"""


def gds_version(store: Neo4jStore) -> str:
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


def gds_client(store: Neo4jStore) -> Any:
    """A ``graphdatascience.GraphDataScience`` client on the store's driver (GDS checked first)."""
    gds_version(store)
    try:
        from graphdatascience import GraphDataScience
    except ImportError:
        raise StoreError(
            "--engine gds needs the graphdatascience client (fix: pip install 'graphkit[gds]')"
        ) from None
    return GraphDataScience(store.driver, database=store.database, arrow=False)


def gds_analysis(
    store: Neo4jStore | str,
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    weight: str | None = None,
    gds: Any = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> dict[str, pd.DataFrame]:
    """PageRank, betweenness and Louvain computed in GDS; ``{"centrality": df, "clusters": df}``."""
    types = tuple(types)
    unknown = [t for t in types if t not in schema.RELATIONSHIP_TYPES]
    if unknown:
        raise QueryError(f"unknown relationship type(s): {', '.join(unknown)}")
    if weight is not None and not schema.is_identifier(weight):
        raise QueryError(f"weight {weight!r} is not a property name")
    owned = isinstance(store, str)
    st: Neo4jStore = store if isinstance(store, Neo4jStore) else Neo4jStore(
        store, user=user, password=password, database=database
    )
    try:
        client = gds if gds is not None else gds_client(st)
        name = "graphkit_actor_network"
        _drop_if_exists(client, name)
        projected, _ = client.graph.cypher.project(
            PROJECTION_QUERY,
            name=name,
            types=list(types),
            weight=weight or "weight",
            weighted=weight is not None,
        )
        try:
            weighted = {"relationshipWeightProperty": "weight"} if weight else {}
            pagerank = client.pageRank.stream(projected, dampingFactor=0.85, **weighted)
            betweenness = client.betweenness.stream(projected)
            louvain = client.louvain.stream(projected, relationshipWeightProperty="weight")
            degree = client.degree.stream(projected, relationshipWeightProperty="weight")
            nodes = _actors(client, pd.concat([pagerank["nodeId"], louvain["nodeId"]]).unique().tolist())
        finally:
            projected.drop()
    finally:
        if owned:
            st.close()
    return {
        "centrality": centrality_table(nodes, pagerank, betweenness),
        "clusters": cluster_table(nodes, louvain, degree),
    }


def centrality_table(nodes: pd.DataFrame, pagerank: pd.DataFrame, betweenness: pd.DataFrame) -> pd.DataFrame:
    """``id, name, kind, betweenness, pagerank`` from GDS ``stream`` results (``nodeId, score``)."""
    n = len(nodes)
    df = nodes.merge(betweenness.rename(columns={"score": "betweenness"}), on="nodeId", how="left")
    df = df.merge(pagerank.rename(columns={"score": "pagerank"}), on="nodeId", how="left")
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    df["betweenness"] = df["betweenness"].fillna(0.0) * scale
    total = df["pagerank"].sum()
    df["pagerank"] = df["pagerank"] / total if total else df["pagerank"]
    return df[["id", "name", "kind", "betweenness", "pagerank"]].reset_index(drop=True)


def cluster_table(nodes: pd.DataFrame, louvain: pd.DataFrame, degree: pd.DataFrame) -> pd.DataFrame:
    """``id, name, kind, region, cluster, cluster_name`` from GDS Louvain (``nodeId, communityId``)."""
    df = nodes.merge(louvain[["nodeId", "communityId"]], on="nodeId", how="left")
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


def analyze_with_gds(G: Any, store: Neo4jStore | str, *, gds: Any = None, user: str | None = None,
                     password: str | None = None, database: str | None = None, **options: Any) -> Any:
    """:func:`graphkit.analyze` with PageRank, betweenness and Louvain computed in GDS.

    ``G`` is the graph read from the same server. The other measures, the capability gaps
    and the critical actors are computed locally; the tables have the local columns, and
    ``summary["engine"]`` says which engine computed what.
    """
    import dataclasses

    from graphkit.analysis import analyze, cluster_summary, modularity

    types = tuple(options.get("types", DEFAULT_TYPES))
    weight = options.get("weight")
    server = gds_analysis(store, types=types, weight=weight, gds=gds, user=user, password=password,
                          database=database)
    local = analyze(G, **options)
    cent = local.centrality.drop(columns=["betweenness", "pagerank"]).merge(
        server["centrality"][["id", "betweenness", "pagerank"]], on="id", how="left"
    )[list(local.centrality.columns)]
    clusters = server["clusters"].reindex(columns=local.clusters.columns)
    summary = {**local.summary}
    summary["engine"] = {**summary.get("engine", {}), "centrality": "gds (pagerank, betweenness); "
                         + str(summary.get("engine", {}).get("centrality", "local")) + " (other measures)",
                         "clusters": "gds (louvain)"}
    summary["measures"] = {**summary.get("measures", {}), "betweenness": "exact (gds)", "pagerank": "gds"}
    summary["clusters"] = {"count": int(clusters["cluster"].nunique()),
                           "modularity": modularity(G, clusters, types=types, weight=weight)}
    return dataclasses.replace(
        local, centrality=cent, clusters=clusters,
        cluster_summary=cluster_summary(clusters, cent, G=G, types=types), summary=summary,
    )
