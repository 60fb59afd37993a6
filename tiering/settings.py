"""The settings of a run: every TIERS_* variable declared once (name, default, meaning, check), and where the
repository's own files are. assets/resources.py makes Dagster's resources and the as-of partitions of them."""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
DEFAULT_POLICY = REPO_ROOT / "policy" / "ideal_customer.yaml"


class SettingsError(ValueError):
    """An environment variable with a value that cannot be used; the message names it."""


MAX_SHARDS = 1024  # a shard is a set of customer buckets (tiering.warehouse.tables.CUSTOMER_BUCKETS)
EXECUTORS = ("in_process", "celery", "k8s")


@dataclass(frozen=True)
class Setting:
    """One TIERS_* variable: its name, its default, what it means and how its text is read (`read` raises
    ValueError saying what the value must be). An empty variable is unset, except a path's: set but empty is an
    error (`TIERS_WAREHOUSE_DIR=$UNSET_VARIABLE` would otherwise write elsewhere than meant)."""

    variable: str
    meaning: str
    read: Callable[[str], Any]
    shown: str | None  # the default as the README's table shows it, when not the value in backticks
    secret: bool = False  # may hold passwords or tokens: an error never repeats the value

    def value(self, env: Mapping[str, str], default: Any) -> Any:
        text = env.get(self.variable, "").strip()
        if not text and self.variable in env and isinstance(default, Path):
            raise SettingsError(f"{self.variable} is set but empty: give a path, or unset it for the default")
        if not text:
            return default
        try:
            return self.read(text)
        except ValueError as exc:
            value = "" if self.secret else f", not '{text}'"
            raise SettingsError(f"{self.variable} must be {exc}{value}") from None


def _setting(
    variable: str, default: Any, meaning: str, read: Callable[[str], Any] = str, shown=None, secret=False
) -> Any:
    setting = Setting(variable, meaning, read, shown, secret)
    return field(default=default, repr=not secret, metadata={"setting": setting})


def _path(text: str) -> Path:
    return Path(text)


def _database_folder(text: str) -> Path:
    if "?" in text:  # DuckDB takes what follows a '?' in a database file's path for options
        raise ValueError("a folder whose path has no '?' (DuckDB cannot keep a database under it)")
    return Path(text)


def _memory(text: str) -> str:
    import duckdb  # DuckDB itself says which sizes it reads

    try:
        duckdb.connect(config={"memory_limit": text}).close()
    except duckdb.Error:
        raise ValueError("a memory size such as 1GB or 512MB") from None
    return text


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


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 600:
        raise ValueError("a number of seconds from 0 to 600")
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


def _alert_urls(text: str) -> str:
    from tiering.alerts.destinations import alert_urls

    alert_urls(text)
    return text


def _smtp_url(text: str) -> str:
    from tiering.alerts.destinations import smtp_server

    smtp_server(text)
    return text


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
        "TIERS_LANDING_DIR", Path("data/landing"), "the landing folder: one sub-folder per feed", _path
    )
    warehouse_dir: Path = _setting(
        "TIERS_WAREHOUSE_DIR",
        Path("data/warehouse"),
        "where `work.duckdb` (the pipeline's own) and `tiers.duckdb` (for BI) are written",
        _database_folder,
    )
    policy_path: Path = _setting(
        "TIERS_POLICY", DEFAULT_POLICY, "the scoring policy", _path, shown="`policy/ideal_customer.yaml`"
    )
    timezone: str = _setting(
        "TIERS_TIMEZONE",
        "UTC",
        "timezone of the 02:00 schedule and of today's date: an as-of date after today is refused",
        _timezone,
    )
    history_start: str = _setting(
        "TIERS_HISTORY_START",
        "2020-01-01",
        "first as-of date that may run: an earlier `--as-of` or `--from` is refused",
        _day,
    )
    max_rejected_share: float = _setting(
        "TIERS_MAX_REJECTED_SHARE",
        0.05,
        "a feed whose new rows are rejected above this share, and above `TIERS_MAX_REJECTED_ROWS` rows, is not "
        "loaded and the run stops before publishing",
        _share,
    )
    max_rejected_rows: int = _setting(
        "TIERS_MAX_REJECTED_ROWS",
        100,
        "a feed's new rows are refused only when more than this many of them, and more than "
        "`TIERS_MAX_REJECTED_SHARE` of them, are rejected; below either, bad rows are quarantined and the night "
        "goes on",
        _whole("rows"),
    )
    full_reload: bool = _setting(
        "TIERS_FULL_RELOAD",
        False,
        "`1` reloads every landing file instead of only the new ones (like `tiers run --full-reload`)",
        lambda text: text.lower() in ("1", "true", "yes"),
        shown="unset",
    )
    file_settle_seconds: float = _setting(
        "TIERS_FILE_SETTLE_SECONDS",
        2.0,
        "a landing file changed less than this many seconds before the load is checked again after that long: "
        "one still changing, or changed while it was read, is left for the next run (with a warning)",
        _seconds,
    )
    ingest_batch_mb: int = _setting(
        "TIERS_INGEST_BATCH_MB",
        1024,
        "a feed's new landing files are read in batches of about this many megabytes, each written to its raw "
        "table before the next is read: lower bounds the memory of a large first load more (not its disk: a "
        "feed loads in one transaction, which keeps each batch's scratch rows until it commits)",
        _whole("megabytes"),
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
        _memory,
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
        "customers are split into this many shards, one step each in the forecast, the traits and the scores (see "
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
    max_data_lag_days: int = _setting(
        "TIERS_MAX_DATA_LAG_DAYS",
        7,
        "the run summary warns when the as-of date is more than this many days after the newest order, invoice "
        "or ticket (stale exports)",
        _whole("days"),
    )

    alert_urls: str = _setting(
        "TIERS_ALERT_URLS",
        "",
        "comma-separated [Apprise](https://github.com/caronc/apprise) URLs (Slack, Teams, e-mail, JSON webhooks) "
        "that get the nightly digest of tier alerts and the notice of a failed run (see [Alerts](#alerts))",
        _alert_urls,
        shown="unset",
        secret=True,
    )
    smtp_url: str = _setting(
        "TIERS_SMTP_URL",
        "",
        "`smtp://[user:password@]host:port?from=ADDRESS[&starttls=1]`: every account owner with an e-mail gets "
        "one e-mail a night listing their accounts that alerted and why (see [Alerts](#alerts))",
        _smtp_url,
        shown="unset",
        secret=True,
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """The settings of the TIERS_* variables of `env` (default: the process's environment); an empty
        variable is unset (a path's is an error); a bad value raises SettingsError naming the variable."""
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
