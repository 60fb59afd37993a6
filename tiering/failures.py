"""What a failed step or run says: the user's exception beneath Dagster's wrappers (for `tiers run`'s report
and the failure notices)."""


def innermost(error) -> str:
    """The message of the innermost cause of a Dagster error (a SerializableErrorInfo), stripped."""
    while error is not None and error.cause is not None:
        error = error.cause
    return (error.message if error else "unknown error").strip()
