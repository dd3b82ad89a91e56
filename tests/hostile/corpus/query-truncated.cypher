MATCH (a:Actor
