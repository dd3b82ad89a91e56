// Who can deliver a given capability, and how well?
//
// Actors that HAVE $capability at level >= $min_level (a relationship without level
// counts as 1), best first; an actor listed twice has two such relationships.
// Empty result: no actor holds $capability at min_level or above, or the capability id does not exist (see capabilities.csv).
// Parameters:
//   capability (string, default cap:attribution): id of the capability
//   min_level (float, default DEFAULT_THRESHOLD): the lowest level that counts
// Example:
//   graphkit query actors_with_capability data/cyber-multilateral --param capability=cap:incident_response --param min_level=0.75
MATCH (a:Actor)-[h:HAS_CAPABILITY]->(:Capability {id: $capability})
WHERE coalesce(h.level, 1.0) >= $min_level
RETURN a.id AS id, a.name AS name, a.kind AS kind, coalesce(h.level, 1.0) AS level
ORDER BY level DESC, id
