"""BG/NBD (Fader, Hardie & Lee 2005): repeat purchases while alive, and the chance a customer is still alive.

Per customer: x repeat purchases (purchase days after the first), t_x the time from the first to the last
purchase and T the time from the first purchase to the end of the calibration period, in one time unit.
"""

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from tiering.clv.mle import Fit, compress, maximise

NAMES = ("r", "alpha", "a", "b")


def log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Each customer's log-likelihood (FHL 2005, eq. 6), in log-space throughout."""
    return log_likelihood_and_gradient(params, x, t_x, T)[0]


def log_likelihood_and_gradient(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's log-likelihood and its gradient in (r, alpha, a, b), one row per customer.

    ll = ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x) - ln B(a, b) + ln(e^A + e^D), with
    A = -(r+x) ln(alpha+T) (still alive) and D = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x) (dropped out, x > 0).
    """
    r, alpha, a, b = params
    alive = -(r + x) * np.log(alpha + T)
    dropped = _log_dropped_out(params, x, t_x)
    mixture = np.logaddexp(alive, dropped)
    w_alive, w_dropped = np.exp(alive - mixture), np.exp(dropped - mixture)
    ll = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b) + mixture
    log_rates = w_alive * np.log(alpha + T) + w_dropped * np.log(alpha + t_x)
    d_ab = digamma(a + b) - digamma(a + b + x)
    gradient = np.column_stack(
        [
            digamma(r + x) - digamma(r) + np.log(alpha) - log_rates,
            r / alpha - (r + x) * (w_alive / (alpha + T) + w_dropped / (alpha + t_x)),
            d_ab + w_dropped / a,
            d_ab + digamma(b + x) - digamma(b) - w_dropped / np.where(x > 0, b + x - 1, 1.0),
        ]
    )
    return ll, gradient


def _log_dropped_out(params: np.ndarray, x: np.ndarray, t_x: np.ndarray) -> np.ndarray:
    """ln(a/(b+x-1)) - (r+x) ln(alpha+t_x): the term of a customer who left after the last purchase; -inf at x=0."""
    r, alpha, a, b = params
    repeat = x > 0
    term = np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x)
    return np.where(repeat, term, -np.inf)


def fit(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> Fit:
    """Maximum likelihood estimates of r, alpha, a, b.

    Start: r = a = b = 1 and alpha such that the mean purchase rate r/alpha matches the repeats per unit of time.
    """
    (ux, ut, uT), weight = compress(x, t_x, T)
    alpha0 = max(float(np.sum(T)) / max(float(np.sum(x)), 1.0), 1e-3)

    def total(params: np.ndarray) -> tuple[float, np.ndarray]:
        ll, gradient = log_likelihood_and_gradient(params, ux, ut, uT)
        return float(weight @ ll), weight @ gradient

    return maximise(total, NAMES, np.array([1.0, alpha0, 1.0, 1.0]), customers=len(x))


def p_alive(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(still alive at T | x, t_x, T) = 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)); 1 when x = 0."""
    r, alpha, _, _ = params
    return expit(-(_log_dropped_out(params, x, t_x) + (r + x) * np.log(alpha + T)))


def expected_purchases(
    params: np.ndarray, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Expected purchases in (T, T + t] given x, t_x, T (FHL 2005, eq. 10).

    Written with Euler's transformation of 2F1, (1-z)^(r+x) 2F1(r+x, b+x; c; z) = (1-z)^(a-1)
    2F1(a+b-1-r, a-1; c; z), whose parameters do not grow with x: stable for heavy buyers.
    """
    r, alpha, a, b = params
    c = a + b + x - 1
    z = t / (alpha + T + t)
    bracket = 1 - (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z)
    return p_alive(params, x, t_x, T) * c / (a - 1) * bracket
