-- One part's completed and returned orders up to the run's last date (completed ones since the first, for tenure).
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
FROM staging.orders
WHERE status IN ('completed', 'returned') AND order_date <= $last_date AND customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
