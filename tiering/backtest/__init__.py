"""Backtests of a policy: how well the tiers of a past date ranked what customers did next."""
