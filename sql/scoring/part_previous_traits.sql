-- One customer part's traits on the as-of date before the run's first, as the snapshot kept by
-- sql/marts/customer_traits.sql (none when that date's was not kept): what changed since is said from them.
SELECT *
FROM traits.previous_traits
WHERE as_of_date = (SELECT max(as_of_date) FROM marts.tier_history WHERE as_of_date < $first_date)
    AND customer_bucket(customer_id) >= $bucket_lo::USMALLINT
    AND customer_bucket(customer_id) < $bucket_hi::USMALLINT
