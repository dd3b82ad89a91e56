UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN collect(a) AS c
