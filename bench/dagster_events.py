"""Per-step times of a finished Dagster run, read from the instance's event log, and their stages.

Stages (the names the benchmark reports):
- ingest:  raw_feeds                     loading the landing files into the typed raw tables
- checks:  every asset-check step        (the Great Expectations suites, gx_*)
- staging: staging_tables                from raw tables to the staging tables
- shards:  forecast__customer_value.*,   the forecast, the traits and the scores, each planned (exports, the
           marts__customer_traits.*,     forecast fit), computed one step per shard and gathered
           scoring__customer_scores.*
- marts:   mart_tables, policy_backtest, the marts, the backtest of a year before, the quarterly review and
           marts__quarterly_review,      the parent accounts
           marts__account_tiers
- publish: bi__*, reports__*,            the BI file, the Parquet and CRM exports, the dashboard and the alerts
           marts__tier_alerts
A step matching none of them is reported under `other`, so nothing is silently dropped.
"""

import fnmatch
from dataclasses import dataclass
from pathlib import Path

STAGES = ("ingest", "checks", "staging", "shards", "marts", "publish")
STAGE_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ingest", ("raw_feeds",)),
    ("staging", ("staging_tables",)),
    ("shards", ("forecast__customer_value*", "marts__customer_traits*", "scoring__customer_scores*")),
    ("marts", ("mart_tables", "policy_backtest", "marts__quarterly_review", "marts__account_tiers")),
    ("publish", ("bi__*", "reports__*", "marts__tier_alerts")),
)


@dataclass
class Step:
    key: str
    stage: str
    start: float  # epoch seconds
    end: float
    status: str  # success, failure, skipped

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class RunEvents:
    run_id: str
    status: str
    first_event: float
    run_start: float | None
    run_end: float | None
    last_event: float
    steps: list[Step]


def stage_of(step_key: str, check_steps: set[str]) -> str:
    if step_key in check_steps:
        return "checks"
    for stage, patterns in STAGE_PATTERNS:
        if any(fnmatch.fnmatchcase(step_key, p) for p in patterns):
            return stage
    return "other"


def write_instance_yaml(repo: Path, home: Path) -> Path:
    """DAGSTER_HOME/dagster.yaml: the repository's instance settings with every relative base_dir under `home`.

    The repository's file keeps its run history in relative folders (.dagster_home/...); the benchmark's
    instance must not write into the checkout, so those folders move under the temporary home.
    """
    import yaml

    config = yaml.safe_load((repo / "dagster.yaml").read_text()) or {}

    def relocate(node):
        if isinstance(node, dict):
            return {
                k: (
                    str(home / v)
                    if k == "base_dir" and isinstance(v, str) and not Path(v).is_absolute()
                    else relocate(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [relocate(v) for v in node]
        return node

    home.mkdir(parents=True, exist_ok=True)
    path = home / "dagster.yaml"
    path.write_text(yaml.safe_dump(relocate(config), sort_keys=False))
    return path


def latest_run_events(home: Path, after: float) -> RunEvents:
    """The step times of the newest run of the instance at `home` that started after epoch time `after`."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            raise RuntimeError(f"no Dagster run recorded under {home}")
        run = runs[0]
        records = instance.all_logs(run.run_id)
    if not records or records[0].timestamp < after - 1:
        raise RuntimeError(f"the newest run under {home} ({run.run_id}) is not the one just measured")
    starts: dict[str, float] = {}
    ends: dict[str, tuple[float, str]] = {}
    check_steps: set[str] = set()
    run_start = run_end = None
    for record in records:
        event = record.dagster_event
        if event is None:
            continue
        kind = event.event_type_value
        if kind == "STEP_START":
            starts[event.step_key] = record.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            ends[event.step_key] = (record.timestamp, kind.removeprefix("STEP_").lower())
        elif kind in ("ASSET_CHECK_EVALUATION", "ASSET_CHECK_EVALUATION_PLANNED") and event.step_key:
            check_steps.add(event.step_key)
        elif kind in ("PIPELINE_START", "RUN_START"):
            run_start = record.timestamp
        elif kind in ("PIPELINE_SUCCESS", "RUN_SUCCESS", "PIPELINE_FAILURE", "RUN_FAILURE"):
            run_end = record.timestamp
    # a step that only evaluates checks (no materialization) is a check step; a multi-asset step that also
    # materializes keeps its asset's stage
    materializing = {
        r.dagster_event.step_key
        for r in records
        if r.dagster_event is not None and r.dagster_event.event_type_value == "ASSET_MATERIALIZATION"
    }
    check_steps -= materializing
    steps = [
        Step(key, stage_of(key, check_steps), start, *ends.get(key, (start, "unfinished")))
        for key, start in starts.items()
    ]
    return RunEvents(
        run_id=run.run_id,
        status=str(run.status.value),
        first_event=records[0].timestamp,
        run_start=run_start,
        run_end=run_end,
        last_event=records[-1].timestamp,
        steps=steps,
    )
