"""Run configuration from environment variables, with the defaults that make the demo work out of the box."""

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
DEFAULT_POLICY = REPO_ROOT / "policy" / "ideal_customer.yaml"


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

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            landing_dir=Path(os.environ.get("TIERS_LANDING_DIR", "data/landing")),
            warehouse_dir=Path(os.environ.get("TIERS_WAREHOUSE_DIR", "data/warehouse")),
            policy_path=Path(os.environ.get("TIERS_POLICY", str(DEFAULT_POLICY))),
            timezone=os.environ.get("TIERS_TIMEZONE", "UTC"),
            history_start=os.environ.get("TIERS_HISTORY_START", "2020-01-01"),
            max_rejected_share=_number("TIERS_MAX_REJECTED_SHARE", "0.05", float, "a share between 0 and 1"),
            full_reload=os.environ.get("TIERS_FULL_RELOAD", "").lower() in ("1", "true", "yes"),
            chunk_orders=_number("TIERS_CHUNK_ORDERS", "1000000", int, "a whole number of orders above 0"),
            duckdb_memory_limit=os.environ.get("TIERS_DUCKDB_MEMORY_LIMIT", "1GB"),
        )

    @property
    def work_db(self) -> Path:
        """The pipeline's own working database (raw, staging, scoring); BI tools never open it."""
        return self.warehouse_dir / "work.duckdb"

    @property
    def bi_db(self) -> Path:
        """The published file BI tools open read-only."""
        return self.warehouse_dir / "tiers.duckdb"


def _number(name: str, default: str, kind: type, meaning: str) -> float | int:
    """The environment variable `name` as a whole number above 0, or a share (float) from 0 to 1."""
    text = os.environ.get(name, default).strip()
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or (not 0 <= value <= 1 if kind is float else value <= 0):
        raise SettingsError(f"{name} must be {meaning}, not '{text}'")
    return value
