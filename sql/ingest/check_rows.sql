-- One landing file's rows typed, with why a row cannot be used: a value of the wrong type, a missing required
-- value, or a broken row rule (sql/ingest/rules/<feed>.sql; each term is NULL when the rule holds). _usable only
-- asks whether a check failed, so the reason and the raw record (the values as read) are only built when the
-- rows that cannot be used are quarantined.
CREATE OR REPLACE TEMP VIEW landing_checked AS
WITH typed AS (
    SELECT
        {typed_columns}, _row_number, {type_failed} AS _type_failed,
        concat_ws('; ', {type_reasons}) AS _type_reason, {record} AS _as_read
    FROM landing_file
)
SELECT
    * EXCLUDE (_type_failed, _type_reason, _as_read),
    NOT _type_failed AND coalesce({rule_terms}) IS NULL AS _usable,
    concat_ws('; ', nullif(_type_reason, ''), {rule_terms}) AS _reason,
    to_json(_as_read) AS _raw
FROM typed
