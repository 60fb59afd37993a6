-- One customer part's completed orders up to the run's last date, as a transaction log.
SELECT customer_id, order_date AS date, net_amount AS amount
FROM staging.orders
WHERE status = 'completed' AND order_date <= $last_date AND customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
