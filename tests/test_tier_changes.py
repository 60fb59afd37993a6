"""What changed since the previous as-of date (`changes`, `newly_rising`) and whether the hysteresis margin held
a tier (`tier_held`), on the S demo: the same from two nightly runs as from one run of both dates."""

from datetime import timedelta

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

COLUMNS = (
    "customer_id, segment, tier, previous_tier, tier_changed, score_change, changes, tier_held, newly_rising"
)


def _tiers(settings) -> pl.DataFrame:
    with duckdb.connect(str(settings.bi_db), read_only=True) as con:
        return con.sql(f"SELECT {COLUMNS} FROM marts.customer_tiers ORDER BY customer_id").pl()


@pytest.fixture(scope="module")
def nightly(tmp_path_factory, s_landing, pipeline, as_of) -> pl.DataFrame:
    """Two nightly runs, the day before and as_of."""
    settings = pipeline.settings(tmp_path_factory.mktemp("nightly"), landing=s_landing)
    assert pipeline.run(settings, as_of - timedelta(days=1)).success
    assert pipeline.run(settings, as_of).success
    return _tiers(settings)


def test_two_nights_say_the_same_as_one_run_of_both_dates(nightly, tmp_path, s_landing, pipeline, as_of):
    settings = pipeline.settings(tmp_path, landing=s_landing)
    assert pipeline.run(settings, as_of, first=as_of - timedelta(days=1)).success
    assert_frame_equal(nightly, _tiers(settings))


@pytest.fixture(scope="module")
def fortnight(tmp_path_factory, s_landing, pipeline, as_of) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A first run two weeks before as_of, then the run as of as_of: the tiers after each."""
    settings = pipeline.settings(tmp_path_factory.mktemp("fortnight"), landing=s_landing)
    assert pipeline.run(settings, as_of - timedelta(days=14)).success
    first = _tiers(settings)
    assert pipeline.run(settings, as_of).success
    return first, _tiers(settings)


def test_every_customer_who_moved_tier_has_what_changed(fortnight):
    moved = fortnight[1].filter(pl.col("tier_changed"))
    assert moved.height > 0
    assert moved["changes"].str.len_chars().min() > 0
    # a move down names what pulled the score down first, a move up what lifted it
    down = moved.filter(pl.col("score_change") < 0)["changes"]
    assert down.str.starts_with("- ").all()


def test_changes_are_unknown_only_for_customers_new_since_the_previous_date(fortnight):
    then, now = fortnight
    new = now.filter(~pl.col("customer_id").is_in(then["customer_id"].implode()))["customer_id"]
    assert now.filter(pl.col("changes").is_null())["customer_id"].to_list() == new.to_list()
    # no previous tier: new, a prospect (tiered by its fit), or a prospect then who has ordered since
    prospects_then = then.filter(pl.col("segment") == "prospect")["customer_id"].implode()
    unknown = pl.col("customer_id").is_in(new.implode()) | pl.col("customer_id").is_in(prospects_then)
    fresh = now.filter(unknown | (pl.col("segment") == "prospect"))
    assert (
        now.filter(pl.col("previous_tier").is_null())["customer_id"].to_list()
        == fresh["customer_id"].to_list()
    )
    assert now["newly_rising"].null_count() == 0


def test_a_held_tier_is_one_the_plain_cut_offs_would_change(fortnight):
    held = fortnight[1].filter(pl.col("tier_held"))
    assert held.height > 0
    assert (held["tier"] == held["previous_tier"]).all()


def test_a_first_run_knows_no_change(fortnight):
    first = fortnight[0]
    assert first["changes"].null_count() == first.height
    assert not first["tier_held"].any()
