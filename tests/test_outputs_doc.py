"""docs/outputs.md is generated from tiering/outputs.py and matches the published tables."""

import duckdb

from tiering.outputs import OUTPUT_TABLES, render_outputs_doc
from tiering.settings import REPO_ROOT


def test_outputs_doc_is_up_to_date():
    assert (REPO_ROOT / "docs" / "outputs.md").read_text() == render_outputs_doc(), "run `tiers docs`"


def test_documented_columns_are_the_published_columns(s_run):
    settings, _ = s_run
    with duckdb.connect(str(settings.bi_db), read_only=True) as con:
        for table in OUTPUT_TABLES:
            published = [row[0] for row in con.execute(f"DESCRIBE {table.name}").fetchall()]
            assert published == list(table.columns), table.name
