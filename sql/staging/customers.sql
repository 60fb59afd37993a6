CREATE OR REPLACE TABLE staging.customers AS
SELECT customer_id, trim(name) AS name, lower(trim(industry)) AS industry, employees, trim(region) AS region, signup_date
FROM raw.customers
