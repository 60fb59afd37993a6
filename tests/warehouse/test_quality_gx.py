"""Great Expectations on DuckDB: pinned, imported lazily, and its one adaptation (a persisted connection) tested."""

import os
import re
import subprocess
import sys
from contextlib import contextmanager
from datetime import date

import duckdb
import pytest
import sqlalchemy as sa

from tiering.feeds import FEEDS
from tiering.settings import REPO_ROOT
from tiering.warehouse.quality.suites import raw_rows, raw_suite, tiers_suite

AS_OF = date(2026, 6, 30)
ACTIONS = {"Ideal": "Proactive", "Acceptable": "Reactive", "Poor": "No-fly zone"}


@pytest.fixture(scope="module")
def gx():
    from tiering.warehouse.quality import gx

    return gx


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        connection.execute(
            "CREATE SCHEMA raw; CREATE SCHEMA staging; CREATE SCHEMA marts; CREATE SCHEMA quality"
        )
        connection.execute(
            "CREATE TABLE quality.loaded_files AS SELECT 'orders' AS feed, 'a.csv' AS source_file, "
            "'run 1' AS run_id, TIMESTAMP '2026-06-01' AS loaded_at"
        )
        connection.execute(
            "CREATE TABLE quality.load_audit AS SELECT 'orders' AS feed, 'run 1' AS run_id, 1 AS load_id"
        )
        connection.execute(
            "CREATE TABLE raw.customers AS SELECT * FROM (VALUES ('C1'), ('C2')) AS v(customer_id)"
        )
        connection.execute(
            "CREATE TABLE staging.customers AS SELECT customer_id, DATE '2020-01-01' AS signup_date "
            "FROM raw.customers"
        )
        connection.execute(
            """CREATE TABLE raw.orders AS SELECT * FROM (VALUES
                ('O1', 'C1', DATE '2026-01-05', 'completed', 'USD', 'a.csv', 1),
                ('O1', 'C1', DATE '2026-01-06', 'completed', 'USD', 'a.csv', 1),
                ('O2', 'C9', DATE '2026-01-07', 'pending', 'USD', 'a.csv', 1),
                ('O3', 'C2', DATE '2026-08-01', 'returned', 'USD', 'a.csv', NULL)
            ) AS v(order_id, customer_id, order_date, status, currency, _source_file, _load_id)"""
        )
        yield connection


def _by_label(outcomes) -> dict:
    return {o.expectation.label: o for o in outcomes}


def test_the_definitions_load_without_importing_great_expectations():
    code = "import sys, pipelines.definitions; print('great_expectations' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120
    )
    assert done.stdout.strip() == "False", done.stderr


def test_the_installed_great_expectations_is_the_pinned_one(gx):
    import great_expectations

    pinned = re.search(r'"great-expectations==([\d.]+)"', (REPO_ROOT / "pyproject.toml").read_text())
    assert pinned and great_expectations.__version__ == pinned.group(1)


def test_gx_on_duckdb_reports_failing_counts_and_values(gx, con):
    outcomes = _by_label(gx.validate(con, "raw.orders", raw_suite(FEEDS["orders"], AS_OF)))
    assert all(o.error is None for o in outcomes.values())
    unique = outcomes["(order_id) unique"]
    assert (unique.success, unique.failing, unique.examples) == (False, 1, [{"order_id": "O1", "rows": 2}])
    orphans = outcomes["customer_id found in raw.customers"]
    assert (orphans.success, orphans.failing, orphans.examples) == (False, 1, [{"customer_id": "C9"}])
    status = outcomes["status in completed, cancelled, returned"]
    assert (status.success, status.failing, status.examples) == (False, 1, ["pending"])
    future = outcomes["order_date not after the as-of date 2026-06-30"]
    assert (future.success, future.failing) == (False, 1)
    assert outcomes["customer_id not null"].success and outcomes["order_date not null"].success
    assert {o.expectation.blocking for o in (unique, orphans)} == {True}
    assert {o.expectation.blocking for o in (status, future)} == {False}


