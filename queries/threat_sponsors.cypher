// Which actors are most often named as the suspected state sponsor of threats, and how widely do those threats strike?
//
// Actors that threats are ATTRIBUTED_TO with basis = 'sponsor' (a suspected state sponsor;
// basis 'origin', or no basis, says only where a threat operates from and is not counted),
// ranked by the number of such threats; targets counts the distinct actors those threats TARGET.
// Empty result: no threat is attributed to a suspected sponsor (basis = 'sponsor') in the dataset.
// Parameters:
//   limit (int, default 10): how many sponsors to list
// Example:
//   graphkit query threat_sponsors data/cyber-multilateral --param limit=5
MATCH (t:Threat)-[a:ATTRIBUTED_TO]->(s:Actor)
WHERE a.basis = 'sponsor'
OPTIONAL MATCH (t)-[:TARGETS]->(v:Actor)
RETURN s.id AS id, s.name AS name, count(DISTINCT t) AS threats, count(DISTINCT v) AS targets
ORDER BY threats DESC, id
LIMIT $limit
