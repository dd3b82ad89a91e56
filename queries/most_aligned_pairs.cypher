// Which pairs of states agree most on the norms both took a position on?
//
// Agreement = the mean over shared norms of 1 − |score difference|, a stance scoring 1 (yes,
// signed, ratified, supports), 0.5 (abstain) or 0 (no): an abstention against a yes or a no
// counts half (the definition of graphkit align; docs/alignment.md). Pairs sharing fewer than
// $min_shared positions are left out; ties by more shared positions, then ids.
// Empty result: the dataset has no positions (norms.csv, positions.csv).
// Parameters:
//   min_shared (int, default 3): minimum number of norms both took a position on
//   limit (int, default 20): how many pairs to list
// Example:
//   graphkit query most_aligned_pairs data/cyber-multilateral --param limit=50
MATCH (a:Actor)-[p:POSITION]->(n:Norm)<-[q:POSITION]-(b:Actor)
WHERE a.id < b.id AND a.kind = 'state' AND b.kind = 'state'
WITH a, b, count(n) AS shared,
     sum(1.0 - abs((CASE p.stance WHEN 'no' THEN 0.0 WHEN 'abstain' THEN 0.5 ELSE 1.0 END)
                 - (CASE q.stance WHEN 'no' THEN 0.0 WHEN 'abstain' THEN 0.5 ELSE 1.0 END))) AS agree
WHERE shared >= $min_shared
RETURN a.id AS first, b.id AS second, shared, agree / shared AS agreement
ORDER BY agreement DESC, shared DESC, first, second
LIMIT $limit
