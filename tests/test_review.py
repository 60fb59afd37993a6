"""The quarterly review: `tiers review --quarter` on a quarter backfilled with `tiers backfill` over a small landing
(every 50th customer of the S demo), its lists and figures checked against the landing files; coverage with a gap
and the nightly review that closes it; the errors and their exit codes; the quarters and coverage on hand-made
dates."""

import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from support.tiers import run_tiers
from tiering.policy import load_policy
from tiering.review import A_LIST, POOR_LIST, Coverage, Quarter, ReviewError
from tiering.settings import DEFAULT_POLICY
from tiering.warehouse.lock import hold_warehouse

Q2 = Quarter(2026, 2)  # 2026-04-01 to 2026-06-30: the S demo ends on 2026-06-30
GAP = (date(2026, 5, 11), date(2026, 5, 14))
EVERY = 50  # the small landing keeps every 50th customer of the S demo
BASE_CURRENCY = load_policy(DEFAULT_POLICY).base_currency


def small_landing(s_landing: Path, out: Path) -> Path:
    """The S demo's feeds, only for every EVERY-th customer (their orders, lines, invoices, payments, tickets)."""

    def read(feed: str) -> pl.DataFrame:
        return pl.concat(
            [pl.read_csv(f, infer_schema=False) for f in sorted((s_landing / feed).glob("*.csv"))]
        )

    def write(feed: str, frame: pl.DataFrame) -> None:
        (out / feed).mkdir(parents=True)
        frame.write_csv(out / feed / f"{feed}.csv")

    customers = read("customers").gather_every(EVERY)
    orders = read("orders").filter(pl.col("customer_id").is_in(customers["customer_id"].implode()))
    invoices = read("invoices").filter(pl.col("order_id").is_in(orders["order_id"].implode()))
    write("customers", customers)
    write("orders", orders)
    write("order_lines", read("order_lines").filter(pl.col("order_id").is_in(orders["order_id"].implode())))
    write("invoices", invoices)
    write("payments", read("payments").filter(pl.col("invoice_id").is_in(invoices["invoice_id"].implode())))
    write(
        "support_tickets",
        read("support_tickets").filter(pl.col("customer_id").is_in(customers["customer_id"].implode())),
    )
    shutil.copytree(s_landing / "fx_rates", out / "fx_rates")
    return out


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory, s_landing) -> dict:
    """Q2 2026 backfilled with a gap and reviewed; then the gap filled, and the run as of 2026-07-01, which
    reviews Q2 again. What each step printed and the published review after each."""
    root = tmp_path_factory.mktemp("review")
    env = {
        "TIERS_LANDING_DIR": str(small_landing(s_landing, root / "landing")),
        "TIERS_WAREHOUSE_DIR": str(root / "warehouse"),
    }
    steps = {}
    for name, args in (
        ("before", ["backfill", "--from", str(Q2.first_day), "--to", str(GAP[0].replace(day=10))]),
        ("after", ["backfill", "--from", str(GAP[1].replace(day=15)), "--to", str(Q2.last_day)]),
        ("review", ["review", "--quarter", "2026Q2"]),
        ("gap", ["backfill", "--from", str(GAP[0]), "--to", str(GAP[1])]),
        ("nightly", ["run", "--as-of", "2026-07-01"]),
    ):
        done = run_tiers(args, env)
        assert done.returncode == 0, done.stderr
        steps[name] = done.stdout
        if name in ("after", "review", "nightly"):
            steps[f"{name}_page"] = (root / "warehouse" / "reports" / "tier_dashboard.html").read_text()
            with duckdb.connect(str(root / "warehouse" / "tiers.duckdb"), read_only=True) as con:
                steps[f"{name}_rows"] = con.sql("SELECT * FROM bi.quarterly_review").pl()
    return {"env": env, "root": root, **steps}


