"""The settings (TIERS_* variables), each declared once, and what Dagster makes of them: the resources the assets
take and the as-of partitions.

A resource field whose variable is set reads it when a run starts (`dg.EnvVar`), else it holds the declared
default. `tiers run` sends its own settings as run config (`run_config`), which reaches every step on every
executor: a Celery worker or a Kubernetes pod rebuilds the ordinary job and takes the settings from the run.
The partitions and the executor are fixed when the definitions load.
"""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dagster as dg
from dagster_duckdb import DuckDBResource

from tiering.policy import Policy, PolicyError, load_policy
from tiering.settings import DEFAULT_POLICY, SettingsError
from tiering.shards import io_location

MAX_SHARDS = 1024  # a shard is a set of customer buckets (tiering.warehouse.CUSTOMER_BUCKETS)
EXECUTORS = ("in_process", "celery", "k8s")


@dataclass(frozen=True)
class Setting:
    """One TIERS_* variable: its name, its default, what it means and how its text is read (`read` raises
    ValueError saying what the value must be)."""

    variable: str
    meaning: str
    read: Callable[[str], Any]
    shown: str | None  # the default as the README's table shows it, when not the value in backticks

    def value(self, env: Mapping[str, str], default: Any) -> Any:
        text = env.get(self.variable, "").strip()
        if not text:
            return default
        try:
            return self.read(text)
        except ValueError as exc:
            raise SettingsError(f"{self.variable} must be {exc}, not '{text}'") from None


def _setting(variable: str, default: Any, meaning: str, read: Callable[[str], Any] = str, shown=None) -> Any:
    return field(default=default, metadata={"setting": Setting(variable, meaning, read, shown)})


def _whole(noun: str, most: int | None = None) -> Callable[[str], int]:
    must = f"a whole number of {noun} from 1 to {most}" if most else f"a whole number of {noun} above 0"

    def read(text: str) -> int:
        if not text.isdigit() or not 0 < int(text) <= (most or int(text)):
            raise ValueError(must)
        return int(text)

    return read


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise ValueError("a share between 0 and 1")
    return value


def _choice(*choices: str) -> Callable[[str], str]:
    def read(text: str) -> str:
        if text not in choices:
            raise ValueError(f"one of {', '.join(choices)}")
        return text

    return read


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError("a date in the form YYYY-MM-DD") from None


def _timezone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        raise ValueError("a timezone name such as UTC or Europe/Berlin") from None
    return text


