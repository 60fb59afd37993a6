-- Customers flagged rising on the run's last date.
SELECT count(*) FROM marts.customer_traits WHERE rising
