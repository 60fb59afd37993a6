-- The fits of the forecast, one per fit day (the first of a month), with the fingerprint of what each was made
-- from: a run of the same month reuses a fit while its fingerprint holds (tiering/warehouse/forecast.py).
CREATE SCHEMA IF NOT EXISTS forecast;
CREATE TABLE IF NOT EXISTS forecast.fits (
    fitted_as_of DATE PRIMARY KEY,
    inputs VARCHAR NOT NULL,
    fit VARCHAR NOT NULL,
    made_at TIMESTAMP NOT NULL
);
