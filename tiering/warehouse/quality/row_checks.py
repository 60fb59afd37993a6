"""A feed's row checks at load time, as SQL terms made from its declaration (tiering/feeds.py).

Each check is a term that is NULL when a row passes it and the reason when it fails: type checks (a value that
does not cast to the column's type, a number that is not finite, a missing required value) over the values as read, then the feed's row rules
that quarantine, over the typed values, in their declared order. Only the declaration's identifiers (column
names, types) are written into the SQL; reasons and bounds are bound as parameters.
"""

import re
from dataclasses import dataclass

from tiering.feeds import (
    ROW_POSITION,
    Column,
    Feed,
    NonNegative,
    NotBefore,
    PlausibleDate,
    Positive,
    RowRule,
    Share,
    Text,
)

TIMESTAMPTZ = "TIMESTAMPWITHTIMEZONE"  # a source type as _normal() writes it
EXACT_NUMBERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "DECIMAL")
# text read as a number of this type must equal its typed value, so that nothing is rounded
WIDE_DECIMAL = "DECIMAL(38,18)"
PLAIN_TYPE = re.compile(r"[A-Z0-9_]+(\(\d+,\d+\))?")  # a scalar type name, written back into a round trip
# values written into the checks as parameters (only identifiers are written into the SQL)
CONSTANTS = {
    "blank": "",
    "space": " ",
    "utc": "UTC",
    "zone_after_time": r"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*(Z|[+-][0-9]|[A-Za-z])",
    "starts_with_digit": r"^\s*[0-9]",
}


@dataclass(frozen=True)
class RowChecks:
    identifiers: dict[str, str]  # fill sql/ingest/usable_rows.sql and rejected_rows.sql
    type_params: dict[str, object]  # the reasons of the type checks (rejected_rows.sql only)
    rule_params: dict[str, object]  # the reasons and bounds of the row rules, the defaults (both statements)
    read_params: dict[str, object]  # the values of the reading (CONSTANTS; both statements)


def row_checks(feed: Feed, source_types: dict[str, str]) -> RowChecks:
    """The checks of one landing file whose columns have `source_types` (lower-case name: DuckDB type); a type
    check is left out where the file's column already has the contract's type. The type checks come twice: as
    one condition (for the usable rows, cheaper) and as terms (for the reasons of the others)."""
    type_params: dict[str, object] = {}
    rule_params: dict[str, object] = {}

    def term(condition: str, reason: str, params: dict[str, object]) -> str:
        name = f"reason_{len(type_params) + len(rule_params)}"
        params[name] = reason
        return f"CASE WHEN {condition} THEN ${name} END"

    values = {c.name: _value(feed, c, source_types[c.name]) for c in feed.columns}
    type_conditions = []
    for c in feed.columns:
        type_conditions += _type_conditions(c, values[c.name], source_types[c.name])
        if _normal(c.sql_type) == "DOUBLE":  # NaN and infinities cast (1e309 to infinity) but are no amounts
            condition = f"coalesce(NOT isfinite(TRY_CAST({values[c.name]} AS DOUBLE)), false)"
            type_conditions.append((condition, f"{c.name}: not a finite number"))
        if c.required:
            type_conditions.append((f"{values[c.name]} IS NULL", f"{c.name}: missing"))
    type_terms = [term(condition, reason, type_params) for condition, reason in type_conditions]
    rule_terms = []
    for rule in (r for r in feed.rules if r.reason):
        condition, bounds = _broken(rule)
        rule_terms.append(term(condition, f"{rule.column}: {rule.reason}", rule_params))
        rule_params.update(bounds)
    typed = {c.name: _typed(c, values[c.name], source_types[c.name], rule_params) for c in feed.columns}
    identifiers = {
        "feed": feed.name,
        "columns": ", ".join(feed.column_names),
        "typed_columns": ", ".join(f"{typed[c]} AS {c}" for c in feed.column_names),
        "record": record_fields(feed),
        "type_failed": " OR ".join(f"({condition})" for condition, _ in type_conditions) or "false",
        "type_checks": ", ".join(type_terms) or "NULL",
        "rule_checks": ", ".join(rule_terms) or "NULL",
        "key_as_read": _key_as_read(feed, values),
    }
    return RowChecks(identifiers, type_params, rule_params, CONSTANTS)


def record_fields(feed: Feed, columns: tuple[str, ...] | None = None) -> str:
    """The arguments of struct_pack() that make a row's record (or its key's): each column under its name."""
    return ", ".join(f"{c} := {c}" for c in columns or feed.column_names)


def changed_columns(feed: Feed) -> str:
    """The items of a list naming each column whose value differs between a row's _record and _previous
    (NULL for the others)."""
    return ", ".join(
        f"CASE WHEN _record.{c} IS DISTINCT FROM _previous.{c} THEN '{c}' END" for c in feed.column_names
    )


