-- Currencies used by orders that have no rate: the run is refused while any remain.
SELECT upper(trim(o.currency)) AS currency, count(*) AS orders
FROM raw.orders AS o
ANTI JOIN staging.fx_rates AS r ON r.currency = upper(trim(o.currency))
GROUP BY ALL
ORDER BY orders DESC
