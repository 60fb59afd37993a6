-- One customer part's profile columns, for the policy's profile criteria.
SELECT * EXCLUDE (customer_bucket)
FROM staging.customers
WHERE customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
