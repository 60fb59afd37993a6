"""Assets computed one customer shard at a time (TIERS_SHARDS, see tiering/warehouse/shards.py).

Each is a graph of three steps: `<name>_plan` computes what all shards share once and exports what they read by
shard, one `<name>_shard[i]` step per shard reads only its shard's files (the steps a distributed executor
spreads over workers or pods), and `<name>_gather` loads their union into the working database and materializes
the asset. One shard or many, the steps are the same.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource
from duckdb import DuckDBPyConnection as Connection

from assets.resources import TiersConfig, as_of_partitions, one_pass, run_dates
from tiering.warehouse.shards import (
    ShardedTable,
    ShardPlan,
    gather_shards,
    plan_shards,
    remove_step_values,
    run_shard,
)


def sharded_asset(
    sharded: ShardedTable,
    *,
    key: list[str],
    deps: list[list[str]],
    group: str,
    kinds: set[str],
    owner: str,
    description: str,
    share: Callable[[TiersConfig, Connection, list[date]], Any],
    compute: Callable[[Connection, ShardPlan, int], None],
    metadata: Callable[[dg.OpExecutionContext, TiersConfig, Connection, ShardPlan], dict],
) -> dg.AssetsDefinition:
    """The asset `key` materializing `sharded.table`, its steps named after `sharded.name`: `share`
    computes what the shards share (in the working database), `compute` fills one shard's table (in its own
    database, given `tiers.chunk_orders`), `metadata` describes the gathered table."""

    ins = {"__".join(dep): dep for dep in deps}

    @dg.op(
        name=f"{sharded.name}_plan",
        ins={upstream: dg.In(dg.Nothing) for upstream in ins},
        out={"plan": dg.Out(ShardPlan), "shard": dg.DynamicOut(int)},
        description=f"What the shards of {sharded.table} share, computed once; what they read, by shard.",
    )
    def plan_op(context: dg.OpExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource):
        dates = run_dates(context)
        with duckdb.get_connection() as con:
            shared = share(tiers, con, dates)
            plan = plan_shards(con, sharded, tiers.shard_storage, tiers.shards, context.run_id, dates, shared)
        yield dg.Output(plan, "plan", metadata={"shards": plan.shards})
        for shard in range(plan.shards):
            yield dg.DynamicOutput(shard, mapping_key=str(shard), output_name="shard")

    @dg.op(
        name=f"{sharded.name}_shard",
        description=f"One shard's rows of {sharded.table}, read from and written to its own Parquet files.",
    )
    def shard_op(shard: int, plan: ShardPlan, tiers: TiersConfig, duckdb: DuckDBResource) -> str:
        memory_limit = duckdb.connection_config["memory_limit"]
        return run_shard(
            plan, sharded, shard, memory_limit, lambda con: compute(con, plan, tiers.chunk_orders)
        )

    @dg.op(
        name=f"{sharded.name}_gather",
        out=dg.Out(dg.Nothing),
        description=f"Every shard's rows loaded into {sharded.table} of the working database, in one transaction.",
    )
    def gather_op(
        context: dg.OpExecutionContext,
        plan: ShardPlan,
        files: list[str],
        tiers: TiersConfig,
        duckdb: DuckDBResource,
    ):
        with duckdb.get_connection() as con:
            gather_shards(con, plan, sharded, files)
            remove_step_values(tiers.shard_storage, context.run_id, sharded.name)  # passed, and used
            yield dg.Output(None, metadata=metadata(context, tiers, con, plan))

    @dg.graph_asset(
        key=key,
        ins={name: dg.AssetIn(dep, dagster_type=dg.Nothing) for name, dep in ins.items()},
        partitions_def=as_of_partitions,
        backfill_policy=one_pass,
        group_name=group,
        kinds=kinds,
        owners=[owner],
        description=description,
    )
    def graph(**upstream):
        plan, shards = plan_op(**upstream)
        files = shards.map(lambda shard: shard_op(shard, plan))
        return gather_op(plan, files.collect())

    return graph
