-- Payments in the base currency, at the rate of their invoice, with the invoice's customer; in customer-bucket
-- order (see tiering/warehouse/tables.py).
CREATE OR REPLACE TABLE staging.payments AS
SELECT
    p.payment_id,
    p.invoice_id,
    p.paid_date,
    p.amount::DOUBLE * coalesce(i.rate_to_base, 1.0) AS amount,
    i.customer_id,
    i.customer_bucket
FROM raw.payments AS p
LEFT JOIN staging.invoices AS i USING (invoice_id)
ORDER BY i.customer_bucket
