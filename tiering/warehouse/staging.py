"""The staging tables: raw feeds cleaned, converted to the base currency and shaped for the trait functions.

Each is built by sql/staging/<name>.sql. The first build, or one after its SQL, the base currency, a rate or a
feed's full reload changed, makes the table anew from every raw row, in customer-bucket order. Every other night
updates it: the raw rows loaded since its last build (raw.<feed>._load_id) name the keys they touch (new or
changed orders and the orders of new lines, the invoices of changed orders, the payments of those invoices...;
staging:touched), whose rows are deleted and written again from the raw tables. So a night costs what its new
rows touch, not the whole history. Rows added at the end of a table are out of bucket order; once they are more
than RESORT_SHARE of it, the table is put in bucket order again.

A large warehouse's tables are made anew in parts: ranges of customer buckets of about PART_ORDERS raw orders'
worth, written one after the other (so in bucket order), each part's rows sorted apart: DuckDB then sorts and
spills one part at a time, not the whole history (at 10M customers the one-statement build of staging.orders
spilled over 35 GB).
"""

import hashlib
from dataclasses import dataclass
from typing import Literal

import duckdb

from tiering.warehouse.sql import render, run_each, run_sql, sql_text
from tiering.warehouse.tables import CUSTOMER_BUCKETS, bucket_macro, customer_parts, row_count, transaction

RESORT_SHARE = 0.05
PART_ORDERS = 20_000_000
# The raw rows of one customer part, by raw feed: those with a customer_id of their own use staging:in_part.
PART_SOURCES = {"order_lines": "staging:order_lines_in_part", "payments": "staging:payments_in_part"}


@dataclass(frozen=True)
class Staged:
    """A staging table: its raw sources by placeholder in its SQL, and the key a night's update rewrites."""

    name: str
    sources: tuple[str, ...]  # raw tables, each read whole or restricted to the touched keys
    key: tuple[str, ...] = ()  # the touched keys (staging:touched); none: always made anew


# Built in this order: each after the tables it reads.
STAGED = (
    Staged("fx_rates", ("fx_rates",)),
    Staged("customers", ("customers",), ("customer_id",)),
    Staged("orders", ("orders", "order_lines"), ("order_id",)),
    Staged("order_categories", ("orders",), ("customer_id", "order_date")),
    Staged("invoices", ("invoices",), ("invoice_id",)),
    Staged("payments", ("payments",), ("payment_id",)),
    Staged("tickets", ("support_tickets",), ("ticket_id",)),
    Staged("opportunities", ("opportunities",), ("opportunity_id",)),
    Staged("signals", ("signals",), ("customer_id",)),
)
STAGING_TABLES = tuple(table.name for table in STAGED)
RAW_FEEDS = tuple(dict.fromkeys(source for table in STAGED for source in table.sources))


class MissingRatesError(ValueError):
    """Orders in currencies without a rate to the base currency."""


@dataclass(frozen=True)
class StagingBuild:
    table: str
    build: Literal["made anew", "updated", "kept"]
    rows_written: int  # by a night's update: the rows of the touched keys written again

    @property
    def rebuilt(self) -> bool:
        return self.build == "made anew"


def build_staging(
    con: duckdb.DuckDBPyConnection,
    base_currency: str,
    tables: tuple[str, ...] = STAGING_TABLES,
    part_orders: int = PART_ORDERS,
) -> list[StagingBuild]:
    """Make anew or update the staging tables among `tables` whose inputs changed, in STAGING_TABLES order, in one
    transaction; a table made anew is made in customer parts of about `part_orders` raw orders."""
    run_sql(con, "staging:build_state")
    bucket_macro(con)
    fingerprint, last_load = _raw_state(con, base_currency)
    built = {t: con.execute(sql_text("staging:built"), {"table_name": t}).fetchone() for t in STAGING_TABLES}
    anew = any(state is None or state[0] != fingerprint or state[1] is None for state in built.values())
    since = None if anew else min(built[t][1] for t in tables)
    builds = []
    parts = customer_parts(con, "raw.orders", part_orders) if anew else []
    with transaction(con):
        if since is not None and since < last_load:
            run_each(con, "staging:touched", {"since": since})
        for table in (t for t in STAGED if t.name in tables):
            build, rows, appended = "kept", 0, 0 if anew else built[table.name][2]
            if anew:
                build = "made anew"
                _make_anew(con, table, base_currency, parts)
            elif table.key and built[table.name][1] < last_load and _touched(con, table):
                build, rows = "updated", _update(con, table, base_currency)
                appended += rows
                if appended > RESORT_SHARE * row_count(con, f"staging.{table.name}"):
                    run_sql(con, "staging:sort_table", table=table.name)
                    appended = 0
            if table.name == "fx_rates":  # every night: new orders may be in a currency without a rate
                _check_rates(con, base_currency)
            params = {"fingerprint": fingerprint, "loaded_through": last_load, "rows_appended": appended}
            con.execute(sql_text("staging:record_build"), {"table_name": table.name, **params})
            builds.append(StagingBuild(table.name, build, rows))
    return builds


