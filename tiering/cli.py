"""The `tiers` command: generate demo data, run the nightly job, print what it did."""

import argparse
import logging
import os
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from tiering.as_of import data_lag_warning, refusal, today_in
from tiering.failures import innermost
from tiering.settings import REPO_ROOT, Settings, SettingsError

PUBLISHED_KEY = ("bi", "tiers_duckdb")  # the asset that swaps in the BI file and the exports
DEMO_MARKER = "ground_truth.csv"  # written by tiering.demo_data beside the demo feeds

# The run's full log goes to the Dagster instance (UI); the terminal gets the summary or the failure reasons.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tiers", description="Nightly customer tiering on Dagster, DuckDB and Polars."
    )
    parser.add_argument(
        "--version", action="version", version=_versions(), help="print the versions of tiers and its engines"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo-data", help="generate realistic demo feeds with planted customer archetypes"
    )
    demo.add_argument(
        "--size", default="S", choices=["S", "M", "L", "XL"], help="S 2k, M 100k, L 1M, XL 10M customers"
    )
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument(
        "--out", type=Path, default=None, help="landing folder to write (default: TIERS_LANDING_DIR)"
    )
    demo.add_argument(
        "--end-date", type=_date, default=None, help="last day of the data (default: yesterday)"
    )
    demo.add_argument(
        "--format", choices=["csv", "parquet"], default=None, help="default: csv for S, else parquet"
    )

    run = commands.add_parser("run", help="run the nightly job in-process for one as-of date")
    run.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (default: yesterday)")
    run.add_argument(
        "--demo",
        action="store_true",
        help="run on the S demo data set, generated into the landing folder if it is empty",
    )
    run.add_argument(
        "--full-reload",
        action="store_true",
        help="reload every landing file, not only the new ones (or set TIERS_FULL_RELOAD=1)",
    )

    rejections = commands.add_parser(
        "rejections", help="show the last run's load audit and rejected rows by feed and reason"
    )
    rejections.add_argument("--run", default=None, help="a run id instead of the last run")

    backfill = commands.add_parser("backfill", help="rebuild the tiers of a range of as-of dates in one pass")
    backfill.add_argument(
        "--from", dest="first", type=_date, required=True, help="first as-of date, YYYY-MM-DD"
    )
    backfill.add_argument("--to", dest="last", type=_date, required=True, help="last as-of date, YYYY-MM-DD")

    clv = commands.add_parser("clv-fit", help="fit BG/NBD and Gamma-Gamma to a transaction log, print JSON")
    clv.add_argument(
        "--transactions", type=Path, required=True, help="CSV with columns customer_id, date, amount"
    )
    clv.add_argument("--calibration-end", type=_date, required=True, help="last calibration day, YYYY-MM-DD")
    clv.add_argument("--time-unit", choices=["day", "week"], default="week", help="default: week")

    explain = commands.add_parser("explain", help="say why one customer has its tier, item by item")
    explain.add_argument("customer_id", help="the customer's id, as in the customers feed")

    backtest = commands.add_parser(
        "backtest",
        help="score customers as of a past date as the nightly run would, and measure what they did next",
    )
    backtest.add_argument("--scored-on", type=_date, required=True, help="the date scored on, YYYY-MM-DD")
    backtest.add_argument(
        "--horizon-days",
        type=int,
        default=365,
        help="days after it whose orders are the outcome (default: 365)",
    )
    backtest.add_argument("--policy", type=Path, default=None, help="a policy file (default: TIERS_POLICY)")

    simulate = commands.add_parser(
        "simulate",
        help="the tiers a policy file would give on a date that has run, without publishing anything",
    )
    simulate.add_argument("--policy", type=Path, required=True, help="the policy file to try")
    simulate.add_argument(
        "--as-of", type=_date, default=None, help="YYYY-MM-DD (default: the newest date run)"
    )
    simulate.add_argument("--json", action="store_true", help="print JSON instead of tables")

    policy = commands.add_parser("policy", help="policy tools")
    policy_commands = policy.add_subparsers(dest="policy_command", required=True)
    suggest = policy_commands.add_parser(
        "suggest", help="write a policy for this company's data: thresholds and weights from its own history"
    )
    suggest.add_argument(
        "--as-of", type=_date, default=None, help="YYYY-MM-DD (default: the newest date run)"
    )
    suggest.add_argument(
        "--out", type=Path, required=True, help="the policy file to write (never the one in use)"
    )

    lineage = commands.add_parser(
        "lineage",
        help="print the chain of columns from the raw feeds to a column, e.g. bi.customer_tiers.tier",
    )
    lineage.add_argument(
        "column",
        help="schema.table.column: a bi view's column (bi.customer_tiers.tier), or a marts, scoring, "
        "forecast, staging or raw one",
    )

    review = commands.add_parser(
        "review",
        help="the quarterly review: the A-list and the customers Poor all quarter, with revenue, margin and tickets",
    )
    review.add_argument("--quarter", required=True, help="the quarter, YYYYQn, e.g. 2026Q3")

    docs = commands.add_parser(
        "docs",
        help="write docs/outputs.md, docs/feeds.md, docs/lineage.md and the README's feed and CRM tables from "
        "the declarations",
    )
    docs.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "outputs.md")

    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"tiers: {exc}", file=sys.stderr)
        return 2
    yesterday = today_in(settings.timezone) - timedelta(days=1)
    if args.command == "demo-data":
        return _demo_data(args, settings, yesterday)
    if args.command == "clv-fit":
        from tiering.clv.report import clv_fit_command

        return clv_fit_command(args)
    if args.command == "explain":
        from tiering.explain import explain_command

        return explain_command(args.customer_id, settings)
    if args.command == "backtest":
        from tiering.backtest.command import backtest_command

        return backtest_command(args.scored_on, args.horizon_days, args.policy, settings)
    if args.command == "simulate":
        from tiering.backtest.simulate import simulate_command

        return simulate_command(args.policy, args.as_of, args.json, settings)
    if args.command == "policy":
        from tiering.backtest.suggest import suggest_command

        return suggest_command(args.as_of, args.out, settings)
    if args.command == "lineage":
        from tiering.lineage_tree import lineage_command

        return lineage_command(args.column, settings)
    if args.command == "review":
        from tiering.review_command import review_command

        return review_command(args.quarter, settings)
    if args.command == "docs":
        from tiering.crm import write_crm_tables
        from tiering.feed_docs import FEEDS_DOC, README, write_docs
        from tiering.lineage_tree import LINEAGE_DOC, write_lineage_doc
        from tiering.outputs import render_outputs_doc

        args.out.write_text(render_outputs_doc())
        write_docs()
        write_lineage_doc()
        write_crm_tables()
        print(f"wrote {args.out}, {FEEDS_DOC}, {LINEAGE_DOC} and the feed and CRM tables of {README}")
        return 0
    if args.command == "backfill":
        if args.last < args.first:
            parser.error(f"--to {args.last} is before --from {args.first}")
        return _run(args.first, args.last, settings)
    if args.command == "rejections":
        from tiering.warehouse.quality.report import UnknownRun, rejections_report

        try:
            print(rejections_report(settings.work_db, args.run))
        except UnknownRun as exc:
            print(f"tiers: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.full_reload:
        settings = replace(settings, full_reload=True)
    as_of = args.as_of or yesterday
    if args.demo:
        problem = _demo_landing(settings.landing_dir, as_of)
        if problem:
            print(f"tiers: {problem}", file=sys.stderr)
            return 2
    return _run(as_of, as_of, settings, step_lines=not args.demo)


def _versions() -> str:
    """tiers' version and those of the engines it runs on, from the installed packages' metadata."""
    from importlib.metadata import version

    engines = ", ".join(f"{name} {version(name)}" for name in ("dagster", "duckdb", "polars"))
    return f"tiers {version('customer-tiers')} ({engines})"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def _demo_data(args: argparse.Namespace, settings: Settings, yesterday: date) -> int:
    from tiering.demo_data import generate

    out = args.out or settings.landing_dir
    started = time.perf_counter()
    counts = generate(
        out, size=args.size, seed=args.seed, end_date=args.end_date or yesterday, fmt=args.format
    )
    print(
        f"Demo data ({args.size}, seed {args.seed}) written to {out} in {time.perf_counter() - started:.1f} s:"
    )
    for feed, rows in counts.items():
        print(f"  {feed:<16} {rows:>12,} rows")
    return 0


def _demo_landing(landing: Path, end_date: date) -> str | None:
    """`tiers run --demo`: the S demo data set, ending on end_date, generated into the landing folder if it is
    absent or empty (a folder that holds the demo already is used as it is); None, or why not."""
    if (landing / DEMO_MARKER).is_file():
        print(f"Using the demo data set in {landing}")
        return None
    if landing.is_dir() and any(landing.iterdir()):
        return (
            f"--demo writes the demo data set into the landing folder {landing} (TIERS_LANDING_DIR), which holds "
            "other files: point TIERS_LANDING_DIR at an empty folder for the demo"
        )
    from tiering.demo_data import generate

    print(f"Demo: generating the S demo data set in {landing} ...")
    generate(landing, size="S", end_date=end_date)
    return None


def _nothing_to_read(landing: Path) -> str | None:
    """Why a run has nothing to read (no landing folder, or an empty one), in one line saying what to do."""
    if landing.is_dir() and any(landing.iterdir()):
        return None
    state = "is empty" if landing.is_dir() else "does not exist"
    return (
        f"nothing to read: the landing folder {landing.resolve()} {state}. Set TIERS_LANDING_DIR to the folder "
        "of your exports (one sub-folder per feed: customers/, orders/, order_lines/, ...), or run "
        "`tiers run --demo` to try the demo data"
    )


def _run(first: date, last: date, settings: Settings, step_lines: bool = True) -> int:
    """Run the nightly job for the as-of dates first..last (one date for a nightly run) in one pass; a line per
    step as it finishes unless step_lines is false (the demo)."""
    from tiering.policy import PolicyError, load_policy

    home = os.environ.get("DAGSTER_HOME")
    if home and not Path(home).is_dir():
        print(
            f"tiers: DAGSTER_HOME is {home}, which is not a folder: create it or unset DAGSTER_HOME",
            file=sys.stderr,
        )
        return 2
    start, today = date.fromisoformat(settings.history_start), today_in(settings.timezone)
    problem = refusal(first, last, start, settings.timezone, today) or _nothing_to_read(settings.landing_dir)
    if problem:
        print(f"tiers: {problem}", file=sys.stderr)
        return 2

    try:
        load_policy(settings.policy_path)
    except PolicyError as exc:
        print(f"The run did not start: {exc}", file=sys.stderr)
        return 1

    from tiering.warehouse.lock import WarehouseError, hold_warehouse

    dates = f"as of {last}" if first == last else f"for as-of dates {first} to {last}"
    started = datetime.now().astimezone()
    holder = f"the run {dates} by process {os.getpid()} (started {started:%Y-%m-%d %H:%M:%S %Z})"
    try:
        with hold_warehouse(settings.warehouse_dir.resolve(), settings.work_db.resolve(), holder):
            return _launch(first, last, settings, dates, step_lines)
    except WarehouseError as exc:
        print(f"tiers: {exc}", file=sys.stderr)
        return 2


def _launch(first: date, last: date, settings: Settings, dates: str, step_lines: bool = True) -> int:
    """Run the nightly job in this process and print its summary, or its failures."""
    from tiering.warehouse.quality import worker

    if settings.executor == "in_process":  # the checks run here: start their worker now, so that Great
        worker.start()  # Expectations' import overlaps those of Dagster and the definitions
    import dagster as dg

    from assets.resources import run_config
    from pipelines.definitions import launchable_job
    from pipelines.jobs import as_of_runs
    from pipelines.sensors import NOTIFIED_TAG

    notes = [f"executor {settings.executor}"] if settings.executor != "in_process" else []
    if settings.shards > 1:
        notes.append(f"{settings.shards} shards")
    where = f" ({', '.join(notes)})" if notes else ""
    print(f"Running nightly_tiers {dates} on {settings.landing_dir}{where} ...")
    started, since = time.perf_counter(), time.time()
    with _instance(dg) as instance, _step_lines(instance, step_lines):
        # one run, unless older dates are backfilled after newer ones (see as_of_runs)
        run_ids, warnings = [], []
        for tags in as_of_runs(instance, first, last):
            # the job of the definitions, rebuilt wherever a step runs, with these settings as its run config
            result = dg.execute_job(
                launchable_job(settings),
                instance,
                run_config={**run_config(settings), **QUIET},
                tags={**tags, NOTIFIED_TAG: "tiers run"},  # its failure notice is sent below
                raise_on_error=False,
            )
            run_ids.append(result.run_id)
            warnings += _failed_warnings(result)
            if not result.success:
                published = _published(dg, instance, run_ids, since, settings)
                break
    elapsed = time.perf_counter() - started
    if not result.success:
        print(f"\nThe run FAILED after {elapsed:.1f} s (run id {result.run_id}):", file=sys.stderr)
        hint = None
        if settings.executor == "celery":
            hint = f"the Celery broker is {settings.celery_broker} (TIERS_CELERY_BROKER): is it up, with workers?"
        for message in _failures(result, hint):
            print("  - " + message.replace("\n", "\n    "), file=sys.stderr)  # a step's failures, one a line
        print(published, file=sys.stderr)
        from tiering.alerts.nightly import notify_failed_run

        what = f"the nightly run {dates} FAILED (run id {result.run_id})"
        for where, status in notify_failed_run(
            settings.alert_urls, what, [*_failures(result, hint), published]
        ).items():
            print(f"Failure notice to {where}: {status}", file=sys.stderr)
        return 1
    _print_summary(settings, last, elapsed, warnings)
    return 0


def _step_lines(instance, shown: bool):
    """A line per step of the nightly job as it finishes (tiering/step_lines.py), or nothing."""
    from contextlib import nullcontext

    from pipelines.jobs import NIGHTLY_JOB
    from tiering.step_lines import StepLines

    return StepLines(instance, NIGHTLY_JOB) if shown else nullcontext()


def _instance(dg):
    """The instance of DAGSTER_HOME if set, else the repository's dagster.yaml: runs show in the UI either way."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.from_config(str(REPO_ROOT))


def _published(dg, instance, run_ids: list[str], since: float, settings: Settings) -> str:
    """What the runs `run_ids` (started after `since`) published before one failed: the BI file and the
    exports, when, for which as-of date; or that nothing was."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(PUBLISHED_KEY), after_timestamp=since), limit=1000
    ).records
    record = next((r for r in records if r.run_id in run_ids), None)  # the newest first
    if record is None:
        return "Nothing was published: the BI file and the exports are as they were before the run."
    at = datetime.fromtimestamp(record.timestamp).astimezone()
    as_of = record.asset_materialization.metadata["as_of_date"].value
    return (
        f"Published before the failure: the BI file {settings.bi_db} and the Parquet exports "
        f"{settings.warehouse_dir / 'exports'}/ were swapped in at {at:%Y-%m-%d %H:%M:%S %Z}, as of {as_of}."
    )


