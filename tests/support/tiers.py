"""`tiers` as a user starts it: a process of its own, with no TIERS_* variable but those a test gives."""

import os
import subprocess
import sys
from pathlib import Path


def run_tiers(
    args: list[str], environment: dict[str, str], cwd: Path | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """`tiers <args>` with this process's environment less its TIERS_* variables, plus `environment`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TIERS_")}
    return subprocess.run(
        [sys.executable, "-m", "tiering.cli", *args],
        cwd=cwd,
        env=clean | environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
