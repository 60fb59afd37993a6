"""The instance of the repository's dagster.yaml: the pooled SQLite event log records runs Dagster can read back."""

import shutil
from pathlib import Path

import dagster as dg
import yaml
from pipelines.storage import OPEN_DATABASES, PooledSqliteEventLogStorage

REPO = Path(__file__).resolve().parents[1]


@dg.asset
def first() -> int:
    return 1


@dg.asset
def second(first: int) -> int:
    return first + 1


def _instance(home: Path) -> dg.DagsterInstance:
    config = yaml.safe_load((REPO / "dagster.yaml").read_text())
    for block in config.values():
        if isinstance(block, dict) and "base_dir" in block.get("config", {}):
            block["config"]["base_dir"] = str(home / block["config"]["base_dir"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    return dg.DagsterInstance.from_config(str(home))


def test_runs_are_recorded_and_read_back_through_the_pooled_event_log(tmp_path):
    instance = _instance(tmp_path / "home")
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    job = dg.Definitions(assets=[first, second], jobs=[dg.define_asset_job("both")]).resolve_job_def("both")
    runs = [job.execute_in_process(instance=instance).run_id for _ in range(OPEN_DATABASES + 2)]

    assert len(instance.event_log_storage._engines) <= OPEN_DATABASES  # older runs' databases are closed
    for run_id in (runs[0], runs[-1]):  # a closed database opens again
        steps = [
            e for e in instance.all_logs(run_id) if e.dagster_event_type == dg.DagsterEventType.STEP_SUCCESS
        ]
        assert len(steps) == 2
    latest = instance.get_latest_materialization_event(dg.AssetKey("second"))
    assert latest.run_id == runs[-1]

    instance.event_log_storage.wipe()  # the open databases are closed before their files go
    assert list(instance.event_log_storage._engines) == ["index"]  # reopened to empty it
    assert not instance.all_logs(runs[-1])
    instance.dispose()
    shutil.rmtree(tmp_path / "home")
