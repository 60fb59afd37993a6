"""Great Expectations suites as Dagster asset checks on every raw feed and on the marts.

Each table has two checks: `gx_blocking` (keys, references, amounts, impossible dates, tier, action, score,
one row per customer): its failure stops the assets downstream; `gx_warn` (categories, dates after the as-of
date, amounts that do not add up) only warns. Great Expectations runs in a process of its own (the `gx`
resource), never in the definitions' process: a check step reads what to validate, closes its connection to the
working database, then has the worker validate the file.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.resources import ExpectationsWorker, TiersConfig
from tiering.feeds import FEEDS, Feed
from tiering.policy import TIERS
from tiering.warehouse.dates import latest_as_of
from tiering.warehouse.quality.suites import (
    Expectation,
    files_loaded_by_run,
    raw_rows,
    raw_suite,
    summary_suite,
    tiers_suite,
    traits_suite,
)

# each table's two checks: a failed `gx_blocking` stops the assets downstream, a failed `gx_warn` only warns
SEVERITY = {"gx_blocking": dg.AssetCheckSeverity.ERROR, "gx_warn": dg.AssetCheckSeverity.WARN}

# the run's as-of partition: a scheduled run carries the first, a run of one partition the second
PARTITION_TAGS = ("dagster/partition", "dagster/asset_partition_range_end")


@dataclass(frozen=True)
class Checked:
    """One table under check: `suite(as_of, tiers, whole_table)` gives its expectations, `rows(con, run_id)`
    the query of the rows to validate (None, or no `rows`: all of them) and `skip(con, run_id)` why there is
    nothing to validate (None: there is)."""

    table: str
    suite: Callable
    description: str
    rows: Callable | None = None
    skip: Callable | None = None

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey(self.table.split("."))


def gx_checks(name: str, checked: list[Checked]) -> dg.AssetChecksDefinition:
    """The blocking and warning checks of the tables, in one step: `gx_blocking` failing on a table stops the
    assets downstream of it."""
    specs = [
        spec
        for c in checked
        for spec in (
            dg.AssetCheckSpec(
                "gx_blocking", asset=c.key, blocking=True, description=f"{c.description} (blocking)"
            ),
            dg.AssetCheckSpec(
                "gx_warn", asset=c.key, blocking=False, description=f"{c.description} (warnings)"
            ),
        )
    ]

    @dg.multi_asset_check(specs=specs, name=name, compute_kind="great_expectations")
    def _checks(
        context: dg.AssetCheckExecutionContext,
        tiers: TiersConfig,
        duckdb: DuckDBResource,
        gx: ExpectationsWorker,
    ):
        with duckdb.get_connection() as con:
            # the latest snapshot holds the newest as-of date run, which a backfill of older dates keeps
            as_of = max(_as_of(context), latest_as_of(con) or date.min)
            selections = [(c, *_selection(c, con, context.run.run_id)) for c in checked]
        for c, skipped, rows in selections:
            yield from _check_table(c, skipped, rows, as_of, tiers, duckdb, gx)

    return _checks


def _selection(c: Checked, con, run_id: str) -> tuple[str | None, tuple[str, dict] | None]:
    """Why there is nothing to validate in the table (None: there is), and the query of the rows to validate
    (None: all of them)."""
    skipped = c.skip(con, run_id) if c.skip else None
    return skipped, None if skipped or not c.rows else c.rows(con, run_id)


def _check_table(
    c: Checked,
    skipped: str | None,
    rows: tuple[str, dict] | None,
    as_of: date,
    tiers: TiersConfig,
    duckdb: DuckDBResource,
    gx: ExpectationsWorker,
) -> Iterator[dg.AssetCheckResult]:
    """The two results of one table."""
    if skipped:
        yield from (_nothing_to_validate(c, check, skipped) for check in SEVERITY)
        return
    outcomes = gx.validate(duckdb, c.table, c.suite(as_of, tiers, rows is None), rows)
    for check, blocking in (("gx_blocking", True), ("gx_warn", False)):
        yield _result(c.key, check, c.table, [o for o in outcomes if o.expectation.blocking == blocking])


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
        severity=SEVERITY[name],
        description=None if not failed else f"{table}: " + "; ".join(_summary(o) for o in failed),
        metadata={
            "expectations": len(outcomes),
            "expectations_failed": len(failed),
            "failing_rows": sum(o.failing or 0 for o in failed),
            "results": dg.MetadataValue.md(_table(outcomes)),
            **{f"failing: {o.expectation.label}": o.failing for o in failed if o.failing is not None},
        },
    )


def _nothing_to_validate(c: Checked, name: str, reason: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=c.key,
        check_name=name,
        passed=True,
        severity=SEVERITY[name],
        description=f"{c.table}: nothing to validate, {reason}",
        metadata={"expectations": 0, "expectations_failed": 0, "failing_rows": 0},
    )


def _summary(outcome) -> str:
    if outcome.error:
        return f"{outcome.expectation.label}: could not be evaluated ({outcome.error})"
    return f"{outcome.expectation.label}: {outcome.failing} failing, e.g. {_examples(outcome)}"


def _examples(outcome) -> str:
    """A few failing values (or rows, as column=value) as a reader writes them: 2099-01-01, not
    datetime.date(2099, 1, 1)."""
    return "; ".join(
        " ".join(f"{k}={v}" for k, v in e.items()) if isinstance(e, dict) else str(e)
        for e in outcome.examples
    )


def _table(outcomes: list) -> str:
    """Per expectation: result, failing rows and a few failing values, as a markdown table for the UI."""
    lines = ["| expectation | result | failing | examples |", "|---|---|---|---|"]
    for o in outcomes:
        result = "error" if o.error else ("passed" if o.success else "FAILED")
        examples = o.error or _examples(o)
        lines.append(
            f"| {o.expectation.label} | {result} | {o.failing if o.failing is not None else ''} | "
            f"{examples.replace('|', '/')[:200]} |"
        )
    return "\n".join(lines)


def _raw(feed: Feed) -> Checked:
    """The rows of raw.<feed> that the run loaded; nothing on a night without new files."""

    def skip(con, run_id: str) -> str | None:
        if files_loaded_by_run(con, feed, run_id):
            return None
        return "the run loaded no new file (earlier loads were validated by their own runs)"

    return Checked(
        f"raw.{feed.name}",
        lambda as_of, tiers, whole_table: raw_suite(feed, as_of, whole_table),
        f"The rows of raw.{feed.name} loaded by the run",
        rows=lambda con, run_id: raw_rows(con, feed, run_id),
        skip=skip,
    )


def _tiers_suite(as_of: date, tiers: TiersConfig, _: bool) -> list[Expectation]:
    policy = tiers.policy()
    return tiers_suite(as_of, {tier: policy.action(tier) for tier in TIERS})


MARTS_CHECKED = [
    Checked("marts.customer_tiers", _tiers_suite, "Keys, tiers, actions and scores of the customer tiers"),
    Checked("marts.tier_summary", lambda *_: summary_suite(), "One row per as-of date and tier"),
]
# What a step that writes the working database after the marts depends on: it then runs after their blocking
# checks, so that it builds on no tiers that failed them and, on a distributed executor, its writer never meets
# the checks' read-only worker on work.duckdb.
AFTER_MART_CHECKS = [dg.AssetKey(checked.table.split(".")) for checked in MARTS_CHECKED]

quality_checks = [
    gx_checks("gx_raw_feeds", [_raw(feed) for feed in FEEDS.values()]),
    gx_checks(
        "gx_customer_traits",
        [
            Checked(
                "marts.customer_traits", lambda as_of, *_: traits_suite(as_of), "One row per known customer"
            )
        ],
    ),
    gx_checks("gx_marts", MARTS_CHECKED),
]
