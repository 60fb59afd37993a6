-- Customers per tier on one as-of date of the scores.
SELECT tier, count(*) FROM scoring.customer_scores WHERE as_of_date = $as_of GROUP BY tier
