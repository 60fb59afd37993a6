-- Keys of the rows under validation ({batch}, filled in by Great Expectations) already held by a row of an
-- earlier load of raw.{feed}: added to duplicate_keys for a raw feed's checks.
SELECT {key_columns}, 2 AS rows
FROM {batch} AS b
SEMI JOIN (
    SELECT {key_columns} FROM raw.{feed} WHERE _source_file NOT IN (SELECT DISTINCT _source_file FROM {batch})
) AS e USING ({key_columns})
