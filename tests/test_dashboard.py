"""The tier dashboard: written by the nightly run, opened in headless Chromium with every network request blocked."""

import base64
import contextlib
import json
import re
import shutil
import subprocess
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from websockets.sync.client import connect

from support import free_port
from tiering.dashboard import data as dashboard_data
from tiering.dashboard import read_dashboard_data, render_page, write_dashboard
from tiering.dashboard.data import DashboardData
from tiering.policy import load_policy
from tiering.settings import DEFAULT_POLICY

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium; .ci/run installs it")


class Page:
    """One browser tab over the Chrome DevTools Protocol: requests other than file:// fail, errors are kept."""

    def __init__(self, ws, session: str):
        self.ws, self.session, self.next_id = ws, session, 0
        self.errors: list[str] = []
        self.blocked: list[str] = []

    def post(self, method: str, **params) -> int:
        """Send a command without waiting; its id."""
        self.next_id += 1
        message = {"id": self.next_id, "sessionId": self.session, "method": method, "params": params}
        self.ws.send(json.dumps(message))
        return self.next_id

    def send(self, method: str, **params) -> dict:
        """Send a command and wait for its result, handling the events that arrive meanwhile."""
        sent = self.post(method, **params)
        while True:
            message = json.loads(self.ws.recv(timeout=15))
            if message.get("id") == sent:
                assert "error" not in message, message
                return message["result"]
            self._event(message.get("method"), message.get("params", {}))

    def _event(self, method: str | None, params: dict) -> None:
        if method == "Fetch.requestPaused":
            url, request_id = params["request"]["url"], params["requestId"]
            if url.startswith("file://"):
                self.post("Fetch.continueRequest", requestId=request_id)
            else:
                self.blocked.append(url)
                self.post("Fetch.failRequest", requestId=request_id, errorReason="BlockedByClient")
        elif method == "Runtime.exceptionThrown":
            self.errors.append(
                params["exceptionDetails"].get("exception", {}).get("description", str(params))
            )
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            self.errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append(params["entry"]["text"])

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def wait_for(self, expression: str, seconds: float = 10) -> None:
        for _ in range(int(seconds * 10)):
            if self.evaluate(expression):
                return
            self.send(
                "Runtime.evaluate", expression="new Promise(r => setTimeout(r, 100))", awaitPromise=True
            )
        raise AssertionError(f"still false after {seconds} s: {expression}")

    def screenshot(self, path: Path) -> None:
        height = self.evaluate("document.documentElement.scrollHeight")
        self.send(
            "Emulation.setDeviceMetricsOverride", width=1440, height=height, deviceScaleFactor=1, mobile=False
        )
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))


class Browser:
    """Headless Chromium on a free loopback port; DNS resolves nothing, so even a missed request goes nowhere."""

    def __init__(self, profile: Path):
        port = free_port()
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--remote-debugging-address=127.0.0.1",
                f"--remote-debugging-port={port}",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=1) as answer:
                    url = json.load(answer)["webSocketDebuggerUrl"]
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    raise RuntimeError("headless chromium did not start within 20 s") from None
                time.sleep(0.1)
        self.closing = contextlib.ExitStack()
        self.ws = self.closing.enter_context(connect(url, max_size=None, open_timeout=15))

    def open(self, path: Path) -> Page:
        self.ws.send(
            json.dumps({"id": -1, "method": "Target.createTarget", "params": {"url": "about:blank"}})
        )
        target = self._result(-1)["targetId"]
        self.ws.send(
            json.dumps(
                {"id": -2, "method": "Target.attachToTarget", "params": {"targetId": target, "flatten": True}}
            )
        )
        page = Page(self.ws, self._result(-2)["sessionId"])
        for domain in ("Page", "Runtime", "Log"):
            page.send(f"{domain}.enable")
        page.send("Fetch.enable", patterns=[{"urlPattern": "*"}])
        page.send(
            "Emulation.setDeviceMetricsOverride", width=1440, height=900, deviceScaleFactor=1, mobile=False
        )
        page.send("Page.navigate", url=path.resolve().as_uri())
        page.wait_for("document.readyState === 'complete'")
        return page

    def _result(self, message_id: int) -> dict:
        while True:
            message = json.loads(self.ws.recv(timeout=15))
            if message.get("id") == message_id:
                return message["result"]

    def close(self) -> None:
        self.closing.close()
        self.process.terminate()
        self.process.wait(timeout=10)


