"""The scan limit: one DuckDB query that reads every input column the traits use once and aggregates per customer.

It is the cost no implementation of the traits that computes them in one pass can beat on this machine (the
simpler floor of bench/scan_floor.py, per key and without joins, is below it): the landing Parquet files are read
once (every row of them), lines are joined to their orders and invoices to their orders and payments, and everything
is grouped by customer, with the as-of date and window filters applied. It does not type-check or quarantine
rows, settle invoices payment by payment, count the category universe, score, rank reasons or write anything
durable, so it is a lower bound, not an implementation.

    python -m bench.scan_limit --landing DIR --as-of 2026-06-30 --window-start 2025-07-01 [--base-currency USD]

The harness passes the window's first day (tiering.traits.common.window_start) so that this process imports
nothing but DuckDB, like the bare query it stands for.

prints one JSON line: the customers aggregated, the query's seconds and DuckDB's threads.
"""

import argparse
import json
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bench.columns import COLUMNS_READ

RECENT_HALF_DAYS = 182  # as tiering.traits.orders.RECENT_HALF_DAYS (the harness checks they agree)


# Tickets per customer in the window: aggregated alike by both floors (bench/scan_floor.py).
TICKETS_PER_CUSTOMER = """tickets_per_customer AS (
    SELECT
        customer_id,
        count(*) AS tickets,
        count(*) FILTER (WHERE lower(trim(category)) = 'complaint') AS complaints,
        count(*) FILTER (WHERE escalated) AS escalated
    FROM read_parquet($support_tickets)
    WHERE opened_at::DATE BETWEEN $start AND $as_of
    GROUP BY customer_id
)"""

QUERY = f"""
CREATE TEMP TABLE scan_limit AS
WITH fx AS (
    SELECT upper(trim(currency)) AS currency, rate_to_base FROM read_parquet($fx_rates)
    UNION ALL SELECT upper($base), 1.0
),
orders AS MATERIALIZED (
    SELECT
        o.order_id, o.customer_id, o.order_date, lower(trim(o.status)) AS status, fx.rate_to_base AS rate,
        lower(trim(o.status)) = 'completed' AND o.order_date >= $start AS counted
    FROM read_parquet($orders) AS o JOIN fx ON fx.currency = upper(trim(o.currency))
    WHERE o.order_date <= $as_of
),
order_side AS (
    SELECT
        customer_id,
        count(*) FILTER (WHERE status = 'completed' AND order_date >= $start) AS completed,
        count(*) FILTER (WHERE status = 'returned' AND order_date >= $start) AS returned,
        count(DISTINCT order_date) FILTER (WHERE status = 'completed' AND order_date >= $start) AS days,
        min(order_date) FILTER (WHERE status = 'completed') AS first_completed,
        max(order_date) FILTER (WHERE status = 'completed') AS last_completed
    FROM orders
    GROUP BY customer_id
),
line_side AS (
    SELECT
        o.customer_id,
        sum(l.net_amount * o.rate) FILTER (WHERE o.counted) AS revenue,
        sum(l.net_amount * o.rate) FILTER (WHERE o.counted AND o.order_date > $recent) AS recent,
        sum(l.cost_amount * o.rate) FILTER (WHERE o.counted) AS cost,
        sum(l.discount_amount * o.rate) FILTER (WHERE o.counted) AS discount,
        sum(l.list_amount * o.rate) FILTER (WHERE o.counted) AS list,
        sum(l.net_amount * o.rate) FILTER (WHERE o.counted AND l.is_premium) AS premium,
        sum(l.net_amount * o.rate) FILTER (WHERE o.counted AND l.is_service) AS service,
        count(DISTINCT l.product_category) FILTER (WHERE o.counted) AS categories
    FROM read_parquet($order_lines) AS l
    JOIN orders AS o USING (order_id)
    GROUP BY o.customer_id
),
paid AS (
    SELECT invoice_id, sum(amount) AS paid, max(paid_date) AS last_paid
    FROM read_parquet($payments)
    WHERE paid_date <= $as_of
    GROUP BY invoice_id
),
payment_side AS (
    SELECT
        i.customer_id,
        sum(i.amount * coalesce(o.rate, 1.0)) FILTER (WHERE i.due_date >= $start) AS scored_amount,
        sum(i.amount * coalesce(o.rate, 1.0) * datediff('day', i.due_date, coalesce(p.last_paid, $as_of)))
            FILTER (WHERE i.due_date >= $start) AS late_amount_days,
        count(*) FILTER (WHERE i.due_date >= $start AND p.last_paid <= i.due_date) AS on_time,
        count(*) FILTER (WHERE i.due_date >= $start) AS scored,
        sum(greatest(i.amount - coalesce(p.paid, 0), 0) * coalesce(o.rate, 1.0)) FILTER (WHERE i.due_date < $as_of)
            AS overdue
    FROM read_parquet($invoices) AS i
    LEFT JOIN orders AS o USING (order_id)
    LEFT JOIN paid AS p USING (invoice_id)
    WHERE i.issued_date <= $as_of AND i.due_date <= $as_of
    GROUP BY i.customer_id
),
{TICKETS_PER_CUSTOMER}
SELECT c.customer_id, c.industry, c.employees, c.region, datediff('day', c.signup_date, $as_of) AS tenure_days,
    o.* EXCLUDE (customer_id), l.* EXCLUDE (customer_id), p.* EXCLUDE (customer_id), t.* EXCLUDE (customer_id)
FROM read_parquet($customers) AS c
LEFT JOIN order_side AS o USING (customer_id)
LEFT JOIN line_side AS l USING (customer_id)
LEFT JOIN payment_side AS p USING (customer_id)
LEFT JOIN tickets_per_customer AS t USING (customer_id)
WHERE c.signup_date <= $as_of OR c.signup_date IS NULL
"""


