-- Mart rows of customers that are not in the customers feed.
SELECT m.customer_id FROM {batch} AS m ANTI JOIN staging.customers AS c ON c.customer_id = m.customer_id
