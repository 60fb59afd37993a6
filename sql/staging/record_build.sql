INSERT OR REPLACE INTO staging.build_state VALUES ($table_name, $fingerprint, current_localtimestamp())
