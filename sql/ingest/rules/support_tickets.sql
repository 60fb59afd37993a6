-- Row rules of support_tickets, over typed values: each term names the column and why the row cannot be used.
CASE WHEN opened_at NOT BETWEEN TIMESTAMP '1900-01-01' AND TIMESTAMP '2100-12-31' THEN 'opened_at: impossible date' END,
CASE WHEN closed_at < opened_at THEN 'closed_at: before opened_at' END
