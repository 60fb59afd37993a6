"""Run configuration from environment variables, with the defaults that make the demo work out of the box."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
DEFAULT_POLICY = REPO_ROOT / "policy" / "ideal_customer.yaml"


EXECUTORS = ("in_process", "celery", "k8s")
MAX_SHARDS = 1024  # a shard is a set of customer buckets (tiering.warehouse.CUSTOMER_BUCKETS)
DEFAULT_CLV_SAMPLE = 20_000


class SettingsError(ValueError):
    """An environment variable with a value that cannot be used; the message names it."""


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_dir: Path
    policy_path: Path
    timezone: str
    history_start: str
    max_rejected_share: float = 0.05  # a feed whose new rows are rejected above this share is not loaded
    full_reload: bool = False  # reload every landing file, not only the new ones
    chunk_orders: int = 1_000_000  # large steps take customers in parts of about this many staged orders
    duckdb_memory_limit: str = "1GB"  # DuckDB's buffer pool; it spills to disk beyond it
    clv_sample: int = DEFAULT_CLV_SAMPLE  # the forecast is fitted on at most this many customers
    shards: int = 1  # customers split into this many shards, each its own step (see tiering/shards.py)
    shard_storage: str = ""  # where shard inputs and outputs go: a folder or an object-store URL (s3://...)
    executor: str = "in_process"  # Dagster executor of the nightly job: in_process, celery or k8s
    celery_broker: str = "redis://localhost:6379/0"  # the Celery broker and result backend

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """The settings of the TIERS_* variables of `environ` (default: the process's environment)."""
        env = os.environ if environ is None else environ
        return cls(
            landing_dir=Path(env.get("TIERS_LANDING_DIR", "data/landing")),
            warehouse_dir=Path(env.get("TIERS_WAREHOUSE_DIR", "data/warehouse")),
            policy_path=Path(env.get("TIERS_POLICY", str(DEFAULT_POLICY))),
            timezone=env.get("TIERS_TIMEZONE", "UTC"),
            history_start=env.get("TIERS_HISTORY_START", "2020-01-01"),
            max_rejected_share=_number(
                env, "TIERS_MAX_REJECTED_SHARE", cls.max_rejected_share, float, "a share between 0 and 1"
            ),
            full_reload=env.get("TIERS_FULL_RELOAD", "").lower() in ("1", "true", "yes"),
            chunk_orders=_number(
                env, "TIERS_CHUNK_ORDERS", cls.chunk_orders, int, "a whole number of orders above 0"
            ),
            duckdb_memory_limit=env.get("TIERS_DUCKDB_MEMORY_LIMIT", cls.duckdb_memory_limit),
            clv_sample=_number(
                env, "TIERS_CLV_SAMPLE", cls.clv_sample, int, "a whole number of customers above 0"
            ),
            shards=_number(
                env,
                "TIERS_SHARDS",
                cls.shards,
                int,
                f"a whole number of shards from 1 to {MAX_SHARDS}",
                MAX_SHARDS,
            ),
            shard_storage=env.get("TIERS_SHARD_STORAGE", cls.shard_storage),
            executor=_choice(env, "TIERS_EXECUTOR", cls.executor, EXECUTORS),
            celery_broker=env.get("TIERS_CELERY_BROKER", cls.celery_broker),
        )

    def as_environment(self) -> dict[str, str]:
        """The TIERS_* variables that give these settings, with absolute paths: what a worker process or pod
        rebuilds them from, whatever its working folder."""
        return {
            "TIERS_LANDING_DIR": str(self.landing_dir.resolve()),
            "TIERS_WAREHOUSE_DIR": str(self.warehouse_dir.resolve()),
            "TIERS_POLICY": str(self.policy_path.resolve()),
            "TIERS_TIMEZONE": self.timezone,
            "TIERS_HISTORY_START": self.history_start,
            "TIERS_MAX_REJECTED_SHARE": str(self.max_rejected_share),
            "TIERS_FULL_RELOAD": "1" if self.full_reload else "",
            "TIERS_CHUNK_ORDERS": str(self.chunk_orders),
            "TIERS_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
            "TIERS_CLV_SAMPLE": str(self.clv_sample),
            "TIERS_SHARDS": str(self.shards),
            "TIERS_SHARD_STORAGE": self.shard_location,
            "TIERS_EXECUTOR": self.executor,
            "TIERS_CELERY_BROKER": self.celery_broker,
        }

    @property
    def work_db(self) -> Path:
        """The pipeline's own working database (raw, staging, scoring); BI tools never open it."""
        return self.warehouse_dir / "work.duckdb"

    @property
    def shard_location(self) -> str:
        """TIERS_SHARD_STORAGE, by default the folder shards/ of the warehouse."""
        return self.shard_storage or str(self.warehouse_dir.resolve() / "shards")

    @property
    def bi_db(self) -> Path:
        """The published file BI tools open read-only."""
        return self.warehouse_dir / "tiers.duckdb"


def _number(
    env: Mapping[str, str], name: str, default: float, kind: type, meaning: str, most: int | None = None
) -> float | int:
    """The variable `name` as a whole number above 0 (at most `most`), or a share (float) from 0 to 1."""
    text = env.get(name, str(default)).strip()
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or (not 0 <= value <= 1 if kind is float else not 0 < value <= (most or value)):
        raise SettingsError(f"{name} must be {meaning}, not '{text}'")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    text = env.get(name, default).strip()
    if text not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not '{text}'")
    return text
