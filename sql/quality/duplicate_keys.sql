-- Keys held by more than one row. {batch} is the table under validation (Great Expectations fills it in).
SELECT {key_columns}, count(*) AS rows FROM {batch} WHERE {key_not_null} GROUP BY ALL HAVING count(*) > 1
