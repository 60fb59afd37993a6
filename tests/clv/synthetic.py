"""Small transaction logs drawn the BG/NBD way, for the degenerate-input and pipeline tests."""

from datetime import date, timedelta

import duckdb
import numpy as np
import polars as pl

from tiering.warehouse.tables import bucket_macro

START = date(2024, 1, 1)


def purchase_log(customers: int, seed: int, days: int = 730, amount: float | None = None) -> pl.DataFrame:
    """customer_id, date, amount: first purchases spread over the first year, then purchases at a Gamma
    rate with a Beta drop-out after each; amounts log-normal around 100, or all equal to `amount`."""
    rng = np.random.default_rng(seed)
    rate, drop = rng.gamma(0.8, 1 / 40, customers), rng.beta(1.0, 4.0, customers)
    t = rng.uniform(0, 365, customers)
    rows, active = [np.column_stack([np.arange(customers), t])], np.ones(customers, dtype=bool)
    while active.any():
        t = t + rng.exponential(1 / rate)
        active &= t < days
        rows.append(np.column_stack([np.flatnonzero(active), t[active]]))
        active &= rng.uniform(size=customers) >= drop
    events = np.concatenate(rows)
    n = len(events)
    return pl.DataFrame(
        {
            "customer_id": [f"c{int(i):05d}" for i in events[:, 0]],
            "date": [START + timedelta(days=int(d)) for d in events[:, 1]],
            "amount": rng.lognormal(np.log(100), 0.5, n) if amount is None else np.full(n, amount),
        }
    )


def staged_orders(span_days: int) -> duckdb.DuckDBPyConnection:
    """An in-memory database whose staging.orders holds 400 completed orders of 40 customers, a week apart from
    2025-01-01 and wrapping round after `span_days`, amounts 10-22."""
    orders = pl.DataFrame(
        {
            "customer_id": [f"c{i % 40}" for i in range(400)],
            "order_date": [date(2025, 1, 1) + timedelta(days=(i * 7) % span_days) for i in range(400)],
            "status": "completed",
            "net_amount": [10.0 + i % 13 for i in range(400)],
        }
    )
    con = duckdb.connect()
    bucket_macro(con)
    con.register("orders", orders)
    con.execute(
        "CREATE SCHEMA staging; CREATE TABLE staging.orders AS "
        "SELECT *, customer_bucket(customer_id) AS customer_bucket FROM orders"
    )
    return con
