"""The benchmark's JSON as markdown tables, and the issue's targets checked against it.

python -m bench.report bench/results/<stamp>.json   # prints the markdown of a finished run
"""

import json
import statistics
import sys
from pathlib import Path

from bench.dagster_events import STAGES

GIB_MIB = 1024
LABELS = {
    "first_load": "pipeline, first load",
    "nightly": "pipeline, nightly run after it",
    "scan_limit": "scan limit (one DuckDB query)",
    "pandas": "pandas alternative",
}
RATIOS = (
    "first_load_over_scan_limit",
    "nightly_over_scan_limit",
    "pandas_over_first_load",
    "pandas_over_nightly",
)


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


def size_table(size: str, result: dict) -> str:
    """Wall time and peak memory of each measurement of one size."""
    summary, rows = result["summary"], result["data"]["rows"]
    lines = [
        f"\n{size}: {rows.get('customers', 0):,} customers, {rows.get('orders', 0):,} orders, "
        f"{rows.get('order_lines', 0):,} order lines",
        "| measurement | wall s | peak RSS MiB | CPU s |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {label} | {_measure_cells(summary[measure])} |" for measure, label in LABELS.items()]
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
        "process tree; CPU = user + system seconds):",
        "",
        "| size | customers | orders | measurement | wall s | peak RSS MiB | CPU s |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for size, result in sizes.items():
        rows, summary = result["data"]["rows"], result["summary"]
        for measure, label in LABELS.items():
            out.append(
                f"| {size} | {rows.get('customers', 0):,} | {rows.get('orders', 0):,} | {label} "
                f"| {_measure_cells(summary[measure])} |"
            )
    out += _stage_table(sizes) + _overhead_table(sizes) + _ratio_table(sizes) + _scaling_table(results)
    out += _slowest_steps(sizes)
    notes = _audit_notes(sizes) + _agreement_notes(sizes)
    if notes:
        out += ["", "**Notes**:", "", *notes]
    if results.get("targets"):
        out += ["", "**Targets** of the issue:", "", "| target | measured | status |", "|---|---:|---|"]
        out += [f"| {t['target']} | {t['measured']} | {t['status']} |" for t in results["targets"]]
    return "\n".join(out) + "\n"


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
        for measure in ("first_load", "nightly"):
            entry = result["summary"][measure]
            label = LABELS[measure].removeprefix("pipeline, ")
            if "failed" in entry:
                out.append(f"| {size} | {label} | FAILED: {entry['failed']} |" + " |" * (len(STAGES) + 1))
                continue
            stages = entry["stages"]
            names = (*STAGES, "other")
            cells = [_spread(stages[s]["seconds"]) if s in stages else "-" for s in names]
            memory = [f"{stages[s]['peak_rss_mib']['median']:,.0f}" if s in stages else "" for s in names]
            overhead = _spread(entry["dagster_overhead_seconds"])
            out.append(f"| {size} | {label} | " + " | ".join(cells) + f" | {overhead} |")
            out.append("| | peak RSS MiB | " + " | ".join(memory) + " | |")
    return out


