-- customer_bucket(customer_id): the bucket of a customer (see tiering/warehouse.py), for this connection.
CREATE OR REPLACE TEMP MACRO customer_bucket(customer_id) AS (hash(customer_id) % {buckets})::USMALLINT
