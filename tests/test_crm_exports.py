"""The CRM-ready exports after a real run: HubSpot's and Salesforce's files, their columns, rows and quoting."""

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from tiering.crm import CRM_FILES, HUBSPOT, SALESFORCE, readme_crm_table, render_crm_table
from tiering.settings import REPO_ROOT

# Names a CSV writer must quote (a comma, quotes, a line break) or keep as UTF-8.
AWKWARD = {
    "C0000001": 'Müller, "Söhne" & Co.\nZweigniederlassung',
    "C0000002": "Łódź Ørsted Çelik 東京 株式会社",
}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a CRM file as an importer reads it (UTF-8, RFC 4180 quoting)."""
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


def _customer_tiers(bi_db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(bi_db), read_only=True) as con:
        rows = con.execute(
            "SELECT customer_id, customer_name, account_owner, tier, score, action, reasons, as_of_date "
            "FROM bi.customer_tiers"
        ).fetchall()
    return {row[0]: row for row in rows}


def _as_written(row: tuple) -> list[str]:
    """A customer_tiers row as the files hold it: NULL empty, dates ISO."""
    return ["" if value is None else str(value) for value in row]


@pytest.fixture(scope="module")
def awkward_run(tmp_path_factory, s_landing, pipeline):
    """A run on the S demo with customers whose names hold commas, quotes, a line break and non-ASCII letters."""
    root = tmp_path_factory.mktemp("crm")
    landing = root / "landing"
    shutil.copytree(s_landing, landing)
    feed = landing / "customers" / "customers.csv"
    with feed.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        header, rows = reader.fieldnames, list(reader)
    for row in rows:
        row["name"] = AWKWARD.get(row["customer_id"], row["name"])
    with feed.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    settings = pipeline.settings(root, landing=landing)
    assert pipeline.run(settings).success
    return settings


@pytest.mark.parametrize("crm", CRM_FILES, ids=lambda crm: crm.tool)
def test_each_crm_file_has_its_columns_and_a_row_per_customer_after_a_run(s_run, crm):
    settings, _ = s_run
    path = settings.warehouse_dir / "exports" / crm.path
    header, rows = _read(path)
    assert header == [c.header for c in crm.columns]
    published = _customer_tiers(settings.bi_db)
    assert [row[header[0]] for row in rows] == sorted(published)  # one row per customer, by id
    for row in rows:
        assert [row[h] for h in header] == _as_written(published[row[header[0]]])
    # in the demo every 40th account has no owner: its owner cell is empty, the rest of the row is there
    unowned = [row for row in rows if row[crm.columns[2].header] == ""]
    assert len(unowned) == sum(owner is None for _, _, owner, *_ in published.values()) > 0
    assert all(row[crm.columns[3].header] in ("Ideal", "Acceptable", "Poor") for row in unowned)


def test_the_record_ids_and_headers_are_the_fields_each_crm_maps():
    assert [c.header for c in HUBSPOT.columns][:3] == ["Customer ID", "Company name", "Company owner"]
    assert [c.header for c in SALESFORCE.columns][:2] == ["Customer_ID__c", "Name"]
    assert all(c.header.endswith("__c") for c in SALESFORCE.columns if c.header != "Name")
    for crm in CRM_FILES:
        assert {c.column for c in crm.columns} == {
            "customer_id",
            "customer_name",
            "account_owner",
            "tier",
            "score",
            "action",
            "reasons",
            "as_of_date",
        }


def test_names_with_commas_quotes_line_breaks_and_utf8_are_quoted_and_read_back_exactly(awkward_run):
    settings = awkward_run
    for crm in CRM_FILES:
        path = settings.warehouse_dir / "exports" / crm.path
        raw = path.read_bytes()
        assert raw.decode("utf-8")  # UTF-8, no byte order mark
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b'"M\xc3\xbcller, ""S\xc3\xb6hne"" & Co.\nZweigniederlassung"' in raw
        _, rows = _read(path)
        names = {row[crm.columns[0].header]: row[crm.columns[1].header] for row in rows}
        assert {customer: names[customer] for customer in AWKWARD} == AWKWARD
        assert len(rows) == len(_customer_tiers(settings.bi_db))


def test_the_readme_tables_are_the_declarations():
    readme = (REPO_ROOT / "README.md").read_text()
    for crm in CRM_FILES:
        assert readme_crm_table(readme, crm) == render_crm_table(crm), "run `tiers docs`"
