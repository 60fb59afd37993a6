-- Keys of the rows under validation ({batch}, filled in by Great Expectations) held by more than one row of
-- raw.{feed}: repeated among those rows, or already held by a row of an earlier load.
SELECT {key_columns}, count(*) AS rows FROM {batch} WHERE {key_not_null} GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT {key_columns}, 2 AS rows
FROM {batch} AS b
SEMI JOIN (
    SELECT {key_columns} FROM raw.{feed}
    WHERE _source_file NOT IN (
        SELECT source_file FROM quality.loaded_files
        WHERE feed = '{feed}'
          AND run_id = (SELECT arg_max(run_id, loaded_at) FROM quality.loaded_files WHERE feed = '{feed}')
    )
) AS e USING ({key_columns})
