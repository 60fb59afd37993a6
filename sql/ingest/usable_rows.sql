-- One landing file's usable rows, typed, into raw.{feed}: those that pass every type check (a value that does not
-- cast to the column's type, a missing required value; over the values as read) and every row rule (over the
-- typed values). Each check is a term that is NULL when the row passes it (tiering/quality/row_checks.py); the
-- reasons are only built for the rows that cannot be used (rejected_rows.sql).
INSERT INTO raw.{feed}
SELECT {columns}, $source_file, _row_number
FROM (
    SELECT {typed_columns}, _row_number, coalesce({type_checks}) AS _type_failure
    FROM landing_file
)
WHERE _type_failure IS NULL AND coalesce({rule_checks}) IS NULL
