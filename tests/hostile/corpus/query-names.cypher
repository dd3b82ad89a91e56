MATCH (a:Actor) RETURN a.name AS name ORDER BY name
