"""Objective and subjective indicator weights (METHODS.md section 3).

All functions take a normalised, benefit-oriented matrix ``z`` of shape
``(n_obs, n_indicators)`` (the reference set: all province-years when pooled,
one year's cross-section for per-year weights) and return weights that sum to 1.

Entropy weights (Shannon entropy, as in the Chinese index literature)::

    p_ij = z_ij / sum_i z_ij
    e_j  = -k * sum_i p_ij ln p_ij,   k = 1 / ln(n),  0 ln 0 := 0
    d_j  = 1 - e_j
    w_j  = d_j / sum_j d_j

``n`` is the number of observations in the reference set (N*T when pooled,
not T or N).  A column of zeros or constants has ``e_j = 1`` and weight 0.

References
----------
Shannon (1948); Zeleny (1982) for entropy weighting in MCDM;
Diakoulaki, Mavrotas & Papayannakis (1995) for CRITIC.

Examples
--------
>>> import numpy as np, warnings
>>> z = np.array([[0.0, 1.0], [1.0, 1.0], [0.5, 1.0]])
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     ew = entropy_weights(z)
>>> ew.weights
array([1., 0.])
>>> print(caught[0].message)
indicator(s) [1] are constant over the reference set: weight 0
>>> round(float(ew.entropy[0]), 6)
0.57938
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

__all__ = [
    "ConstantIndicatorWarning",
    "EntropyWeights",
    "cap_weights",
    "critic_weights",
    "entropy_weights",
    "equal_weights",
    "user_weights",
]


class ConstantIndicatorWarning(UserWarning):
    """An indicator is constant over the reference set and gets weight 0."""


@dataclass(frozen=True)
class EntropyWeights:
    """Entropy ``e_j``, divergence ``d_j = 1 - e_j`` and weights ``w_j``.

    ``constant`` marks columns with no variation (weight 0).
    """

    entropy: np.ndarray
    divergence: np.ndarray
    weights: np.ndarray
    constant: np.ndarray
    n_obs: int
    shift: float = 0.0


def _as_matrix(z) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    if z.ndim != 2:
        raise ValueError(f"expected a 2-D matrix (observations x indicators), got {z.shape}")
    if not np.isfinite(z).all():
        raise ValueError("the matrix has NaN or infinite cells; handle missing data first")
    if z.shape[0] < 2:
        raise ValueError("weights need at least 2 observations in the reference set")
    return z


def _warn_constant(constant: np.ndarray, labels: Sequence[str] | None) -> None:
    if constant.any():
        names = (
            [labels[j] for j in np.flatnonzero(constant)]
            if labels is not None
            else np.flatnonzero(constant).tolist()
        )
        warnings.warn(
            f"indicator(s) {names} are constant over the reference set: weight 0",
            ConstantIndicatorWarning,
            stacklevel=3,
        )


def _xlogx(p: np.ndarray) -> np.ndarray:
    """``p * log(p)`` with ``0 * log(0) = 0``: ``scipy.special.xlogy(p, p)`` in NumPy.

    NumPy rather than SciPy for one expression: importing ``scipy.special``
    was 0.15-0.2 s of every ``gmindex build`` (a test compares the two).
    """
    out = np.zeros_like(p, dtype=float)
    nonzero = p != 0  # NaN stays NaN, as with xlogy
    with np.errstate(invalid="ignore", divide="ignore"):
        np.multiply(p, np.log(p, where=nonzero, out=np.ones_like(out)), out=out, where=nonzero)
    return out


def entropy_weights(
    z, *, shift: float = 0.0, labels: Sequence[str] | None = None
) -> EntropyWeights:
    """Entropy weights of the columns of a normalised matrix.

    Parameters
    ----------
    z : array_like, shape (n_obs, n_indicators)
        Normalised, non-negative values over the reference set.
    shift : float, default 0
        Added to every cell before the shares are formed (many papers use
        0.0001 or 0.01 to avoid ln 0).  The default uses the limit 0 ln 0 = 0
        instead, which needs no shift.
    labels : sequence of str, optional
        Indicator names, used in warnings.

    Returns
    -------
    EntropyWeights

    Raises
    ------
    ValueError
        On negative cells, fewer than two observations or when every
        indicator is constant.

    Notes
    -----
    ``k = 1 / ln(n)`` with ``n`` the number of rows of ``z``.  The weights
    sum to 1 to float precision.

    Examples
    --------
    One zero does not give entropy 0 (a common bug); it is just a zero share:

    >>> import numpy as np
    >>> z = np.array([[0.0, 0.2], [0.5, 0.4], [1.0, 0.9]])
    >>> w = entropy_weights(z).weights
    >>> w.round(4), float(w.sum())
    (array([0.7299, 0.2701]), 1.0)
    """
    z = _as_matrix(z)
    if shift < 0:
        raise ValueError("shift must be >= 0")
    if (z < 0).any():
        raise ValueError(
            "entropy weights need non-negative values; normalise with min-max first"
        )
    z = z + shift
    n = z.shape[0]
    totals = z.sum(axis=0)
    constant = (z.max(axis=0) - z.min(axis=0) <= 0) | (totals <= 0)
    safe_totals = np.where(totals > 0, totals, 1.0)
    p = z / safe_totals
    entropy = -_xlogx(p).sum(axis=0) / np.log(n)
    # Rounding can leave e_j a hair above 1 for an almost uniform column.
    entropy = np.where(constant, 1.0, np.minimum(entropy, 1.0))
    divergence = 1.0 - entropy
    if not (divergence > 0).any():
        raise ValueError("every indicator is constant over the reference set: no weights")
    _warn_constant(constant, labels)
    weights = divergence / divergence.sum()
    return EntropyWeights(entropy, divergence, weights, constant, n, shift)


def critic_weights(z, *, labels: Sequence[str] | None = None) -> np.ndarray:
    """CRITIC weights (Diakoulaki et al. 1995).

    ``C_j = sigma_j * sum_k (1 - r_jk)``, ``w_j = C_j / sum C``, with the
    sample standard deviation (ddof=1) and Pearson correlations.  A constant
    column gets weight 0 and is left out of the correlation sums, so adding a
    constant column does not change the other weights.

    Parameters
    ----------
    z : array_like, shape (n_obs, n_indicators)
        Normalised values over the reference set, finite, at least two rows.
    labels : sequence of str, optional
        Indicator names, used in warnings.

    Returns
    -------
    numpy.ndarray, shape (n_indicators,)
        Weights summing to 1.

    Raises
    ------
    ValueError
        When every indicator is constant, or on NaN cells or fewer than two rows.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[0.0, 1.0, 0.2], [0.5, 0.0, 0.9], [1.0, 0.4, 0.0]])
    >>> critic_weights(z).round(4)
    array([0.3192, 0.3724, 0.3084])
    """
    z = _as_matrix(z)
    sd = z.std(axis=0, ddof=1)
    # max == min, not sd == 0: the sd of a constant float column can be 1e-17.
    constant = z.max(axis=0) - z.min(axis=0) <= 0
    if constant.all():
        raise ValueError("every indicator is constant over the reference set: no weights")
    _warn_constant(constant, labels)
    live = ~constant
    r = np.corrcoef(z[:, live], rowvar=False).reshape(live.sum(), live.sum())
    info = np.zeros(z.shape[1])
    info[live] = sd[live] * (1.0 - r).sum(axis=0)
    return info / info.sum()


def equal_weights(m: int) -> np.ndarray:
    """Equal weights ``1/m``.

    Parameters
    ----------
    m : int
        Number of indicators, at least 1.

    Returns
    -------
    numpy.ndarray, shape (m,)

    Examples
    --------
    >>> equal_weights(4)
    array([0.25, 0.25, 0.25, 0.25])
    """
    if m < 1:
        raise ValueError("need at least one indicator")
    return np.full(m, 1.0 / m)


def user_weights(weights: Mapping[str, float], indicators: Sequence[str]) -> np.ndarray:
    """User-given weights, checked against the indicator list and rescaled to sum 1.

    Parameters
    ----------
    weights : mapping of str to float
        Weight of every indicator (any positive scale); no indicator may be
        missing or unknown.
    indicators : sequence of str
        Indicator ids in matrix column order.

    Returns
    -------
    numpy.ndarray, shape (n_indicators,)
        Weights in the order of ``indicators``, summing to 1.

    Raises
    ------
    ValueError
        Missing or unknown indicators; negative, infinite or all-zero weights.

    Examples
    --------
    >>> user_weights({"a": 2, "b": 1, "c": 1}, ["a", "b", "c"])
    array([0.5 , 0.25, 0.25])
    """
    missing = [i for i in indicators if i not in weights]
    extra = [k for k in weights if k not in indicators]
    if missing or extra:
        raise ValueError(
            f"user weights must name every indicator exactly once; missing {missing}, "
            f"unknown {extra}"
        )
    w = np.array([float(weights[i]) for i in indicators])
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError("user weights must be finite, non-negative and not all zero")
    return w / w.sum()


def cap_weights(weights, *, max_share: float) -> np.ndarray:
    """Cap weights at ``max_share`` and share the excess out proportionally.

    Repeats until no weight exceeds the cap (water-filling).

    Parameters
    ----------
    weights : array_like, shape (m,)
        Non-negative weights summing to 1.
    max_share : float
        Largest share any weight may take; ``max_share * m >= 1``.

    Returns
    -------
    numpy.ndarray, shape (m,)
        Capped weights summing to 1.

    Raises
    ------
    ValueError
        If ``m`` weights of at most ``max_share`` cannot sum to 1.

    Examples
    --------
    >>> cap_weights([0.7, 0.2, 0.1], max_share=0.5).round(4)
    array([0.5   , 0.3333, 0.1667])
    """
    w = np.asarray(weights, dtype=float).copy()
    if max_share * len(w) < 1 - 1e-12:
        raise ValueError(f"a cap of {max_share} cannot hold {len(w)} weights summing to 1")
    capped = np.zeros(len(w), dtype=bool)
    while True:
        over = (w > max_share + 1e-15) & ~capped
        if not over.any():
            return w / w.sum()
        capped |= over
        free = ~capped
        excess = 1.0 - max_share * capped.sum()
        w[capped] = max_share
        if free.any() and w[free].sum() > 0:
            w[free] = w[free] / w[free].sum() * excess
