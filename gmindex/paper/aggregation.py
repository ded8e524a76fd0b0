"""Other aggregations of normalised indicators: geometric, Mazziotta–Pareto, grey TOPSIS.

- :func:`geometric_mean` — weighted geometric mean Π z_j^{w_j} (Σ w = 1): partial
  compensability; one zero indicator gives a zero score, so it is reported.
- :func:`mazziotta_pareto` — Mazziotta–Pareto index on raw indicators: each
  indicator standardised to s_ij = 100 ± 10 (x_ij − M_j)/S_j (sign by direction,
  M_j, S_j over all unit-years so the index is comparable over time); then
  MPI_i = M_i − S_i · cv_i with M_i, S_i the mean and s.d. of s_i· and
  cv_i = S_i / M_i (the "negative" penalty of unbalanced profiles).
- :func:`grey_topsis` — grey relational TOPSIS (灰色关联TOPSIS): on V = w ∘ z,
  Euclidean distances d⁺, d⁻ to the ideal and anti-ideal units and mean grey
  relational coefficients r⁺, r⁻ (resolution ρ = 0.5); each divided by its
  maximum; S⁺ = α d⁻ + (1 − α) r⁺, S⁻ = α d⁺ + (1 − α) r⁻; C = S⁺ / (S⁺ + S⁻).

:data:`AGGREGATIONS` is the name → function table; each takes the (n, m) matrix
and the weights (Mazziotta–Pareto takes raw values and directions instead).

References
----------
Mazziotta, M., Pareto, A. (2016). On a generalized non-compensatory composite
index for measuring socio-economic phenomena. Social Indicators Research 127: 983–1003.
Deng, J. (1982). Control problems of grey systems. Systems & Control Letters 1(5): 288–294.

Examples
--------
>>> import numpy as np
>>> z = np.array([[1.0, 1.0], [0.25, 1.0]])
>>> geometric_mean(z, np.array([0.5, 0.5])).tolist()
[1.0, 0.5]
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

__all__ = ["AGGREGATIONS", "geometric_mean", "grey_relational_coefficients", "grey_topsis",
           "mazziotta_pareto"]


def _check(z, w) -> tuple[np.ndarray, np.ndarray]:
    z = np.asarray(z, dtype=float)
    w = np.asarray(w, dtype=float)
    if z.ndim != 2 or w.shape != (z.shape[1],):
        raise ValueError(f"z must be (n, m) and weights (m,); got {z.shape} and {w.shape}")
    if np.isnan(z).any():
        raise ValueError("z has NaN; handle missing cells before aggregating")
    if (w < 0).any() or not np.isclose(w.sum(), 1.0):
        raise ValueError("weights must be non-negative and sum to 1")
    return z, w


def geometric_mean(z, weights, *, groups=None) -> np.ndarray:
    """Weighted geometric mean of normalised scores (z ≥ 0).

    ``groups`` is accepted for the aggregation-table signature and ignored
    (the geometric mean of a row does not depend on the other rows).

    Examples
    --------
    >>> geometric_mean(np.array([[0.0, 1.0]]), np.array([0.5, 0.5])).tolist()
    [0.0]
    """
    z, w = _check(z, weights)
    if (z < 0).any():
        raise ValueError("the geometric mean needs z >= 0")
    with np.errstate(divide="ignore"):
        return np.exp(np.log(z) @ w)


def mazziotta_pareto(raw, directions: Sequence[str], *, penalty: str = "negative") -> np.ndarray:
    """Mazziotta–Pareto index (MPI) of raw indicators, pooled standardisation.

    Parameters
    ----------
    raw : ndarray, shape (n, m)
    directions : sequence of {"benefit", "cost"}
    penalty : {"negative", "positive"}
        ``negative`` (MPI⁻, higher is better): M − S·cv; ``positive``: M + S·cv.

    Examples
    --------
    >>> x = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    >>> np.round(mazziotta_pareto(x, ["benefit", "benefit"]), 4).tolist()
    [87.7526, 100.0, 112.2474]
    """
    x = np.asarray(raw, dtype=float)
    d = np.asarray(directions)
    if x.ndim != 2 or d.shape != (x.shape[1],):
        raise ValueError(f"raw must be (n, m) with {x.shape[-1]} directions")
    sd = x.std(axis=0)
    if (sd == 0).any():
        raise ValueError(f"indicator column(s) {np.where(sd == 0)[0].tolist()} are constant")
    sign = np.where(d == "cost", -1.0, 1.0)
    s = 100 + 10 * sign * (x - x.mean(axis=0)) / sd
    m = s.mean(axis=1)
    sdev = s.std(axis=1)
    pen = sdev * (sdev / m)
    if penalty == "negative":
        return m - pen
    if penalty == "positive":
        return m + pen
    raise ValueError(f"penalty must be 'negative' or 'positive', got {penalty!r}")


def grey_relational_coefficients(v: np.ndarray, reference: np.ndarray, *, rho: float = 0.5
                                 ) -> np.ndarray:
    """Grey relational coefficients ξ_ij of each unit to a reference sequence.

    ξ_ij = (Δmin + ρ Δmax) / (Δ_ij + ρ Δmax), Δ_ij = |v_ij − ref_j|, with Δmin,
    Δmax over all i, j (Deng 1982).

    Examples
    --------
    >>> grey_relational_coefficients(np.array([[1.0], [0.0]]), np.array([1.0])).ravel().tolist()
    [1.0, 0.3333333333333333]
    """
    delta = np.abs(np.asarray(v, dtype=float) - np.asarray(reference, dtype=float))
    lo, hi = delta.min(), delta.max()
    if hi == 0:
        return np.ones_like(delta)
    return (lo + rho * hi) / (delta + rho * hi)


def grey_topsis(z, weights, *, groups=None, alpha: float = 0.5, rho: float = 0.5) -> np.ndarray:
    """Grey relational TOPSIS closeness (see the module notes).

    Parameters
    ----------
    z : ndarray, shape (n, m)
        Normalised scores (1 = best).
    weights : ndarray, shape (m,)
    alpha : float
        Weight of the distance part (1 − alpha: grey relational part).
    rho : float
        Resolution coefficient of the grey relational coefficients.
    groups : array-like, shape (n,), optional
        Take ideals, anti-ideals and maxima within each group (e.g. year).

    Examples
    --------
    >>> c = grey_topsis(np.array([[1.0, 1.0], [0.0, 0.0], [0.5, 0.5]]), np.array([0.5, 0.5]))
    >>> np.round(c, 4).tolist()
    [0.8571, 0.1429, 0.5]
    """
    z, w = _check(z, weights)
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    if groups is not None:
        groups = np.asarray(groups)
        out = np.empty(len(z))
        for g in np.unique(groups):
            rows = groups == g
            out[rows] = grey_topsis(z[rows], w, alpha=alpha, rho=rho)
        return out
    v = z * w
    best, worst = v.max(axis=0), v.min(axis=0)
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    r_plus = grey_relational_coefficients(v, best, rho=rho).mean(axis=1)
    r_minus = grey_relational_coefficients(v, worst, rho=rho).mean(axis=1)

    def scaled(a):
        return a / a.max() if a.max() > 0 else a

    s_plus = alpha * scaled(d_minus) + (1 - alpha) * scaled(r_plus)
    s_minus = alpha * scaled(d_plus) + (1 - alpha) * scaled(r_minus)
    return s_plus / (s_plus + s_minus)


#: name -> aggregation function on (z, weights).
AGGREGATIONS: Mapping[str, Callable] = {
    "geometric": geometric_mean,
    "grey_topsis": grey_topsis,
}
