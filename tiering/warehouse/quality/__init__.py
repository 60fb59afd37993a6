"""Data quality: whole-file problems, row checks at load time, and Great Expectations suites (imported lazily)."""
