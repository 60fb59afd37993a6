-- Rows whose reference does not resolve to a row of the parent table.
SELECT c.{column} FROM {batch} AS c ANTI JOIN {parent} AS p ON p.{parent_column} = c.{column}
WHERE c.{column} IS NOT NULL
