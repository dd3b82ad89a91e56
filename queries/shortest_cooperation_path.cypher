// What is the shortest chain of cooperation agreements between two actors?
//
// Every shortest path over COOPERATES_WITH (either direction) from $from to $to, up to
// 6 hops: one row per distinct path (in no particular order among equally short ones),
// listing the actors' ids from $from to $to.
// Empty result: the two actors are not connected by cooperation agreements within 6 hops, or one id does not exist.
// Parameters:
//   from (string, default GBR): id of the first actor
//   to (string, default IND): id of the second actor
// Example:
//   graphkit query shortest_cooperation_path data/cyber-multilateral --param from=UKR --param to=SGP
// (allShortestPaths over an undirected pattern: standard Cypher, run as is by Neo4j and
// translated by graphkit for the embedded engine. FalkorDB runs it only over directed
// patterns. Enumerating every path up to 6 hops instead ran out of memory on 253 ties.)
MATCH p = allShortestPaths((:Actor {id: $from})-[:COOPERATES_WITH*..6]-(:Actor {id: $to}))
RETURN DISTINCT length(p) AS hops, [n IN nodes(p) | n.id] AS path
ORDER BY hops
