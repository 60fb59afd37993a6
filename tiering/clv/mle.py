"""Maximum likelihood over positive parameters: log-space search with bounds, convergence checked."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

# Each parameter is searched as log(value / start) in [-LOG_RANGE, LOG_RANGE]: a factor of 1e4 either way.
LOG_RANGE = float(np.log(1e4))


@dataclass(frozen=True)
class Fit:
    """A fitted model: its parameters, log-likelihood and how the search ended."""

    params: dict[str, float]
    log_likelihood: float
    customers: int
    converged: bool
    iterations: int
    message: str
    at_bounds: tuple[str, ...]

    @property
    def values(self) -> np.ndarray:
        """The parameters as an array, in the model's order."""
        return np.array(list(self.params.values()))

    @property
    def problems(self) -> list[str]:
        """Why the fit must not be used, in words; empty when the search converged to a finite optimum."""
        found = [] if self.converged else [f"the search did not converge ({self.message.strip()})"]
        if not np.isfinite(self.log_likelihood):
            found.append("the log-likelihood is not finite")
        return found

    @property
    def notes(self) -> list[str]:
        """Parameters that stopped at the edge of their range: the optimum is a limiting case of the model
        (e.g. a and b large: every customer has about the same drop-out chance), which still predicts."""
        return [
            f"{name} stopped at the edge of its range ({self.params[name]:.4g})" for name in self.at_bounds
        ]

    def as_dict(self) -> dict:
        return {
            **{name: round(value, 6) for name, value in self.params.items()},
            "log_likelihood": round(self.log_likelihood, 3),
            "customers": self.customers,
            "converged": self.converged,
            "iterations": self.iterations,
        }


def maximise(
    log_likelihood: Callable[[np.ndarray], tuple[float, np.ndarray]],
    names: tuple[str, ...],
    start: np.ndarray,
    customers: int,
) -> Fit:
    """Maximise log_likelihood(params) -> (value, gradient) over params > 0, from `start`, with L-BFGS-B on
    theta = log(params / start) in [-LOG_RANGE, LOG_RANGE].

    The objective is the mean negative log-likelihood per customer, so tolerances do not depend on data size.
    """
    start = np.asarray(start, dtype=float)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        params = start * np.exp(theta)
        value, gradient = log_likelihood(params)
        return -value / customers, -gradient * params / customers

    result = minimize(
        objective,
        np.zeros(len(names)),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_RANGE, LOG_RANGE)] * len(names),
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9},
    )
    params = start * np.exp(result.x)
    return Fit(
        params=dict(zip(names, params.tolist(), strict=True)),
        log_likelihood=log_likelihood(params)[0],
        customers=customers,
        converged=bool(result.success),
        iterations=int(result.nit),
        message=str(result.message),
        at_bounds=tuple(n for n, t in zip(names, result.x, strict=True) if abs(t) > LOG_RANGE - 1e-3),
    )


def compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of the columns and how often each occurs: the likelihood is a weighted sum over them."""
    rows, counts = np.unique(np.column_stack(columns), axis=0, return_counts=True)
    return [rows[:, i] for i in range(rows.shape[1])], counts.astype(float)
