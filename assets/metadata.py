"""Materialization metadata for a DuckDB table: row count, documented column schema, column lineage, a preview."""

import dagster as dg
import duckdb

from tiering.lineage import LINEAGE, Lineage
from tiering.outputs import OUTPUT_TABLES
from tiering.warehouse.tables import row_count

COLUMN_DOCS = {table.name: table.columns for table in OUTPUT_TABLES}

PREVIEW_ROWS = 5


def table_metadata(con: duckdb.DuckDBPyConnection, table: str, **extra) -> dict:
    """dagster/row_count, dagster/column_schema (with the documented meanings), dagster/table_name,
    dagster/column_lineage when known and a markdown preview of `schema.table`."""
    columns = con.execute(f"DESCRIBE {table}").fetchall()
    rows = row_count(con, table)
    preview = con.execute(f"SELECT * FROM {table} LIMIT {PREVIEW_ROWS}").fetchall()
    docs = COLUMN_DOCS.get(table, {})
    schema = dg.TableSchema(
        columns=[dg.TableColumn(name=c[0], type=c[1], description=docs.get(c[0])) for c in columns]
    )
    lineage = {"dagster/column_lineage": column_lineage(LINEAGE[table])} if table in LINEAGE else {}
    return {
        "dagster/row_count": rows,
        "dagster/column_schema": schema,
        "dagster/table_name": table,
        "preview": dg.MetadataValue.md(_markdown_table([c[0] for c in columns], preview)),
        **lineage,
        **extra,
    }


def column_lineage(lineage: Lineage) -> dg.TableColumnLineage:
    """Each column's upstream columns ("schema.table.column") as Dagster column lineage."""
    return dg.TableColumnLineage(
        deps_by_column={
            column: [
                dg.TableColumnDep(asset_key=dg.AssetKey(dep.split(".")[:2]), column_name=dep.split(".")[2])
                for dep in deps
            ]
            for column, deps in lineage.items()
        }
    )


def _markdown_table(header: list[str], rows: list[tuple]) -> str:
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return text.replace("|", "\\|").replace("\n", " ")[:60]

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
