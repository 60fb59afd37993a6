-- One customer part's traits for the run's dates (traits.daily_traits has no bucket column: it is computed).
SELECT *
FROM traits.daily_traits
WHERE as_of_date BETWEEN $first_date AND $last_date
    AND customer_bucket(customer_id) >= $bucket_lo::USMALLINT
    AND customer_bucket(customer_id) < $bucket_hi::USMALLINT
