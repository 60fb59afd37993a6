"""The feed docs, rendered from the declarations in tiering/feeds.py: the README's feed table and docs/feeds.md.

`tiers docs` rewrites both; tests/test_feeds.py checks that they are up to date.
"""

from tiering.feeds import (
    FEEDS,
    Column,
    Difference,
    Feed,
    KnownIn,
    NonNegative,
    NotAfterAsOf,
    NotBefore,
    NotBeforeParent,
    OneOf,
    PlausibleDate,
    Positive,
    RowRule,
    Share,
    Text,
    TotalNotAboveParent,
)
from tiering.settings import REPO_ROOT

README = REPO_ROOT / "README.md"
FEEDS_DOC = REPO_ROOT / "docs" / "feeds.md"
TABLE_HEADER = "| folder | column | required | when missing or empty |"


def render_feed_table() -> str:
    """The README's table of landing folders and their columns: per column, required or optional and what its
    absence means."""
    lines = [TABLE_HEADER, "|---|---|---|---|"]
    for feed in FEEDS.values():
        folder = f"`{feed.name}/`" + (" (optional folder)" if feed.optional else "")
        for n, c in enumerate(feed.columns):
            required = ("yes" if not feed.optional else "if the folder is given") if c.required else "no"
            absent = c.absent if not c.required else "the file is refused; an empty value quarantines the row"
            lines.append(f"| {folder if n == 0 else ''} | {_column_words(feed, c)} | {required} | {absent} |")
    return "\n".join(lines) + "\n"


def render_feeds_doc() -> str:
    """docs/feeds.md: every feed's columns, key, references and row rules, and what happens to a row that
    breaks them."""
    parts = [
        "# The landing feeds\n",
        "Generated from the declarations in `tiering/feeds.py` by `tiers docs`; do not edit.\n",
        "Each feed is a sub-folder of the landing folder (`TIERS_LANDING_DIR`) holding CSV files (`.csv`: UTF-8, "
        "comma, double quotes, a header row, no comment lines: a value may start with `#`), gzip-compressed CSV "
        "files (`.csv.gz`) or Parquet files (`.parquet`); any other file is not read, with a warning naming it, "
        "and hidden files (a name starting with `.`) are left alone. Only `customers/`, `orders/` and `order_lines/` are required; an "
        "optional folder may be absent, and its raw and staging tables are then empty. A file lacking a required "
        "column is refused; an optional column may be missing from a file or empty, and then means what its "
        'table says ("when missing or empty"): NULL unless a default is named. An extra column is ignored with '
        "a warning. At load time a row is quarantined in `quality.rejected_rows`, with its reasons, when a value "
        'does not cast to its column\'s type ("<column>: not a valid <type>"), a number is NaN or infinite '
        '("<column>: not a finite number"), a required value is missing '
        '("<column>: missing"), a row rule marked *quarantined* is broken, its key repeats within its file '
        '("duplicate key: repeated in this file"; the first row wins) or a reference does not resolve '
        '("orphan: <column> not in <feed>"; parents are loaded first). A row whose key was loaded before, or '
        "comes again in a later file of the same load, is skipped when identical and otherwise replaces the "
        "loaded version, recorded in `quality.row_updates`. After the load, the Great Expectations checks of "
        "each raw table verify keys, required values, references and the row rules: `gx_blocking` stops the "
        "run, `gx_warn` only warns.\n",
        "Values are read exactly or quarantined. Key and reference columns are trimmed and a blank one (empty or "
        "only spaces) is missing; their case is kept as written, and keys of a feed that differ only in case "
        "make a warning (run summary, `quality.load_audit`). A column's notes say how else its text is read (a "
        "currency code in upper case). An integer is written in decimal digits (`0x7A` and `1.5` are not "
        "integers), a date or timestamp starts with its year (`epoch` and `infinity` are not dates), an amount "
        'has at most its column\'s decimal places ("<column>: more than 2 decimal places"), a Parquet value of '
        "another type must cast back to itself, and a struct, list or map is never a value. A timestamp with an "
        "offset or a time zone (`+02:00`, `Z`, `Europe/Berlin`, a Parquet `TIMESTAMP WITH TIME ZONE`) is stored "
        "as its UTC time; one without is stored as written.\n",
    ]
    for feed in FEEDS.values():
        parts.append(_feed_section(feed))
    return "\n".join(parts)


