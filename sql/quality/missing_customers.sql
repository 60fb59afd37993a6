-- Customers known on the mart's as-of date (signed up by then, or without a signup date) that have no row.
SELECT c.customer_id FROM staging.customers AS c
ANTI JOIN {batch} AS m ON m.customer_id = c.customer_id
WHERE c.signup_date IS NULL OR c.signup_date <= (SELECT max(as_of_date) FROM {batch})
