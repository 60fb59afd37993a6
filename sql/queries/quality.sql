-- The queries of tiering/quality: the reconciliation report (report.py) and the unexpected-rows queries of the
-- Great Expectations suites (suites.py), in which Great Expectations fills in {batch} with the table under
-- validation and the other {placeholders} are identifiers from a declaration.

-- name: last_run
-- The run that loaded last (every run leaves one audit row per feed), or the one asked for.
SELECT run_id, max(loaded_at) AS loaded_at
FROM quality.load_audit
WHERE $run_id IS NULL OR run_id = $run_id
GROUP BY run_id
ORDER BY loaded_at DESC
LIMIT 1

-- name: run_audit
-- One run's reconciliation per feed: rows read = loaded (new or updated) + skipped (identical to the loaded
-- version) + rejected (+ held back when the feed was refused).
SELECT feed, status, files, rows_read, rows_loaded, rows_updated, rows_skipped, rows_rejected, rows_held_back, message,
    rows_released
FROM quality.load_audit
WHERE run_id = $run_id
ORDER BY feed

-- name: run_rejections
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

-- name: run_loads
-- Files of a feed loaded by a run, and by all runs.
SELECT count(*) FILTER (WHERE run_id = $run_id), count(*) FROM quality.loaded_files WHERE feed = $feed

-- name: raw_batch
-- The rows a raw check validates: those its run loaded, by their load (raw.{feed}._load_id, which grows with the
-- table's storage order: only the new row groups are read); earlier loads were validated by their own runs; keys
-- and references are still checked against the whole table.
SELECT * FROM raw.{feed}
WHERE _load_id IN (SELECT load_id FROM quality.load_audit WHERE feed = $feed AND run_id = $run_id)

-- name: duplicate_keys
-- Keys held by more than one row, narrowed first by a hash of the key: the hashes that repeat are equal
-- neighbours once sorted (cheaper than grouping every key); a key with a null is left to the not-null expectations.
SELECT * FROM (
    SELECT {key_columns}, count(*) AS rows
    FROM {batch}
    WHERE hash({key_columns}) IN (
        SELECT _hash FROM (
            SELECT _hash, lead(_hash) OVER (ORDER BY _hash) AS _next FROM (SELECT hash({key_columns}) AS _hash FROM {batch})
        )
        WHERE _hash = _next
    )
    GROUP BY ALL
    HAVING count(*) > 1
)
WHERE COLUMNS(*) IS NOT NULL

-- name: earlier_load_keys
-- Keys of the rows of a raw feed under validation already held by a row of another load of raw.{feed} (or of
-- none: a row written before loads were numbered): added to duplicate_keys for a raw feed's checks.
SELECT {key_columns}, 2 AS rows
FROM {batch} AS b
SEMI JOIN (
    SELECT {key_columns} FROM raw.{feed} ANTI JOIN (SELECT DISTINCT _load_id FROM {batch}) USING (_load_id)
) AS e USING ({key_columns})

-- name: orphans
-- Rows whose reference does not resolve to a row of the parent table.
SELECT c.{column} FROM {batch} AS c ANTI JOIN raw.{parent} AS p ON p.{parent_column} = c.{column}
WHERE c.{column} IS NOT NULL

-- name: date_order
-- Rows whose later date comes before their earlier one (a due date before the issue date, ...).
SELECT {earlier}, {later} FROM {batch} WHERE {later} < {earlier}

-- name: differences
-- Rows whose column is not minuend - subtrahend within a cent (net amount = list amount - discount).
SELECT {key_columns}, {minuend}, {subtrahend}, {column} FROM {batch}
WHERE abs({column} - ({minuend} - {subtrahend})) > 0.01

-- name: before_parent
-- Rows dated before the date of their parent's row (a payment before its invoice was issued).
SELECT {key_columns}, c.{via}, c.{column}, p.{parent_column}
FROM {batch} AS c JOIN raw.{parent} AS p ON p.{parent_key} = c.{via}
WHERE c.{column} < p.{parent_column}

-- name: above_parent_total
-- Parents whose rows in a whole table add up to more than the parent's own amount (the payments of an invoice
-- above its amount).
SELECT c.{via}, p.{parent_column}, sum(c.{column}) AS total
FROM {batch} AS c JOIN raw.{parent} AS p ON p.{parent_key} = c.{via}
GROUP BY ALL
HAVING sum(c.{column}) > p.{parent_column}

-- name: above_parent_total_of_rows
-- above_parent_total for some rows of raw.{feed}: their parents whose rows, over all of raw.{feed}, add up to more
-- than the parent's own amount.
SELECT c.{via}, p.{parent_column}, sum(c.{column}) AS total
FROM raw.{feed} AS c JOIN raw.{parent} AS p ON p.{parent_key} = c.{via}
WHERE c.{via} IN (SELECT {via} FROM {batch})
GROUP BY ALL
HAVING sum(c.{column}) > p.{parent_column}

-- name: missing_customers
-- Customers known on the as-of date (signed up by then, or without a signup date) that have no row: all of them
-- when the mart has no row at all ({as_of}: the run's as-of date, an ISO date).
SELECT c.customer_id FROM staging.customers AS c
ANTI JOIN {batch} AS m ON m.customer_id = c.customer_id
WHERE c.signup_date IS NULL OR c.signup_date <= DATE '{as_of}'

-- name: unscored_customers
-- Mart rows of customers (not prospects, whose score is null: they are tiered by their fit alone) without a score.
SELECT customer_id FROM {batch} WHERE segment = 'customer' AND score IS NULL

-- name: unknown_customers
-- Mart rows of customers that are not in the customers feed.
SELECT m.customer_id FROM {batch} AS m ANTI JOIN staging.customers AS c ON c.customer_id = m.customer_id
