-- Files of a feed loaded before its last load: none means the raw table holds that one load only.
SELECT count(*) FROM quality.loaded_files
WHERE feed = $feed AND run_id <> (SELECT arg_max(run_id, loaded_at) FROM quality.loaded_files WHERE feed = $feed)
