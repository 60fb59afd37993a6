-- Per new file: rows now in raw.{feed} and rows quarantined by this run.
WITH loaded AS (
    SELECT _source_file AS source_file, count(*) AS rows
    FROM raw.{feed}
    WHERE _source_file IN (SELECT source_file FROM ingest_files)
    GROUP BY ALL
),
rejected AS (
    SELECT source_file, count(*) AS rows
    FROM quality.rejected_rows
    WHERE feed = $feed AND run_id = $run_id
    GROUP BY ALL
)
SELECT f.source_file, coalesce(l.rows, 0), coalesce(r.rows, 0)
FROM ingest_files AS f
LEFT JOIN loaded AS l USING (source_file)
LEFT JOIN rejected AS r USING (source_file)
ORDER BY f._file_seq
