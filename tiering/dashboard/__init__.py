"""The tier dashboard: one self-contained HTML page per run, for people who would rather look than read."""

import os
import uuid
from pathlib import Path

from tiering.dashboard.data import read_dashboard_data
from tiering.dashboard.page import render_page

FILE_NAME = "tier_dashboard.html"

__all__ = ["FILE_NAME", "read_dashboard_data", "render_page", "write_dashboard"]


def write_dashboard(html: str, folder: Path) -> Path:
    """Write the page to folder/tier_dashboard.html all at once: a reader never sees half a page."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FILE_NAME
    temporary = folder / f".{FILE_NAME}.{uuid.uuid4().hex}.tmp"
    try:
        temporary.write_text(html, encoding="utf-8")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target
