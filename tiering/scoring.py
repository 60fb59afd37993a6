"""Score customers against the policy, assign tier and action, and say why."""

from collections.abc import Callable
from typing import NamedTuple

import polars as pl

from tiering.policy import TIERS, CategoryCriterion, Knockout, Policy, RangeCriterion, TraitRule
from tiering.reasons import describe, number, thousands

TOP_REASONS = 3
TOP_CHANGES = 3
# segments: a prospect has no completed order up to the as-of date
CUSTOMER, PROSPECT = "customer", "prospect"
# the columns a scoring gives a customer (or an account) beside its id: marts.customer_tiers and account_tiers
SCORE_COLUMNS = ("segment", "score", "fit_score", "tier", "action", "reasons", "knockouts")
MIN_CHANGE = 0.5  # score points: an item whose contribution moved less is no change worth naming
# the columns of score_customers' result
_SCORED = ("customer_id", *SCORE_COLUMNS, "tier_held", "changes", "newly_rising")
_RANK = {tier: rank for rank, tier in enumerate(TIERS)}  # Ideal 0, Acceptable 1, Poor 2


class ScoredItem(NamedTuple):
    """A trait or profile criterion the policy scores, as expressions over a row of traits and profile."""

    name: str
    weight: float
    points: pl.Expr  # 0-100, null without a value
    good: str  # words for a customer it lifts, before `said`
    bad: str  # words for a customer it pulls down, before `said`
    said: pl.Expr  # the words after the good or bad ones: the value
    value: pl.Expr  # the value alone, in words


def trait_points(value: pl.Expr, rule: TraitRule) -> pl.Expr:
    """0 points at the poor value, 100 at the ideal value, linear between, clamped; null stays null."""
    return ((value - rule.poor) / (rule.ideal - rule.poor)).clip(0.0, 1.0) * 100.0


def _in_list(column: str, criterion: CategoryCriterion) -> pl.Expr:
    wanted = [v.strip().lower() for v in criterion.in_]
    value = pl.col(column).str.strip_chars().str.to_lowercase()
    return pl.when(value.is_null()).then(None).otherwise(value.is_in(wanted).cast(pl.Float64) * 100.0)


def _in_range(column: str, criterion: RangeCriterion) -> pl.Expr:
    value = pl.col(column)
    ok = pl.lit(True)
    if criterion.min is not None:
        ok = ok & (value >= criterion.min)
    if criterion.max is not None:
        ok = ok & (value <= criterion.max)
    return ok.cast(pl.Float64) * 100.0


def profile_items(policy: Policy) -> list[ScoredItem]:
    """Each profile criterion in the policy."""
    profile, items = policy.profile, []
    if profile.industry:
        industry = pl.col("industry").fill_null("unknown")
        points = _in_list("industry", profile.industry)
        items.append(
            _criterion("industry", profile.industry.weight, points, industry, "industry", "industries")
        )
    if profile.employees:
        size = thousands(pl.col("employees").cast(pl.String)) + " employees"
        points = _in_range("employees", profile.employees)
        items.append(
            _criterion("employees", profile.employees.weight, points, size, "company size", says_what=True)
        )
    if profile.region:
        region = pl.col("region").fill_null("unknown")
        points = _in_list("region", profile.region)
        items.append(_criterion("region", profile.region.weight, points, region, "region", "regions"))
    return items


def _criterion(
    name: str,
    weight: float,
    points: pl.Expr,
    value: pl.Expr,
    target: str,
    targets: str | None = None,
    says_what: bool = False,
) -> ScoredItem:
    """A profile criterion: '+ target industry (software)', '- outside the target industries (retail)'; its
    value alone named as 'industry retail', unless it says what it is ('120 employees')."""
    good, bad = f"target {target} (", f"outside the target {targets or target} ("
    alone = value if says_what else pl.lit(f"{name} ") + value
    return ScoredItem(name, weight, points, good, bad, value + ")", alone)


def scored_items(policy: Policy) -> list[ScoredItem]:
    """Every trait and profile criterion the policy scores, in the policy's order."""
    items = []
    for trait, rule in policy.traits.items():
        words = describe(trait, pl.col(trait), policy)
        points = trait_points(pl.col(trait), rule)
        items.append(ScoredItem(trait, rule.weight, points, f"{rule.good}: ", f"{rule.bad}: ", words, words))
    return items + profile_items(policy)


def _weight_present(items: list[ScoredItem]) -> pl.Expr:
    return pl.sum_horizontal([pl.when(i.points.is_not_null()).then(i.weight).otherwise(0.0) for i in items])