# The day before the run: 40 of today's Ideal customers were Acceptable, 25 of today's Acceptable were Ideal and 15
# of today's Poor were not there yet. Before that, 29 more dates of tier sizes.
PLANTED_HISTORY = """
CREATE TEMP TABLE previous AS
WITH ranked AS (
    SELECT customer_id, tier, score,
        row_number() OVER (PARTITION BY tier ORDER BY score, customer_id) AS lowest,
        row_number() OVER (PARTITION BY tier ORDER BY score DESC, customer_id) AS highest
    FROM marts.customer_tiers
)
SELECT
    customer_id,
    CASE WHEN tier = 'Ideal' AND lowest <= 40 THEN 'Acceptable'
        WHEN tier = 'Acceptable' AND highest <= 25 THEN 'Ideal' ELSE tier END AS tier,
    score - 1.5 AS score
FROM ranked
WHERE NOT (tier = 'Poor' AND lowest <= 15);
INSERT INTO marts.tier_history BY NAME
SELECT customer_id, getvariable('as_of') - INTERVAL 1 DAY AS as_of_date, score, tier, 'planted' AS action,
    'customer' AS segment
FROM previous;
CREATE TABLE marts.tier_movements AS
SELECT getvariable('as_of') AS as_of_date, p.tier AS from_tier, c.tier AS to_tier, count(*) AS customers,
    sum(c.revenue_12m) AS revenue_12m
FROM marts.customer_tiers AS c LEFT JOIN previous AS p USING (customer_id)
GROUP BY ALL;
UPDATE marts.customer_tiers AS c SET previous_tier = p.tier, score_change = round(c.score - p.score, 1)
FROM previous AS p WHERE p.customer_id = c.customer_id;
INSERT INTO marts.tier_summary (as_of_date, tier, customers, revenue_12m, tickets_per_order)
SELECT (getvariable('as_of') - d * INTERVAL 1 DAY)::DATE, tier, greatest(0, customers - 3 * d), revenue_12m, tickets_per_order
FROM marts.tier_summary, range(1, 31) AS r(d)
WHERE as_of_date = getvariable('as_of');
"""


