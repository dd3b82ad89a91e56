LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row
