"""Assets computed one customer shard at a time (TIERS_SHARDS, see tiering/warehouse/shards.py).

Each asset plans (what all shards share, computed once, and what each shard reads, exported by shard), computes
each shard from its own files only, and gathers the shards' rows into the working database. How those parts
are laid out as steps follows the executor:
- in one process (TIERS_EXECUTOR=in_process), one step per asset runs them one after another: steps there run
  one at a time anyway, and each step costs run-history events. With one shard (TIERS_SHARDS=1, the default)
  that step computes the table in place, from the working database's own tables: nothing to export or gather;
- on a distributed executor (Celery, Kubernetes), a graph of `<name>_plan`, one `<name>_shard[i]` step per
  shard (the steps spread over workers or pods) and `<name>_gather`.
Either way the same functions run and the rows are the same.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource
from duckdb import DuckDBPyConnection as Connection

from assets.resources import TiersConfig, as_of_partitions, one_pass, run_dates
from tiering.warehouse.shards import (
    ShardedTable,
    ShardPlan,
    fill_table,
    gather_shards,
    in_place_plan,
    plan_shards,
    remove_step_values,
    run_shard,
)


@dataclass(frozen=True)
class ShardedAsset:
    """The asset `key` materializing `sharded.table`: `share` computes what the shards share (in the working
    database), `compute` fills one shard's table (in its own database, given `tiers.chunk_orders`), `metadata`
    describes the gathered table."""

    sharded: ShardedTable
    key: list[str]
    deps: list[list[str]]
    group: str
    kinds: set[str]
    owner: str
    description: str
    share: Callable[[TiersConfig, Connection, list[date]], Any]
    compute: Callable[[Connection, ShardPlan, int], None]
    metadata: Callable[[dg.OpExecutionContext, TiersConfig, Connection, ShardPlan], dict]

    @property
    def attributes(self) -> dict:
        """What the asset is, whichever its steps: partitions, group, kinds, owner, description."""
        return {
            "partitions_def": as_of_partitions,
            "backfill_policy": one_pass,
            "group_name": self.group,
            "kinds": self.kinds,
            "owners": [self.owner],
            "description": self.description,
        }

    def asset(self, spread: bool) -> dg.AssetsDefinition:
        """The asset, its shards as steps of their own when `spread` (a distributed executor), else in one."""
        return _graph_asset(self) if spread else _one_step_asset(self)

    def plan(self, context, tiers: TiersConfig, duckdb: DuckDBResource) -> ShardPlan:
        dates = run_dates(context)
        with duckdb.get_connection() as con:
            shared = self.share(tiers, con, dates)
            return plan_shards(
                con, self.sharded, tiers.shard_storage, tiers.shards, context.run.run_id, dates, shared
            )

    def in_place(self, context, tiers: TiersConfig, duckdb: DuckDBResource) -> dict:
        """Every customer as one shard, computed in the working database from its own tables; the metadata."""
        dates = run_dates(context)
        with duckdb.get_connection() as con:
            plan = in_place_plan(dates, self.share(tiers, con, dates))
            fill_table(con, plan, self.sharded, lambda con: self.compute(con, plan, tiers.chunk_orders))
            return self.metadata(context, tiers, con, plan)

    def run_shard(self, plan: ShardPlan, shard: int, tiers: TiersConfig, duckdb: DuckDBResource) -> str:
        memory_limit = duckdb.connection_config["memory_limit"]
        compute = self.compute
        return run_shard(
            plan, self.sharded, shard, memory_limit, lambda con: compute(con, plan, tiers.chunk_orders)
        )

    def gather(
        self, context, plan: ShardPlan, files: list[str], tiers: TiersConfig, duckdb: DuckDBResource
    ) -> dict:
        """Gather the shards' files; the asset's metadata."""
        with duckdb.get_connection() as con:
            gather_shards(con, plan, self.sharded, files)
            return self.metadata(context, tiers, con, plan)


def _one_step_asset(spec: ShardedAsset) -> dg.AssetsDefinition:
    @dg.asset(key=spec.key, deps=spec.deps, **spec.attributes)
    def one_step(context: dg.AssetExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource):
        if tiers.shards == 1:
            return dg.MaterializeResult(metadata=spec.in_place(context, tiers, duckdb))
        plan = spec.plan(context, tiers, duckdb)
        files = [spec.run_shard(plan, shard, tiers, duckdb) for shard in range(plan.shards)]
        return dg.MaterializeResult(metadata=spec.gather(context, plan, files, tiers, duckdb))

    return one_step


def _graph_asset(spec: ShardedAsset) -> dg.AssetsDefinition:
    name = spec.sharded.name
    ins = {"__".join(dep): dep for dep in spec.deps}

    @dg.op(
        name=f"{name}_plan",
        ins={upstream: dg.In(dg.Nothing) for upstream in ins},
        out={"plan": dg.Out(ShardPlan), "shard": dg.DynamicOut(int)},
        description=f"What the shards of {spec.sharded.table} share, computed once; what they read, by shard.",
    )
    def plan_op(context: dg.OpExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource):
        plan = spec.plan(context, tiers, duckdb)
        yield dg.Output(plan, "plan", metadata={"shards": plan.shards})
        for shard in range(plan.shards):
            yield dg.DynamicOutput(shard, mapping_key=str(shard), output_name="shard")

    @dg.op(
        name=f"{name}_shard",
        description=f"One shard's rows of {spec.sharded.table}, read from and written to its own Parquet files.",
    )
    def shard_op(shard: int, plan: ShardPlan, tiers: TiersConfig, duckdb: DuckDBResource) -> str:
        return spec.run_shard(plan, shard, tiers, duckdb)

    @dg.op(
        name=f"{name}_gather",
        out=dg.Out(dg.Nothing),
        description=f"Every shard's rows loaded into {spec.sharded.table} of the working database, in one "
        "transaction.",
    )
    def gather_op(
        context: dg.OpExecutionContext,
        plan: ShardPlan,
        files: list[str],
        tiers: TiersConfig,
        duckdb: DuckDBResource,
    ):
        metadata = spec.gather(context, plan, files, tiers, duckdb)
        remove_step_values(tiers.shard_storage, context.run.run_id, name)  # passed, and used
        yield dg.Output(None, metadata=metadata)

    @dg.graph_asset(
        key=spec.key,
        ins={name: dg.AssetIn(dep, dagster_type=dg.Nothing) for name, dep in ins.items()},
        **spec.attributes,
    )
    def graph(**upstream):
        plan, shards = plan_op(**upstream)
        files = shards.map(lambda shard: shard_op(shard, plan))
        return gather_op(plan, files.collect())

    return graph
