"""`tiers` as a user starts it: a process of its own, with no TIERS_* variable but those a test gives."""

import os
import subprocess
import sys
from pathlib import Path


def run_tiers(
    args: list[str], environment: dict[str, str], cwd: Path | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """`tiers <args>` with this process's environment less its TIERS_* variables, plus `environment`."""
    return subprocess.run(
        _command(args), cwd=cwd, env=_env(environment), capture_output=True, text=True, timeout=timeout
    )


def start_tiers(args: list[str], environment: dict[str, str], cwd: Path | None = None) -> subprocess.Popen:
    """`tiers <args>` as run_tiers starts it, without waiting for it to end."""
    return subprocess.Popen(
        _command(args),
        cwd=cwd,
        env=_env(environment),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _command(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "tiering.cli", *args]


def _env(environment: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TIERS_")} | environment
