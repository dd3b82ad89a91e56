MATCH (a:Actor) RETURN a.name; MATCH (a:Actor) DETACH DELETE a;
