-- Payments made by the run's last date on the invoices of one part's customers.
SELECT p.invoice_id, p.paid_date, p.amount
FROM staging.payments AS p
SEMI JOIN staging.invoices AS i
    ON i.invoice_id = p.invoice_id
    AND i.issued_date <= $last_date AND i.due_date <= $last_date AND hash(i.customer_id) % $parts::UBIGINT = $part::UBIGINT
WHERE p.paid_date <= $last_date
