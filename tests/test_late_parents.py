"""Issue 15, item 8, as a user runs it: an order whose lines, invoice and payment arrive a night before it. Night
1 holds them in quarantine and counts no revenue for the order; night 2 the order arrives and they load (parents
first, in one run), the revenue counts, the audit shows them released and nothing is left in quarantine."""

import shutil
from pathlib import Path

import duckdb

from support.tiers import run_tiers

AS_OF = "2026-06-30"
FEEDS = ("customers", "orders", "order_lines", "invoices", "payments")


def _tiers(tmp_path: Path, landing: Path, *args: str):
    environment = {
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "TIERS_LANDING_DIR": str(landing),
        "TIERS_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
    }
    return run_tiers(list(args), environment, cwd=tmp_path, timeout=300)


def _late_order(landing: Path) -> tuple[str, str, str, float, int]:
    """A completed USD order of 2026 with lines, an invoice and payments: its CSV row, id, customer, net amount
    and number of lines."""
    with duckdb.connect() as con:
        return con.execute(
            f"""
            SELECT o.order_id, o.customer_id, sum(l.net_amount::DECIMAL(18, 2)), count(*)
            FROM read_csv('{landing}/orders/orders_2026.csv', all_varchar = true) AS o
            JOIN read_csv('{landing}/order_lines/*.csv', all_varchar = true) AS l USING (order_id)
            WHERE o.status = 'completed' AND o.currency = 'USD' AND o.order_date >= '2026-03-01'
              AND o.order_id IN (
                  SELECT i.order_id
                  FROM read_csv('{landing}/invoices/*.csv', all_varchar = true) AS i
                  JOIN read_csv('{landing}/payments/*.csv', all_varchar = true) AS p USING (invoice_id)
              )
            GROUP BY ALL ORDER BY o.order_id LIMIT 1
            """
        ).fetchone()


def _rows_lost(work_db: Path, landing: Path) -> dict[str, int]:
    """Per feed: the data rows of the landing files less those in raw, in quarantine or skipped as re-sent."""
    with duckdb.connect() as con:
        read = {
            f: con.execute(
                f"SELECT count(*) FROM read_csv('{landing}/{f}/*.csv', all_varchar = true)"
            ).fetchone()[0]
            for f in FEEDS
        }
    with duckdb.connect(str(work_db), read_only=True) as con:
        return {
            f: read[f]
            - con.execute(f"SELECT count(*) FROM raw.{f}").fetchone()[0]
            - con.execute("SELECT count(*) FROM quality.rejected_rows WHERE feed = $f", {"f": f}).fetchone()[
                0
            ]
            - con.execute(
                "SELECT sum(rows_skipped) FROM quality.load_audit WHERE feed = $f", {"f": f}
            ).fetchone()[0]
            for f in FEEDS
        }


def test_children_held_for_a_late_parent_are_loaded_when_it_arrives(tmp_path, s_landing):
    landing = tmp_path / "landing"
    shutil.copytree(s_landing, landing)
    (tmp_path / "dagster_home").mkdir()
    order_id, customer_id, net_amount, lines = _late_order(landing)
    orders = landing / "orders" / "orders_2026.csv"
    rows = orders.read_text().splitlines(keepends=True)
    (late_row,) = [row for row in rows if row.startswith(f"{order_id},")]
    orders.write_text("".join(row for row in rows if row != late_row))
    work_db = tmp_path / "warehouse" / "work.duckdb"

    night_1 = _tiers(tmp_path, landing, "run", "--as-of", AS_OF)
    assert night_1.returncode == 0, night_1.stderr
    with duckdb.connect(str(work_db), read_only=True) as con:
        held = dict(con.execute("SELECT feed, count(*) FROM quality.rejected_rows GROUP BY feed").fetchall())
        revenue_1 = con.execute(
            "SELECT revenue_12m FROM marts.customer_traits WHERE customer_id = $c", {"c": customer_id}
        ).fetchone()[0]
        (night_1_run,) = con.execute("SELECT DISTINCT run_id FROM quality.load_audit").fetchone()
    assert held["order_lines"] == lines and held["invoices"] == 1 and held["payments"] >= 1
    assert _rows_lost(work_db, landing) == dict.fromkeys(FEEDS, 0)

    (landing / "orders" / "late.csv").write_text(
        "order_id,customer_id,order_date,status,currency\n" + late_row
    )
    night_2 = _tiers(tmp_path, landing, "run", "--as-of", AS_OF)
    assert night_2.returncode == 0, night_2.stderr
    assert f"{lines} held for a late parent, now loaded" in night_2.stdout
    with duckdb.connect(str(work_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM quality.rejected_rows").fetchone() == (0,)
        released = dict(
            con.execute(
                "SELECT feed, rows_released FROM quality.load_audit WHERE run_id = "
                "(SELECT arg_max(run_id, loaded_at) FROM quality.load_audit) AND rows_released > 0"
            ).fetchall()
        )
        revenue_2 = con.execute(
            "SELECT revenue_12m FROM marts.customer_traits WHERE customer_id = $c", {"c": customer_id}
        ).fetchone()[0]
    assert released == {"order_lines": lines, "invoices": 1, "payments": held["payments"]}
    assert round(revenue_2 - revenue_1, 2) == float(net_amount)
    assert _rows_lost(work_db, landing) == dict.fromkeys(FEEDS, 0)

    shown = _tiers(tmp_path, landing, "rejections")
    assert "No row was rejected." in shown.stdout
    assert f"{lines} row(s) held in quarantine for a late parent were loaded" in shown.stdout
    earlier = _tiers(tmp_path, landing, "rejections", "--run", night_1_run)
    assert "orphan" not in earlier.stdout and "No row was rejected." in earlier.stdout
