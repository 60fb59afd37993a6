"""On M demo data (100k customers, ~2M orders), the real pipeline recovers the planted archetypes, and its backtest
of the tiers of a year before shows their futures."""

import duckdb
import polars as pl

from tiering.demo_data import generate


def test_planted_archetypes_are_recovered_on_m(tmp_path, pipeline, as_of):
    settings = pipeline.settings(tmp_path)
    generate(settings.landing_dir, size="M", seed=11, end_date=as_of)
    assert pipeline.run(settings).success
    truth = pl.read_csv(settings.landing_dir / "ground_truth.csv")
    with duckdb.connect(str(settings.bi_db), read_only=True) as con:
        tiers = con.sql("SELECT customer_id, tier FROM marts.customer_tiers").pl()
        backtest = con.sql("SELECT * FROM marts.policy_backtest_customers").pl()
    joined = truth.join(tiers, on="customer_id", how="left")
    assert joined.height == 100_000 and joined["tier"].null_count() == 0
    per_archetype = joined.group_by("archetype").agg(
        (pl.col("tier") == pl.col("expected_tier")).mean().alias("hit")
    )
    assert (joined["tier"] == joined["expected_tier"]).mean() >= 0.90, per_archetype

    # the year after 2025-06-30: rising customers bring more than in the year before it, slipping ones less
    futures = (
        truth.join(backtest, on="customer_id")
        .group_by("archetype")
        .agg(
            growth=pl.col("outcome_revenue").sum() / pl.col("revenue_12m").sum(),
            grew=(pl.col("outcome_revenue") > pl.col("revenue_12m")).mean(),
        )
    )
    growth = dict(futures.select("archetype", "growth").iter_rows())
    grew = dict(futures.select("archetype", "grew").iter_rows())
    assert growth["rising"] > 2 and grew["rising"] > 0.9, futures
    assert growth["slipping"] < 0.7 and grew["slipping"] < 0.2, futures
