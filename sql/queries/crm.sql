-- The rows of the CRM-ready exports (tiering/crm.py): one per customer of the newest as-of date, each file's
-- columns under its headers.

-- name: rows
SELECT
    {columns}
FROM marts.customer_tiers
ORDER BY customer_id
