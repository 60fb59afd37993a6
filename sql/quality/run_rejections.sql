-- One run's rejected rows by feed and reason, with the first of them as an example.
SELECT
    feed,
    reason,
    count(*) AS rows,
    arg_min(source_file || ' row ' || row_number, (source_file, row_number)) AS first_row,
    arg_min(raw_record, (source_file, row_number)) AS first_record
FROM quality.rejected_rows
WHERE run_id = $run_id
GROUP BY feed, reason
ORDER BY feed, rows DESC, reason
