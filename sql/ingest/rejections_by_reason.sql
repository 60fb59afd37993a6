SELECT reason, count(*) AS rows FROM quality.rejected_rows WHERE feed = $feed AND run_id = $run_id
GROUP BY reason ORDER BY rows DESC, reason
