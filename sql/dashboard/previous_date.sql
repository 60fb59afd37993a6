-- The as-of date run before the dashboard's date: what the tier movements compare with (null on a first run).
SELECT max(as_of_date) FROM marts.tier_history WHERE as_of_date < $as_of
