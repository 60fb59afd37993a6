"""Load the DuckDB SQL kept as files under sql/ and run it."""

from functools import cache

import duckdb

from tiering.settings import SQL_DIR


@cache
def sql_text(name: str) -> str:
    """The text of sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text()


def render(name: str, **identifiers: str) -> str:
    """sql/<name>.sql with {placeholders} filled. Only for identifiers from fixed sets, never for values."""
    return sql_text(name).format(**identifiers)


def run_sql(
    con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None, **identifiers: str
) -> None:
    """Run every statement of sql/<name>.sql, binding values as parameters."""
    con.execute(render(name, **identifiers) if identifiers else sql_text(name), params or {})


def quoted(path: object) -> str:
    """A path or URL made safe inside a single-quoted SQL string (COPY and ATTACH take no parameters)."""
    return str(path).replace("'", "''")
