"""`tiers simulate`: the tiers a policy file would give on a date the nightly run has run, from the stored traits,
against the tiers the run published; and, where the orders go back a year, both policies' backtests. Nothing is
written: the working database is opened read-only."""

import json
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from tiering.backtest.outcomes import (
    NIGHTLY_HORIZON_DAYS,
    PER_TIER,
    RANKINGS,
    SUMMARY,
    Backtest,
    measure_backtest,
)
from tiering.backtest.replay import BacktestError, read_only_work
from tiering.backtest.report import figures_heading, figures_line, share
from tiering.policy import TIERS, Policy, PolicyError, load_policy
from tiering.settings import Settings
from tiering.warehouse.dates import latest_as_of
from tiering.warehouse.scores import part_scores
from tiering.warehouse.sql import sql_text
from tiering.warehouse.tables import customer_parts, read_sql


@dataclass(frozen=True)
class Simulation:
    as_of: date
    policy_version: str
    moves: pl.DataFrame  # from_tier (as published), to_tier (with the policy file), customers, revenue_12m
    # the backtests' rows by table, of the policy "in use" and the "simulated" one; {} without a backtest
    backtests: dict[str, dict[str, pl.DataFrame]]

    def tiers(self, side: str) -> dict[str, int]:
        """Customers per tier, as published (side "from_tier") or with the policy file ("to_tier")."""
        counts = dict(self.moves.group_by(side).agg(pl.col("customers").sum()).iter_rows())
        return {tier: counts.get(tier, 0) for tier in TIERS}


