"""Where the repository's own files are; the TIERS_* settings are declared in assets/resources.py."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
DEFAULT_POLICY = REPO_ROOT / "policy" / "ideal_customer.yaml"


class SettingsError(ValueError):
    """An environment variable with a value that cannot be used; the message names it."""
