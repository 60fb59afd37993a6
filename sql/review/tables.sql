-- The quarterly review's table in the working database, published with the marts (tiering/review.py): each
-- quarter's rows are replaced when it is reviewed again.
CREATE SCHEMA IF NOT EXISTS marts;
CREATE TABLE IF NOT EXISTS marts.quarterly_review (
    quarter VARCHAR NOT NULL,
    list VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    customer_name VARCHAR,
    account_owner VARCHAR,
    days_scored INTEGER NOT NULL,
    days_run INTEGER NOT NULL,
    days_in_quarter INTEGER NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    revenue DOUBLE NOT NULL,
    gross_margin DOUBLE,
    tickets BIGINT,  -- null without ticket data
    mean_score DOUBLE,
    reviewed_at TIMESTAMP WITH TIME ZONE NOT NULL
)
