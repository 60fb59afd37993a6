-- One part's forecasts for the run's dates.
SELECT customer_id, as_of_date, p_alive, expected_purchases_12m, expected_value_12m
FROM forecast.customer_value
WHERE as_of_date BETWEEN $first_date AND $last_date AND customer_bucket(customer_id) >= $bucket_lo::USMALLINT
    AND customer_bucket(customer_id) < $bucket_hi::USMALLINT
