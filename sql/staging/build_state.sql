-- What each staging table was last built from (a fingerprint of its SQL, the base currency and the manifest
-- of loaded files): a table whose inputs did not change is not rebuilt.
CREATE SCHEMA IF NOT EXISTS staging;
CREATE TABLE IF NOT EXISTS staging.build_state (
    table_name VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    built_at TIMESTAMP NOT NULL
);
