-- Rates to the base currency: the fx_rates feed plus the base currency itself at 1.
CREATE OR REPLACE TABLE staging.fx_rates AS
SELECT upper(trim(currency)) AS currency, rate_to_base
FROM raw.fx_rates
WHERE upper(trim(currency)) <> upper($base_currency)
UNION ALL
SELECT upper($base_currency), 1.0
