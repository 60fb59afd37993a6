-- One customer's published row: tier, score, reasons, previous tier and every trait.
SELECT * FROM marts.customer_tiers WHERE customer_id = $customer_id
