"""The `bi` schema of the BI file: a stable view per mart and a comment on every table, view and column.

Everything comes from tiering/outputs.py, the source of docs/outputs.md too, so docs and database agree.
"""

from tiering.outputs import OUTPUT_TABLES, OutputTable
from tiering.warehouse.sql import render, sql_text


def bi_layer_statements() -> list[str]:
    """SQL to run in the BI file, as the default catalog, once the marts are in it: views, then comments."""
    statements = [sql_text("bi_layer:schema")]
    for table in OUTPUT_TABLES:
        statements += [_view(table), *_comments(table)]
    return statements


def _view(table: OutputTable) -> str:
    columns = ",\n    ".join(
        c.name if c.expression == c.name else f"{c.expression} AS {c.name}" for c in table.bi_columns()
    )
    return render("bi_layer:view", view=table.view, table=table.name, columns=columns)


def _comments(table: OutputTable) -> list[str]:
    about = f"{table.purpose} Grain: {table.grain}. See docs/outputs.md."
    return [
        _comment("TABLE", table.name, about),
        _comment("VIEW", table.view, about),
        *(_comment("COLUMN", f"{table.name}.{column}", meaning) for column, meaning in table.columns.items()),
        *(_comment("COLUMN", f"{table.view}.{c.name}", c.meaning) for c in table.bi_columns()),
    ]


def _comment(kind: str, target: str, text: str) -> str:
    # COMMENT ON takes no parameters: the text, from outputs.py, is quoted as a SQL string literal.
    return render("bi_layer:comment", kind=kind, target=target, text="'" + text.replace("'", "''") + "'")
