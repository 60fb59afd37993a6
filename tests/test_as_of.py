"""The as-of guards and the data lag warning, on hand-made dates and a tiny working database."""

from datetime import date

import duckdb

from tiering.as_of import data_lag_warning, days_between, refusal
from tiering.warehouse.dates import latest_as_of, newest_data

START, TODAY = date(2020, 1, 1), date(2026, 11, 30)


def test_dates_from_the_history_start_to_today_may_run():
    assert refusal(START, TODAY, START, "UTC", TODAY) is None


def test_a_date_after_today_is_refused_naming_the_timezone():
    assert refusal(TODAY, date(2026, 12, 1), START, "Europe/Berlin", TODAY) == (
        "as-of date 2026-12-01 is after today (2026-11-30 in TIERS_TIMEZONE Europe/Berlin): a day's tiers are "
        "made once its data is in"
    )


def test_a_date_before_the_history_start_is_refused_naming_the_variable():
    assert refusal(date(2019, 12, 31), TODAY, START, "UTC", TODAY) == (
        "as-of date 2019-12-31 is before TIERS_HISTORY_START (2020-01-01): set TIERS_HISTORY_START to "
        "2019-12-31 or earlier to run it"
    )


def test_days_between_includes_both_ends():
    assert days_between(date(2026, 2, 27), date(2026, 3, 1)) == [
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
    ]


def test_the_lag_counts_from_the_newest_feed_and_warns_only_beyond_the_limit():
    newest = {"orders": date(2026, 6, 20), "support_tickets": date(2026, 6, 23)}
    assert data_lag_warning(newest, date(2026, 6, 30), 7) is None  # 7 days after the newest ticket
    assert data_lag_warning(newest, date(2026, 7, 1), 7) == (
        "as-of date 2026-07-01 is 8 days after the newest data (orders 2026-06-20, support_tickets "
        "2026-06-23), more than TIERS_MAX_DATA_LAG_DAYS (7): are the exports up to date?"
    )
    assert data_lag_warning({}, date(2026, 7, 1), 7) is None  # nothing staged: nothing to compare


def test_newest_data_reads_each_staged_feed_and_leaves_out_absent_or_empty_ones():
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA staging; CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE staging.orders AS SELECT * FROM (VALUES (DATE '2026-06-01'), (DATE '2026-06-20')) "
            "AS t(order_date)"
        )
        con.execute("CREATE TABLE staging.tickets AS SELECT TIMESTAMP '2026-06-23 17:45' AS opened_at")
        con.execute("CREATE TABLE staging.invoices (issued_date DATE)")  # no rows: left out
        assert newest_data(con) == {"orders": date(2026, 6, 20), "support_tickets": date(2026, 6, 23)}
        con.execute("DROP TABLE staging.tickets")  # no ticket feed at all
        assert newest_data(con) == {"orders": date(2026, 6, 20)}

        assert latest_as_of(con) is None  # no history yet
        con.execute(
            "CREATE TABLE marts.tier_history AS SELECT * FROM (VALUES (DATE '2026-06-30'), (DATE '2026-06-01')) "
            "AS t(as_of_date)"
        )
        assert latest_as_of(con) == date(2026, 6, 30)
