-- Rates to the base currency: the fx_rates feed plus the base currency itself at 1. Currency codes are trimmed and
-- upper-case from the load on (tiering/feeds.py, Text.CODE), as are the orders' that join them.
CREATE OR REPLACE TABLE staging.fx_rates AS
SELECT currency, rate_to_base
FROM raw.fx_rates
WHERE currency <> $base_currency
UNION ALL
SELECT $base_currency, 1.0
