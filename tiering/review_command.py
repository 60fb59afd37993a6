"""`tiers review --quarter 2026Q3`: review a quarter under the warehouse's lock, publish the marts and the dashboard
with it, and print its two lists."""

import os
import sys
from datetime import datetime
from pathlib import Path

import duckdb

from tiering.as_of import today_in
from tiering.dashboard import read_dashboard_data, render_page, write_dashboard
from tiering.outputs import PUBLISHED
from tiering.policy import PolicyError, load_policy
from tiering.review import A_LIST, LISTS, POOR_LIST, Coverage, Quarter, ReviewError, coverage, write_review
from tiering.settings import Settings
from tiering.warehouse.bi_layer import bi_layer_statements
from tiering.warehouse.dates import latest_as_of
from tiering.warehouse.lock import WarehouseError, hold_warehouse
from tiering.warehouse.publish import publish_tables
from tiering.warehouse.sql import sql_text

HEADINGS = {
    A_LIST: "A-list: Ideal on every as-of date run",
    POOR_LIST: "Poor all quarter: candidates to help move on",
}


def review_command(quarter_text: str, settings: Settings) -> int:
    """Review the quarter, publish, print the report; a one-line error and exit code 2 when it cannot be."""
    started = datetime.now().astimezone()
    try:
        quarter = Quarter.parse(quarter_text)
        policy = load_policy(settings.policy_path)
        if not settings.work_db.exists():
            raise ReviewError(f"{settings.work_db} does not exist: run the nightly job (`tiers run`) first")
        holder = f"the review of {quarter} by process {os.getpid()} (started {started:%Y-%m-%d %H:%M:%S %Z})"
        config = {"memory_limit": settings.duckdb_memory_limit}
        with (
            hold_warehouse(settings.warehouse_dir.resolve(), settings.work_db.resolve(), holder),
            duckdb.connect(str(settings.work_db), config=config) as con,
        ):
            covered = coverage(con, quarter, today_in(settings.timezone))
            write_review(con, covered, started)
            rows = con.execute(sql_text("review:rows"), {"quarter": str(quarter)}).fetchall()
            publish_tables(
                con, list(PUBLISHED), settings.warehouse_dir, settings.bi_db.name, bi_layer_statements()
            )
            dashboard = write_dashboard(
                render_page(read_dashboard_data(con, latest_as_of(con), policy), policy),
                Path(settings.warehouse_dir) / "reports",
            )
    except (ReviewError, PolicyError, WarehouseError) as exc:
        print(f"tiers: {exc}", file=sys.stderr)
        return 2
    print(review_report(covered, rows, policy.base_currency))
    print(f"\nPublished in {settings.bi_db} (marts.quarterly_review), its Parquet exports and {dashboard}.")
    return 0


def review_report(covered: Coverage, rows: list[tuple], currency: str) -> str:
    """The review as text: its coverage, then each list as a table with its total.
    rows: (list, customer_id, customer_name, account_owner, revenue, gross_margin, tickets), as review:rows."""
    q = covered.quarter
    so_far = " so far" if covered.running else ""
    lines = [
        f"Quarterly review of {q}{so_far} ({q.first_day} to {q.last_day})",
        f"Coverage: {covered.describe()}.",
        f"Revenue, gross margin and support tickets from {q.first_day} to {covered.period_end}, money in "
        f"{currency}.",
    ]
    for name in LISTS:
        listed = [row[1:] for row in rows if row[0] == name]
        lines += ["", f"{HEADINGS[name]} ({len(listed):,} customers)", *_table(listed)]
    return "\n".join(lines)


_HEADER = f"  {'customer':<10} {'name':<28} {'owner':<26} {'revenue':>14} {'margin':>7} {'tickets':>8}"


def _table(listed: list[tuple]) -> list[str]:
    if not listed:
        return ["  nobody"]
    out = [_HEADER]
    for customer_id, name, owner, revenue, margin, tickets in listed:
        out.append(
            f"  {customer_id:<10} {_cut(name, 28):<28} {_cut(owner or '(no owner)', 26):<26} {revenue:>14,.0f} "
            f"{_margin(margin):>7} {_tickets(tickets):>8}"
        )
    revenue = sum(row[3] for row in listed)
    costed = [(row[3], row[4]) for row in listed if row[4] is not None]
    weight = sum(r for r, _ in costed)
    margin = sum(r * m for r, m in costed) / weight if weight else None
    tickets = None if listed[0][5] is None else sum(row[5] for row in listed)
    total = f"total: {len(listed):,} customers"
    out.append(f"  {total:<66} {revenue:>14,.0f} {_margin(margin):>7} {_tickets(tickets):>8}")
    return out


def _cut(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _margin(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _tickets(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"