def simulate_command(policy_path: Path, as_of: date | None, as_json: bool, settings: Settings) -> int:
    """Print the simulation (as text, or JSON); a one-line error and exit code 2 when it cannot be made."""
    try:
        policy, in_use = load_policy(policy_path), load_policy(settings.policy_path)
        with read_only_work(settings.work_db, settings.duckdb_memory_limit) as con:
            simulation = simulate(con, as_of, policy, in_use, settings.clv_sample, settings.chunk_orders)
    except (BacktestError, PolicyError) as exc:
        print(f"tiers: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(simulation_json(simulation), indent=1) if as_json else simulation_report(simulation))
    return 0


def simulate(
    con: duckdb.DuckDBPyConnection,
    as_of: date | None,
    policy: Policy,
    in_use: Policy,
    sample_size: int,
    orders_per_part: int,
) -> Simulation:
    """The policy's tiers on `as_of` (default: the newest date run) against the published ones, and the backtests
    of a year before with the policy in use and with `policy`, when the orders go back that far."""
    as_of = as_of or latest_as_of(con)
    if as_of is None:
        raise BacktestError("no as-of date has run yet: run the nightly job (`tiers run`) first")
    [(held,)] = con.execute(sql_text("backtest:traits_held"), {"as_of": as_of}).fetchall()
    if not held:
        first, last = con.execute(sql_text("backtest:dates_held")).fetchone()
        raise BacktestError(
            f"no stored traits for {as_of}: the last run's dates are {first} to {last}; run `tiers run --as-of "
            f"{as_of}` first"
        )
    published = read_sql(con, "backtest:published_tiers", {"as_of": as_of})
    simulated = _tiers_with(con, as_of, policy, orders_per_part)
    moves = (
        published.join(simulated, on="customer_id", how="full", coalesce=True)
        .group_by("from_tier", "to_tier")
        .agg(customers=pl.len(), revenue_12m=pl.col("revenue_12m").sum())
        .sort("from_tier", "to_tier", nulls_last=True)
    )
    return Simulation(
        as_of,
        policy.version,
        moves,
        _backtests(con, as_of, {"in use": in_use, "simulated": policy}, sample_size, orders_per_part),
    )


def _tiers_with(
    con: duckdb.DuckDBPyConnection, as_of: date, policy: Policy, orders_per_part: int
) -> pl.DataFrame:
    """Each customer's tier with `policy` from its stored traits, scored as the run scores them (near a cut-off
    kept at the previous date's tier), with its revenue_12m."""
    params = {"first_date": as_of, "last_date": as_of}
    tiers = pl.concat(
        part_scores(con, [as_of], policy, params | part, words=False).select("customer_id", to_tier="tier")
        for part in customer_parts(con, "staging.orders", orders_per_part)
    )
    return tiers.join(read_sql(con, "backtest:revenue_12m", {"as_of": as_of}), on="customer_id", how="left")


def _backtests(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    policies: dict[str, Policy],
    sample_size: int,
    orders_per_part: int,
) -> dict[str, dict[str, pl.DataFrame]]:
    """Each policy's backtest scored a year before `as_of`, to it; none when the orders do not go back that far."""
    scored_on = as_of - timedelta(days=NIGHTLY_HORIZON_DAYS)
    try:
        return {
            role: measure_backtest(
                con,
                Backtest(scored_on, NIGHTLY_HORIZON_DAYS, p.version),
                p,
                sample_size,
                orders_per_part,
                False,
            )
            for role, p in policies.items()
        }
    except BacktestError:
        return {}


def simulation_json(simulation: Simulation) -> dict:
    """{"tiers": {TIER: customers}, "moves": [{"from", "to", "customers", "revenue_12m"}], ...}."""
    return {
        "as_of": simulation.as_of.isoformat(),
        "policy_version": simulation.policy_version,
        "tiers": simulation.tiers("to_tier"),
        "published_tiers": simulation.tiers("from_tier"),
        "moves": [
            {
                "from": row["from_tier"],
                "to": row["to_tier"],
                "customers": row["customers"],
                "revenue_12m": row["revenue_12m"],
            }
            for row in simulation.moves.iter_rows(named=True)
        ],
        "backtests": [
            {
                "policy": role,
                **{
                    k: (v.isoformat() if isinstance(v, date) else v)
                    for k, v in rows[SUMMARY].row(0, named=True).items()
                },
                "tiers": rows[PER_TIER].drop("scored_on", "horizon_days", "policy_version").to_dicts(),
            }
            for role, rows in simulation.backtests.items()
        ],
    }


def simulation_report(simulation: Simulation) -> str:
    """The customers per tier, the from-to matrix and the backtests side by side, as the command prints them."""
    published, simulated = simulation.tiers("from_tier"), simulation.tiers("to_tier")
    lines = [
        f"Policy {simulation.policy_version} as of {simulation.as_of}, against the tiers the run published "
        "(nothing written)",
        "",
        f"  {'tier':<11} {'published':>10} {'with it':>10} {'change':>8}",
    ]
    for tier in TIERS:
        lines.append(
            f"  {tier:<11} {published[tier]:>10,} {simulated[tier]:>10,} {simulated[tier] - published[tier]:>+8,}"
        )
    lines += [
        "",
        "  moves (customers, revenue of the last 12 months), published tier -> tier with the policy:",
    ]
    for row in simulation.moves.iter_rows(named=True):
        lines.append(
            f"  {row['from_tier'] or '(new)':<11} -> {row['to_tier'] or '(gone)':<11} {row['customers']:>9,}  "
            f"{row['revenue_12m'] or 0:>16,.0f}"
        )
    if not simulation.backtests:
        lines += ["", "  No backtest: the orders do not go back a year before the as-of date."]
        return "\n".join(lines)
    scored_on = simulation.as_of - timedelta(days=NIGHTLY_HORIZON_DAYS)
    lines += [
        "",
        f"  backtests: scored on {scored_on}, what the customers did in the year to {simulation.as_of}",
    ]
    lines.append(figures_heading("ranked by"))
    for role, rows in simulation.backtests.items():
        shares = dict(rows[PER_TIER].select("tier", "revenue_share").iter_rows())
        version = rows[SUMMARY]["policy_version"].item()
        name = f"policy {role}, {version} (Ideal: {share(shares['Ideal'])} of revenue)"
        lines.append(figures_line(name, rows[SUMMARY].row(0, named=True), ""))
    [figures] = next(iter(simulation.backtests.values()))[SUMMARY].to_dicts()
    lines += [figures_line(r.name, figures, r.prefix) for r in RANKINGS if r.prefix]
    return "\n".join(lines)
