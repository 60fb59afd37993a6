"""What Dagster makes of the settings (TIERS_* variables, declared in tiering/settings.py): the resources the
assets take and the as-of partitions.

A resource field whose variable is set reads it when a run starts (`dg.EnvVar`), else it holds the declared
default. `tiers run` sends its own settings as run config (`run_config`), which reaches every step on every
executor: a Celery worker or a Kubernetes pod rebuilds the ordinary job and takes the settings from the run.
The executor is fixed when the definitions load; the as-of partitions are the dates that have run.
"""

import os
from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource

from tiering.as_of import days_between, refusal, today_in
from tiering.policy import Policy, PolicyError, load_policy
from tiering.settings import Settings, setting_value
from tiering.warehouse.quality import worker
from tiering.warehouse.quality.suites import Expectation, Outcome
from tiering.warehouse.shards import io_location


class TiersConfig(dg.ConfigurableResource):
    """Where the landing feeds, the warehouse, the policy and the shards' files are, how many shards the
    customers are split into, and how many staged orders' worth of customers a step takes at a time."""

    landing_dir: str
    warehouse_dir: str
    policy_path: str
    chunk_orders: int
    clv_sample: int
    shards: int
    shard_storage: str

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        Path(self.warehouse_dir).mkdir(parents=True, exist_ok=True)

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def bi_db(self) -> Path:
        return Path(self.warehouse_dir) / "tiers.duckdb"

    def policy(self) -> Policy:
        """The validated policy; a bad file fails the step with the message naming each bad field."""
        try:
            return load_policy(Path(self.policy_path))
        except PolicyError as exc:
            raise dg.Failure(description=str(exc)) from None


class IngestConfig(dg.ConfigurableResource):
    """How the raw feeds are loaded: the rejection limits per feed and run, whether to reload everything, how
    long a landing file must have stopped changing and how much of a feed is read at a time."""

    max_rejected_share: float
    max_rejected_rows: int
    full_reload: bool
    file_settle_seconds: float
    ingest_batch_mb: int


class ExpectationsWorker(dg.ConfigurableResource):
    """Great Expectations in a process of its own (tiering/warehouse/quality/worker.py), started with the run so
    that its import overlaps the load; the checks validate the working database through it."""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        worker.start()

    def validate(
        self, duckdb: DuckDBResource, table: str, suite: list[Expectation], rows: tuple[str, dict] | None
    ) -> list[Outcome]:
        """The outcomes of the suite on schema.table, or on the rows the query `rows` selects from it."""
        return worker.validate_file(duckdb.database, duckdb.connection_config, table, suite, rows)


def resource_config(settings: Settings) -> dict[str, dict[str, Any]]:
    """Each resource's config for `settings`, with absolute paths (a worker's folder may differ)."""
    config = {
        "tiers": {name: getattr(settings, name) for name in TiersConfig.model_fields},
        "ingest": {name: getattr(settings, name) for name in IngestConfig.model_fields},
        # the shard plan and each shard's file list pass between steps (processes, pods) through the IO
        # manager, a folder per run (io/<run id>/) that the gather step removes
        "io_manager": {"base_dir": io_location(settings.shard_location)},
        "duckdb": {
            "database": str(settings.work_db.resolve()),
            "connection_config": {"memory_limit": settings.duckdb_memory_limit},
        },
    }
    config["tiers"]["shard_storage"] = settings.shard_location
    for name in ("landing_dir", "warehouse_dir", "policy_path"):
        config["tiers"][name] = str(getattr(settings, name).resolve())
    return config


def run_config(settings: Settings) -> dict:
    """Run config carrying `settings` to every step of a run, whatever the executor."""
    return {"resources": {key: {"config": values} for key, values in resource_config(settings).items()}}


def build_resources(env: Mapping[str, str] = os.environ) -> dict[str, dg.ConfigurableResource]:
    """The resources of the definitions: a field whose variable is set in `env` reads it at run time
    (dg.EnvVar, for text and whole numbers), any other field holds its value for the settings of `env`."""
    config = resource_config(Settings.from_env(env))
    by_name = {f.name: f.metadata["setting"].variable for f in fields(Settings)}
    for key in ("tiers", "ingest"):
        for name, value in config[key].items():
            variable = by_name[name]
            if env.get(variable, "").strip() and type(value) in (str, int):
                config[key][name] = dg.EnvVar.int(variable) if type(value) is int else dg.EnvVar(variable)
    return {
        "tiers": TiersConfig(**config["tiers"]),
        "ingest": IngestConfig(**config["ingest"]),
        "io_manager": dg.FilesystemIOManager(**config["io_manager"]),
        "duckdb": DuckDBResource(**config["duckdb"]),
        "gx": ExpectationsWorker(),
    }


as_of_partitions = dg.DynamicPartitionsDefinition(name="as_of_dates")
"""The as-of partitions: the dates that have run, each added when it first runs (by `tiers run`, `tiers backfill`
and the 02:00 schedule: pipelines/jobs.py), so that the UI lists those dates and not every day since
TIERS_HISTORY_START as missing. The tiers for date D use only data known on D."""

one_pass = dg.BackfillPolicy.single_run()
"""Partitioned assets take a whole range of dates in one run (a backfill is one pass over the staged data)."""


def run_dates(context: dg.AssetExecutionContext) -> list[date]:
    """The as-of dates this run covers, oldest first (every day from its first partition to its last), so that
    each date's tiers can build on the previous one's; a date after today or before TIERS_HISTORY_START (as the
    step's environment sets them) fails the step with the reason."""
    try:
        days = sorted(date.fromisoformat(key) for key in context.partition_keys)
    except ValueError:
        raise dg.Failure(
            description=f"the as-of partitions {', '.join(context.partition_keys)} must be dates in the form "
            "YYYY-MM-DD"
        ) from None
    timezone, start = setting_value("timezone"), date.fromisoformat(setting_value("history_start"))
    problem = refusal(days[0], days[-1], start, timezone, today_in(timezone))
    if problem:
        raise dg.Failure(description=problem)
    return days_between(days[0], days[-1])
