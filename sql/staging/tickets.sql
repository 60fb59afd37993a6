-- Support tickets, in customer-bucket order (see tiering/warehouse/tables.py).
CREATE OR REPLACE TABLE staging.tickets AS
SELECT
    ticket_id,
    customer_id,
    opened_at,
    closed_at,
    lower(trim(priority)) AS priority,
    lower(trim(category)) AS category,
    escalated,
    customer_bucket(customer_id) AS customer_bucket
FROM raw.support_tickets
ORDER BY customer_bucket
