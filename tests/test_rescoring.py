"""A policy change re-scores the stored traits: scoring/customer_scores materialized alone, by asset selection,
for one partition, on the instance of the nightly run that computed the traits."""

import logging
import shutil
from dataclasses import replace
from datetime import timedelta

import dagster as dg
import duckdb
import polars as pl

from assets.resources import run_config
from pipelines.definitions import nightly_tiers
from tiering.policy import load_policy
from tiering.scoring import score_customers
from tiering.settings import DEFAULT_POLICY

SCORES = dg.AssetKey(["scoring", "customer_scores"])
UPSTREAM = (dg.AssetKey(["forecast", "customer_value"]), dg.AssetKey(["marts", "customer_traits"]))
WORK_TABLES = ("forecast.customer_value", "traits.daily_traits", "scoring.customer_scores")


def _work_tables(settings) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        tables = {table: con.sql(f"SELECT * FROM {table}").pl() for table in WORK_TABLES}
        tables["staging.customers"] = con.sql("SELECT * FROM staging.customers").pl()
    return {table: frame.sort(frame.columns) for table, frame in tables.items()}


def _materializations(instance: dg.DagsterInstance, key: dg.AssetKey) -> int:
    return len(instance.fetch_materializations(key, limit=100).records)


def test_a_policy_change_rescores_the_stored_traits_without_recomputing_them(
    pipeline, s_landing, tmp_path, as_of
):
    policy = tmp_path / "policy.yaml"
    shutil.copy(DEFAULT_POLICY, policy)
    settings = replace(pipeline.settings(tmp_path, landing=s_landing), policy_path=policy)
    with dg.DagsterInstance.ephemeral() as instance:
        assert pipeline.run(settings, instance=instance).success
        before = _work_tables(settings)
        counts = {key: _materializations(instance, key) for key in (*UPSTREAM, SCORES)}
        assert set(counts.values()) == {1}

        # sales-ops lowers the Ideal cut-off and doubles the weight of revenue
        text = DEFAULT_POLICY.read_text()
        for old, new in (
            ('version: "2026.11-1"', 'version: "2026.11-rescored"'),
            ("  ideal: 70 ", "  ideal: 60 "),
            ("weight: 2\n    good: buys a lot", "weight: 4\n    good: buys a lot"),
        ):
            assert old in text, old
            text = text.replace(old, new)
        policy.write_text(text)
        job, config = nightly_tiers(), run_config(settings)
        result = job.execute_in_process(
            run_config=config, instance=instance, asset_selection=[SCORES], partition_key=as_of.isoformat()
        )

        assert result.success
        assert {e.asset_key for e in result.all_events if e.is_step_materialization} == {SCORES}
        assert {key: _materializations(instance, key) for key in counts} == counts | {SCORES: 2}
        latest = instance.get_latest_materialization_event(SCORES).asset_materialization
        assert latest.partition == as_of.isoformat()
        assert latest.metadata["policy_version"].value == "2026.11-rescored"
        after = _work_tables(settings)

        # a date whose traits are not stored has no scores, and the run says why
        day_before = (as_of - timedelta(days=1)).isoformat()
        instance.add_dynamic_partitions("as_of_dates", [day_before])  # as `tiers run` adds a date it runs
        result = job.execute_in_process(
            run_config=config, instance=instance, asset_selection=[SCORES], partition_key=day_before
        )
        assert result.success
        warnings = [e.message for e in instance.all_logs(result.run_id) if e.level == logging.WARNING]
        assert any(f"no traits for {day_before}" in message for message in warnings), warnings

    for table in ("forecast.customer_value", "traits.daily_traits"):
        assert after[table].equals(before[table]), f"{table} changed"

    # the new scores are the new policy's scores of the stored traits
    traits = after["traits.daily_traits"]
    expected = score_customers(
        traits.lazy(), after["staging.customers"].lazy(), load_policy(policy)
    ).collect()
    scores = after["scoring.customer_scores"]
    columns = ["customer_id", "score", "tier", "action", "reasons"]
    assert scores.select(columns).sort("customer_id").equals(expected.select(columns).sort("customer_id"))
    assert (scores["as_of_date"] == as_of).all() and scores.height == traits.height
    old = before["scoring.customer_scores"]
    assert scores.filter(pl.col("tier") == "Ideal").height > old.filter(pl.col("tier") == "Ideal").height
    assert not scores["score"].equals(old["score"])
