SELECT tier, action, customers, revenue_12m FROM marts.tier_summary WHERE as_of_date = $as_of ORDER BY
    CASE tier WHEN 'Ideal' THEN 1 WHEN 'Acceptable' THEN 2 ELSE 3 END
