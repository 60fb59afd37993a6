-- One part's completed and returned orders in the windows of the run's dates, [$window_start, $last_date]. Of a
-- customer's completed orders before that, the traits read only the first and last dates (purchase_frequency's
-- months observed, recency_days): they stand as two rows, the earliest and the latest, without amounts, so a
-- night reads the window and not the whole history.
WITH part AS (
    SELECT *
    FROM staging.orders
    WHERE customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
)
SELECT
    customer_id,
    order_date,
    status,
    net_amount,
    list_amount,
    discount_amount,
    cost_amount,
    premium_net_amount,
    service_net_amount
FROM part
WHERE status IN ('completed', 'returned') AND order_date BETWEEN $window_start AND $last_date
UNION ALL
SELECT DISTINCT customer_id, unnest([min(order_date), max(order_date)]) AS order_date, 'completed' AS status,
    NULL::DOUBLE, NULL::DOUBLE, NULL::DOUBLE, NULL::DOUBLE, NULL::DOUBLE, NULL::DOUBLE
FROM part
WHERE status = 'completed' AND order_date < $window_start
GROUP BY customer_id
