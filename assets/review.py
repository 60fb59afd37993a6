"""marts/quarterly_review: a nightly run reviews the quarter before each of its as-of dates' (the night as of a
quarter's first day reviews the quarter just ended), once, and again when a backfill adds days to it;
`tiers review --quarter` reviews any quarter."""

from datetime import datetime

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.checks import AFTER_MART_CHECKS
from assets.metadata import table_metadata
from assets.resources import as_of_partitions, one_pass, run_dates
from tiering.review import NEEDS, TICKETS, coverage, nightly_quarters, write_review
from tiering.warehouse.dates import latest_as_of

REVIEW = "marts.quarterly_review"


@dg.asset(
    key=REVIEW.split("."),
    deps=[dg.AssetKey(name.split(".")) for name in (*NEEDS, TICKETS)] + AFTER_MART_CHECKS,
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    group_name="marts",
    kinds={"duckdb", "sql"},
    description="The quarterly review: the A-list (Ideal on every as-of date of the quarter that has run) and the "
    "customers Poor all quarter, with revenue, gross margin and tickets over the quarter. The night as of a "
    "quarter's first day reviews the quarter before (again when a backfill adds days to it); `tiers review "
    "--quarter YYYYQn` any quarter. Built by sql/review/quarterly_review.sql.",
    owners=["team:sales-ops"],
)
def quarterly_review(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Review the quarter before each of the run's as-of dates' that has days run and no review of them yet."""
    with duckdb.get_connection() as con:
        quarters = nightly_quarters(con, run_dates(context))
        for quarter in quarters:
            covered = coverage(con, quarter, latest_as_of(con))
            write_review(con, covered, datetime.now().astimezone())
            context.log.info(f"reviewed {quarter}: {covered.describe()}")
        return dg.MaterializeResult(
            metadata=table_metadata(con, REVIEW, quarters_reviewed=", ".join(map(str, quarters)) or "none")
        )
