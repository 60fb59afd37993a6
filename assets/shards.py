"""Forecast, traits and scores, one step per customer shard (TIERS_SHARDS, see tiering/shards.py).

One graph: `plan_shards` computes what is global once (policy, forecast fits, categories) and exports what the
shards read, one `score_shard` step per shard reads only its shard (the steps a distributed executor spreads
over workers or pods), and `gather_shards` loads their union into the working database and materializes the
three assets.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import column_lineage, table_metadata
from assets.resources import Settings, TiersConfig, as_of_partitions, one_pass, run_dates
from tiering.clv.nightly import forecast_warnings, holdout_chart
from tiering.lineage import scores_lineage
from tiering.shards import ShardPlan, gather_shards, io_location, plan_shards, remove_location, run_shard
from tiering.sql import sql_text
from tiering.traits import TRAIT_DOCS
from tiering.traits.nightly import INPUTS

# The three assets the graph materializes: output name -> (key, group, kinds, owner, description).
SHARD_ASSETS = {
    "customer_value": (
        ["forecast", "customer_value"],
        "traits",
        {"scipy", "duckdb"},
        "team:data-engineering",
        "Per as-of date and customer with a completed order up to it: p_alive (BG/NBD), expected purchases and "
        "expected value (x Gamma-Gamma spend) in the next 12 months. Fitted as of the first day of each date's "
        "month (once per month of a backfill, once for all shards) on a seeded sample of at most "
        f"TIERS_CLV_SAMPLE customers (default {Settings.clv_sample:,}); null when the fit fails.",
    ),
    "customer_traits": (
        ["marts", "customer_traits"],
        "traits",
        {"polars", "duckdb"},
        "team:data-engineering",
        "One row per customer known on the as-of date, with every trait over the 365 days ending on it (see "
        "docs/outputs.md). Only data dated up to the as-of date is used. Every date of the run is kept in "
        "traits.daily_traits for scoring and history; this table holds the run's last date. Computed shard by "
        "shard, TIERS_CHUNK_ORDERS staged orders' worth of customers at a time.",
    ),
    "customer_scores": (
        ["scoring", "customer_scores"],
        "scoring",
        {"polars", "duckdb"},
        "team:sales-ops",
        "Score 0-100, tier, action and reasons per customer and as-of date, from the traits and the policy file "
        "(TIERS_POLICY). Fixed cut-offs: a tier never moves because other customers changed; the policy's "
        "hysteresis margin keeps a customer's previous tier near a cut-off.",
    ),
}


@dg.op(
    name="plan_shards",
    ins={"staged": dg.In(dg.Nothing)},
    out={"plan": dg.Out(ShardPlan), "shard": dg.DynamicOut(int)},
    description="Export the staged facts and previous tiers by shard; read the policy, fit the forecast and read "
    "the category universe once for all shards.",
)
def plan_shards_op(context: dg.OpExecutionContext, tiers: TiersConfig, duckdb: DuckDBResource):
    dates = run_dates(context)
    with duckdb.get_connection() as con:
        plan = plan_shards(
            con,
            tiers.shard_storage,
            tiers.shards,
            context.run_id,
            dates,
            tiers.policy(),
            tiers.clv_sample,
            tiers.chunk_orders,
        )
    yield dg.Output(plan, "plan", metadata={"shards": plan.shards, "staged": plan.staged})
    for shard in range(plan.shards):
        yield dg.DynamicOutput(shard, mapping_key=str(shard), output_name="shard")


@dg.op(description="One shard's forecast, traits and scores, read from and written to its own Parquet files.")
def score_shard(shard: int, plan: ShardPlan, tiers: TiersConfig, duckdb: DuckDBResource) -> dict:
    return run_shard(plan, shard, duckdb.connection_config["memory_limit"], tiers.chunk_orders)


@dg.op(
    name="gather_shards",
    out={name: dg.Out(dg.Nothing) for name in SHARD_ASSETS},
    description="Load every shard's results into the working database, in one transaction.",
)
def gather_shards_op(
    context: dg.OpExecutionContext,
    plan: ShardPlan,
    outputs: list[dict],
    tiers: TiersConfig,
    duckdb: DuckDBResource,
):
    policy = plan.policy
    last = plan.dates[-1]
    with duckdb.get_connection() as con:
        gather_shards(con, plan, outputs)
        remove_location(f"{io_location(tiers.shard_storage)}/{context.run_id}")  # the values passed, used
        counts = {
            day: (unforecast, forecast)
            for day, unforecast, forecast in con.sql(sql_text("forecast/counts")).fetchall()
        }
        warnings = _forecast_warnings(context, plan, counts)
        yield dg.Output(
            None,
            "customer_value",
            metadata=table_metadata(con, "forecast.customer_value", as_of_dates=len(plan.dates))
            | _fit_metadata(plan.fits.serving(last).diagnostics, plan.fits.backtest, warnings)
            | {"customers_forecast": counts.get(last, (0, 0))[1]},
        )
        [(rising,)] = con.execute(sql_text("traits/customers_rising")).fetchall()
        yield dg.Output(
            None,
            "customer_traits",
            metadata=table_metadata(
                con,
                "marts.customer_traits",
                as_of_dates=len(plan.dates),
                traits=len(TRAIT_DOCS),
                customers_rising=rising,
                shards=plan.shards,
            ),
        )
        per_tier = dict(con.execute(sql_text("scoring/customers_per_tier"), {"as_of": last}).fetchall())
        yield dg.Output(
            None,
            "customer_scores",
            metadata=table_metadata(
                con,
                "scoring.customer_scores",
                policy_version=policy.version,
                policy_file=tiers.policy_path,
                **{"dagster/column_lineage": column_lineage(scores_lineage(policy))},
                **{
                    f"customers_{tier.lower()}": per_tier.get(tier, 0)
                    for tier in ("Ideal", "Acceptable", "Poor")
                },
            ),
        )


@dg.graph_multi_asset(
    outs={
        name: dg.AssetOut(key=key, dagster_type=dg.Nothing, kinds=kinds, owners=[owner], description=text)
        for name, (key, _, kinds, owner, text) in SHARD_ASSETS.items()
    },
    ins={name: dg.AssetIn(key=["staging", name], dagster_type=dg.Nothing) for name in INPUTS},
    partitions_def=as_of_partitions,
    backfill_policy=one_pass,
    name="customer_shards",
)
def _customer_shards(**staged):
    plan, shards = plan_shards_op(staged=list(staged.values()))
    outputs = shards.map(lambda shard: score_shard(shard, plan))
    return gather_shards_op(plan, outputs.collect())


# A graph asset takes one group for all its outputs; the lineage page shows each in its layer's group.
_GROUPS = {dg.AssetKey(key): group for key, group, *_ in SHARD_ASSETS.values()}
customer_shards = _customer_shards.map_asset_specs(
    lambda spec: spec.replace_attributes(group_name=_GROUPS[spec.key])
)


def _forecast_warnings(context: dg.OpExecutionContext, plan: ShardPlan, counts: dict) -> list[str]:
    """Each date's forecast warnings (`counts`: date -> (unforecast, forecast)), logged; the last date's, for
    the metadata."""
    warnings = []
    for day in plan.dates:
        warnings = forecast_warnings(plan.fits.serving(day), counts.get(day, (0, 0))[0])
        for warning in warnings:
            context.log.warning(f"customer value forecast as of {day}: {warning}")
    return warnings


def _fit_metadata(diagnostics: dict, backtest: dict | str | None, warnings: list[str]) -> dict:
    """A fit's parameters, log-likelihoods, timing, warnings and back-test chart."""
    metadata = {
        "warnings": dg.MetadataValue.md("\n".join(f"- {w}" for w in warnings) or "none"),
    }
    metadata |= {
        key: diagnostics[key]
        for key in ("fitted_as_of", "fitted_customers", "repeat_buyers", "fit_seconds")
        if key in diagnostics
    }
    for model in ("bgnbd", "gamma_gamma"):
        if diagnostics.get(model):
            metadata[model] = dg.MetadataValue.json(diagnostics[model])
            metadata[f"{model}_log_likelihood"] = diagnostics[model]["log_likelihood"]
    if isinstance(backtest, dict):
        metadata["backtest_calibration_end"] = backtest["calibration_end"]
        metadata["backtest_actual_purchases"] = backtest["actual"]
        if backtest["predicted"] is not None:
            metadata["backtest_predicted_purchases"] = backtest["predicted"]
        metadata["backtest_chart"] = dg.MetadataValue.md(holdout_chart(backtest))
    elif backtest:
        metadata["backtest_chart"] = dg.MetadataValue.md(backtest)
    return metadata
