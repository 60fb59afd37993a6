"""The one shape of asset that runs a SQL file building one DuckDB table: sql/<schema>/<name>.sql -> schema.name."""

from datetime import timedelta

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from assets.partitions import as_of_partitions, one_pass, run_dates
from tiering.sql import run_sql
from tiering.warehouse import set_run_window

# A mart not refreshed for more than a night and a bit shows as stale in the UI.
NIGHTLY_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=30), warn_window=timedelta(hours=26)
)


def sql_table_asset(table: str, deps: list[str], description: str, group: str) -> dg.AssetsDefinition:
    """An unpartitioned table rebuilt from all data (staging), built by its SQL file."""
    schema, name = table.split(".")

    @dg.asset(
        key=[schema, name],
        deps=[dg.AssetKey(d.split(".")) for d in deps],
        group_name=group,
        kinds={"duckdb", "sql"},
        description=f"{description} Built by sql/{schema}/{name}.sql.",
        owners=["team:data-engineering"],
    )
    def _built(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as con:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            run_sql(con, f"{schema}/{name}")
            return dg.MaterializeResult(metadata=table_metadata(con, table))

    return _built


def as_of_table_asset(table: str, deps: list[str], description: str) -> dg.AssetsDefinition:
    """A mart for the run's as-of dates, built by its SQL file with getvariable('run_start'/'run_end') set."""
    schema, name = table.split(".")

    @dg.asset(
        key=[schema, name],
        deps=[dg.AssetKey(d.split(".")) for d in deps],
        partitions_def=as_of_partitions,
        backfill_policy=one_pass,
        freshness_policy=NIGHTLY_FRESHNESS,
        group_name="marts",
        kinds={"duckdb", "sql"},
        description=f"{description} Built by sql/{schema}/{name}.sql.",
        owners=["team:data-engineering"],
    )
    def _built(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
        dates = run_dates(context)
        with duckdb.get_connection() as con:
            run_sql(con, "marts/create_history_tables")
            set_run_window(con, dates[0], dates[-1])
            run_sql(con, f"{schema}/{name}")
            return dg.MaterializeResult(metadata=table_metadata(con, table))

    return _built