@dataclass(frozen=True)
class Settings:
    """The settings of one process: every TIERS_* variable with its default, meaning and check, in the order of
    the README's table (`variables_table`)."""

    landing_dir: Path = _setting(
        "TIERS_LANDING_DIR", Path("data/landing"), "the landing folder: one sub-folder per feed", Path
    )
    warehouse_dir: Path = _setting(
        "TIERS_WAREHOUSE_DIR",
        Path("data/warehouse"),
        "where `work.duckdb` (the pipeline's own) and `tiers.duckdb` (for BI) are written",
        Path,
    )
    policy_path: Path = _setting(
        "TIERS_POLICY", DEFAULT_POLICY, "the scoring policy", Path, shown="`policy/ideal_customer.yaml`"
    )
    timezone: str = _setting(
        "TIERS_TIMEZONE", "UTC", "timezone of the 02:00 schedule and of the daily as-of partitions", _timezone
    )
    history_start: str = _setting(
        "TIERS_HISTORY_START", "2020-01-01", "first as-of date offered as a partition", _day
    )
    max_rejected_share: float = _setting(
        "TIERS_MAX_REJECTED_SHARE",
        0.05,
        "a feed whose new rows are rejected above this share is not loaded and the run stops before publishing",
        _share,
    )
    full_reload: bool = _setting(
        "TIERS_FULL_RELOAD",
        False,
        "`1` reloads every landing file instead of only the new ones (like `tiers run --full-reload`)",
        lambda text: text.lower() in ("1", "true", "yes"),
        shown="unset",
    )
    chunk_orders: int = _setting(
        "TIERS_CHUNK_ORDERS",
        1_000_000,
        "the traits and the forecast take customers in parts (ranges of a hash of customer_id) of about this "
        "many staged orders: lower bounds memory more",
        _whole("orders"),
    )
    duckdb_memory_limit: str = _setting(
        "TIERS_DUCKDB_MEMORY_LIMIT",
        "1GB",
        "DuckDB's memory for the pipeline's working database, and for each shard step's own; beyond it DuckDB "
        "spills to disk",
    )
    clv_sample: int = _setting(
        "TIERS_CLV_SAMPLE",
        20_000,
        "the future-value models are fitted on at most this many customers",
        _whole("customers"),
    )
    shards: int = _setting(
        "TIERS_SHARDS",
        1,
        "customers are split into this many shards, one step each (see "
        "[More than one machine](#more-than-one-machine-shards-celery-kubernetes))",
        _whole("shards", MAX_SHARDS),
    )
    shard_storage: str = _setting(
        "TIERS_SHARD_STORAGE",
        "",
        "where the shards' Parquet files and the values passed between steps go: a folder, or an object-store "
        "URL (`s3://bucket/prefix`)",
        shown="`$TIERS_WAREHOUSE_DIR/shards`",
    )
    executor: str = _setting(
        "TIERS_EXECUTOR",
        "in_process",
        "the nightly job's Dagster executor: `in_process`, `celery` or `k8s`",
        _choice(*EXECUTORS),
    )
    celery_broker: str = _setting(
        "TIERS_CELERY_BROKER",
        "redis://localhost:6379/0",
        "the Celery broker and result backend, with `TIERS_EXECUTOR=celery`",
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """The settings of the TIERS_* variables of `env` (default: the process's environment); an empty
        variable is unset; a bad value raises SettingsError naming the variable."""
        env = os.environ if env is None else env
        return cls(**{f.name: setting_value(f.name, env) for f in fields(cls)})

    @property
    def work_db(self) -> Path:
        """The pipeline's own working database (raw, staging, scoring); BI tools never open it."""
        return self.warehouse_dir / "work.duckdb"

    @property
    def bi_db(self) -> Path:
        """The published file BI tools open read-only."""
        return self.warehouse_dir / "tiers.duckdb"

    @property
    def shard_location(self) -> str:
        """TIERS_SHARD_STORAGE, by default the folder shards/ of the warehouse."""
        return self.shard_storage or str(self.warehouse_dir.resolve() / "shards")


def setting_value(name: str, env: Mapping[str, str] = os.environ) -> Any:
    """The value of the setting `name` (a Settings attribute) in `env`."""
    declared = Settings.__dataclass_fields__[name]
    return declared.metadata["setting"].value(env, declared.default)


def variables_table() -> str:
    """The README's table of the TIERS_* variables."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for f in fields(Settings):
        setting = f.metadata["setting"]
        lines.append(f"| `{setting.variable}` | {setting.shown or f'`{f.default}`'} | {setting.meaning} |")
    return "\n".join(lines) + "\n"


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
    """How the raw feeds are loaded: the rejection limit per feed and run, and whether to reload everything."""

    max_rejected_share: float
    full_reload: bool


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
    }


as_of_partitions = dg.DailyPartitionsDefinition(
    start_date=setting_value("history_start"), timezone=setting_value("timezone")
)
"""Daily as-of partitions, read from TIERS_HISTORY_START and TIERS_TIMEZONE once, when the definitions load: the
tiers for date D use only data known on D."""

one_pass = dg.BackfillPolicy.single_run()
"""Partitioned assets take a whole range of dates in one run (a backfill is one pass over the staged data)."""


def run_dates(context: dg.AssetExecutionContext) -> list[date]:
    """The as-of dates this run covers, oldest first, so that each date's tiers can build on the previous one's."""
    window = context.partition_key_range
    return [date.fromisoformat(key) for key in as_of_partitions.get_partition_keys_in_range(window)]