def weighted_score(items: list[ScoredItem]) -> pl.Expr:
    """The score: the weighted mean of the items' points that have a value, one decimal; null when none has."""
    weighted = pl.sum_horizontal([(i.points * i.weight).fill_null(0.0) for i in items])
    return (weighted / _weight_present(items)).fill_nan(None).round(1)


def reason(item: ScoredItem) -> pl.Expr:
    """'+ ' and the good words when the item lifts the score (50 points or more), else '- ' and the bad words;
    then what it says of the value (made once)."""
    sign = pl.when(item.points >= 50.0).then(pl.lit(f"+ {item.good}")).otherwise(pl.lit(f"- {item.bad}"))
    return sign + item.said


def knockout_hit(rule: Knockout) -> pl.Expr:
    """Whether the knock-out rule applies: the trait beyond its limit (false without a value)."""
    value = pl.col(rule.trait)
    hit = value > rule.above if rule.above is not None else value < rule.below
    return hit.fill_null(False)


def _knockout_text(rule: Knockout, policy: Policy) -> pl.Expr:
    limit = (
        f"above the limit of {number(rule.above)}"
        if rule.above is not None
        else f"below the limit of {number(rule.below)}"
    )
    words = describe(rule.trait, pl.col(rule.trait), policy)
    return pl.lit(f"knock-out ({rule.name}): ") + words + pl.lit(f", {limit}")


def score_rank(score: pl.Expr, previous_tier: pl.Expr, policy: Policy) -> pl.Expr:
    """Tier rank (0 Ideal, 1 Acceptable, 2 Poor) from the score, with hysteresis around each cut-off.

    A customer above a cut-off last time stays above until the score falls below cut-off - margin; one below
    it moves up only at cut-off + margin. Without a previous tier the plain cut-offs apply.
    """
    cut, margin = policy.tiers, policy.tiers.hysteresis
    previous = previous_tier.replace_strict(_RANK, default=None, return_dtype=pl.Int32)

    def effective(cutoff: float, tier_above: str) -> pl.Expr:
        was_above = previous <= _RANK[tier_above]
        return (
            pl.when(previous.is_null())
            .then(pl.lit(cutoff))
            .when(was_above)
            .then(pl.lit(cutoff - margin))
            .otherwise(pl.lit(cutoff + margin))
        )

    return (
        pl.when(score >= effective(cut.ideal, "Ideal"))
        .then(_RANK["Ideal"])
        .when(score >= effective(cut.acceptable, "Acceptable"))
        .then(_RANK["Acceptable"])
        .otherwise(_RANK["Poor"])
    )


