"""What a failed step or run says: the user's exception beneath Dagster's wrappers (for `tiers run`'s report
and the failure notices)."""

# duckdb's class of error when the working database reaches TIERS_DUCKDB_MEMORY_LIMIT
OUT_OF_MEMORY = "OutOfMemoryException"


def innermost(error) -> str:
    """The message of the innermost cause of a Dagster error (a SerializableErrorInfo), stripped; DuckDB running
    out of memory says which setting to raise, not DuckDB's own SET advice."""
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return "unknown error"
    message = error.message.strip()
    if error.cls_name == OUT_OF_MEMORY:
        said = message.splitlines()[0].removeprefix(f"_duckdb.{OUT_OF_MEMORY}: ")
        return (
            "DuckDB ran out of the memory it may use: raise TIERS_DUCKDB_MEMORY_LIMIT (e.g. to 4GB, on a machine "
            f"with the memory to spare) and run again. DuckDB said: {said}"
        )
    return message
