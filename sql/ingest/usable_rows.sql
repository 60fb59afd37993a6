-- One landing file's usable rows, typed, into the load's rows (ingest_rows; raw.{feed} takes them after the
-- duplicates, orphans and versions are sorted out): those that pass every type check (a value that does not cast
-- to the column's type, a missing required value; over the values as read) and every row rule (over the typed
-- values, each a term that is NULL when the row passes it; see tiering/warehouse/quality/row_checks.py). The
-- reasons of the type checks are only built for the rows that cannot be used (rejected_rows.sql).
INSERT INTO ingest_rows
SELECT {columns}, _row_number, $seq, _key_as_read
FROM (
    SELECT
        {typed_columns}, _tiers_row_number AS _row_number, {type_failed} AS _type_failed,
        {key_as_read} AS _key_as_read
    FROM landing_file
)
WHERE NOT _type_failed AND coalesce({rule_checks}) IS NULL