def _overhead_table(sizes: dict) -> list[str]:
    out = [
        "",
        "**Dagster overhead of the nightly runs**, split (median seconds): interpreter start, imports, definitions "
        "load and instance up to the run's first event; bookkeeping between the steps; from the last event to "
        "the process exit (the CLI's summary and interpreter shutdown).",
        "",
        "| size | total | start to first event | between steps | last event to exit | steps |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for size, result in sizes.items():
        runs = [r["nightly"] for r in result["runs"] if "failed" not in r["nightly"]]
        if not runs:
            continue
        parts = {
            key: statistics.median(r["overhead_breakdown"][key] for r in runs)
            for key in ("process_start_to_first_event", "between_steps", "last_event_to_exit")
        }
        total = statistics.median(r["dagster_overhead_seconds"] for r in runs)
        out.append(
            f"| {size} | {total:.1f} | {parts['process_start_to_first_event']:.1f} | {parts['between_steps']:.1f} "
            f"| {parts['last_event_to_exit']:.1f} | {len(runs[-1]['steps'])} |"
        )
    return out


def _ratio_table(sizes: dict) -> list[str]:
    out = [
        "",
        "**Ratios**, measured side by side in the same run: ratio of the median wall times [min-max of the "
        "per-repeat ratios]; then the same four ratios in CPU seconds. pandas / pipeline below 1 means pandas "
        "was faster. Agreement: tiers of the pandas alternative equal to the pipeline's, customer by customer.",
        "",
        "| size | first load / scan limit | nightly / scan limit | pandas / first load | pandas / nightly "
        "| same in CPU seconds | tiers agreeing | nightly = first load |",
        "|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for size, result in sizes.items():
        summary = result["summary"]
        ratios, cpu = summary["ratios"], summary["cpu_ratios"]
        cells = [_ratio(ratios[name]) for name in RATIOS]
        cpu_cells = " / ".join(f"{cpu[n]['of_medians']:.1f}x" if cpu[n] else "n/a" for n in RATIOS)
        agreement = summary.get("agreement")
        if agreement:
            last = agreement["last"]
            agreeing = (
                f"{100 * agreement['agreement_share']:.2f}% ({last['agreeing']:,} of {last['customers']:,})"
            )
            same = "yes" if agreement["nightly_equals_first_load"] else "NO"
        else:
            agreeing, same = "not compared", "n/a"
        out.append(f"| {size} | " + " | ".join(cells) + f" | {cpu_cells} | {agreeing} | {same} |")
    return out


def _scaling_table(results: dict) -> list[str]:
    if not results.get("scaling"):
        return []
    out = [
        "",
        "**Scaling**: ratio of the median wall times between sizes.",
        "",
        "| sizes | customers x | orders x | first load x | nightly x | scan limit x | pandas x |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for step, entry in results["scaling"].items():
        cells = [
            f"{entry[f'{m}_time_ratio']:.1f}" if f"{m}_time_ratio" in entry else "n/a"
            for m in ("first_load", "nightly", "scan_limit", "pandas")
        ]
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
    largest = done[-1]
    steps = sizes[largest]["summary"]["first_load"]["steps"]
    nightly = sizes[largest]["summary"]["nightly"].get("steps", {})
    slowest = sorted(steps, key=lambda k: -steps[k]["median"])[:15]
    runs = [r["first_load"] for r in sizes[largest]["runs"] if "failed" not in r["first_load"]]
    peaks = runs[-1]["steps"] if runs else {}
    out = [
        "",
        f"**Slowest steps** at {largest} (median seconds; peak RSS of the process during the step, first load):",
        "",
        "| step | stage | first load s | nightly s | peak RSS MiB |",
        "|---|---|---:|---:|---:|",
    ]
    for key in slowest:
        later = f"{nightly[key]['median']:.1f}" if key in nightly else "-"
        peak = peaks.get(key, {}).get("peak_rss_mib")
        stage = peaks.get(key, {}).get("stage", "")
        out.append(
            f"| {key} | {stage} | {steps[key]['median']:.1f} | {later} | {f'{peak:,.0f}' if peak else '-'} |"
        )
    return out


def _audit_notes(sizes: dict) -> list[str]:
    notes = []
    for size, result in sizes.items():
        for measure in ("first_load", "nightly"):
            run = next((r[measure] for r in reversed(result["runs"]) if "failed" not in r[measure]), None)
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
    """Each target of the issue: what was measured and whether it is met ('not run' when its size was not)."""
    sizes, scaling = results["sizes"], results.get("scaling", {})
    targets: list[dict] = []

    def add(target: str, value: float | None, limit: float, at_most: bool, fmt: str, why: str = "") -> None:
        if value is None:
            status = f"MISSED: {why}" if why else "not run"
            targets.append({"target": target, "measured": why or "not run", "status": status, "value": None})
            return
        met = value <= limit if at_most else value >= limit
        if met:
            status = "met"
        elif at_most:
            status = f"MISSED ({value / limit:.1f}x the limit)"
        else:
            status = f"MISSED ({limit / value:.1f}x short)" if value else "MISSED"
        targets.append(
            {
                "target": target,
                "measured": fmt.format(value),
                "status": status,
                "value": value,
                "limit": limit,
            }
        )

    def failed(summary: dict | None, *measures: str) -> str:
        if summary is None:
            return ""
        return "; ".join(f"{m} {summary[m]['failed']}" for m in measures if "failed" in summary[m])

    def ratio(summary: dict | None, name: str) -> float | None:
        entry = summary and summary["ratios"][name]
        return entry["of_medians"] if entry else None

    large = sizes.get("L", {}).get("summary")
    add(
        "L nightly run within 4x the scan limit",
        ratio(large, "nightly_over_scan_limit"),
        4,
        True,
        "{:.1f}x",
        failed(large, "nightly", "scan_limit"),
    )
    nightly_peak = (
        large and "peak_rss_mib" in large["nightly"] and large["nightly"]["peak_rss_mib"]["max"] / GIB_MIB
    )
    add(
        "L nightly run peak memory under 3 GiB (every repeat)",
        nightly_peak or None,
        3,
        True,
        "{:.2f} GiB",
        failed(large, "nightly"),
    )
    add(
        "L first load within 8x the scan limit",
        ratio(large, "first_load_over_scan_limit"),
        8,
        True,
        "{:.1f}x",
        failed(large, "first_load", "scan_limit"),
    )
    m_to_l = scaling.get("M_to_L", {})
    add("L/M time ratio at most 11 (nightly)", m_to_l.get("nightly_time_ratio"), 11, True, "{:.1f}")
    add("L/M time ratio at most 11 (first load)", m_to_l.get("first_load_time_ratio"), 11, True, "{:.1f}")
    add(
        "L pipeline at least 20x faster than pandas (nightly)",
        ratio(large, "pandas_over_nightly"),
        20,
        False,
        "{:.2f}x",
        failed(large, "pandas", "nightly"),
    )
    add(
        "L pipeline at least 20x faster than pandas (first load)",
        ratio(large, "pandas_over_first_load"),
        20,
        False,
        "{:.2f}x",
        failed(large, "pandas", "first_load"),
    )
    overheads = [
        run["nightly"]["dagster_overhead_seconds"]
        for result in sizes.values()
        for run in result["runs"]
        if "dagster_overhead_seconds" in run["nightly"]
    ]
    add(
        "Dagster overhead under 5 s per nightly run (worst of all nightly runs)",
        max(overheads) if overheads else None,
        5,
        True,
        "{:.1f} s",
    )
    extra_large = sizes.get("XL", {}).get("summary")
    if extra_large is None:
        targets.append(
            {
                "target": "XL completes without running out of memory",
                "measured": "not run",
                "status": "not run",
            }
        )
    else:
        why = failed(extra_large, "first_load", "nightly")
        targets.append(
            {
                "target": "XL completes without running out of memory",
                "measured": why or "completed",
                "status": f"MISSED: {why}" if why else "met",
            }
        )
    shares = [
        r["summary"]["agreement"]["agreement_share"] for r in sizes.values() if "agreement" in r["summary"]
    ]
    add(
        "pandas tiers equal the pipeline's (worst size compared)",
        100 * min(shares) if shares else None,
        100,
        False,
        "{:.2f}%",
    )
    return targets


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python -m bench.report RESULTS.json", file=sys.stderr)
        return 2
    print(markdown(json.loads(Path(args[0]).read_text())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