def _failures(result, run_hint: str | None = None) -> list[str]:
    """Each failed step with its error (a failed blocking check: the check, its table and what failed, with a
    few values); else why the run itself failed (a Celery broker out of reach, say), with `run_hint` after it."""
    import dagster as dg

    # a DagsterEvent's event_specific_data is a StepFailureData for a step's failure, an error for the run's,
    # an AssetCheckEvaluation for a check's result
    blocked: dict[str, list[str]] = {}  # a step's failed blocking checks, each with what failed
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            check = event.event_specific_data
            if check.blocking and not check.passed and check.severity == dg.AssetCheckSeverity.ERROR:
                blocked.setdefault(event.step_key, []).append(
                    f"blocking check {check.check_name} of {check.asset_key.to_user_string()} failed: "
                    f"{(check.description or 'see the Dagster UI').strip()}"
                )
    steps = [
        f"{event.step_key}: "
        + (
            "\n".join(blocked[event.step_key])
            if event.step_key in blocked
            else _step_failure(event.event_specific_data)
        )
        for event in result.all_events
        if event.is_step_failure
    ]
    if steps:
        return steps
    runs = [
        f"the run: {innermost(event.event_specific_data.error)}"
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.RUN_FAILURE
        and getattr(event.event_specific_data, "error", None) is not None
    ]
    if runs and run_hint:
        runs.append(run_hint)
    return runs or ["the run did not succeed; see the Dagster UI for its logs"]


