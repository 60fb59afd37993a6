-- Row rules of payments, over typed values: each term names the column and why the row cannot be used.
CASE WHEN amount < 0 THEN 'amount: negative' END,
CASE WHEN paid_date NOT BETWEEN DATE '1900-01-01' AND DATE '2100-12-31' THEN 'paid_date: impossible date' END
