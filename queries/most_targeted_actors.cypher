// Which actors are targeted by the most threats?
//
// Actors ranked by the number of distinct threats that TARGET them (ties by id).
// Empty result: no TARGETS relationship in the dataset.
// Parameters:
//   limit (int, default 10): how many actors to list
// Example:
//   graphkit query most_targeted_actors data/cyber-multilateral --param limit=25
MATCH (t:Threat)-[:TARGETS]->(a:Actor)
RETURN a.id AS id, a.name AS name, a.kind AS kind, count(DISTINCT t) AS threats
ORDER BY threats DESC, id
LIMIT $limit
