"""Blocking checks: keys unique and not null in every raw feed and in the customer marts."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from tiering.feeds import FEEDS
from tiering.sql import render


def key_check(table: str, key: tuple[str, ...]) -> dg.AssetChecksDefinition:
    schema, name = table.split(".")
    key_label = ", ".join(key)

    @dg.asset_check(
        asset=dg.AssetKey([schema, name]),
        name=f"{'_'.join(key)}_unique_not_null",
        description=f"({key_label}) is never null and identifies one row of {table}.",
        blocking=True,
    )
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        key_expr = key[0] if len(key) == 1 else f"({', '.join(key)})"
        null_test = " OR ".join(f"{k} IS NULL" for k in key)
        with duckdb.get_connection() as con:
            sql = render("checks/key_violations", table=table, key_expr=key_expr, null_test=null_test)
            null_keys, duplicate_rows, examples = con.execute(sql).fetchone()
        return dg.AssetCheckResult(
            passed=null_keys == 0 and duplicate_rows == 0,
            metadata={
                "null_keys": null_keys,
                "duplicate_rows": duplicate_rows,
                "duplicate_examples": str(examples),
            },
            description=None
            if null_keys == duplicate_rows == 0
            else f"{table}: {null_keys} null and "
            f"{duplicate_rows} duplicate ({key_label}) rows, e.g. {examples}",
        )

    return _check


key_checks = [key_check(f"raw.{feed.name}", feed.key) for feed in FEEDS.values()] + [
    key_check("marts.customer_traits", ("customer_id",)),
    key_check("marts.customer_tiers", ("customer_id",)),
]
