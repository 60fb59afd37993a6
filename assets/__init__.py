"""Dagster assets by layer: ingest (raw), staging, traits, scoring, marts."""
