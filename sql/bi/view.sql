-- A stable BI view over one mart: the mart's rows, its columns under BI names (tiering/outputs.py).
CREATE OR REPLACE VIEW {view} AS
SELECT
    {columns}
FROM {table}
