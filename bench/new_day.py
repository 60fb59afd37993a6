"""One day of new exports for a landing folder: the last day's rows copied with new ids, dated a day later.

A real night brings a day of exports; this makes one from the landing folder's own last day, so its size and mix
are those of the data set: the orders of the last day (with their lines), the invoices issued that day for those
orders (or for none), the payments of those invoices made that day, and the tickets opened that day, each with a new
id (`<id>-<YYYYMMDD>`) and its dates a day later. With `updates`, that many orders of the last 30 days are also sent
again with another status (completed <-> returned), and their first line with another net amount: the updated rows
of real exports. Each feed's new rows are written as one Parquet file `<feed>/<feed>_<YYYYMMDD>.parquet`.

    python -m bench.new_day --landing DIR [--updates N]
"""

import argparse
import json
from datetime import timedelta
from pathlib import Path

# each feed with the column holding its new ids
KEYS = {
    "orders": "order_id",
    "order_lines": "order_id",
    "invoices": "invoice_id",
    "payments": "payment_id",
    "support_tickets": "ticket_id",
}
FEEDS = tuple(KEYS)

# Each statement reads the views landing_<feed> and the new-day parameters, and makes the table new_<feed>.
QUERIES = {
    "orders": """
        CREATE TEMP TABLE new_orders AS
        SELECT * REPLACE (order_id || $suffix AS order_id, $day AS order_date)
        FROM landing_orders WHERE order_date = $last_day
        UNION ALL
        SELECT * REPLACE (CASE WHEN lower(trim(status)) = 'completed' THEN 'returned' ELSE 'completed' END AS status)
        FROM (
            FROM landing_orders WHERE order_date BETWEEN $last_day - 29 AND $last_day - 1
            ORDER BY hash(order_id), order_id LIMIT $updates
        )
        """,
    "order_lines": """
        CREATE TEMP TABLE new_order_lines AS
        SELECT l.* REPLACE (l.order_id || $suffix AS order_id)
        FROM landing_order_lines AS l JOIN landing_orders AS o USING (order_id) WHERE o.order_date = $last_day
        UNION ALL
        SELECT l.* REPLACE (round(l.net_amount * 1.1, 2) AS net_amount)
        FROM landing_order_lines AS l JOIN new_orders AS n USING (order_id)
        WHERE l.line_no = 1
        """,
    "invoices": """
        CREATE TEMP TABLE new_invoices AS
        SELECT * REPLACE (
            invoice_id || $suffix AS invoice_id, order_id || $suffix AS order_id,
            issued_date + 1 AS issued_date, due_date + 1 AS due_date
        )
        FROM landing_invoices
        WHERE issued_date = $last_day
            AND (order_id IS NULL OR order_id IN (SELECT order_id FROM landing_orders WHERE order_date = $last_day))
        """,
    "payments": """
        CREATE TEMP TABLE new_payments AS
        SELECT * REPLACE (payment_id || $suffix AS payment_id, invoice_id || $suffix AS invoice_id, $day AS paid_date)
        FROM landing_payments
        WHERE paid_date = $last_day AND invoice_id || $suffix IN (SELECT invoice_id FROM new_invoices)
        """,
    "support_tickets": """
        CREATE TEMP TABLE new_support_tickets AS
        SELECT * REPLACE (
            ticket_id || $suffix AS ticket_id, opened_at + INTERVAL 1 DAY AS opened_at,
            closed_at + INTERVAL 1 DAY AS closed_at
        )
        FROM landing_support_tickets WHERE opened_at::DATE = $last_day
        """,
}


def write_new_day(landing: Path, updates: int = 0) -> dict:
    """Write the day after the landing folder's last order day into its feed folders; its date and the rows
    written per feed (the updated orders and lines counted apart)."""
    import duckdb

    con = duckdb.connect()
    for feed in FEEDS:
        con.execute(f"CREATE VIEW landing_{feed} AS FROM {_reader(landing / feed)}")
    (last_day,) = con.execute("SELECT max(order_date) FROM landing_orders").fetchone()
    day = last_day + timedelta(days=1)
    params = {"last_day": last_day, "day": day, "suffix": f"-{day:%Y%m%d}", "updates": updates}
    rows = {}
    for feed in FEEDS:
        sql = QUERIES[feed]
        con.execute(sql, {name: value for name, value in params.items() if f"${name}" in sql})
        out = landing / feed / f"{feed}_{day:%Y%m%d}.parquet"
        out.unlink(
            missing_ok=True
        )  # a new file: never written through a hard link into another folder's file
        con.execute(f"COPY new_{feed} TO '{out}' (FORMAT parquet)")
        new, updated = con.execute(
            f"SELECT count(*) FILTER (WHERE {KEYS[feed]} LIKE '%' || $suffix), "
            f"count(*) FILTER (WHERE {KEYS[feed]} NOT LIKE '%' || $suffix) FROM new_{feed}",
            {"suffix": params["suffix"]},
        ).fetchone()
        rows[feed] = new
        if updated:
            rows[f"{feed} updated"] = updated
    con.close()
    return {"day": day.isoformat(), "rows": rows}


def _reader(folder: Path) -> str:
    """A DuckDB reader of every landing file of a feed's folder (Parquet, or CSV with headers)."""
    if any(folder.glob("*.parquet")):
        return f"read_parquet('{folder}/*.parquet', union_by_name = true)"
    return f"read_csv('{folder}/*.csv*', union_by_name = true, header = true)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--updates", type=int, default=0)
    args = parser.parse_args(argv)
    print(json.dumps(write_new_day(args.landing, args.updates)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