# The lead's columns (`changes`, `tier_held`, `newly_rising`) over the planted history, and hand-checked cases for
# the call list: "fell" was Ideal and is Acceptable now, "falling" is still Ideal with a falling score less than
# 5 points above the cut-off, "steady" is Ideal with a falling score far above it, "rising_new" and "rising" are
# rising (the first newly), "held" are 12 Acceptable customers the hysteresis margin kept.
PLANTED_ACTIONS = """
ALTER TABLE marts.customer_tiers ADD COLUMN IF NOT EXISTS changes VARCHAR;
ALTER TABLE marts.customer_tiers ADD COLUMN IF NOT EXISTS tier_held BOOLEAN;
ALTER TABLE marts.customer_tiers ADD COLUMN IF NOT EXISTS newly_rising BOOLEAN;
UPDATE marts.customer_tiers SET
    changes = CASE WHEN previous_tier IS NULL THEN NULL WHEN previous_tier <> tier
        THEN '- pays late: 41 days late on average (was 3 days late on average)' ELSE '' END,
    tier_held = false,
    newly_rising = false,
    rising = false;
CREATE TEMP TABLE cases AS
SELECT 'fell' AS name, min(customer_id) AS customer_id FROM marts.customer_tiers
WHERE previous_tier = 'Ideal' AND tier = 'Acceptable'
UNION ALL
SELECT 'falling', min_by(customer_id, score) FROM marts.customer_tiers WHERE tier = 'Ideal' AND previous_tier = 'Ideal'
UNION ALL
SELECT 'steady', max_by(customer_id, score) FROM marts.customer_tiers WHERE tier = 'Ideal' AND previous_tier = 'Ideal'
UNION ALL
SELECT 'rising_new', max_by(customer_id, revenue_12m) FROM marts.customer_tiers WHERE tier = 'Poor'
UNION ALL
SELECT 'rising', min_by(customer_id, revenue_12m) FROM marts.customer_tiers WHERE tier = 'Poor';
UPDATE marts.customer_tiers SET score_change = -2.0, score = 72.0
WHERE customer_id = (SELECT customer_id FROM cases WHERE name = 'falling');
UPDATE marts.customer_tiers SET score_change = -2.0
WHERE customer_id = (SELECT customer_id FROM cases WHERE name = 'steady');
UPDATE marts.customer_tiers SET
    rising = true,
    newly_rising = customer_id IN (SELECT customer_id FROM cases WHERE name = 'rising_new'),
    reasons = '+ rising: 52,000 USD expected in the next 12 months vs 9,000 USD in the last 12 months; ' || reasons
WHERE customer_id IN (SELECT customer_id FROM cases WHERE name LIKE 'rising%');
UPDATE marts.customer_tiers SET tier_held = true
WHERE customer_id IN (
    SELECT customer_id FROM marts.customer_tiers WHERE tier = 'Acceptable' AND previous_tier = 'Acceptable'
    ORDER BY score LIMIT 12
);
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    started = Browser(tmp_path_factory.mktemp("chromium"))
    yield started
    started.close()


@pytest.fixture(scope="module")
def dashboard(s_run) -> Path:
    settings, _ = s_run
    return settings.warehouse_dir / "reports" / "tier_dashboard.html"


@pytest.fixture(scope="module")
def history(s_run, tmp_path_factory, as_of) -> tuple[Path, DashboardData, dict[str, str]]:
    """The page over the S marts with 30 earlier as-of dates planted: movements, a timeline, previous tiers, the
    call list's cases (name -> customer_id); the page, its data and the cases."""
    settings, _ = s_run
    folder = tmp_path_factory.mktemp("history")
    with duckdb.connect(str(folder / "work.duckdb")) as con:
        con.execute(f"ATTACH '{settings.work_db}' AS run (READ_ONLY)")
        con.execute("CREATE SCHEMA marts")
        for table in ("customer_tiers", "tier_summary", "tier_history"):
            con.execute(f"CREATE TABLE marts.{table} AS SELECT * FROM run.marts.{table}")
        con.execute("SET VARIABLE as_of = $as_of::DATE", {"as_of": as_of})
        con.execute(PLANTED_HISTORY)
        con.execute(PLANTED_ACTIONS)
        cases = dict(con.execute("SELECT name, customer_id FROM cases").fetchall())
        data = read_dashboard_data(con, as_of, load_policy(DEFAULT_POLICY))
    assert data.previous_date == as_of - timedelta(days=1)
    return write_dashboard(render_page(data, load_policy(DEFAULT_POLICY)), folder), data, cases


@pytest.fixture(scope="module")
def history_dashboard(history) -> Path:
    return history[0]


def test_the_run_writes_one_self_contained_page_and_links_it(s_run, dashboard):
    _, result = s_run
    [event] = [
        e
        for e in result.all_events
        if e.is_step_materialization and e.asset_key.path == ["reports", "tier_dashboard"]
    ]
    metadata = event.event_specific_data.materialization.metadata
    assert metadata["dashboard"].url == dashboard.resolve().as_uri()
    html = dashboard.read_text()
    assert not re.search(r"https?://|src=|href=|@import|url\(http", html)
    assert "No history yet" in html


def test_the_page_shows_the_nightly_backtest_of_last_years_tiers(s_run, dashboard, as_of):
    html = dashboard.read_text()
    assert "Were last year&#x27;s tiers right?" in html and "No backtest yet" not in html
    assert f"scored them on {as_of - timedelta(days=365):%d %B %Y}" in html
    with duckdb.connect(str(s_run[0].bi_db), read_only=True) as con:
        gini, reference = con.execute(
            "SELECT gini, revenue_12m_gini FROM marts.policy_backtest_summary WHERE horizon_days = 365"
        ).fetchone()
    assert f"<td>the policy&#x27;s score</td><td>{gini:.2f}</td>" in html
    assert f"<td>revenue of the last 12 months alone</td><td>{reference:.2f}</td>" in html


