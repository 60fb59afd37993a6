"""The demo data generator: layout, determinism, formats and the invariants the pipeline relies on."""

import hashlib
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tiering.demo_data import ARCHETYPE_SHARES, ARCHETYPES, EXPECTED_TIER, generate
from tiering.feeds import FEEDS

END = date(2026, 6, 30)
DATED = {
    "customers": ["signup_date"],
    "orders": ["order_date"],
    "invoices": ["issued_date"],
    "payments": ["paid_date"],
    "support_tickets": ["opened_at", "closed_at"],
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("demo")
    return out, generate(out, size="S", seed=7, end_date=END)


def read(out: Path, feed: str) -> pl.DataFrame:
    """A CSV feed with every column as text, exactly as written."""
    return pl.read_csv(out / feed / "*.csv", infer_schema=False)


def hashes(out: Path) -> dict[str, str]:
    return {str(f.relative_to(out)): hashlib.sha256(f.read_bytes()).hexdigest() for f in out.rglob("*.*")}


def test_same_seed_gives_identical_files_and_another_seed_does_not(demo, tmp_path):
    out, _ = demo
    generate(tmp_path / "again", size="S", seed=7, end_date=END)
    generate(tmp_path / "other", size="S", seed=8, end_date=END)
    assert hashes(tmp_path / "again") == hashes(out)
    other = hashes(tmp_path / "other")
    assert other.keys() == hashes(out).keys()
    assert other["orders/orders_2025.csv"] != hashes(out)["orders/orders_2025.csv"]


def test_every_feed_has_its_folder_files_and_columns(demo):
    out, counts = demo
    for name, feed in FEEDS.items():
        frame = read(out, name)
        assert frame.columns == feed.column_names, name
        assert frame.height == counts[name], name
    assert len(list((out / "orders").glob("*.csv"))) == 4  # one file per calendar year touched
    assert 35_000 <= counts["orders"] <= 50_000
    assert 2.2 <= counts["order_lines"] / counts["orders"] <= 2.8


def test_every_feed_key_is_unique_and_references_resolve(demo):
    out, _ = demo
    for name, feed in FEEDS.items():
        assert not read(out, name).select(feed.key).is_duplicated().any(), name
    orders, invoices = read(out, "orders"), read(out, "invoices")
    assert invoices["order_id"].is_in(orders["order_id"].implode()).all()
    assert read(out, "payments")["invoice_id"].is_in(invoices["invoice_id"].implode()).all()
    assert read(out, "order_lines")["order_id"].is_in(orders["order_id"].implode()).all()


def test_ground_truth_lists_every_customer_with_its_archetype_and_tier(demo):
    out, _ = demo
    truth = pl.read_csv(out / "ground_truth.csv")
    assert truth.columns == ["customer_id", "archetype", "expected_tier"]
    customers = read(out, "customers").filter(pl.col("customer_id").str.starts_with("C"))  # P...: prospects
    assert truth["customer_id"].to_list() == customers["customer_id"].to_list()
    shares = truth["archetype"].value_counts(normalize=True)
    assert dict(zip(shares["archetype"], shares["proportion"], strict=True)) == pytest.approx(
        dict(zip(ARCHETYPES, ARCHETYPE_SHARES, strict=True)), abs=0.001
    )
    assert (truth["archetype"].replace_strict(EXPECTED_TIER) == truth["expected_tier"]).all()


def test_csv_values_are_formatted_as_the_contract_says(demo):
    out, _ = demo
    lines = read(out, "order_lines")
    for column in ("list_amount", "discount_amount", "net_amount", "cost_amount"):
        assert lines[column].str.contains(r"^\d+\.\d\d$").all(), column
    assert set(lines["is_premium"]) | set(lines["is_service"]) == {"true", "false"}
    assert read(out, "orders")["order_date"].str.contains(r"^\d{4}-\d\d-\d\d$").all()
    opened = read(out, "support_tickets")["opened_at"]
    assert opened.str.contains(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$").all()
    assert read(out, "customers")["customer_id"].str.contains(r"^[CP]\d{7}$").all()  # customers, prospects


def test_nothing_is_dated_after_the_end_date(demo):
    out, _ = demo
    for feed, columns in DATED.items():
        frame = read(out, feed)
        for column in columns:
            latest = frame[column].drop_nulls().max()
            assert latest[:10] <= END.isoformat(), (feed, column, latest)


def test_order_lines_net_is_list_minus_discount_to_the_cent(demo):
    out, _ = demo
    amounts = ("list_amount", "discount_amount", "net_amount")
    cents = read(out, "order_lines").select(pl.col(amounts).str.replace(".", "", literal=True).cast(pl.Int64))
    assert (cents["list_amount"] - cents["discount_amount"] == cents["net_amount"]).all()


def test_payments_never_exceed_their_invoice(demo):
    out, _ = demo
    invoices = read(out, "invoices").select("invoice_id", pl.col("amount").cast(pl.Float64))
    paid = (
        read(out, "payments")
        .group_by("invoice_id")
        .agg(paid=pl.col("amount").cast(pl.Float64).sum(), n=pl.len())
    )
    joined = paid.join(invoices, on="invoice_id", how="left")
    assert joined["amount"].null_count() == 0
    assert (joined["paid"] <= joined["amount"] + 0.005).all()
    assert 0.05 < (joined["n"] > 1).mean() < 0.3  # some invoices are paid in parts


def test_tickets_close_after_they_open_and_a_few_stay_open(demo):
    out, _ = demo
    tickets = read(out, "support_tickets")
    closed = tickets.filter(pl.col("closed_at").is_not_null())
    assert (closed["closed_at"] >= closed["opened_at"]).all()
    assert 0.01 < tickets["closed_at"].null_count() / tickets.height < 0.1


def test_customers_sign_up_before_their_first_order(demo):
    out, _ = demo
    first = read(out, "orders").group_by("customer_id").agg(first=pl.col("order_date").min())
    joined = first.join(read(out, "customers"), on="customer_id")
    assert joined.height == first.height
    assert (joined["signup_date"] < joined["first"]).all()


def test_parquet_files_are_reproducible_and_properly_typed(tmp_path):
    out = tmp_path / "first"
    for folder in (out, tmp_path / "again"):
        generate(folder, size="S", seed=1, end_date=END, fmt="parquet")
    assert hashes(tmp_path / "again") == hashes(out)
    assert [f.name for f in out.glob("*/*.csv")] == []
    expected = {
        ("customers", "employees"): pa.int32(),
        ("customers", "signup_date"): pa.date32(),
        ("order_lines", "line_no"): pa.int32(),
        ("order_lines", "quantity"): pa.float64(),
        ("order_lines", "net_amount"): pa.float64(),
        ("order_lines", "is_service"): pa.bool_(),
        ("payments", "paid_date"): pa.date32(),
        ("support_tickets", "closed_at"): pa.timestamp("us"),
        ("support_tickets", "escalated"): pa.bool_(),
        ("fx_rates", "rate_to_base"): pa.float64(),
    }
    for (feed, column), arrow_type in expected.items():
        schema = pq.read_schema(next((out / feed).glob("*.parquet")))
        assert schema.names == FEEDS[feed].column_names
        assert schema.field(column).type == arrow_type, (feed, column)


@pytest.mark.parametrize(("size", "fmt"), [("XXL", None), ("S", "json")])
def test_unknown_size_or_format_is_refused(tmp_path, size, fmt):
    with pytest.raises(ValueError, match="unknown"):
        generate(tmp_path, size=size, fmt=fmt)