def score_customers(
    traits: pl.LazyFrame,
    customers: pl.LazyFrame,
    policy: Policy,
    previous: pl.LazyFrame | None = None,
    before: pl.LazyFrame | None = None,
    words: bool = True,
) -> pl.LazyFrame:
    """One row per customer in traits: score (0-100), tier, action, knockouts, reasons, whether the hysteresis
    margin held the tier, and what changed since the previous as-of date.

    traits: customer_id and the trait columns; customers: customer_id, industry, employees, region;
    previous: customer_id, previous_tier (last published tier, for hysteresis), or None; before: the traits on
    the previous as-of date (with `rising`, as traits has it), or None when they are not known: then `changes`
    and `newly_rising` are null. Computed here (the frame of the result is collected): the words of the reasons
    and changes are made only for the items they name. Without `words` (the scores and tiers alone: a backtest),
    reasons, knockouts, changes and newly_rising are null.
    """
    items = scored_items(policy)
    profile_columns = [item.name for item in profile_items(policy)]
    profiles = customers.select("customer_id", *profile_columns)
    frame = traits.join(profiles, on="customer_id", how="left")
    if previous is None:
        frame = frame.with_columns(previous_tier=pl.lit(None, pl.String))
    else:
        frame = frame.join(previous.select("customer_id", "previous_tier"), on="customer_id", how="left")

    frame = frame.with_columns(item.points.alias(f"_pts_{item.name}") for item in items)
    computed = [item._replace(points=pl.col(f"_pts_{item.name}")) for item in items]  # computed once, above
    frame = frame.with_columns(_weight=_weight_present(computed), score=weighted_score(computed))

    prospect = pl.col("recency_days").is_null()  # no completed order up to the as-of date
    profile = [item for item in computed if item.name in profile_columns]
    caps = [pl.when(knockout_hit(k)).then(_RANK[k.max_tier]).otherwise(0) for k in policy.knockouts]
    rank = pl.max_horizontal(score_rank(pl.col("score"), pl.col("previous_tier"), policy), *caps)
    plain_rank = pl.max_horizontal(score_rank(pl.col("score"), pl.lit(None, pl.String), policy), *caps)
    frame = frame.with_columns(
        segment=pl.when(prospect).then(pl.lit(PROSPECT)).otherwise(pl.lit(CUSTOMER)),
        fit_score=fit_score(profile),
    ).with_columns(
        _rank=pl.when(prospect).then(fit_rank(pl.col("fit_score"))).otherwise(rank),
        tier_held=(rank != plain_rank) & ~prospect,
    )
    tier = pl.lit(None, pl.String)
    action = pl.lit(None, pl.String)
    for name in TIERS:
        tier = pl.when(pl.col("_rank") == _RANK[name]).then(pl.lit(name)).otherwise(tier)
        action = pl.when(pl.col("_rank") == _RANK[name]).then(pl.lit(policy.action(name))).otherwise(action)
    # collected once: the words below are made only on the rows that name them (costly string operations)
    frame = frame.with_columns(
        tier=tier,
        action=action,
        score=pl.when(~prospect).then(pl.col("score")),  # a prospect has no traits to score: its fit_score
    ).collect()
    if not words:
        text = pl.lit(None, pl.String)
        unsaid = frame.with_columns(
            reasons=text, knockouts=text, changes=text, newly_rising=pl.lit(None, pl.Boolean)
        )
        return unsaid.select(_SCORED).lazy()

    knockouts = [_where(frame, knockout_hit(k), _knockout_text(k, policy)) for k in policy.knockouts]
    rising = [] if policy.rising is None else [_where(frame, pl.col("rising"), _rising_reason(policy))]
    strengths = [  # how far each item moved a customer's score from the neutral 50 (a prospect's: its fit's)
        pl.when(~prospect).then(((item.points - 50.0).abs() * item.weight / pl.col("_weight")).round(6))
        for item in computed
    ]
    reasons = _top_words(
        frame, strengths, TOP_REASONS, lambda n, rows: _words(frame, rows, reason(computed[n]))
    )
    customer_reasons = pl.concat_str(*knockouts, *rising, *reasons, separator="; ", ignore_nulls=True)
    prospect_reasons = _where(frame, prospect, fit_reasons(profile).list.join("; "))
    scored = frame.with_columns(
        reasons=pl.when(prospect).then(prospect_reasons).otherwise(customer_reasons),
        knockouts=pl.concat_str(*knockouts, separator="; ", ignore_nulls=True) if knockouts else pl.lit(""),
    )
    return _with_changes(scored, before, profiles, items).select(_SCORED).lazy()


def fit_score(profile: list[ScoredItem]) -> pl.Expr:
    """0-100: the weighted share of the profile criteria met, an unknown value not met; one decimal. Null when
    the policy has no profile criteria."""
    if not profile:
        return pl.lit(None, pl.Float64)
    met = pl.sum_horizontal([item.points.fill_null(0.0) * item.weight for item in profile])
    return (met / sum(item.weight for item in profile)).round(1)


def fit_rank(fit: pl.Expr) -> pl.Expr:
    """A prospect's tier rank from its fit alone: every profile criterion met Ideal, some Acceptable, none (or
    no criteria to meet) Poor."""
    return (
        pl.when(fit >= 100.0)
        .then(_RANK["Ideal"])
        .when(fit > 0.0)
        .then(_RANK["Acceptable"])
        .otherwise(_RANK["Poor"])
    )


def fit_reasons(profile: list[ScoredItem]) -> pl.Expr:
    """A prospect's reasons: each profile criterion in the policy's order, '+' met, '-' not met or unknown."""
    if not profile:
        return pl.lit(["- no profile criteria in the policy to judge a prospect by"], pl.List(pl.String))
    return pl.concat_list(
        pl.when(item.points.is_null()).then(pl.lit(f"- {item.name} unknown")).otherwise(reason(item))
        for item in profile
    )