def test_planted_history_shows_movements_and_previous_tiers(history_dashboard, as_of):
    html = history_dashboard.read_text()
    assert (
        f'Since {as_of - timedelta(days=1):%d %B %Y}: <span class="good">40 moved up a tier</span>, '
        '<span class="bad">25 moved down</span>'
    ) in html
    assert "No history yet" not in html
    assert "No backtest yet" in html  # the planted marts hold none


def _search(page: Page, text: str) -> list[str]:
    page.evaluate(
        "(() => { const s = document.getElementById('customer-search'); "
        f"s.value = {json.dumps(text)}; s.dispatchEvent(new Event('input')); }})()"
    )
    return page.evaluate("[...document.querySelectorAll('#customer-table tbody tr')].map(r => r.innerText)")


@needs_chromium
@pytest.mark.parametrize("which", ["first_run", "with_history"])
def test_the_page_renders_offline_and_the_search_filters_the_table(
    browser, dashboard, history_dashboard, s_run, which, tmp_path
):
    page = browser.open(dashboard if which == "first_run" else history_dashboard)
    page.wait_for("document.getElementById('customer-table').dataset.ready === 'true'")
    counts = page.evaluate(
        "({charts: document.querySelectorAll('svg.chart').length,"
        " bars: document.querySelectorAll('svg.chart rect.bar').length,"
        " boxes: document.querySelectorAll('svg.distribution rect.box').length,"
        " lines: document.querySelectorAll('svg.timeline .dot').length,"
        " cells: document.querySelectorAll('svg.movements rect.cell').length,"
        " rows: document.querySelectorAll('#customer-table tbody tr').length})"
    )
    backtest_panels = 3 if which == "first_run" else 0  # the planted marts hold no backtest
    assert (
        counts["charts"] == 1 + 1 + 4 + 16 + (which == "with_history") + backtest_panels
        and counts["bars"] >= 6 + 12
        and counts["boxes"] >= 16
    )
    assert counts["rows"] == 25
    if which == "with_history":
        assert counts["cells"] == 16 and counts["lines"] == 31
    with duckdb.connect(str(s_run[0].bi_db), read_only=True) as con:
        customer_id, name, reasons = con.execute(
            "SELECT customer_id, customer_name, reasons FROM marts.customer_tiers ORDER BY customer_id LIMIT 1"
        ).fetchone()
        poor = con.execute(
            "SELECT count(*) FROM marts.customer_tiers WHERE tier = 'Poor' AND segment = 'customer'"
        ).fetchone()[0]
    [found] = _search(page, f"{name} {customer_id}")
    assert name in found and customer_id in found
    assert _search(page, "no customer is called this") == ["No customer matches the search."]
    phrase = reasons.split(": ")[0].lstrip("+- ")  # e.g. 'pays on time'
    rows = _search(page, phrase.upper())
    assert rows and all(word in row.lower() for row in rows for word in phrase.split())
    page.evaluate("document.querySelector('[data-tier-filter=Poor]').click()")
    rows = _search(page, "")
    shown = page.evaluate("document.getElementById('table-count').textContent")
    assert rows and all("Poor" in row for row in rows) and shown.endswith(f"of {poor:,} customers")
    page.screenshot(tmp_path / f"{which}.png")
    assert page.errors == [] and page.blocked == []


@needs_chromium
def test_the_harness_catches_a_page_that_fetches_or_fails(browser, tmp_path):
    """The checks above mean something: a request leaving the machine is blocked and recorded, errors kept."""
    page_file = tmp_path / "fetching.html"
    page_file.write_text(
        '<img src="https://example.com/logo.png"><script>console.error("broken chart")</script>'
    )
    page = browser.open(page_file)
    page.wait_for("document.images[0].complete")
    assert page.blocked == ["https://example.com/logo.png"]
    assert any("broken chart" in error for error in page.errors)


