"""`tiers policy suggest`: a complete, commented policy for this company's data, with fixed numbers a person
reviews. Per trait, `poor` and `ideal` come from the trait's distribution among the customers of the as-of date;
the weights are fitted to rank what customers bought next on one period of the company's own history and checked
on a later one. Traits without data are left out, and so are those whose direction the data cannot tell."""

import json
import math
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from tiering.backtest.metrics import normalized_gini
from tiering.backtest.outcomes import UNSCORED
from tiering.backtest.replay import BacktestError, read_only_work, scratch, traits_as_of
from tiering.backtest.report import figure
from tiering.policy import SCORABLE_TRAITS, Direction, Policy, PolicyError, Profile, TraitRule, load_policy
from tiering.scoring import score_customers, trait_points
from tiering.settings import REPO_ROOT, Settings
from tiering.warehouse.dates import latest_as_of
from tiering.warehouse.sql import sql_text
from tiering.warehouse.tables import read_sql

HISTORY_PARTS = (
    3  # the history before the as-of date holds a fit period, a check period and the horizon of each
)
MAX_HORIZON_DAYS = 365
MIN_HORIZON_DAYS = 30
QUANTILES = ((0.10, 0.90), (0.05, 0.95), (0.01, 0.99))  # poor and ideal, widened until they differ
WEIGHTS = (0, 1, 2, 3, 4, 5)  # tried for each trait; 0 leaves it out
FIT_PASSES = 2
MIN_CORRELATION = 0.02  # below it (absolute), the data cannot tell whether more of a trait is better or worse
IDEAL_SHARE, ACCEPTABLE_SHARE = 0.15, 0.35  # of the customers on the as-of date, for the cut-offs