def _expected(landing: Path, history: pl.DataFrame, days: set[date]) -> pl.DataFrame:
    """The lists, revenue, margin and tickets of Q2 recomputed from the landing files and the tier history."""

    def read(feed: str) -> pl.DataFrame:
        return pl.read_csv(landing / feed / f"{feed}.csv", try_parse_dates=True)

    steady = (
        history.filter(pl.col("as_of_date").is_in(list(days)))
        .group_by("customer_id")
        .agg(n=pl.len(), tiers=pl.col("tier").unique())
        .filter((pl.col("n") == len(days)) & (pl.col("tiers").list.len() == 1))
        .select("customer_id", tier=pl.col("tiers").list.first())
        .filter(pl.col("tier").is_in(["Ideal", "Poor"]))
    )
    end = max(days)
    lines = (
        read("order_lines")
        .group_by("order_id")
        .agg(net=pl.col("net_amount").sum(), cost=pl.col("cost_amount").sum())
    )
    orders = (
        read("orders")
        .filter((pl.col("status") == "completed") & pl.col("order_date").is_between(Q2.first_day, end))
        .join(lines, on="order_id")
        .with_columns(pl.col("currency").fill_null(BASE_CURRENCY))  # an order without one is in it
        .join(  # the base currency is worth 1
            pl.concat([read("fx_rates"), pl.DataFrame({"currency": [BASE_CURRENCY], "rate_to_base": [1.0]})]),
            on="currency",
        )
        .group_by("customer_id")
        .agg(
            revenue=(pl.col("net") * pl.col("rate_to_base")).sum(),
            profit=((pl.col("net") - pl.col("cost")) * pl.col("rate_to_base")).sum(),
        )
    )
    tickets = (
        read("support_tickets")
        .filter(pl.col("opened_at").dt.date().is_between(Q2.first_day, end))
        .group_by("customer_id")
        .agg(tickets=pl.len())
    )
    return (
        steady.join(orders, on="customer_id", how="left")
        .join(tickets, on="customer_id", how="left")
        .select(
            "customer_id",
            list=pl.when(pl.col("tier") == "Ideal").then(pl.lit(A_LIST)).otherwise(pl.lit(POOR_LIST)),
            revenue=pl.col("revenue").fill_null(0.0),
            gross_margin=pl.col("profit") / pl.col("revenue"),
            tickets=pl.col("tickets").fill_null(0).cast(pl.Int64),
        )
        .sort("customer_id")
    )


def _history(root: Path) -> pl.DataFrame:
    with duckdb.connect(str(root / "warehouse" / "tiers.duckdb"), read_only=True) as con:
        return con.sql("SELECT customer_id, as_of_date, tier FROM marts.tier_history").pl()


def test_the_review_of_a_quarter_with_a_gap_says_so_and_lists_who_held_a_tier_every_day_run(reviewed):
    days = {d for d in pl.date_range(Q2.first_day, Q2.last_day, eager=True) if not GAP[0] <= d <= GAP[1]}
    out = reviewed["review"]
    assert "Quarterly review of 2026Q2 (2026-04-01 to 2026-06-30)" in out
    assert (
        "Coverage: 87 of the quarter's 91 days have tiers; reviewed over the days that ran: 4 without tiers "
        "(2026-05-11 to 2026-05-14)." in out
    )
    rows = reviewed["review_rows"]
    assert rows["days_run"].unique().to_list() == [87] and rows["days_scored"].unique().to_list() == [87]
    assert rows["period_end"].unique().to_list() == [Q2.last_day]
    # the history of the gap's days is filled later: the review's days are those run before it
    history = _history(reviewed["root"]).filter(~pl.col("as_of_date").is_between(*GAP))
    expected = _expected(Path(reviewed["env"]["TIERS_LANDING_DIR"]), history, days)
    actual = rows.select(expected.columns).sort("customer_id")
    listed = {
        name: sorted(actual.filter(pl.col("list") == name)["customer_id"]) for name in (A_LIST, POOR_LIST)
    }
    assert listed == {
        A_LIST: ["C0000351", "C0000501", "C0000601", "C0001551"],
        POOR_LIST: [
            f"C000{n}" for n in ("0401", "0701", "0851", "1251", "1301", "1401", "1651", "1851", "1951")
        ],
    }
    # by hand from the landing files: two completed orders in USD, dated 2026-04-08 and 2026-05-30, their lines'
    # net 17,898.78 and cost 8,888.79; no ticket opened in the quarter
    [row] = rows.filter(pl.col("customer_id") == "C0000351").to_dicts()
    assert (round(row["revenue"], 2), round(row["gross_margin"], 6), row["tickets"]) == (
        17898.78,
        0.503386,
        0,
    )
    assert (row["customer_name"], row["account_owner"]) == (
        "Oakridge Partners GmbH",
        "oliver.brown@example.com",
    )
    assert_frame_equal(actual, expected, check_exact=False, rel_tol=1e-9)


def test_the_printed_lists_have_totals_with_thousands_separators(reviewed):
    rows, out = reviewed["review_rows"], reviewed["review"]
    for name, heading in ((A_LIST, "A-list: Ideal on every as-of date run"), (POOR_LIST, "Poor all quarter")):
        listed = rows.filter(pl.col("list") == name)
        assert f"{heading}" in out and f"({listed.height:,} customers)" in out
        total = f"total: {listed.height:,} customers"
        [line] = [line for line in out.splitlines() if line.strip().startswith(total)]
        assert f"{listed['revenue'].sum():,.0f}" in line and f"{listed['tickets'].sum():,}" in line
        top = listed.sort("revenue", descending=True).row(0, named=True)
        assert f"{top['revenue']:,.0f}" in out and top["customer_id"] in out


