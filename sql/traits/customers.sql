-- The customers of one customer-hash part.
SELECT customer_id, signup_date
FROM staging.customers
WHERE customer_bucket >= $bucket_lo::USMALLINT AND customer_bucket < $bucket_hi::USMALLINT
