COPY (MATCH (a:Actor) RETURN a.name) TO 'copied-out.csv'
