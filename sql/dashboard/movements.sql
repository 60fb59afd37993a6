-- Customers and revenue by the tier they came from and the tier they are in, on the dashboard's date.
SELECT from_tier, to_tier, customers, revenue_12m
FROM marts.tier_movements
WHERE as_of_date = $as_of
