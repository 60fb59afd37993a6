"""The dashboard's charts as inline SVG strings: no library, no script, tooltips from <title> elements."""

from collections.abc import Callable
from datetime import date
from html import escape

from tiering.policy import TIERS

COLORS = {"Ideal": "#2f855a", "Acceptable": "#d69e2e", "Poor": "#c53030"}
INK = {"Ideal": "#fff", "Acceptable": "#1a202c", "Poor": "#fff"}  # text on a tier's colour
GRID, MUTED, TEXT = "#e2e8f0", "#718096", "#1a202c"
MOVE_COLORS = {"up": "#2f855a", "down": "#c53030", "same": "#a0aec0", "new": "#3182ce", "left": "#a0aec0"}

Format = Callable[[float], str]


def svg(width: int, height: int, body: str, label: str, css_class: str = "") -> str:
    """An SVG chart scaled to its container's width, with an accessible label."""
    return (
        f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}">{body}</svg>'
    )


def _text(
    x: float, y: float, text: str, *, size: int = 12, anchor: str = "start", fill: str = TEXT, **attrs
) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{escape(text)}</text>"
    )


def _rect(
    x: float, y: float, w: float, h: float, fill: str, tip: str, css_class: str = "bar", **attrs
) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<rect class="{css_class}" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
        f'fill="{fill}"{extra}><title>{escape(tip)}</title></rect>'
    )


def share_bars(rows: list[tuple[str, dict[str, float], Format]]) -> str:
    """One 100% bar per row (label, value per tier, format): how customers and revenue split across tiers."""
    width, bar, step = 560, 34, 66
    body = []
    for i, (label, values, fmt) in enumerate(rows):
        y = i * step + 18
        body.append(_text(0, y - 6, label, size=13, font_weight="600"))
        total = sum(values.values())
        if not total:
            body.append(_rect(0, y, width, bar, GRID, "none", "bar empty"))
            body.append(
                _text(width / 2, y + bar / 2 + 4, "none in the last 12 months", anchor="middle", fill=MUTED)
            )
            continue
        x = 0.0
        for tier in TIERS:
            w = width * values[tier] / total
            share = f"{100 * values[tier] / total:.0f}%"
            body.append(_rect(x, y, w, bar, COLORS[tier], f"{tier}: {fmt(values[tier])} ({share})"))
            text = next(
                (
                    t
                    for t in (f"{tier} {fmt(values[tier])} · {share}", f"{tier} {share}", share)
                    if len(t) * 7 + 12 < w
                ),
                "",
            )
            body.append(_text(x + w / 2, y + bar / 2 + 4, text, size=12, anchor="middle", fill=INK[tier]))
            x += w
    return svg(width, len(rows) * step + 4, "".join(body), "Customers and revenue per tier", "share")


