-- One row per prospect of marts.customer_tiers with an open opportunity created on or before its as-of date D,
-- ranked as seed 004 orders prospects: how soon they buy (the month of the nearest expected close: within 30
-- days of D, 31-60, ...; a close date already past counts as due now), then how profitable (the expected margin,
-- unknown last), then how much (the open pipeline amount); the customer id breaks the last ties.
CREATE OR REPLACE TABLE marts.prospect_priorities AS
WITH snapshot AS (
    SELECT customer_id, as_of_date, tier, fit_score FROM marts.customer_tiers WHERE segment = 'prospect'
),
pipeline AS (
    SELECT
        o.customer_id,
        count(*) AS open_opportunities,
        min(o.expected_close_date) - any_value(s.as_of_date) AS days_to_close,
        sum(o.amount) AS pipeline_amount,
        sum(o.amount * o.expected_margin) / sum(o.amount) FILTER (WHERE o.expected_margin IS NOT NULL)
            AS expected_margin
    FROM staging.opportunities AS o
    JOIN snapshot AS s ON s.customer_id = o.customer_id AND o.created_date <= s.as_of_date
    WHERE o.stage = 'open'
    GROUP BY o.customer_id
)
SELECT
    s.customer_id,
    s.as_of_date,
    s.tier,
    s.fit_score,
    p.days_to_close,
    p.pipeline_amount,
    p.expected_margin,
    p.open_opportunities,
    row_number() OVER (
        ORDER BY
            greatest(ceil(p.days_to_close / 30), 1),
            p.expected_margin DESC NULLS LAST,
            p.pipeline_amount DESC,
            s.customer_id
    ) AS priority
FROM snapshot AS s
JOIN pipeline AS p USING (customer_id)
ORDER BY priority
