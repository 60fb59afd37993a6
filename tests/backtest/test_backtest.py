"""Backtests of the policy on the S demo: the nightly run's (a year before its as-of date) and `tiers backtest`."""

import hashlib
import json
import shutil
from datetime import date, timedelta

import duckdb
import polars as pl
import pytest

from support.tiers import run_tiers
from tiering.backtest.outcomes import Backtest, measure_backtest
from tiering.policy import TIERS, load_policy
from tiering.settings import DEFAULT_POLICY


@pytest.fixture(scope="module")
def published(s_run) -> dict[str, pl.DataFrame]:
    settings, result = s_run
    assert result.success
    with duckdb.connect(str(settings.bi_db), read_only=True) as con:
        return {name: con.sql(f"SELECT * FROM marts.{name}").pl() for name in _TABLES}


_TABLES = ("policy_backtest_customers", "policy_backtest", "policy_backtest_summary")


@pytest.fixture
def warehouse(s_run, tmp_path):
    """A copy of the S run's warehouse, for a backtest to write to."""
    settings, _ = s_run
    copy = tmp_path / "warehouse"
    copy.mkdir()
    for name in ("work.duckdb", "tiers.duckdb"):
        shutil.copy(settings.warehouse_dir / name, copy / name)
    return copy


def test_the_nightly_run_backtests_the_tiers_of_a_year_before(published, s_run, as_of):
    customers, per_tier, summary = (published[name] for name in _TABLES)
    scored_on = as_of - timedelta(days=365)
    version = load_policy(DEFAULT_POLICY).version
    for frame in (customers, per_tier, summary):
        assert frame.select("scored_on", "horizon_days", "policy_version").unique().rows() == [
            (scored_on, 365, version)
        ]
    assert per_tier["tier"].to_list() == list(TIERS)
    assert per_tier["customers"].sum() == customers.height == summary["customers"].item()
    assert per_tier["revenue_share"].sum() == pytest.approx(1.0)
    ideal, _, poor = per_tier["revenue_per_customer"].to_list()
    assert ideal > 5 * poor
    # each outcome, counted again from the staged orders: completed orders in (D-365, D]
    settings, _ = s_run
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        expected = con.sql(
            "SELECT customer_id, sum(net_amount) AS revenue FROM staging.orders WHERE status = 'completed' "
            f"AND order_date > DATE '{scored_on}' AND order_date <= DATE '{as_of}' GROUP BY customer_id"
        ).pl()
    joined = customers.join(expected, on="customer_id", how="left").with_columns(
        pl.col("revenue").fill_null(0)
    )
    assert (joined["outcome_revenue"] - joined["revenue"]).abs().max() < 1e-6
    assert (joined["retained"] == (joined["revenue"] > 0)).all()
    figures = summary.row(0, named=True)
    assert (
        0.5 < figures["gini"] <= 1 and 0.5 < figures["retention_auc"] <= 1 and figures["top_decile_lift"] > 1
    )
    assert all(figures[f"{prefix}gini"] > 0.5 for prefix in ("revenue_12m_", "forecast_"))


def test_a_backtest_scores_exactly_as_the_nightly_run_did(s_run, warehouse, as_of):
    """Scored on the run's own as-of date, the backtest gives every customer the run's score and tier."""
    policy = load_policy(DEFAULT_POLICY)
    with duckdb.connect(str(warehouse / "work.duckdb")) as con:
        rows = measure_backtest(
            con, Backtest(as_of, 1, policy.version), policy, 20_000, 200_000, whole_horizon=False
        )
        nightly = con.sql(
            f"SELECT customer_id, score, tier FROM marts.tier_history WHERE as_of_date = '{as_of}'"
        ).pl()
    backtest = rows["marts.policy_backtest_customers"].select("customer_id", "score", "tier")
    assert backtest.sort("customer_id").equals(nightly.sort("customer_id"))


