-- Every customer's tier on the last as-of date before the run's first (none on a first run), with its bucket.
CREATE OR REPLACE TEMP TABLE previous_tiers AS
SELECT customer_id, tier, as_of_date, customer_bucket(customer_id) AS customer_bucket
FROM marts.tier_history
WHERE as_of_date = (SELECT max(as_of_date) FROM marts.tier_history WHERE as_of_date < $first_date)
