// How many of the known capabilities does each alliance or organisation cover?
//
// For every actor that has members: its member count, and how many capabilities are held
// at level >= $min_level by the organisation itself or by at least one member, out of all
// capabilities in the dataset.
// Empty result: no alliance or organisation has members holding a capability at min_level or above.
// Parameters:
//   min_level (float, default DEFAULT_THRESHOLD): the lowest level that counts as holding a capability
// Example:
//   graphkit query capability_coverage_per_alliance data/cyber-multilateral --param min_level=0.75
MATCH (c:Capability)
WITH count(c) AS total
MATCH (m:Actor)-[:MEMBER_OF]->(o:Actor)
WITH total, o, count(DISTINCT m) AS members
OPTIONAL MATCH (x:Actor)-[h:HAS_CAPABILITY]->(c:Capability)
WHERE coalesce(h.level, 1.0) >= $min_level AND (x = o OR (x)-[:MEMBER_OF]->(o))
WITH o, members, total, count(DISTINCT c) AS covered
RETURN o.id AS id, o.name AS name, o.kind AS kind, members, covered, total - covered AS uncovered
ORDER BY covered DESC, members DESC, id
