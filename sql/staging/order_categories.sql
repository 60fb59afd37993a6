-- Distinct (customer, category, day) bought in completed orders, lines without a category left out: enough for
-- breadth in any window; in customer-bucket order (see tiering/warehouse/tables.py).
-- Written by tiering/warehouse/staging.py: made anew from the raw tables, or, on a night with new rows, the
-- rows of the keys they touch added, read from those keys' raw rows.
{write} staging.order_categories {as_query}
SELECT DISTINCT o.customer_id, l.product_category, o.order_date, customer_bucket(o.customer_id) AS customer_bucket
FROM raw.order_lines AS l
JOIN {orders} AS o USING (order_id)
WHERE lower(trim(o.status)) = 'completed' AND l.product_category IS NOT NULL
ORDER BY customer_bucket
