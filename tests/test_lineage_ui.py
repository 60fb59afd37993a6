"""Lineage as a data engineer sees it: the Dagster webserver's GraphQL asset graph, and the metadata of a run."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from support import free_port
from tiering.feeds import FEEDS
from tiering.lineage import LINEAGE, scores_lineage
from tiering.outputs import OUTPUT_TABLES
from tiering.policy import load_policy
from tiering.settings import DEFAULT_POLICY, REPO_ROOT

ASSET_GRAPH = """{
  assetNodes {
    assetKey { path }
    groupName
    description
    kinds
    owners { ... on TeamAssetOwner { team } ... on UserAssetOwner { email } }
    dependencyKeys { path }
    assetChecksOrError { ... on AssetChecks { checks { name description blocking } } }
  }
}"""
GROUPS = {"raw": "ingest", "staging": "staging", "scoring": "scoring", "bi": "marts", "reports": "reports"}


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["data"]


@pytest.fixture(scope="module")
def asset_graph(tmp_path_factory) -> dict[str, dict]:
    """The asset nodes served by `dagster-webserver` on a free loopback port, by 'schema/name'."""
    root = tmp_path_factory.mktemp("webserver")
    (root / "home").mkdir()
    (root / "home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERS_")}
    env |= {"DAGSTER_HOME": str(root / "home"), "TIERS_LANDING_DIR": str(root / "landing")}
    env |= {"TIERS_WAREHOUSE_DIR": str(root / "warehouse")}
    port = free_port()
    webserver = Path(sys.executable).with_name("dagster-webserver")
    server = subprocess.Popen(
        [str(webserver), "-h", "127.0.0.1", "-p", str(port), "-m", "pipelines.definitions"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90  # about 10 s on an idle machine; loading the code dominates
        while True:
            try:
                nodes = _graphql(port, ASSET_GRAPH)["assetNodes"]
                if nodes:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "dagster-webserver did not come up"
            time.sleep(0.25)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {"/".join(node["assetKey"]["path"]): node for node in nodes}


def _upstream(graph: dict[str, dict], key: str) -> set[str]:
    seen, todo = set(), [key]
    while todo:
        for dep in graph[todo.pop()]["dependencyKeys"]:
            name = "/".join(dep["path"])
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def test_every_raw_feed_flows_into_the_customer_tiers_and_the_dashboard(asset_graph):
    feeds = {f"raw/{feed}" for feed in FEEDS}
    assert feeds - {"raw/opportunities"} <= _upstream(asset_graph, "marts/customer_tiers")  # prospects' only
    assert {"marts/customer_traits", "scoring/customer_scores"} <= _upstream(
        asset_graph, "marts/customer_tiers"
    )
    assert {"marts/customer_tiers", "marts/tier_summary"} | feeds <= _upstream(
        asset_graph, "reports/tier_dashboard"
    )


def test_every_asset_has_a_group_description_owner_and_kinds(asset_graph):
    for key, node in asset_graph.items():
        assert node["description"] and node["owners"] and node["kinds"], key
        expected = GROUPS.get(key.split("/")[0])
        assert expected is None or node["groupName"] == expected, key
    assert {asset_graph[k]["groupName"] for k in ("marts/customer_tiers", "marts/tier_summary")} == {"marts"}
    assert asset_graph["marts/customer_traits"]["groupName"] == "traits"


def test_every_raw_feed_and_the_customer_marts_have_a_described_blocking_check(asset_graph):
    for key in [f"raw/{feed}" for feed in FEEDS] + ["marts/customer_traits", "marts/customer_tiers"]:
        checks = asset_graph[key]["assetChecksOrError"]["checks"]
        assert any(check["blocking"] for check in checks), key
        assert all(check["description"] for check in checks), key


def _column_sources(table: str, column: str, lineage: dict) -> set[str]:
    """The raw columns a column is made of, following the lineage through every table in between."""
    raw, todo = set(), [f"{table}.{column}"]
    while todo:
        schema, name, col = todo.pop().split(".")
        if schema == "raw":
            raw.add(f"{schema}.{name}.{col}")
        else:
            todo += lineage[f"{schema}.{name}"][col]
    return raw


def test_the_tier_traces_back_through_traits_and_scores_to_every_raw_feed():
    lineage = {**LINEAGE, "scoring.customer_scores": scores_lineage(load_policy(DEFAULT_POLICY))}
    sources = _column_sources("marts.customer_tiers", "tier", lineage)
    assert {s.split(".")[1] for s in sources} == set(FEEDS) - {"opportunities", "signals"}  # not scored here
    assert "raw.support_tickets.category" in sources and "raw.payments.paid_date" in sources


def test_the_run_attaches_lineage_schema_preview_and_the_policy_to_the_materializations(s_run):
    _, result = s_run
    metadata = {
        "/".join(e.asset_key.path): e.event_specific_data.materialization.metadata
        for e in result.all_events
        if e.is_step_materialization
    }
    for table, columns in LINEAGE.items():
        key = table.replace(".", "/")
        lineage = metadata[key]["dagster/column_lineage"].value.deps_by_column
        assert set(lineage) == set(columns), key
        schema = [c.name for c in metadata[key]["dagster/column_schema"].value.columns]
        assert set(columns) <= set(schema), key  # every column named in the lineage exists
        assert metadata[key]["dagster/row_count"].value > 0 and metadata[key]["preview"].value
    documented = OUTPUT_TABLES[0].columns
    described = {
        c.name: c.description for c in metadata["marts/customer_tiers"]["dagster/column_schema"].value.columns
    }
    assert {name: described.get(name) for name in documented} == documented
    scores = metadata["scoring/customer_scores"]
    assert scores["policy_version"].value == load_policy(DEFAULT_POLICY).version
    assert sum(scores[f"customers_{tier}"].value for tier in ("ideal", "acceptable", "poor")) > 0
