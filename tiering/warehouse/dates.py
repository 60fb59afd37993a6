"""The dates in the working database: the newest as-of date that has run (the one the latest snapshot and the
dashboard hold), and the newest order, invoice and ticket date, for the run summary's data lag warning
(tiering.as_of.data_lag_warning)."""

from datetime import date

import duckdb

from tiering.warehouse.sql import render, sql_text

# feed: (staged table, its business date)
DATED_FACTS = {
    "orders": ("staging.orders", "order_date"),
    "invoices": ("staging.invoices", "issued_date"),
    "support_tickets": ("staging.tickets", "opened_at"),
}


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {name for (name,) in con.execute(sql_text("dates:tables")).fetchall()}


def newest_data(con: duckdb.DuckDBPyConnection) -> dict[str, date]:
    """Each feed's newest business date in staging; a feed without a staged table or rows is left out."""
    tables = _tables(con)
    newest = {}
    for feed, (table, column) in DATED_FACTS.items():
        if table in tables:
            [(day,)] = con.execute(render("dates:newest", table=table, column=column)).fetchall()
            if day is not None:
                newest[feed] = day
    return newest


def latest_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The newest as-of date in marts.tier_history, the one marts.customer_tiers holds; None before any."""
    if "marts.tier_history" not in _tables(con):
        return None
    [(day,)] = con.execute(sql_text("dates:latest_as_of")).fetchall()
    return day
