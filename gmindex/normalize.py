"""Min-max normalisation with a chosen reference set (METHODS.md section 2).

Benefit indicators map to ``(x - lo) / (hi - lo)`` and cost indicators to
``(hi - x) / (hi - lo)``; never ``1/x``.  The bounds ``lo, hi`` come from the
reference set:

``"pooled"``
    all observations of all years (default; scores compare across years);
``"per_year"``
    each year's cross-section separately;
``"fixed"``
    goalposts given by the user or taken from reference years, so that new
    years can be appended without rescaling the old ones.

An indicator with ``hi == lo`` carries no information: it is set to 0 and
reported in ``constant`` (it gets entropy weight 0 later), never NaN.

Examples
--------
>>> import numpy as np
>>> x = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]])
>>> res = minmax(x, directions=["benefit", "cost"])
>>> res.values
array([[0. , 1. ],
       [0.5, 0. ],
       [1. , 0.5]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["REFERENCES", "Normalized", "minmax"]

REFERENCES = ("pooled", "per_year", "fixed")


@dataclass(frozen=True)
class Normalized:
    """Result of :func:`minmax`.

    Attributes
    ----------
    values : ndarray, shape (n_obs, n_indicators)
        Normalised values, benefit-oriented (higher is better), in [0, 1]
        unless fixed goalposts are used with ``clip=False``.
    lower, upper : ndarray, shape (n_groups, n_indicators)
        Bounds used, one row per reference group (one row when pooled/fixed).
    groups : tuple
        Labels of the reference groups (years for ``per_year``).
    constant : ndarray of bool, shape (n_groups, n_indicators)
        Where ``upper == lower``.
    clipped : int
        Number of cells clipped to [0, 1] (fixed goalposts only).
    """

    values: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    groups: tuple
    constant: np.ndarray
    clipped: int = 0


def _direction_signs(directions: Sequence[str], m: int) -> np.ndarray:
    if len(directions) != m:
        raise ValueError(f"got {len(directions)} directions for {m} indicators")
    bad = [d for d in directions if d not in ("benefit", "cost")]
    if bad:
        raise ValueError(f"unknown direction(s) {bad}; use 'benefit' or 'cost'")
    return np.array([d == "cost" for d in directions])


def _scale(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, is_cost: np.ndarray):
    span = hi - lo
    const = ~(span > 0)
    safe = np.where(const, 1.0, span)
    z = np.where(is_cost, (hi - x) / safe, (x - lo) / safe)
    return np.where(const, 0.0, z), const


def minmax(
    values: np.ndarray,
    *,
    directions: Sequence[str],
    reference: str = "pooled",
    groups: Sequence | None = None,
    goalposts: np.ndarray | None = None,
    clip: bool = True,
) -> Normalized:
    """Min-max normalise the columns of an observation-by-indicator matrix.

    Parameters
    ----------
    values : array_like, shape (n_obs, n_indicators)
        Raw indicator values, finite.
    directions : sequence of {"benefit", "cost"}
        One per column.
    reference : {"pooled", "per_year", "fixed"}
        Reference set for the bounds.
    groups : sequence, length n_obs, optional
        Group label of each row (the year); required for ``"per_year"``.
    goalposts : array_like, shape (2, n_indicators), optional
        Lower and upper bounds per indicator; required for ``"fixed"``.
    clip : bool
        With fixed goalposts, clip values outside the goalposts to [0, 1]
        (the number of clipped cells is reported).

    Returns
    -------
    Normalized

    Raises
    ------
    ValueError
        For an unknown option, non-finite values or missing arguments.

    Examples
    --------
    Per-year bounds rescale each cross-section:

    >>> import numpy as np
    >>> x = np.array([[1.0], [3.0], [10.0], [30.0]])
    >>> minmax(x, directions=["benefit"], reference="per_year",
    ...        groups=[2016, 2016, 2017, 2017]).values.ravel()
    array([0., 1., 0., 1.])

    Fixed goalposts keep old values when new years are appended:

    >>> minmax(x, directions=["benefit"], reference="fixed",
    ...        goalposts=np.array([[0.0], [20.0]])).values.ravel()
    array([0.05, 0.15, 0.5 , 1.  ])
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"values must be 2-D (observations x indicators), got {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError(
            "values contain NaN or infinite cells; apply a missing-data rule first "
            "(gmindex.missing) so that every dropped or imputed cell is recorded"
        )
    n, m = x.shape
    is_cost = _direction_signs(directions, m)
    if reference == "pooled":
        lo, hi = x.min(axis=0, keepdims=True), x.max(axis=0, keepdims=True)
        z, const = _scale(x, lo, hi, is_cost)
        return Normalized(z, lo, hi, ("pooled",), const)
    if reference == "per_year":
        if groups is None or len(groups) != n:
            raise ValueError("reference='per_year' needs one group label (year) per row")
        labels = np.asarray(groups)
        uniq = tuple(dict.fromkeys(sorted(labels.tolist())))
        z = np.empty_like(x)
        lows, highs, consts = [], [], []
        for g in uniq:
            rows = labels == g
            lo, hi = x[rows].min(axis=0), x[rows].max(axis=0)
            z[rows], const = _scale(x[rows], lo, hi, is_cost)
            lows.append(lo), highs.append(hi), consts.append(const)
        return Normalized(z, np.array(lows), np.array(highs), uniq, np.array(consts))
    if reference == "fixed":
        if goalposts is None:
            raise ValueError("reference='fixed' needs goalposts (2 x n_indicators)")
        gp = np.asarray(goalposts, dtype=float)
        if gp.shape != (2, m):
            raise ValueError(f"goalposts must have shape (2, {m}), got {gp.shape}")
        lo, hi = gp[:1], gp[1:]
        z, const = _scale(x, lo, hi, is_cost)
        clipped = 0
        if clip:
            outside = (z < 0) | (z > 1)
            clipped = int(outside.sum())
            z = np.clip(z, 0.0, 1.0)
        return Normalized(z, lo, hi, ("fixed",), const, clipped)
    raise ValueError(f"unknown reference {reference!r}; use one of {REFERENCES}")
