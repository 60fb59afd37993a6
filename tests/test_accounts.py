"""Parent accounts: members found through chains of parents, traits rolled up as each trait declares, the account
scored and tiered with the policy."""

import duckdb
import polars as pl
import pytest

from tiering.accounts import account_tiers
from tiering.policy import load_policy
from tiering.settings import DEFAULT_POLICY
from tiering.traits import CUSTOMER_TRAITS
from tiering.warehouse.sql import run_sql
from tiering.warehouse.tables import read_sql


def test_members_follow_chains_of_known_parents_and_a_cycle_makes_no_account():
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA staging")
        con.execute(
            "CREATE TABLE staging.customers AS SELECT * FROM (VALUES "
            "('G', NULL), ('P', 'G'), ('C', 'P'), ('X', 'Y'), ('Y', 'X'), ('Z', 'nobody'), ('S', NULL)"
            ") AS t(customer_id, parent_id)"
        )
        run_sql(con, "accounts:members")
        members = read_sql(con, "accounts:member_list", {}).rows()
    # G heads P and its child C; X and Y are each other's parents: no top; Z's parent is unknown and S has no
    # children: accounts of their own, without children, so not in the table
    assert members == [("C", "G"), ("G", "G"), ("P", "G")]


def _traits(rows: list[dict]) -> pl.LazyFrame:
    names = [t.name for t in CUSTOMER_TRAITS]
    frame = pl.DataFrame(rows).with_columns(
        as_of_date=pl.lit("2026-06-30").str.to_date(),
        **{n: pl.lit(None, pl.Boolean if n == "rising" else pl.Float64) for n in names if n not in rows[0]},
    )
    return frame.lazy()


@pytest.fixture(scope="module")
def account() -> dict:
    traits = _traits(
        [
            # revenue 100 + 200 + 0; margin 0.5 (weight 100) and 0.2 (weight 200), the third unknown:
            # (50 + 40) / 300 = 0.3; recency the least, tenure the greatest, rising if any
            {"customer_id": "P", "revenue_12m": 100.0, "gross_margin": 0.5, "recency_days": 40.0,
             "tenure_days": 900.0, "orders_12m": 2.0, "rising": False},
            {"customer_id": "A", "revenue_12m": 200.0, "gross_margin": 0.2, "recency_days": 5.0,
             "tenure_days": 300.0, "orders_12m": 3.0, "rising": True},
            {"customer_id": "B", "revenue_12m": 0.0, "gross_margin": None, "recency_days": None,
             "tenure_days": 30.0, "orders_12m": 0.0, "rising": False},
            {"customer_id": "D", "revenue_12m": 5000.0, "gross_margin": 0.9, "recency_days": 1.0,
             "tenure_days": 3000.0, "orders_12m": 9.0, "rising": False},
        ]
    )  # fmt: skip
    members = pl.DataFrame({"customer_id": ["P", "A", "B"], "account_id": ["P", "P", "P"]}).lazy()
    profiles = pl.DataFrame(
        {
            "customer_id": ["P"],
            "account_name": ["Parent Holdings"],
            "account_owner": ["maria.garcia@example.com"],
            "industry": ["software"],
            "employees": [900],
            "region": ["North America"],
        }
    ).lazy()
    tiers = account_tiers(traits, members, profiles, load_policy(DEFAULT_POLICY))
    assert tiers.height == 1  # D belongs to no account
    return tiers.row(0, named=True)


def test_a_parent_with_two_children_sums_their_revenue(account):
    assert (account["account_id"], account["account_name"], account["children"]) == (
        "P",
        "Parent Holdings",
        2,
    )
    assert account["revenue_12m"] == 300.0 and account["orders_12m"] == 5.0


def test_shares_are_weighted_by_revenue_recency_the_least_tenure_the_greatest(account):
    assert account["gross_margin"] == pytest.approx(0.3)
    assert (account["recency_days"], account["tenure_days"], account["rising"]) == (5.0, 900.0, True)


def test_the_account_is_scored_and_tiered_with_the_policy(account):
    assert account["segment"] == "customer" and account["fit_score"] == 100.0
    assert account["tier"] in ("Ideal", "Acceptable", "Poor") and 0 <= account["score"] <= 100
    assert account["reasons"] and account["account_owner"] == "maria.garcia@example.com"