def test_raw_checks_validate_the_rows_of_their_run_against_the_whole_table(gx, con):
    assert raw_rows(con, FEEDS["orders"], "run 1") is None  # run 1 loaded every file: the table as it is
    con.execute(
        "INSERT INTO quality.loaded_files VALUES ('orders', 'b.csv', 'run 2', TIMESTAMP '2026-06-02')"
    )
    con.execute("INSERT INTO quality.load_audit VALUES ('orders', 'run 2', 2)")
    con.execute(
        "INSERT INTO raw.orders VALUES ('O3', 'C1', DATE '2026-06-01', 'completed', 'USD', 'b.csv', 2), "
        "('O4', 'C2', DATE '2026-06-01', 'completed', 'USD', 'b.csv', 2)"
    )
    suite = raw_suite(FEEDS["orders"], AS_OF, whole_table=False)
    outcomes = _by_label(gx.validate(con, "raw.orders", suite, raw_rows(con, FEEDS["orders"], "run 2")))
    unique = outcomes["(order_id) unique"]
    assert (unique.failing, unique.examples) == (
        1,
        [{"order_id": "O3", "rows": 2}],
    )  # O1 was checked by run 1; O3 of a row written before loads were numbered is still found
    assert outcomes["customer_id found in raw.customers"].success  # C9 came with run 1
    assert outcomes["status in completed, cancelled, returned"].success


def test_payments_above_their_invoice_are_found_in_a_whole_table_and_among_the_rows_of_a_run(gx, con):
    """A run's payments are summed with those of earlier runs: I2's second payment, loaded by run 2, takes it over."""
    con.execute(
        """CREATE TABLE raw.invoices AS SELECT * FROM (VALUES
            ('I1', 'C1', DATE '2026-01-05', 10.00), ('I2', 'C1', DATE '2026-01-05', 10.00)
        ) AS v(invoice_id, customer_id, issued_date, amount)"""
    )
    con.execute(
        """CREATE TABLE raw.payments AS SELECT * FROM (VALUES
            ('P1', 'I1', DATE '2026-02-01', 12.00, 'a.csv', 1), ('P2', 'I2', DATE '2026-02-01', 6.00, 'a.csv', 1),
            ('P3', 'I2', DATE '2026-03-01', 6.00, 'b.csv', 2)
        ) AS v(payment_id, invoice_id, paid_date, amount, _source_file, _load_id)"""
    )
    con.execute(
        "INSERT INTO quality.loaded_files VALUES ('payments', 'a.csv', 'run 1', TIMESTAMP '2026-06-01'), "
        "('payments', 'b.csv', 'run 2', TIMESTAMP '2026-06-02')"
    )
    con.execute("INSERT INTO quality.load_audit VALUES ('payments', 'run 1', 1), ('payments', 'run 2', 2)")
    label = "sum of amount per invoice_id not above invoices.amount"
    found = {}
    for rows in (None, raw_rows(con, FEEDS["payments"], "run 2")):
        suite = raw_suite(FEEDS["payments"], AS_OF, whole_table=rows is None)
        above = _by_label(gx.validate(con, "raw.payments", suite, rows))[label]
        found[rows is None] = (above.failing, sorted(e["invoice_id"] for e in above.examples))
    assert found == {True: (2, ["I1", "I2"]), False: (1, ["I2"])}


def test_the_worker_validates_a_file_in_a_process_of_its_own_and_releases_it(gx, con, tmp_path):
    from tiering.warehouse.quality import worker

    database = tmp_path / "work.duckdb"
    con.execute(f"ATTACH '{database}' AS copy; COPY FROM DATABASE memory TO copy; DETACH copy")
    suite = raw_suite(FEEDS["orders"], AS_OF)
    assert worker.validate_file(str(database), {"threads": 1}, "raw.orders", suite) == gx.validate(
        con, "raw.orders", suite
    )
    assert worker._worker().process.pid != os.getpid()
    with duckdb.connect(str(database)) as writer:  # the worker closed the file: this process may write it
        writer.execute("DROP TABLE raw.orders")


def test_without_a_persisted_connection_gx_gets_no_results_from_duckdb(gx, con, monkeypatch):
    """Why the adaptation exists: if a GX upgrade makes this pass, the adaptation can go."""

    @contextmanager
    def connection_per_query(engine):
        yield

    monkeypatch.setattr(gx, "_persisted_connection", connection_per_query)
    outcomes = gx.validate(con, "raw.orders", raw_suite(FEEDS["orders"], AS_OF))
    assert any(o.error for o in outcomes)


