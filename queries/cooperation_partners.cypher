// Whom does an actor cooperate with, under which instrument and since when?
//
// One row per COOPERATES_WITH relationship of $actor, in either direction.
// Empty result: $actor has no COOPERATES_WITH relationship, or the id does not exist.
// Parameters:
//   actor (string, default USA): id of the actor
// Example:
//   graphkit query cooperation_partners data/cyber-multilateral --param actor=EU
MATCH (a:Actor {id: $actor})-[r:COOPERATES_WITH]-(p:Actor)
RETURN p.id AS id, p.name AS name, p.kind AS kind, r.instrument AS instrument, r.since AS since
ORDER BY id, since, instrument
