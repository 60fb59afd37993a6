-- What the staging tables were last built from, as one fingerprint: staged facts are exported again when it changes.
SELECT md5(string_agg(table_name || ':' || fingerprint || ':' || built_at::VARCHAR, ',' ORDER BY table_name))
FROM staging.build_state
