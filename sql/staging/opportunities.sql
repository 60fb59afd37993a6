-- Sales opportunities, stage trimmed and lower-cased, in customer-bucket order (see tiering/warehouse/tables.py).
-- Written by tiering/warehouse/staging.py: made anew from the raw tables, or, on a night with new rows, the
-- rows of the keys they touch added, read from those keys' raw rows.
{write} staging.opportunities {as_query}
SELECT
    opportunity_id,
    customer_id,
    created_date,
    expected_close_date,
    amount::DOUBLE AS amount,
    expected_margin,
    lower(trim(stage)) AS stage,
    probability,
    customer_bucket(customer_id) AS customer_bucket
FROM {opportunities}
ORDER BY customer_bucket
