-- The backtests' tables in the working database, published with the marts (tiering/backtest/outcomes.py): each
-- backtest is one (scored_on, horizon_days, policy_version), its rows replaced when it is run again.
CREATE SCHEMA IF NOT EXISTS marts;
CREATE TABLE IF NOT EXISTS marts.policy_backtest_customers (
    scored_on DATE NOT NULL,
    horizon_days INTEGER NOT NULL,
    policy_version VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    score DOUBLE,
    tier VARCHAR NOT NULL,
    revenue_12m DOUBLE NOT NULL,
    outcome_revenue DOUBLE NOT NULL,
    retained BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS marts.policy_backtest (
    scored_on DATE NOT NULL,
    horizon_days INTEGER NOT NULL,
    policy_version VARCHAR NOT NULL,
    tier VARCHAR NOT NULL,
    customers BIGINT NOT NULL,
    outcome_revenue DOUBLE NOT NULL,
    revenue_share DOUBLE,
    revenue_per_customer DOUBLE,
    retained_share DOUBLE
);
CREATE TABLE IF NOT EXISTS marts.policy_backtest_summary (
    scored_on DATE NOT NULL,
    horizon_days INTEGER NOT NULL,
    policy_version VARCHAR NOT NULL,
    customers BIGINT NOT NULL,
    outcome_revenue DOUBLE NOT NULL,
    gini DOUBLE,
    top_decile_lift DOUBLE,
    retention_auc DOUBLE,
    revenue_12m_gini DOUBLE,
    revenue_12m_top_decile_lift DOUBLE,
    revenue_12m_retention_auc DOUBLE,
    forecast_gini DOUBLE,
    forecast_top_decile_lift DOUBLE,
    forecast_retention_auc DOUBLE
)
