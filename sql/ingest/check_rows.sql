-- One landing file's rows typed, with why a row cannot be used (NULL when it can): a value of the wrong type,
-- a missing required value, or a broken row rule (sql/ingest/rules/<feed>.sql). The raw record, as read, is
-- only built for the rows that cannot be used.
CREATE OR REPLACE TEMP VIEW landing_checked AS
WITH typed AS (
    SELECT {typed_columns}, _row_number, concat_ws('; ', {type_terms}) AS _type_reason, {text_record} AS _text
    FROM landing_file
),
checked AS (
    SELECT *, nullif(concat_ws('; ', nullif(_type_reason, ''), {rule_terms}), '') AS _reason
    FROM typed
)
SELECT * EXCLUDE (_type_reason, _text), CASE WHEN _reason IS NOT NULL THEN to_json(_text) END AS _raw
FROM checked
