LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *
