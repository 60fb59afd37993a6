"""Materialization metadata for a DuckDB table: row count, column schema and a small preview."""

import dagster as dg
import duckdb

PREVIEW_ROWS = 5


def table_metadata(con: duckdb.DuckDBPyConnection, table: str, **extra) -> dict:
    """dagster/row_count, dagster/column_schema, dagster/table_name and a markdown preview of `schema.table`."""
    columns = con.execute(f"DESCRIBE {table}").fetchall()
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    preview = con.execute(f"SELECT * FROM {table} LIMIT {PREVIEW_ROWS}").fetchall()
    schema = dg.TableSchema(columns=[dg.TableColumn(name=c[0], type=c[1]) for c in columns])
    return {
        "dagster/row_count": rows,
        "dagster/column_schema": schema,
        "dagster/table_name": table,
        "preview": dg.MetadataValue.md(_markdown_table([c[0] for c in columns], preview)),
        **extra,
    }


def _markdown_table(header: list[str], rows: list[tuple]) -> str:
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return text.replace("|", "\\|").replace("\n", " ")[:60]

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
