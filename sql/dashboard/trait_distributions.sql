-- Per scored trait and tier: how many customers have a value, and its 10th, 25th, 50th, 75th, 90th percentiles.
SELECT
    trait,
    tier,
    count(*) AS customers,
    quantile_cont(value, [0.1, 0.25, 0.5, 0.75, 0.9]) AS percentiles
FROM (
    UNPIVOT (SELECT tier, {traits_as_double} FROM marts.customer_tiers)
    ON {traits}
    INTO NAME trait VALUE value
)
GROUP BY trait, tier
