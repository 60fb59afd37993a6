-- One part's (customer, category, day) rows in the windows of the run's dates.
SELECT customer_id, product_category, order_date
FROM staging.order_categories
WHERE order_date BETWEEN $window_start AND $last_date AND customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
