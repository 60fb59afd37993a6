"""The CRM-ready exports: marts.customer_tiers as the CSV files HubSpot and Salesforce import, declared once.

Each file's columns: the header (the field the CRM's import maps the column to), the marts.customer_tiers column
it holds and what to create in the CRM for it. The publish step writes the files under exports/crm/ with the
Parquet exports (tiering/warehouse/publish.py); the README's "CRM exports" tables are rendered from here.
"""

from dataclasses import dataclass

from tiering.feed_docs import README
from tiering.warehouse.sql import render

CRM_FOLDER = "crm"  # under the exports folder


@dataclass(frozen=True)
class CrmColumn:
    header: str  # the column's header in the file: the CRM field it maps to
    column: str  # the marts.customer_tiers column it holds
    field: str  # the CRM field, and what to create for it if it is not standard


@dataclass(frozen=True)
class CrmFile:
    name: str  # the file under exports/crm/
    tool: str
    columns: tuple[CrmColumn, ...]

    @property
    def path(self) -> str:
        """The file's path under the exports folder."""
        return f"{CRM_FOLDER}/{self.name}"

    def select(self) -> str:
        """The query that gives the file's rows, one per customer, its columns under their headers."""
        columns = ",\n    ".join(f'{c.column} AS "{c.header}"' for c in self.columns)
        return render("crm:rows", columns=columns)


# HubSpot's companies import maps a header to the property of that label. A company is matched by a unique
# property: "Customer ID" (a custom property with "Require unique values"), so a nightly import updates the
# companies it created the night before. "Company owner" takes the e-mail (or name) of a HubSpot user.
HUBSPOT = CrmFile(
    name="hubspot_companies.csv",
    tool="HubSpot",
    columns=(
        CrmColumn(
            "Customer ID",
            "customer_id",
            "custom company property `customer_id` (single-line text, *Require unique values*): the record id "
            "HubSpot matches companies on",
        ),
        CrmColumn("Company name", "customer_name", "default property `name`"),
        CrmColumn(
            "Company owner",
            "account_owner",
            "default property `hubspot_owner_id`: a user's e-mail or name; empty for an unowned account",
        ),
        CrmColumn("Tier", "tier", "custom property `tier` (dropdown select: Ideal, Acceptable, Poor)"),
        CrmColumn("Tier score", "score", "custom property `tier_score` (number, one decimal)"),
        CrmColumn("Tier action", "action", "custom property `tier_action` (single-line text)"),
        CrmColumn("Tier reasons", "reasons", "custom property `tier_reasons` (multi-line text)"),
        CrmColumn("Tier as of", "as_of_date", "custom property `tier_as_of` (date picker; YYYY-MM-DD)"),
    ),
)

# Salesforce's Data Loader and Data Import Wizard map a header that is a field's API name to that field. An
# account is matched by the external id Customer_ID__c (upsert). Owner (OwnerId) takes a Salesforce user id,
# not an e-mail: the owner goes to a text field of its own.
SALESFORCE = CrmFile(
    name="salesforce_accounts.csv",
    tool="Salesforce",
    columns=(
        CrmColumn(
            "Customer_ID__c",
            "customer_id",
            "custom field Text(255), *External ID* and *Unique*: the id the upsert matches accounts on",
        ),
        CrmColumn("Name", "customer_name", "standard field Account Name"),
        CrmColumn(
            "Account_Owner__c",
            "account_owner",
            "custom field Text(255): the owner's e-mail or name; empty if none",
        ),
        CrmColumn("Tier__c", "tier", "custom field Picklist (Ideal, Acceptable, Poor) or Text(20)"),
        CrmColumn("Tier_Score__c", "score", "custom field Number(3, 1)"),
        CrmColumn("Tier_Action__c", "action", "custom field Text(40)"),
        CrmColumn("Tier_Reasons__c", "reasons", "custom field Long Text Area(1000)"),
        CrmColumn("Tier_As_Of__c", "as_of_date", "custom field Date (yyyy-MM-dd)"),
    ),
)

CRM_FILES = (HUBSPOT, SALESFORCE)


def crm_exports() -> dict[str, str]:
    """Each CRM file's path under the exports folder, with the query that gives its rows."""
    return {crm.path: crm.select() for crm in CRM_FILES}


def render_crm_table(crm: CrmFile) -> str:
    """The README's table of a CRM file's columns."""
    lines = [f"| `{crm.name}` column | from `marts.customer_tiers` | {crm.tool} field |", "|---|---|---|"]
    lines += [f"| `{c.header}` | `{c.column}` | {c.field} |" for c in crm.columns]
    return "\n".join(lines) + "\n"


def readme_crm_table(readme: str, crm: CrmFile) -> str:
    """The CRM file's table as it stands in the README: from its header line to the first line not in it."""
    lines = readme.splitlines(keepends=True)
    header = render_crm_table(crm).splitlines()[0]
    start = next(i for i, line in enumerate(lines) if line.rstrip("\n") == header)
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return "".join(lines[start:end])


def write_crm_tables() -> None:
    """Rewrite the README's CRM tables from the declarations."""
    readme = README.read_text()
    for crm in CRM_FILES:
        readme = readme.replace(readme_crm_table(readme, crm), render_crm_table(crm), 1)
    README.write_text(readme)
