"""Dagster assets by layer: ingest (raw), staging, traits, scoring, marts."""

import warnings

import dagster as dg

# Single-run backfills (`backfill_policy`) are marked beta; the part used here, one run for a range of dates, is
# basic. Silence the per-asset warning rather than print it for every asset at every start.
warnings.filterwarnings("ignore", category=dg.BetaWarning)
