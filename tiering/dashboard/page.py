"""The dashboard page: sections of text and SVG charts around the data, one self-contained HTML string."""

import base64
import gzip
import json
from datetime import date
from html import escape
from pathlib import Path
from string import Template

from tiering.backtest.metrics import FIGURES
from tiering.backtest.outcomes import RANKINGS
from tiering.dashboard import charts
from tiering.dashboard.data import SLIPPING_POINTS, CustomerRow, DashboardData, Movement, ReviewRow
from tiering.outputs import TIER_FIT, TIER_TODO, bi_label
from tiering.policy import TIERS, Direction, Policy
from tiering.reasons import value_format
from tiering.review import A_LIST, POOR_LIST, Quarter

HERE = Path(__file__).parent
MOVERS = 8  # customers listed under "Who moved"
CALL_ROWS = 12  # customers listed in each part of the call list before "show all"
NO_VALUE = "(none)"  # a filter's choice for customers without a value (an unowned account, no region)
# Whether more customers in a tier is good news (green), bad news (red) or neither (grey).
MORE_IS = {"Ideal": "good", "Acceptable": "neutral", "Poor": "bad"}
REVIEWED = 12  # customers shown of each list of the quarterly review


def render_page(data: DashboardData, policy: Policy) -> str:
    """The whole page: style, script and data inlined; nothing is fetched when it opens."""
    money = _money(policy.base_currency)
    body = "\n".join(
        [
            _header(data, policy),
            _headline(data, policy),
            _cards(data, policy, money),
            _filters(data),
            _call_list(),
            '<div class="row">',
            _split(data, money),
            _over_time(data, policy),
            "</div>",
            _movements(data, money),
            _year_before(data, money),
            _quarterly_review(data, money),
            _prospects(data, policy, money),
            _economics(data),
            _traits(data, policy),
            _table(data),
            _footer(data),
        ]
    )
    config = {
        "tiers": list(TIERS),
        "actions": {tier: policy.action(tier) for tier in TIERS},
        "currency": policy.base_currency,
        "history": data.history,
        "risingReason": f"+ {policy.rising.reason}: " if policy.rising else None,
        "movers": MOVERS,
        "callRows": CALL_ROWS,
    }
    return Template((HERE / "page.html").read_text()).substitute(
        title=escape(f"Customer tiers as of {data.as_of:%d %B %Y}"),
        style=(HERE / "page.css").read_text(),
        body=body,
        config=json.dumps(config).replace("</", "<\\/"),
        data=_packed(data.customers),
        script=(HERE / "page.js").read_text(),
    )


def _packed(rows: list[CustomerRow]) -> str:
    """The table rows as gzip-compressed JSON in base64: about a tenth of the plain JSON."""
    plain = json.dumps(rows, separators=(",", ":"), allow_nan=False).encode()
    return base64.b64encode(gzip.compress(plain, compresslevel=9, mtime=0)).decode()


def _money(currency: str) -> charts.Format:
    """Money as the page, the reasons and `tiers explain` write it: whole units, thousands separated (52,000 USD)."""

    def money(value: float) -> str:
        return f"{value:,.0f} {currency}"

    return money


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def _trait_format(trait: str, policy: Policy) -> charts.Format:
    kind, currency = value_format(trait, policy), policy.base_currency
    if kind == "percent":
        return lambda v: f"{100 * v:.0f}%"
    if kind == "signed_percent":
        return lambda v: f"{100 * v:+.0f}%"
    if kind == "money":
        return _money(currency)
    if kind == "integer":
        return lambda v: f"{v:,.0f}"
    return lambda v: f"{v:,.1f}" if abs(v) >= 1 or v == 0 else f"{v:.2f}"


def _section(title: str, how: str, content: str) -> str:
    return f'<section><h2>{escape(title)}</h2><p class="how">{escape(how)}</p>{content}</section>'


def _header(data: DashboardData, policy: Policy) -> str:
    return (
        f'<header><h1>Customer tiers</h1><div class="meta">As of {data.as_of:%A %d %B %Y} · '
        f"{data.total_customers:,} customers · policy {escape(policy.version)} · money in "
        f"{policy.base_currency}, revenue over the last 12 months</div></header>"
    )