def test_each_query_runs_once_for_its_count_and_once_for_its_rows(gx, con):
    """GX reads a query's columns on a connection of its own: were the persisted connection's transaction still
    open, DuckDB would refuse that connection's, and GX would compute every metric of the round again."""
    con.execute("DELETE FROM raw.orders WHERE order_id <> 'O1' OR order_date <> DATE '2026-01-05'")
    statements = []

    def record(connection, cursor, statement, *_):
        statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        for _ in range(8):  # GX computes a round's metrics in an order of its own, each validation another
            outcomes = gx.validate(con, "raw.orders", raw_suite(FEEDS["orders"], AS_OF))
            assert all(o.success for o in outcomes)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert len([s for s in statements if "ANTI JOIN raw.customers" in s]) == 2 * 8


def test_the_tiers_suite_blocks_wrong_tiers_actions_scores_and_customers(gx, con):
    con.execute(
        """CREATE TABLE marts.customer_tiers AS SELECT * FROM (VALUES
            ('C1', DATE '2026-06-30', 'customer', 80.0, 90.0, 'Ideal', 'Proactive', 'fits'),
            ('C1', DATE '2026-06-30', 'customer', 120.0, 90.0, 'Great', 'Reactive', 'fits'),
            ('C7', DATE '2026-06-30', 'customer', 30.0, 40.0, 'Poor', 'Reactive', NULL),
            ('C8', DATE '2026-06-30', 'customer', NULL, 40.0, 'Poor', 'No-fly zone', 'fits'),
            ('C9', DATE '2026-06-30', 'prospect', NULL, 140.0, 'Poor', 'No-fly zone', 'fits')
        ) AS v(customer_id, as_of_date, segment, score, fit_score, tier, action, reasons)"""
    )
    outcomes = gx.validate(con, "marts.customer_tiers", tiers_suite(AS_OF, ACTIONS))
    failed = {o.expectation.label: o.failing for o in outcomes if not o.success}
    assert failed == {
        "(customer_id) unique": 1,
        "every customer known on the as-of date has a row": 1,
        "no row for an unknown customer": 3,  # C7, C8, C9
        "tier in Ideal, Acceptable, Poor": 1,
        "tier and action pair as in the policy": 2,
        "score within 0-100": 1,
        "score not null for a customer": 1,  # C8; C9 is a prospect, tiered by its fit alone
        "fit_score within 0-100": 1,
        "reasons given": 1,
    }
    assert [o.expectation.blocking for o in outcomes if not o.success].count(False) == 1


def test_an_empty_tiers_table_fails_as_every_known_customer_missing(gx, con):
    """Issue 15 (3): shard files not found once gave a table without rows, and the check passed it."""
    con.execute(
        "CREATE TABLE marts.customer_tiers (customer_id VARCHAR, as_of_date DATE, segment VARCHAR, score DOUBLE, "
        "fit_score DOUBLE, tier VARCHAR, action VARCHAR, reasons VARCHAR)"
    )
    outcomes = _by_label(gx.validate(con, "marts.customer_tiers", tiers_suite(AS_OF, ACTIONS)))
    missing = outcomes["every customer known on the as-of date has a row"]
    assert (missing.success, missing.failing, missing.expectation.blocking) == (False, 2, True)


def test_optional_columns_missing_throughout_pass_every_raw_check(gx, tmp_path):
    """Only the required columns (order_lines without line_no, list, discount or cost): NULL is not a failure."""
    from tiering.warehouse.ingest import feed_files, load_feed

    for feed, text in {
        "customers": "customer_id\nC1\n",
        "orders": "order_id,customer_id,order_date\nO1,C1,2026-01-05\n",
        "order_lines": "order_id,net_amount\nO1,10.00\nO1,2.50\n",
    }.items():
        (tmp_path / feed).mkdir()
        (tmp_path / feed / "a.csv").write_text(text)
    with duckdb.connect() as con:
        for feed in ("customers", "orders", "order_lines"):
            load_feed(con, FEEDS[feed], feed_files(tmp_path, FEEDS[feed]))
            outcomes = gx.validate(con, f"raw.{feed}", raw_suite(FEEDS[feed], AS_OF))
            assert [o.expectation.label for o in outcomes if not o.success or o.error] == [], feed
