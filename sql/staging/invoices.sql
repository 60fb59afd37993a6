-- Invoices in the base currency, converted at the rate of their order's currency (base without an order, or for
-- an order without a currency); in
-- customer-bucket order (see tiering/warehouse/tables.py).
-- Written by tiering/warehouse/staging.py: made anew from the raw tables, or, on a night with new rows, the
-- rows of the keys they touch added, read from those keys' raw rows.
{write} staging.invoices {as_query}
SELECT
    i.invoice_id,
    i.customer_id,
    i.order_id,
    i.issued_date,
    i.due_date,
    i.amount::DOUBLE * coalesce(o.rate_to_base, 1.0) AS amount,
    coalesce(o.rate_to_base, 1.0) AS rate_to_base,
    customer_bucket(i.customer_id) AS customer_bucket
FROM {invoices} AS i
LEFT JOIN (
    SELECT o.order_id, r.rate_to_base
    FROM raw.orders AS o
    JOIN staging.fx_rates AS r ON r.currency = coalesce(o.currency, $base_currency)
    WHERE r.rate_to_base <> 1.0  -- the others' invoices take 1.0 as they are: a smaller table to join
) AS o USING (order_id)
ORDER BY customer_bucket
