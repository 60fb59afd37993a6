-- Support tickets, in customer-bucket order (see tiering/warehouse/tables.py).
-- Written by tiering/warehouse/staging.py: made anew from the raw tables, or, on a night with new rows, the
-- rows of the keys they touch added, read from those keys' raw rows.
{write} staging.tickets {as_query}
SELECT
    ticket_id,
    customer_id,
    opened_at,
    closed_at,
    lower(trim(priority)) AS priority,
    lower(trim(category)) AS category,
    escalated,
    customer_bucket(customer_id) AS customer_bucket
FROM {support_tickets}
ORDER BY customer_bucket
