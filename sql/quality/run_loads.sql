-- Files of a feed loaded by a run, and by all runs.
SELECT count(*) FILTER (WHERE run_id = $run_id), count(*) FROM quality.loaded_files WHERE feed = $feed
