-- Payments made by the run's last date by one part's customers.
SELECT invoice_id, paid_date, amount
FROM staging.payments
WHERE paid_date <= $last_date AND customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
