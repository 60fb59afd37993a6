"""The CDNOW transaction logs (see shared/data/cdnow/README.md) converted to the clv-fit CSV: customer_id, date, amount."""

from datetime import datetime
from pathlib import Path

import polars as pl

from tiering.settings import REPO_ROOT

# <repo>/../shared in CI (a clean clone with shared/ beside it); /work/shared here, which is the same place.
CDNOW_DIR = REPO_ROOT.parent / "shared" / "data" / "cdnow"


def read_cdnow(path: Path) -> pl.DataFrame:
    """customer_id, date, amount of a CDNOW file, one row per line.

    The sample has no header and 5 columns (id, sample id, date, CDs, dollars); the whole cohort has a header
    and 4 (id, date, CDs, dollars): the id is the first column, the date the third from the end, dollars the last.
    """
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    rows = [row for row in rows if row[0].isdigit()]
    return pl.DataFrame(
        {
            "customer_id": [row[0] for row in rows],
            "date": [datetime.strptime(row[-3], "%Y%m%d").date() for row in rows],
            "amount": [float(row[-1]) for row in rows],
        }
    )


def cdnow_csv(name: str, out_dir: Path) -> Path:
    """Convert shared/data/cdnow/`name` to `out_dir`/`name`.csv and return its path."""
    out = out_dir / f"{Path(name).stem}.csv"
    read_cdnow(CDNOW_DIR / name).write_csv(out)
    return out
