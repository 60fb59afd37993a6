-- Payments in the base currency, at the rate of their invoice, with the invoice's customer; in customer-bucket
-- order (see tiering/warehouse/tables.py).
-- Written by tiering/warehouse/staging.py: made anew from the raw tables, or, on a night with new rows, the
-- rows of the keys they touch added, read from those keys' raw rows.
{write} staging.payments {as_query}
SELECT
    p.payment_id,
    p.invoice_id,
    p.paid_date,
    p.amount::DOUBLE * coalesce(i.rate_to_base, 1.0) AS amount,
    i.customer_id,
    i.customer_bucket
FROM {payments} AS p
LEFT JOIN staging.invoices AS i USING (invoice_id)
ORDER BY i.customer_bucket
