"""BG/NBD and Gamma-Gamma: known parameters recovered from simulated customers; predictions checked by
integrating over the customer's posterior, independently of the closed forms."""

import numpy as np
import pytest
from scipy import integrate, optimize, stats

from tiering.clv import bgnbd, gamma_gamma

TRUE_BGNBD = np.array([0.5, 6.0, 0.8, 2.5])  # r, alpha, a, b
TRUE_GAMMA_GAMMA = np.array([6.0, 4.0, 15.0])  # p, q, gamma


def simulate_bgnbd(params: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, t_x, T of n customers observed 20 to 52 weeks: Poisson purchases at rate lambda ~ Gamma(r, alpha),
    and after each repeat purchase a drop-out with probability p ~ Beta(a, b)."""
    r, alpha, a, b = params
    rng = np.random.default_rng(seed)
    rate, drop = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    T = rng.uniform(20, 52, n)
    t, x, t_x, active = np.zeros(n), np.zeros(n), np.zeros(n), np.ones(n, dtype=bool)
    while active.any():
        t = t + rng.exponential(1 / rate)
        buys = active & (t <= T)
        x, t_x = x + buys, np.where(buys, t, t_x)
        active = buys & (rng.uniform(size=n) >= drop)
    return x, t_x, T


def test_bgnbd_recovers_known_parameters():
    x, t_x, T = simulate_bgnbd(TRUE_BGNBD, n=20_000, seed=1)
    fit = bgnbd.fit(x, t_x, T)
    assert fit.converged and not fit.problems
    np.testing.assert_allclose(fit.values[:2], TRUE_BGNBD[:2], rtol=0.10)  # r, alpha
    np.testing.assert_allclose(fit.values[2:], TRUE_BGNBD[2:], rtol=0.25)  # a, b: less well identified
    assert fit.log_likelihood >= bgnbd.log_likelihood(TRUE_BGNBD, x, t_x, T).sum()


def test_gamma_gamma_recovers_known_parameters():
    p, q, gamma = TRUE_GAMMA_GAMMA
    rng = np.random.default_rng(2)
    n = 20_000
    x = rng.integers(1, 12, n).astype(float)
    nu = rng.gamma(q, 1 / gamma, n)
    m = rng.gamma(p * x, 1 / (nu * x))  # the mean of x Gamma(p, nu) values is Gamma(p x, nu x)
    fit = gamma_gamma.fit(x, m)
    assert fit.converged and not fit.problems
    # p and gamma trade off against each other (their product sets the mean): q and the mean are sharper.
    np.testing.assert_allclose(fit.values, TRUE_GAMMA_GAMMA, rtol=0.2)
    assert fit.params["q"] == pytest.approx(q, rel=0.05)
    fitted_mean = fit.params["p"] * fit.params["gamma"] / (fit.params["q"] - 1)
    assert fitted_mean == pytest.approx(p * gamma / (q - 1), rel=0.02)
    assert fit.log_likelihood >= gamma_gamma.log_likelihood(TRUE_GAMMA_GAMMA, x, m).sum()


def _over_dropout(params, x, t_x, T, alive_weight) -> float:
    """E[alive_weight(p, k) x 1{alive at T} | x, t_x, T], with the purchase rate integrated out in closed form
    (Gamma prior) and the drop-out probability p by quadrature over its Beta prior: no hypergeometric function.

    k(s) = ((alpha + T) / (alpha + s))^(r + x) is the rate integral of rate^x e^(-rate s), up to a constant
    factor that cancels; alive_weight gets p and k.
    """
    r, alpha, a, b = params

    def k(s):
        return np.exp(-(r + x) * (np.log(alpha + s) - np.log(alpha + T)))

    def average(f) -> float:
        peak = (a - 1) / (a + b - 2) if a > 1 else 0.0  # where the Beta prior is concentrated
        integrand = lambda p: f(p) * stats.beta.pdf(p, a, b)  # noqa: E731
        return integrate.quad(integrand, 0, 1, points=[peak], epsabs=0, epsrel=1e-11, limit=400)[0]

    dead = (lambda p: p * (1 - p) ** (x - 1) * k(t_x)) if x > 0 else (lambda p: 0.0)
    evidence = average(lambda p: (1 - p) ** x * k(T) + dead(p))
    return average(lambda p: (1 - p) ** x * alive_weight(p, k)) / evidence


CDNOW = (0.243, 4.414, 0.793, 2.426)  # the published fit on the CDNOW sample, weeks
B2B = (4.52, 28.07, 29.3, 1e4)  # the fit on M demo data (b at its bound): frequent buyers who rarely leave


@pytest.mark.parametrize(
    ("params", "x", "t_x", "T", "t"),
    [
        (CDNOW, 0, 0.0, 30.0, 39.0),
        (CDNOW, 2, 30.43, 38.86, 39.0),
        (CDNOW, 6, 10.0, 38.0, 39.0),
        (CDNOW, 40, 37.0, 38.0, 39.0),
        (B2B, 100, 300.0, 310.0, 52.0),
        (B2B, 5, 20.0, 300.0, 52.0),
        (B2B, 300, 310.0, 311.0, 52.0),
    ],
)
def test_p_alive_and_expected_purchases_match_the_posterior(params, x, t_x, T, t):
    params = np.array(params)
    one = (np.array([float(x)]), np.array([t_x]), np.array([T]))
    # Alive at T, a customer buys at `rate` until dropping out after a purchase: E = (1 - e^(-rate p t)) / p,
    # whose rate integral is (k(T) - k(T + p t)) / p.
    purchases = _over_dropout(params, x, t_x, T, lambda p, k: (k(T) - k(T + p * t)) / p)
    assert bgnbd.expected_purchases(params, t, *one)[0] == pytest.approx(purchases, rel=1e-6)
    alive = _over_dropout(params, x, t_x, T, lambda p, k: k(T))
    assert bgnbd.p_alive(params, *one)[0] == pytest.approx(alive, rel=1e-6)


def test_heavy_buyers_stay_finite():
    params = np.array([0.243, 4.414, 0.793, 2.426])
    x, t_x, T = np.array([300.0, 300.0]), np.array([299.0, 20.0]), np.array([300.0, 300.0])
    expected = bgnbd.expected_purchases(params, 52.0, x, t_x, T)
    assert np.isfinite(expected).all()
    assert expected[0] == pytest.approx(52.0, rel=0.1) and expected[1] < 1e-6  # ~1 a week, and long gone


def test_expected_spend_shrinks_the_customer_mean_towards_the_population():
    p, q, gamma = TRUE_GAMMA_GAMMA
    population = p * gamma / (q - 1)
    spend = gamma_gamma.expected_spend(
        TRUE_GAMMA_GAMMA, np.array([0.0, 1.0, 100.0]), np.array([0.0, 90.0, 90.0])
    )
    assert spend[0] == pytest.approx(population)
    assert population < spend[1] < spend[2] < 90.0


def test_analytic_gradients_match_finite_differences():
    x, t_x, T = simulate_bgnbd(TRUE_BGNBD, n=200, seed=5)
    m = np.random.default_rng(5).gamma(5.0, 10.0, 200)
    cases = [
        (bgnbd.log_likelihood_and_gradient, np.array([0.3, 4.0, 0.9, 3.0]), (x, t_x, T)),
        (gamma_gamma.log_likelihood_and_gradient, np.array([5.0, 3.0, 12.0]), (np.maximum(x, 1), m)),
    ]
    for model, params, data in cases:
        analytic = model(params, *data)[1].sum(axis=0)
        numeric = optimize.approx_fprime(params, lambda p, f=model, d=data: f(p, *d)[0].sum(), 1e-7)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-4)