def _work_db(history) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(history[0].parent / "work.duckdb"), read_only=True)


def test_the_call_list_holds_ideal_customers_slipping_and_rising_customers(history):
    _, data, cases = history
    with _work_db(history) as con:
        fell = {
            row[0]
            for row in con.execute(
                "SELECT customer_id FROM marts.customer_tiers WHERE previous_tier = 'Ideal' AND tier <> 'Ideal'"
            ).fetchall()
        }
    assert len(fell) == 25 and cases["fell"] in fell
    calls = {row.customer_id: row.call for row in data.customers if row.call}
    assert calls == {
        **dict.fromkeys(fell, "slipping"),
        cases["falling"]: "slipping",  # Ideal, score 72 (cut-off 70 + 5 points) and falling
        cases["rising_new"]: "newly rising",
        cases["rising"]: "rising",
    }
    assert cases["steady"] not in calls  # Ideal and falling, but far above the cut-off


def test_every_customer_row_carries_owner_region_and_industry_for_the_filters(history):
    path, data, _ = history
    with _work_db(history) as con:
        marts = set(
            con.execute(
                "SELECT customer_id, account_owner, region, industry FROM marts.customer_tiers "
                "WHERE segment = 'customer'"  # prospects have their own section
            ).fetchall()
        )
    assert {(r.customer_id, r.account_owner, r.region, r.industry) for r in data.customers} == marts
    html = path.read_text()
    owners = {owner for _, owner, _, _ in marts}
    assert None in owners and len(owners) > 10
    for owner in owners - {None}:
        assert f'<option value="{owner}">{owner}</option>' in html
    assert '<option value="(none)">(no owner)</option>' in html


def test_the_hysteresis_held_count_is_said(history):
    html = history[0].read_text()
    assert "12 customers kept their tier by the hysteresis margin." in html
    assert '<div class="held">12 customers kept Acceptable by the hysteresis margin</div>' in html


def test_the_goal_is_drawn_on_ideal_customers_over_time_and_said_in_words(history):
    _, data, _ = history
    policy = load_policy(DEFAULT_POLICY)
    ideal = data.tiers["Ideal"].customers
    assert policy.goals is not None and ideal < policy.goals.ideal_customers == 400
    html = render_page(data, policy)
    assert f"{ideal:,} Ideal customers, goal 400 by 2027-03-31: {400 - ideal:,} to go." in html
    assert re.search(r'<line class="goal" [^>]*><title>goal 400 by 2027-03-31</title></line>', html)
    assert 'class="goal"' not in render_page(data, policy.model_copy(update={"goals": None}))


def test_the_page_stays_bounded_yet_holds_the_whole_call_list_and_the_movers(history, monkeypatch, as_of):
    monkeypatch.setattr(dashboard_data, "MAX_TABLE_ROWS", 100)
    monkeypatch.setattr(dashboard_data, "MAX_LISTED_ROWS", 30)
    with _work_db(history) as con:
        data = read_dashboard_data(con, as_of, load_policy(DEFAULT_POLICY))
        best = [
            row[0]
            for row in con.execute(
                "SELECT customer_id FROM marts.customer_tiers WHERE segment = 'customer' "
                "ORDER BY list_position(['Ideal', 'Acceptable', 'Poor'], tier), score DESC, customer_id LIMIT 100"
            ).fetchall()
        ]
        top_movers = {
            row[0]
            for row in con.execute(
                "SELECT customer_id FROM marts.customer_tiers WHERE previous_tier <> tier AND segment = 'customer' "
                "ORDER BY revenue_12m DESC, customer_id LIMIT 30"
            ).fetchall()
        }
    shown = {r.customer_id for r in data.customers}
    assert [r.customer_id for r in data.customers[:100]] == best
    assert sum(bool(r.call) for r in data.customers) == 28  # the whole call list, wherever it ranks
    assert top_movers <= shown  # the 30 movers with the most revenue, wherever they rank
    assert len(data.customers) <= 100 + 30 + 30
    customers = data.total_customers  # prospects apart
    assert f"The table holds the best 100 of {customers:,} customers" in render_page(
        data, load_policy(DEFAULT_POLICY)
    )


