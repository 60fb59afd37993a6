"""Staging assets: raw feeds cleaned, converted to the base currency and shaped for the trait functions."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from assets.sql_table import sql_table_asset
from pipelines.resources import TiersConfig
from tiering.sql import sql_text


def _staging_asset(name: str, deps: list[str], description: str) -> dg.AssetsDefinition:
    return sql_table_asset(f"staging.{name}", deps, description, group="staging")


@dg.asset(
    key=["staging", "fx_rates"],
    deps=[dg.AssetKey(["raw", "fx_rates"]), dg.AssetKey(["raw", "orders"])],
    group_name="staging",
    kinds={"duckdb", "sql"},
    description="Rates to the policy's base currency. The run stops here, naming the currency, when an order "
    "is in a currency without a rate. Built by sql/staging/fx_rates.sql.",
    owners=["team:data-engineering"],
)
def staging_fx_rates(tiers: TiersConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    base = tiers.policy().base_currency
    with duckdb.get_connection() as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS staging")
        con.execute(sql_text("staging/fx_rates"), {"base_currency": base})
        missing = con.execute(sql_text("staging/missing_rates")).fetchall()
        if missing:
            listed = ", ".join(f"{currency or '(empty)'} ({orders} orders)" for currency, orders in missing)
            raise dg.Failure(
                description=f"orders in currencies without a rate to {base}: {listed}. "
                "Add them to the landing folder fx_rates/ (columns currency, rate_to_base)."
            )
        return dg.MaterializeResult(metadata=table_metadata(con, "staging.fx_rates", base_currency=base))


staging_assets = [
    staging_fx_rates,
    _staging_asset("customers", ["raw.customers"], "Customers with trimmed, lower-cased industry."),
    _staging_asset(
        "orders",
        ["raw.orders", "raw.order_lines", "staging.fx_rates"],
        "One row per order, its lines summed (net, list, discount, cost, premium, service) in the base currency.",
    ),
    _staging_asset(
        "order_categories",
        ["raw.orders", "raw.order_lines"],
        "Distinct (customer, product category, day) of completed orders, for product breadth.",
    ),
    _staging_asset(
        "invoices",
        ["raw.invoices", "raw.orders", "staging.fx_rates"],
        "Invoices in the base currency, at the rate of their order's currency.",
    ),
    _staging_asset("payments", ["raw.payments", "staging.invoices"], "Payments in the base currency."),
    _staging_asset(
        "tickets", ["raw.support_tickets"], "Support tickets with normalised priority and category."
    ),
]