def test_the_nightly_run_after_the_quarter_reviews_it_again_once_the_gap_is_filled(reviewed):
    assert (
        reviewed["after_rows"].height == 0
    )  # a backfill within Q2 reviews the quarter before it, Q1: no day run
    rows = reviewed["nightly_rows"]
    assert rows["days_run"].unique().to_list() == [91] and rows["quarter"].unique().to_list() == ["2026Q2"]
    days = set(pl.date_range(Q2.first_day, Q2.last_day, eager=True))
    expected = _expected(Path(reviewed["env"]["TIERS_LANDING_DIR"]), _history(reviewed["root"]), days)
    assert_frame_equal(
        rows.select(expected.columns).sort("customer_id"), expected, check_exact=False, rel_tol=1e-9
    )


def test_the_dashboard_shows_the_newest_review_or_says_there_is_none(reviewed):
    assert 'id="no-review"' in reviewed["after_page"]
    page = reviewed["review_page"]
    assert 'id="no-review"' not in page
    assert "Quarterly review: 2026Q2</h2>" in page and "Tiers on 87 of the quarter&#x27;s 91 days" in page
    rows = reviewed["review_rows"]
    for name in (A_LIST, POOR_LIST):
        listed = rows.filter(pl.col("list") == name).sort("revenue", descending=True)
        assert f"{name} · {listed.height:,} customer" in page
        assert listed["customer_name"][0] in page
    assert "Tiers on 91 of the quarter&#x27;s 91 days." in reviewed["nightly_page"]


def test_bad_quarters_are_one_line_and_exit_code_2(reviewed):
    env = reviewed["env"]
    for args, message in (
        (["--quarter", "2026Q5"], "tiers: '2026Q5' is not a quarter: write it as YYYYQn, e.g. 2026Q3\n"),
        (["--quarter", "2099Q1"], "tiers: 2099Q1 has not begun: it starts on 2099-01-01, and today is "),
        (
            ["--quarter", "2026Q1"],
            "tiers: no as-of date of 2026Q1 (2026-01-01 to 2026-03-31) has run: run `tiers backfill --from "
            "2026-01-01 --to 2026-03-31` first\n",
        ),
    ):
        done = run_tiers(["review", *args], env)
        assert done.returncode == 2 and done.stderr.startswith(message) and done.stderr.count("\n") == 1
        assert done.stdout == ""


def test_no_working_database_and_a_run_in_progress_are_one_line_and_exit_code_2(reviewed, tmp_path):
    done = run_tiers(["review", "--quarter", "2026Q2"], {"TIERS_WAREHOUSE_DIR": str(tmp_path)})
    assert done.returncode == 2 and "does not exist: run the nightly job (`tiers run`) first" in done.stderr
    warehouse = Path(reviewed["env"]["TIERS_WAREHOUSE_DIR"])
    with hold_warehouse(warehouse, warehouse / "work.duckdb", "the run as of 2026-07-02 by process 1"):
        done = run_tiers(["review", "--quarter", "2026Q2"], reviewed["env"])
    assert done.returncode == 2
    assert done.stderr == (
        f"tiers: another run is writing to the warehouse {warehouse}: the run as of 2026-07-02 by process 1. One "
        "run at a time: run again when it has ended\n"
    )


def test_quarters_parse_and_step():
    assert Quarter.parse(" 2026q3 ") == Quarter(2026, 3)
    assert (Quarter(2026, 3).first_day, Quarter(2026, 3).last_day, Quarter(2026, 3).days) == (
        date(2026, 7, 1),
        date(2026, 9, 30),
        92,
    )
    assert Quarter(2024, 1).days == 91 and Quarter(2026, 1).days == 90  # a leap year
    assert (Quarter(2026, 1).previous, Quarter(2026, 4).next) == (Quarter(2025, 4), Quarter(2027, 1))
    assert Quarter.of(date(2026, 12, 31)) == Quarter(2026, 4)
    for text in ("2026Q0", "2026-Q3", "Q3 2026", ""):
        with pytest.raises(ReviewError, match="is not a quarter"):
            Quarter.parse(text)


def test_coverage_names_the_gaps_and_says_so_far_for_a_running_quarter():
    q4 = Quarter(2026, 4)
    run = [date(2026, 10, d) for d in (1, 2, 5, 6)] + [date(2026, 11, 29)]
    covered = Coverage(q4, run, today=date(2026, 11, 30))
    assert covered.running and covered.period_end == date(2026, 11, 29)
    assert covered.gaps() == [(date(2026, 10, 3), date(2026, 10, 4)), (date(2026, 10, 7), date(2026, 11, 28))]
    assert covered.describe() == (
        "5 of the quarter's 92 days have tiers so far (it ends on 2026-12-31); reviewed over the days that ran: "
        "55 without tiers (2026-10-03 to 2026-10-04, 2026-10-07 to 2026-11-28)"
    )
    whole = Coverage(
        Quarter(2026, 3),
        [date(2026, 7, 1) + (date(2026, 7, 2) - date(2026, 7, 1)) * i for i in range(92)],
        date(2026, 11, 30),
    )
    assert (
        not whole.running
        and whole.gaps() == []
        and whole.describe() == "92 of the quarter's 92 days have tiers"
    )
