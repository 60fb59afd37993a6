-- One part's signals dated in the longest window of the policy's signal traits, for the run's dates.
SELECT customer_id, signal, signal_date, value
FROM staging.signals
WHERE signal_date BETWEEN $signals_start AND $last_date AND customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
