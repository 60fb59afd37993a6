"""`tiers explain CUSTOMER_ID`: why one customer has its tier, item by item, in words a salesperson reads.

Reads the customer's row from the published BI file (read-only) and recomputes each item's points with the
scoring's own expressions, so the words match the reasons on the dashboard and in marts.customer_tiers.
"""

import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from tiering.outputs import TIER_FIT, TIER_TODO, bi_label
from tiering.policy import TIERS, Knockout, Policy, PolicyError, load_policy
from tiering.reasons import describe, number
from tiering.scoring import (
    PROSPECT,
    fit_reasons,
    knockout_hit,
    profile_items,
    reason,
    score_rank,
    scored_items,
    weighted_score,
)
from tiering.settings import Settings
from tiering.warehouse.sql import sql_text


class ExplainError(Exception):
    """The customer cannot be explained; the message says why and what to do."""


@dataclass(frozen=True)
class Item:
    name: str
    weight: float
    points: float | None  # None: no value, so not scored
    words: str  # '+ pays on time: 0.0 days late on average'


def explain_command(customer_id: str, settings: Settings) -> int:
    """Print the explanation, or why there is none with exit code 1."""
    try:
        policy = load_policy(settings.policy_path)
        print(explain_customer(settings.bi_db, customer_id.strip(), policy))
    except (ExplainError, PolicyError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def explain_customer(bi_db: Path, customer_id: str, policy: Policy) -> str:
    """The explanation of one customer's tier as printable text."""
    frame = _read_customer(bi_db, customer_id)
    row = frame.row(0, named=True)
    if row["segment"] == PROSPECT:
        return _explain_prospect(frame, policy)
    items = _items(frame, policy)
    path = _tier_path(frame, policy)
    return "\n".join(
        [
            f"{row['customer_name'] or '(no name)'} ({row['customer_id']}), as of {row['as_of_date']:%d %B %Y}",
            "",
            f"Tier {row['tier']} ({TIER_FIT[row['tier']]}), so action {row['action']}: {TIER_TODO[row['tier']]}.",
            *textwrap.wrap(
                f"Score {_score(row['score'])} of 100 under policy {policy.version}: each item earns 0 points at "
                "the policy's poor value and 100 at its ideal value; the score is the weighted mean of the points "
                "of the items that have a value.",
                width=100,
            ),
            "",
            "  points  weight  what we see, strongest first ('+' lifts the score, '-' pulls it down)",
            *(_item_line(item) for item in items),
            "",
            "Knock-out rules (each caps the tier, whatever the score):",
            *(_knockout_line(rule, frame, policy) for rule in policy.knockouts),
            "",
            "How the tier follows:",
            *_tier_steps(row, path, policy),
            *_disagreement(frame, path, policy),
        ]
    )


def _explain_prospect(frame: pl.DataFrame, policy: Policy) -> str:
    """A prospect's tier: its fit to the profile, criterion by criterion."""
    row = frame.row(0, named=True)
    [reasons] = frame.select(fit_reasons(profile_items(policy))).row(0)
    return "\n".join(
        [
            f"{row['customer_name'] or '(no name)'} ({row['customer_id']}), as of {row['as_of_date']:%d %B %Y}",
            "",
            f"Tier {row['tier']} ({TIER_FIT[row['tier']]}), so action {row['action']}: {TIER_TODO[row['tier']]}.",
            *textwrap.wrap(
                "A prospect: no completed order up to the as-of date, so no trait to score yet. Its tier comes "
                "from the policy's profile alone: every criterion met is Ideal, some Acceptable, none Poor; an "
                f"unknown value is not met. Fit {_score(row['fit_score'])} of 100, the weighted share of the "
                "criteria met:",
                width=100,
            ),
            "",
            *(f"  {reason}" for reason in reasons),
        ]
    )


def _read_customer(bi_db: Path, customer_id: str) -> pl.DataFrame:
    """The customer's row of marts.customer_tiers, as a one-row frame with the table's types."""
    if not bi_db.is_file():
        raise ExplainError(
            f"No BI file at {bi_db}: run `tiers run` first, or point TIERS_WAREHOUSE_DIR at it."
        )
    with duckdb.connect(str(bi_db), read_only=True) as con:
        found = con.sql(sql_text("explain:customer"), params={"customer_id": customer_id}).pl()
        if found.height:
            return found
        similar = con.execute(sql_text("explain:similar_customers"), {"text": customer_id}).fetchall()
    hint = "; did you mean " + ", ".join(f"{i} ({n})" for i, n in similar) + "?" if similar else "."
    raise ExplainError(f"No customer '{customer_id}' in marts.customer_tiers of {bi_db}{hint}")


def _items(frame: pl.DataFrame, policy: Policy) -> list[Item]:
    """Every scored trait and profile criterion with its weight, points and words; strongest pull first."""
    specs = scored_items(policy)
    columns = {}
    for i, spec in enumerate(specs):
        columns |= {f"points{i}": spec.points, f"words{i}": reason(spec)}
    values = frame.select(**columns).row(0, named=True)
    items = []
    for i, spec in enumerate(specs):
        points = values[f"points{i}"]
        items.append(Item(spec.name, spec.weight, points, None if points is None else values[f"words{i}"]))
    return sorted(items, key=lambda item: 1 if item.points is None else -abs(item.points - 50) * item.weight)


def _item_line(item: Item) -> str:
    if item.points is None:
        return f"  {'-':>6}  {item.weight:>6g}  {bi_label(item.name).lower()}: no value, so not scored"
    return f"  {item.points + 0.0:>6.0f}  {item.weight:>6g}  {item.words}"  # + 0.0: no "-0"


def _knockout_line(rule: Knockout, frame: pl.DataFrame, policy: Policy) -> str:
    limit = f"above {number(rule.above)}" if rule.above is not None else f"below {number(rule.below)}"
    words = frame.select(describe(rule.trait, pl.col(rule.trait), policy)).item()
    applied = frame.select(knockout_hit(rule)).item()
    verdict = f"APPLIED, at most {rule.max_tier}" if applied else "did not apply"
    return f"  - {rule.name} ({bi_label(rule.trait).lower()} {limit}): {words or 'no value'}; {verdict}."


@dataclass(frozen=True)
class TierPath:
    plain: str  # by the cut-offs alone
    by_score: str  # with the hysteresis margin around last run's tier
    caps: list[Knockout]  # the knock-out rules that applied
    tier: str  # after the knock-outs


def _tier_path(frame: pl.DataFrame, policy: Policy) -> TierPath:
    row = frame.row(0, named=True)
    by_score = _tier_by_score(row["score"], row.get("previous_tier"), policy)
    caps = [rule for rule in policy.knockouts if frame.select(knockout_hit(rule)).item()]
    tier = TIERS[max([TIERS.index(by_score), *(TIERS.index(rule.max_tier) for rule in caps)])]
    return TierPath(_tier_by_score(row["score"], None, policy), by_score, caps, tier)


def _tier_by_score(score: float | None, previous: str | None, policy: Policy) -> str:
    frame = pl.DataFrame(
        [{"score": score, "previous": previous}], schema={"score": pl.Float64, "previous": pl.String}
    )
    return TIERS[frame.select(score_rank(pl.col("score"), pl.col("previous"), policy)).item()]


def _tier_steps(row: dict, path: TierPath, policy: Policy) -> list[str]:
    """Score against the cut-offs, the hysteresis margin, the knock-outs and the action, as numbered steps."""
    cut = policy.tiers
    steps = [
        f"Score {_score(row['score'])} against the cut-offs (Ideal from {cut.ideal:g}, Acceptable from "
        f"{cut.acceptable:g}): {path.plain}."
    ]
    if path.by_score != path.plain:
        steps.append(
            f"Last run it was {row['previous_tier']}, and a score near a cut-off must cross it by "
            f"{cut.hysteresis:g} points to change tier: {path.by_score}."
        )
    if path.caps:
        steps.append(f"Knock-out ({', '.join(rule.name for rule in path.caps)}) caps the tier: {path.tier}.")
    else:
        steps.append(f"No knock-out rule applied: {path.tier}.")
    steps.append(f"{path.tier} customers get the action {policy.action(path.tier)}: {TIER_TODO[path.tier]}.")
    return [f"  {n}. {step}" for n, step in enumerate(steps, start=1)]


def _disagreement(frame: pl.DataFrame, path: TierPath, policy: Policy) -> list[str]:
    """A warning when the policy file as it is now no longer gives the published score or tier."""
    row = frame.row(0, named=True)
    score = frame.select(weighted_score(scored_items(policy))).item()
    if score == row["score"] and path.tier == row["tier"]:
        return []
    return [
        "",
        f"Note: the policy file as it is now gives score {_score(score)} and tier {path.tier}, but the run "
        f"published {_score(row['score'])} and {row['tier']}: the policy has changed since the run.",
    ]


def _score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.1f}"