def _choose(page: Page, select: str, value: str) -> None:
    page.evaluate(
        f"(() => {{ const s = document.getElementById({json.dumps(select)}); s.value = {json.dumps(value)}; "
        "s.dispatchEvent(new Event('change')); })()"
    )


def _texts(page: Page, selector: str) -> list[str]:
    return page.evaluate(f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.innerText)")


@needs_chromium
def test_one_owner_filters_the_call_list_the_movers_and_the_table(browser, history):
    path, data, cases = history
    page = browser.open(path)
    page.wait_for("document.getElementById('customer-table').dataset.ready === 'true'")
    rising = _texts(page, "#call-rising tbody tr")
    assert len(rising) == 2 and cases["rising_new"] in rising[0] and "newly rising" in rising[0]
    assert (
        "+ rising: 52,000 USD expected in the next 12 months vs 9,000 USD" in rising[0]
    )  # the rising reason
    movers = _texts(page, "#movers li")
    assert len(movers) == 8 and all(
        "(was 3 days late on average)" in m for m in movers
    )  # changes, not reasons
    [fell] = [r for r in data.customers if r.customer_id == cases["fell"]]
    _choose(page, "filter-owner", fell.account_owner)
    slipping = _texts(page, "#call-slipping tbody tr")
    assert any(cases["fell"] in row and "from Ideal" in row for row in slipping)
    for selector in ("#call-slipping tbody tr", "#movers li", "#customer-table tbody tr"):
        rows = [row for row in _texts(page, selector) if row != "Nobody."]
        assert rows and all(fell.account_owner in row for row in rows), selector
    owned = sum(r.account_owner == fell.account_owner for r in data.customers)
    assert page.evaluate("document.getElementById('table-count').textContent").endswith(
        f"of {owned:,} customers"
    )
    other = next(r.region for r in data.customers if r.region not in (None, fell.region))
    _choose(page, "filter-region", other)  # the filters combine
    both = [
        r
        for r in data.customers
        if r.call == "slipping" and (r.account_owner, r.region) == (fell.account_owner, other)
    ]
    assert len([row for row in _texts(page, "#call-slipping tbody tr") if row != "Nobody."]) == len(both)
    page.evaluate("document.getElementById('filter-clear').click()")
    _choose(page, "filter-owner", "(none)")  # the unowned accounts
    unowned = _texts(page, "#customer-table tbody tr")
    assert unowned and all("(no owner)" in row for row in unowned)
    page.evaluate("document.getElementById('filter-clear').click()")
    [held] = [r.customer_id for r in data.customers if r.tier_held][:1]
    [row] = _search(page, held)
    assert "kept Acceptable by the hysteresis margin" in row
    assert page.errors == [] and page.blocked == []


def test_prospects_are_shown_apart_with_their_fit_tiers_and_whom_to_work_first(s_run, dashboard):
    html = dashboard.read_text()
    with duckdb.connect(str(s_run[0].bi_db), read_only=True) as con:
        segments = dict(
            con.execute("SELECT segment, count(*) FROM marts.customer_tiers GROUP BY 1").fetchall()
        )
        first = con.execute(
            "SELECT customer_id FROM marts.prospect_priorities ORDER BY priority LIMIT 1"
        ).fetchone()[0]
        ideal = con.execute(
            "SELECT count(*) FROM marts.customer_tiers WHERE segment = 'customer' AND tier = 'Ideal'"
        ).fetchone()[0]
    assert segments["prospect"] > 0
    assert f"Prospects: {segments['prospect']:,} accounts without an order yet" in html
    assert f"<small>{first}</small>" in html.split("<h3>Whom to work first</h3>")[1].split("</tr>")[1]
    # the tier cards count customers, prospects apart
    assert f'<div class="big">{ideal:,} <small>customers' in html
