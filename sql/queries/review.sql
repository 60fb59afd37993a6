-- The quarterly review's lookups (tiering/review.py).

-- name: tables
-- The tables of the working database: a review needs the tier history and the staged facts.
SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE database_name = current_database()

-- name: days_run
-- The as-of dates of a quarter that have run, oldest first.
SELECT DISTINCT as_of_date
FROM marts.tier_history
WHERE as_of_date BETWEEN $first AND $last
ORDER BY as_of_date

-- name: reviewed_days
-- The days a quarter's review covered, null when it has not been reviewed (or had nobody in either list).
SELECT max(days_run) FROM marts.quarterly_review WHERE quarter = $quarter

-- name: forget
-- Remove a quarter's review, before it is written again.
DELETE FROM marts.quarterly_review WHERE quarter = $quarter

-- name: rows
-- A quarter's review: each list's customers, biggest revenue first.
SELECT list, customer_id, customer_name, account_owner, revenue, gross_margin, tickets
FROM marts.quarterly_review
WHERE quarter = $quarter
ORDER BY list, revenue DESC, customer_id
