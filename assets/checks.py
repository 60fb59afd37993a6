"""Great Expectations suites as Dagster asset checks on every raw feed and on the marts.

Each table has two checks: `gx_blocking` (keys, references, amounts, impossible dates, tier, action, score,
one row per customer): its failure stops the assets downstream; `gx_warn` (categories, dates after the as-of
date, amounts that do not add up) only warns. Great Expectations is imported inside the check, never when the
definitions load.
"""

import importlib
import threading
from datetime import date
from functools import cache

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import TiersConfig
from tiering.feeds import FEEDS
from tiering.quality.rules import TIERS
from tiering.quality.suites import (
    Expectation,
    raw_rows,
    raw_suite,
    summary_suite,
    tiers_suite,
    traits_suite,
)

# the run's as-of partition: a scheduled run carries the first, a run of one partition the second
PARTITION_TAGS = ("dagster/partition", "dagster/asset_partition_range_end")


def gx_checks(table: str, suite, description: str, rows=None) -> dg.AssetChecksDefinition:
    """The blocking and warning checks of one table: `rows(con, run_id)` gives the query of the rows to validate
    (None, or no `rows`: all of them) and `suite(as_of, tiers, whole_table)` the expectations."""
    key = dg.AssetKey(table.split("."))
    specs = [
        dg.AssetCheckSpec("gx_blocking", asset=key, blocking=True, description=f"{description} (blocking)"),
        dg.AssetCheckSpec("gx_warn", asset=key, blocking=False, description=f"{description} (warnings)"),
    ]

    @dg.multi_asset_check(
        specs=specs, name=f"gx_{table.replace('.', '_')}", compute_kind="great_expectations"
    )
    def _checks(context: dg.AssetCheckExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource):
        from tiering.quality.gx import validate

        with duckdb.get_connection() as con:
            selected = rows(con, context.run.run_id) if rows else None
            outcomes = validate(con, table, suite(_as_of(context), tiers, selected is None), selected)
        for name, blocking in (("gx_blocking", True), ("gx_warn", False)):
            yield _result(key, name, table, [o for o in outcomes if o.expectation.blocking == blocking])

    return _checks


@cache
def start_importing_great_expectations() -> None:
    """Import GX (seconds of Python) in the background, once, while DuckDB loads the raw feeds; a check that
    needs it before then waits for the import to finish."""
    threading.Thread(target=importlib.import_module, args=("tiering.quality.gx",), daemon=True).start()


def _as_of(context: dg.AssetCheckExecutionContext) -> date:
    """The run's as-of date (its partition), or today for a run without one."""
    tags = context.run.tags
    partition = next((tags[t] for t in PARTITION_TAGS if t in tags), None)
    return date.fromisoformat(partition) if partition else date.today()


def _result(key: dg.AssetKey, name: str, table: str, outcomes: list) -> dg.AssetCheckResult:
    failed = [o for o in outcomes if not o.success]
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=name,
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if name == "gx_blocking" else dg.AssetCheckSeverity.WARN,
        description=None if not failed else f"{table}: " + "; ".join(_summary(o) for o in failed),
        metadata={
            "expectations": len(outcomes),
            "expectations_failed": len(failed),
            "failing_rows": sum(o.failing or 0 for o in failed),
            "results": dg.MetadataValue.md(_table(outcomes)),
            **{f"failing: {o.expectation.label}": o.failing for o in failed if o.failing is not None},
        },
    )


def _summary(outcome) -> str:
    if outcome.error:
        return f"{outcome.expectation.label}: could not be evaluated ({outcome.error})"
    return f"{outcome.expectation.label}: {outcome.failing} failing, e.g. {outcome.examples}"


def _table(outcomes: list) -> str:
    """Per expectation: result, failing rows and a few failing values, as a markdown table for the UI."""
    lines = ["| expectation | result | failing | examples |", "|---|---|---|---|"]
    for o in outcomes:
        result = "error" if o.error else ("passed" if o.success else "FAILED")
        examples = o.error or (", ".join(str(e) for e in o.examples) if o.examples else "")
        lines.append(
            f"| {o.expectation.label} | {result} | {o.failing if o.failing is not None else ''} | "
            f"{examples.replace('|', '/')[:200]} |"
        )
    return "\n".join(lines)


def _raw(feed_name: str):
    return lambda as_of, tiers, whole_table: raw_suite(FEEDS[feed_name], as_of, whole_table)


def _tiers_suite(as_of: date, tiers: TiersConfig, _: bool) -> list[Expectation]:
    policy = tiers.policy()
    return tiers_suite(as_of, {tier: policy.action(tier) for tier in TIERS})


quality_checks = [
    *(
        gx_checks(
            f"raw.{name}",
            _raw(name),
            f"The rows of raw.{name} loaded by the run",
            lambda con, run_id, feed=FEEDS[name]: raw_rows(con, feed, run_id),
        )
        for name in FEEDS
    ),
    gx_checks("marts.customer_traits", lambda as_of, *_: traits_suite(as_of), "One row per known customer"),
    gx_checks("marts.customer_tiers", _tiers_suite, "Keys, tiers, actions and scores of the customer tiers"),
    gx_checks("marts.tier_summary", lambda *_: summary_suite(), "One row per as-of date and tier"),
]
