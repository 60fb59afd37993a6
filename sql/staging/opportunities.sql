-- Sales opportunities, stage trimmed and lower-cased, in customer-bucket order (see tiering/warehouse/tables.py).
CREATE OR REPLACE TABLE staging.opportunities AS
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
FROM raw.opportunities
ORDER BY customer_bucket
