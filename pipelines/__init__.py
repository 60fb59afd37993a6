"""Dagster frame: definitions, jobs, schedule and resources."""
