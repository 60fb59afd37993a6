"""Staging assets: raw feeds cleaned, converted to the base currency and shaped for the trait functions.

One step builds them all (see tiering/warehouse/staging.py): made anew on a first load, updated with what the night's
new raw rows touch, or kept as it is when nothing new was loaded; its materialization says which.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import table_metadata
from assets.resources import TiersConfig
from tiering.warehouse.staging import MissingRatesError, build_staging

_TABLES = {
    "fx_rates": (
        ["raw.fx_rates", "raw.orders"],
        "Rates to the policy's base currency. The run stops here, naming the currency, when an order is in a "
        "currency without a rate.",
    ),
    "customers": (["raw.customers"], "Customers with trimmed, lower-cased industry."),
    "orders": (
        ["raw.orders", "raw.order_lines", "staging.fx_rates"],
        "One row per order, its lines summed (net, list, discount, cost, premium, service) in the base currency "
        "(an order without a currency is in it); an amount other than net is NULL unless every line has it.",
    ),
    "order_categories": (
        ["raw.orders", "raw.order_lines"],
        "Distinct (customer, product category, day) of completed orders, lines without a category left out, for "
        "product breadth.",
    ),
    "invoices": (
        ["raw.invoices", "raw.orders", "staging.fx_rates"],
        "Invoices in the base currency, at the rate of their order's currency.",
    ),
    "payments": (["raw.payments", "staging.invoices"], "Payments in the base currency."),
    "tickets": (["raw.support_tickets"], "Support tickets with normalised priority and category."),
    "opportunities": (["raw.opportunities"], "Sales opportunities with a trimmed, lower-cased stage."),
    "signals": (["raw.signals"], "Signals per customer and date, their names lower-cased."),
}

STAGING_SPECS = [
    dg.AssetSpec(
        key=["staging", name],
        deps=[dg.AssetKey(d.split(".")) for d in deps],
        group_name="staging",
        kinds={"duckdb", "sql"},
        description=f"{description} Built by sql/staging/{name}.sql.",
        owners=["team:data-engineering"],
    )
    for name, (deps, description) in _TABLES.items()
]


@dg.multi_asset(specs=STAGING_SPECS, name="staging_tables", can_subset=True)
def staging_tables(context: dg.AssetExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource):
    selected = tuple(key.path[1] for key in context.selected_asset_keys)
    base = tiers.policy().base_currency
    with duckdb.get_connection() as con:
        try:
            builds = build_staging(con, base, selected)
        except MissingRatesError as exc:
            raise dg.Failure(description=str(exc)) from None
        for build in builds:
            table = f"staging.{build.table}"
            yield dg.MaterializeResult(
                asset_key=["staging", build.table],
                metadata=table_metadata(
                    con,
                    table,
                    build=build.build,
                    rebuilt=build.rebuilt,
                    rows_written=build.rows_written,
                    base_currency=base,
                ),
            )
