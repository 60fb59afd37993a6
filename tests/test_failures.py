"""What a failed run says: the innermost error, and DuckDB out of memory as the setting to raise."""

from types import SimpleNamespace

import duckdb
import pytest

from tiering.failures import innermost


def _error_info(exc: BaseException, cause=None) -> SimpleNamespace:
    """The fields of a Dagster SerializableErrorInfo that innermost reads, for a raised exception."""
    cls = type(exc)
    return SimpleNamespace(
        message=f"{cls.__module__}.{cls.__name__}: {exc}\n", cls_name=cls.__name__, cause=cause
    )


def _raised(run) -> BaseException:
    with pytest.raises(Exception) as caught:
        run()
    return caught.value


def test_the_innermost_cause_is_said() -> None:
    inner = _error_info(ValueError("feed 'orders': no file"))
    outer = SimpleNamespace(message="Error occurred while executing op", cls_name="StepError", cause=inner)
    assert innermost(outer) == "builtins.ValueError: feed 'orders': no file"
    assert innermost(None) == "unknown error"


def test_duckdb_out_of_memory_names_the_setting_to_raise() -> None:
    con = duckdb.connect(config={"memory_limit": "20MB", "temp_directory": ""})
    exc = _raised(lambda: con.sql("SELECT list(range) FROM range(50000000)").fetchall())
    said = innermost(SimpleNamespace(message="Error occurred", cls_name="StepError", cause=_error_info(exc)))
    assert said.startswith("DuckDB ran out of the memory it may use: raise TIERS_DUCKDB_MEMORY_LIMIT")
    assert "DuckDB said: Out of Memory Error: failed to allocate" in said
    assert "SET memory_limit" not in said and "\n" not in said