def run_query(query: str, landing: Path, as_of: date, window_start: date, base_currency: str = "USD"):
    """Run a scan query on the Parquet files under `landing`: the open connection, the rows it returned, and
    what every scan reports (its seconds and DuckDB's threads).

    The query names the parameters it uses: each feed of COLUMNS_READ (its files), $as_of, $start (the window's
    first day), $recent (as_of less RECENT_HALF_DAYS: the window's recent half is after it) and $base (currency).
    """
    import duckdb

    recent = date.fromordinal(as_of.toordinal() - RECENT_HALF_DAYS)
    params = {feed: f"{landing / feed}/*.parquet" for feed in COLUMNS_READ}
    params |= {"as_of": as_of, "start": window_start, "recent": recent, "base": base_currency}
    con = duckdb.connect()
    started = time.perf_counter()
    rows = con.execute(
        query, {name: value for name, value in params.items() if f"${name}" in query}
    ).fetchall()
    seconds = time.perf_counter() - started
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return con, rows, {"query_seconds": round(seconds, 3), "duckdb_threads": threads}


def scan(landing: Path, as_of: date, window_start: date, base_currency: str = "USD") -> dict:
    """Run the scan-limit query; the customers it aggregated, its seconds and DuckDB's threads."""
    con, _, facts = run_query(QUERY, landing, as_of, window_start, base_currency)
    customers = con.execute("SELECT count(*) FROM scan_limit").fetchone()[0]
    con.close()
    return {"customers": customers} | facts


def command_line(
    doc: str, scan_landing: Callable[[Path, date, date, str], dict], argv: list[str] | None
) -> int:
    """The command line of a scan module: its arguments, then `scan_landing`'s result as one JSON line."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--window-start", type=date.fromisoformat, required=True)
    parser.add_argument("--base-currency", default="USD")
    args = parser.parse_args(argv)
    print(json.dumps(scan_landing(args.landing, args.as_of, args.window_start, args.base_currency)))
    return 0


def main(argv: list[str] | None = None) -> int:
    return command_line(__doc__, scan, argv)


if __name__ == "__main__":
    raise SystemExit(main())
