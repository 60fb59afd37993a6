"""The scores of a run's dates, from traits.daily_traits to scoring.customer_scores, one customer part at a time.

Cut-offs are fixed, so a customer's score and tier depend on that customer alone: memory is bounded by scoring
one customer part (see tiering.warehouse.tables) for every date of the run, in date order, at a time.
"""

from datetime import date

import duckdb
import polars as pl

from tiering.clv.traits import rising_flag
from tiering.policy import TIERS, Policy
from tiering.scoring import score_customers
from tiering.warehouse.shards import ShardedTable
from tiering.warehouse.sql import sql_text
from tiering.warehouse.tables import customer_parts, read_sql, replace_in_parts

# Computed shard by shard (see tiering.warehouse.shards) from the stored traits of the run's dates and the tiers before
# them: re-scoring after a policy change recomputes no trait.
SCORES = ShardedTable(
    "scores",
    "scoring.customer_scores",
    staged=("customers", "orders"),
    upstream={
        "traits.daily_traits": "scores:run_traits",
        "marts.tier_history": "scores:previous_tiers",
        "traits.previous_traits": "scores:previous_traits",
    },
)


def write_scores(
    con: duckdb.DuckDBPyConnection,
    dates: list[date],
    policy: Policy,
    orders_per_part: int,
    words: bool = True,
) -> None:
    """Replace scoring.customer_scores with every date's scores (without `words`, no reasons, knockouts or
    changes: see score_customers)."""
    params = {"first_date": dates[0], "last_date": dates[-1]}
    parts = customer_parts(con, "staging.orders", orders_per_part)
    scores = (part_scores(con, dates, policy, params | part, words) for part in parts)
    replace_in_parts(con, "scoring.customer_scores", scores)


def part_scores(
    con: duckdb.DuckDBPyConnection, dates: list[date], policy: Policy, params: dict, words: bool = True
) -> pl.DataFrame:
    """One customer part's scores for every date, in date order: each date's tiers and traits are the next
    date's previous ones (the first date's from the history and the kept snapshot of traits, if that is of the
    date before; a customer without them is new: no changes known). The `rising` flag is the policy's own (the stored one is by the rule of the policy that
    computed the traits: the same in a nightly run, another after a policy change or in a simulation)."""
    rising = rising_flag(policy.rising)
    daily = read_sql(con, "scoring/part_traits", params).with_columns(rising=rising)
    customers = read_sql(con, "scoring/part_customers", params).lazy()
    previous = read_sql(con, "scoring/previous_tiers", params).lazy()
    before = read_sql(con, "scoring/part_previous_traits", params).with_columns(rising=rising)
    # a trait added since (a new signal trait of the policy) is unknown then: no change said of it
    before = pl.concat([daily.clear(), before], how="diagonal_relaxed").lazy()
    scored = []
    for day in dates:
        traits = daily.filter(pl.col("as_of_date") == day).lazy()
        scores = score_customers(traits, customers, policy, previous, before, words).collect()
        scored.append(scores.with_columns(as_of_date=pl.lit(day)))
        previous = scores.select("customer_id", previous_tier="tier").lazy()
        before = traits
    return pl.concat(scored)


def unscored_dates(con: duckdb.DuckDBPyConnection, dates: list[date]) -> list[date]:
    """The dates of the run that traits.daily_traits holds no traits for."""
    params = {"first_date": dates[0], "last_date": dates[-1]}
    held = {day for (day,) in con.execute(sql_text("scores:dates_with_traits"), params).fetchall()}
    return [day for day in dates if day not in held]


def customers_per_tier(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, int]:
    """Customers per tier (every tier of the policy, 0 if empty) in scoring.customer_scores on `as_of`."""
    counts = dict(con.execute(sql_text("scores:customers_per_tier"), {"as_of": as_of}).fetchall())
    return {tier: counts.get(tier, 0) for tier in TIERS}