def _value(feed: Feed, column: Column, source_type: str) -> str:
    """A column's value as read, before its type: text trimmed (blank is missing) or in upper case as its
    declaration says (Feed.text_of); a Parquet timestamp with a time zone as its UTC time."""
    text = feed.text_of(column)
    if source_type == "VARCHAR" and text == Text.TRIMMED:  # trim() only where a space is: 5x cheaper on keys
        name = column.name
        return f"nullif(CASE WHEN starts_with({name}, $space) OR ends_with({name}, $space) THEN trim({name}) ELSE {name} END, $blank)"
    if source_type == "VARCHAR" and text == Text.CODE:
        return f"nullif(upper(trim({column.name})), $blank)"
    if source_type == TIMESTAMPTZ:
        return f"timezone($utc, {column.name})"
    return column.name


def _cast(column: Column, value: str, source_type: str) -> str:
    """The value in its column's type, NULL when it does not cast. Text with a time zone or an offset after
    its time (+02:00, Z, Europe/Berlin) in a TIMESTAMP column is read as that instant and stored as its UTC
    time; the session's time zone never enters."""
    if _normal(column.sql_type) == "TIMESTAMP" and source_type == "VARCHAR":
        return (
            f"CASE WHEN regexp_matches({value}, $zone_after_time) THEN timezone($utc, TRY_CAST({value} AS "
            f"TIMESTAMPTZ)) ELSE TRY_CAST({value} AS TIMESTAMP) END"
        )
    return f"TRY_CAST({value} AS {column.sql_type})"


def _type_conditions(column: Column, value: str, source_type: str) -> list[tuple[str, str]]:
    """The conditions (and reasons) under which a value is not read exactly in its column's type: it does not
    cast, or the cast would change it. A nested Parquet value (struct, list, map) is never a scalar; an integer
    is written in decimal digits (not 0x7A, not 1.5); a date or timestamp starts with its year (not epoch or
    infinity); a number fits a DECIMAL's scale (1E-3 is not 0.00); a typed Parquet value casts back to itself."""
    target = _normal(column.sql_type)
    source = "TIMESTAMP" if source_type == TIMESTAMPTZ else source_type
    if source == target:
        return []
    invalid = f"{column.name}: not a valid {column.sql_type.split('(')[0].lower()}"
    if _nested(source):
        return [(f"{column.name} IS NOT NULL", invalid)]
    cast = _cast(column, value, source_type)
    if source != "VARCHAR":
        round_trip = f"TRY_CAST({cast} AS {source}) IS DISTINCT FROM {value}"
        changed = round_trip if PLAIN_TYPE.fullmatch(source) else "false"
    elif target.startswith(EXACT_NUMBERS):
        changed = f"TRY_CAST({value} AS {WIDE_DECIMAL}) IS DISTINCT FROM {cast}"
    elif target in ("DATE", "TIMESTAMP"):
        changed = f"NOT regexp_matches({value}, $starts_with_digit)"
    else:
        changed = "false"
    if not target.startswith("DECIMAL"):
        return [(f"{value} IS NOT NULL AND ({cast} IS NULL OR {changed})", invalid)]
    scale = target.removesuffix(")").split(",")[1]
    return [
        (f"{value} IS NOT NULL AND {cast} IS NULL", invalid),
        (f"{cast} IS NOT NULL AND {changed}", f"{column.name}: more than {scale} decimal places"),
    ]


def _typed(column: Column, value: str, source_type: str, params: dict[str, object]) -> str:
    """A value as read cast to its column's type; a missing one given the column's default, if any."""
    typed = _cast(column, value, source_type)
    if column.default is None:
        return typed
    if column.default == ROW_POSITION:
        return f"coalesce({typed}, _tiers_row_number::{column.sql_type})"
    params[f"default_{column.name}"] = column.default
    return f"coalesce({typed}, $default_{column.name}::{column.sql_type})"


def _key_as_read(feed: Feed, values: dict[str, str]) -> str:
    """The key as read, as JSON, when reading changed it (a trimmed or upper-cased text), else NULL: a key that
    repeats in its file only once read tells so in its reason (sql/ingest/flag_duplicates.sql)."""
    changed = [f"{k} IS DISTINCT FROM {values[k]}" for k in feed.key if values[k] != k]
    if not changed:
        return "NULL::VARCHAR"
    return f"CASE WHEN {' OR '.join(changed)} THEN to_json(struct_pack({record_fields(feed, feed.key)})) END"


def column_defs(feed: Feed) -> str:
    return ", ".join(f"{c.name} {c.sql_type}" for c in feed.columns)


def _broken(rule: RowRule) -> tuple[str, dict[str, object]]:
    """The condition under which a row breaks the rule, and the values it binds."""
    match rule:
        case NonNegative(column=column):
            return f"{column} < 0", {}
        case Positive(column=column):
            return f"{column} <= 0", {}
        case Share(column=column):
            return f"{column} NOT BETWEEN 0 AND 1", {}
        case PlausibleDate(column=column):
            first, last = f"{column}_first", f"{column}_last"
            return f"{column} NOT BETWEEN ${first} AND ${last}", {first: rule.first, last: rule.last}
        case NotBefore(column=column, earlier=earlier):
            return f"{column} < {earlier}", {}
    raise ValueError(f"{rule} is not checked at load time")


def _normal(sql_type: str) -> str:
    return sql_type.replace(" ", "").upper()


def _nested(sql_type: str) -> bool:
    return sql_type.startswith(("STRUCT(", "MAP(", "UNION(")) or sql_type.endswith("]")
