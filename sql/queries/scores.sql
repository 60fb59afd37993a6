-- The lookups of tiering/warehouse/scores.py.

-- name: run_traits
-- The traits of the run's dates, for the scores' shards.
CREATE OR REPLACE TEMP TABLE shard_input AS
SELECT * FROM traits.daily_traits WHERE as_of_date BETWEEN $first_date AND $last_date

-- name: previous_tiers
-- Every customer's tier on the last as-of date before the run's first (none on a first run), for the scores' shards.
CREATE OR REPLACE TEMP TABLE shard_input AS
SELECT customer_id, as_of_date, tier
FROM marts.tier_history
WHERE as_of_date = (SELECT max(as_of_date) FROM marts.tier_history WHERE as_of_date < $first_date)

-- name: previous_traits
-- Every customer's traits on the last as-of date before the run's first, if kept (sql/marts/customer_traits.sql),
-- for the scores' shards.
CREATE OR REPLACE TEMP TABLE shard_input AS
SELECT *
FROM traits.previous_traits
WHERE as_of_date = (SELECT max(as_of_date) FROM marts.tier_history WHERE as_of_date < $first_date)

-- name: dates_with_traits
-- The as-of dates of a range that traits.daily_traits holds.
SELECT DISTINCT as_of_date FROM traits.daily_traits WHERE as_of_date BETWEEN $first_date AND $last_date

-- name: customers_per_tier
-- Customers per tier on one as-of date of the scores.
SELECT tier, count(*) FROM scoring.customer_scores WHERE as_of_date = $as_of GROUP BY tier