def _moves_by_kind(movements: list[Movement]) -> dict[str, int]:
    kinds = {"up": 0, "down": 0, "new": 0, "left": 0}
    for m in movements:
        if m.from_tier is None:
            kinds["new"] += m.customers
        elif m.to_tier is None:
            kinds["left"] += m.customers
        elif m.from_tier != m.to_tier:
            kinds["up" if TIERS.index(m.to_tier) < TIERS.index(m.from_tier) else "down"] += m.customers
    return kinds


def _headline(data: DashboardData, policy: Policy) -> str:
    ideal, poor = data.tiers["Ideal"], data.tiers["Poor"]
    total = data.total_customers
    revenue = sum(t.revenue_12m for t in data.tiers.values())
    tickets = sum(t.tickets_12m or 0 for t in data.tiers.values())
    support = f" and open {_pct(poor.tickets_12m or 0, tickets)} of support tickets" if tickets else ""
    lines = [
        f"<b>{ideal.customers:,} Ideal customers</b> ({_pct(ideal.customers, total)} of all) bring "
        f"<b>{_pct(ideal.revenue_12m, revenue)} of revenue</b>: {escape(policy.action('Ideal'))}, "
        f"{TIER_TODO['Ideal']}.",
        f"<b>{poor.customers:,} Poor customers</b> ({_pct(poor.customers, total)}) bring "
        f"{_pct(poor.revenue_12m, revenue)} of revenue{support}: {escape(policy.action('Poor'))}, "
        f"{TIER_TODO['Poor']}.",
    ]
    if data.previous_date:
        k = _moves_by_kind(data.movements)
        lines.append(
            f'Since {data.previous_date:%d %B %Y}: <span class="good">{k["up"]:,} moved up a tier</span>, '
            f'<span class="bad">{k["down"]:,} moved down</span>, {k["new"]:,} are new.'
        )
    return '<div class="headline">' + "".join(f"<p>{line}</p>" for line in lines) + "</div>"


def _net_change(data: DashboardData, tier: str) -> str:
    if not data.previous_date:
        return ""
    net = sum(m.customers for m in data.movements if m.to_tier == tier) - sum(
        m.customers for m in data.movements if m.from_tier == tier
    )
    held = data.held.get(tier, 0)
    kept = (
        f'<div class="held">{_count(held, "customer")} kept {tier} by the hysteresis margin</div>'
        if held
        else ""
    )
    if net == 0:
        return f"<div>no change since {data.previous_date:%d %b}</div>{kept}"
    meaning = MORE_IS[tier] if net > 0 else _opposite(MORE_IS[tier])
    arrow = "▲" if net > 0 else "▼"
    return f'<div class="{meaning}">{arrow} {abs(net):,} since {data.previous_date:%d %b}</div>{kept}'


def _opposite(meaning: str) -> str:
    return {"good": "bad", "bad": "good"}.get(meaning, "neutral")