def _nice_max(value: float) -> float:
    """A round axis maximum at or above value: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10
    return next(power * m for m in (1, 2, 2.5, 5, 10) if power * m >= value)


def line_chart(
    points: list[tuple[date, int]], label: str, color: str, target: tuple[int, str] | None = None
) -> str:
    """Counts over dates: axis from zero, a line with dots, the latest value labelled; a target (value, words) is a
    dashed line across."""
    width, height, left, right, top, bottom = 560, 210, 44, 48, 14, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max([n for _, n in points] + ([target[0]] if target else []), default=0))
    body = []
    if target:
        y = top + plot_h * (1 - target[0] / peak)
        body.append(
            f'<line class="goal" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{color}" '
            f'stroke-dasharray="6 4" stroke-width="1.5"><title>{escape(target[1])}</title></line>'
        )
        body.append(
            _text(width - right, y - 6, target[1], size=11, anchor="end", fill=color, font_weight="600")
        )
    for tick in (0, peak / 2, peak):
        y = top + plot_h * (1 - tick / peak)
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, f"{tick:,.0f}", size=11, anchor="end", fill=MUTED))
    if points:
        first, last = points[0][0], points[-1][0]
        span = (last - first).days or 1

        def xy(day: date, n: int) -> tuple[float, float]:
            x = left + plot_w * ((day - first).days / span if last != first else 0.5)
            return x, top + plot_h * (1 - n / peak)

        coords = [xy(d, n) for d, n in points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>'
        )
        if len(points) <= 90:
            body += [
                f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                f"<title>{d:%d %b %Y}: {n:,} {escape(label)}</title></circle>"
                for (x, y), (d, n) in zip(coords, points, strict=True)
            ]
        x, y = coords[-1]
        body.append(_text(x + 8, y + 4, f"{points[-1][1]:,}", size=13, fill=color, font_weight="700"))
        body.append(_text(left, height - 6, f"{first:%d %b %Y}", size=11, fill=MUTED))
        if last != first:
            body.append(
                _text(width - right, height - 6, f"{last:%d %b %Y}", size=11, anchor="end", fill=MUTED)
            )
    return svg(width, height, "".join(body), f"{label} over time", "timeline")


def movement_matrix(cells: dict[tuple[str, str], tuple[int, float | None]], money: Format) -> str:
    """Customers by tier on the previous date (rows, or New) and tier now (columns, or Left)."""
    rows, cols = [*TIERS, "New"], [*TIERS, "Left"]
    width, left, top, cell_w, cell_h = 560, 118, 30, 110, 40
    peak = max((n for n, _ in cells.values()), default=1) or 1
    body = [_text(left + cell_w * 2, 12, "tier now →", size=11, anchor="middle", fill=MUTED)]
    for j, col in enumerate(cols):
        body.append(
            _text(left + cell_w * (j + 0.5), top - 4, col, size=12, anchor="middle", font_weight="600")
        )
    for i, row in enumerate(rows):
        y = top + i * cell_h
        body.append(
            _text(
                left - 10, y + cell_h / 2 + 4, f"was {row}" if row != "New" else "new", size=12, anchor="end"
            )
        )
        for j, col in enumerate(cols):
            n, revenue = cells.get((row, col), (0, None))
            kind = _move_kind(row, col)
            opacity = 0.08 if n == 0 else 0.2 + 0.8 * (n / peak) ** 0.5
            tip = f"{row} → {col}: {n:,} customers" + (f", {money(revenue)} revenue" if revenue else "")
            body.append(
                _rect(
                    left + j * cell_w + 1,
                    y + 1,
                    cell_w - 2,
                    cell_h - 2,
                    MOVE_COLORS[kind],
                    tip,
                    "cell",
                    fill_opacity=f"{opacity:.2f}",
                    data_move=kind,
                )
            )
            ink = "#fff" if opacity > 0.6 else TEXT
            body.append(
                _text(
                    left + (j + 0.5) * cell_w,
                    y + cell_h / 2 + 5,
                    f"{n:,}" if n else "·",
                    size=14,
                    anchor="middle",
                    fill=ink,
                    font_weight="600" if kind != "same" else "400",
                )
            )
    height = top + len(rows) * cell_h + 4
    return svg(width, height, "".join(body), "Tier movements since the previous run", "movements")


def _move_kind(row: str, col: str) -> str:
    if row == "New":
        return "new"
    if col == "Left":
        return "left"
    rank = TIERS.index
    return "same" if row == col else "up" if rank(col) < rank(row) else "down"


def tier_bars(values: dict[str, float | None], fmt: Format, label: str) -> str:
    """A small bar per tier for one measure, the value above each bar."""
    width, height, top, bottom = 260, 150, 22, 22
    peak = max((v for v in values.values() if v is not None), default=0) or 1.0
    bar_w, gap = 56, (width - 3 * 56) / 4
    body = [f'<line x1="0" x2="{width}" y1="{height - bottom}" y2="{height - bottom}" stroke="{GRID}"/>']
    for i, tier in enumerate(TIERS):
        value = values.get(tier)
        x = gap + i * (bar_w + gap)
        h = 0 if value is None else (height - top - bottom) * max(value, 0) / peak
        text = "n/a" if value is None else fmt(value)
        body.append(_rect(x, height - bottom - h, bar_w, h, COLORS[tier], f"{tier}: {text} {label}"))
        body.append(
            _text(x + bar_w / 2, height - bottom - h - 6, text, size=13, anchor="middle", font_weight="600")
        )
        body.append(_text(x + bar_w / 2, height - 6, tier, size=11, anchor="middle", fill=MUTED))
    return svg(width, height, "".join(body), f"{label} per tier", "economics")


def box_plots(
    trait: str,
    stats: dict[str, tuple[int, tuple[float, ...]]],
    poor: float,
    ideal: float,
    fmt: Format,
) -> str:
    """Per tier, the middle half (box), median (line) and 10th-90th percentiles (whiskers) of a trait, over a
    band from the policy's poor value (0 points) to its ideal value (100 points)."""
    width, left, right, row_h, top = 280, 74, 14, 24, 18
    values = [v for _, pct in stats.values() for v in (pct[0], pct[-1])] + [poor, ideal]
    lo, hi = min(values), max(values)
    hi = hi if hi > lo else lo + 1
    plot_w = width - left - right

    def x(v: float) -> float:
        return left + plot_w * (v - lo) / (hi - lo)

    axis_y = top + row_h * 3 + 4
    grad = f"band-{trait}"
    body = [
        f'<defs><linearGradient id="{grad}" x1="{x(poor):.1f}" x2="{x(ideal):.1f}" gradientUnits="userSpaceOnUse">'
        f'<stop offset="0" stop-color="{COLORS["Poor"]}" stop-opacity="0.16"/>'
        f'<stop offset="1" stop-color="{COLORS["Ideal"]}" stop-opacity="0.22"/></linearGradient></defs>',
        f'<rect x="{min(x(poor), x(ideal)):.1f}" y="{top - 4}" width="{abs(x(ideal) - x(poor)):.1f}" '
        f'height="{row_h * 3 + 6}" fill="url(#{grad})"><title>0 points at {fmt(poor)}, 100 points at {fmt(ideal)}'
        "</title></rect>",
        f'<line x1="{left}" x2="{width - right}" y1="{axis_y}" y2="{axis_y}" stroke="{GRID}"/>',
    ]
    for v, anchor in ((lo, "start"), (hi, "end")):
        body.append(_text(x(v), axis_y + 14, fmt(v), size=11, anchor=anchor, fill=MUTED))
    (x_left, left_words), (x_right, right_words) = sorted(((x(poor), "0 pts"), (x(ideal), "100 pts")))
    left_anchor = "end" if x_left - left > 34 else "start"
    right_anchor = "start" if width - right - x_right > 40 else "end"
    body.append(_text(x_left, 9, left_words, size=10, anchor=left_anchor, fill=MUTED))
    body.append(_text(x_right, 9, right_words, size=10, anchor=right_anchor, fill=MUTED))
    for i, tier in enumerate(TIERS):
        y = top + i * row_h + row_h / 2
        body.append(_text(left - 8, y + 4, tier, size=11, anchor="end", fill=MUTED))
        if tier not in stats:
            continue
        n, (p10, p25, p50, p75, p90) = stats[tier]
        tip = (
            f"{tier}: median {fmt(p50)}; middle half {fmt(p25)} to {fmt(p75)}; "
            f"10th-90th percentile {fmt(p10)} to {fmt(p90)} ({n:,} customers)"
        )
        body += [
            f'<line x1="{x(p10):.1f}" x2="{x(p90):.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{COLORS[tier]}"/>',
            _rect(x(p25), y - 8, x(p75) - x(p25) or 1.5, 16, COLORS[tier], tip, "box", fill_opacity="0.85"),
            f'<line x1="{x(p50):.1f}" x2="{x(p50):.1f}" y1="{y - 8:.1f}" y2="{y + 8:.1f}" stroke="#fff" '
            'stroke-width="2"/>',
        ]
    return svg(width, axis_y + 18, "".join(body), f"Distribution of {trait} per tier", "distribution")
