"""The benchmark's JSON as markdown tables, and the issue's targets checked against it.

python -m bench.report bench/results/<stamp>.json   # prints the markdown of a finished run
"""

import json
import statistics
import sys
from pathlib import Path

from bench.dagster_events import STAGES
from bench.new_day import FEEDS as NEW_DAY_FEEDS

GIB_MIB = 1024
LABELS = {
    "first_load": "pipeline, first load",
    "nightly": "pipeline, night without new files",
    "new_day": "pipeline, night with one day of new exports",
    "scan_floor": "scan floor (one DuckDB query, per key, no joins)",
    "scan_limit": "scan limit (one DuckDB query, per customer, with joins)",
    "copy_floor": "copy floor (every landing feed copied as is into a new DuckDB file)",
    "pandas": "pandas alternative",
}
MEASURES = tuple(LABELS)
PIPELINE_MEASURES = ("first_load", "nightly", "new_day")
FLOORS = ("scan_floor", "scan_limit", "copy_floor")  # each the module bench.<name>
SHORT_NAMES = {
    "first_load": "first load",
    "nightly": "night, no new files",
    "new_day": "night, new day",
    "scan_floor": "scan floor",
    "scan_limit": "scan limit",
    "copy_floor": "copy floor",
    "pandas": "pandas",
}


def _spread(entry: dict, digits: int = 1) -> str:
    median, low, high = entry["median"], entry["min"], entry["max"]
    if entry.get("n", 1) == 1 or low == high:
        return f"{median:,.{digits}f}"
    return f"{median:,.{digits}f} [{low:,.{digits}f}-{high:,.{digits}f}]"


def _ratio(entry: dict | None) -> str:
    if not entry:
        return "n/a"
    low, high = entry["min"], entry["max"]
    if abs(high - low) < 0.05:
        return f"{entry['of_medians']:.1f}x"
    return f"{entry['of_medians']:.1f}x [{low:.1f}-{high:.1f}]"


def _measure_cells(entry: dict) -> str:
    if "failed" in entry:
        return f"FAILED: {entry['failed']} | | "
    cells = f"{_spread(entry['wall_seconds'])} | {_spread(entry['peak_rss_mib'], 0)} | {_spread(entry['cpu_seconds'])}"
    if entry.get("failures"):
        cells += f" ({entry['failures']} failed run(s))"
    return cells


def _measures(summary: dict) -> list[str]:
    """The measurements a run has (a report of an older harness has fewer)."""
    return [measure for measure in MEASURES if measure in summary]


def size_table(size: str, result: dict) -> str:
    """Wall time and peak memory of each measurement of one size."""
    summary, rows = result["summary"], result["data"]["rows"]
    lines = [
        f"\n{size}: {rows.get('customers', 0):,} customers, {rows.get('orders', 0):,} orders, "
        f"{rows.get('order_lines', 0):,} order lines",
        "| measurement | wall s | peak RSS MiB | CPU s |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {LABELS[m]} | {_measure_cells(summary[m])} |" for m in _measures(summary)]
    return "\n".join(lines)


