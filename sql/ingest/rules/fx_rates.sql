-- Row rules of fx_rates, over typed values: each term names the column and why the row cannot be used.
CASE WHEN rate_to_base <= 0 THEN 'rate_to_base: not positive' END
