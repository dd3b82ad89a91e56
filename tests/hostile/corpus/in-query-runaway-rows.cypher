UNWIND range(1, 100000) AS a UNWIND range(1, 1000) AS b RETURN a, b
