"""Is the policy right? Backtests against what customers did next, and what-if simulations of a policy file."""
