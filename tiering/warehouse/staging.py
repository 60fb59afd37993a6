"""The staging tables: raw feeds cleaned, converted to the base currency and shaped for the trait functions.

Each is built by sql/staging/<name>.sql from every raw row. A table is rebuilt only when its inputs changed
since its last build: a new or reloaded landing file, another base currency or another SQL text.
"""

import hashlib
from dataclasses import dataclass

import duckdb

from tiering.warehouse.sql import run_sql, sql_text
from tiering.warehouse.tables import CUSTOMER_BUCKETS, bucket_macro

# Built in this order: each after the tables it reads.
STAGING_TABLES = (
    "fx_rates",
    "customers",
    "orders",
    "order_categories",
    "invoices",
    "payments",
    "tickets",
    "opportunities",
    "signals",
)


class MissingRatesError(ValueError):
    """Orders in currencies without a rate to the base currency."""


@dataclass(frozen=True)
class StagingBuild:
    table: str
    rebuilt: bool


def build_staging(
    con: duckdb.DuckDBPyConnection, base_currency: str, tables: tuple[str, ...] = STAGING_TABLES
) -> list[StagingBuild]:
    """Build the staging tables among `tables` whose inputs changed, in STAGING_TABLES order."""
    run_sql(con, "staging:build_state")
    bucket_macro(con)
    fingerprint = _fingerprint(base_currency, con.execute(sql_text("staging:manifest")).fetchall())
    builds = []
    for table in (t for t in STAGING_TABLES if t in tables):
        built = con.execute(sql_text("staging:built_fingerprint"), {"table_name": table}).fetchone()
        rebuilt = built is None or built[0] != fingerprint
        if rebuilt:
            _build(con, table, base_currency)
            con.execute(sql_text("staging:record_build"), {"table_name": table, "fingerprint": fingerprint})
        builds.append(StagingBuild(table, rebuilt))
    return builds


def _build(con: duckdb.DuckDBPyConnection, table: str, base_currency: str) -> None:
    """Build one table; an order without a currency is in the base currency."""
    run_sql(con, f"staging/{table}", {"base_currency": base_currency})
    if table != "fx_rates":
        return
    missing = con.execute(sql_text("staging:missing_rates"), {"base_currency": base_currency}).fetchall()
    if missing:
        listed = ", ".join(f"{currency or '(empty)'} ({orders} orders)" for currency, orders in missing)
        raise MissingRatesError(
            f"orders in currencies without a rate to {base_currency}: {listed}. "
            "Add them to the landing folder fx_rates/ (columns currency, rate_to_base)."
        )


def _fingerprint(base_currency: str, manifest: list[tuple]) -> str:
    """What a staging build depends on: every staging SQL text (tables read each other), the base currency and
    the loaded files."""
    digest = hashlib.sha256(f"{base_currency.upper()} {CUSTOMER_BUCKETS}".encode())
    for name in (
        *(f"staging/{t}" for t in STAGING_TABLES),
        "staging:missing_rates",
        "tables:customer_bucket",
    ):
        digest.update(sql_text(name).encode())
    digest.update(repr(manifest).encode())
    return digest.hexdigest()
