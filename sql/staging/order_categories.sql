-- Distinct (customer, category, day) bought in completed orders: enough for breadth in any window; in
-- customer-bucket order (see tiering/warehouse.py).
CREATE OR REPLACE TABLE staging.order_categories AS
SELECT DISTINCT o.customer_id, l.product_category, o.order_date, (hash(o.customer_id) % 1024)::USMALLINT AS customer_bucket
FROM raw.order_lines AS l
JOIN raw.orders AS o USING (order_id)
WHERE lower(trim(o.status)) = 'completed'
ORDER BY customer_bucket
