"""Issue 15, item 13: a payment above its invoice, dated before it, or far after the as-of date is a failed
warning check (`gx_warn` of raw.payments) that the summary of `tiers run` lists with a few values; a clean demo
run lists none."""

import shutil
from pathlib import Path

import duckdb

from support.tiers import run_tiers

AS_OF = "2026-06-30"


def _run(tmp_path: Path, landing: Path):
    (tmp_path / "dagster_home").mkdir(exist_ok=True)
    environment = {
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "TIERS_LANDING_DIR": str(landing),
        "TIERS_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
    }
    return run_tiers(["run", "--as-of", AS_OF], environment, cwd=tmp_path, timeout=300)


def _two_invoices(landing: Path) -> list[tuple]:
    """Two invoices of the demo without payments, issued in 2026: id, issued date, amount."""
    with duckdb.connect() as con:
        return con.execute(
            f"""
            SELECT i.invoice_id, i.issued_date, i.amount
            FROM read_csv('{landing}/invoices/*.csv', all_varchar = true) AS i
            ANTI JOIN read_csv('{landing}/payments/*.csv', all_varchar = true) AS p USING (invoice_id)
            WHERE i.issued_date BETWEEN '2026-03-01' AND '2026-06-01'
            ORDER BY i.invoice_id LIMIT 2
            """
        ).fetchall()


def test_each_implausible_payment_is_a_warning_in_the_summary(tmp_path, s_landing):
    landing = tmp_path / "landing"
    shutil.copytree(s_landing, landing)
    (early, early_issued, _), (over, _, over_amount) = _two_invoices(landing)
    (landing / "payments" / "late_arrivals.csv").write_text(
        "payment_id,invoice_id,paid_date,amount\n"
        f"PX-2099,{early},2099-01-01,1.00\n"
        f"PX-EARLY,{early},2025-01-02,1.00\n"
        f"PX-OVER,{over},2026-06-02,{float(over_amount) + 500:.2f}\n"
    )
    done = _run(tmp_path, landing)
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stdout.splitlines() if "warning check gx_warn of raw/payments" in line]
    assert len(warned) == 1, done.stdout
    assert "WARNING: 1 warning check(s) failed" in done.stdout
    (line,) = warned
    assert "paid_date not after the as-of date 2026-06-30: 1 failing, e.g. 2099-01-01" in line
    assert (
        "paid_date not before invoices.issued_date: 1 failing, e.g. payment_id=PX-EARLY "
        f"invoice_id={early} paid_date=2025-01-02"
    ) in line
    assert early_issued[:4] == "2026"
    assert f"sum of amount per invoice_id not above invoices.amount: 1 failing, e.g. invoice_id={over}" in (
        line
    )
    assert "raw/orders" not in done.stdout  # only the payments warn


def test_a_clean_demo_run_lists_no_warning(tmp_path, s_landing):
    done = _run(tmp_path, s_landing)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stdout
    assert "warning check" not in done.stdout
