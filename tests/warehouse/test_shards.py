"""Customer shards: any shard count gives the same outputs, in-process and on Celery workers with Redis."""

import shutil
from dataclasses import fields, replace

import dagster as dg
import duckdb
import polars as pl
import pytest
import yaml

from assets.resources import run_config
from pipelines.definitions import build_definitions
from support.celery_stack import celery_stack
from support.tiers import run_tiers
from tiering.outputs import PUBLISHED
from tiering.policy import load_policy
from tiering.settings import REPO_ROOT, Settings, SettingsError
from tiering.warehouse.forecast import FORECAST, fit_forecasts, write_forecasts
from tiering.warehouse.scores import SCORES, write_scores
from tiering.warehouse.shards import plan_shards, run_shard
from tiering.warehouse.sql import literal
from tiering.warehouse.traits import TRAITS, category_universe, write_traits

WORK_TABLES = ("forecast.customer_value", "traits.daily_traits", "scoring.customer_scores")
# Each sharded asset: its step in one process, or its graph of steps on a distributed executor, and its ops' name
SHARDED_STEPS = {
    "forecast__customer_value": "forecast",
    "marts__customer_traits": "traits",
    "scoring__customer_scores": "scores",
}


def _tables(settings: Settings) -> dict[str, pl.DataFrame]:
    """Every published table (BI file) and the shards' gathered tables (working database), rows sorted."""
    out = {}
    for path, tables in ((settings.bi_db, PUBLISHED), (settings.work_db, WORK_TABLES)):
        with duckdb.connect(str(path), read_only=True) as con:
            for table in tables:
                frame = con.sql(f"SELECT * FROM {table}").pl()
                out[table] = frame.sort(frame.columns)
    return out


# empty in a test run: no alert destination, no quarter before the run's dates
EMPTY_HERE = ("marts.tier_alerts", "marts.quarterly_review")


def _assert_same_rows(expected: dict[str, pl.DataFrame], actual: dict[str, pl.DataFrame]) -> None:
    for table, frame in expected.items():
        assert frame.height > 0 or table in EMPTY_HERE, table
        assert actual[table].equals(frame), f"{table} differs"


@pytest.fixture(scope="module")
def one_shard(s_run) -> dict[str, pl.DataFrame]:
    settings, result = s_run
    assert result.success and settings.shards == 1
    # one shard in one process is computed in place: nothing exported, nothing gathered
    assert not (settings.warehouse_dir / "shards" / "staged").exists()
    assert not (settings.warehouse_dir / "shards" / "runs").exists()
    return _tables(settings)


# a folder named with glob characters (issue 15, 3): its shard files were once not found, and no customer scored
@pytest.mark.parametrize(("shards", "folder"), [(4, "run"), (3, "wh[1] *")])
def test_any_shard_count_gives_the_same_rows_as_one(pipeline, s_landing, tmp_path, one_shard, shards, folder):
    settings = replace(pipeline.settings(tmp_path / folder, landing=s_landing), shards=shards)
    result = pipeline.run(settings)
    assert result.success
    steps = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SUCCESS"}
    assert set(SHARDED_STEPS) <= steps  # in one process, one step per asset runs all its shards
    _assert_same_rows(one_shard, _tables(settings))
    # each shard's staged facts hold its customers only, and the run's own files are gone once gathered
    staged = next((settings.warehouse_dir / "shards" / "staged").iterdir())
    with duckdb.connect() as con:
        for shard in range(shards):
            files = literal(staged / "orders" / f"shard={shard}") + "/*.parquet"
            query = f"SELECT count(*) FROM '{files}' WHERE customer_bucket % {shards} <> {shard}"
            assert con.execute(query).fetchall() == [(0,)]
    assert not any((settings.warehouse_dir / "shards" / "runs").iterdir())


def test_shard_and_executor_settings_are_checked():
    assert Settings.from_env({}).shards == 1 and Settings.from_env({}).executor == "in_process"
    assert Settings.from_env({"TIERS_SHARDS": "16"}).shards == 16
    for bad in ("0", "two", "2000"):
        with pytest.raises(
            SettingsError, match="TIERS_SHARDS must be a whole number of shards from 1 to 1024"
        ):
            Settings.from_env({"TIERS_SHARDS": bad})
    with pytest.raises(
        SettingsError, match="TIERS_EXECUTOR must be one of in_process, celery, k8s, not 'spark'"
    ):
        Settings.from_env({"TIERS_EXECUTOR": "spark"})
    moved = run_config(Settings.from_env({"TIERS_SHARD_STORAGE": "s3://tiers-bucket/shards"}))["resources"]
    assert moved["tiers"]["config"]["shard_storage"] == "s3://tiers-bucket/shards"
    assert moved["io_manager"]["config"]["base_dir"] == "s3://tiers-bucket/shards/io"


