-- One row per order with its lines summed and converted to the base currency: the one pass over order lines;
-- in customer-bucket order (see tiering/warehouse/tables.py).
CREATE OR REPLACE TABLE staging.orders AS
WITH lines AS (
    SELECT
        order_id,
        sum(net_amount) AS net_amount,
        sum(list_amount) AS list_amount,
        sum(discount_amount) AS discount_amount,
        sum(cost_amount) AS cost_amount,
        coalesce(sum(net_amount) FILTER (WHERE is_premium), 0) AS premium_net_amount,
        coalesce(sum(net_amount) FILTER (WHERE is_service), 0) AS service_net_amount,
        count(*) AS line_count
    FROM raw.order_lines
    GROUP BY order_id
)
SELECT
    o.order_id,
    o.customer_id,
    o.order_date,
    lower(trim(o.status)) AS status,
    upper(trim(o.currency)) AS currency,
    coalesce(l.net_amount, 0)::DOUBLE * r.rate_to_base AS net_amount,
    coalesce(l.list_amount, 0)::DOUBLE * r.rate_to_base AS list_amount,
    coalesce(l.discount_amount, 0)::DOUBLE * r.rate_to_base AS discount_amount,
    coalesce(l.cost_amount, 0)::DOUBLE * r.rate_to_base AS cost_amount,
    coalesce(l.premium_net_amount, 0)::DOUBLE * r.rate_to_base AS premium_net_amount,
    coalesce(l.service_net_amount, 0)::DOUBLE * r.rate_to_base AS service_net_amount,
    coalesce(l.line_count, 0)::INTEGER AS line_count,
    customer_bucket(o.customer_id) AS customer_bucket
FROM raw.orders AS o
LEFT JOIN lines AS l USING (order_id)
JOIN staging.fx_rates AS r ON r.currency = upper(trim(o.currency))
ORDER BY customer_bucket
