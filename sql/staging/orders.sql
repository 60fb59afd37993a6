-- One row per order with its lines summed and converted to the base currency: the one pass over order lines;
-- in customer-bucket order (see tiering/warehouse/tables.py). An order without a currency is in the base
-- currency. An amount other than net (list, discount, cost, premium and service net) is known for an order only
-- when every line of it has it (the flag for premium and service), else NULL; an order without lines has 0.
-- Written by tiering/warehouse/staging.py: made anew from the raw tables, or, on a night with new rows, the
-- rows of the keys they touch added, read from those keys' raw rows.
{write} staging.orders {as_query}
WITH lines AS (
    SELECT
        order_id,
        sum(net_amount) AS net_amount,
        CASE WHEN count(list_amount) = count(*) THEN sum(list_amount) END AS list_amount,
        CASE WHEN count(discount_amount) = count(*) THEN sum(discount_amount) END AS discount_amount,
        CASE WHEN count(cost_amount) = count(*) THEN sum(cost_amount) END AS cost_amount,
        CASE WHEN count(is_premium) = count(*) THEN coalesce(sum(net_amount) FILTER (WHERE is_premium), 0) END
            AS premium_net_amount,
        CASE WHEN count(is_service) = count(*) THEN coalesce(sum(net_amount) FILTER (WHERE is_service), 0) END
            AS service_net_amount,
        count(*) AS line_count
    FROM {order_lines}
    GROUP BY order_id
)
SELECT
    o.order_id,
    o.customer_id,
    o.order_date,
    lower(trim(o.status)) AS status,
    coalesce(o.currency, $base_currency) AS currency,
    coalesce(l.net_amount, 0)::DOUBLE * r.rate_to_base AS net_amount,
    (CASE WHEN l.order_id IS NULL THEN 0 ELSE l.list_amount END)::DOUBLE * r.rate_to_base AS list_amount,
    (CASE WHEN l.order_id IS NULL THEN 0 ELSE l.discount_amount END)::DOUBLE * r.rate_to_base AS discount_amount,
    (CASE WHEN l.order_id IS NULL THEN 0 ELSE l.cost_amount END)::DOUBLE * r.rate_to_base AS cost_amount,
    (CASE WHEN l.order_id IS NULL THEN 0 ELSE l.premium_net_amount END)::DOUBLE * r.rate_to_base AS premium_net_amount,
    (CASE WHEN l.order_id IS NULL THEN 0 ELSE l.service_net_amount END)::DOUBLE * r.rate_to_base AS service_net_amount,
    coalesce(l.line_count, 0)::INTEGER AS line_count,
    customer_bucket(o.customer_id) AS customer_bucket
FROM {orders} AS o
LEFT JOIN lines AS l USING (order_id)
JOIN staging.fx_rates AS r ON r.currency = coalesce(o.currency, $base_currency)
ORDER BY customer_bucket
