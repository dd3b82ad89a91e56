"""Graph stores: Neo4j over Bolt and the embedded Cypher engine (ladybug).

A store is handed a graph (it never loads a dataset itself) and runs queries in its own
dialect; query files, the Neo4j dialect and results live above, in :mod:`graphkit.cypher`.

=================  ================================================================
module             job
=================  ================================================================
``neo4j``          :class:`Neo4jStore`: write, read back, run Cypher over Bolt
``bolt``           URIs (passwords redacted), what the server is, driver quirks
``encoding``       which values may be written; FalkorDB float/date/string encodings
``neo4j_write``    rows grouped by shape and the ``UNWIND ... MERGE`` queries
``embedded``       :class:`EmbeddedDatabase`: a graph in an on-disk ladybug database,
                   cached by dataset fingerprint
=================  ================================================================
"""

__all__ = []
