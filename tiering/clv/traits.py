"""The forecast traits joined into marts.customer_traits, and the policy's `rising` flag over them.

Both are declared with the other traits in tiering/traits/__init__.py (FORECAST_TRAITS, RISING).
"""

from typing import TYPE_CHECKING

import polars as pl

from tiering.traits import FORECAST_TRAITS

if TYPE_CHECKING:
    from tiering.policy import RisingRule

FORECAST_COLUMNS = [trait.name for trait in FORECAST_TRAITS]  # from the forecast/customer_value asset


def rising_flag(rule: "RisingRule | None") -> pl.Expr:
    """The `rising` column: expected value well above the last 12 months' revenue, per the policy's rule."""
    if rule is None:
        return pl.lit(False)
    value = pl.col("expected_value_12m")
    above = (value >= rule.expected_value_ratio * pl.col("revenue_12m")) & (value >= rule.min_expected_value)
    return above.fill_null(False)


def join_forecast(traits: pl.LazyFrame, forecast: pl.LazyFrame, rule: "RisingRule | None") -> pl.LazyFrame:
    """The traits with the forecast of the same customer and as-of date (null without one), then `rising`."""
    keys = ["customer_id", "as_of_date"]
    columns = forecast.select(*keys, *FORECAST_COLUMNS)
    return traits.join(columns, on=keys, how="left").with_columns(rising=rising_flag(rule))
