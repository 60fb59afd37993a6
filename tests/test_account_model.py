"""The account model on the S demo with hand-made opportunities, parent accounts and signals:
marts.prospect_priorities ranks prospects how soon, then how profitable, then how much; marts.account_tiers sums a
parent's group; a policy's signal trait is computed and scored; adding prospects, opportunities, parents and
signals changes no customer's tier or score."""

import shutil
from dataclasses import replace
from datetime import date, timedelta

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tiering.settings import DEFAULT_POLICY, REPO_ROOT

GOLDEN_TIERS = REPO_ROOT / "tests" / "data" / "golden_s" / "customer_tiers.parquet"
FIRST = date(2026, 6, 28)  # the golden copy's run: 2026-06-28 .. as_of in one pass


def _prospects(landing, as_of: date) -> list[str]:
    """Customers signed up by as_of without a completed order up to it, from the landing files."""
    customers = pl.read_csv(landing / "customers" / "customers.csv", try_parse_dates=True)
    orders = pl.concat(
        [pl.read_csv(f, try_parse_dates=True) for f in sorted((landing / "orders").glob("*.csv"))]
    )
    bought = orders.filter((pl.col("status") == "completed") & (pl.col("order_date") <= as_of))
    known = customers.filter(pl.col("signup_date") <= as_of)
    return sorted(set(known["customer_id"]) - set(bought["customer_id"]))


@pytest.fixture(scope="module")
def run(tmp_path_factory, s_landing, pipeline, as_of):
    root = tmp_path_factory.mktemp("prospects")
    landing = root / "landing"
    shutil.copytree(s_landing, landing)
    a, b, c, d, e = _prospects(landing, as_of)[:5]
    customer = "C0000002"  # has bought: an opportunity does not make it a prospect
    day = lambda n: as_of + timedelta(days=n)  # noqa: E731
    rows = [
        # opportunity_id, customer_id, created, expected close, amount, margin, stage, probability
        ("O1", a, day(-20), day(10), 1000, 0.2, "open", 0.5),
        ("O2", b, day(-20), day(5), 500, 0.4, "Open ", None),
        ("O3", c, day(-20), day(45), 99999, 0.9, "open", 0.9),
        ("O4", d, day(-20), day(20), 5000, 0.5, "lost", None),
        ("O5", e, day(-60), day(-10), 2000, None, "open", None),  # still open, its close date past
        ("O6", e, day(1), day(3), 7000, 0.8, "open", None),  # created after as_of: not yet
        ("O7", customer, day(-20), day(5), 500, 0.4, "open", None),
    ]
    (landing / "opportunities").mkdir(exist_ok=True)
    pl.DataFrame(
        rows,
        schema=[
            "opportunity_id",
            "customer_id",
            "created_date",
            "expected_close_date",
            "amount",
            "expected_margin",
            "stage",
            "probability",
        ],
        orient="row",
    ).write_csv(landing / "opportunities" / "opportunities.csv")
    customers = pl.read_csv(landing / "customers" / "customers.csv", infer_schema=False)
    parents = {"C0000011": "C0000010", "C0000012": "C0000010", "C0000013": "C0000012"}  # a group of four
    customers.with_columns(parent_id=pl.col("customer_id").replace_strict(parents, default=None)).write_csv(
        landing / "customers" / "customers.csv"
    )
    (landing / "signals").mkdir(exist_ok=True)
    pl.DataFrame(
        [
            ("C0000002", "NPS", day(-3), 10.0),
            ("C0000002", "referral", day(-40), 1.0),
            ("C0000003", "nps", day(-2), 0.0),
        ],
        schema=["customer_id", "signal", "signal_date", "value"],
        orient="row",
    ).write_csv(landing / "signals" / "signals.csv")
    settings = pipeline.settings(root, landing=landing)
    assert pipeline.run(settings, as_of, first=FIRST).success
    with duckdb.connect(str(settings.bi_db), read_only=True) as con:
        priorities = con.sql("SELECT * FROM marts.prospect_priorities ORDER BY priority").pl()
        tiers = con.sql("SELECT * FROM marts.customer_tiers").pl()
        accounts = con.sql("SELECT * FROM marts.account_tiers").pl()
    return (a, b, c, d, e), priorities, tiers, accounts, settings


