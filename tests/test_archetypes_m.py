"""On M demo data (100k customers, ~2M orders), the real pipeline recovers the planted archetypes."""

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
    joined = truth.join(tiers, on="customer_id", how="left")
    assert joined.height == 100_000 and joined["tier"].null_count() == 0
    per_archetype = joined.group_by("archetype").agg(
        (pl.col("tier") == pl.col("expected_tier")).mean().alias("hit")
    )
    assert (joined["tier"] == joined["expected_tier"]).mean() >= 0.90, per_archetype
