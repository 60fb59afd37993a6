"""The scan floor: one DuckDB query that reads every input column the traits use once and aggregates it per key.

Each feed is read once and grouped by its own key, with no join: orders per customer, lines per order, invoices
per customer, payments per invoice, tickets per customer (and the customers' profile per customer, the rates per
currency), with the as-of date and the window applied. Counts, sums, minimums and maximums only; each table of
keys is then reduced to its count and a hash sum, so that no aggregate is optimised away. Nothing that reads these
columns can take less, so it is the floor under any implementation of the traits; bench/scan_limit.py, which also
joins lines to orders and invoices to payments and groups everything by customer, is the floor of one that
computes the traits in one pass.

    python -m bench.scan_floor --landing DIR --as-of 2026-06-30 --window-start 2025-07-01 [--base-currency USD]

prints one JSON line: the customers aggregated, the keys of each grouping, the query's seconds and DuckDB's
threads.
"""

from datetime import date
from pathlib import Path

from bench.scan_limit import TICKETS_PER_CUSTOMER, command_line, run_query

QUERY = f"""
WITH customers_per_customer AS (
    SELECT customer_id, max(industry) AS industry, max(employees) AS employees, max(region) AS region,
        max(signup_date) AS signup_date
    FROM read_parquet($customers)
    WHERE signup_date <= $as_of OR signup_date IS NULL
    GROUP BY customer_id
),
rates_per_currency AS (
    SELECT upper(trim(currency)) AS currency, max(rate_to_base) AS rate
    FROM read_parquet($fx_rates)
    GROUP BY ALL
),
orders_per_customer AS (
    SELECT
        customer_id,
        count(order_id) FILTER (WHERE lower(trim(status)) = 'completed' AND order_date >= $start) AS completed,
        count(order_id) FILTER (WHERE lower(trim(status)) = 'completed' AND order_date > $recent) AS recent,
        count(order_id) FILTER (WHERE lower(trim(status)) = 'returned' AND order_date >= $start) AS returned,
        count(order_id) FILTER (WHERE upper(trim(currency)) <> upper($base)) AS other_currency,
        min(order_date) FILTER (WHERE lower(trim(status)) = 'completed') AS first_completed,
        max(order_date) FILTER (WHERE lower(trim(status)) = 'completed') AS last_completed
    FROM read_parquet($orders)
    WHERE order_date <= $as_of
    GROUP BY customer_id
),
lines_per_order AS (
    SELECT
        order_id,
        sum(net_amount) AS net,
        sum(cost_amount) AS cost,
        sum(discount_amount) AS discount,
        sum(list_amount) AS list,
        sum(net_amount) FILTER (WHERE is_premium) AS premium,
        sum(net_amount) FILTER (WHERE is_service) AS service,
        min(product_category) AS category
    FROM read_parquet($order_lines)
    GROUP BY order_id
),
invoices_per_customer AS (
    SELECT
        customer_id,
        count(invoice_id) AS invoices,
        count(order_id) AS with_order,
        sum(amount) FILTER (WHERE due_date >= $start) AS scored_amount,
        sum(amount) FILTER (WHERE due_date < $as_of) AS due_amount,
        min(due_date) AS first_due
    FROM read_parquet($invoices)
    WHERE issued_date <= $as_of AND due_date <= $as_of
    GROUP BY customer_id
),
payments_per_invoice AS (
    SELECT invoice_id, sum(amount) AS paid, max(paid_date) AS last_paid
    FROM read_parquet($payments)
    WHERE paid_date <= $as_of
    GROUP BY invoice_id
),
{TICKETS_PER_CUSTOMER}
SELECT 'customers per customer' AS grouping, count(*) AS keys, sum(hash(g)) AS digest FROM customers_per_customer AS g
UNION ALL SELECT 'rates per currency', count(*), sum(hash(g)) FROM rates_per_currency AS g
UNION ALL SELECT 'orders per customer', count(*), sum(hash(g)) FROM orders_per_customer AS g
UNION ALL SELECT 'lines per order', count(*), sum(hash(g)) FROM lines_per_order AS g
UNION ALL SELECT 'invoices per customer', count(*), sum(hash(g)) FROM invoices_per_customer AS g
UNION ALL SELECT 'payments per invoice', count(*), sum(hash(g)) FROM payments_per_invoice AS g
UNION ALL SELECT 'tickets per customer', count(*), sum(hash(g)) FROM tickets_per_customer AS g
"""


def scan(landing: Path, as_of: date, window_start: date, base_currency: str = "USD") -> dict:
    """Run the scan-floor query; the customers it aggregated, the keys of each grouping, its seconds and
    DuckDB's threads."""
    con, rows, facts = run_query(QUERY, landing, as_of, window_start, base_currency)
    con.close()
    keys = {grouping: count for grouping, count, _ in rows}
    return {"customers": keys["customers per customer"], "keys": keys} | facts


def main(argv: list[str] | None = None) -> int:
    return command_line(__doc__, scan, argv)


if __name__ == "__main__":
    raise SystemExit(main())
