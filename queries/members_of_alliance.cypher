// Which actors are members of an alliance or organisation, and since when?
//
// One row per MEMBER_OF relationship into $alliance: the member, its kind and the
// year it joined (empty where the dataset does not say).
// Empty result: $alliance has no members in the dataset, or the id does not exist (ids are case-sensitive: NATO, EU).
// Parameters:
//   alliance (string, default NATO): id of the alliance or organisation
// Example:
//   graphkit query members_of_alliance data/cyber-multilateral --param alliance=EU
MATCH (m:Actor)-[r:MEMBER_OF]->(a:Actor {id: $alliance})
RETURN m.id AS id, m.name AS name, m.kind AS kind, r.since AS since
ORDER BY id, since
