"""Customer tiering: traits, policy, scoring and demo data as plain functions; Dagster lives in pipelines/ and assets/."""