@pytest.mark.parametrize("executor", ["celery", "k8s"])
def test_the_same_job_is_defined_for_each_distributed_executor(monkeypatch, executor):
    monkeypatch.setenv("TIERS_EXECUTOR", executor)
    job = build_definitions().resolve_job_def("nightly_tiers")
    assert job.executor_def.name == executor
    monkeypatch.setenv("TIERS_EXECUTOR", "in_process")
    in_process = build_definitions().resolve_job_def("nightly_tiers")
    assert set(job.asset_layer.executable_asset_keys) == set(in_process.asset_layer.executable_asset_keys)


@pytest.fixture()
def celery_workers(tmp_path):
    """Redis on a free loopback port and two Celery workers of one process each."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (.ci/run installs Debian's redis-server)")
    with celery_stack(tmp_path / "celery", workers=2) as stack:
        yield stack


def test_four_shards_on_two_celery_workers_equal_the_in_process_run(
    celery_workers, s_landing, tmp_path, one_shard, as_of
):
    stack = celery_workers
    warehouse = tmp_path / "warehouse"
    environment = {
        "DAGSTER_HOME": str(stack.dagster_home),
        "TIERS_LANDING_DIR": str(s_landing),
        "TIERS_WAREHOUSE_DIR": str(warehouse),
        "TIERS_EXECUTOR": "celery",
        "TIERS_CELERY_BROKER": stack.broker,
        "TIERS_SHARDS": "4",
    }
    # `tiers run` as a user starts it: the executor is the one its definitions load with; the workers have no
    # TIERS_* variables and take the settings from the run's config
    done = run_tiers(["run", "--as-of", as_of.isoformat()], environment)
    assert done.returncode == 0, done.stderr
    _assert_same_rows(one_shard, _tables(Settings.from_env(environment)))
    # every step ran as a Celery task, on both workers, a step per shard; the values they passed are gone
    done = [log.read_text().count("succeeded in") for log in stack.worker_logs]
    assert all(done) and sum(done) >= 14, done
    instance = dg.DagsterInstance.from_config(str(stack.dagster_home))
    (run,) = instance.get_runs(limit=1)
    steps = {e.step_key for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_SUCCESS)}
    for graph, name in SHARDED_STEPS.items():
        assert {f"{graph}.{name}_shard[{s}]" for s in range(4)} <= steps
    for used in ("runs", "io"):
        assert not any((warehouse / "shards" / used).iterdir()), used


def test_the_kubernetes_values_set_known_settings_and_an_object_store():
    values = yaml.safe_load((REPO_ROOT / "deploy" / "k8s" / "values.yaml").read_text())
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    assert deployment["dagsterApiGrpcArgs"] == ["--module-name", "pipelines.definitions"]
    env = {item["name"]: item["value"] for item in deployment["env"]}
    known = {f.metadata["setting"].variable for f in fields(Settings)}
    assert set(env) <= set(known), set(env) - set(known)
    settings = Settings.from_env(env)
    assert settings.executor == "k8s" and settings.shards > 1
    assert settings.shard_location.startswith("s3://")


def test_a_shard_without_customers_writes_empty_files_of_the_same_columns(s_run, tmp_path, as_of):
    settings, _ = s_run
    work = tmp_path / "work.duckdb"
    shutil.copy(settings.work_db, work)
    policy = load_policy(settings.policy_path)
    dates, per_part = [as_of], 1_000_000
    with duckdb.connect(str(work)) as con:
        sharded = {
            FORECAST.name: (FORECAST, fit_forecasts(con, dates, 20_000, per_part), write_forecasts),
            TRAITS.name: (
                TRAITS,
                (policy.rising, category_universe(con)),
                lambda con, dates, shared, n: write_traits(con, dates, *shared, n),
            ),
            SCORES.name: (SCORES, policy, write_scores),
        }
        plans = {
            name: plan_shards(con, table, str(tmp_path / "shards"), 1024, "run", dates, shared)
            for name, (table, shared, _) in sharded.items()
        }
        used = {
            bucket for (bucket,) in con.execute("SELECT customer_bucket FROM staging.customers").fetchall()
        }
    empty = next(shard for shard in range(1024) if shard not in used)
    for name, (table, shared, write) in sharded.items():

        def compute(con, shared=shared, write=write):
            write(con, dates, shared, per_part)

        files = [run_shard(plans[name], table, shard, "1GB", compute) for shard in (empty, min(used))]
        with duckdb.connect() as con:
            assert con.execute(f"SELECT count(*) FROM '{files[0]}'").fetchall() == [(0,)], table.table
            assert con.execute(f"SELECT count(*) FROM '{files[1]}'").fetchall() != [(0,)], table.table
            columns = [con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall() for path in files]
            assert columns[0] == columns[1], table.table
