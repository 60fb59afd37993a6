"""The ranking figures of a backtest on hand-computed cases, ties included."""

import polars as pl
import pytest

from tiering.backtest.metrics import auc, normalized_gini, ranking_quality, top_decile_lift

REVENUE = pl.Series([10.0, 0.0, 5.0, 5.0])


def test_the_gini_of_a_ranking_against_the_perfect_one():
    # by score: 10, 0, 5, 5 -> curve 0.5, 0.5, 0.75, 1 -> area 0.5625; perfect: 10, 5, 5, 0 -> 0.6875
    assert normalized_gini(pl.Series([4, 3, 2, 1]), REVENUE) == pytest.approx(0.0625 / 0.1875)
    assert normalized_gini(pl.Series([4, 1, 3, 2]), REVENUE) == pytest.approx(1.0)  # 10 first, 0 last
    assert normalized_gini(pl.Series([1, 2, 3, 4]), pl.Series([0.0, 0.0, 0.0, 20.0])) == pytest.approx(1.0)
    assert normalized_gini(pl.Series([4, 3, 2, 1]), pl.Series([0.0, 0.0, 0.0, 20.0])) == pytest.approx(-1.0)


def test_tied_scores_share_their_revenue_so_row_order_does_not_matter():
    # two groups of two, each with 10 of the 20: the curve is the diagonal
    assert normalized_gini(pl.Series([2, 2, 1, 1]), REVENUE) == pytest.approx(0.0)
    assert normalized_gini(pl.Series([2, 2, 1, 1]), REVENUE.reverse()) == pytest.approx(0.0)
    # one score for all is chance
    assert normalized_gini(pl.Series([7, 7, 7, 7]), REVENUE) == pytest.approx(0.0)


def test_the_top_decile_lift_reads_the_curve_at_a_tenth_of_the_customers():
    # the first customer (a quarter) brings half the revenue: at a tenth, 0.2 of it
    assert top_decile_lift(pl.Series([4, 3, 2, 1]), REVENUE) == pytest.approx(2.0)
    # a tie of two (half the customers, half the revenue) takes its share: 0.1 at a tenth
    assert top_decile_lift(pl.Series([2, 2, 1, 1]), REVENUE) == pytest.approx(1.0)
    # twenty customers, the two best (a tenth) bring 30 of 40
    scores = pl.Series(range(20, 0, -1))
    revenue = pl.Series([20.0, 10.0] + [10.0 / 18] * 18)
    assert top_decile_lift(scores, revenue) == pytest.approx(0.75 / 0.1)


def test_the_retention_auc_counts_ties_as_half():
    retained = pl.Series([True, False, True, False])
    # retained 4 and 2 against 3 and 1: 4>3, 4>1, 2<3, 2>1
    assert auc(pl.Series([4, 3, 2, 1]), retained) == pytest.approx(0.75)
    # 2=2 (half), 2>1, 1<2, 1=1 (half)
    assert auc(pl.Series([2, 2, 1, 1]), retained) == pytest.approx(0.5)
    assert auc(pl.Series([1, 2, 3, 4]), pl.Series([False, False, True, True])) == pytest.approx(1.0)


def test_a_figure_without_meaning_is_none_not_a_number():
    nobody = pl.Series([0.0, 0.0])
    assert normalized_gini(pl.Series([1, 2]), nobody) is None
    assert top_decile_lift(pl.Series([1, 2]), nobody) is None
    assert normalized_gini(pl.Series([1, 2]), pl.Series([5.0, 5.0])) is None  # nothing to rank: all equal
    assert auc(pl.Series([1, 2]), pl.Series([True, True])) is None
    assert normalized_gini(pl.Series([], dtype=pl.Float64), pl.Series([], dtype=pl.Float64)) is None


def test_ranking_quality_gives_the_three_figures_of_a_frame():
    frame = pl.DataFrame(
        {"score": [4, 3, 2, 1], "outcome_revenue": REVENUE, "retained": [True, False, True, True]}
    )
    figures = ranking_quality(frame, "score")  # retained 4, 2 and 1 against 3: only 4 above it
    assert figures == pytest.approx({"gini": 1 / 3, "top_decile_lift": 2.0, "retention_auc": 1 / 3})


def test_a_customer_without_a_score_ranks_below_every_scored_one():
    frame = pl.DataFrame(
        {
            "score": [None, 10.0, 90.0],
            "outcome_revenue": [0.0, 10.0, 90.0],
            "retained": [False, True, True],
        },
        schema_overrides={"score": pl.Float64},
    )
    assert ranking_quality(frame, "score") == ranking_quality(
        frame.with_columns(score=pl.Series([0.0, 10.0, 90.0])), "score"
    )
