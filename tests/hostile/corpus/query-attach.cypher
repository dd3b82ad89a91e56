ATTACH 'other.db' AS o (dbtype kuzu)
