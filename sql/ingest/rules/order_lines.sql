-- Row rules of order_lines, over typed values: each term names the column and why the row cannot be used.
CASE WHEN quantity < 0 THEN 'quantity: negative' END,
CASE WHEN list_amount < 0 THEN 'list_amount: negative' END,
CASE WHEN discount_amount < 0 THEN 'discount_amount: negative' END,
CASE WHEN net_amount < 0 THEN 'net_amount: negative' END,
CASE WHEN cost_amount < 0 THEN 'cost_amount: negative' END