def test_prospects_with_an_open_opportunity_are_ranked_how_soon_then_how_profitable_then_how_much(run):
    (a, b, c, _, e), priorities, *_ = run
    assert priorities.select(
        "customer_id", "days_to_close", "pipeline_amount", "expected_margin", "priority"
    ).rows() == [
        (b, 5, 500.0, 0.4, 1),  # within 30 days, the best margin
        (a, 10, 1000.0, 0.2, 2),
        (e, -10, 2000.0, None, 3),  # due already: within the first month; margin unknown, last of it
        (c, 45, 99999.0, 0.9, 4),  # the second month, whatever its margin and amount
    ]


def test_a_prospect_with_a_lost_opportunity_only_and_a_customer_have_no_priority_row(run):
    (_, _, _, d, _), priorities, *_ = run
    assert d not in priorities["customer_id"].to_list()
    assert "C0000002" not in priorities["customer_id"].to_list()


def test_prospects_are_tiered_by_fit_and_customers_tiers_are_unchanged(run):
    _, priorities, tiers, *_ = run
    prospects = tiers.filter(pl.col("segment") == "prospect")
    assert prospects["score"].null_count() == prospects.height
    assert prospects.select(pl.col("fit_score").is_between(0, 100).all()).item()
    joined = priorities.join(tiers, on="customer_id", suffix="_mart")
    assert (joined["tier"] == joined["tier_mart"]).all()
    golden = pl.read_parquet(GOLDEN_TIERS).select("customer_id", "score", "tier", "action", "reasons")
    customers = tiers.filter(pl.col("segment") == "customer").select(golden.columns)
    assert_frame_equal(
        customers.sort("customer_id"),
        golden.filter(pl.col("customer_id").is_in(customers["customer_id"].implode())).sort("customer_id"),
    )


def test_a_parent_account_sums_its_groups_revenue(run):
    *_, tiers, accounts, _ = run
    group = tiers.filter(pl.col("customer_id").is_in(["C0000010", "C0000011", "C0000012", "C0000013"]))
    assert accounts["account_id"].to_list() == ["C0000010"]
    account = accounts.row(0, named=True)
    assert account["children"] == 3
    assert account["revenue_12m"] == pytest.approx(group["revenue_12m"].sum())
    assert account["tier"] in ("Ideal", "Acceptable", "Poor") and account["reasons"]


def test_a_signal_trait_of_the_policy_is_computed_and_scored(run, tmp_path, pipeline, as_of):
    *_, settings = run
    policy = tmp_path / "policy.yaml"
    text = DEFAULT_POLICY.read_text().replace(
        "\ntraits:\n",
        "\nsignals:\n  nps_latest: {signal: nps, aggregate: latest, window_days: 365}\n"
        "\ntraits:\n  nps_latest:\n    direction: higher_is_better\n    poor: 0\n    ideal: 10\n    weight: 3\n"
        "    good: promotes us\n    bad: detracts from us\n",
    )
    policy.write_text(text)
    scored = replace(settings, policy_path=policy)
    assert pipeline.run(scored, as_of).success
    with duckdb.connect(str(scored.bi_db), read_only=True) as con:
        rows = con.sql(
            "SELECT customer_id, nps_latest, reasons FROM marts.customer_tiers "
            "WHERE customer_id IN ('C0000002', 'C0000003', 'C0000004') ORDER BY 1"
        ).fetchall()
    assert [(c, v) for c, v, _ in rows] == [("C0000002", 10.0), ("C0000003", 0.0), ("C0000004", None)]
    assert "promotes us: 10.0 (nps latest, last 365 days)" in rows[0][2]
    assert "detracts from us: 0.0 (nps latest, last 365 days)" in rows[1][2]
