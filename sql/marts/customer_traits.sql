-- The run's last date of traits.daily_traits.
CREATE SCHEMA IF NOT EXISTS marts;
CREATE OR REPLACE TABLE marts.customer_traits AS
SELECT * FROM traits.daily_traits WHERE as_of_date = $last_date;
