"""The forecast traits joined into marts.customer_traits, and the policy's `rising` flag over them."""

from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from tiering.policy import RisingRule

# Column -> definition, as TRAIT_DOCS; the values come from the forecast/customer_value asset.
FORECAST_DOCS: dict[str, str] = {
    "p_alive": "BG/NBD probability that the customer is still active on D, from their purchase days (completed "
    "orders up to D, same-day orders merged); null without a completed order up to D or when the nightly fit "
    "failed.",
    "expected_purchases_12m": "BG/NBD expected number of purchase days in the 365 days after D, given the "
    "customer's repeat purchase days, the date of the last one and the time since the first; null as p_alive.",
    "expected_value_12m": "expected_purchases_12m x the Gamma-Gamma expected net_amount per purchase day (the "
    "customer's mean repeat purchase day, shrunk towards the mean of all customers); null as p_alive or when "
    "spend could not be modelled.",
}
RISING_DOC: dict[str, str] = {
    "rising": "True when expected_value_12m is at least the policy's rising.expected_value_ratio x revenue_12m "
    "and at least rising.min_expected_value; false without a forecast or without a rising rule in the policy."
}


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
    columns = forecast.select(*keys, *FORECAST_DOCS)
    return traits.join(columns, on=keys, how="left").with_columns(rising=rising_flag(rule))
