// Which states took a given stance on a resolution or declaration (by default: voted against A/RES/73/27)?
//
// One row per POSITION on $norm with stance $stance: the state and its region.
// Stances: yes, no, abstain (recorded votes), signed, ratified, supports (endorsements).
// Empty result: nobody took that stance, or the norm id does not exist (see norms.csv; ids are case-sensitive).
// Parameters:
//   norm (string, default A/RES/73/27): id of the Norm (a resolution, declaration or convention)
//   stance (string, default no): the stance to list
// Example:
//   graphkit query states_voting_against data/cyber-multilateral --param norm=A/RES/73/266 --param stance=abstain
MATCH (a:Actor)-[p:POSITION]->(n:Norm {id: $norm})
WHERE p.stance = $stance
RETURN a.id AS id, a.name AS name, a.region AS region
ORDER BY id
