"""The demo data without its ticket folder: the support traits are left out, not perfect."""

import shutil

import duckdb
import polars as pl

from tiering.warehouse.traits import left_out_summary

SUPPORT = ["tickets_12m", "tickets_per_order", "complaint_share", "escalation_rate"]


def test_a_run_without_tickets_leaves_the_support_traits_out(tmp_path, s_landing, s_run, pipeline) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(s_landing, landing)
    shutil.rmtree(landing / "support_tickets")
    settings = pipeline.settings(tmp_path, landing=landing)
    result = pipeline.run(settings)
    assert result.success

    [traits] = [
        e.materialization.metadata
        for e in result.all_events
        if e.is_step_materialization and e.asset_key.path == ["marts", "customer_traits"]
    ]
    assert traits["traits_left_out"].value == (
        f"- support traits ({', '.join(SUPPORT)}): no support_tickets feed"
    )
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        assert left_out_summary(con) == (
            "\nTraits left out (no input, so not scored):\n"
            f"  support traits ({', '.join(SUPPORT)}): no support_tickets feed\n"
        )
    with duckdb.connect(str(settings.bi_db), read_only=True) as con:
        tiers = con.sql("SELECT * FROM marts.customer_tiers").pl()
        unknown_load = con.sql("SELECT count(*) FROM marts.tier_summary WHERE tickets_per_order IS NOT NULL")
        assert unknown_load.fetchall() == [(0,)]  # no ticket data: no tickets per order, not 0
    page = (settings.warehouse_dir / "reports" / "tier_dashboard.html").read_text()
    assert "of support tickets:" not in page and "Support tickets, last 12 months" not in page
    with duckdb.connect(str(s_run[0].bi_db), read_only=True) as con:
        full = con.sql("SELECT customer_id, tier, tickets_12m FROM marts.customer_tiers").pl()
    assert tiers.select(SUPPORT).null_count().row(0) == (tiers.height,) * 4
    support_words = "support|complain|escalat"  # the policy's words for the support traits
    assert not tiers["reasons"].str.contains(support_words).any()
    assert full["tickets_12m"].null_count() == 0  # with the feed, every customer has a count
    moved = tiers.join(full, on="customer_id").filter(pl.col("tier") != pl.col("tier_right")).height
    assert moved < tiers.height / 4  # the other traits still decide most tiers
