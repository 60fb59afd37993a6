"""Column lineage people can see: `tiers lineage COLUMN` and docs/lineage.md.

The chain from raw columns to a column, as an indented tree, from the declarations of tiering/lineage.py (the
pipeline's tables), tiering/outputs.py (each `bi` view column over its mart column) and the policy (what the
score, tier and action read). Columns are "schema.table.column".
"""

import difflib
import sys
from collections.abc import Mapping

from tiering.lineage import LINEAGE, scores_lineage
from tiering.outputs import OUTPUT_TABLES
from tiering.policy import Policy, PolicyError, load_policy
from tiering.settings import DEFAULT_POLICY, REPO_ROOT, Settings

LINEAGE_DOC = REPO_ROOT / "docs" / "lineage.md"
Sources = Mapping[str, tuple[str, ...]]  # column -> the columns it is made of; () for a raw or undeclared one
NOT_DECLARED = " (no upstream column declared: set by the step that writes the table)"


class UnknownColumn(LookupError):
    """A column the lineage does not know."""


def column_sources(policy: Policy) -> dict[str, tuple[str, ...]]:
    """Every column the declarations name, with the columns it is made of."""
    sources: dict[str, tuple[str, ...]] = {}
    for table in OUTPUT_TABLES:
        sources |= {f"{table.name}.{column}": () for column in table.columns}
        for column in table.bi_columns():  # tier_order is derived from tier
            sources[f"{table.view}.{column.name}"] = (f"{table.name}.{column.source or 'tier'}",)
    for table, columns in {**LINEAGE, "scoring.customer_scores": scores_lineage(policy)}.items():
        for column, deps in columns.items():
            sources[f"{table}.{column}"] = tuple(dict.fromkeys(deps))
            sources |= {dep: () for dep in deps if dep not in sources}
    return sources


def resolve(name: str, sources: Sources) -> str:
    """The column `name` as the lineage knows it; UnknownColumn naming close matches."""
    name = name.strip()
    if name in sources:
        return name
    last = name.rpartition(".")[2]
    close = difflib.get_close_matches(name, sources, n=3, cutoff=0.6)
    close += [c for c in sources if c.rpartition(".")[2] == last and c not in close and c.startswith("bi.")]
    hint = (
        f": did you mean {', '.join(close[:4])}?"
        if close
        else ": name it as schema.table.column, e.g. bi.customer_tiers.tier"
    )
    raise UnknownColumn(f"unknown column '{name}'{hint}")


def lineage_tree(column: str, sources: Sources) -> list[str]:
    """The column, then what it is made of, indented: each column once per branch, a subtree shown once (later
    mentions say "see above")."""
    lines, expanded = [column], set()

    def walk(node: str, prefix: str, branch: frozenset[str]) -> None:
        children = [c for c in sources.get(node, ()) if c not in branch]
        for n, child in enumerate(children):
            last = n == len(children) - 1
            shown = child in expanded and bool(sources.get(child))
            note = " (see above)" if shown else _leaf_note(child, sources)
            lines.append(f"{prefix}{'└─ ' if last else '├─ '}{child}{note}")
            if not shown:
                expanded.add(child)
                walk(child, prefix + ("   " if last else "│  "), branch | {child})

    walk(column, "", frozenset({column}))
    return lines


def raw_sources(column: str, sources: Sources) -> list[str]:
    """The raw columns the column is made of, sorted."""
    seen, todo = set(), [column]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += sources.get(node, ())
    return sorted(c for c in seen if c.startswith("raw."))


def lineage_text(column: str, sources: Sources) -> str:
    """The tree, then the raw sources by table."""
    lines = lineage_tree(column, sources)
    raw = raw_sources(column, sources)
    by_table: dict[str, list[str]] = {}
    for source in raw:
        table, _, name = source.rpartition(".")
        by_table.setdefault(table, []).append(name)
    lines += ["", f"Raw sources ({len(raw)}):" if raw else "Raw sources: none"]
    lines += [f"  {table}: {', '.join(names)}" for table, names in by_table.items()]
    return "\n".join(lines)


def lineage_command(column: str, settings: Settings) -> int:
    """`tiers lineage COLUMN`: print its lineage with the policy in use; 2 for an unknown column."""
    try:
        sources = column_sources(load_policy(settings.policy_path))
        print(lineage_text(resolve(column, sources), sources))
    except (PolicyError, UnknownColumn) as exc:
        print(f"tiers: {exc}", file=sys.stderr)
        return 2
    return 0


_INTRO = """\
# Column lineage

Where each published column comes from: the chain of columns from the raw feeds to the column of a `bi` view, as
`tiers lineage bi.<view>.<column>` prints it (it accepts the `marts`, `scoring`, `forecast`, `staging` and `raw`
columns too). A column is listed once per branch; a subtree already shown says "see above". The raw sources are
listed under each tree.

Generated by `tiers docs` from `tiering/lineage.py`, `tiering/outputs.py` and the default policy
(`{policy}`: what the score, tier and action read); `tiers lineage` uses the policy of `TIERS_POLICY`. A test
fails when this page and the declarations drift apart.
"""


def render_lineage_doc(policy: Policy) -> str:
    """docs/lineage.md: the lineage of every column of every `bi` view."""
    sources = column_sources(policy)
    lines = _INTRO.format(policy=DEFAULT_POLICY.relative_to(REPO_ROOT)).splitlines()
    for table in OUTPUT_TABLES:
        lines += ["", f"## `{table.view}`"]
        for column in table.bi_columns():
            name = f"{table.view}.{column.name}"
            lines += ["", f"### `{name}`", "", "```", lineage_text(name, sources), "```"]
    return "\n".join(lines) + "\n"


def write_lineage_doc() -> None:
    LINEAGE_DOC.write_text(render_lineage_doc(load_policy(DEFAULT_POLICY)))


def _leaf_note(column: str, sources: Sources) -> str:
    return "" if sources.get(column) or column.startswith("raw.") else NOT_DECLARED
