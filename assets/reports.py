"""The report asset: the tier dashboard, one self-contained HTML page rebuilt by every run."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.accounts import account_tiers
from assets.backtest import policy_backtest
from assets.marts import mart_assets
from assets.resources import TiersConfig, as_of_partitions, one_pass
from assets.review import quarterly_review
from tiering.dashboard import read_dashboard_data, render_page, write_dashboard
from tiering.warehouse.dates import latest_as_of

# Every mart, so the page is built once all of them hold the run's dates.
MARTS = [
    key
    for asset in (*mart_assets, account_tiers, policy_backtest, quarterly_review)
    for key in asset.keys
    if key.path[0] == "marts"
]


@dg.asset(
    key=["reports", "tier_dashboard"],
    deps=MARTS,
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    group_name="reports",
    kinds={"html"},
    description="The tier dashboard for sales leaders: whom to call (Ideal customers slipping, rising customers) "
    "with filters by owner, region and industry, customers and revenue per tier, Ideal customers over time (and "
    "the policy's goal), tier movements with what changed, whether last year's tiers were right (the nightly backtest), per-tier economics, trait distributions and a searchable customer table with reasons. One "
    "self-contained HTML file (no server, nothing fetched) at $TIERS_WAREHOUSE_DIR/reports/tier_dashboard.html, "
    "for the newest as-of date that has run (a backfill of older dates keeps it).",
    owners=["team:sales-ops"],
)
def tier_dashboard(tiers: TiersConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    policy = tiers.policy()
    with duckdb.get_connection() as con:
        as_of = latest_as_of(con)
        data = read_dashboard_data(con, as_of, policy)
    html = render_page(data, policy)
    path = write_dashboard(html, Path(tiers.warehouse_dir) / "reports").resolve()
    return dg.MaterializeResult(
        metadata={
            "dashboard": dg.MetadataValue.url(path.as_uri()),
            "path": dg.MetadataValue.path(str(path)),
            "as_of_date": as_of.isoformat(),
            "size_kb": round(len(html.encode()) / 1024),
            "table_customers": len(data.customers),
            "call_list_customers": sum(row.call is not None for row in data.customers),
            **{f"customers_{tier.lower()}": t.customers for tier, t in data.tiers.items()},
        }
    )
