// Which pairs of alliances and organisations share the most members?
//
// Pairs of actors with members, ranked by how many actors belong to both (ties by ids).
// Empty result: no two alliances or organisations share a member.
// Parameters:
//   limit (int, default 20): how many pairs to list
// Example:
//   graphkit query alliance_overlap data/cyber-multilateral --param limit=50
MATCH (o1:Actor)<-[:MEMBER_OF]-(m:Actor)-[:MEMBER_OF]->(o2:Actor)
WHERE o1.id < o2.id
RETURN o1.id AS first, o2.id AS second, count(DISTINCT m) AS shared
ORDER BY shared DESC, first, second
LIMIT $limit
