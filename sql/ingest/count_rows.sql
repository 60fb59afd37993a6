SELECT count(*) FROM landing_file
