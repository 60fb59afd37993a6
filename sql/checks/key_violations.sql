-- Null and duplicated keys of a table, with a few examples of each.
WITH keyed AS (SELECT {key_expr} AS k, ({null_test}) AS key_is_null FROM {table}),
dups AS (SELECT k, count(*) AS n FROM keyed WHERE NOT key_is_null GROUP BY k HAVING count(*) > 1)
SELECT
    (SELECT count(*) FROM keyed WHERE key_is_null) AS null_keys,
    (SELECT coalesce(sum(n - 1), 0) FROM dups) AS duplicate_rows,
    (SELECT list(k::VARCHAR ORDER BY k::VARCHAR)[1:5] FROM dups) AS duplicate_examples
