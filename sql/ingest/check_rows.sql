-- Why a row cannot be used (NULL when it can): one reason per failing column.
CREATE OR REPLACE TEMP VIEW landing_checked AS
SELECT *, nullif(concat_ws('; ', {reason_terms}), '') AS _reason
FROM landing_file
