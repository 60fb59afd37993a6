-- Row rules of invoices, over typed values: each term names the column and why the row cannot be used.
CASE WHEN amount < 0 THEN 'amount: negative' END,
CASE WHEN issued_date NOT BETWEEN DATE '1900-01-01' AND DATE '2100-12-31' THEN 'issued_date: impossible date' END,
CASE WHEN due_date < issued_date THEN 'due_date: before issued_date' END
