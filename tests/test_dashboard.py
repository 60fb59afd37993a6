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
from tiering.dashboard import read_dashboard_data, render_page, write_dashboard
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
INSERT INTO marts.tier_history
SELECT customer_id, getvariable('as_of') - INTERVAL 1 DAY, score, tier, 'planted' FROM previous;
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
def history_dashboard(s_run, tmp_path_factory, as_of) -> Path:
    """The page over the S marts with 30 earlier as-of dates planted: movements, a timeline, previous tiers."""
    settings, _ = s_run
    folder = tmp_path_factory.mktemp("history")
    with duckdb.connect(str(folder / "work.duckdb")) as con:
        con.execute(f"ATTACH '{settings.work_db}' AS run (READ_ONLY)")
        con.execute("CREATE SCHEMA marts")
        for table in ("customer_tiers", "tier_summary", "tier_history"):
            con.execute(f"CREATE TABLE marts.{table} AS SELECT * FROM run.marts.{table}")
        con.execute("SET VARIABLE as_of = $as_of::DATE", {"as_of": as_of})
        con.execute(PLANTED_HISTORY)
        data = read_dashboard_data(con, as_of, load_policy(DEFAULT_POLICY))
    assert data.previous_date == as_of - timedelta(days=1)
    return write_dashboard(render_page(data, load_policy(DEFAULT_POLICY)), folder)


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
    assert f"Since {as_of - timedelta(days=1):%d %B %Y}: 40 moved up a tier, 25 moved down" in html
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
        poor = con.execute("SELECT count(*) FROM marts.customer_tiers WHERE tier = 'Poor'").fetchone()[0]
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
