CREATE OR REPLACE TABLE staging.tickets AS
SELECT
    ticket_id,
    customer_id,
    opened_at,
    closed_at,
    lower(trim(priority)) AS priority,
    lower(trim(category)) AS category,
    escalated
FROM raw.support_tickets
