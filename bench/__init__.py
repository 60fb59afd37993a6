"""Benchmark of the nightly job against the scan limit and a pandas alternative: `python -m bench.run`.

See docs/benchmarks.md for what it measures and how to read the figures.
"""
