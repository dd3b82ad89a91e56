// Which actors are most often named as the sponsor of threats, and how widely do those threats strike?
//
// Actors that threats are ATTRIBUTED_TO, ranked by the number of such threats; targets
// counts the distinct actors those threats TARGET.
// Empty result: no threat is attributed to a state sponsor in the dataset.
// Parameters:
//   limit (int, default 10): how many sponsors to list
// Example:
//   graphkit query threat_sponsors data/cyber-multilateral --param limit=5
MATCH (t:Threat)-[:ATTRIBUTED_TO]->(s:Actor)
OPTIONAL MATCH (t)-[:TARGETS]->(v:Actor)
RETURN s.id AS id, s.name AS name, count(DISTINCT t) AS threats, count(DISTINCT v) AS targets
ORDER BY threats DESC, id
LIMIT $limit
