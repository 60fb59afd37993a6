"""The one shape of asset that runs a SQL file building one DuckDB table: sql/<schema>/<name>.sql -> schema.name."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from tiering.sql import run_sql


def sql_table_asset(
    table: str,
    deps: list[str],
    description: str,
    group: str,
    partitions_def: dg.PartitionsDefinition | None = None,
) -> dg.AssetsDefinition:
    schema, name = table.split(".")

    @dg.asset(
        key=[schema, name],
        deps=[dg.AssetKey(d.split(".")) for d in deps],
        partitions_def=partitions_def,
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
