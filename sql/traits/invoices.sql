-- One part's invoices issued and due by the run's last date.
SELECT invoice_id, customer_id, issued_date, due_date, amount
FROM staging.invoices
WHERE issued_date <= $last_date AND due_date <= $last_date AND customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
