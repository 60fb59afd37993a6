-- The customers scored as of $scored_on (in the scratch database), each with what it did in the horizon after it,
-- ($scored_on, $horizon_end]: the net revenue of its completed orders and whether it placed one; beside it, the
-- two reference rankings: revenue of the last 12 months alone and the forecast's expected value (0 without one).
SELECT
    s.customer_id,
    s.score,
    s.tier,
    coalesce(o.outcome_revenue, 0) AS outcome_revenue,
    o.customer_id IS NOT NULL AS retained,
    coalesce(t.revenue_12m, 0) AS revenue_12m,
    coalesce(t.expected_value_12m, 0) AS expected_value_12m
FROM scoring.customer_scores AS s
JOIN traits.daily_traits AS t USING (customer_id, as_of_date)
LEFT JOIN outcomes($scored_on, $horizon_end) AS o USING (customer_id)
WHERE s.as_of_date = $scored_on
ORDER BY s.customer_id
