"""The usual alternative: the same traits and tiers written in pandas, as an analyst would, straight from the files.

Reads the landing Parquet files with pandas, derives the traits of tiering/traits (the definitions are the
declarations in tiering/traits), scores them against the policy YAML (weights, points, profile, knock-outs,
cut-offs; a first run, so no hysteresis) and writes one row per customer: customer_id, score, tier and every
trait. Plain groupby and merge, no tuning; it imports nothing from the pipeline, so agreeing tiers are a real
cross-check of both.

    python -m bench.pandas_baseline --landing DIR --as-of 2026-06-30 --policy policy/ideal_customer.yaml \
        --out tiers.parquet
"""

import argparse
import json
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from bench.columns import COLUMNS_READ

WINDOW_DAYS = 365
RECENT_HALF_DAYS = 182
DAYS_PER_MONTH = 30.4375
PAID_TOLERANCE = 0.005


def read_feed(landing: Path, feed: str, columns: list[str]) -> pd.DataFrame:
    files = sorted((landing / feed).glob("*.parquet"))
    if not files:
        return pd.DataFrame(columns=columns)
    return pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)


def safe_div(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is 0 or missing."""
    return (numerator / denominator).where(denominator != 0)


def compute_traits(landing: Path, as_of: date, base_currency: str) -> pd.DataFrame:
    D = pd.Timestamp(as_of)
    start = D - pd.Timedelta(days=WINDOW_DAYS - 1)
    recent_start = D - pd.Timedelta(days=RECENT_HALF_DAYS - 1)

    customers = read_feed(landing, "customers", COLUMNS_READ["customers"])
    customers["signup_date"] = pd.to_datetime(customers["signup_date"])
    customers = customers[(customers["signup_date"] <= D) | customers["signup_date"].isna()].copy()
    customers["industry"] = customers["industry"].str.strip().str.lower()
    customers["region"] = customers["region"].str.strip()
    customers["tenure_days"] = (D - customers["signup_date"]).dt.days

    # currency rates to the base currency
    fx = read_feed(landing, "fx_rates", COLUMNS_READ["fx_rates"])
    rates = dict(zip(fx["currency"].str.strip().str.upper(), fx["rate_to_base"], strict=True))
    rates[base_currency.upper()] = 1.0

    # orders with their lines summed, in the base currency
    orders = read_feed(landing, "orders", COLUMNS_READ["orders"])
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    orders["status"] = orders["status"].str.strip().str.lower()
    orders["rate"] = orders["currency"].str.strip().str.upper().map(rates)
    if orders["rate"].isna().any():
        missing = sorted(orders.loc[orders["rate"].isna(), "currency"].unique())
        raise SystemExit(f"orders in currencies without a rate: {missing}")
    lines = read_feed(landing, "order_lines", COLUMNS_READ["order_lines"])
    lines["premium_net_amount"] = lines["net_amount"].where(lines["is_premium"], 0.0)
    lines["service_net_amount"] = lines["net_amount"].where(lines["is_service"], 0.0)
    money = [
        "net_amount",
        "list_amount",
        "discount_amount",
        "cost_amount",
        "premium_net_amount",
        "service_net_amount",
    ]
    order_totals = lines.groupby("order_id")[money].sum().reset_index()
    # product breadth needs the categories of completed orders; then the line table is no longer needed
    completed_orders = orders.loc[(orders["status"] == "completed") & (orders["order_date"] <= D)]
    categories = lines[["order_id", "product_category"]].merge(
        completed_orders[["order_id", "customer_id", "order_date"]], on="order_id"
    )
    del lines, completed_orders
    orders = orders.merge(order_totals, on="order_id", how="left")
    del order_totals
    for column in money:
        orders[column] = orders[column].fillna(0.0) * orders["rate"]

    order_rates = orders[["order_id", "rate"]]  # invoices are in the currency of their order

    # order traits
    orders = orders[orders["order_date"] <= D]
    in_window = orders["order_date"] >= start
    completed = orders[orders["status"] == "completed"]
    counted = completed[completed["order_date"] >= start]
    per_customer = counted.groupby("customer_id").agg(
        revenue_12m=("net_amount", "sum"),
        cost=("cost_amount", "sum"),
        discount=("discount_amount", "sum"),
        list_total=("list_amount", "sum"),
        premium=("premium_net_amount", "sum"),
        service=("service_net_amount", "sum"),
        orders_12m=("order_id", "count"),
        order_days=("order_date", "nunique"),
    )
    per_customer["revenue_recent"] = (
        counted[counted["order_date"] >= recent_start].groupby("customer_id")["net_amount"].sum()
    )
    dates = completed.groupby("customer_id")["order_date"].agg(first_completed="min", last_completed="max")
    returned = orders[in_window & (orders["status"] == "returned")].groupby("customer_id").size()

    traits = customers.set_index("customer_id")
    traits = traits.join(per_customer).join(dates)
    traits["returned"] = returned
    traits[["revenue_12m", "revenue_recent", "orders_12m", "order_days", "returned"]] = traits[
        ["revenue_12m", "revenue_recent", "orders_12m", "order_days", "returned"]
    ].fillna(0)
    revenue = traits["revenue_12m"]
    traits["gross_margin"] = safe_div(revenue - traits["cost"], revenue)
    traits["discount_depth"] = safe_div(traits["discount"], traits["list_total"])
    months = (((D - traits["first_completed"]).dt.days + 1) / DAYS_PER_MONTH).clip(1.0, 12.0)
    traits["purchase_frequency"] = (traits["order_days"] / months).fillna(0.0)
    traits["recency_days"] = (D - traits["last_completed"]).dt.days
    prior = revenue - traits["revenue_recent"]
    traits["growth_trend"] = safe_div(traits["revenue_recent"] - prior, traits["revenue_recent"] + prior)
    traits["premium_share"] = safe_div(traits["premium"], revenue)
    traits["service_share"] = safe_div(traits["service"], revenue)
    traits["return_rate"] = safe_div(traits["returned"], traits["returned"] + traits["orders_12m"])

    # product breadth: categories of completed orders
    universe = categories["product_category"].nunique()
    in_window_categories = categories[categories["order_date"] >= start]
    traits["categories"] = in_window_categories.groupby("customer_id")["product_category"].nunique()
    traits["product_breadth"] = traits["categories"].fillna(0) / universe if universe else np.nan
    del categories, in_window_categories, orders, completed, counted

    # payments: an invoice is paid on the day its payments first add up to its amount
    invoices = read_feed(landing, "invoices", COLUMNS_READ["invoices"])
    invoices["issued_date"] = pd.to_datetime(invoices["issued_date"])
    invoices["due_date"] = pd.to_datetime(invoices["due_date"])
    invoices = invoices.merge(order_rates, on="order_id", how="left")
    invoices["rate"] = invoices["rate"].fillna(1.0)  # an invoice without an order is in the base currency
    invoices["amount"] = invoices["amount"] * invoices["rate"]
    payments = read_feed(landing, "payments", COLUMNS_READ["payments"])
    payments["paid_date"] = pd.to_datetime(payments["paid_date"])
    payments = payments.merge(invoices[["invoice_id", "rate"]], on="invoice_id", how="left")
    payments["amount"] = payments["amount"] * payments["rate"].fillna(1.0)
    payments = payments[payments["paid_date"] <= D].sort_values(["invoice_id", "paid_date"])
    payments["paid_to_date"] = payments.groupby("invoice_id")["amount"].cumsum()

    invoices = invoices[(invoices["issued_date"] <= D) & (invoices["due_date"] <= D)]
    payments = payments.merge(invoices[["invoice_id", "amount"]], on="invoice_id", suffixes=("", "_invoice"))
    settled = payments[payments["paid_to_date"] >= payments["amount_invoice"] - PAID_TOLERANCE]
    invoices = invoices.merge(
        settled.groupby("invoice_id")["paid_date"].min().rename("paid_on"), on="invoice_id", how="left"
    )
    invoices = invoices.merge(
        payments.groupby("invoice_id")["amount"].sum().rename("paid"), on="invoice_id", how="left"
    )
    invoices["paid"] = invoices["paid"].fillna(0.0)
    is_paid = invoices["paid_on"].notna()
    due = invoices["due_date"]
    scored = (due >= start) & (is_paid | (due < D))
    days_late = ((invoices["paid_on"] - due).dt.days.clip(lower=0)).where(is_paid, (D - due).dt.days)
    invoices["scored"] = scored
    invoices["scored_amount"] = invoices["amount"].where(scored, 0.0)
    invoices["late_amount_days"] = (invoices["amount"] * days_late).where(scored, 0.0)
    invoices["on_time"] = scored & is_paid & (invoices["paid_on"] <= due)
    invoices["overdue"] = (invoices["amount"] - invoices["paid"]).clip(lower=0).where(due < D, 0.0)
    per_invoice_customer = invoices.groupby("customer_id")[
        ["scored", "scored_amount", "late_amount_days", "on_time", "overdue"]
    ].sum()
    traits = traits.join(per_invoice_customer)
    traits["payment_delay_days"] = safe_div(traits["late_amount_days"], traits["scored_amount"])
    traits["on_time_rate"] = safe_div(traits["on_time"], traits["scored"])
    traits["overdue_amount"] = traits["overdue"].fillna(0.0)

    # support tickets opened in the window
    tickets = read_feed(landing, "support_tickets", COLUMNS_READ["support_tickets"])
    opened = pd.to_datetime(tickets["opened_at"]).dt.normalize()
    tickets = tickets[(opened >= start) & (opened <= D)]
    tickets = tickets.assign(complaint=tickets["category"].str.strip().str.lower() == "complaint")
    per_ticket_customer = tickets.groupby("customer_id").agg(
        tickets_12m=("customer_id", "size"), complaints=("complaint", "sum"), escalated=("escalated", "sum")
    )
    traits = traits.join(per_ticket_customer)
    traits["tickets_12m"] = traits["tickets_12m"].fillna(0)
    traits["tickets_per_order"] = traits["tickets_12m"] / traits["orders_12m"].clip(lower=1)
    traits["complaint_share"] = safe_div(traits["complaints"], traits["tickets_12m"])
    traits["escalation_rate"] = safe_div(traits["escalated"], traits["tickets_12m"])
    return traits.reset_index()


def score(traits: pd.DataFrame, policy: dict) -> pd.DataFrame:
    """Weighted mean of the points of the items a customer has a value for; tier by cut-offs and knock-outs. A
    prospect (no completed order: no recency) has no score: its tier is its fit, the weighted share of the
    profile criteria met (all Ideal, some Acceptable, none Poor)."""
    weighted = pd.Series(0.0, index=traits.index)
    weights = pd.Series(0.0, index=traits.index)
    fit, fit_weights = pd.Series(0.0, index=traits.index), 0.0

    def add(points: pd.Series, weight: float, criterion: bool = False) -> None:
        nonlocal weighted, weights, fit, fit_weights
        weighted = weighted + (points * weight).fillna(0.0)
        weights = weights + points.notna() * weight
        if criterion:  # an unknown value is not met
            fit, fit_weights = fit + points.fillna(0.0) * weight, fit_weights + weight

    for trait, rule in policy["traits"].items():
        points = ((traits[trait] - rule["poor"]) / (rule["ideal"] - rule["poor"])).clip(0, 1) * 100
        add(points, rule["weight"])
    profile = policy.get("profile") or {}
    for column in ("industry", "region"):
        if column in profile:
            wanted = [v.strip().lower() for v in profile[column]["in"]]
            value = traits[column].str.strip().str.lower()
            add(value.isin(wanted).astype(float).where(value.notna()) * 100, profile[column]["weight"], True)
    if "employees" in profile:
        rule, employees = profile["employees"], traits["employees"]
        ok = pd.Series(True, index=traits.index)
        if rule.get("min") is not None:
            ok &= employees >= rule["min"]
        if rule.get("max") is not None:
            ok &= employees <= rule["max"]
        add(ok.astype(float).where(employees.notna()) * 100, rule["weight"], True)

    scores = (weighted / weights).where(weights > 0).round(1)
    cutoffs = policy.get("tiers") or {}
    rank = np.where(
        scores >= cutoffs.get("ideal", 70), 0, np.where(scores >= cutoffs.get("acceptable", 40), 1, 2)
    )
    ranks = {"Ideal": 0, "Acceptable": 1, "Poor": 2}
    for rule in policy.get("knockouts") or []:
        value = traits[rule["trait"]]
        hit = value > rule["above"] if rule.get("above") is not None else value < rule["below"]
        rank = np.where(hit.fillna(False), np.maximum(rank, ranks[rule["max_tier"]]), rank)
    prospect = traits["recency_days"].isna()
    fit = (fit / fit_weights).round(1) if fit_weights else pd.Series(np.nan, index=traits.index)
    rank = np.where(prospect, np.where(fit >= 100, 0, np.where(fit > 0, 1, 2)), rank)
    result = traits.copy()
    result["score"] = scores.where(~prospect)
    result["tier"] = pd.Series(rank, index=traits.index).map({v: k for k, v in ranks.items()})
    return result


TRAIT_COLUMNS = [
    "revenue_12m",
    "gross_margin",
    "discount_depth",
    "purchase_frequency",
    "recency_days",
    "tenure_days",
    "growth_trend",
    "payment_delay_days",
    "on_time_rate",
    "overdue_amount",
    "product_breadth",
    "premium_share",
    "service_share",
    "return_rate",
    "orders_12m",
    "tickets_12m",
    "tickets_per_order",
    "complaint_share",
    "escalation_rate",
]


def run(landing: Path, as_of: date, policy_path: Path, out: Path) -> dict:
    started = time.perf_counter()
    policy = yaml.safe_load(policy_path.read_text())
    traits = compute_traits(landing, as_of, policy.get("base_currency", "USD"))
    tiers = score(traits, policy)
    tiers[["customer_id", "score", "tier", *TRAIT_COLUMNS]].to_parquet(out, index=False)
    return {
        "customers": len(tiers),
        "tiers": tiers["tier"].value_counts().to_dict(),
        "seconds": round(time.perf_counter() - started, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--policy", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.landing, args.as_of, args.policy, args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
