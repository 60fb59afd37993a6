-- What the dashboard shows (tiering/dashboard/data.py), read from the marts of the working database.

-- name: tables
-- The tables of the working database (not of another database attached to it): the optional marts it holds.
SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()

-- name: previous_date
-- The as-of date run before the dashboard's date: what the tier movements compare with (null on a first run).
SELECT max(as_of_date) FROM marts.tier_history WHERE as_of_date < $as_of

-- name: tiers_now
-- Per tier on the as-of date: the tier summary, plus the discount depth and support tickets it does not hold
-- (null without ticket data: the support traits left out); customers, prospects apart.
WITH extra AS (
    SELECT tier, avg(discount_depth) AS mean_discount_depth, sum(tickets_12m) AS tickets_12m
    FROM marts.customer_tiers
    WHERE {segment} IS DISTINCT FROM 'prospect'
    GROUP BY tier
)
SELECT
    s.tier,
    s.customers,
    s.revenue_12m,
    s.gross_margin,
    s.mean_payment_delay_days,
    e.mean_discount_depth,
    s.tickets_per_order,
    e.tickets_12m,
    s.mean_score
FROM marts.tier_summary AS s
LEFT JOIN extra AS e USING (tier)
WHERE s.as_of_date = $as_of

-- name: tiers_over_time
-- Customers per tier on every as-of date run up to the dashboard's date.
SELECT as_of_date, tier, customers
FROM marts.tier_summary
WHERE as_of_date <= $as_of
ORDER BY as_of_date

-- name: movements
-- Customers and revenue by the tier they came from and the tier they are in, on the dashboard's date.
SELECT from_tier, to_tier, customers, revenue_12m
FROM marts.tier_movements
WHERE as_of_date = $as_of

-- name: trait_distribution
-- Per tier: how many customers (prospects apart) have a value of {trait}, and its 10th, 25th, 50th, 75th, 90th
-- percentiles. One trait a statement: exact percentiles hold their values, all traits at once ran 1 GB out at 11M
-- customers.
SELECT
    tier,
    count(*) AS customers,
    quantile_cont({trait}::DOUBLE, [0.1, 0.25, 0.5, 0.75, 0.9]) AS percentiles
FROM marts.customer_tiers
WHERE {trait} IS NOT NULL AND {segment} IS DISTINCT FROM 'prospect'
GROUP BY tier

-- name: customers
-- One row per customer (prospects apart) on the page, best tier first ($tiers is best first), highest score first: the best $max_rows
-- (the searchable table), plus the $max_listed with the most revenue of those on the call list and of those who
-- changed tier, wherever they rank. On the call list ("call"): 'slipping', Ideal on the previous date and lower now,
-- or still Ideal with a falling score less than $near points above the Ideal cut-off; else 'newly rising' or
-- 'rising' (the forecast flag). `changes` only where the page shows it: for a customer who moved or is slipping.
-- The rows are chosen on narrow columns by three top-N scans, then joined to their wide columns (reasons, changes):
-- ranking every customer with the wide columns spilled 10 GB at 11M customers.
WITH customers AS (
    SELECT
        customer_id,
        list_position($tiers, tier) AS tier_rank,
        score,
        round(revenue_12m) AS revenue_12m,
        CASE
            WHEN {previous_tier} = 'Ideal' AND tier <> 'Ideal' THEN 'slipping'
            WHEN tier = 'Ideal' AND {score_change} < 0 AND score < $ideal_cutoff + $near THEN 'slipping'
            WHEN rising AND {newly_rising} THEN 'newly rising'
            WHEN rising THEN 'rising'
        END AS call,
        coalesce({previous_tier} <> tier, false) AS moved
    FROM marts.customer_tiers
    WHERE {segment} IS DISTINCT FROM 'prospect'
),
shown AS (
    (SELECT customer_id FROM customers ORDER BY tier_rank, score DESC, customer_id LIMIT $max_rows)
    UNION
    (SELECT customer_id FROM customers WHERE call IS NOT NULL ORDER BY revenue_12m DESC, customer_id LIMIT $max_listed)
    UNION
    (SELECT customer_id FROM customers WHERE moved ORDER BY revenue_12m DESC, customer_id LIMIT $max_listed)
)
SELECT
    customer_id,
    t.customer_name,
    t.tier,
    t.score,
    {previous_tier} AS previous_tier,
    {score_change} AS score_change,
    c.revenue_12m,
    t.reasons,
    t.account_owner,
    t.region,
    t.industry,
    CASE WHEN c.moved OR c.call = 'slipping' THEN {changes} END AS changes,
    {tier_held} AS tier_held,
    {newly_rising} AS newly_rising,
    c.call
FROM shown
JOIN customers AS c USING (customer_id)
JOIN marts.customer_tiers AS t USING (customer_id)
ORDER BY c.tier_rank, t.score DESC, customer_id

-- name: held
-- Per tier: the customers the hysteresis margin kept in it (the score alone would give another tier).
SELECT tier, count(*) FROM marts.customer_tiers WHERE {tier_held} AND {segment} IS DISTINCT FROM 'prospect' GROUP BY tier

-- name: backtest_tiers
-- The nightly backtest of the dashboard's date (scored a year before it with the policy in use), per tier: what each
-- tier's customers brought in the year since and how many of them bought again.
SELECT tier, customers, revenue_share, revenue_per_customer, retained_share
FROM marts.policy_backtest
WHERE scored_on = $scored_on AND horizon_days = $horizon_days AND policy_version = $policy_version

-- name: backtest_summary
-- The same backtest's ranking figures: the policy's, then the two references'.
SELECT * EXCLUDE (scored_on, horizon_days, policy_version, customers, outcome_revenue)
FROM marts.policy_backtest_summary
WHERE scored_on = $scored_on AND horizon_days = $horizon_days AND policy_version = $policy_version

-- name: quarterly_review
-- The newest quarterly review (marts.quarterly_review): each list's customers, biggest revenue first, with the
-- review's coverage on every row.
SELECT
    quarter, list, customer_id, customer_name, account_owner, revenue, gross_margin, tickets,
    days_run, days_in_quarter, period_start, period_end
FROM marts.quarterly_review
WHERE quarter = (SELECT max(quarter) FROM marts.quarterly_review)
ORDER BY list, revenue DESC, customer_id

-- name: prospects
-- Prospects per tier (their fit to the profile), with how many have an open opportunity.
SELECT t.tier, count(*) AS prospects, count(p.customer_id) AS with_opportunity
FROM marts.customer_tiers AS t
LEFT JOIN marts.prospect_priorities AS p USING (customer_id)
WHERE t.segment = 'prospect'
GROUP BY t.tier

-- name: prospect_priorities
-- The first $max prospects to work (marts.prospect_priorities), with their name and owner.
SELECT
    p.priority, p.customer_id, t.customer_name, t.account_owner, p.tier, p.fit_score, p.days_to_close,
    p.pipeline_amount, p.expected_margin
FROM marts.prospect_priorities AS p
JOIN marts.customer_tiers AS t USING (customer_id)
ORDER BY p.priority
LIMIT $max
