-- Every customer's score, tier and action on every as-of date run; the run's dates are replaced.
DELETE FROM marts.tier_history WHERE as_of_date BETWEEN getvariable('run_start') AND getvariable('run_end');
INSERT INTO marts.tier_history
SELECT customer_id, as_of_date, score, tier, action, segment
FROM scoring.customer_scores
WHERE as_of_date BETWEEN getvariable('run_start') AND getvariable('run_end')
ORDER BY as_of_date, customer_id
