"""The shared helpers: window bounds, null-safe ratios and running sums per run."""

from datetime import date

import polars as pl

from tiering.traits.common import ratio, running_sum, window_start


def test_window_start_is_364_days_before() -> None:
    assert window_start(date(2025, 6, 30)) == date(2024, 7, 1)  # [2024-07-01, 2025-06-30]: 365 days


def test_ratio_is_null_for_a_zero_or_null_denominator() -> None:
    frame = pl.DataFrame({"n": [1, 1, 1], "d": [4, 0, None]})
    assert frame.select(ratio(pl.col("n"), pl.col("d")))["n"].to_list() == [0.25, None, None]


def test_running_sum_restarts_per_run_and_stays_exact() -> None:
    frame = pl.DataFrame({"key": ["a", "a", "b", "b", "b", "c"], "value": [1e15, 1.0, 0.1, None, 0.2, 2.5]})
    out = frame.select(running_sum(pl.col("value"), pl.col("key")))["value"].to_list()
    assert out == [1e15, 1e15 + 1, 0.1, 0.1, 0.3, 2.5]  # 0.1 + 0.2 is 0.3 exactly, not 0.30000000000000004
