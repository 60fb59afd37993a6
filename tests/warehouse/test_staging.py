"""Staging tables are made anew when their definition changes, updated with what new raw rows touch, and kept
when nothing new was loaded."""

import shutil

import duckdb
import pytest

from tiering.feeds import FEEDS
from tiering.warehouse.ingest import feed_files, load_feed
from tiering.warehouse.staging import STAGING_TABLES, MissingRatesError, build_staging


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


def _builds(builds) -> dict[str, str]:
    return {b.table: b.build for b in builds if b.build != "kept"}


def test_new_rows_update_what_they_touch_another_currency_or_a_missing_table_makes_all_anew(con):
    """A night's new order (its raw row with a newer load) rewrites its rows in the orders and the categories of
    its customer and day; the other tables are kept."""
    con.execute(
        "INSERT INTO raw.orders SELECT * REPLACE ('late' AS order_id, nextval('quality.load_ids') AS _load_id) "
        "FROM raw.orders WHERE lower(status) = 'completed' ORDER BY order_id LIMIT 1"
    )
    counts = "SELECT (SELECT count(*) FROM staging.orders), (SELECT count(*) FROM staging.order_categories)"
    orders, categories = con.execute(counts).fetchone()
    builds = build_staging(con, "USD")
    assert _builds(builds) == {"orders": "updated", "order_categories": "updated"}
    assert builds[STAGING_TABLES.index("orders")].rows_written == 1
    # a copy of an order: one more order, the same categories bought that day (written again)
    assert con.execute(counts).fetchone() == (orders + 1, categories)
    assert _rebuilt(build_staging(con, "USD")) == set()

    con.execute(  # a rate of USD to EUR, for EUR as the base currency
        "INSERT INTO raw.fx_rates SELECT * REPLACE ('USD' AS currency) FROM raw.fx_rates LIMIT 1"
    )
    assert _rebuilt(build_staging(con, "EUR")) == set(STAGING_TABLES)

    con.execute("DROP TABLE staging.tickets")
    assert _rebuilt(build_staging(con, "EUR")) == set(STAGING_TABLES)


def _facts(con) -> dict[str, tuple]:
    """Rows, distinct keys and amounts of the staged orders, invoices and payments."""
    return {
        table: con.execute(
            f"SELECT count(*), count(DISTINCT {key}), round(sum({amount}), 2) FROM staging.{table}"
        ).fetchone()
        for table, key, amount in (
            ("orders", "order_id", "net_amount"),
            ("invoices", "invoice_id", "amount"),
            ("payments", "payment_id", "amount"),
        )
    }


def test_a_rate_whose_currency_collides_once_trimmed_and_upper_cased_is_quarantined_not_joined(
    con, s_landing, tmp_path
):
    """`eur ` beside `EUR` in the rates: one currency, written twice; the second is a duplicate, so no order,
    invoice or payment is staged twice and revenue is unchanged."""
    before = _facts(con)
    landing = tmp_path / "landing"
    (landing / "fx_rates").mkdir(parents=True)
    rates = (s_landing / "fx_rates" / "fx_rates.csv").read_text()
    (landing / "fx_rates" / "fx_rates.csv").write_text(rates + "eur ,1.50\n")
    load = load_feed(con, FEEDS["fx_rates"], feed_files(landing, FEEDS["fx_rates"]))
    assert (load.rows_read, load.rows_skipped, load.rows_rejected) == (3, 2, 1)
    assert _rebuilt(build_staging(con, "USD")) == set()  # nothing new reached raw.fx_rates
    assert _facts(con) == before
    rejected = "SELECT row_number, reason FROM quality.rejected_rows WHERE run_id = $run"
    assert con.execute(rejected, {"run": load.run_id}).fetchall() == [
        (3, "duplicate key: repeated in this file, written differently (keys are trimmed, codes upper-cased)")
    ]


def test_a_night_with_an_order_in_a_currency_without_a_rate_is_refused_as_a_first_load_is(con):
    con.execute(
        "INSERT INTO raw.orders SELECT * REPLACE ('new' AS order_id, 'CHF' AS currency, "
        "nextval('quality.load_ids') AS _load_id) FROM raw.orders LIMIT 1"
    )
    with pytest.raises(MissingRatesError, match=r"without a rate to USD: CHF \(1 orders\)"):
        build_staging(con, "USD")


def test_tables_made_in_customer_parts_equal_those_made_whole_and_keep_bucket_order(con):
    con.execute("DROP TABLE staging.tickets")  # every table made anew, in one statement each
    whole = build_staging(con, "USD")
    assert _rebuilt(whole) == set(STAGING_TABLES)
    for table in STAGING_TABLES:
        con.execute(f"CREATE TEMP TABLE whole_{table} AS FROM staging.{table}")
    (orders,) = con.execute("SELECT count(*) FROM raw.orders").fetchone()
    con.execute("DROP TABLE staging.tickets")
    assert _rebuilt(build_staging(con, "USD", part_orders=orders // 7)) == set(STAGING_TABLES)
    for table in STAGING_TABLES:
        rows, differing = con.execute(
            f"SELECT (SELECT count(*) FROM staging.{table}), (SELECT count(*) FROM "
            f"(FROM staging.{table} EXCEPT ALL FROM whole_{table} UNION ALL "
            f"FROM whole_{table} EXCEPT ALL FROM staging.{table}))"
        ).fetchone()
        assert rows > 0 and differing == 0, table
    for table in (t for t in STAGING_TABLES if t != "fx_rates"):
        (out_of_order,) = con.execute(
            f"SELECT count(*) FROM (SELECT customer_bucket < lag(customer_bucket) OVER (ORDER BY rowid) AS back "
            f"FROM staging.{table}) WHERE back"
        ).fetchone()
        assert out_of_order == 0, table
