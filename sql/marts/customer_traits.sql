-- The latest snapshot of traits: the run's last date of traits.daily_traits, unless the table already holds a
-- newer as-of date (the run is a backfill or a re-run of older dates), which it then keeps. In customer order,
-- whatever order the traits were computed in.
CREATE SCHEMA IF NOT EXISTS marts;
CREATE TABLE IF NOT EXISTS marts.customer_traits AS FROM traits.daily_traits WITH NO DATA;
CREATE OR REPLACE TABLE marts.customer_traits AS
SELECT * FROM traits.daily_traits
WHERE as_of_date = $last_date AND NOT EXISTS (SELECT 1 FROM marts.customer_traits WHERE as_of_date > $last_date)
UNION ALL BY NAME
SELECT * FROM marts.customer_traits WHERE as_of_date > $last_date
ORDER BY as_of_date, customer_id;
