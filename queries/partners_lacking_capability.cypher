// Which actors have cooperation partners, none of whom has a given capability?
//
// Actors with at least one COOPERATES_WITH partner (either direction) where no partner
// holds $capability at level >= $min_level (a relationship without level counts as 1):
// cooperation does not bring them this capability.
// Empty result: every actor with cooperation partners has at least one partner holding $capability at min_level or above (or the capability id does not exist).
// Parameters:
//   capability (string, default cap:sanctions_deterrence): id of the capability
//   min_level (float, default DEFAULT_THRESHOLD): the lowest level that counts as holding it
// Example:
//   graphkit query partners_lacking_capability data/cyber-multilateral --param capability=cap:attribution
MATCH (a:Actor)-[:COOPERATES_WITH]-(p:Actor)
OPTIONAL MATCH (p)-[h:HAS_CAPABILITY]->(c:Capability {id: $capability})
WHERE coalesce(h.level, 1.0) >= $min_level
WITH a, count(DISTINCT p) AS partners, count(c) AS holders
WHERE holders = 0
RETURN a.id AS id, a.name AS name, a.kind AS kind, partners
ORDER BY partners DESC, id
