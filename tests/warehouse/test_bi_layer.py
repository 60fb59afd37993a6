"""The bi schema and the comments, applied as publishing applies them, agree with docs/outputs.md."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from tiering.outputs import OUTPUT_TABLES, render_outputs_doc
from tiering.settings import REPO_ROOT
from tiering.warehouse.bi_layer import bi_layer_statements


@pytest.fixture(scope="module")
def bi_file(s_run, tmp_path_factory):
    """A new file with the run's marts copied in, then the bi layer run in it as the default catalog."""
    settings, _ = s_run
    path = tmp_path_factory.mktemp("bi") / "tiers.duckdb"
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{settings.bi_db}' AS published (READ_ONLY)")
        con.execute(f"ATTACH '{path}' AS fresh")
        con.execute("USE fresh")
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        for table in OUTPUT_TABLES:
            con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM published.{table.name}")
        for statement in bi_layer_statements():
            con.execute(statement)
        con.execute("USE memory")
        con.execute("DETACH fresh")
    return path


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str | None]]:
    return con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
        "ORDER BY column_index",
        [schema, table],
    ).fetchall()


def test_every_mart_has_a_view_with_the_documented_bi_columns_and_the_same_rows(bi_file):
    with duckdb.connect(str(bi_file), read_only=True) as con:
        for table in OUTPUT_TABLES:
            schema, name = table.view.split(".")
            assert [c for c, _ in _columns(con, schema, name)] == [c.name for c in table.bi_columns()]
            rows = con.execute(
                f"SELECT (SELECT count(*) FROM {table.view}), (SELECT count(*) FROM {table.name})"
            )
            view_rows, mart_rows = rows.fetchone()
            assert view_rows == mart_rows, table.view


def test_every_table_view_and_column_carries_its_documented_meaning(bi_file):
    with duckdb.connect(str(bi_file), read_only=True) as con:
        table_comments = dict(
            con.execute("SELECT schema_name || '.' || table_name, comment FROM duckdb_tables()").fetchall()
        )
        view_comments = dict(
            con.execute(
                "SELECT schema_name || '.' || view_name, comment FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        )
        for table in OUTPUT_TABLES:
            assert table.purpose in table_comments[table.name] and table.grain in table_comments[table.name]
            assert view_comments[table.view] == table_comments[table.name]
            schema, name = table.name.split(".")
            assert dict(_columns(con, schema, name)) == table.columns
            schema, name = table.view.split(".")
            assert dict(_columns(con, schema, name)) == {c.name: c.meaning for c in table.bi_columns()}


def test_the_docs_describe_every_view_with_a_query_that_runs(bi_file):
    doc = (REPO_ROOT / "docs" / "outputs.md").read_text()
    assert doc == render_outputs_doc(), "run `tiers docs`"
    with duckdb.connect(str(bi_file), read_only=True) as con:
        for table in OUTPUT_TABLES:
            assert f"## `{table.view}` (view over `{table.name}`)" in doc
            assert table.example in doc
            con.execute(table.example).fetchall()


def test_superset_and_other_sqlalchemy_tools_read_the_views_read_only(bi_file):
    engine = sa.create_engine(f"duckdb:///{bi_file}", connect_args={"read_only": True})
    try:
        assert set(sa.inspect(engine).get_view_names(schema="bi")) == {
            t.view.split(".")[1] for t in OUTPUT_TABLES
        }
        with engine.connect() as con:
            tiers = con.execute(sa.text("SELECT DISTINCT tier, tier_order FROM bi.customer_tiers ORDER BY 2"))
            assert [tier for tier, _ in tiers] == ["Ideal", "Acceptable", "Poor"]
    finally:
        engine.dispose()


def test_the_published_file_carries_the_same_bi_layer(s_run, bi_file):
    """Publishing runs bi_layer_statements() in the new BI file: views and comments as built above."""
    settings, _ = s_run
    query = (
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'bi'"
    )
    with (
        duckdb.connect(str(settings.bi_db), read_only=True) as published,
        duckdb.connect(str(bi_file), read_only=True) as built,
    ):
        assert sorted(published.execute(query).fetchall()) == sorted(built.execute(query).fetchall())


def test_a_duckdb_1x_reader_opens_the_published_file_and_reads_every_bi_view(s_run):
    """BI tools bundle DuckDB 1.x (the Metabase driver, DBeaver, the duckdb-cli package): the published file is
    in a storage format they read. The reader is the DuckDB CLI 1.5.6 of the duckdb-cli package (dev pin)."""
    settings, _ = s_run
    cli = shutil.which("duckdb", path=Path(sys.executable).parent)
    assert cli, "the duckdb-cli package is not installed (pip install -r requirements.lock)"
    version = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1."), version
    # DISTINCT * decodes every column of every row
    query = {
        t.view: f"SELECT '{t.view}', count(*) FROM (SELECT DISTINCT * FROM {t.view})" for t in OUTPUT_TABLES
    }
    with duckdb.connect(str(settings.bi_db), read_only=True) as con:
        expected = {view: str(con.execute(sql).fetchone()[1]) for view, sql in query.items()}
    counts = " UNION ALL ".join(query.values())
    read = subprocess.run(
        [cli, "-readonly", "-csv", "-noheader", str(settings.bi_db), "-c", counts],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert read.returncode == 0, read.stderr
    assert dict(line.split(",") for line in read.stdout.split()) == expected
