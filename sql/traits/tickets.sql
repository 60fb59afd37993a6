-- One part's tickets opened in the windows of the run's dates.
SELECT customer_id, opened_at, category, escalated
FROM staging.tickets
WHERE opened_at::DATE BETWEEN $window_start AND $last_date AND customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
