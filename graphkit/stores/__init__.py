"""Graph stores: Neo4j over Bolt and the embedded Cypher engine."""