def _with_changes(
    frame: pl.DataFrame, before: pl.LazyFrame | None, profiles: pl.LazyFrame, items: list[ScoredItem]
) -> pl.DataFrame:
    """`changes`: the items whose contribution to the score moved most since `before` (at least MIN_CHANGE
    points), strongest first, '+' (lifted) or '-' with the value now and then ('' when none moved; null for a
    customer not in `before`); `newly_rising`: rising now and not then (a customer new since then: rising)."""
    if before is None:
        return frame.with_columns(changes=pl.lit(None, pl.String), newly_rising=pl.lit(None, pl.Boolean))
    then = before.join(profiles, on="customer_id", how="left").collect()
    was = then.select(
        "customer_id",
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_was_row"),
        pl.col("rising").alias("_was_rising"),
        *(item.points.alias(f"_was_pts_{item.name}") for item in items),
    )
    frame = frame.join(was, on="customer_id", how="left")
    moved = [
        (pl.col(f"_pts_{item.name}") - pl.col(f"_was_pts_{item.name}")) * item.weight / pl.col("_weight")
        for item in items
    ]
    strengths = [pl.when(m.abs().round(6) >= MIN_CHANGE).then(m.abs().round(6)) for m in moved]

    def words(n: int, rows: pl.Series) -> pl.Series:
        sign = pl.when(moved[n] > 0).then(pl.lit("+ ")).otherwise(pl.lit("- "))
        was_rows = frame.select(pl.col("_was_row").filter(rows)).to_series()
        was = then[was_rows].select(items[n].value).to_series()
        return _words(frame, rows, sign + items[n].value) + " (was " + was + ")"

    changes = _top_words(frame, strengths, TOP_CHANGES, words)
    known = pl.col("_was_rising").is_not_null()  # in `before`: `rising` is never null there
    return frame.with_columns(
        changes=pl.when(known).then(pl.concat_str(*changes, separator="; ", ignore_nulls=True)),
        newly_rising=pl.col("rising") & ~pl.col("_was_rising").fill_null(False),
    )


def _rising_reason(policy: Policy) -> pl.Expr:
    """'+ rising: 52,000 USD expected in the next 12 months vs 9,000 USD in the last 12 months' (the policy has
    a rising rule)."""

    def money(column: str) -> pl.Expr:
        return describe(column, pl.col(column), policy)

    return pl.lit(f"+ {policy.rising.reason}: ") + money("expected_value_12m") + " vs " + money("revenue_12m")


def _where(frame: pl.DataFrame, rows: pl.Expr, words: pl.Expr) -> pl.Series:
    """`pl.when(rows).then(words)` over frame, with the words made on those rows only."""
    index = frame.select(rows.fill_null(False).arg_true()).to_series()
    return _spread(frame.height, index, _words(frame, rows, words))


def _words(frame: pl.DataFrame, rows: pl.Expr | pl.Series, words: pl.Expr) -> pl.Series:
    """The words on the rows of frame where `rows` holds, in order: made there only (costly string operations,
    which a `pl.when(rows).then(words)` would make on every row)."""
    return frame.lazy().filter(rows).select(words).collect().to_series()


def _spread(height: int, index: pl.Series, values: pl.Series) -> pl.Series:
    """A column of `height` rows holding values at the rows of index, null elsewhere."""
    return pl.repeat(None, height, dtype=pl.String, eager=True).scatter(index, values)


def _top_words(
    frame: pl.DataFrame, strengths: list[pl.Expr], top: int, words: Callable[[int, pl.Series], pl.Series]
) -> list[pl.Series]:
    """The words of the `top` items of greatest strength on each row of frame, one column per place (see
    _ranked), null past the row's items with a strength. words(n, rows): item n's words on the rows of frame
    where the boolean `rows` holds, made there only."""
    places = _ranked(frame, strengths, top)
    named = []  # each named item's row, place and words
    for n in range(len(strengths)):
        at = (pl.when(pl.col(column) == n).then(p) for p, column in enumerate(places.columns))
        place = places.select(pl.coalesce(at)).to_series()
        rows = place.is_not_null()
        named.append(
            pl.DataFrame({"row": rows.arg_true(), "place": place.filter(rows), "words": words(n, rows)})
        )
    named = pl.concat(named)
    return [
        _spread(frame.height, at["row"], at["words"]) for at in (named.filter(place=p) for p in range(top))
    ]


def _ranked(frame: pl.DataFrame, strengths: list[pl.Expr], top: int) -> pl.DataFrame:
    """Per row of frame, the item (index into strengths) of each of the `top` places by strength: greatest
    first, ties in the items' order, NaN first as in a sort; null past the items with a strength."""
    values = frame.select(s.alias(str(n)) for n, s in enumerate(strengths))
    places = []
    for p in range(top):
        values = values.with_columns(_best=pl.lit(None, pl.Float64), _item=pl.lit(None, pl.UInt32))
        for n in range(len(strengths)):
            value = pl.col(str(n))
            wins = value.is_not_null() & (pl.col("_best").is_null() | (value > pl.col("_best")))
            values = values.with_columns(
                _best=pl.when(wins).then(value).otherwise("_best"),
                _item=pl.when(wins).then(pl.lit(n, pl.UInt32)).otherwise("_item"),
            )
        places.append(values["_item"].alias(f"place{p}"))
        values = values.with_columns(  # placed: out of the next places
            pl.when(pl.col("_item") == n).then(None).otherwise(pl.col(str(n))).alias(str(n))
            for n in range(len(strengths))
        )
    return pl.DataFrame(places)
