"""The SQL loader: model files and named queries."""

import duckdb

from tiering.warehouse import sql


def test_named_queries_split_at_their_name_lines(tmp_path, monkeypatch):
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "lookups.sql").write_text(
        "-- Lookups of a module.\n-- name: one\nSELECT 1;\n\n-- name: two\nSELECT\n    $x AS two;\n"
    )
    monkeypatch.setattr(sql, "SQL_DIR", tmp_path)
    sql.named_queries.cache_clear()
    sql.sql_text.cache_clear()
    try:
        assert sql.named_queries("lookups") == {"one": "SELECT 1;\n", "two": "SELECT\n    $x AS two;\n"}
        assert sql.sql_text("lookups:two") == "SELECT\n    $x AS two;\n"
    finally:
        sql.named_queries.cache_clear()
        sql.sql_text.cache_clear()


def test_every_named_query_file_parses():
    for path in (sql.SQL_DIR / "queries").glob("*.sql"):
        assert sql.named_queries(path.stem), f"{path} has no named query"


def test_run_sql_binds_only_the_values_its_statement_takes(tmp_path, monkeypatch):
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "lookups.sql").write_text(
        "-- name: make\nCREATE TABLE t AS SELECT $x::INT AS x;\n"
    )
    monkeypatch.setattr(sql, "SQL_DIR", tmp_path)
    sql.named_queries.cache_clear()
    sql.sql_text.cache_clear()
    try:
        with duckdb.connect() as con:
            sql.run_sql(con, "lookups:make", {"x": 7, "unused": "left out"})
            assert con.execute("SELECT x FROM t").fetchall() == [(7,)]
    finally:
        sql.named_queries.cache_clear()
        sql.sql_text.cache_clear()
