-- Order lines whose net amount is not list amount minus discount, within a cent.
SELECT order_id, line_no, list_amount, discount_amount, net_amount FROM {batch}
WHERE abs(net_amount - (list_amount - discount_amount)) > 0.01
