"""The expectation suites of the raw feeds and the marts, as plain data (Great Expectations is not imported here).

Blocking expectations guard what would corrupt the tiers (keys, references, amounts, impossible dates, tier,
action and score); the others warn (categories, dates after the as-of date, amounts that do not add up, payments before their
invoice or above it).
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

import duckdb

from tiering.feeds import (
    Difference,
    Feed,
    KnownIn,
    NonNegative,
    NotAfterAsOf,
    NotBefore,
    NotBeforeParent,
    OneOf,
    Positive,
    RowRule,
    Share,
    TotalNotAboveParent,
)
from tiering.policy import TIERS
from tiering.warehouse.sql import sql_text

BATCH = "{batch}"  # left for Great Expectations to fill in with the table under validation
# the row rules verified after the load, in the order of their expectations in a suite
RULE_ORDER = (
    NonNegative,
    NotBefore,
    Positive,
    Share,
    Difference,
    OneOf,
    NotAfterAsOf,
    KnownIn,
    NotBeforeParent,
    TotalNotAboveParent,
)


@dataclass(frozen=True)
class Expectation:
    """One Great Expectations expectation: its class name in great_expectations.expectations and arguments."""

    label: str
    kind: str
    kwargs: dict = field(default_factory=dict)
    blocking: bool = True


@dataclass
class Outcome:
    """What one expectation found: passed or not, how many rows failed, a few failing values, or the error."""

    expectation: Expectation
    success: bool
    failing: int | None = None
    examples: list = field(default_factory=list)
    error: str | None = None


def raw_suite(feed: Feed, as_of: date, whole_table: bool = True) -> list[Expectation]:
    """The declaration of raw.<feed> as expectations (keys, required values, references, row rules), on the whole
    table or on some of its rows (raw_rows): their keys are then also checked against the other rows."""
    return [
        *_key_expectations(feed.key, raw_feed=None if whole_table else feed.name),
        *(_not_null(c.name) for c in feed.columns if c.required and c.name not in feed.key),
        *(_orphans(p.column, p.feed, p.feed_column) for p in feed.parents),
        *(
            _rule_expectation(feed, rule, as_of, whole_table)
            for kind in RULE_ORDER
            for rule in feed.rules_of(kind)
        ),
    ]


def _rule_expectation(feed: Feed, rule: RowRule, as_of: date, whole_table: bool) -> Expectation:
    """A row rule as an expectation of the check its declaration names (gx_blocking or gx_warn)."""
    match rule:
        case NonNegative(column=column):
            expectation = _between(column, "non-negative", min_value=0)
        case NotBefore(column=column, earlier=earlier):
            expectation = _date_order(earlier, column)
        case Positive(column=column):
            expectation = _between(column, "positive", min_value=0, strict_min=True)
        case Share(column=column):
            expectation = _between(column, "between 0 and 1", min_value=0, max_value=1)
        case Difference():
            expectation = _difference(feed, rule)
        case OneOf(column=column, values=values):
            expectation = _in_set(column, values)
        case NotAfterAsOf(column=column):
            expectation = _not_after(feed, column, as_of)
        case KnownIn(column=column, feed=parent, feed_column=parent_column):
            expectation = _orphans(column, parent, parent_column)
        case NotBeforeParent() | TotalNotAboveParent():
            expectation = _against_parent(feed, rule, whole_table)
        case _:
            raise ValueError(f"{rule} has no expectation")
    return replace(expectation, blocking=rule.check == "gx_blocking")


def traits_suite(as_of: date) -> list[Expectation]:
    """One row per customer known on the as-of date, for that date."""
    return [*_key_expectations(("customer_id",)), *_one_row_per_customer(as_of), _as_of_date(as_of)]


def tiers_suite(as_of: date, actions: dict[str, str]) -> list[Expectation]:
    """One row per customer with a tier, its action under the policy, and a score within 0-100 (a prospect
    none: it is tiered by its fit alone)."""
    return [
        *traits_suite(as_of),
        _in_set("tier", TIERS, blocking=True),
        _in_set("action", tuple(actions.values()), blocking=True),
        Expectation(
            "tier and action pair as in the policy",
            "ExpectColumnPairValuesToBeInSet",
            {"column_A": "tier", "column_B": "action", "value_pairs_set": [list(p) for p in actions.items()]},
        ),
        Expectation(
            "score not null for a customer",
            "UnexpectedRowsExpectation",
            {"unexpected_rows_query": _query("unscored_customers")},
        ),
        _between("score", "within 0-100", min_value=0, max_value=100),
        _between("fit_score", "within 0-100", min_value=0, max_value=100),
        Expectation("reasons given", "ExpectColumnValuesToNotBeNull", {"column": "reasons"}, blocking=False),
    ]


def summary_suite() -> list[Expectation]:
    """One row per as-of date and tier (the summary keeps every date)."""
    return [
        _in_set("tier", TIERS, blocking=True),
        *_key_expectations(("as_of_date", "tier")),
        _between("customers", "non-negative", min_value=0),
    ]


def _query(name: str, **identifiers: str) -> str:
    """The unexpected-rows query "quality:<name>" without its comments, identifiers filled in."""
    text = "\n".join(line for line in sql_text(f"quality:{name}").splitlines() if not line.startswith("--"))
    return text.format(batch=BATCH, **identifiers).strip()


def files_loaded_by_run(con: duckdb.DuckDBPyConnection, feed: Feed, run_id: str) -> int:
    """How many files of the feed the run loaded (none on a night without new files)."""
    params = {"feed": feed.name, "run_id": run_id}
    return con.execute(sql_text("quality:run_loads"), params).fetchone()[0]


def raw_rows(con: duckdb.DuckDBPyConnection, feed: Feed, run_id: str) -> tuple[str, dict] | None:
    """The query (and its parameters) of the rows of raw.<feed> its checks validate: those the run's load wrote
    (by their load id, quality.load_audit); None when the run loaded the whole table, which is then read as it is."""
    params = {"feed": feed.name, "run_id": run_id}
    this_run, all_runs = con.execute(sql_text("quality:run_loads"), params).fetchone()
    if this_run and this_run == all_runs:
        return None
    return _query("raw_batch", feed=feed.name), params


def _key_expectations(key: tuple[str, ...], raw_feed: str | None = None) -> list[Expectation]:
    """Key columns not null and unique: in the table, or for a raw feed's rows, in the whole raw table."""
    key_columns = ", ".join(key)
    query = _query("duplicate_keys", key_columns=key_columns)
    if raw_feed:
        query += "\nUNION ALL\n" + _query("earlier_load_keys", key_columns=key_columns, feed=raw_feed)
    return [
        *(_not_null(k) for k in key),
        Expectation(f"({key_columns}) unique", "UnexpectedRowsExpectation", {"unexpected_rows_query": query}),
    ]


