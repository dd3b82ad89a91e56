// Which capabilities does an actor need against the threats it faces, and who covers them?
//
// needed(A): capabilities REQUIRED by the threats that TARGET $actor, with how many threats
// need each. own_level is A's best level (null when none is recorded: a lack, or no data; a
// relationship without level counts as 1); own is own_level >= $min_level;
// partners_with counts COOPERATES_WITH partners, fellow_members_with counts fellow members
// of A's organisations, holding it at >= $min_level; pooled is own or covered by either.
// Empty result: no threat in the dataset targets $actor (or the id does not exist), so it needs nothing.
// Parameters:
//   actor (string, default UKR): id of the actor
//   min_level (float, default DEFAULT_THRESHOLD): the lowest level that counts as holding a capability
// Example:
//   graphkit query capability_needs_of_actor data/cyber-multilateral --param actor=EST
MATCH (a:Actor {id: $actor})<-[:TARGETS]-(t:Threat)-[:REQUIRES]->(c:Capability)
WITH a, c, count(DISTINCT t) AS threats
OPTIONAL MATCH (a)-[h:HAS_CAPABILITY]->(c)
WITH a, c, threats,
     max(CASE WHEN h IS NULL THEN null WHEN h.level IS NULL THEN 1.0 ELSE h.level END) AS own_level
OPTIONAL MATCH (a)-[:COOPERATES_WITH]-(p:Actor)-[hp:HAS_CAPABILITY]->(c)
WHERE coalesce(hp.level, 1.0) >= $min_level
WITH a, c, threats, own_level, count(DISTINCT p) AS partners_with
OPTIONAL MATCH (a)-[:MEMBER_OF]->(:Actor)<-[:MEMBER_OF]-(f:Actor)-[hf:HAS_CAPABILITY]->(c)
WHERE f <> a AND coalesce(hf.level, 1.0) >= $min_level
WITH c, threats, own_level, partners_with, count(DISTINCT f) AS fellow_members_with
RETURN c.id AS capability, c.name AS name, threats, own_level,
       coalesce(own_level, 0.0) >= $min_level AS own,
       partners_with, fellow_members_with,
       coalesce(own_level, 0.0) >= $min_level OR partners_with > 0 OR fellow_members_with > 0 AS pooled
ORDER BY threats DESC, capability