@dataclass(frozen=True)
class Periods:
    """Customers scored as of `fit_on` and `check_on`, each with what they bought in the `horizon_days` after."""

    fit_on: date
    check_on: date
    as_of: date
    horizon_days: int

    @staticmethod
    def before(as_of: date, first_order: date) -> "Periods":
        span = (as_of - first_order).days
        horizon = min(MAX_HORIZON_DAYS, span // HISTORY_PARTS)
        if horizon < MIN_HORIZON_DAYS:
            raise BacktestError(
                f"the orders begin on {first_order}, {span} days before {as_of}: a suggestion needs at least "
                f"{HISTORY_PARTS * MIN_HORIZON_DAYS} days of them (a period to fit on, one to check on, each "
                f"with {MIN_HORIZON_DAYS} days after it)"
            )
        return Periods(as_of - timedelta(days=2 * horizon), as_of - timedelta(days=horizon), as_of, horizon)


@dataclass(frozen=True)
class Suggestion:
    policy: Policy
    periods: Periods
    customers: int  # on the as-of date
    quantiles: dict[str, tuple[float, float]]  # per trait scored, the quantiles its poor and ideal are
    left_out: dict[str, str]  # per scorable trait left out, why
    gini: dict[str, float | None]  # "fit", "check", "in use", "revenue_12m", "forecast" (check period)


def suggest_command(as_of: date | None, out: Path, settings: Settings) -> int:
    """Write the suggestion to `out` (never the policy in use) and say what it is; exit code 2 with one line
    when it cannot be made."""
    try:
        if out.resolve() == settings.policy_path.resolve():
            raise BacktestError(f"{out} is the policy in use (TIERS_POLICY): write the suggestion elsewhere")
        in_use = load_policy(settings.policy_path)
        with read_only_work(settings.work_db, settings.duckdb_memory_limit) as con:
            suggestion = suggest_policy(con, as_of, in_use, settings.clv_sample, settings.chunk_orders)
        text = policy_text(suggestion, in_use, settings.work_db)
        _write_checked(text, out)
    except (BacktestError, PolicyError) as exc:
        print(f"tiers: {exc}", file=sys.stderr)
        return 2
    gini = suggestion.gini
    print(
        f"wrote {out}: {len(suggestion.policy.traits)} traits from the data as of {suggestion.periods.as_of}; "
        f"normalized Gini {figure(gini['check'])} on the check period, where the policy in use reaches "
        f"{figure(gini['in use'])}, revenue of the last 12 months {figure(gini['revenue_12m'])} and the forecast "
        f"{figure(gini['forecast'])}. Review it, then try it: tiers simulate --policy {out}"
    )
    return 0


def suggest_policy(
    con: duckdb.DuckDBPyConnection, as_of: date | None, in_use: Policy, sample_size: int, orders_per_part: int
) -> Suggestion:
    """The suggestion for the data as of `as_of` (default: the newest date run)."""
    as_of = as_of or latest_as_of(con)
    if as_of is None:
        raise BacktestError("no as-of date has run yet: run the nightly job (`tiers run`) first")
    first_order, _ = con.execute(sql_text("backtest:order_dates")).fetchone()
    if first_order is None or first_order > as_of:
        raise BacktestError(f"no order is dated on or before {as_of}: there is nothing to learn from")
    periods = Periods.before(as_of, first_order)
    frames = {
        day: _traits_and_outcomes(con, day, periods.horizon_days, in_use, sample_size, orders_per_part)
        for day in (periods.fit_on, periods.check_on, periods.as_of)
    }
    fit, check, now = frames[periods.fit_on], frames[periods.check_on], frames[periods.as_of]
    rules, quantiles, left_out = _trait_rules(now, fit, _known_rules(in_use))
    weights = _fitted_weights(fit, rules)
    rules = {t: r.model_copy(update={"weight": float(w)}) for t, r in rules.items() if (w := weights[t])}
    left_out |= {t: "adds nothing to the ranking of the fit period" for t, w in weights.items() if not w}
    if not rules:
        raise BacktestError("no trait ranks what customers bought next on this data: nothing to suggest")
    policy = _policy(as_of, in_use, rules, _scores(now, rules))
    profiles = read_sql(con, "backtest:profiles", {})
    gini = {
        "fit": _gini(fit, policy, profiles),
        "check": _gini(check, policy, profiles),
        "in use": _gini(check, in_use, profiles),
        "revenue_12m": normalized_gini(check["revenue_12m"].fill_null(0), check["outcome_revenue"]),
        "forecast": normalized_gini(check["expected_value_12m"].fill_null(0), check["outcome_revenue"]),
    }
    return Suggestion(policy, periods, now.height, {t: quantiles[t] for t in rules}, left_out, gini)


def _traits_and_outcomes(
    con: duckdb.DuckDBPyConnection,
    day: date,
    horizon_days: int,
    in_use: Policy,
    sample_size: int,
    orders: int,
) -> pl.DataFrame:
    """Every customer's traits as of `day`, as the nightly run computes them, and what it bought after."""
    with scratch(con) as work:
        traits_as_of(con, work, day, in_use, sample_size, orders)
        params = {"scored_on": day, "horizon_end": day + timedelta(days=horizon_days)}
        return read_sql(con, "backtest:traits_and_outcomes", params)


def _known_rules(in_use: Policy) -> dict[str, TraitRule]:
    """Per trait, the rule of the policy in use or else of a shipped policy: its direction and words are kept."""
    known: dict[str, TraitRule] = {}
    for policy in (in_use, *(load_policy(p) for p in sorted((REPO_ROOT / "policy").glob("*.yaml")))):
        for trait, rule in policy.traits.items():
            known.setdefault(trait, rule)
    return known


def _trait_rules(
    now: pl.DataFrame, fit: pl.DataFrame, known: dict[str, TraitRule]
) -> tuple[dict[str, TraitRule], dict[str, tuple[float, float]], dict[str, str]]:
    """Per scorable trait with data, a rule of weight 1 (its poor and ideal from the distribution on the as-of
    date) and the quantiles used; the traits left out, with why."""
    rules, quantiles, left_out = {}, {}, {}
    for trait in SCORABLE_TRAITS:
        values = (
            now[trait].cast(pl.Float64).drop_nulls()
            if trait in now.columns
            else pl.Series([], dtype=pl.Float64)
        )
        if values.len() == 0:
            left_out[trait] = "no value for any customer (its input is absent)"
            continue
        direction = known[trait].direction if trait in known else _direction(fit, trait)
        if direction is None:
            left_out[trait] = "the data cannot tell whether more of it is better or worse"
            continue
        bounds = _bounds(values)
        if bounds is None:
            left_out[trait] = "one value for nearly every customer"
            continue
        (low_q, low), (high_q, high) = bounds
        higher = direction is Direction.higher_is_better
        words = known.get(trait)
        rules[trait] = TraitRule(
            direction=direction,
            poor=low if higher else high,
            ideal=high if higher else low,
            weight=1,
            good=words.good if words else f"{'high' if higher else 'low'} {trait.replace('_', ' ')}",
            bad=words.bad if words else f"{'low' if higher else 'high'} {trait.replace('_', ' ')}",
        )
        quantiles[trait] = (low_q, high_q) if higher else (high_q, low_q)
    return rules, quantiles, left_out


def _direction(fit: pl.DataFrame, trait: str) -> Direction | None:
    """Whether customers with more of the trait bought more next (Spearman correlation), if the data tells."""
    pairs = fit.select(pl.col(trait).cast(pl.Float64), "outcome_revenue").drop_nulls()
    if pairs.height < 3 or pairs[trait].n_unique() < 2:
        return None
    correlation = pairs.select(pl.corr(trait, "outcome_revenue", method="spearman")).item()
    if correlation is None or math.isnan(correlation) or abs(correlation) < MIN_CORRELATION:
        return None
    return Direction.higher_is_better if correlation > 0 else Direction.lower_is_better


def _bounds(values: pl.Series) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The (quantile, value) pair of the low and high end, each rounded to two significant figures, widened
    until the two differ; None when they never do."""
    for low_q, high_q in QUANTILES:
        low, high = (_round(values.quantile(q, "linear")) for q in (low_q, high_q))
        if low != high:
            return (low_q, low), (high_q, high)
    return None


def _round(value: float) -> float:
    """Two significant figures: a number a person reads and adjusts."""
    if value == 0:
        return 0.0
    return round(value, 1 - math.floor(math.log10(abs(value))))


def _points(frame: pl.DataFrame, rules: dict[str, TraitRule]) -> np.ndarray:
    """Each customer's points per trait (columns in the order of `rules`), NaN where the trait has no value."""
    columns = [trait_points(pl.col(t).cast(pl.Float64), r).alias(t) for t, r in rules.items()]
    return frame.select(columns).to_numpy().astype(float)


def _scores(frame: pl.DataFrame, rules: dict[str, TraitRule]) -> np.ndarray:
    """The weighted mean of each customer's points, as the policy scores them (UNSCORED without any)."""
    return _weighted(_points(frame, rules), np.array([r.weight for r in rules.values()]))


def _weighted(points: np.ndarray, weights: np.ndarray) -> np.ndarray:
    present = ~np.isnan(points)
    total = (present * weights).sum(axis=1)
    weighted = np.nansum(points * weights, axis=1)
    return np.where(total > 0, weighted / np.where(total > 0, total, 1), UNSCORED)


def _fitted_weights(fit: pl.DataFrame, rules: dict[str, TraitRule]) -> dict[str, int]:
    """Per trait, the weight among WEIGHTS that ranks the fit period's revenue best, one trait at a time, in
    FIT_PASSES passes from all 1."""
    points, revenue = _points(fit, rules), fit["outcome_revenue"]
    weights = np.ones(len(rules))

    def gini(candidate: np.ndarray) -> float:
        if not candidate.any():
            return -math.inf
        return normalized_gini(pl.Series(_weighted(points, candidate)), revenue) or -math.inf

    best = gini(weights)
    for _ in range(FIT_PASSES):
        for column in range(len(rules)):
            for weight in WEIGHTS:
                candidate = weights.copy()
                candidate[column] = weight
                value = gini(candidate)
                if value > best + 1e-9:
                    best, weights = value, candidate
    return {trait: int(w) for trait, w in zip(rules, weights, strict=True)}


def _policy(as_of: date, in_use: Policy, rules: dict[str, TraitRule], scores: np.ndarray) -> Policy:
    """The suggested policy: its traits, cut-offs putting the best IDEAL_SHARE of the customers' scores on the
    as-of date in Ideal and the next ACCEPTABLE_SHARE in Acceptable; actions, hysteresis, rising rule and base
    currency as in the policy in use."""
    scored = scores[scores != UNSCORED]
    ideal = min(99.0, float(round(np.quantile(scored, 1 - IDEAL_SHARE)))) if scored.size else 70.0
    acceptable = (
        float(round(np.quantile(scored, 1 - IDEAL_SHARE - ACCEPTABLE_SHARE))) if scored.size else 40.0
    )
    acceptable = min(acceptable, ideal - 1)
    tiers = in_use.tiers.model_copy(update={"ideal": ideal, "acceptable": acceptable})
    return in_use.model_copy(
        update={
            "version": f"suggested-{as_of}",
            "traits": rules,
            "tiers": tiers,
            "profile": Profile(),
            "knockouts": [],
        }
    )


def _gini(frame: pl.DataFrame, policy: Policy, profiles: pl.DataFrame) -> float | None:
    """The normalized Gini of the policy's scores of the customers of `frame` against their outcome revenue."""
    scored = score_customers(frame.lazy(), profiles.lazy(), policy, words=False)
    scores = scored.select("customer_id", "score").collect()
    joined = frame.select("customer_id", "outcome_revenue").join(scores, on="customer_id")
    return normalized_gini(joined["score"].fill_null(UNSCORED), joined["outcome_revenue"])


def policy_text(suggestion: Suggestion, in_use: Policy, work_db: Path) -> str:
    """The suggestion as a commented policy file."""
    policy, periods, gini = suggestion.policy, suggestion.periods, suggestion.gini
    after = f"bought in the {periods.horizon_days} days after"
    lines = [
        f"# Suggested by `tiers policy suggest` from the data of {work_db} as of {periods.as_of}.",
        "# Every number is fixed: review each before you use this file (copy it, adjust, point TIERS_POLICY at it).",
        "#",
        f"# Thresholds: a trait's poor and ideal values are two quantiles of it among the {suggestion.customers:,}",
        f"# customers of {periods.as_of} (the 10th and 90th percentiles, wider where those are equal), rounded to",
        "# two significant figures. Directions are the shipped policies' where they score the trait, else the data's",
        "# (whether customers with more of it bought more next).",
        f"# Weights: fitted to rank what customers {after} {periods.fit_on} (normalized Gini {figure(gini['fit'])}),",
        f"# checked on what they {after} {periods.check_on}: Gini {figure(gini['check'])}, where the policy in use",
        f"# ({in_use.version}) reaches {figure(gini['in use'])}, revenue of the last 12 months alone "
        f"{figure(gini['revenue_12m'])} and the forecast's",
        f"# expected value {figure(gini['forecast'])} (1 ranks perfectly, 0 as chance).",
        f"# Cut-offs: the best {IDEAL_SHARE:.0%} of the scores of {periods.as_of} are Ideal, the next "
        f"{ACCEPTABLE_SHARE:.0%} Acceptable.",
        "# No firmographic profile and no knock-out rules: add those your business needs (policy/ideal_customer.yaml",
        "# shows both). Actions, hysteresis and the rising rule are the policy in use's.",
    ]
    if suggestion.left_out:
        lines += ["#", "# Left out:"] + [f"#   {t}: {why}" for t, why in suggestion.left_out.items()]
    lines += [
        "",
        f"version: {json.dumps(policy.version)}",
        f"base_currency: {policy.base_currency}",
        "",
        "tiers:",
        f"  ideal: {_number(policy.tiers.ideal)}",
        f"  acceptable: {_number(policy.tiers.acceptable)}",
        f"  hysteresis: {_number(policy.tiers.hysteresis)}",
        "",
        "actions:",
        *(f"  {tier}: {json.dumps(action)}" for tier, action in policy.actions.model_dump().items()),
        "",
        "traits:",
    ]
    for trait, rule in policy.traits.items():
        low, high = suggestion.quantiles[trait]
        lines += [
            f"  {trait}:  # poor: the {low:.0%} quantile, ideal: the {high:.0%} quantile",
            f"    direction: {rule.direction.value}",
            f"    poor: {_number(rule.poor)}",
            f"    ideal: {_number(rule.ideal)}",
            f"    weight: {_number(rule.weight)}",
            f"    good: {json.dumps(rule.good)}",
            f"    bad: {json.dumps(rule.bad)}",
        ]
    if policy.rising:
        lines += ["", "rising:"]
        lines += [f"  {key}: {json.dumps(value)}" for key, value in policy.rising.model_dump().items()]
    return "\n".join(lines) + "\n"


def _write_checked(text: str, out: Path) -> None:
    """Write the file, then read it back as the run reads a policy; a file that does not load is not left."""
    out.parent.mkdir(parents=True, exist_ok=True)
    draft = out.with_name(f".{out.name}.draft")
    draft.write_text(text)
    try:
        load_policy(draft)
    except PolicyError:
        draft.unlink()
        raise
    draft.replace(out)


def _number(value: float) -> str:
    """A number as YAML reads it back exactly, without an exponent."""
    return f"{value:.10f}".rstrip("0").rstrip(".") or "0"
