"""The trait declarations (tiering/traits/__init__.py): complete, consistent, and what the docs, reasons and
lineage are derived from."""

import inspect

import polars as pl

from tiering.clv.traits import FORECAST_COLUMNS
from tiering.lineage import LINEAGE
from tiering.outputs import BI_NAMES, OUTPUT_TABLES
from tiering.policy import SCORABLE_TRAITS
from tiering.reasons import describe_trait, number
from tiering.traits import CUSTOMER_TRAITS, FORECAST_TRAITS, RISING, TRAIT_COLUMNS, TRAITS


def test_one_declaration_per_trait_column_in_column_order() -> None:
    names = [trait.name for trait in CUSTOMER_TRAITS]
    assert len(names) == len(set(names)) == 23 and len(TRAITS) == 19
    assert names == [*TRAIT_COLUMNS, *FORECAST_COLUMNS, "rising"]
    assert list(OUTPUT_TABLES[1].columns) == ["customer_id", "as_of_date", *names]  # marts.customer_traits


def test_a_computed_traits_definition_is_its_functions_docstring_on_one_line() -> None:
    for trait in TRAITS:
        assert trait.expr.__name__ == trait.name
        assert trait.description == " ".join(inspect.getdoc(trait.expr).split())
    for trait in CUSTOMER_TRAITS:
        assert trait.description and "\n" not in trait.description and trait.description.endswith("."), trait
    assert all(trait.expr is None for trait in (*FORECAST_TRAITS, RISING))


def test_the_docs_and_bi_names_are_the_declarations() -> None:
    for table in OUTPUT_TABLES[:2]:  # customer_tiers, customer_traits
        assert {t.name: table.columns[t.name] for t in CUSTOMER_TRAITS} == {
            t.name: t.description for t in CUSTOMER_TRAITS
        }
    assert BI_NAMES["payment_delay_days"] == "avg_days_paid_late" and "gross_margin" not in BI_NAMES


def test_every_trait_reads_columns_that_exist_and_is_traced_from_them() -> None:
    tables = {table: set(columns) for table, columns in LINEAGE.items()} | {
        "forecast.customer_value": set(FORECAST_COLUMNS)
    }
    for trait in CUSTOMER_TRAITS:
        assert trait.reads, trait.name
        for column in trait.reads:
            table, _, name = column.rpartition(".")
            assert name in tables[table], (trait.name, column)
        assert LINEAGE["marts.customer_traits"][trait.name] == trait.reads


def test_every_scorable_trait_is_worded_and_only_those() -> None:
    assert tuple(SCORABLE_TRAITS) == (*TRAIT_COLUMNS, *FORECAST_COLUMNS)
    assert all(t.words is not None for t in (*TRAITS, *FORECAST_TRAITS)) and RISING.words is None
    for trait in (*TRAITS, *FORECAST_TRAITS):
        before, after = trait.words.sentence.split("{}")  # exactly one place for the value
        text = pl.select(describe_trait(trait.name, pl.lit(0.256), "EUR")).item()
        assert text.startswith(before) and text.endswith(after), trait.name


def test_the_words_print_each_kind_of_value() -> None:
    values = {
        "revenue_12m": 1520.4,
        "gross_margin": 0.256,
        "growth_trend": 0.256,
        "recency_days": 12.0,
        "tickets_per_order": 0.256,
    }
    words = pl.select(
        describe_trait(name, pl.lit(value), "EUR").alias(name) for name, value in values.items()
    )
    assert words.row(0, named=True) == {
        "revenue_12m": "1,520 EUR in the last 12 months",
        "gross_margin": "26% gross margin",
        "growth_trend": "revenue trend +26% (last 6 months vs the 6 before)",
        "recency_days": "last order 12 days ago",
        "tickets_per_order": "0.3 support tickets per order",
    }


def test_numbers_in_the_words_carry_thousands_separators() -> None:
    """One number format: '52,000 USD', as on the dashboard and in `tiers explain`."""
    values = {
        "revenue_12m": 1234567.4,
        "tenure_days": 1500.0,
        "payment_delay_days": -1234.56,
        "growth_trend": 12.346,
        "recency_days": 999.0,
    }
    words = pl.select(
        describe_trait(name, pl.lit(value), "USD").alias(name) for name, value in values.items()
    )
    assert words.row(0, named=True) == {
        "revenue_12m": "1,234,567 USD in the last 12 months",
        "tenure_days": "customer for 1,500 days",
        "payment_delay_days": "-1,234.6 days late on average",
        "growth_trend": "revenue trend +1,235% (last 6 months vs the 6 before)",
        "recency_days": "last order 999 days ago",
    }
    assert [number(v) for v in (25_000, 25_000.0, 0.25, 1_234_567.5, 90)] == [
        "25,000",
        "25,000",
        "0.25",
        "1,234,567.5",
        "90",
    ]
