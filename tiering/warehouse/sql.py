"""Load the DuckDB SQL kept as files under sql/ and run it.

A model (a staging table, a trait input, a mart) is a complete statement in a file of its own,
sql/<layer>/<model>.sql, named "<layer>/<model>". Small lookups a module makes are named queries in one file per
module, sql/queries/<module>.sql, each starting at a line `-- name: <query>`, and named "<module>:<query>".
"""

import re
from functools import cache

import duckdb

from tiering.settings import SQL_DIR

_NAMED = re.compile(r"^-- name: (\w+)[ \t]*$", re.MULTILINE)


@cache
def named_queries(module: str) -> dict[str, str]:
    """The named queries of sql/queries/<module>.sql."""
    parts = _NAMED.split((SQL_DIR / "queries" / f"{module}.sql").read_text())
    return {name: text.strip() + "\n" for name, text in zip(parts[1::2], parts[2::2], strict=True)}


@cache
def sql_text(name: str) -> str:
    """The text of sql/<name>.sql, or of the named query "<module>:<query>"."""
    module, _, query = name.partition(":")
    if query:
        return named_queries(module)[query]
    return (SQL_DIR / f"{name}.sql").read_text()


def render(name: str, **identifiers: str) -> str:
    """The SQL of `name` with {placeholders} filled. Only for identifiers from fixed sets, never for values."""
    return sql_text(name).format(**identifiers)


def run_sql(
    con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None, **identifiers: str
) -> None:
    """Run every statement of the SQL of `name`, binding those of `params` it uses as parameters."""
    text = render(name, **identifiers) if identifiers else sql_text(name)
    con.execute(text, bound(text, params or {}))


def run_each(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> None:
    """Run the statements of the SQL of `name` one by one, each binding those of `params` it uses (DuckDB binds
    parameters to the last statement of a text only)."""
    for statement in sql_text(name).split(";\n"):
        con.execute(statement, bound(statement, params) or None)


def bound(text: str, params: dict) -> dict:
    """Those of `params` the SQL `text` uses ($name): DuckDB refuses values a statement does not take."""
    used = set(re.findall(r"\$(\w+)", text))
    return {key: value for key, value in params.items() if key in used}


def quoted(path: object) -> str:
    """A path or URL made safe inside a single-quoted SQL string (COPY and ATTACH take no parameters)."""
    return str(path).replace("'", "''")


def literal(path: object) -> str:
    """A path or URL that DuckDB's file readers and glob() match as exactly itself: they read every path as a
    pattern, so each of its pattern characters ([, ], *, ?) is put in a class of its own ("wh[1]" → "wh[[]1[]]").
    ValueError for a pattern with a backslash, which DuckDB's patterns cannot match."""
    text = str(path)
    escaped = re.sub(r"([\[\]*?])", r"[\1]", text)
    if escaped != text and "\\" in text:
        raise ValueError("a path holding both a backslash and *, ? or [ cannot be read by DuckDB: rename it")
    return escaped
