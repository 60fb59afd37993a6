"""Resources, configured from the environment (TIERS_* variables, see tiering/settings.py)."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from tiering.policy import Policy, PolicyError, load_policy
from tiering.settings import Settings
from tiering.shards import io_location


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


def build_resources(settings: Settings) -> dict:
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    return {
        "tiers": TiersConfig(
            landing_dir=str(settings.landing_dir),
            warehouse_dir=str(settings.warehouse_dir),
            policy_path=str(settings.policy_path),
            chunk_orders=settings.chunk_orders,
            clv_sample=settings.clv_sample,
            shards=settings.shards,
            shard_storage=settings.shard_location,
        ),
        "duckdb": DuckDBResource(
            database=str(settings.work_db), connection_config={"memory_limit": settings.duckdb_memory_limit}
        ),
        # the shard plan and each shard's file list pass between steps (processes, pods) through here, a
        # folder per run (io/<run id>/) that the gather step removes
        "io_manager": dg.FilesystemIOManager(base_dir=io_location(settings.shard_location)),
    }
