"""The CDNOW transaction logs (see shared/data/cdnow/README.md): as the clv-fit CSV (customer_id, date, amount),
and as the exports a shop would land (customers, orders and order lines, nothing else)."""

from datetime import datetime
from pathlib import Path

import polars as pl

from tiering.settings import REPO_ROOT

# <repo>/../shared in CI (a clean clone with shared/ beside it); /work/shared here, which is the same place.
CDNOW_DIR = REPO_ROOT.parent / "shared" / "data" / "cdnow"


def read_cdnow(path: Path) -> pl.DataFrame:
    """customer_id, date, cds, amount of a CDNOW file, one row per line.

    The sample has no header and 5 columns (id, sample id, date, CDs, dollars); the whole cohort has a header
    and 4 (id, date, CDs, dollars): the id is the first column, the date the third from the end, dollars the last.
    """
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    rows = [row for row in rows if row[0].isdigit()]
    return pl.DataFrame(
        {
            "customer_id": [row[0] for row in rows],
            "date": [datetime.strptime(row[-3], "%Y%m%d").date() for row in rows],
            "cds": [int(row[-2]) for row in rows],
            "amount": [float(row[-1]) for row in rows],
        }
    )


def cdnow_csv(name: str, out_dir: Path) -> Path:
    """Convert shared/data/cdnow/`name` to `out_dir`/`name`.csv and return its path."""
    out = out_dir / f"{Path(name).stem}.csv"
    read_cdnow(CDNOW_DIR / name).select("customer_id", "date", "amount").write_csv(out)
    return out


def write_cdnow_exports(landing: Path) -> None:
    """CDNOW_master as a shop exports it: customers (customer_id, name, signup_date: the first purchase),
    orders (order_id, customer_id, order_date: one per purchase line) and order_lines (order_id, line_no,
    quantity, net_amount); no other feed folder."""
    purchases = (
        read_cdnow(CDNOW_DIR / "CDNOW_master.txt")
        .with_columns(purchase=pl.int_range(pl.len()).over("customer_id") + 1)
        .with_columns(order_id=pl.format("{}-{}", "customer_id", "purchase"))
    )
    exports = {
        "customers": purchases.group_by("customer_id")
        .agg(signup_date=pl.col("date").min())
        .with_columns(name=pl.format("CDNOW customer {}", "customer_id"))
        .select("customer_id", "name", "signup_date")
        .sort("customer_id"),
        "orders": purchases.select("order_id", "customer_id", order_date="date"),
        "order_lines": purchases.select("order_id", line_no=pl.lit(1), quantity="cds", net_amount="amount"),
    }
    for feed, frame in exports.items():
        (landing / feed).mkdir(parents=True, exist_ok=True)
        frame.write_csv(landing / feed / f"{feed}.csv")
