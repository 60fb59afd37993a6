"""The feed declarations: consistent, turned into checks that bind their values, and the docs rendered from them."""

from datetime import date

from tiering.feed_docs import FEEDS_DOC, README, readme_feed_table, render_feed_table, render_feeds_doc
from tiering.feeds import FEEDS
from tiering.warehouse.quality.row_checks import row_checks
from tiering.warehouse.quality.suites import RULE_ORDER, raw_suite


def test_every_name_in_a_declaration_is_a_declared_column_or_feed():
    for feed in FEEDS.values():
        columns = set(feed.column_names)
        assert len(columns) == len(feed.columns), feed.name
        assert set(feed.key) <= columns, feed.name
        assert all(feed.column(k).required or feed.column(k).default for k in feed.key), feed.name
        assert all(c.required != bool(c.absent) for c in feed.columns), feed.name  # what absence means
        for parent in feed.parents:
            assert parent.column in columns, feed.name
            assert parent.feed_column in FEEDS[parent.feed].column_names, feed.name
        for rule in feed.rules:
            referenced = {
                v for k, v in vars(rule).items() if k in ("column", "earlier", "minuend", "subtrahend")
            }
            assert referenced <= columns, (feed.name, rule)
            assert rule.reason or rule.check, (feed.name, rule)  # a rule is enforced somewhere


def test_every_rule_with_a_check_is_an_expectation_of_that_check():
    for feed in FEEDS.values():
        checked = [r for r in feed.rules if r.check]
        assert all(isinstance(r, RULE_ORDER) for r in checked), feed.name
        suite = raw_suite(feed, date(2026, 6, 30))
        required = [c for c in feed.columns if c.required and c.name not in feed.key]
        assert len(suite) == len(feed.key) + 1 + len(required) + len(feed.parents) + len(checked), feed.name
        assert sum(not e.blocking for e in suite) == sum(r.check == "gx_warn" for r in checked), feed.name


def test_row_checks_write_identifiers_only_and_bind_reasons_and_bounds():
    for feed in FEEDS.values():
        as_text = {c.name: "VARCHAR" for c in feed.columns}  # a CSV file: every column needs a type check
        checks = row_checks(feed, as_text)
        sql = " ".join(checks.identifiers.values())
        assert "'" not in sql, feed.name  # no literal: every value is a parameter
        params = {**checks.type_params, **checks.rule_params}
        reasons = [v for k, v in sorted(params.items(), key=_number) if k.startswith("reason_")]
        assert [r for r in reasons if "not a valid" in r] == [
            f"{c.name}: not a valid {c.sql_type.split('(')[0].lower()}"
            for c in feed.columns
            if c.sql_type != "VARCHAR"
        ]
        assert [r.split(": ")[0] for r in reasons if "missing" in r] == [
            c.name for c in feed.columns if c.required
        ]
        quarantined = [f"{r.column}: {r.reason}" for r in feed.rules if r.reason]
        assert reasons[len(reasons) - len(quarantined) :] == quarantined, feed.name  # in declared order


def test_a_file_column_of_the_declared_type_needs_no_type_check():
    feed = FEEDS["fx_rates"]
    checks = row_checks(feed, {"currency": "VARCHAR", "rate_to_base": "DOUBLE"})
    assert "TRY_CAST(rate_to_base AS DOUBLE) IS NULL" not in checks.identifiers["type_checks"]
    assert "TRY_CAST(rate_to_base AS DOUBLE) IS NULL" not in checks.identifiers["type_failed"]
    # no cast check; a double is still checked for being finite (NaN and infinities are doubles too)
    assert list(checks.type_params.values()) == [
        "currency: missing",
        "rate_to_base: not a finite number",
        "rate_to_base: missing",
    ]
    assert list(checks.rule_params.values()) == ["rate_to_base: not positive"]


def test_the_readme_feed_table_is_rendered_from_the_declarations():
    assert readme_feed_table(README.read_text()) == render_feed_table(), "run `tiers docs`"


def test_the_feeds_doc_is_rendered_from_the_declarations():
    assert FEEDS_DOC.read_text() == render_feeds_doc(), "run `tiers docs`"


def _number(item: tuple[str, object]) -> int:
    name = item[0]
    return int(name.removeprefix("reason_")) if name.startswith("reason_") else -1
