CREATE TABLE bi.{schema}.{table} AS SELECT * FROM {schema}.{table}
