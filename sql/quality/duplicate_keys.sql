-- Keys held by more than one row of the table under validation ({batch}, filled in by Great Expectations),
-- narrowed first by a hash of the key (one pass over 64-bit integers).
SELECT {key_columns}, count(*) AS rows
FROM {batch}
WHERE hash({key_columns}) IN (SELECT hash({key_columns}) FROM {batch} GROUP BY ALL HAVING count(*) > 1)
  AND {key_not_null}
GROUP BY ALL
HAVING count(*) > 1
