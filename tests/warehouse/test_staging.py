"""Staging tables are rebuilt when their inputs change, and kept when nothing new was loaded."""

import shutil

import duckdb
import pytest

from tiering.warehouse.staging import STAGING_TABLES, build_staging


@pytest.fixture
def con(s_run, tmp_path):
    settings, result = s_run
    assert result.success
    shutil.copy(settings.work_db, tmp_path / "work.duckdb")
    with duckdb.connect(str(tmp_path / "work.duckdb")) as connection:
        yield connection


def _rebuilt(builds) -> set[str]:
    return {b.table for b in builds if b.rebuilt}


def test_nothing_new_keeps_every_staging_table(con):
    orders = con.execute("SELECT count(*), sum(net_amount) FROM staging.orders").fetchone()
    assert _rebuilt(build_staging(con, "USD")) == set()
    assert con.execute("SELECT count(*), sum(net_amount) FROM staging.orders").fetchone() == orders


def test_a_new_file_another_currency_or_a_missing_table_rebuilds(con):
    con.execute(
        "INSERT INTO quality.loaded_files SELECT * REPLACE ('late.csv' AS file_name, 'run 2' AS run_id) "
        "FROM quality.loaded_files WHERE feed = 'orders' LIMIT 1"
    )
    assert _rebuilt(build_staging(con, "USD")) == set(STAGING_TABLES)
    assert _rebuilt(build_staging(con, "USD")) == set()

    con.execute(  # a rate of USD to EUR, for EUR as the base currency
        "INSERT INTO raw.fx_rates SELECT * REPLACE ('USD' AS currency) FROM raw.fx_rates LIMIT 1"
    )
    assert _rebuilt(build_staging(con, "EUR")) == set(STAGING_TABLES)

    con.execute("DROP TABLE staging.tickets")
    assert _rebuilt(build_staging(con, "EUR")) == {"tickets"}
