"""More objective and subjective weights, and rules to combine them.

Two signatures, matching what each method needs (see METHODS.md §10):

- ``fn(z, *, labels=None) -> weights (m,)`` on normalised scores z in [0, 1]
  (1 = best): :func:`std_weights`, :func:`gini_weights`.
- ``fn(raw, directions) -> weights (m,)`` on positive ratio-scale raw values:
  :func:`cv_weights`, :func:`merec_weights`.  Min-max scores contain zeros,
  so CV (a ratio to the mean) and MEREC (logarithms) are computed on the raw
  indicators, never on z.

:func:`ahp_weights` turns a Saaty pairwise comparison matrix into weights with
its consistency ratio; :func:`combine_weights` mixes subjective and objective
weights by a named rule.  :data:`OBJECTIVE_WEIGHTS` is the name → function table.

References
----------
Keshavarz-Ghorabaee, M. et al. (2021). Determination of objective weights using a
new method based on the removal effects of criteria (MEREC). Symmetry 13(4): 525.
Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill.

Examples
--------
>>> import numpy as np
>>> z = np.array([[0.0, 0.5], [1.0, 0.5], [0.5, 1.0]])
>>> np.round(std_weights(z), 4)
array([0.634, 0.366])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

__all__ = ["AHPResult", "COMBINE_RULES", "OBJECTIVE_WEIGHTS", "PIPELINE_WEIGHTINGS", "SAATY_RI", "ahp_weights",
           "combine_weights", "cv_weights", "gini_weights", "merec_weights", "std_weights"]

#: Saaty's random consistency index RI by matrix size n (1 … 10).
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
            10: 1.49}
COMBINE_RULES = ("linear", "multiplicative", "game")


def _normalise(v: np.ndarray) -> np.ndarray:
    total = v.sum()
    if not np.isfinite(total) or total <= 0:
        raise ValueError("every indicator is constant: no objective weights can be derived")
    return v / total


def _matrix(x, name: str) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"{name} must be (n units, m indicators) with n >= 2; got {x.shape}")
    if np.isnan(x).any():
        raise ValueError(f"{name} has NaN; missing cells must be handled before weighting")
    return x


def _positive(raw, directions, *, zeros: bool = False, labels=None) -> tuple[np.ndarray, np.ndarray]:
    x = _matrix(raw, "raw")
    d = np.asarray(directions)
    if d.shape != (x.shape[1],) or not set(d.tolist()) <= {"benefit", "cost"}:
        raise ValueError(f"directions must be {x.shape[1]} of 'benefit'/'cost'; got {list(d)}")
    bad = (x < 0) if zeros else (x <= 0)
    if bad.any() or (zeros and (x.mean(axis=0) <= 0).any()):
        cols = sorted(set(np.where(bad)[1].tolist()) | set(np.where(x.mean(axis=0) <= 0)[0].tolist()))
        if labels is not None:
            cols = [labels[c] for c in cols]
        need = "non-negative values with a positive mean" if zeros else "positive values (logs)"
        raise ValueError(f"indicator column(s) {cols} break the rule: "
                         f"{'CV' if zeros else 'MEREC'} needs {need} on the raw ratio scale "
                         "(not min-max scores)")
    return x, d


def std_weights(z, *, labels: Sequence[str] | None = None) -> np.ndarray:
    """Standard deviation weights w_j = s_j / Σ s_j on normalised scores.

    Examples
    --------
    >>> std_weights(np.array([[0.0, 0.0], [1.0, 0.5]])).tolist()
    [0.6666666666666666, 0.3333333333333333]
    """
    return _normalise(_matrix(z, "z").std(axis=0, ddof=1))


def gini_weights(z, *, labels: Sequence[str] | None = None) -> np.ndarray:
    """Gini-coefficient weights: w_j ∝ G_j = Σ_i Σ_k |z_ij − z_kj| / (2 n² z̄_j).

    A column with mean 0 (every unit at the worst value) has G_j = 0.

    Examples
    --------
    >>> np.round(gini_weights(np.array([[0.0, 0.5], [1.0, 0.5]])), 4).tolist()
    [1.0, 0.0]
    """
    x = _matrix(z, "z")
    n = x.shape[0]
    diff = np.abs(x[:, None, :] - x[None, :, :]).sum(axis=(0, 1))
    mean = x.mean(axis=0)
    g = np.where(mean > 0, diff / (2 * n ** 2 * np.where(mean > 0, mean, 1.0)), 0.0)
    return _normalise(g)


def cv_weights(raw, directions, *, labels: Sequence[str] | None = None) -> np.ndarray:
    """Coefficient of variation weights w_j = CV_j / Σ CV_j on positive raw values.

    CV_j = s_j / x̄_j (sample s.d.); the direction does not change a CV but is
    checked so the signature matches :func:`merec_weights`.  True zeros (a
    count of 0) are allowed; negative values and a zero mean are not.

    Examples
    --------
    >>> cv_weights(np.array([[1.0, 10.0], [3.0, 10.0]]), ["benefit", "cost"]).tolist()
    [1.0, 0.0]
    """
    x, _ = _positive(raw, directions, zeros=True, labels=labels)
    return _normalise(x.std(axis=0, ddof=1) / x.mean(axis=0))


def merec_weights(raw, directions, *, labels: Sequence[str] | None = None) -> np.ndarray:
    """MEREC weights (method based on the removal effects of criteria).

    Notes
    -----
    n_ij = min_k x_kj / x_ij (benefit) or x_ij / max_k x_kj (cost);
    S_i = ln(1 + (1/m) Σ_j |ln n_ij|); S'_ij the same with criterion j left out;
    E_j = Σ_i |S'_ij − S_i|; w_j = E_j / Σ E_j (Keshavarz-Ghorabaee et al. 2021).

    Examples
    --------
    >>> w = merec_weights(np.array([[1.0, 2.0], [2.0, 4.0], [4.0, 4.0]]), ["benefit", "cost"])
    >>> round(float(w.sum()), 10)
    1.0
    """
    x, d = _positive(raw, directions, labels=labels)
    cost = d == "cost"
    nmat = np.where(cost, x / x.max(axis=0), x.min(axis=0) / x)
    logs = np.abs(np.log(nmat))
    m = x.shape[1]
    s = np.log1p(logs.sum(axis=1) / m)
    s_without = np.log1p((logs.sum(axis=1, keepdims=True) - logs) / m)
    return _normalise(np.abs(s_without - s[:, None]).sum(axis=0))


#: Objective weighting methods added here: name -> (function, input "z" or "raw").
OBJECTIVE_WEIGHTS: Mapping[str, tuple[Callable, str]] = {
    "std": (std_weights, "z"),
    "gini": (gini_weights, "z"),
    "cv": (cv_weights, "raw"),
    "merec": (merec_weights, "raw"),
}


def _std_stage(z, *, labels, shift=0.0, user=None):
    return std_weights(z, labels=labels)


def _gini_stage(z, *, labels, shift=0.0, user=None):
    return gini_weights(z, labels=labels)


_std_stage.__wrapped__ = std_weights
_gini_stage.__wrapped__ = gini_weights

#: Adapters with the signature of the index engine's weighting table
#: (``func(z, *, labels, shift, user)``), for ``gmindex.pipeline.WEIGHTINGS``.
#: CV and MEREC need raw values, which that table does not pass, so they are
#: not here.
PIPELINE_WEIGHTINGS: Mapping[str, Callable] = {"std": _std_stage, "gini": _gini_stage}


@dataclass(frozen=True)
class AHPResult:
    """AHP weights with the consistency check.

    Attributes
    ----------
    weights : ndarray
    lambda_max, ci, ri, cr : float
        CI = (λ_max − n)/(n − 1), CR = CI / RI (Saaty's RI); CR < 0.1 accepted.
    consistent : bool
    """

    weights: np.ndarray
    lambda_max: float
    ci: float
    ri: float
    cr: float
    consistent: bool


def ahp_weights(matrix, *, threshold: float = 0.1) -> AHPResult:
    """Principal-eigenvector AHP weights of a reciprocal pairwise comparison matrix.

    Parameters
    ----------
    matrix : array-like, shape (n, n)
        a_ij = importance of i over j on Saaty's 1–9 scale, a_ji = 1 / a_ij.
    threshold : float
        CR below which the judgements are accepted.

    Raises
    ------
    ValueError
        Not square, not positive, not reciprocal, or n > 10 (no RI tabulated).

    Examples
    --------
    >>> res = ahp_weights([[1, 3, 5], [1/3, 1, 5/3], [1/5, 3/5, 1]])
    >>> np.round(res.weights, 4).tolist(), round(res.cr, 6)
    ([0.6522, 0.2174, 0.1304], 0.0)
    """
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    if a.ndim != 2 or a.shape != (n, n) or n < 2:
        raise ValueError(f"the comparison matrix must be square; got {a.shape}")
    if (a <= 0).any() or not np.allclose(a * a.T, 1.0, rtol=1e-3):
        raise ValueError("the comparison matrix must be positive and reciprocal (a_ji = 1/a_ij)")
    if n not in SAATY_RI:
        raise ValueError(f"Saaty's RI is tabulated for n <= 10; got n = {n}")
    vals, vecs = np.linalg.eig(a)
    i = int(np.argmax(vals.real))
    w = np.abs(vecs[:, i].real)
    w = w / w.sum()
    lam = float(vals[i].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = SAATY_RI[n]
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(w, lam, float(ci), ri, float(cr), bool(cr < threshold))


def combine_weights(subjective, objective, *, rule: str = "linear", alpha: float = 0.5
                    ) -> np.ndarray:
    """Combine a subjective and an objective weight vector.

    Parameters
    ----------
    subjective, objective : array-like, shape (m,)
    rule : {"linear", "multiplicative", "game"}
        ``linear``: w = α s + (1 − α) o.  ``multiplicative``: w ∝ s_j o_j.
        ``game`` (game-theoretic, 博弈论组合赋权): coefficients a solve
        Σ_k a_k (w_l · w_k) = w_l · w_l for l = 1, 2, are made non-negative and
        summed to 1, and w = a_1 s + a_2 o.
    alpha : float
        Share of the subjective weights under ``linear``.

    Examples
    --------
    >>> combine_weights([0.5, 0.5], [0.2, 0.8]).tolist()
    [0.35, 0.65]
    >>> np.round(combine_weights([0.5, 0.5], [0.2, 0.8], rule="multiplicative"), 4).tolist()
    [0.2, 0.8]
    """
    s = np.asarray(subjective, dtype=float)
    o = np.asarray(objective, dtype=float)
    if s.shape != o.shape:
        raise ValueError(f"weight vectors differ in length: {s.shape} and {o.shape}")
    if rule == "linear":
        if not 0 <= alpha <= 1:
            raise ValueError(f"alpha must be in [0, 1], got {alpha}")
        w = alpha * s + (1 - alpha) * o
    elif rule == "multiplicative":
        w = s * o
    elif rule == "game":
        stack = np.vstack([s, o])
        gram = stack @ stack.T
        # least squares: the system is singular when the two vectors are parallel
        a = np.abs(np.linalg.lstsq(gram, np.diag(gram), rcond=None)[0])
        w = (a / a.sum()) @ stack
    else:
        raise ValueError(f"unknown rule {rule!r}; choose from {COMBINE_RULES}")
    return _normalise(w)
