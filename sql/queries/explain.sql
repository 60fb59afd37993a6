-- The lookups of `tiers explain` (tiering/explain.py), in the published BI file.

-- name: customer
-- One customer's published row: tier, score, reasons, previous tier and every trait.
SELECT * FROM marts.customer_tiers WHERE customer_id = $customer_id

-- name: similar_customers
-- Up to three customers whose id or name contains the text given, for a helpful "did you mean".
SELECT customer_id, customer_name
FROM marts.customer_tiers
WHERE customer_id ILIKE '%' || $text || '%' OR customer_name ILIKE '%' || $text || '%'
ORDER BY customer_id
LIMIT 3
