// Which actors tie two alliances together (brokers between two camps)?
//
// A side is an alliance plus its members. An actor (other than the two alliances) is a
// broker when it has a MEMBER_OF or COOPERATES_WITH tie, in either direction, to both
// sides; ties_first / ties_second count the distinct actors it is tied to on each side.
// Members of both alliances are brokers too.
// Empty result: no actor is tied to both $first and $second, or one of the ids is not an organisation in the dataset.
// Parameters:
//   first (string, default NATO): id of the first alliance or organisation
//   second (string, default EU): id of the second alliance or organisation
// Example:
//   graphkit query brokers_between_alliances data/cyber-multilateral --param first=NATO --param second=SCO
MATCH (a:Actor {id: $first}), (b:Actor {id: $second})
MATCH (x:Actor)-[:MEMBER_OF|COOPERATES_WITH]-(y:Actor)
WHERE x <> a AND x <> b AND (y = a OR (y)-[:MEMBER_OF]->(a))
WITH a, b, x, count(DISTINCT y) AS ties_first
MATCH (x)-[:MEMBER_OF|COOPERATES_WITH]-(z:Actor)
WHERE z = b OR (z)-[:MEMBER_OF]->(b)
WITH x, ties_first, count(DISTINCT z) AS ties_second
RETURN x.id AS id, x.name AS name, x.kind AS kind, ties_first, ties_second,
       ties_first + ties_second AS ties
ORDER BY ties DESC, id
