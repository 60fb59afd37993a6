"""The notice of a failed run for runs the daemon launches (the 02:00 schedule, the UI): `tiers run` sends its
own (tiering/cli.py) and tags its runs so that this sensor leaves them alone."""

import dagster as dg

from tiering.alerts.nightly import notify_failed_run
from tiering.failures import innermost
from tiering.settings import setting_value

NOTIFIED_TAG = "tiers/failure_notice"  # a run whose launcher sends its own failure notice (`tiers run`)


def failed_run_alert(job) -> dg.SensorDefinition:
    """A run-failure sensor on `job` sending the notice to TIERS_ALERT_URLS of the daemon's environment."""

    @dg.run_failure_sensor(
        name="failed_run_alert",
        monitored_jobs=[job],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Sends the failure of a nightly run the daemon launched (schedule, UI) to every URL of "
        "TIERS_ALERT_URLS, with each failed step and its error. Needs the Dagster daemon.",
    )
    def failed_run_alert(context: dg.RunFailureSensorContext) -> None:
        run = context.dagster_run
        if run.tags.get(NOTIFIED_TAG):
            return
        problems = [
            f"{event.step_key}: {innermost(event.event_specific_data.error)}"
            for event in context.get_step_failure_events()
        ] or [context.failure_event.message or "see the Dagster UI"]
        as_of = run.tags.get("dagster/partition") or run.tags.get("dagster/asset_partition_range_end")
        what = f"the nightly run{f' as of {as_of}' if as_of else ''} FAILED (run id {run.run_id})"
        for destination, status in notify_failed_run(setting_value("alert_urls"), what, problems).items():
            context.log.info(f"failure notice to {destination}: {status}")

    return failed_run_alert
