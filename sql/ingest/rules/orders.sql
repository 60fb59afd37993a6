-- Row rules of orders, over typed values: each term names the column and why the row cannot be used.
CASE WHEN order_date NOT BETWEEN DATE '1900-01-01' AND DATE '2100-12-31' THEN 'order_date: impossible date' END