def _failed_warnings(result) -> list[str]:
    """Each failed warning check (`gx_warn`) of the run, with its table and what failed, with a few values."""
    import dagster as dg

    return [
        f"warning check {check.check_name} of {check.asset_key.to_user_string()} failed: "
        f"{(check.description or 'see the Dagster UI').strip()}"
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        and not (check := event.event_specific_data).passed
        and check.severity == dg.AssetCheckSeverity.WARN
    ]


def _step_failure(data) -> str:
    """A step's reason: the description of the `dg.Failure` it raised, else its innermost error."""
    if data.user_failure_data is not None and data.user_failure_data.description:
        return data.user_failure_data.description.strip()
    return innermost(data.error)


# a feed that read nothing this run: its load status (quality.load_audit) and what it means
QUIET_FEEDS = {
    "absent": "no folder or no file: an optional feed",
    "unchanged": "no new or changed file since the last load",
}


def _print_summary(settings: Settings, as_of: date, elapsed: float, warnings: list[str]) -> None:
    import duckdb

    from tiering.alerts.nightly import summary_line
    from tiering.crm import CRM_FILES, CRM_FOLDER
    from tiering.dashboard import FILE_NAME as DASHBOARD_FILE
    from tiering.dashboard.data import prospect_tiers
    from tiering.outputs import OUTPUT_TABLES, PUBLISHED
    from tiering.policy import TIERS
    from tiering.warehouse.dates import latest_as_of, newest_data
    from tiering.warehouse.sql import sql_text
    from tiering.warehouse.traits import left_out_summary

    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        feeds = con.execute(sql_text("cli:rows_read")).fetchall()
        tiers = con.execute(sql_text("cli:tiers"), {"as_of": as_of, "tiers": list(TIERS)}).fetchall()
        prospects = prospect_tiers(con)
        left_out = left_out_summary(con)
        alerts = summary_line(con, as_of, bool(settings.alert_urls or settings.smtp_url))
        latest, lag = latest_as_of(con), data_lag_warning(newest_data(con), as_of, settings.max_data_lag_days)
    print(f"\nDone in {elapsed:.1f} s. Tiers as of {as_of}:")
    if lag:
        print(f"\nWARNING: {lag}")
    if warnings:
        print(f"\nWARNING: {len(warnings)} warning check(s) failed; the run went on:")
        print("\n".join("  - " + w.replace("\n", "\n    ") for w in warnings))
    print("\nRows read (loaded / quarantined):")
    for feed, status, read, loaded, rejected, updated, skipped, released, message in feeds:
        # rows held as orphans by earlier runs, loaded now that their parent arrived
        late = f"; {released:,} held for a late parent, now loaded" if released else ""
        if status in QUIET_FEEDS:
            print(f"  {feed:<16} {status:>12}  ({QUIET_FEEDS[status]}){late}")
        else:
            also = [
                f"{n:,} {what}" for n, what in ((updated, "updated"), (skipped, "re-sent unchanged")) if n
            ]
            counts = f"({loaded:,} / {rejected:,}){'; ' + ', '.join(also) if also else ''}{late}"
            print(f"  {feed:<16} {read:>12,}  {counts}")
        for note in (
            message or ""
        ).splitlines():  # files not read and why, warnings: as in quality.load_audit
            print(f"      {note}")
    total = sum(row[2] for row in tiers) or 1
    print("\nCustomers per tier:")
    for tier, action, customers, revenue in tiers:
        share = 100 * customers / total
        print(
            f"  {tier:<11} {customers:>9,} ({share:4.1f}%)  {action or '':<12}  revenue 12m {revenue:>16,.0f}"
        )
    if any(count for count, _ in prospects.values()):  # no order yet: tiered by their fit to the profile
        print("\nProspects per tier, by their fit to the profile:")
        for tier, (count, with_opportunity) in prospects.items():
            print(f"  {tier:<11} {count:>9,}  {with_opportunity:>9,} with an open opportunity")
    print(left_out, end="")
    print(f"\n{alerts}")
    print("\nOutputs:")
    if latest > as_of:
        print(
            f"  (the run added its dates to the history: marts.customer_tiers, marts.customer_traits and the "
            f"dashboard stay as of {latest}, the newest date run)"
        )
    print(
        f"  BI file       {settings.bi_db}  (schema marts: {', '.join(t.split('.')[1] for t in PUBLISHED)})"
    )
    views = ", ".join(table.view for table in OUTPUT_TABLES)
    print(f"  BI views      schema bi of the BI file, the views BI tools should use: {views}")
    print(f"  Parquet       {settings.warehouse_dir / 'exports'}/")
    print(
        f"  CRM files     {settings.warehouse_dir / 'exports' / CRM_FOLDER}/  ({', '.join(f.name for f in CRM_FILES)})"
    )
    print(f"  dashboard     {settings.warehouse_dir / 'reports' / DASHBOARD_FILE}")
    print(f"  working db    {settings.work_db}  (raw, staging, quality.rejected_rows, quality.load_audit)")
    print(f"  open the UI   DAGSTER_HOME=$PWD dagster dev   (from {REPO_ROOT})")


def entry() -> None:
    """The `tiers` script: main(), then exit at once. Tearing down the interpreter after a run (dagster, Great
    Expectations and DuckDB objects) takes seconds and prints DuckDB's leak warnings; every file is closed by
    then, so only the output is flushed."""
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