def _cards(data: DashboardData, policy: Policy, money: charts.Format) -> str:
    total = data.total_customers
    revenue = sum(t.revenue_12m for t in data.tiers.values())
    cards = []
    for tier, t in data.tiers.items():
        cards.append(
            f'<div class="tier-{tier.lower()}"><div class="name">{tier} · {escape(policy.action(tier))}</div>'
            f'<div class="action">{TIER_FIT[tier]}: {TIER_TODO[tier]}</div>'
            f'<div class="big">{t.customers:,} <small>customers, {_pct(t.customers, total)} of all</small></div>'
            f"<div>{money(t.revenue_12m)} revenue ({_pct(t.revenue_12m, revenue)})"
            f"{f' · mean score {t.mean_score:.0f}' if t.mean_score is not None else ''}</div>"
            f"{_net_change(data, tier)}</div>"
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _options(values: set[str | None], none: str) -> str:
    """The choices of one filter: all, every value on the page, and `none` (no value) last if any lacks one."""
    named = sorted(v for v in values if v is not None)
    choices = [f'<option value="{escape(v)}">{escape(v)}</option>' for v in named]
    if None in values:
        choices.append(f'<option value="{NO_VALUE}">{none}</option>')
    return '<option value="">all</option>' + "".join(choices)


def _filters(data: DashboardData) -> str:
    """One set of controls for the call list, the movements and the customer table."""
    fields = (
        ("owner", "Owner", "account_owner", "(no owner)"),
        ("region", "Region", "region", NO_VALUE),
        ("industry", "Industry", "industry", NO_VALUE),
    )
    controls = "".join(
        f'<label>{label} <select id="filter-{name}" data-column="{CustomerRow._fields.index(column)}">'
        f"{_options({getattr(row, column) for row in data.customers}, none)}</select></label>"
        for name, label, column, none in fields
    )
    return (
        f'<div class="filters" id="filters"><b>Show the customers of</b>{controls}'
        '<button type="button" id="filter-clear">Clear</button><span id="filter-count"></span>'
        '<small class="applies">in the call list, who moved and the customer table</small></div>'
    )


def _call_list() -> str:
    """Whom to call: Ideal customers slipping, and rising customers (newly rising first); the script fills it."""
    how = (
        "Slipping: Ideal on the previous run and lower now, or still Ideal with a score that fell and is less than "
        f"{SLIPPING_POINTS:g} points above the Ideal cut-off; with what changed most since the previous run. "
        "Rising: the forecast of the next 12 months is well above the last 12 (newly rising first). "
        "Most revenue first; the filters above apply."
    )
    parts = (("slipping", "Ideal customers slipping: keep them"), ("rising", "Rising customers: grow them"))
    lists = "".join(
        f'<div><h3>{title} <span class="count" id="call-{kind}-count"></span></h3>'
        f'<table class="call" id="call-{kind}"><thead><tr><th>Customer</th><th>Owner</th><th>Tier</th>'
        f'<th class="number">Revenue 12m</th><th>Why call</th></tr></thead><tbody></tbody></table>'
        f'<button type="button" class="more" id="call-{kind}-more" hidden></button></div>'
        for kind, title in parts
    )
    return _section("Whom to call", how, f'<div class="calls">{lists}</div>')


def _split(data: DashboardData, money: charts.Format) -> str:
    rows = [
        ("Customers", {tier: t.customers for tier, t in data.tiers.items()}, lambda v: f"{v:,.0f} customers"),
        ("Revenue, last 12 months", {tier: t.revenue_12m for tier, t in data.tiers.items()}, money),
    ]
    if any(t.tickets_12m is not None for t in data.tiers.values()):  # none: no ticket data, not zero tickets
        rows.append(
            (
                "Support tickets, last 12 months",
                {tier: t.tickets_12m or 0 for tier, t in data.tiers.items()},
                lambda v: f"{v:,.0f} tickets",
            )
        )
    return _section(
        "Customers and revenue per tier",
        "Each bar is 100%: compare a tier's share of customers with its share of revenue and of support tickets.",
        charts.share_bars(rows),
    )


def _over_time(data: DashboardData, policy: Policy) -> str:
    points, goal = data.ideal_over_time, policy.goals
    how = "Ideal customers on each as-of date run: the number to grow."
    if goal is not None:
        how = f"{_goal_words(data.tiers['Ideal'].customers, goal.ideal_customers, goal.by)} {how}"
    if len(points) < 2:
        how += " One run so far: the line grows with every nightly run."
    target = (goal.ideal_customers, f"goal {goal.ideal_customers:,} by {goal.by:%Y-%m-%d}") if goal else None
    chart = charts.line_chart(points, "Ideal customers", charts.COLORS["Ideal"], target)
    return _section("Ideal customers over time", how, chart)


def _goal_words(ideal: int, goal: int, by: date) -> str:
    """'412 Ideal customers, goal 500 by 2027-03-31: 88 to go.'"""
    gap = "reached" if ideal >= goal else f"{goal - ideal:,} to go"
    return f"{ideal:,} Ideal customers, goal {goal:,} by {by:%Y-%m-%d}: {gap}."


def _movements(data: DashboardData, money: charts.Format) -> str:
    if not data.previous_date:
        note = (
            '<div class="empty-note" id="no-history">No history yet: tier movements show from the second as-of date '
            "run on.</div>"
        )
        return _section("Tier movements since the last run", "Who moved up or down a tier.", note)
    k = _moves_by_kind(data.movements)
    held = sum(data.held.values())
    summary = (
        f'<p class="moves"><span class="up">▲ {k["up"]:,} moved up</span><span class="down">▼ {k["down"]:,} '
        f'moved down</span><span class="new">+ {k["new"]:,} new</span><span class="left">&minus; {k["left"]:,} '
        f'left</span></p><p class="held" id="held-note">{_count(held, "customer")} kept their tier by the '
        "hysteresis margin.</p>"
    )
    cells = {
        (m.from_tier or "New", m.to_tier or "Left"): (m.customers, m.revenue_12m) for m in data.movements
    }
    matrix = _section(
        f"Tier movements since {data.previous_date:%d %B %Y}",
        "All customers. Rows: the tier on the previous run; columns: the tier now. Green moved up, red down, grey "
        "stayed.",
        summary + charts.movement_matrix(cells, money),
    )
    return f'<div class="row">{matrix}{_movers()}</div>'


def _movers() -> str:
    """The customers who changed tier, most revenue first, with what changed most; the script fills it."""
    how = (
        f"The {MOVERS} with the most revenue of those who changed tier, with what changed most since the previous "
        "run (the traits whose points moved most). The filters above apply."
    )
    content = '<p class="moves" id="movers-count"></p><ul class="movers" id="movers"></ul>'
    return _section("Who moved", how, content)


_ECONOMICS = (
    ("gross_margin", "Gross margin", "revenue-weighted; higher is better", lambda v: f"{100 * v:.0f}%"),
    ("mean_payment_delay_days", "Days paid late", "mean per customer; lower is better", lambda v: f"{v:.1f}"),
    (
        "mean_discount_depth",
        "Discount off list price",
        "mean per customer; lower is better",
        lambda v: f"{100 * v:.0f}%",
    ),
    ("tickets_per_order", "Support tickets per order", "lower is better", lambda v: f"{v:.2f}"),
)


def _year_before(data: DashboardData, money: charts.Format) -> str:
    """The nightly backtest: each tier of a year ago against what its customers did since, and the ranking's
    figures beside the two references'."""
    title = "Were last year's tiers right?"
    backtest = data.year_before
    if backtest is None:
        note = (
            '<div class="empty-note" id="no-backtest">No backtest yet: it needs orders from a year before the '
            "as-of date, to score the customers as of then and see what they did since.</div>"
        )
        return _section(title, "The tiers of a year ago against what their customers did since.", note)
    panels = [
        ("Share of the year's revenue", "revenue_share", _share_of),
        ("Revenue per customer", "revenue_per_customer", money),
        ("Bought again", "retained_share", _share_of),
    ]
    bars = "".join(
        f"<div><h3>{name}</h3><small>customers of each tier of {backtest.scored_on:%d %b %Y}</small>"
        f"{charts.tier_bars({t: getattr(b, field) for t, b in backtest.tiers.items()}, fmt, name)}</div>"
        for name, field, fmt in panels
    )
    rows = "".join(
        f"<tr><td>{escape(ranking.name)}</td>"
        + "".join(f"<td>{_figure(backtest.figures[ranking.prefix + figure])}</td>" for figure in FIGURES)
        + "</tr>"
        for ranking in RANKINGS
    )
    table = (
        '<table class="ranking"><thead><tr><th>customers ranked by</th><th>Gini</th><th>top-decile lift</th>'
        f"<th>retention AUC</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    how = (
        f"The customers as the policy scored them on {backtest.scored_on:%d %B %Y}, and what they did in the year "
        "since. Good tiers split next year's revenue and retention. Gini: how well the ranking ordered next year's "
        "revenue (1 perfect, 0 chance), beside two simpler rankings. The command tiers backtest runs others."
    )
    return _section(title, how, f'<div class="panels three">{bars}</div>{table}')


def _share_of(value: float) -> str:
    return f"{value:.0%}"


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _economics(data: DashboardData) -> str:
    panels = []
    for field, title, note, fmt in _ECONOMICS:
        values = {tier: getattr(t, field) for tier, t in data.tiers.items()}
        panels.append(
            f"<div><h3>{title}</h3><small>{note}</small>{charts.tier_bars(values, fmt, title)}</div>"
        )
    return _section(
        "What a customer in each tier is worth",
        "Margin, payment, discounts and support load per tier on the as-of date.",
        f'<div class="panels four">{"".join(panels)}</div>',
    )


def _traits(data: DashboardData, policy: Policy) -> str:
    rules = sorted(policy.traits.items(), key=lambda item: -item[1].weight)
    panels = []
    for trait, rule in rules:
        stats = {tier: (d.customers, d.percentiles) for tier, d in data.distributions[trait].items()}
        better = "higher" if rule.direction is Direction.higher_is_better else "lower"
        chart = charts.box_plots(trait, stats, rule.poor, rule.ideal, _trait_format(trait, policy))
        panels.append(
            f"<div><h3>{escape(bi_label(trait))}</h3><small>weight {rule.weight:g} · {better} is better</small>"
            f"{chart}</div>"
        )
    return _section(
        "How the tiers differ, trait by trait",
        "Box: the middle half of the tier's customers, white line: the median, whiskers: 10th to 90th percentile. "
        "The shaded band runs from the policy's poor value (0 points, red) to its ideal value (100 points, green). "
        "Heaviest weights first.",
        f'<div class="panels traits">{"".join(panels)}</div>',
    )


def _table(data: DashboardData) -> str:
    buttons = "".join(
        f'<button type="button" data-tier-filter="{tier}">{tier} ({t.customers:,})</button>'
        for tier, t in data.tiers.items()
    )
    moved = '<label><input type="checkbox" id="moved-only"> moved tier only</label>' if data.history else ""
    change = '<th data-sort="change">Change</th>' if data.history else ""
    shown = data.table_customers
    note = (
        f" The table holds the best {shown:,} of {data.total_customers:,} customers, and those on the call list or "
        "who moved tier; bi.customer_tiers holds all."
        if shown < data.total_customers
        else ""
    )
    header = (
        '<tr><th data-sort="name">Customer</th><th data-sort="owner">Owner</th><th data-sort="tier">Tier and action</th>'
        f'<th data-sort="score">Score</th>{change}<th data-sort="revenue">Revenue 12m</th><th>Why</th></tr>'
    )
    content = (
        '<div class="tools"><input type="search" id="customer-search" '
        'placeholder="Search a name, an id or a reason, e.g. \'pays late\'" aria-label="Search customers">'
        f'<button type="button" data-tier-filter="" class="active">All</button>{buttons}{moved}</div>'
        f'<table id="customer-table"><thead>{header}</thead><tbody></tbody></table>'
        '<div class="pager"><span id="table-count"></span><button type="button" id="page-prev">&lsaquo; Previous</button>'
        '<button type="button" id="page-next">Next &rsaquo;</button></div>'
    )
    return _section(
        "Find a customer",
        "Every customer with tier, action, score and the reasons behind it. Click a column to sort." + note,
        content,
    )


def _quarterly_review(data: DashboardData, money: charts.Format) -> str:
    """The newest quarterly review: the A-list and the customers Poor all quarter, biggest revenue first, each
    list with its total."""
    title = "Quarterly review"
    review = data.quarterly_review
    if review is None:
        note = (
            '<div class="empty-note" id="no-review">No quarter reviewed yet: the nightly run reviews a quarter '
            "once a date after it has run, and tiers review --quarter YYYYQn reviews any quarter.</div>"
        )
        return _section(title, "The A-list and the customers Poor all quarter, once a quarter.", note)
    so_far = " so far" if data.as_of < Quarter.parse(review.quarter).last_day else ""  # still running
    how = (
        f"{review.quarter}{so_far}: revenue, gross margin and support tickets from {review.period_start:%d %B} to "
        f"{review.period_end:%d %B %Y}. Tiers on {review.days_run:,} of the quarter's {review.days_in_quarter:,} "
        "days"
        + ("; reviewed over the days that ran." if review.days_run < review.days_in_quarter else ".")
        + " All of both lists: bi.quarterly_review, or tiers review --quarter "
        + f"{review.quarter}."
    )
    lists = (
        (A_LIST, "tier-ideal", "Ideal on every day: keep them, grow them"),
        (POOR_LIST, "tier-poor", "Poor on every day: candidates to help move on"),
    )
    panels = "".join(
        f'<div class="review-list {css}"><h3>{name} · {_count(len(review.lists[name]), "customer")}</h3>'
        f"<small>{note}</small>{_review_table(review.lists[name], money)}</div>"
        for name, css, note in lists
    )
    return _section(f"{title}: {review.quarter}{so_far}", how, f'<div class="panels two">{panels}</div>')


def _review_table(rows: list[ReviewRow], money: charts.Format) -> str:
    if not rows:
        return '<div class="empty-note">Nobody.</div>'
    tickets = rows[0].tickets is not None  # None: no ticket data
    head = "<th>Customer</th><th>Owner</th><th>Revenue</th><th>Margin</th>" + (
        "<th>Tickets</th>" if tickets else ""
    )
    body = "".join(
        f'<tr><td class="name">{escape(row.customer_name or row.customer_id)}<br><small>{escape(row.customer_id)}'
        f'</small></td><td class="owner">{escape(row.account_owner or "no owner").replace("@", "<wbr>@")}</td>'
        f'<td class="number">{money(row.revenue)}</td><td class="number">{_margin(row.gross_margin)}</td>'
        + (f'<td class="number">{row.tickets:,}</td>' if tickets else "")
        + "</tr>"
        for row in rows[:REVIEWED]
    )
    revenue = sum(row.revenue for row in rows)
    costed = [(row.revenue, row.gross_margin) for row in rows if row.gross_margin is not None]
    weight = sum(r for r, _ in costed)
    margin = sum(r * m for r, m in costed) / weight if weight else None
    more = f" (top {REVIEWED:,} shown)" if len(rows) > REVIEWED else ""
    total = (
        f'<tr class="total"><td colspan="2">Total, {_count(len(rows), "customer")}{more}</td>'
        f'<td class="number">{money(revenue)}</td><td class="number">{_margin(margin)}</td>'
        + (f'<td class="number">{sum(row.tickets for row in rows):,}</td>' if tickets else "")
        + "</tr>"
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}{total}</tbody></table>"


def _prospects(data: DashboardData, policy: Policy, money: charts.Format) -> str:
    """The prospects apart from the customers: how many fit the profile (their tier), and whom to work first."""
    prospects = data.prospects
    if prospects is None or not prospects.total:
        return ""
    how = (
        "Accounts without a completed order yet, tiered by their fit to the profile alone: every criterion met is "
        "Ideal, some Acceptable, none Poor. Whom to work first: those with an open opportunity, how soon they buy "
        "(the month of the nearest expected close), then how profitable, then how much. All of them: "
        "bi.prospect_priorities."
    )
    cards = "".join(
        f'<div class="tier-{tier.lower()}"><div class="name">{tier} fit · {escape(policy.action(tier))}</div>'
        f'<div class="big">{count:,} <small>prospects</small></div>'
        f"<div>{listed:,} with an open opportunity</div></div>"
        for tier, (count, listed) in prospects.tiers.items()
    )
    head = (
        "<th>#</th><th>Prospect</th><th>Owner</th><th>Tier</th><th>Fit</th><th>Closes in</th>"
        "<th>Pipeline</th><th>Margin</th>"
    )
    rows = "".join(
        f'<tr><td class="number">{row.priority:,}</td><td class="name">'
        f"{escape(row.customer_name or row.customer_id)}<br><small>{escape(row.customer_id)}</small></td>"
        f'<td class="owner">{escape(row.account_owner or "no owner").replace("@", "<wbr>@")}</td>'
        f'<td><span class="badge tier-{row.tier.lower()}">{row.tier}</span></td>'
        f'<td class="number">{row.fit_score:.0f}</td><td class="number">{_days(row.days_to_close)}</td>'
        f'<td class="number">{money(row.pipeline_amount)}</td><td class="number">{_margin(row.expected_margin)}'
        "</td></tr>"
        for row in prospects.priorities
    )
    table = (
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else '<div class="empty-note">No prospect has an open opportunity.</div>'
    )
    content = f'<div class="cards">{cards}</div><h3>Whom to work first</h3>{table}'
    return _section(f"Prospects: {_count(prospects.total, 'account')} without an order yet", how, content)


def _days(days: int) -> str:
    return f"{_count(-days, 'day')} overdue" if days < 0 else _count(days, "day")


def _margin(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _footer(data: DashboardData) -> str:
    return (
        f"<footer>Built by the Dagster asset <code>reports/tier_dashboard</code> for {data.as_of:%d %B %Y} from "
        "<code>marts.customer_tiers</code>, <code>tier_summary</code>, <code>tier_history</code> and "
        "<code>tier_movements</code>. Column meanings: <code>docs/outputs.md</code>. Why one customer has its "
        "tier: <code>tiers explain CUSTOMER_ID</code>.</footer>"
    )