def _not_null(column: str) -> Expectation:
    return Expectation(f"{column} not null", "ExpectColumnValuesToNotBeNull", {"column": column})


def _between(column: str, words: str, **bounds) -> Expectation:
    return Expectation(f"{column} {words}", "ExpectColumnValuesToBeBetween", {"column": column, **bounds})


def _in_set(column: str, values: tuple[str, ...], blocking: bool = False) -> Expectation:
    return Expectation(
        f"{column} in {', '.join(values)}",
        "ExpectColumnValuesToBeInSet",
        {"column": column, "value_set": list(values)},
        blocking=blocking,
    )


def _orphans(column: str, parent: str, parent_column: str) -> Expectation:
    query = _query("orphans", column=column, parent=parent, parent_column=parent_column)
    return Expectation(
        f"{column} found in raw.{parent}", "UnexpectedRowsExpectation", {"unexpected_rows_query": query}
    )


def _date_order(earlier: str, later: str) -> Expectation:
    query = _query("date_order", earlier=earlier, later=later)
    return Expectation(
        f"{later} not before {earlier}", "UnexpectedRowsExpectation", {"unexpected_rows_query": query}
    )


def _difference(feed: Feed, rule: Difference) -> Expectation:
    query = _query(
        "differences",
        key_columns=", ".join(feed.key),
        column=rule.column,
        minuend=rule.minuend,
        subtrahend=rule.subtrahend,
    )
    label = f"{rule.column} = {rule.minuend} - {rule.subtrahend} within a cent"
    return Expectation(label, "UnexpectedRowsExpectation", {"unexpected_rows_query": query})


def _against_parent(
    feed: Feed, rule: NotBeforeParent | TotalNotAboveParent, whole_table: bool
) -> Expectation:
    """A row, or the total of a parent's rows (in the whole table, also when some of its rows are validated),
    compared with the parent's row in raw.<parent>."""
    parent = feed.parent(rule.via)
    identifiers = {
        "feed": feed.name,
        "key_columns": ", ".join(f"c.{k}" for k in feed.key),
        "column": rule.column,
        "via": rule.via,
        "parent": parent.feed,
        "parent_key": parent.feed_column,
        "parent_column": rule.parent_column,
    }
    if isinstance(rule, NotBeforeParent):
        query = _query("before_parent", **identifiers)
        label = f"{rule.column} not before {parent.feed}.{rule.parent_column}"
    else:
        query = _query("above_parent_total" if whole_table else "above_parent_total_of_rows", **identifiers)
        label = f"sum of {rule.column} per {rule.via} not above {parent.feed}.{rule.parent_column}"
    return Expectation(label, "UnexpectedRowsExpectation", {"unexpected_rows_query": query})


def _not_after(feed: Feed, column: str, as_of: date) -> Expectation:
    """Dates of events not after the as-of date (timestamps: not after its last second)."""
    timestamp = feed.column(column).sql_type == "TIMESTAMP"
    limit = datetime.combine(as_of, time.max).replace(microsecond=0) if timestamp else as_of
    return Expectation(
        f"{column} not after the as-of date {as_of}",
        "ExpectColumnValuesToBeBetween",
        {"column": column, "max_value": limit.isoformat(sep=" ") if timestamp else limit.isoformat()},
    )


def _one_row_per_customer(as_of: date) -> list[Expectation]:
    return [
        Expectation(
            "every customer known on the as-of date has a row",
            "UnexpectedRowsExpectation",
            {"unexpected_rows_query": _query("missing_customers", as_of=as_of.isoformat())},
        ),
        Expectation(
            "no row for an unknown customer",
            "UnexpectedRowsExpectation",
            {"unexpected_rows_query": _query("unknown_customers")},
        ),
    ]


def _as_of_date(as_of: date) -> Expectation:
    return _between(
        "as_of_date", f"is the as-of date {as_of}", min_value=as_of.isoformat(), max_value=as_of.isoformat()
    )