def write_docs() -> None:
    """Rewrite docs/feeds.md and the README's feed table from the declarations."""
    FEEDS_DOC.write_text(render_feeds_doc())
    README.write_text(replace_feed_table(README.read_text(), render_feed_table()))


def readme_feed_table(readme: str) -> str:
    """The feed table as it stands in the README: the lines from its header to the first line not in it."""
    lines = readme.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(TABLE_HEADER))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return "".join(lines[start:end])


def replace_feed_table(readme: str, table: str) -> str:
    return readme.replace(readme_feed_table(readme), table, 1)


def _column_words(feed: Feed, column: Column) -> str:
    values = [", ".join(r.values) for r in feed.rules_of(OneOf) if r.column == column.name]
    notes = "; ".join([*values, *([column.note] if column.note else [])])
    return f"{column.name} ({notes})" if notes else column.name


def _feed_section(feed: Feed) -> str:
    lines = [f"## `{feed.name}/`" + (" (optional: the folder may be absent)" if feed.optional else ""), ""]
    lines += [feed.description, "", f"Key: {', '.join(feed.key)}.", ""]
    lines += ["| column | type | required | when missing or empty | notes |", "|---|---|---|---|---|"]
    for c in feed.columns:
        absent = c.absent or "the file is refused; an empty value quarantines the row"
        text = feed.text_of(c)
        notes = "; ".join(n for n in (text.value if text != Text.AS_READ else "", c.note) if n)
        lines.append(f"| {c.name} | {c.sql_type} | {'yes' if c.required else 'no'} | {absent} | {notes} |")
    if feed.parents:
        lines += ["", "References (an orphan is quarantined, and `gx_blocking` checks them):", ""]
        lines += [f"- {p.column} → {p.feed}.{p.feed_column}" for p in feed.parents]
    if feed.rules:
        lines += ["", "Row rules:", ""]
        lines += [f"- {_rule_words(r)}" for r in feed.rules]
    return "\n".join(lines) + "\n"


def _rule_words(rule: RowRule) -> str:
    """The rule in words, then where it is enforced: quarantined at load time, and the check verifying it."""
    enforced = [f'quarantined ("{rule.column}: {rule.reason}")' if rule.reason else "", rule.check or ""]
    return f"{_condition_words(rule)}: {', '.join(f'`{e}`' if e == rule.check else e for e in enforced if e)}"


def _condition_words(rule: RowRule) -> str:
    match rule:
        case NonNegative(column=c):
            return f"{c} ≥ 0"
        case Positive(column=c):
            return f"{c} > 0"
        case Share(column=c):
            return f"{c} from 0 to 1"
        case PlausibleDate(column=c, first=first, last=last):
            return f"{c} between {first} and {last}"
        case NotBefore(column=c, earlier=earlier):
            return f"{c} not before {earlier}"
        case OneOf(column=c, values=values):
            return f"{c} one of {', '.join(values)}"
        case NotAfterAsOf(column=c):
            return f"{c} not after the as-of date of the run"
        case Difference(column=c, minuend=minuend, subtrahend=subtrahend):
            return f"{c} = {minuend} - {subtrahend} within a cent"
        case KnownIn(column=c, feed=feed, feed_column=feed_column):
            return f"{c}, when given, a {feed_column} of {feed} (a row naming an unknown one is kept)"
        case NotBeforeParent(column=c, via=via, parent_column=parent_column):
            return f"{c} not before the {parent_column} of the row {via} names"
        case TotalNotAboveParent(column=c, via=via, parent_column=parent_column):
            return f"the sum of {c} over the rows naming one {via} not above that row's {parent_column}"
    raise ValueError(f"{rule} has no words in tiering/feed_docs.py")