def markdown(results: dict) -> str:
    machine, settings, sizes = results["machine"], results["settings"], results["sizes"]
    at_end = results.get("load_average_at_end")
    repeats = f"{settings['repeats']} repeat(s) per size"
    if settings.get("repeats_large", settings["repeats"]) != settings["repeats"]:
        repeats += f", {settings['repeats_large']} for L and XL"
    out = [
        f"Run of {results['started']} on {machine['cpu_model']}, {machine['cpus']} cores "
        f"({machine['cpus_usable']} usable), {machine['memory_gib']} GiB memory; load average (1, 5, 15 min) at "
        f"start {', '.join(map(str, machine['load_average_at_start']))}"
        + (f", at end {', '.join(map(str, at_end))}" if at_end else "")
        + ".",
        "",
        f"Command: `{results['command']}` ({repeats}, as of {settings['as_of']}, Parquet landing files, seed "
        f"{settings['seed']}). Checkout {str(results['checkout'].get('commit'))[:12]}; "
        + ", ".join(f"{k} {v}" for k, v in results["versions"].items() if v)
        + ".",
        "",
        "**Wall time and peak memory** of each process (median [min-max] over the repeats; peak RSS of the whole "
        "process tree; CPU = user + system seconds)"
        + (
            ". The night with new exports and the floors are as of the day after the data's last day, on the "
            "files with that day added; the other runs as of the last day:"
            if any("new_day" in r["summary"] for r in sizes.values())
            else ":"
        ),
        "",
        "| size | customers | orders | measurement | wall s | peak RSS MiB | CPU s |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for size, result in sizes.items():
        rows, summary = result["data"]["rows"], result["summary"]
        for measure in _measures(summary):
            out.append(
                f"| {size} | {rows.get('customers', 0):,} | {rows.get('orders', 0):,} | {LABELS[measure]} "
                f"| {_measure_cells(summary[measure])} |"
            )
    out += _new_day_table(sizes) + _stage_table(sizes) + _overhead_table(sizes) + _ratio_table(sizes)
    out += _cross_check_table(sizes) + _scaling_table(results) + _slowest_steps(sizes)
    notes = _audit_notes(sizes) + _agreement_notes(sizes)
    if notes:
        out += ["", "**Notes**:", "", *notes]
    if results.get("targets"):
        out += ["", "**Targets** of the issue:", "", "| target | measured | status |", "|---|---:|---|"]
        out += [f"| {t['target']} | {t['measured']} | {t['status']} |" for t in results["targets"]]
    return "\n".join(out) + "\n"


def _new_day_table(sizes: dict) -> list[str]:
    runs = {size: r["runs"][-1] for size, r in sizes.items() if "new_day_exports" in r["runs"][-1]}
    if not runs:
        return []
    out = [
        "",
        "**The new day** (last repeat): the rows written per feed (bench/new_day.py: the data's last day again, "
        "with new ids, a day later; orders of the past updated too when `updates` is above 0), and what the "
        "night's ingest did with each feed (its load audit).",
        "",
        "| size | day | updates | " + " | ".join(NEW_DAY_FEEDS) + " | ingest |",
        "|---|---|---:|" + "---:|" * len(NEW_DAY_FEEDS) + "---|",
    ]
    for size, run in runs.items():
        exports = run["new_day_exports"]
        cells = [f"{exports['rows'].get(feed, 0):,}" for feed in NEW_DAY_FEEDS]
        audit = run["new_day"].get("load_audit")
        if audit is None:
            ingest = "not run"
        elif "error" in audit:
            ingest = f"audit unreadable ({audit['error']})"
        else:
            ingest = "; ".join(_new_day_surprises(exports, audit)) or "as expected"
        out.append(
            f"| {size} | {exports['day']} | {exports.get('updates', 0)} | "
            + " | ".join(cells)
            + f" | {ingest} |"
        )
    out += [
        "",
        "As expected: the five new-day feeds 'loaded' with as many rows as were written (and none rejected), "
        "every other feed 'unchanged'.",
    ]
    return out


def _new_day_surprises(exports: dict, audit: dict) -> list[str]:
    """Where the new-day night's load audit is not what the new day's files should give."""
    surprises = []
    for feed, load in audit.items():
        expected = "loaded" if feed in NEW_DAY_FEEDS else "unchanged"
        if load["status"] != expected:
            surprises.append(f"{feed} {load['status']} (expected {expected})")
        elif feed in NEW_DAY_FEEDS:
            written = exports["rows"].get(feed, 0) + exports["rows"].get(f"{feed} updated", 0)
            if (load["rows_loaded"], load["rows_rejected"]) != (written, 0):
                surprises.append(
                    f"{feed} {load['rows_loaded']:,} rows loaded, {load['rows_rejected']:,} rejected "
                    f"of {written:,} written"
                )
    return surprises


def _stage_table(sizes: dict) -> list[str]:
    out = [
        "",
        "**Stages of the pipeline** from the Dagster step events: seconds (median [min-max]) and, on the line "
        "below, the peak RSS of the process while the stage ran (MiB, median). Dagster overhead = process wall "
        "time minus the sum of the step times.",
        "",
        "| size | run | " + " | ".join(STAGES) + " | other | Dagster overhead |",
        "|---|---|" + "---:|" * (len(STAGES) + 2),
    ]
    for size, result in sizes.items():
        for measure in PIPELINE_MEASURES:
            entry = result["summary"].get(measure)
            if entry is None:
                continue
            if "failed" in entry:
                out.append(
                    f"| {size} | {SHORT_NAMES[measure]} | FAILED: {entry['failed']} |"
                    + " |" * (len(STAGES) + 1)
                )
                continue
            stages = entry["stages"]
            names = (*STAGES, "other")
            cells = [_spread(stages[s]["seconds"]) if s in stages else "-" for s in names]
            memory = [f"{stages[s]['peak_rss_mib']['median']:,.0f}" if s in stages else "" for s in names]
            overhead = _spread(entry["dagster_overhead_seconds"])
            out.append(f"| {size} | {SHORT_NAMES[measure]} | " + " | ".join(cells) + f" | {overhead} |")
            out.append("| | peak RSS MiB | " + " | ".join(memory) + " | |")
    return out


def _overhead_table(sizes: dict) -> list[str]:
    out = [
        "",
        "**Dagster overhead of the nights**, split (median seconds): interpreter start, imports, definitions "
        "load and instance up to the run's first event; bookkeeping between the steps; from the last event to "
        "the process exit (the CLI's summary and interpreter shutdown).",
        "",
        "| size | run | total | start to first event | between steps | last event to exit | steps |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for size, result in sizes.items():
        for measure in ("nightly", "new_day"):
            runs = [r[measure] for r in result["runs"] if measure in r and "failed" not in r[measure]]
            if not runs:
                continue
            parts = {
                key: statistics.median(r["overhead_breakdown"][key] for r in runs)
                for key in ("process_start_to_first_event", "between_steps", "last_event_to_exit")
            }
            total = statistics.median(r["dagster_overhead_seconds"] for r in runs)
            out.append(
                f"| {size} | {SHORT_NAMES[measure]} | {total:.1f} | {parts['process_start_to_first_event']:.1f} "
                f"| {parts['between_steps']:.1f} | {parts['last_event_to_exit']:.1f} | {len(runs[-1]['steps'])} |"
            )
    return out


def _ratio_table(sizes: dict) -> list[str]:
    out = [
        "",
        "**Ratios**, measured side by side in the same run: each pipeline run over each floor, and pandas over "
        "the run; ratio of the median wall times [min-max of the per-repeat ratios], then the same in CPU "
        "seconds. pandas / run below 1 means pandas was faster.",
        "",
        "| size | run | "
        + " | ".join([*(f"/ {SHORT_NAMES[f]}" for f in FLOORS), "pandas / run"])
        + " | "
        + " | ".join([*(f"CPU / {SHORT_NAMES[f]}" for f in FLOORS), "CPU pandas / run"])
        + " |",
        "|---|---|" + "---:|" * 2 * (len(FLOORS) + 1),
    ]
    for size, result in sizes.items():
        summary = result["summary"]
        for run in PIPELINE_MEASURES:
            if run not in summary:
                continue
            names = [*(f"{run}_over_{floor}" for floor in FLOORS), f"pandas_over_{run}"]
            wall = [_ratio(summary["ratios"].get(name)) for name in names]
            cpu = [_ratio(summary["cpu_ratios"].get(name)) for name in names]
            out.append(f"| {size} | {SHORT_NAMES[run]} | " + " | ".join(wall + cpu) + " |")
    return out


def _cross_check_table(sizes: dict) -> list[str]:
    out = [
        "",
        "**Cross-checks**: the tiers of the pandas alternative equal to those of the night without new files "
        "(same files, same as-of date), customer by customer; that night's tiers and traits equal to the first "
        "load's.",
        "",
        "| size | tiers agreeing | night = first load |",
        "|---|---:|---|",
    ]
    for size, result in sizes.items():
        agreement = result["summary"].get("agreement")
        if agreement:
            last = agreement["last"]
            agreeing = (
                f"{100 * agreement['agreement_share']:.2f}% ({last['agreeing']:,} of {last['customers']:,})"
            )
            same = "yes" if agreement["nightly_equals_first_load"] else "NO"
        else:
            agreeing, same = "not compared", "n/a"
        out.append(f"| {size} | {agreeing} | {same} |")
    return out


def _scaling_table(results: dict) -> list[str]:
    if not results.get("scaling"):
        return []
    out = [
        "",
        "**Scaling**: ratio of the median wall times between sizes.",
        "",
        "| sizes | customers x | orders x | " + " | ".join(f"{SHORT_NAMES[m]} x" for m in MEASURES) + " |",
        "|---|---:|---:|" + "---:|" * len(MEASURES),
    ]
    for step, entry in results["scaling"].items():
        cells = [f"{entry[f'{m}_time_ratio']:.1f}" if f"{m}_time_ratio" in entry else "n/a" for m in MEASURES]
        out.append(
            f"| {step.replace('_to_', ' to ')} | {entry['customers_ratio']:.0f} | {entry['orders_ratio']:.1f} | "
            + " | ".join(cells)
            + " |"
        )
    return out


def _slowest_steps(sizes: dict) -> list[str]:
    done = [s for s, r in sizes.items() if "steps" in r["summary"]["first_load"]]
    if not done:
        return []
    largest = sizes[done[-1]]
    runs = [m for m in PIPELINE_MEASURES if "steps" in largest["summary"].get(m, {})]
    steps = {m: largest["summary"][m]["steps"] for m in runs}
    keys = {key for m in runs for key in steps[m]}
    slowest = sorted(keys, key=lambda k: -max(steps[m][k]["median"] for m in runs if k in steps[m]))[:15]
    peaks = {}
    for m in runs:
        done_runs = [r[m] for r in largest["runs"] if "failed" not in r[m]]
        peaks[m] = done_runs[-1]["steps"] if done_runs else {}
    out = [
        "",
        f"**Slowest steps** at {done[-1]} (median seconds; peak RSS of the process during the step, MiB, last "
        "repeat):",
        "",
        "| step | stage | " + " | ".join(f"{SHORT_NAMES[m]} s | MiB" for m in runs) + " |",
        "|---|---|" + "---:|---:|" * len(runs),
    ]
    for key in slowest:
        stage = next((peaks[m][key]["stage"] for m in runs if key in peaks[m]), "")
        cells = []
        for m in runs:
            peak = peaks[m].get(key, {}).get("peak_rss_mib")
            cells += [
                f"{steps[m][key]['median']:.1f}" if key in steps[m] else "-",
                f"{peak:,.0f}" if peak else "-",
            ]
        out.append(f"| {key} | {stage} | " + " | ".join(cells) + " |")
    return out


def _audit_notes(sizes: dict) -> list[str]:
    notes = []
    for size, result in sizes.items():
        for measure in PIPELINE_MEASURES:
            run = next(
                (r[measure] for r in reversed(result["runs"]) if measure in r and "failed" not in r[measure]),
                None,
            )
            if run is None:
                continue
            audit = run.get("load_audit", {})
            if "error" in audit:
                notes.append(f"- {size} {measure}: load audit unreadable ({audit['error']})")
                continue
            rejected = {f: a["rows_rejected"] for f, a in audit.items() if a["rows_rejected"]}
            statuses = sorted({str(a["status"]) for a in audit.values()})
            if rejected:
                notes.append(f"- {size} {measure}: rows quarantined by the ingest: {rejected}")
            if measure == "nightly" and statuses != ["unchanged"]:
                notes.append(
                    f"- {size} nightly: feed load statuses {statuses} (expected every feed 'unchanged')"
                )
    return notes


def _agreement_notes(sizes: dict) -> list[str]:
    notes = []
    for size, result in sizes.items():
        agreement = result["summary"].get("agreement")
        if not agreement:
            continue
        last = agreement["last"]
        if last["agreement_share"] == 1.0 and not last["traits_differing"]:
            continue
        traits = ", ".join(
            f"{t} ({d['customers']:,}, max |diff| {d['max_abs_difference']:.3g})"
            for t, d in last["traits_differing"].items()
        )
        notes.append(
            f"- {size}: {last['customers'] - last['agreeing']:,} tier(s) differ between pandas and the pipeline; "
            f"only in pipeline {last['only_in_pipeline']:,}, only in pandas {last['only_in_pandas']:,}; scores "
            f"differing {last['scores_differing']:,}; traits differing beyond 1e-6: {traits or 'none'}"
        )
        for example in last["examples"][:5]:
            notes.append(
                f"  - {example['customer_id']}: pipeline {example['pipeline']}, pandas {example['pandas']}"
            )
    return notes


def evaluate_targets(results: dict) -> list[dict]:
    """Each target of issue 19: what was measured and whether it is met ('not run' when its size was not).
    "The scan limit" of the issue is the scan floor (per key, no joins); the ratio to the scan limit with joins
    is shown beside it."""
    sizes = results["sizes"]
    targets: list[dict] = []

    def add(target: str, value: float | None, limit: float, measured: str, why: str = "") -> None:
        if value is None:
            status = f"MISSED: {why}" if why else "not run"
            targets.append({"target": target, "measured": why or "not run", "status": status, "value": None})
            return
        status = "met" if value <= limit else f"MISSED ({value / limit:.1f}x the limit)"
        targets.append(
            {"target": target, "measured": measured, "status": status, "value": value, "limit": limit}
        )

    def failed(summary: dict | None, *measures: str) -> str:
        if summary is None:
            return ""
        return "; ".join(f"{m} {summary[m]['failed']}" for m in measures if "failed" in summary[m])

    def ratios(summary: dict | None, run: str) -> tuple[float | None, str]:
        """The run over the scan floor, and both floors' ratios as shown."""
        found = {floor: (summary or {}).get("ratios", {}).get(f"{run}_over_{floor}") for floor in FLOORS}
        if not found["scan_floor"]:
            return None, ""
        with_joins = found["scan_limit"]
        shown = f"{found['scan_floor']['of_medians']:.1f}x the scan floor"
        shown += f" ({with_joins['of_medians']:.1f}x the scan limit with joins)" if with_joins else ""
        return found["scan_floor"]["of_medians"], shown

    large = sizes.get("L", {}).get("summary")
    value, shown = ratios(large, "new_day")
    add(
        "L night with one day of new exports at most 3x the scan limit (the scan floor)",
        value,
        3,
        shown,
        failed(large, "new_day", "scan_floor"),
    )
    peak = large and "peak_rss_mib" in large["new_day"] and large["new_day"]["peak_rss_mib"]["max"] / GIB_MIB
    add(
        "L night with one day of new exports: peak memory under 3 GiB (every repeat)",
        peak or None,
        3,
        f"{peak:.2f} GiB" if peak else "",
        failed(large, "new_day"),
    )
    value, shown = ratios(large, "first_load")
    add(
        "L first load at most 6x the scan limit (the scan floor)",
        value,
        6,
        shown,
        failed(large, "first_load", "scan_floor"),
    )
    targets.append(_over_copy_floor(large, failed(large, "first_load", "copy_floor")))
    extra_large = sizes.get("XL", {}).get("summary")
    if extra_large is None:
        targets.append(
            {"target": "XL completes; figures written down", "measured": "not run", "status": "not run"}
        )
    else:
        why = failed(extra_large, *PIPELINE_MEASURES)
        figures = "; ".join(
            f"{SHORT_NAMES[m]} {extra_large[m]['wall_seconds']['median']:,.0f} s, "
            f"{extra_large[m]['peak_rss_mib']['max'] / GIB_MIB:.2f} GiB"
            for m in PIPELINE_MEASURES
            if "wall_seconds" in extra_large[m]
        )
        targets.append(
            {
                "target": "XL completes; figures written down",
                "measured": "; ".join(filter(None, [why, figures])),
                "status": f"MISSED: {why}" if why else "met",
            }
        )
    return targets


def _over_copy_floor(summary: dict | None, why: str) -> dict:
    """What the L first load costs over the copy floor (writing every landing row into DuckDB, no more), and the
    6x target of the scan floor in copy floors: what the target leaves for typing, quarantine, versions, staging
    and checks."""
    target = "L first load over the copy floor (every landing row written into DuckDB, no more)"
    ratios = (summary or {}).get("ratios", {})
    over, scan = ratios.get("first_load_over_copy_floor"), ratios.get("first_load_over_scan_floor")
    if not (over and scan):
        return {"target": target, "measured": why or "not run", "status": "not run", "value": None}
    cpu = summary["cpu_ratios"]["first_load_over_copy_floor"]["of_medians"]
    room = 6 * over["of_medians"] / scan["of_medians"]
    measured = (
        f"{over['of_medians']:.1f}x the copy floor ({cpu:.1f}x in CPU); 6x the scan floor is "
        f"{room:.1f}x the copy floor"
    )
    return {
        "target": target,
        "measured": measured,
        "status": "no target of its own",
        "value": over["of_medians"],
    }


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python -m bench.report RESULTS.json", file=sys.stderr)
        return 2
    print(markdown(json.loads(Path(args[0]).read_text())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
