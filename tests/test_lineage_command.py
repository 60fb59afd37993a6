"""`tiers lineage COLUMN` as a user runs it, and docs/lineage.md generated from the same declarations."""

from pathlib import Path

from support.tiers import run_tiers
from tiering.feeds import FEEDS
from tiering.lineage_tree import LINEAGE_DOC, render_lineage_doc
from tiering.policy import load_policy
from tiering.settings import DEFAULT_POLICY


def _lineage(column: str, cwd: Path):
    return run_tiers(["lineage", column], {}, cwd=cwd, timeout=120)


def _raw_sources(stdout: str) -> set[str]:
    """The raw columns listed after the tree ("  raw.invoices: amount, due_date")."""
    listed = stdout.split("\nRaw sources (")[1].splitlines()[1:]
    return {f"{line.split(': ')[0].strip()}.{c}" for line in listed for c in line.split(": ")[1].split(", ")}


def test_a_trait_traces_back_to_the_invoice_due_date_and_the_payment_date(tmp_path):
    done = _lineage("bi.customer_tiers.avg_days_paid_late", tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == [
        "bi.customer_tiers.avg_days_paid_late",
        "└─ marts.customer_tiers.payment_delay_days",
        "   └─ marts.customer_traits.payment_delay_days",
    ]
    assert "      ├─ staging.invoices.due_date" in lines and "      │  └─ raw.invoices.due_date" in lines
    assert {"raw.invoices.due_date", "raw.payments.paid_date"} <= _raw_sources(done.stdout)
    assert not any(source.startswith("raw.orders.order") for source in _raw_sources(done.stdout))
    # the mart's own name gives the same chain, less its first link
    mart = _lineage("marts.customer_traits.payment_delay_days", tmp_path)
    assert _raw_sources(mart.stdout) == _raw_sources(done.stdout)


def test_the_tier_traces_back_through_the_scores_to_every_feed_each_subtree_shown_once(tmp_path):
    done = _lineage("bi.customer_tiers.tier", tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n\nRaw sources")[0].splitlines()
    assert lines[:3] == [
        "bi.customer_tiers.tier",
        "└─ marts.customer_tiers.tier",
        "   └─ scoring.customer_scores.tier",
    ]
    raw = _raw_sources(done.stdout)
    # every feed but those the default policy does not score: opportunities (prospects' priorities) and signals
    # (scored only when the policy declares signal traits)
    assert {source.split(".")[1] for source in raw} == set(FEEDS) - {"opportunities", "signals"}
    assert {"raw.invoices.due_date", "raw.payments.paid_date", "raw.support_tickets.category"} <= raw
    # staging.orders.order_date is read by many traits: its subtree once, then "see above"
    order_date = [line for line in lines if line.endswith("staging.orders.order_date")]
    assert len(order_date) == 1
    assert sum(line.endswith("staging.orders.order_date (see above)") for line in lines) > 3
    # the tier_order of the view is derived from the tier
    order = _lineage("bi.customer_tiers.tier_order", tmp_path)
    assert order.stdout.splitlines()[1] == "└─ marts.customer_tiers.tier"


def test_an_unknown_column_is_one_line_naming_close_matches(tmp_path):
    done = _lineage("bi.customer_tiers.teir", tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(
        "tiers: unknown column 'bi.customer_tiers.teir': did you mean bi.customer_tiers.tier, "
    )
    assert line.endswith("?") and line.count(", ") == 2  # the closest first, three in all
    bare = _lineage("tier", tmp_path)
    assert bare.returncode == 2 and len(bare.stderr.splitlines()) == 1
    assert "bi.customer_tiers.tier" in bare.stderr


def test_the_lineage_doc_is_up_to_date():
    assert LINEAGE_DOC.read_text() == render_lineage_doc(load_policy(DEFAULT_POLICY)), "run `tiers docs`"
    assert "### `bi.customer_tiers.tier`" in LINEAGE_DOC.read_text()
