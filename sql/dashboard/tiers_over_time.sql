-- Customers per tier on every as-of date run up to the dashboard's date.
SELECT as_of_date, tier, customers
FROM marts.tier_summary
WHERE as_of_date <= $as_of
ORDER BY as_of_date
