-- Signals per customer and date (NPS answers, usage, referrals...), their names lower-cased, in customer-bucket
-- order (see tiering/warehouse/tables.py).
CREATE OR REPLACE TABLE staging.signals AS
SELECT
    customer_id,
    lower(signal) AS signal,
    signal_date,
    value,
    customer_bucket(customer_id) AS customer_bucket
FROM raw.signals
ORDER BY customer_bucket
