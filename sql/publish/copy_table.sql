CREATE TABLE {catalog}.{schema}.{table} AS SELECT * FROM {schema}.{table}
