SELECT count(*) AS rows_read, count(*) FILTER (WHERE _reason IS NULL) AS rows_loaded FROM landing_checked
