"""Customer shards: a table computed shard by shard from Parquet files by shard, then gathered.

A customer's shard is customer_bucket % shards (customer_bucket = hash(customer_id) % 1024, see
tiering.warehouse.tables): stable, and every forecast, trait and score depends on one customer's rows and on what is
global (the forecast fits, the category universe, the policy), computed once by the table's plan. So any number
of shards gives the same rows. Each sharded table (a ShardedTable: forecast.customer_value, traits.daily_traits,
scoring.customer_scores) is planned, computed shard by shard and gathered on its own. Under the storage location
(a folder or an object-store URL):

    staged/<version>-of-<n>/<table>/shard=<s>/*.parquet    staged facts, exported again when staging changes
    runs/<run id>/<name>/<input>/shard=<s>/*.parquet       what the table's shards read from earlier steps
    runs/<run id>/<name>/shard-<s>.parquet                 one shard's rows of the table

A shard step never opens a DuckDB file another step opens: it computes in a scratch database of its own and
writes Parquet; the gather step loads the union into the working database in one transaction. With one shard in
one process there is nothing to spread: the table is computed in place (in_place_plan, fill_table), from the working
database's own tables, and no file is written.
"""

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from tiering.warehouse.sql import literal, quoted, render, run_sql, sql_text
from tiering.warehouse.tables import bucket_macro, transaction

# Every staging table a shard may read, exported together once per build of staging.
STAGED = ("customers", "orders", "order_categories", "invoices", "payments", "tickets", "signals")


@dataclass(frozen=True)
class ShardedTable:
    """A table computed one customer shard at a time: `name` (of its step and files), the staging tables its
    shards read, the tables of earlier steps they read (each with the named query that makes the temp table
    shard_input of the rows the run needs, given $first_date and $last_date), and the model run on its rows
    once gathered, in the same transaction (given $first_date and $last_date)."""

    name: str
    table: str
    staged: tuple[str, ...]
    upstream: dict[str, str] = field(default_factory=dict)
    then: str | None = None

    def __post_init__(self) -> None:
        if not set(self.staged) <= set(STAGED):
            raise ValueError(f"{self.name} reads staging tables the shards are not given: {self.staged}")


@dataclass(frozen=True)
class ShardPlan:
    """What every shard step of a table reads: the storage location, the folder of the table's files in this
    run, the folder of each input table by shard, the run's dates and what is computed once for all shards
    (`shared`: the forecast fits, the category universe, the policy; a policy file edited mid-run reaches no
    shard)."""

    shards: int
    root: str
    folder: str
    inputs: dict[str, str]
    dates: list[date]
    shared: Any


def plan_shards(
    con: duckdb.DuckDBPyConnection,
    sharded: ShardedTable,
    root: str,
    shards: int,
    run_id: str,
    dates: list[date],
    shared: Any,
) -> ShardPlan:
    """Export what the table's shards read by shard: the staged facts (once per build of staging) and the run's
    rows of its upstream tables."""
    use_storage(con, root)
    bucket_macro(con)
    staged = export_staged(con, root, shards)
    folder = f"{root}/runs/{run_id}/{sharded.name}"
    inputs = {f"staging.{table}": f"{staged}/{table}" for table in sharded.staged}
    params = {"first_date": dates[0], "last_date": dates[-1]}
    for table, query in sharded.upstream.items():
        run_sql(con, query, params)
        inputs[table] = f"{folder}/{table}"
        _export(con, "shards:export_by_customer", "shard_input", inputs[table], shards)
    return ShardPlan(shards, root, folder, inputs, dates, shared)


def export_staged(con: duckdb.DuckDBPyConnection, root: str, shards: int) -> str:
    """The folder of the staged facts by shard, written unless this build of staging already was."""
    [(version,)] = con.execute(sql_text("shards:staged_version")).fetchall()
    folder = f"{root}/staged/{version}-of-{shards}"
    done = f"{folder}/_complete.parquet"
    if not _exists(con, literal(done)):
        for table in STAGED:
            _export(con, "shards:export_by_bucket", f"staging.{table}", f"{folder}/{table}", shards)
        run_sql(con, "shards:mark_complete", path=quoted(done))
        _remove_all_but(f"{root}/staged", folder)
    return folder


def in_place_plan(dates: list[date], shared: Any) -> ShardPlan:
    """The plan of one shard holding every customer and reading the working database's own tables: no file."""
    return ShardPlan(1, "", "", {}, dates, shared)


def fill_table(
    con: duckdb.DuckDBPyConnection,
    plan: ShardPlan,
    sharded: ShardedTable,
    fill: Callable[[duckdb.DuckDBPyConnection], Any],
) -> None:
    """The table filled by `fill` in the working database (computed in place, or gathered), then its `then`
    model, in one transaction."""
    with transaction(con):
        fill(con)
        if sharded.then:
            run_sql(con, sharded.then, {"first_date": plan.dates[0], "last_date": plan.dates[-1]})


