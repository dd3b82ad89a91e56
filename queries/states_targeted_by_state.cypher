// Which states are targeted by threats attributed to a given state?
//
// Threats ATTRIBUTED_TO $state, grouped by the states (kind = state) they TARGET: how
// many such threats, and their names (in no particular order).
// Empty result: no threat attributed to $state as sponsor targets another actor, or the id does not exist.
// Parameters:
//   state (string, default RUS): id of the suspected sponsor
// Example:
//   graphkit query states_targeted_by_state data/cyber-multilateral --param state=CHN
MATCH (t:Threat)-[:ATTRIBUTED_TO]->(:Actor {id: $state})
MATCH (t)-[:TARGETS]->(v:Actor {kind: 'state'})
RETURN v.id AS id, v.name AS name, count(DISTINCT t) AS threats, collect(DISTINCT t.name) AS threat_names
ORDER BY threats DESC, id
