"""`tiers explain CUSTOMER_ID` on the published file of the S run: every item, knock-outs and the tier steps."""

import shutil

import duckdb
import pytest
import yaml

from tiering.cli import main
from tiering.policy import load_policy
from tiering.settings import DEFAULT_POLICY


@pytest.fixture
def explain(s_run, monkeypatch, capsys):
    """Run `tiers explain` in-process on the S run's BI file: (exit code, stdout, stderr)."""
    settings, _ = s_run
    monkeypatch.setenv("TIERS_WAREHOUSE_DIR", str(settings.warehouse_dir))
    monkeypatch.setenv("TIERS_POLICY", str(DEFAULT_POLICY))

    def run(customer_id: str, **env: str) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        code = main(["explain", customer_id])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _customer(s_run, where: str) -> dict:
    settings, _ = s_run
    with duckdb.connect(str(settings.bi_db), read_only=True) as con:
        return (
            con.sql(f"SELECT * FROM marts.customer_tiers WHERE {where} ORDER BY customer_id LIMIT 1")
            .pl()
            .row(0, named=True)
        )


def test_an_ideal_customer_gets_every_item_with_points_and_weight(explain, s_run):
    row = _customer(s_run, "tier = 'Ideal'")
    code, out, _ = explain(row["customer_id"])
    assert code == 0
    policy = load_policy(DEFAULT_POLICY)
    assert f"({row['customer_id']})" in out and "Tier Ideal" in out and "action Proactive" in out
    assert f"Score {row['score']:.1f} of 100" in out
    for trait, rule in policy.traits.items():
        value = row[trait]
        if value is None:
            continue
        points = min(max((value - rule.poor) / (rule.ideal - rule.poor), 0.0), 1.0) * 100
        phrase = rule.good if points >= 50 else rule.bad
        assert any(
            line.split()[:2] == [f"{points:.0f}", f"{rule.weight:g}"] and phrase in line
            for line in out.splitlines()
        ), (trait, points)
    for rule in policy.knockouts:
        assert f"- {rule.name} (" in out and "did not apply" in out
    assert "No knock-out rule applied: Ideal." in out and "action Proactive: pursue them every day." in out
    assert "policy has changed" not in out


def test_numbers_carry_thousands_separators(explain, s_run):
    row = _customer(s_run, "revenue_12m >= 10000")
    code, out, _ = explain(row["customer_id"])
    assert code == 0
    assert f": {row['revenue_12m']:,.0f} USD in the last 12 months" in out
    assert " above 25,000): " in out


def test_a_knocked_out_customer_is_told_which_rule_capped_the_tier(explain, s_run):
    row = _customer(s_run, "knockouts <> ''")
    code, out, _ = explain(row["customer_id"])
    assert code == 0 and "APPLIED, at most Poor" in out and "caps the tier: Poor." in out


def test_a_changed_policy_is_pointed_out(explain, s_run, tmp_path):
    policy = yaml.safe_load(DEFAULT_POLICY.read_text())
    policy["traits"]["revenue_12m"]["weight"] = 20
    changed = tmp_path / "policy.yaml"
    changed.write_text(yaml.safe_dump(policy))
    code, out, _ = explain(_customer(s_run, "tier = 'Acceptable'")["customer_id"], TIERS_POLICY=str(changed))
    assert code == 0 and "the policy has changed since the run" in out


def test_an_unknown_customer_or_a_missing_file_exits_1_with_a_clear_message(explain, s_run, tmp_path):
    name = _customer(s_run, "true")["customer_name"]
    code, out, err = explain(name.split()[0])
    assert code == 1 and out == "" and "No customer" in err and "did you mean C" in err
    code, _, err = explain("C0000001", TIERS_WAREHOUSE_DIR=str(tmp_path))
    assert code == 1 and f"No BI file at {tmp_path / 'tiers.duckdb'}" in err and "Traceback" not in err


def test_hysteresis_is_explained_when_last_runs_tier_is_kept(s_run, tmp_path):
    """A customer just under the Ideal cut-off who was Ideal last run stays Ideal, and the steps say so."""
    from tiering.explain import explain_customer

    settings, _ = s_run
    copy = tmp_path / "tiers.duckdb"
    shutil.copy(settings.bi_db, copy)
    policy = load_policy(DEFAULT_POLICY)
    with duckdb.connect(str(copy)) as con:
        customer_id = con.execute(
            "UPDATE marts.customer_tiers SET score = $score, previous_tier = 'Ideal' WHERE customer_id = "
            "(SELECT min(customer_id) FROM marts.customer_tiers WHERE tier = 'Ideal' AND knockouts = '') "
            "RETURNING customer_id",
            {"score": policy.tiers.ideal - policy.tiers.hysteresis / 2},
        ).fetchone()[0]
    out = explain_customer(copy, customer_id, policy)
    assert ": Acceptable." in out and "Last run it was Ideal" in out and "to change tier: Ideal." in out


def test_a_prospect_is_explained_by_its_fit_to_the_profile(explain, s_run):
    row = _customer(s_run, "segment = 'prospect'")
    code, out, _ = explain(row["customer_id"])
    assert code == 0
    assert f"Tier {row['tier']}" in out and "A prospect: no completed order" in out
    assert f"Fit {row['fit_score']:.1f} of 100" in out
    criteria = [line.strip() for line in out.splitlines() if line.startswith(("  + ", "  - "))]
    assert "; ".join(criteria) == row["reasons"]  # the same criteria as the published reasons
    assert "points  weight" not in out  # no trait to score
