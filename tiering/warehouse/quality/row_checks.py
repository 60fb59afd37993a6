"""A feed's row checks at load time, as SQL terms made from its declaration (tiering/feeds.py).

Each check is a term that is NULL when a row passes it and the reason when it fails: type checks (a value that
does not cast to the column's type, a number that is not finite, a missing required value) over the values as read, then the feed's row rules
that quarantine, over the typed values, in their declared order. Only the declaration's identifiers (column
names, types) are written into the SQL; reasons and bounds are bound as parameters.
"""

from dataclasses import dataclass

from tiering.feeds import ROW_POSITION, Column, Feed, NonNegative, NotBefore, PlausibleDate, Positive, RowRule


@dataclass(frozen=True)
class RowChecks:
    identifiers: dict[str, str]  # fill sql/ingest/usable_rows.sql and rejected_rows.sql
    type_params: dict[str, object]  # the reasons of the type checks (rejected_rows.sql only)
    rule_params: dict[str, object]  # the reasons and bounds of the row rules, the defaults (both statements)


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

    type_conditions = []
    for c in feed.columns:
        if source_types[c.name] != _normal(c.sql_type):
            condition = f"{c.name} IS NOT NULL AND TRY_CAST({c.name} AS {c.sql_type}) IS NULL"
            type_conditions.append((condition, f"{c.name}: not a valid {c.sql_type.split('(')[0].lower()}"))
        if _normal(c.sql_type) == "DOUBLE":  # NaN and infinities cast (1e309 to infinity) but are no amounts
            condition = f"coalesce(NOT isfinite(TRY_CAST({c.name} AS DOUBLE)), false)"
            type_conditions.append((condition, f"{c.name}: not a finite number"))
        if c.required:
            type_conditions.append((f"{c.name} IS NULL", f"{c.name}: missing"))
    type_terms = [term(condition, reason, type_params) for condition, reason in type_conditions]
    rule_terms = []
    for rule in (r for r in feed.rules if r.reason):
        condition, values = _broken(rule)
        rule_terms.append(term(condition, f"{rule.column}: {rule.reason}", rule_params))
        rule_params.update(values)
    identifiers = {
        "feed": feed.name,
        "columns": ", ".join(feed.column_names),
        "typed_columns": ", ".join(f"{_typed(c, rule_params)} AS {c.name}" for c in feed.columns),
        "record": record_fields(feed),
        "type_failed": " OR ".join(f"({condition})" for condition, _ in type_conditions) or "false",
        "type_checks": ", ".join(type_terms) or "NULL",
        "rule_checks": ", ".join(rule_terms) or "NULL",
    }
    return RowChecks(identifiers, type_params, rule_params)


def record_fields(feed: Feed, columns: tuple[str, ...] | None = None) -> str:
    """The arguments of struct_pack() that make a row's record (or its key's): each column under its name."""
    return ", ".join(f"{c} := {c}" for c in columns or feed.column_names)


def changed_columns(feed: Feed) -> str:
    """The items of a list naming each column whose value differs between a row's _record and _previous
    (NULL for the others)."""
    return ", ".join(
        f"CASE WHEN _record.{c} IS DISTINCT FROM _previous.{c} THEN '{c}' END" for c in feed.column_names
    )


def _typed(column: Column, params: dict[str, object]) -> str:
    """A value as read cast to its column's type; a missing one given the column's default, if any."""
    typed = f"TRY_CAST({column.name} AS {column.sql_type})"
    if column.default is None:
        return typed
    if column.default == ROW_POSITION:
        return f"coalesce({typed}, _tiers_row_number::{column.sql_type})"
    params[f"default_{column.name}"] = column.default
    return f"coalesce({typed}, $default_{column.name}::{column.sql_type})"


def column_defs(feed: Feed) -> str:
    return ", ".join(f"{c.name} {c.sql_type}" for c in feed.columns)


def _broken(rule: RowRule) -> tuple[str, dict[str, object]]:
    """The condition under which a row breaks the rule, and the values it binds."""
    match rule:
        case NonNegative(column=column):
            return f"{column} < 0", {}
        case Positive(column=column):
            return f"{column} <= 0", {}
        case PlausibleDate(column=column):
            first, last = f"{column}_first", f"{column}_last"
            return f"{column} NOT BETWEEN ${first} AND ${last}", {first: rule.first, last: rule.last}
        case NotBefore(column=column, earlier=earlier):
            return f"{column} < {earlier}", {}
    raise ValueError(f"{rule} is not checked at load time")


def _normal(sql_type: str) -> str:
    return sql_type.replace(" ", "").upper()