def test_tiers_backtest_replaces_its_rows_publishes_them_and_prints_a_table(warehouse, tmp_path, s_run):
    version = load_policy(DEFAULT_POLICY).version
    policy = tmp_path / "policy.yaml"
    policy.write_text(DEFAULT_POLICY.read_text().replace(f'version: "{version}"', 'version: "what-if"'))
    env = {"TIERS_WAREHOUSE_DIR": str(warehouse), "DAGSTER_HOME": str(tmp_path)}
    args = ["backtest", "--scored-on", "2025-12-31", "--horizon-days", "181"]
    for _ in range(2):
        done = run_tiers(args, env)
        assert done.returncode == 0, done.stderr
    assert "customers scored as of 2025-12-31, what they did in the 181 days to 2026-06-30" in done.stdout
    assert all(tier in done.stdout for tier in TIERS) and "the policy's score" in done.stdout
    done = run_tiers([*args, "--policy", str(policy)], env)
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(warehouse / "tiers.duckdb"), read_only=True) as bi:
        counts = bi.sql(
            "SELECT scored_on, horizon_days, policy_version, count(*) FROM bi.policy_backtest GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    runs = [
        (date(2025, 6, 30), 365, version),
        (date(2025, 12, 31), 181, version),
        (date(2025, 12, 31), 181, "what-if"),
    ]
    assert counts == sorted((*run, len(TIERS)) for run in runs)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--scored-on", "2026-01-31"],
            "the orders end on 2026-06-30: a backtest scored on 2026-01-31 with a horizon of 365 days needs them to "
            "2027-01-31 (--horizon-days 150 at most)",
        ),
        (["--scored-on", "2000-01-01"], "no order is dated on or before 2000-01-01"),
        (
            ["--scored-on", "2026-01-31", "--horizon-days", "0"],
            "--horizon-days must be a whole number of days above 0",
        ),
    ],
)
def test_a_backtest_the_data_cannot_answer_is_a_one_line_error(warehouse, tmp_path, args, message):
    done = run_tiers(
        ["backtest", *args], {"TIERS_WAREHOUSE_DIR": str(warehouse), "DAGSTER_HOME": str(tmp_path)}
    )
    assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_simulate_gives_the_run_s_tiers_with_its_own_policy_and_writes_nothing(warehouse, tmp_path, s_run):
    env = {"TIERS_WAREHOUSE_DIR": str(warehouse), "DAGSTER_HOME": str(tmp_path)}
    before = {name: _digest(warehouse / name) for name in ("work.duckdb", "tiers.duckdb")}
    done = run_tiers(["simulate", "--policy", str(DEFAULT_POLICY), "--json"], env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    with duckdb.connect(str(warehouse / "tiers.duckdb"), read_only=True) as con:
        [(accounts,)] = con.execute("SELECT count(*) FROM marts.customer_tiers").fetchall()
    assert result["tiers"] == result["published_tiers"] and sum(result["tiers"].values()) == accounts
    assert all(move["from"] == move["to"] for move in result["moves"])
    [in_use, same] = result["backtests"]
    assert (in_use["policy"], same["policy"]) == ("in use", "simulated")
    assert in_use["gini"] == same["gini"] and in_use["scored_on"] == "2025-06-30"
    assert {name: _digest(warehouse / name) for name in ("work.duckdb", "tiers.duckdb")} == before


def test_simulate_moves_customers_as_a_lower_ideal_cut_off_says(warehouse, tmp_path):
    version = load_policy(DEFAULT_POLICY).version
    policy = tmp_path / "what-if.yaml"
    text = DEFAULT_POLICY.read_text().replace(f'version: "{version}"', 'version: "what-if"')
    policy.write_text(text.replace("  ideal: 70", "  ideal: 60", 1))
    assert load_policy(policy).tiers.ideal == 60
    env = {"TIERS_WAREHOUSE_DIR": str(warehouse), "DAGSTER_HOME": str(tmp_path)}
    done = run_tiers(["simulate", "--policy", str(policy), "--json"], env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    moves = {(m["from"], m["to"]): m["customers"] for m in result["moves"]}
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        [(between,)] = con.execute(
            "SELECT count(*) FROM scoring.customer_scores WHERE tier = 'Acceptable' AND score >= 60 "
            "AND knockouts = ''"
        ).fetchall()
    assert between > 0 and moves[("Acceptable", "Ideal")] == between
    assert result["tiers"]["Ideal"] == result["published_tiers"]["Ideal"] + between
    assert not any(frm == "Ideal" and to != "Ideal" for frm, to in moves)
    text_done = run_tiers(["simulate", "--policy", str(policy)], env)
    assert f"Acceptable  -> Ideal       {between:>9,}" in text_done.stdout
    assert "policy simulated, what-if (Ideal:" in text_done.stdout


def test_simulate_needs_the_traits_of_a_date_that_has_run(warehouse, tmp_path):
    env = {"TIERS_WAREHOUSE_DIR": str(warehouse), "DAGSTER_HOME": str(tmp_path)}
    done = run_tiers(["simulate", "--policy", str(DEFAULT_POLICY), "--as-of", "2026-06-01"], env)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "tiers: no stored traits for 2026-06-01: the last run's dates are 2026-06-30 to 2026-06-30; run `tiers run "
        "--as-of 2026-06-01` first"
    )
