-- A scratch database for a backtest, made the default so that the nightly's functions write their tables there
-- ({scratch}), reading the working database's ({work}) staging tables and tier history through views. Its fits
-- of the forecast start as the working database's (sql/forecast/fits.sql makes the table, then filled). The macro
-- outcomes(scored_on, horizon_end) gives what each customer did in (scored_on, horizon_end]: the net revenue of its
-- completed orders, for those who placed one (added in order_id order: the same sum, to the last bit, however
-- the staged orders are laid out).
ATTACH ':memory:' AS {scratch};
USE {scratch};
CREATE SCHEMA staging;
CREATE VIEW staging.customers AS FROM {work}.staging.customers;
CREATE VIEW staging.orders AS FROM {work}.staging.orders;
CREATE VIEW staging.order_categories AS FROM {work}.staging.order_categories;
CREATE VIEW staging.invoices AS FROM {work}.staging.invoices;
CREATE VIEW staging.payments AS FROM {work}.staging.payments;
CREATE VIEW staging.tickets AS FROM {work}.staging.tickets;
CREATE SCHEMA marts;
CREATE VIEW marts.tier_history AS FROM {work}.marts.tier_history;
CREATE SCHEMA traits;
CREATE TABLE traits.previous_traits AS FROM {work}.traits.daily_traits WITH NO DATA;  -- a backtest says no change
CREATE MACRO outcomes(scored_on, horizon_end) AS TABLE
SELECT customer_id, sum(net_amount ORDER BY order_id) AS outcome_revenue
FROM staging.orders
WHERE status = 'completed' AND order_date > scored_on AND order_date <= horizon_end
GROUP BY customer_id
