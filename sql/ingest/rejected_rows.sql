-- One landing file's rows that cannot be used (usable_rows.sql loads the others), into quarantine with the values
-- as read and every reason: the failed type checks, then the broken row rules.
INSERT INTO quality.rejected_rows
SELECT $feed, $source_file, _row_number, to_json(_as_read), _reason, current_timestamp, $run_id
FROM (
    SELECT _row_number, _as_read, concat_ws('; ', nullif(_type_reasons, ''), {rule_checks}) AS _reason
    FROM (
        SELECT
            {typed_columns}, _tiers_row_number AS _row_number, concat_ws('; ', {type_checks}) AS _type_reasons,
            struct_pack({record}) AS _as_read
        FROM landing_file
    )
)
WHERE _reason <> ''
