// Which states are targeted by threats whose suspected sponsor is a given state?
//
// Threats ATTRIBUTED_TO $state as suspected sponsor (basis = 'sponsor'; an attribution of
// origin is not sponsorship), grouped by the states (kind = state) they TARGET: how many
// such threats, and their names (in no particular order).
// Empty result: no threat with $state as suspected sponsor (basis = 'sponsor') targets a state, or the id does not exist.
// Parameters:
//   state (string, default RUS): id of the suspected sponsor
// Example:
//   graphkit query states_targeted_by_state data/cyber-multilateral --param state=CHN
// (WITH DISTINCT t: the embedded engine, ladybug 0.22, dropped the WHERE filter on some runs
// when two MATCH clauses followed each other here; the answer is the same on Neo4j)
MATCH (t:Threat)-[a:ATTRIBUTED_TO]->(s:Actor {id: $state})
WHERE a.basis = 'sponsor'
WITH DISTINCT t
MATCH (t)-[:TARGETS]->(v:Actor {kind: 'state'})
RETURN v.id AS id, v.name AS name, count(DISTINCT t) AS threats, collect(DISTINCT t.name) AS threat_names
ORDER BY threats DESC, id
