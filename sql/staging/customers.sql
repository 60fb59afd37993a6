-- Customers, in customer-bucket order (see tiering/warehouse/tables.py).
CREATE OR REPLACE TABLE staging.customers AS
SELECT
    customer_id,
    trim(name) AS name,
    lower(trim(industry)) AS industry,
    employees,
    trim(region) AS region,
    nullif(trim(account_owner), '') AS account_owner,
    signup_date,
    parent_id,
    customer_bucket(customer_id) AS customer_bucket
FROM raw.customers
ORDER BY customer_bucket
