"""Entropy-TOPSIS aggregation: closeness to the weighted ideal.

With a normalised, benefit-oriented matrix ``z`` and weights ``w``::

    v_ij    = w_j z_ij
    D+_i    = sqrt(sum_j (v_ij - max_i v_ij)^2)
    D-_i    = sqrt(sum_j (v_ij - min_i v_ij)^2)
    C_i     = D-_i / (D+_i + D-_i)

The ideal and anti-ideal are taken over the same reference set as the
normalisation (all province-years when pooled), so closeness compares across
years.  Hwang & Yoon (1981).

Examples
--------
>>> import numpy as np
>>> z = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
>>> topsis_closeness(z, np.array([0.5, 0.5]))
array([1. , 0. , 0.5])
"""

from __future__ import annotations

import numpy as np

__all__ = ["topsis_closeness"]


def topsis_closeness(z, weights, *, groups=None) -> np.ndarray:
    """Relative closeness of each row to the weighted ideal solution.

    Parameters
    ----------
    z : array_like, shape (n_obs, n_indicators)
        Normalised, benefit-oriented values.
    weights : array_like, shape (n_indicators,) or (n_obs, n_indicators)
        One weight vector, or one per row (per-year entropy weights).
    groups : sequence, optional
        Group label per row (year): ideal and anti-ideal are then taken within
        each group (per-year TOPSIS).  Default: over all rows.

    Returns
    -------
    ndarray, shape (n_obs,)
        Closeness in [0, 1]; a row equal to both ideal and anti-ideal (all rows
        identical) gets 0.5.

    Examples
    --------
    Per-year TOPSIS: each year's best row gets 1 and its worst 0.

    >>> import numpy as np
    >>> z = np.array([[0.2, 0.4], [0.6, 0.8], [0.1, 0.1], [0.3, 0.9]])
    >>> topsis_closeness(z, [0.5, 0.5], groups=[2016, 2016, 2017, 2017])
    array([0., 1., 0., 1.])
    """
    v = np.asarray(z, dtype=float) * np.asarray(weights, dtype=float)
    labels = np.zeros(len(v)) if groups is None else np.asarray(groups)
    out = np.empty(len(v))
    for g in dict.fromkeys(labels.tolist()):
        rows = labels == g
        block = v[rows]
        d_plus = np.sqrt(((block - block.max(axis=0)) ** 2).sum(axis=1))
        d_minus = np.sqrt(((block - block.min(axis=0)) ** 2).sum(axis=1))
        total = d_plus + d_minus
        out[rows] = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    return out
