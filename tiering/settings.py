"""Run configuration from environment variables, with the defaults that make the demo work out of the box."""

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
DEFAULT_POLICY = REPO_ROOT / "policy" / "ideal_customer.yaml"


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_dir: Path
    policy_path: Path
    timezone: str
    history_start: str
    max_rejected_share: float = 0.05  # a feed whose new rows are rejected above this share is not loaded
    full_reload: bool = False  # reload every landing file, not only the new ones
    chunk_orders: int = 2_000_000  # large steps take customers in parts of about this many staged orders

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            landing_dir=Path(os.environ.get("TIERS_LANDING_DIR", "data/landing")),
            warehouse_dir=Path(os.environ.get("TIERS_WAREHOUSE_DIR", "data/warehouse")),
            policy_path=Path(os.environ.get("TIERS_POLICY", str(DEFAULT_POLICY))),
            timezone=os.environ.get("TIERS_TIMEZONE", "UTC"),
            history_start=os.environ.get("TIERS_HISTORY_START", "2020-01-01"),
            max_rejected_share=float(os.environ.get("TIERS_MAX_REJECTED_SHARE", "0.05")),
            full_reload=os.environ.get("TIERS_FULL_RELOAD", "").lower() in ("1", "true", "yes"),
            chunk_orders=int(os.environ.get("TIERS_CHUNK_ORDERS", "2000000")),
        )

    @property
    def work_db(self) -> Path:
        """The pipeline's own working database (raw, staging, scoring); BI tools never open it."""
        return self.warehouse_dir / "work.duckdb"

    @property
    def bi_db(self) -> Path:
        """The published file BI tools open read-only."""
        return self.warehouse_dir / "tiers.duckdb"
