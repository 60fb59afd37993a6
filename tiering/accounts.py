"""Parent accounts: a parent company and its subsidiaries (customers.parent_id) as one relationship.

An account is the top of a chain of parents that has members below it. Its traits are its members' (the top
included) rolled up as each trait declares (`rollup`, tiering/traits/trait.py): money and counts summed, shares,
delays and rates weighted by revenue, recency the least, tenure the greatest, rising if any member is. It is then
scored and tiered with the policy like a customer, with the top company's firmographics as its profile.
"""

from collections.abc import Mapping

import duckdb
import polars as pl

from tiering.policy import Policy, SignalTrait
from tiering.scoring import SCORE_COLUMNS, score_customers
from tiering.traits import CUSTOMER_TRAITS
from tiering.traits.trait import Rollup
from tiering.warehouse.sql import run_sql
from tiering.warehouse.tables import read_sql, write_table

TABLE = "marts.account_tiers"
_WEIGHT = pl.col("revenue_12m").fill_null(0.0).clip(lower_bound=0.0)


# A signal trait's roll-up by its aggregate: counts and sums summed, the latest and mean values weighted.
SIGNAL_ROLLUPS: dict[str, Rollup] = {
    "latest": "weighted",
    "sum": "sum",
    "mean": "weighted",
    "count": "sum",
    "min": "min",
    "max": "max",
}


def rolled_up(name: str, rollup: Rollup) -> pl.Expr:
    """The account's value of trait `name` from its members' (null when no member has one)."""
    value = pl.col(name)
    known = value.is_not_null()
    match rollup:
        case "sum":
            rolled = pl.when(known.any()).then(value.sum())
        case "min":
            rolled = value.min()
        case "max":
            rolled = value.max()
        case "any":
            rolled = value.any()
        case "weighted":
            weight = _WEIGHT.filter(known).sum()
            rolled = pl.when(weight > 0).then((value * _WEIGHT).sum() / weight).otherwise(value.mean())
    return rolled.alias(name)


def account_traits(
    traits: pl.LazyFrame, members: pl.LazyFrame, signals: Mapping[str, SignalTrait]
) -> pl.LazyFrame:
    """One row per account: account_id, as_of_date, children (its members besides the top) and every trait
    (and signal trait of the policy) rolled up."""
    rollups = {trait.name: trait.rollup for trait in CUSTOMER_TRAITS}
    rollups |= {name: SIGNAL_ROLLUPS[rule.aggregate] for name, rule in signals.items()}
    return (
        traits.join(members, on="customer_id")
        .sort("account_id", "customer_id")  # sums in one order: the same to the last bit at any shard count
        .group_by("account_id", maintain_order=True)
        .agg(
            pl.col("as_of_date").first(),
            (pl.len() - 1).cast(pl.Int64).alias("children"),
            *(rolled_up(name, rollup) for name, rollup in rollups.items()),
        )
    )


def account_tiers(
    traits: pl.LazyFrame, members: pl.LazyFrame, profiles: pl.LazyFrame, policy: Policy
) -> pl.DataFrame:
    """marts.account_tiers: each account's name, owner, children, score, tier, action, reasons and traits."""
    rolled = account_traits(traits, members, policy.signals).rename({"account_id": "customer_id"})
    scored = score_customers(rolled, profiles, policy)
    return (
        rolled.join(scored, on="customer_id")
        .join(profiles.select("customer_id", "account_name", "account_owner"), on="customer_id", how="left")
        .select(
            pl.col("customer_id").alias("account_id"),
            "account_name",
            "account_owner",
            "as_of_date",
            "children",
            *SCORE_COLUMNS,
            *(trait.name for trait in CUSTOMER_TRAITS),
            *policy.signals,
        )
        .sort("score", "account_id", descending=[True, False], nulls_last=True)
        .collect()
    )


def write_account_tiers(con: duckdb.DuckDBPyConnection, policy: Policy) -> pl.DataFrame:
    """Replace marts.account_tiers from the newest traits snapshot and the customers feed; return it."""
    run_sql(con, "accounts:members")
    members, traits, profiles = (
        read_sql(con, f"accounts:{name}", {}).lazy() for name in ("member_list", "member_traits", "profiles")
    )
    tiers = account_tiers(traits, members, profiles, policy)
    write_table(con, TABLE, tiers)
    return tiers
