"""The line `tiers run` prints as each step of a run finishes: its name, seconds and the rows it wrote.

Read from the Dagster instance's event log by a thread that polls it, so the lines come whichever executor runs
the steps (this process, subprocesses, Celery workers or Kubernetes pods): a step's success event gives its
duration, its materializations' `dagster/row_count` metadata the rows.
"""

import sys
import threading
from datetime import UTC, datetime
from typing import TextIO

import dagster as dg

POLL_SECONDS = 1.0
ROW_COUNT = "dagster/row_count"
EVENTS = {dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.STEP_SUCCESS}


class StepLines:
    """A context manager printing a line per step of the runs of `job_name` started while it is open, as each
    step succeeds (a failed step is in the failure report); every step that finished is printed when it closes."""

    def __init__(self, instance: dg.DagsterInstance, job_name: str, out: TextIO = sys.stdout):
        self.instance, self.job_name, self.out = instance, job_name, out
        self.cursors: dict[str, str | None] = {}  # run id -> the event log cursor read up to
        self.rows: dict[
            tuple[str, str], list[int]
        ] = {}  # (run id, step) -> row counts of its materializations
        self.printed = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, name="tiers-step-lines", daemon=True)

    def __enter__(self) -> "StepLines":
        self.started = datetime.now(UTC)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        self._read()  # the last steps' events

    def _poll(self) -> None:
        while not self.stop.wait(POLL_SECONDS):
            self._read()

    def _read(self) -> None:
        runs = self.instance.get_run_records(
            filters=dg.RunsFilter(job_name=self.job_name, created_after=self.started), ascending=True
        )
        for run in runs:
            run_id = run.dagster_run.run_id
            page = self.instance.get_records_for_run(run_id, cursor=self.cursors.get(run_id), of_type=EVENTS)
            self.cursors[run_id] = page.cursor
            for record in page.records:
                self._event(run_id, record.event_log_entry)

    def _event(self, run_id: str, entry: dg.EventLogEntry) -> None:
        event = entry.get_dagster_event()
        key = (run_id, entry.step_key or "")
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            rows = entry.asset_materialization.metadata.get(ROW_COUNT)
            if rows is not None:
                self.rows.setdefault(key, []).append(int(rows.value))
        else:
            if not self.printed:
                print("Steps as they finish (seconds, rows written):", file=self.out)
                self.printed = True
            seconds = event.event_specific_data.duration_ms / 1000
            print(step_line(entry.step_key or "", seconds, self.rows.pop(key, [])), file=self.out, flush=True)


def step_line(step: str, seconds: float, rows: list[int]) -> str:
    """'  step <name>  <seconds> s  <rows> rows' (the sum over its tables, with their number when more than one)."""
    written = ""
    if rows:
        tables = f" in {len(rows)} tables" if len(rows) > 1 else ""
        written = f"  {sum(rows):>12,} rows{tables}"
    return f"  step {step:<34} {seconds:>7.1f} s{written}"
