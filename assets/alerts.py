"""The alert step: after the BI file is published, the night's digest (TIERS_ALERT_URLS) and the owners' e-mails
(TIERS_SMTP_URL), recorded in marts.tier_alerts (tiering/alerts)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.marts import published_tiers_file
from assets.metadata import table_metadata
from assets.resources import TiersConfig, as_of_partitions, one_pass, run_dates
from tiering.alerts.destinations import alert_urls, smtp_server
from tiering.alerts.nightly import send_alerts
from tiering.as_of import data_lag_warning
from tiering.settings import setting_value
from tiering.warehouse.dates import latest_as_of, newest_data
from tiering.warehouse.sql import sql_text

TABLE = "marts.tier_alerts"


@dg.asset(
    key=TABLE.split("."),
    deps=[published_tiers_file],
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    group_name="alerts",
    kinds={"duckdb", "apprise"},
    description="After publishing, the night's alerts: the customers who met the policy's alerts: rules on the "
    "newest as-of date (a backfill of older dates sends none), as a digest to every URL of TIERS_ALERT_URLS "
    "and one e-mail per account owner through TIERS_SMTP_URL; one row per alert and destination with its "
    "status. Both variables are read from the environment of the process running this step, never from the "
    "run's config, so that no password reaches the UI. A failed send is a warning, never a failed run.",
    owners=["team:sales-ops"],
)
def tier_alerts(
    context: dg.AssetExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    as_of = run_dates(context)[-1]
    urls, smtp = alert_urls(setting_value("alert_urls")), setting_value("smtp_url")
    server = smtp_server(smtp) if smtp else None
    with duckdb.get_connection() as con:
        if latest_as_of(con) != as_of:
            context.log.info("no alerts: the run's dates are older than the newest as-of date run")
            return dg.MaterializeResult(
                metadata={"alerts": 0, "note": "a backfill of older dates sends none"}
            )
        warnings = run_warnings(context, con, as_of)
        outcome = send_alerts(con, as_of, tiers.policy(), urls, server, warnings)
        metadata = table_metadata(con, TABLE)
    note = {} if urls or server else {"note": "no destination configured (TIERS_ALERT_URLS, TIERS_SMTP_URL)"}
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "as_of_date": as_of.isoformat(),
            "alerts": len(outcome.alerts),
            "sent": outcome.sent,
            "failed": outcome.rows - outcome.sent,
            "destinations": ", ".join(outcome.destinations) or "none",
            "warnings": len(warnings),
            **{f"failed {where}": status for where, status in outcome.failed.items()},
            **note,
        }
    )


def run_warnings(context: dg.AssetExecutionContext, con, as_of) -> list[str]:
    """What the digest says went wrong without stopping the run: stale exports (TIERS_MAX_DATA_LAG_DAYS), rows
    this run rejected per feed, and the failed warning checks of the run."""
    lag = data_lag_warning(newest_data(con), as_of, setting_value("max_data_lag_days"))
    rejected = [
        f"{feed}: {rows:,} rows rejected and quarantined (see `tiers rejections`)"
        for feed, rows in con.execute(sql_text("alerts:rejected")).fetchall()
    ]
    checks = [
        f"warning check {check.check_name} of {check.asset_key.to_user_string()} failed: "
        f"{(check.description or 'see the Dagster UI').strip()}"
        for entry in context.instance.all_logs(
            context.run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        )
        if not (check := entry.dagster_event.event_specific_data).passed
        and check.severity == dg.AssetCheckSeverity.WARN
    ]
    return [*([lag] if lag else []), *rejected, *checks]
