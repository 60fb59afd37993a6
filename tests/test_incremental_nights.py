"""Nights that update staging with what their new files touch give what nights that rebuild everything give.

Two warehouses run the same three nights on the same landing folder: the first load, then each night after a day
of new exports (the last day's rows with new ids, and earlier orders sent again with another status and their
first line with another amount). One updates staging from the night's new rows; the other reloads every file and
makes everything anew each night. Their staging tables hold the same rows, and every published table is the same.
M runs only with TIERS_TEST_M=1 (about 10 min).
"""

import os
import shutil
from dataclasses import replace
from datetime import timedelta

import duckdb
import pytest

from bench.new_day import write_new_day
from tiering.demo_data import generate
from tiering.warehouse.staging import STAGING_TABLES

# published tables compared row by row (their run ids and timestamps left out)
PUBLISHED = {
    "marts.customer_tiers": "",
    "marts.customer_traits": "",
    "marts.tier_history": "",
    "marts.tier_movements": "",
    "marts.tier_summary": "",
}


@pytest.fixture(
    params=[
        "S",
        pytest.param(
            "M",
            marks=pytest.mark.skipif(not os.environ.get("TIERS_TEST_M"), reason="M only with TIERS_TEST_M=1"),
        ),
    ]
)
def landing(request, s_landing, tmp_path, as_of):
    landing = tmp_path / "landing"
    if request.param == "S":
        shutil.copytree(s_landing, landing)
    else:
        generate(landing, size="M", seed=7, end_date=as_of)
    return landing


def test_nights_updating_staging_equal_nights_making_it_anew(landing, tmp_path, pipeline, as_of):
    updated = replace(pipeline.settings(tmp_path / "updated", landing), file_settle_seconds=0.0)
    anew = replace(pipeline.settings(tmp_path / "anew", landing), file_settle_seconds=0.0, full_reload=True)
    days = []
    for night in range(3):
        if night:
            days.append(write_new_day(landing, updates=20 * night))
        day = as_of + timedelta(days=night)
        for settings in (updated, anew):
            assert pipeline.run(settings, day).success
    assert [d["day"] for d in days] == [(as_of + timedelta(days=n)).isoformat() for n in (1, 2)]
    with (
        duckdb.connect(str(updated.work_db), read_only=True) as got,
        duckdb.connect(str(anew.work_db), read_only=True) as want,
    ):
        builds = dict(got.execute("SELECT table_name, rows_appended FROM staging.build_state").fetchall())
        assert builds["orders"] > 0  # the nights did update staging
        for table in (*(f"staging.{t}" for t in STAGING_TABLES), *PUBLISHED):
            assert _rows(got, table) == _rows(want, table), table


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    """The table's rows in a fixed order, without the columns a run stamps (run ids, times)."""
    columns = [
        name
        for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name || '.' || table_name = $t "
            "AND column_name NOT IN ('run_id', 'scored_at', 'published_at', 'computed_at')",
            {"t": table},
        ).fetchall()
    ]
    return con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()
