-- Signals per customer and date (NPS answers, usage, referrals...), their names lower-cased, in customer-bucket
-- order (see tiering/warehouse/tables.py).
-- Written by tiering/warehouse/staging.py: made anew from the raw tables, or, on a night with new rows, the
-- rows of the keys they touch added, read from those keys' raw rows.
{write} staging.signals {as_query}
SELECT
    customer_id,
    lower(signal) AS signal,
    signal_date,
    value,
    customer_bucket(customer_id) AS customer_bucket
FROM {signals}
ORDER BY customer_bucket
