-- Rows whose later date comes before their earlier one (a due date before the issue date, ...).
SELECT {earlier}, {later} FROM {batch} WHERE {later} < {earlier}
