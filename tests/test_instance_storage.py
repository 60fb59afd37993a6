"""The Dagster instance: the repository's dagster.yaml (Dagster's own SQLite storage) and the production storage
the README documents (PostgreSQL), each recording a run that an instance opened on the same file reads back."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
import yaml

from support import postgres
from tiering.settings import REPO_ROOT

# The README's "Production storage (PostgreSQL)" block, verbatim.
POSTGRES_STORAGE = """\
storage:
  postgres:
    postgres_url:
      env: DAGSTER_PG_URL
"""


@dg.asset
def first() -> int:
    return 1


@dg.asset
def second(first: int) -> int:
    return first + 1


def _home(home: Path, storage: str | None = None) -> Path:
    """DAGSTER_HOME with the repository's dagster.yaml, its folders under `home`, and `storage` if given."""

    def relocate(node):
        if isinstance(node, dict):
            return {k: str(home / v) if k == "base_dir" else relocate(v) for k, v in node.items()}
        return node

    config = relocate(yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text()))
    if storage:
        config.update(yaml.safe_load(storage))
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    return home


def test_the_repository_instance_uses_dagsters_own_sqlite_storage_and_reads_runs_back(tmp_path):
    config = yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text())
    assert set(config["storage"]) == {"sqlite"}
    assert not any("pipelines" in str(block) for block in config.values())  # only Dagster's own classes
    with dg.DagsterInstance.from_config(str(_home(tmp_path / "home"))) as instance:
        job = dg.Definitions(assets=[first, second], jobs=[dg.define_asset_job("both")]).resolve_job_def(
            "both"
        )
        runs = [job.execute_in_process(instance=instance).run_id for _ in range(3)]
        for run_id in runs:
            steps = [
                e
                for e in instance.all_logs(run_id)
                if e.dagster_event_type == dg.DagsterEventType.STEP_SUCCESS
            ]
            assert len(steps) == 2
        assert instance.get_latest_materialization_event(dg.AssetKey("second")).run_id == runs[-1]


def test_the_readme_documents_the_postgres_storage_the_test_uses():
    assert POSTGRES_STORAGE in (REPO_ROOT / "README.md").read_text()


@pytest.mark.skipif(not postgres.available(), reason=f"PostgreSQL is not installed in {postgres.BIN}")
def test_a_nightly_run_is_recorded_in_postgres_and_visible_to_an_instance_on_the_same_file(
    tmp_path, s_landing, monkeypatch
):
    home = _home(tmp_path / "home", POSTGRES_STORAGE)
    with postgres.postgres_server() as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIERS_")}
        env |= {
            "DAGSTER_HOME": str(home),
            "DAGSTER_PG_URL": url,
            "TIERS_LANDING_DIR": str(s_landing),
            "TIERS_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        }
        done = subprocess.run(
            [sys.executable, "-m", "tiering.cli", "run", "--as-of", "2026-06-30"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr

        monkeypatch.setenv("DAGSTER_PG_URL", url)
        with dg.DagsterInstance.from_config(str(home)) as instance:  # what `dagster dev` on this home shows
            assert "Postgres" in type(instance.run_storage).__name__
            assert "Postgres" in type(instance.event_log_storage).__name__
            assert "Postgres" in type(instance.schedule_storage).__name__
            (run,) = instance.get_runs()
            assert run.job_name == "nightly_tiers" and run.status == dg.DagsterRunStatus.SUCCESS
            assert run.tags["dagster/asset_partition_range_end"] == "2026-06-30"
            assert run.run_config["resources"]["tiers"]["config"]["landing_dir"] == str(s_landing)
            for key in (["marts", "customer_tiers"], ["bi", "tiers_duckdb"], ["raw", "orders"]):
                assert instance.get_latest_materialization_event(dg.AssetKey(key)).run_id == run.run_id
