-- Row rules of customers, over typed values: each term names the column and why the row cannot be used.
CASE WHEN signup_date NOT BETWEEN DATE '1900-01-01' AND DATE '2100-12-31' THEN 'signup_date: impossible date' END,
CASE WHEN employees < 0 THEN 'employees: negative' END
