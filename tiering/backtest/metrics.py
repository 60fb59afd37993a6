"""How well a ranking of customers (by score) foretold what they did next: the normalized Gini of revenue, the
lift of the top decile and the AUC of retention. Customers with the same score are one group: ranked together,
they share their group's revenue evenly (no tie is broken by chance or by row order)."""

import polars as pl

TOP_DECILE = 0.1
# the figures of a ranking, as a column heading and in words (ranking_quality gives them under these names)
LABELS = {"gini": "Gini", "top_decile_lift": "top-decile lift", "retention_auc": "retention AUC"}
FIGURES = {
    "gini": "Normalized Gini of outcome revenue (1 a perfect ranking, 0 chance; tied scores share their group's "
    "revenue)",
    "top_decile_lift": "Share of outcome revenue brought by the tenth of customers ranked first, divided by a "
    "tenth",
    "retention_auc": "Chance that a retained customer ranks above one not retained (ties count half)",
}


def ranking_quality(frame: pl.DataFrame, score: str) -> dict[str, float | None]:
    """The three figures of the ranking by `score` (higher first) of the customers of `frame`, which has their
    `outcome_revenue` and `retained`; a figure is None where it is undefined (no revenue, or nobody, or everybody,
    retained). A customer without a score (a prospect) ranks below every one with a score."""
    ranks = frame[score].fill_null(float("-inf"))
    return {
        "gini": normalized_gini(ranks, frame["outcome_revenue"]),
        "top_decile_lift": top_decile_lift(ranks, frame["outcome_revenue"]),
        "retention_auc": auc(ranks, frame["retained"]),
    }


def normalized_gini(score: pl.Series, revenue: pl.Series) -> float | None:
    """The area between the cumulative-revenue curve of customers sorted by score and the diagonal, divided by
    the same for customers sorted by revenue (a perfect ranking): 1 ranks perfectly, 0 as chance, below 0 worse."""
    perfect = _area(revenue, revenue) - 0.5
    if revenue.len() == 0 or perfect <= 0 or revenue.sum() <= 0:
        return None
    return (_area(score, revenue) - 0.5) / perfect


def top_decile_lift(score: pl.Series, revenue: pl.Series) -> float | None:
    """The share of revenue brought by the tenth of customers with the highest scores, divided by a tenth: how
    many times the revenue of a tenth taken at random (a tenth that splits a group of equal scores takes its
    share of the group)."""
    if revenue.len() == 0 or revenue.sum() <= 0:
        return None
    curve = _curve(score, revenue)
    within = curve.filter(pl.col("x_before") < TOP_DECILE).tail(1)
    x0, x1, y0, y1 = (within[c].item() for c in ("x_before", "x", "y_before", "y"))
    return (y0 + (y1 - y0) * (TOP_DECILE - x0) / (x1 - x0)) / TOP_DECILE


def auc(score: pl.Series, retained: pl.Series) -> float | None:
    """The chance that a retained customer has a higher score than one not retained, a tie counting half (the
    area under the ROC curve, by the ranks of the scores)."""
    frame = pl.DataFrame({"rank": score.rank("average"), "positive": retained.cast(pl.Boolean)})
    positives = frame["positive"].sum()
    negatives = frame.height - positives
    if positives == 0 or negatives == 0:
        return None
    rank_sum = frame.filter("positive")["rank"].sum()
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def _curve(score: pl.Series, revenue: pl.Series) -> pl.DataFrame:
    """The cumulative-revenue curve: one segment per group of equal scores, highest first, from (x_before,
    y_before) to (x, y), x the share of customers and y the share of revenue."""
    groups = (
        pl.DataFrame({"score": score, "revenue": revenue})
        .group_by("score")
        .agg(customers=pl.len(), revenue=pl.col("revenue").sum())
        .sort("score", descending=True)
    )
    return groups.select(
        x=pl.col("customers").cum_sum() / score.len(),
        y=pl.col("revenue").cum_sum() / revenue.sum(),
    ).with_columns(
        x_before=pl.col("x").shift(1, fill_value=0.0), y_before=pl.col("y").shift(1, fill_value=0.0)
    )


def _area(score: pl.Series, revenue: pl.Series) -> float:
    """The area under the cumulative-revenue curve of the ranking by score (0.5 for a ranking as good as chance)."""
    curve = _curve(score, revenue)
    return curve.select(
        ((pl.col("x") - pl.col("x_before")) * (pl.col("y") + pl.col("y_before")) / 2).sum()
    ).item()
