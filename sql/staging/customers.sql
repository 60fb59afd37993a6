-- Customers, in customer-bucket order (see tiering/warehouse/tables.py).
-- Written by tiering/warehouse/staging.py: made anew from the raw tables, or, on a night with new rows, the
-- rows of the keys they touch added, read from those keys' raw rows.
{write} staging.customers {as_query}
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
FROM {customers}
ORDER BY customer_bucket
