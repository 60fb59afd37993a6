"""CDNOW as clv-fit CSV files, converted once per session; skipped only when shared/data/cdnow is absent."""

from pathlib import Path

import pytest

from support.cdnow import CDNOW_DIR, cdnow_csv


@pytest.fixture(scope="session")
def cdnow(tmp_path_factory) -> dict[str, Path]:
    """{'sample': path, 'master': path} of the converted CDNOW logs."""
    if not (CDNOW_DIR / "CDNOW_sample.txt").is_file():
        pytest.skip(f"the CDNOW logs are not at {CDNOW_DIR} (shared/ beside the repository)")
    out = tmp_path_factory.mktemp("cdnow")
    return {"sample": cdnow_csv("CDNOW_sample.txt", out), "master": cdnow_csv("CDNOW_master.txt", out)}
