"""Shared fixtures: demo data generated once per session, the real definitions run on it."""

import os
import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import pytest

from assets.resources import run_config
from pipelines.definitions import nightly_tiers
from pipelines.jobs import as_of_runs
from tiering.demo_data import generate
from tiering.settings import Settings

AS_OF = date(2026, 6, 30)


def make_settings(root: Path, landing: Path | None = None) -> Settings:
    """The default settings with the landing folder `landing` (default root/landing) and warehouse root/warehouse."""
    return Settings(landing_dir=landing or root / "landing", warehouse_dir=root / "warehouse")


def run_nightly(
    settings: Settings,
    as_of: date = AS_OF,
    first: date | None = None,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """One run of the real nightly job for the as-of dates first..as_of (just as_of by default), with
    `settings` given as run config, as `tiers run` gives its own, on `instance` (a new ephemeral one by
    default), their as-of partitions added to it as `tiers run` adds them."""
    with dg.DagsterInstance.ephemeral() if instance is None else nullcontext(instance) as used:
        (tags,) = as_of_runs(used, first or as_of, as_of)
        return nightly_tiers().execute_in_process(
            run_config=run_config(settings), instance=used, tags=tags, raise_on_error=False
        )


@pytest.fixture(scope="session")
def as_of() -> date:
    return AS_OF


@pytest.fixture(scope="session")
def pipeline():
    """The helpers to set up and run the nightly job: pipeline.settings(root), pipeline.run(settings)."""
    return SimpleNamespace(settings=make_settings, run=run_nightly)


@pytest.fixture(scope="session")
def s_landing(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("s_data") / "landing"
    generate(landing, size="S", seed=7, end_date=AS_OF)
    return landing


@pytest.fixture(scope="session")
def s_run(tmp_path_factory, s_landing) -> tuple[Settings, dg.ExecuteInProcessResult]:
    settings = make_settings(tmp_path_factory.mktemp("s_run"), landing=s_landing)
    return settings, run_nightly(settings)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave without interpreter finalisation, once pytest has reported everything.

    DuckDB 2.0's nanobind bindings print pages of 'leaked instance' warnings at interpreter exit after some
    test sequences; they are harmless but bury pytest's summary line, which is the last thing a reader sees.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(config._tiers_exit_status)


def pytest_sessionfinish(session, exitstatus):
    session.config._tiers_exit_status = int(exitstatus)
