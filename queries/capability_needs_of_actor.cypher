// Which capabilities does an actor need against the threats it faces, and who covers them?
//
// needed(A): capabilities REQUIRED by the threats that TARGET $actor, with how many threats
// need each. own_level is A's best level (null when none is recorded; a relationship without
// level counts as 1); own is own_level >= $min_level; partners_with counts COOPERATES_WITH
// partners, fellow_members_with counts fellow members of A's organisations, holding it at
// >= $min_level; pooled is own or covered by either (any partner or fellow member: graphkit's
// gap analysis also scopes pooling by mandate and tie life cycle).
// Missing is not zero: assessed is A having any HAS_CAPABILITY; capability_assessed is an
// assessment that rated A covering the capability (the rows of one `assessment` and one actor
// kind cover what any of them rates; rows without it form one assessment per kind; an
// unassessed actor is in scope of any row of its kind). status: held, covered, missing (a
// lack the data show) or no data (the need is unknown, never a lack).
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
OPTIONAL MATCH (a)-[ha:HAS_CAPABILITY]->(:Capability)
WITH a, c, threats, own_level, count(ha) > 0 AS assessed,
     collect(DISTINCT CASE WHEN ha IS NULL THEN null ELSE coalesce(ha.assessment, '') END) AS rated_by
OPTIONAL MATCH (b:Actor)-[hb:HAS_CAPABILITY]->(c)
WHERE b.kind = a.kind AND (NOT assessed OR coalesce(hb.assessment, '') IN rated_by)
WITH a, c, threats, own_level, assessed, count(hb) > 0 AS capability_assessed
OPTIONAL MATCH (a)-[:COOPERATES_WITH]-(p:Actor)-[hp:HAS_CAPABILITY]->(c)
WHERE coalesce(hp.level, 1.0) >= $min_level
WITH a, c, threats, own_level, assessed, capability_assessed, count(DISTINCT p) AS partners_with
OPTIONAL MATCH (a)-[:MEMBER_OF]->(:Actor)<-[:MEMBER_OF]-(f:Actor)-[hf:HAS_CAPABILITY]->(c)
WHERE f <> a AND coalesce(hf.level, 1.0) >= $min_level
WITH c, threats, own_level, assessed, capability_assessed, partners_with,
     count(DISTINCT f) AS fellow_members_with,
     coalesce(own_level, 0.0) >= $min_level AS own
WITH c, threats, own_level, assessed, capability_assessed, partners_with, fellow_members_with, own,
     own OR partners_with > 0 OR fellow_members_with > 0 AS pooled
RETURN c.id AS capability, c.name AS name, threats, own_level, own,
       partners_with, fellow_members_with, pooled, assessed, capability_assessed,
       CASE WHEN own THEN 'held' WHEN pooled THEN 'covered'
            WHEN assessed AND capability_assessed THEN 'missing' ELSE 'no data' END AS status
ORDER BY threats DESC, capability
