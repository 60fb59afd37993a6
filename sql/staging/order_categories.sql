-- Distinct (customer, category, day) bought in completed orders: enough for breadth in any window.
CREATE OR REPLACE TABLE staging.order_categories AS
SELECT DISTINCT o.customer_id, l.product_category, o.order_date
FROM raw.order_lines AS l
JOIN raw.orders AS o USING (order_id)
WHERE lower(trim(o.status)) = 'completed'
