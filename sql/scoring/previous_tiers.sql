-- Each customer's tier, in one customer part, on the last as-of date before $first_date (none on a first run).
SELECT customer_id, tier AS previous_tier
FROM marts.tier_history
WHERE as_of_date = (SELECT max(as_of_date) FROM marts.tier_history WHERE as_of_date < $first_date)
    AND segment IS DISTINCT FROM 'prospect'  -- a prospect's first order makes a new customer
    AND customer_bucket(customer_id) >= $bucket_lo::USMALLINT
    AND customer_bucket(customer_id) < $bucket_hi::USMALLINT
