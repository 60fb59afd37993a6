"""Small transaction logs drawn the BG/NBD way, for the degenerate-input and pipeline tests."""

from datetime import date, timedelta

import numpy as np
import polars as pl

START = date(2024, 1, 1)


def purchase_log(customers: int, seed: int, days: int = 730, amount: float | None = None) -> pl.DataFrame:
    """customer_id, date, amount: first purchases spread over the first year, then purchases at a Gamma
    rate with a Beta drop-out after each; amounts log-normal around 100, or all equal to `amount`."""
    rng = np.random.default_rng(seed)
    rate, drop = rng.gamma(0.8, 1 / 40, customers), rng.beta(1.0, 4.0, customers)
    t = rng.uniform(0, 365, customers)
    rows, active = [np.column_stack([np.arange(customers), t])], np.ones(customers, dtype=bool)
    while active.any():
        t = t + rng.exponential(1 / rate)
        active &= t < days
        rows.append(np.column_stack([np.flatnonzero(active), t[active]]))
        active &= rng.uniform(size=customers) >= drop
    events = np.concatenate(rows)
    n = len(events)
    return pl.DataFrame(
        {
            "customer_id": [f"c{int(i):05d}" for i in events[:, 0]],
            "date": [START + timedelta(days=int(d)) for d in events[:, 1]],
            "amount": rng.lognormal(np.log(100), 0.5, n) if amount is None else np.full(n, amount),
        }
    )
