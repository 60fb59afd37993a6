"""The SQL loader: model files and named queries."""

import duckdb
import pytest

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


def test_a_literal_path_escapes_every_pattern_character_and_refuses_what_duckdb_cannot_match(tmp_path):
    assert sql.literal("/data/in[1]/orders_202?.csv") == "/data/in[[]1[]]/orders_202[?].csv"
    assert (
        sql.literal("s3://bucket/a*b") == "s3://bucket/a[*]b"
        and sql.literal("/plain\\name") == "/plain\\name"
    )
    with pytest.raises(ValueError, match="both a backslash and"):
        sql.literal("/data/in\\[1].csv")
    for name in ("in[1]", "in1"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.csv").write_text(f"folder\n{name}\n")
    with duckdb.connect() as con:
        found = con.execute(
            "SELECT folder FROM read_csv(?)", [sql.literal(tmp_path / "in[1]" / "x.csv")]
        ).fetchall()
    assert found == [("in[1]",)]
