-- The latest snapshot of traits: the run's last date of traits.daily_traits, unless the table already holds a
-- newer as-of date (the run is a backfill or a re-run of older dates), which it then keeps. In customer order,
-- whatever order the traits were computed in.
CREATE SCHEMA IF NOT EXISTS marts;
CREATE TABLE IF NOT EXISTS marts.customer_traits AS FROM traits.daily_traits WITH NO DATA;
-- The snapshot this run replaces, kept as the previous as-of date's traits (the scores say what changed since)
-- when it is older than the run (traits.daily_traits holds the run's dates); a re-run of its date or a backfill
-- of older ones keeps the one kept before.
CREATE TABLE IF NOT EXISTS traits.previous_traits AS FROM traits.daily_traits WITH NO DATA;
CREATE OR REPLACE TABLE traits.previous_traits AS
WITH older AS (
    SELECT * FROM marts.customer_traits WHERE as_of_date < (SELECT min(as_of_date) FROM traits.daily_traits)
)
SELECT * FROM older
UNION ALL BY NAME
SELECT * FROM traits.previous_traits WHERE NOT EXISTS (FROM older);
CREATE OR REPLACE TABLE marts.customer_traits AS
SELECT * FROM traits.daily_traits
WHERE as_of_date = $last_date AND NOT EXISTS (SELECT 1 FROM marts.customer_traits WHERE as_of_date > $last_date)
UNION ALL BY NAME
SELECT * FROM marts.customer_traits WHERE as_of_date > $last_date
ORDER BY as_of_date, customer_id;
