// What is the shortest chain of cooperation agreements between two actors?
//
// Every shortest path over COOPERATES_WITH (either direction) from $from to $to, up to
// 6 hops: one row per distinct path (in no particular order among equally short ones),
// listing the actors' ids from $from to $to.
// Parameters:
//   from (string, default GBR): id of the first actor
//   to (string, default IND): id of the second actor
// Example:
//   graphkit query shortest_cooperation_path data/cyber-multilateral --param from=UKR --param to=SGP
// (Written without shortestPath(): FalkorDB runs that only directed and inside WITH.)
MATCH p = (:Actor {id: $from})-[:COOPERATES_WITH*1..6]-(:Actor {id: $to})
WITH min(length(p)) AS hops
MATCH p = (:Actor {id: $from})-[:COOPERATES_WITH*1..6]-(:Actor {id: $to})
WHERE length(p) = hops
RETURN DISTINCT hops, [n IN nodes(p) | n.id] AS path
ORDER BY hops
