-- One quarter's review (tiering/review.py), added after its old rows are removed (review:forget): the customers in the same tier on every as-of date
-- of the quarter that has run, Ideal (the A-list) or Poor (Poor all quarter), with what they brought from the
-- quarter's first day to its last as-of date run: revenue and gross margin of completed orders, support tickets
-- opened (null without ticket data: {tickets} is then an empty query).
INSERT INTO marts.quarterly_review BY NAME
WITH steady AS (
    SELECT customer_id, min(tier) AS tier, count(*) AS days_scored, avg(score) AS mean_score
    FROM marts.tier_history
    WHERE as_of_date BETWEEN $period_start AND $period_end AND segment IS DISTINCT FROM 'prospect'
    GROUP BY customer_id
    HAVING count(*) = $days_run AND min(tier) = max(tier) AND min(tier) IN ($ideal, $poor)
),
orders AS (
    SELECT
        customer_id,
        sum(net_amount) AS revenue,
        sum(net_amount - cost_amount) FILTER (WHERE cost_amount IS NOT NULL)
            / nullif(sum(net_amount) FILTER (WHERE cost_amount IS NOT NULL), 0) AS gross_margin
    FROM staging.orders
    WHERE status = 'completed' AND order_date BETWEEN $period_start AND $period_end
    GROUP BY customer_id
),
tickets AS (
    SELECT customer_id, count(*) AS tickets
    FROM {tickets}
    WHERE opened_at::DATE BETWEEN $period_start AND $period_end
    GROUP BY customer_id
)
SELECT
    $quarter AS quarter,
    CASE s.tier WHEN $ideal THEN $a_list ELSE $poor_list END AS list,
    s.customer_id,
    c.name AS customer_name,
    c.account_owner,
    s.days_scored,
    $days_run AS days_run,
    $days_in_quarter AS days_in_quarter,
    $period_start::DATE AS period_start,
    $period_end::DATE AS period_end,
    coalesce(o.revenue, 0) AS revenue,
    o.gross_margin,
    CASE WHEN EXISTS (FROM {tickets}) THEN coalesce(t.tickets, 0) END AS tickets,
    round(s.mean_score, 1) AS mean_score,
    $reviewed_at AS reviewed_at
FROM steady AS s
LEFT JOIN staging.customers AS c USING (customer_id)
LEFT JOIN orders AS o USING (customer_id)
LEFT JOIN tickets AS t USING (customer_id)