def run_shard(
    plan: ShardPlan,
    sharded: ShardedTable,
    shard: int,
    memory_limit: str,
    compute: Callable[[duckdb.DuckDBPyConnection], None],
) -> str:
    """One shard's rows of the table: `compute` fills it in a database of the step's own (in memory, spilling
    to a scratch folder) where each input table is a view over the shard's files; written to the path
    returned."""
    scratch = tempfile.mkdtemp(prefix=f"tiers-{sharded.name}-{shard}-")
    try:
        config = {"memory_limit": memory_limit, "temp_directory": scratch}  # in memory, spilling to scratch
        with duckdb.connect(config=config) as con:
            use_storage(con, plan.root)
            for table, folder in plan.inputs.items():
                _shard_view(con, table, folder, shard)
            compute(con)
            path = f"{plan.folder}/shard-{shard}.parquet"
            _make_folder(plan.folder)
            run_sql(con, "shards:write_output", table=sharded.table, path=quoted(path))
        return path
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def gather_shards(
    con: duckdb.DuckDBPyConnection, plan: ShardPlan, sharded: ShardedTable, files: list[str]
) -> None:
    """Replace the table with the union of every shard's file and run its `then` model, in one transaction;
    then remove the table's files of the run."""
    if len(files) != plan.shards:
        raise ValueError(f"{len(files)} shard results for {plan.shards} shards")
    use_storage(con, plan.root)
    load = render("shards:load_outputs", schema=sharded.table.split(".")[0], table=sharded.table)
    fill_table(con, plan, sharded, lambda con: con.execute(load, {"files": [literal(f) for f in files]}))
    remove_location(plan.folder)
    _remove_if_empty(plan.folder.rsplit("/", 1)[0])


def use_storage(con: duckdb.DuckDBPyConnection, location: str) -> None:
    """Give the connection access to an object-store location (s3://, gs://); a local folder needs nothing."""
    if _local(location) is None:
        run_sql(con, "shards:object_store", location=quoted(location))


def _export(con: duckdb.DuckDBPyConnection, query: str, table: str, folder: str, shards: int) -> None:
    """`table` as Parquet by shard with the named `query`, and its columns alone in schema.parquet."""
    _make_folder(folder)
    run_sql(con, query, table=table, path=quoted(folder), shards=str(shards))
    run_sql(con, "shards:export_schema", table=table, path=quoted(f"{folder}/schema.parquet"))


def _shard_view(con: duckdb.DuckDBPyConnection, table: str, folder: str, shard: int) -> None:
    """`table` in the shard's database: a view over the shard's files (its columns alone if it has none)."""
    own = f"{literal(folder)}/shard={shard}/*.parquet"
    files = own if _exists(con, own) else literal(f"{folder}/schema.parquet")
    run_sql(con, "shards:shard_view", schema=table.split(".")[0], table=table, files=quoted(files))


def _exists(con: duckdb.DuckDBPyConnection, pattern: str) -> bool:
    [(count,)] = con.execute(sql_text("shards:file_count"), {"pattern": pattern}).fetchall()
    return count > 0


def _local(location: str) -> Path | None:
    """The folder of a local location; None for an object-store URL (left to its lifecycle rules)."""
    if "://" in location and not location.startswith("file://"):
        return None
    return Path(location.removeprefix("file://"))


def _make_folder(location: str) -> None:
    """Object stores have no folders; a local one is made with its parents."""
    folder = _local(location)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)


def io_location(root: str) -> str:
    """Where Dagster's IO manager keeps the values the steps pass, a folder per run (io/<run id>/)."""
    return f"{root}/io"


def remove_location(location: str) -> None:
    """Remove a local folder and all in it; an object-store location is left to its lifecycle rules."""
    folder = _local(location)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def remove_step_values(root: str, run_id: str, name: str) -> None:
    """Remove the values the steps of a sharded table (ops `<name>_*`) passed in a run, used once gathered,
    and the run's folder of values once empty."""
    folder = _local(f"{io_location(root)}/{run_id}")
    if folder is not None:
        for values in folder.glob(f"*.{name}_*"):
            shutil.rmtree(values, ignore_errors=True)
        _remove_if_empty(str(folder))


def _remove_if_empty(location: str) -> None:
    folder = _local(location)
    if folder is not None:
        with contextlib.suppress(OSError):  # not empty, or gone
            folder.rmdir()


def _remove_all_but(parent: str, kept: str) -> None:
    folder = _local(parent)
    if folder is not None:
        for other in folder.iterdir():
            if other.name != Path(kept).name:
                shutil.rmtree(other, ignore_errors=True)
