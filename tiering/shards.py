"""Customer shards: the staged facts split by customer into Parquet, computed one shard at a time, gathered.

A customer's shard is customer_bucket % shards (customer_bucket = hash(customer_id) % 1024, see
tiering.warehouse): stable, and every forecast, trait and score depends on one customer's rows and on what is
global (the forecast fits, the category universe, the policy), computed once by plan_shards. So any number of
shards gives the same rows. Under the storage location (a folder or an object-store URL):

    staged/<version>-of-<n>/<table>/shard=<s>/*.parquet   staged facts, exported again when staging changes
    runs/<run id>/previous_tiers/shard=<s>/*.parquet      the tiers the run's first date starts from
    runs/<run id>/<table>/shard-<s>.parquet               one shard's forecast, traits and scores

A shard step never opens a DuckDB file another step opens: it computes in a scratch database of its own and
writes Parquet; gather_shards loads the union into the working database in one transaction.
"""

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from tiering.clv.nightly import ForecastFits, fit_forecasts, write_forecasts
from tiering.nightly_scores import write_scores
from tiering.policy import Policy
from tiering.sql import quoted, run_sql, sql_text
from tiering.traits.nightly import INPUTS, category_universe, write_traits
from tiering.warehouse import bucket_macro, transaction

OUTPUTS = ("forecast.customer_value", "traits.daily_traits", "scoring.customer_scores")


@dataclass(frozen=True)
class ShardPlan:
    """What every shard of a run reads: the storage location, the staged facts' and the run's folders in it,
    and the globals, the policy among them (a policy file edited mid-run reaches no shard)."""

    shards: int
    root: str
    staged: str
    run: str
    dates: list[date]
    fits: ForecastFits
    categories: pl.DataFrame
    policy: Policy


def plan_shards(
    con: duckdb.DuckDBPyConnection,
    root: str,
    shards: int,
    run_id: str,
    dates: list[date],
    policy: Policy,
    sample_size: int,
    orders_per_part: int,
) -> ShardPlan:
    """Export what the shards read (staged facts, previous tiers) and compute what is global, once."""
    use_storage(con, root)
    staged = export_staged(con, root, shards)
    run = f"{root}/runs/{run_id}"
    run_sql(con, "marts/create_history_tables")
    bucket_macro(con)
    run_sql(con, "shards/previous_tiers", {"first_date": dates[0]})
    _export(con, "previous_tiers", f"{run}/previous_tiers", shards)
    fits = fit_forecasts(con, dates, sample_size, orders_per_part)
    return ShardPlan(shards, root, staged, run, dates, fits, category_universe(con), policy)


def export_staged(con: duckdb.DuckDBPyConnection, root: str, shards: int) -> str:
    """The folder of the staged facts by shard, written unless this build of staging already was."""
    [(version,)] = con.execute(sql_text("shards/staged_version")).fetchall()
    folder = f"{root}/staged/{version}-of-{shards}"
    done = f"{folder}/_complete.parquet"
    if not _exists(con, done):
        for table in INPUTS:
            _export(con, f"staging.{table}", f"{folder}/{table}", shards)
        con.execute(f"COPY (SELECT 1 AS complete) TO '{quoted(done)}' (FORMAT parquet)")
        _remove_all_but(f"{root}/staged", folder)
    return folder


def run_shard(plan: ShardPlan, shard: int, memory_limit: str, orders_per_part: int) -> dict:
    """One shard's forecast, traits and scores for the run's dates, from its own Parquet files to Parquet
    files: {table: path}."""
    scratch = tempfile.mkdtemp(prefix=f"tiers-shard-{shard}-")
    try:
        with duckdb.connect(f"{scratch}/shard.duckdb", config={"memory_limit": memory_limit}) as con:
            use_storage(con, plan.root)
            for table in INPUTS:
                _shard_view(con, f"staging.{table}", f"{plan.staged}/{table}", shard)
            _shard_view(con, "marts.tier_history", f"{plan.run}/previous_tiers", shard)
            write_forecasts(con, plan.dates, plan.fits, orders_per_part)
            write_traits(con, plan.dates, plan.policy.rising, plan.categories, orders_per_part)
            write_scores(con, plan.dates, plan.policy, orders_per_part)
            files = {table: f"{plan.run}/{table.split('.')[1]}/shard-{shard}.parquet" for table in OUTPUTS}
            for table, path in files.items():
                _make_folder(path.rsplit("/", 1)[0])
                run_sql(con, "shards/write_output", table=table, path=quoted(path))
        return files
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def gather_shards(con: duckdb.DuckDBPyConnection, plan: ShardPlan, outputs: list[dict]) -> None:
    """Replace the OUTPUTS tables with the union of every shard's files, and marts.customer_traits with the
    traits of the run's last date, in one transaction; then remove the run's folder."""
    if len(outputs) != plan.shards:
        raise ValueError(f"{len(outputs)} shard results for {plan.shards} shards")
    use_storage(con, plan.root)
    with transaction(con):
        for table in OUTPUTS:
            files = ", ".join(f"'{quoted(output[table])}'" for output in outputs)
            run_sql(con, "shards/load_outputs", schema=table.split(".")[0], table=table, files=files)
        run_sql(con, "traits/customer_traits", {"last_date": plan.dates[-1]})
    remove_location(plan.run)


def use_storage(con: duckdb.DuckDBPyConnection, location: str) -> None:
    """Give the connection access to an object-store location (s3://, gs://); a local folder needs nothing."""
    if _local(location) is None:
        run_sql(con, "shards/object_store", location=quoted(location))


def _export(con: duckdb.DuckDBPyConnection, table: str, folder: str, shards: int) -> None:
    """`table` (with a customer_bucket column) as Parquet by shard, and its columns alone in schema.parquet."""
    _make_folder(folder)
    run_sql(con, "shards/export_by_shard", table=table, path=quoted(folder), shards=str(shards))
    run_sql(con, "shards/export_schema", table=table, path=quoted(f"{folder}/schema.parquet"))


def _shard_view(con: duckdb.DuckDBPyConnection, table: str, folder: str, shard: int) -> None:
    """`table` in the shard's database: a view over the shard's files (its columns alone if it has none)."""
    own = f"{folder}/shard={shard}/*.parquet"
    files = own if _exists(con, own) else f"{folder}/schema.parquet"
    run_sql(con, "shards/shard_view", schema=table.split(".")[0], table=table, files=f"'{quoted(files)}'")


def _exists(con: duckdb.DuckDBPyConnection, pattern: str) -> bool:
    [(count,)] = con.execute("SELECT count(*) FROM glob($pattern)", {"pattern": pattern}).fetchall()
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


def _remove_all_but(parent: str, kept: str) -> None:
    folder = _local(parent)
    if folder is not None:
        for other in folder.iterdir():
            if other.name != Path(kept).name:
                shutil.rmtree(other, ignore_errors=True)
