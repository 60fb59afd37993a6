"""Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): spend per purchase, for customers with repeats.

Per customer: x repeat purchases and m their mean value. Each customer's purchase values are Gamma(p, nu)
with nu ~ Gamma(q, gamma) across customers; spend is assumed independent of purchase frequency.
"""

import numpy as np
from scipy.special import digamma, gammaln

from tiering.clv.mle import Fit, compress, maximise

NAMES = ("p", "q", "gamma")


def log_likelihood(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Each customer's log-likelihood of the mean value m of x purchases (x >= 1, m > 0)."""
    return log_likelihood_and_gradient(params, x, m)[0]


def log_likelihood_and_gradient(
    params: np.ndarray, x: np.ndarray, m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's log-likelihood and its gradient in (p, q, gamma), one row per customer:

    ll = ln G(px+q) - ln G(px) - ln G(q) + q ln gamma + (px-1) ln m + px ln x - (px+q) ln(gamma + x m).
    """
    p, q, gamma = params
    px, spent = p * x, np.log(gamma + x * m)
    ll = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma) + (px - 1) * np.log(m)
    ll += px * np.log(x) - (px + q) * spent
    gradient = np.column_stack(
        [
            x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - spent),
            digamma(px + q) - digamma(q) + np.log(gamma) - spent,
            q / gamma - (px + q) / (gamma + x * m),
        ]
    )
    return ll, gradient


def fit(x: np.ndarray, m: np.ndarray) -> Fit:
    """Maximum likelihood estimates of p, q, gamma; start p = 1, q = 2 and gamma = the mean of m."""
    (ux, um), weight = compress(x, m)

    def total(params: np.ndarray) -> tuple[float, np.ndarray]:
        ll, gradient = log_likelihood_and_gradient(params, ux, um)
        return float(weight @ ll), weight @ gradient

    return maximise(total, NAMES, np.array([1.0, 2.0, float(np.mean(m))]), customers=len(x))


def expected_spend(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """E(value of a purchase | x, m) = (p gamma + p x m) / (p x + q - 1); p gamma / (q - 1) without repeats."""
    p, q, gamma = params
    return (p * gamma + p * x * np.where(x > 0, m, 0.0)) / (p * x + q - 1)
