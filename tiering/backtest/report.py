"""The backtest and simulation reports as the commands print them, and their number formats."""

import polars as pl

from tiering.backtest.metrics import LABELS
from tiering.backtest.outcomes import RANKINGS, Backtest


def backtest_report(backtest: Backtest, per_tier: pl.DataFrame, summary: pl.DataFrame) -> str:
    """The per-tier table and the three rankings' figures, as the command prints them."""
    [figures] = summary.to_dicts()
    lines = [
        f"Backtest of policy {backtest.policy_version}: customers scored as of {backtest.scored_on}, what they did "
        f"in the {backtest.horizon_days} days to {backtest.horizon_end}",
        f"{figures['customers']:,} customers, revenue {figures['outcome_revenue']:,.0f}",
        "",
        f"  {'tier':<11} {'customers':>10} {'revenue share':>14} {'revenue/customer':>17} {'retained':>9}",
    ]
    for row in per_tier.iter_rows(named=True):
        lines.append(
            f"  {row['tier']:<11} {row['customers']:>10,} {share(row['revenue_share']):>14} "
            f"{number(row['revenue_per_customer']):>17} {share(row['retained_share']):>9}"
        )
    lines += ["", figures_heading("ranked by")]
    lines += [figures_line(ranking.name, figures, ranking.prefix) for ranking in RANKINGS]
    return "\n".join(lines)


def figures_heading(first: str) -> str:
    return f"  {first:<52}" + "".join(f" {label:>16}" for label in LABELS.values())


def figures_line(name: str, figures: dict, prefix: str) -> str:
    """One ranking's figures (the summary's columns starting with `prefix`) under figures_heading."""
    return f"  {name:<52}" + "".join(f" {figure(figures[prefix + key]):>16}" for key in LABELS)


def share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
