-- Keys of the rows under validation ({batch}, filled in by Great Expectations) held by more than one row of
-- raw.{feed}: repeated among those rows (narrowed first by a hash of the key: one pass over 64-bit integers),
-- or already held by a row of an earlier load.
SELECT {key_columns}, count(*) AS rows
FROM {batch}
WHERE hash({key_columns}) IN (SELECT hash({key_columns}) FROM {batch} GROUP BY ALL HAVING count(*) > 1)
  AND {key_not_null}
GROUP BY ALL
HAVING count(*) > 1
UNION ALL
SELECT {key_columns}, 2 AS rows
FROM {batch} AS b
SEMI JOIN (
    SELECT {key_columns} FROM raw.{feed} WHERE _source_file NOT IN (SELECT DISTINCT _source_file FROM {batch})
) AS e USING ({key_columns})
