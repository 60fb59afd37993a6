-- One part's invoices issued and due by the run's last date, but for those due before the windows of its dates
-- ($window_start) and settled by its first date: paid in full then (their payments, each rounded to 1e-6 as the
-- traits add them up, reach the amount less 1e-7) and nothing paid after it. Before the window, the traits read
-- an invoice only for its unpaid part (overdue_amount), which is nil for those: a night reads the window and the
-- open invoices of the past, not the whole history.
WITH paid AS (
    SELECT invoice_id, sum(round_even(amount, 6)::DECIMAL(38, 6))::DOUBLE AS paid, max(paid_date) AS last_paid
    FROM staging.payments
    WHERE paid_date <= $last_date AND customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
    GROUP BY invoice_id
)
SELECT i.invoice_id, i.customer_id, i.issued_date, i.due_date, i.amount
FROM staging.invoices AS i
LEFT JOIN paid AS p USING (invoice_id)
WHERE i.issued_date <= $last_date AND i.due_date <= $last_date
    AND i.customer_bucket >= $bucket_lo::USMALLINT AND i.customer_bucket < $bucket_hi::USMALLINT
    AND NOT coalesce(i.due_date < $window_start AND p.last_paid <= $first_date AND p.paid >= i.amount - 1e-7, false)
