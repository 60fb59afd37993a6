"""A failed run notifies TIERS_ALERT_URLS: `tiers run` sends the notice itself, the run-failure sensor sends it
for runs the daemon launches (and leaves those of `tiers run` alone)."""

import shutil

import dagster as dg

from pipelines.definitions import defs
from pipelines.sensors import NOTIFIED_TAG
from support.receivers import webhook
from support.tiers import run_tiers


def test_tiers_run_sends_the_failure_to_the_webhook(tmp_path, s_landing):
    landing = tmp_path / "landing"
    shutil.copytree(s_landing, landing)
    (landing / "orders" / "orders_bad.csv").write_text(  # two rows with impossible dates: over the limit
        "order_id,customer_id,order_date,status,currency\n"
        "OBAD1,C0000001,not a date,completed,USD\nOBAD2,C0000002,also not,completed,USD\n"
    )
    with webhook() as hook:
        done = run_tiers(
            ["run", "--as-of", "2026-06-30"],
            {
                "TIERS_LANDING_DIR": str(landing),
                "TIERS_WAREHOUSE_DIR": str(tmp_path / "wh"),
                "TIERS_MAX_REJECTED_ROWS": "1",
                "TIERS_MAX_REJECTED_SHARE": "0",
                "TIERS_ALERT_URLS": hook.url,
            },
            cwd=tmp_path,
        )
    assert done.returncode == 1 and "The run FAILED" in done.stderr
    assert f"Failure notice to {hook.url}: sent" in done.stderr
    (notice,) = hook.posts
    assert notice["title"].startswith("Customer tiers: the nightly run as of 2026-06-30 FAILED (run id ")
    assert "orders" in notice["message"] and "Nothing was published" in notice["message"]


def test_the_sensor_sends_a_failed_daemon_run_and_skips_those_of_tiers_run(tmp_path, pipeline, monkeypatch):
    landing = tmp_path / "landing"
    (landing / "customers").mkdir(parents=True)
    (landing / "customers" / "c.csv").write_text("customer_id,name,industry,employees,region,signup_date\n")
    sensor = next(s for s in defs.sensors if s.name == "failed_run_alert")
    with dg.DagsterInstance.ephemeral() as instance, webhook() as hook:
        monkeypatch.setenv("TIERS_ALERT_URLS", hook.url)
        result = pipeline.run(pipeline.settings(tmp_path, landing=landing), instance=instance)
        assert not result.success
        run = instance.get_run_by_id(result.run_id)
        failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
        for tags in ({}, {NOTIFIED_TAG: "tiers run"}):
            context = dg.build_run_status_sensor_context(
                sensor_name=sensor.name,
                dagster_event=failure,
                dagster_instance=instance,
                dagster_run=run.with_tags({**run.tags, **tags}),
            ).for_run_failure()
            sensor(context)
    (notice,) = hook.posts  # the second run, tagged by `tiers run`, sends nothing from the sensor
    assert notice["title"] == f"Customer tiers: the nightly run as of 2026-06-30 FAILED (run id {run.run_id})"
    assert f"feed 'orders': folder {landing / 'orders'} does not exist" in notice["message"]