def _make_anew(
    con: duckdb.DuckDBPyConnection, table: Staged, base_currency: str, parts: list[dict[str, int]]
) -> None:
    """The table made from every row of its raw sources: in one statement when it is not per customer (no key) or
    `parts` is one, else part by part."""
    params = {"base_currency": base_currency}
    if not table.key or len(parts) == 1:
        sources = {source: f"raw.{source}" for source in table.sources}
        run_sql(
            con, f"staging/{table.name}", params, write="CREATE OR REPLACE TABLE", as_query="AS", **sources
        )
        return
    sources = {
        source: render(PART_SOURCES.get(source, "staging:in_part"), raw=f"raw.{source}")
        for source in table.sources
    }
    for number, part in enumerate(parts):
        write, as_query = ("CREATE OR REPLACE TABLE", "AS") if number == 0 else ("INSERT INTO", "")
        run_sql(con, f"staging/{table.name}", params | part, write=write, as_query=as_query, **sources)
    if table.name == "payments" and row_count(con, "staging.payments") != row_count(con, "raw.payments"):
        raise ValueError(
            "staging.payments made in parts lacks payments of an invoice missing from staging.invoices"
        )


def _touched(con: duckdb.DuckDBPyConnection, table: Staged) -> int:
    (keys,) = con.execute(render("staging:touched_rows", table=table.name)).fetchone()
    return keys


def _update(con: duckdb.DuckDBPyConnection, table: Staged, base_currency: str) -> int:
    """Delete the table's rows of the touched keys and write them again from its raw sources; the rows written."""
    key_match = " AND ".join(f"s.{k} = t.{k}" for k in table.key)
    run_sql(con, "staging:delete_touched", table=table.name, key_match=key_match)
    sources = {
        source: render("staging:in_touched", raw=f"raw.{source}", table=table.name, key=", ".join(table.key))
        for source in table.sources
    }
    before = row_count(con, f"staging.{table.name}")
    params = {"base_currency": base_currency}
    run_sql(con, f"staging/{table.name}", params, write="INSERT INTO", as_query="", **sources)
    return row_count(con, f"staging.{table.name}") - before


def _check_rates(con: duckdb.DuckDBPyConnection, base_currency: str) -> None:
    """Refuse orders in a currency without a rate to the base currency."""
    missing = con.execute(sql_text("staging:missing_rates"), {"base_currency": base_currency}).fetchall()
    if missing:
        listed = ", ".join(f"{currency or '(empty)'} ({orders} orders)" for currency, orders in missing)
        raise MissingRatesError(
            f"orders in currencies without a rate to {base_currency}: {listed}. "
            "Add them to the landing folder fx_rates/ (columns currency, rate_to_base)."
        )


def _raw_state(con: duckdb.DuckDBPyConnection, base_currency: str) -> tuple[str, int]:
    """What making a table anew depends on, as a fingerprint: every staging SQL text (tables read each other), the
    base currency, the rates and each raw table's first load; and the newest load of the raw tables."""
    first_loads = ", ".join(f"('{feed}', {render('staging:first_load', feed=feed)})" for feed in RAW_FEEDS)
    last_loads = ", ".join(render("staging:last_load", feed=feed) for feed in RAW_FEEDS)
    sql = render("staging:raw_state", first_loads=first_loads, last_loads=last_loads)
    rates, first, last_load = con.execute(sql).fetchone()
    digest = hashlib.sha256(f"{base_currency.upper()} {CUSTOMER_BUCKETS} {rates} {first}".encode())
    for name in (
        *(f"staging/{t}" for t in STAGING_TABLES),
        "staging:missing_rates",
        "staging:touched",
        "tables:customer_bucket",
    ):
        digest.update(sql_text(name).encode())
    return digest.hexdigest(), last_load
