"""Data quality: whole-file checks, the rules rows must meet, and Great Expectations suites (imported lazily)."""
