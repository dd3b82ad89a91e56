// Which threats target an alliance's members, and which capabilities do they require?
//
// Each threat that TARGETS at least one member of $alliance: how many members and which,
// and the capabilities the threat REQUIRES (lists are in no particular order).
// Empty result: no threat targets a member of $alliance, or the id does not exist.
// Parameters:
//   alliance (string, default NATO): id of the alliance or organisation
// Example:
//   graphkit query threats_to_alliance_members data/cyber-multilateral --param alliance=QUAD
MATCH (m:Actor)-[:MEMBER_OF]->(:Actor {id: $alliance})
MATCH (t:Threat)-[:TARGETS]->(m)
WITH t, collect(DISTINCT m.id) AS members
OPTIONAL MATCH (t)-[:REQUIRES]->(c:Capability)
RETURN t.id AS threat, t.name AS name, size(members) AS members_targeted, members,
       collect(DISTINCT c.id) AS requires
ORDER BY members_targeted DESC, threat
