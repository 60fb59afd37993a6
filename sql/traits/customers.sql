-- The customers of one customer-hash part.
SELECT customer_id, signup_date
FROM staging.customers
WHERE hash(customer_id) % $parts::UBIGINT = $part::UBIGINT
