-- The tables that accumulate one slice per as-of date; each run replaces the slices of its own dates. And the
-- previous snapshot of traits (kept by sql/marts/customer_traits.sql), empty until a second date has run.
CREATE SCHEMA IF NOT EXISTS marts;
CREATE TABLE IF NOT EXISTS traits.previous_traits AS FROM traits.daily_traits WITH NO DATA;
CREATE TABLE IF NOT EXISTS marts.tier_history (
    customer_id VARCHAR NOT NULL,
    as_of_date DATE NOT NULL,
    score DOUBLE,
    tier VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    segment VARCHAR
);
ALTER TABLE marts.tier_history ADD COLUMN IF NOT EXISTS segment VARCHAR;  -- a history from before prospects
CREATE TABLE IF NOT EXISTS marts.tier_movements (
    as_of_date DATE NOT NULL,
    from_tier VARCHAR,
    to_tier VARCHAR,
    customers BIGINT NOT NULL,
    revenue_12m DOUBLE
);
CREATE TABLE IF NOT EXISTS marts.tier_summary (
    as_of_date DATE NOT NULL,
    tier VARCHAR NOT NULL,
    action VARCHAR,
    customers BIGINT NOT NULL,
    revenue_12m DOUBLE NOT NULL,
    gross_margin DOUBLE,
    mean_payment_delay_days DOUBLE,
    tickets_per_order DOUBLE,  -- null without ticket data
    mean_score DOUBLE
);
-- one row per alert and destination, written by the alert step after publishing (tiering/alerts/nightly.py)
CREATE TABLE IF NOT EXISTS marts.tier_alerts (
    as_of_date DATE NOT NULL,
    customer_id VARCHAR NOT NULL,
    from_tier VARCHAR,
    to_tier VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    account_owner VARCHAR,
    destination VARCHAR NOT NULL,
    status VARCHAR NOT NULL
);
-- a warehouse made before tickets_per_order could be null
ALTER TABLE marts.tier_summary ALTER COLUMN tickets_per_order DROP NOT NULL
