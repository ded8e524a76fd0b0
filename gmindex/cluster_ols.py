"""Least squares with province clusters: two-way fixed effects and the wild cluster bootstrap.

:func:`twfe_ols` estimates ``y = X b + unit + year + e`` with the fixed effects
as dummy columns and standard errors clustered by unit in the fixest/reghdfe
convention (CRV1; unit effects nested in the clusters are not counted in the
small-sample factor; t(G-1) inference).  :func:`wild_cluster_pvalue` gives
the restricted wild cluster bootstrap p-value of one coefficient.

Both are written here with NumPy rather than called from pyfixest and
wildboottest, for a measured reason: importing ``pyfixest.estimation`` takes
about 1.7 s (it loads matplotlib's pyplot and two table packages), more than
half the time budget of ``gmindex analyse``, and ``wildboottest`` compiles a
numba kernel on every call (about 1 s each).  ``tests/test_regress.py`` checks
coefficients, standard errors, p-values, R-squared and bootstrap p-values
against pyfixest, wildboottest and linearmodels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["WILD_WEIGHTS", "TwfeFit", "twfe_ols", "wild_cluster_pvalue"]

#: Weight distributions of the wild bootstrap (``wildboottest`` names).
WILD_WEIGHTS = ("rademacher", "webb", "mammen", "normal")


@dataclass(frozen=True)
class TwfeFit:
    """A two-way fixed-effects fit (slopes only; the effects are nuisance).

    Attributes
    ----------
    coef, se, t, p : numpy.ndarray
        Per slope: estimate, CRV1 standard error, t statistic and two-sided
        p-value from t(G-1).
    ci : numpy.ndarray
        ``k x 2`` 95 % intervals from t(G-1).
    nobs, n_clusters : int
    r2, r2_within : float
        R-squared around the mean of y and after removing both effects.
    design : numpy.ndarray
        The full design, slopes first then unit and year dummies (what the
        wild bootstrap resamples).
    y : numpy.ndarray
    collinear : tuple of int
        Slopes that add nothing to the fixed effects and earlier slopes
        (dropped from ``design`` and reported as NaN).
    """

    coef: np.ndarray
    se: np.ndarray
    t: np.ndarray
    p: np.ndarray
    ci: np.ndarray
    nobs: int
    n_clusters: int
    r2: float
    r2_within: float
    design: np.ndarray
    y: np.ndarray
    collinear: tuple[int, ...]


def _dummies(codes: np.ndarray, drop_first: bool) -> np.ndarray:
    levels, index = np.unique(codes, return_inverse=True)
    out = np.zeros((len(codes), len(levels)))
    out[np.arange(len(codes)), index] = 1.0
    return out[:, 1:] if drop_first else out


def _rank(m: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(m)) if m.size else 0


def twfe_ols(X: np.ndarray, y: np.ndarray, unit: np.ndarray, year: np.ndarray) -> TwfeFit:
    """OLS of ``y`` on slopes ``X`` with unit and year effects, clustered by unit.

    Parameters
    ----------
    X : numpy.ndarray
        ``N x k`` slopes.
    y : numpy.ndarray
        Outcome, length ``N``.
    unit, year : numpy.ndarray
        Effect (and, for ``unit``, cluster) labels of each row.

    Returns
    -------
    TwfeFit

    Notes
    -----
    The sandwich is ``G/(G-1) * (N-1)/(N-K)`` times the plain cluster sum, with
    ``K`` the slopes plus the year levels (unit effects are nested in the
    clusters, so fixest and reghdfe leave them out of ``K``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> unit, year = np.repeat(np.arange(20), 5), np.tile(np.arange(5), 20)
    >>> x = rng.normal(size=100)
    >>> y = 0.5 * x + 0.1 * unit + 0.2 * year + rng.normal(scale=0.1, size=100)
    >>> fit = twfe_ols(x[:, None], y, unit, year)
    >>> round(float(fit.coef[0]), 2), fit.nobs, fit.n_clusters
    (0.5, 100, 20)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    effects = np.column_stack([_dummies(unit, False), _dummies(year, True)])
    # Slopes in order; a slope that adds no rank to the effects and the slopes
    # before it is collinear (pyfixest drops the same ones).
    kept: list[int] = []
    rank = _rank(effects)
    for j in range(k):
        trial = _rank(np.column_stack([X[:, kept + [j]], effects]))
        if trial > rank:
            kept.append(j)
            rank = trial
    collinear = tuple(j for j in range(k) if j not in kept)
    design = np.column_stack([X[:, kept], effects])
    xtx_inv = np.linalg.inv(design.T @ design)
    beta = xtx_inv @ (design.T @ y)
    resid = y - design @ beta
    _, g_index = np.unique(np.asarray(unit), return_inverse=True)
    n_clusters = int(g_index.max()) + 1
    scores = np.zeros((n_clusters, design.shape[1]))
    np.add.at(scores, g_index, design * resid[:, None])
    bread = xtx_inv[: len(kept)]
    k_fe = len(kept) + len(np.unique(year))
    factor = n_clusters / (n_clusters - 1) * (n - 1) / (n - k_fe)
    vcov = factor * bread @ scores.T @ scores @ bread.T
    se_kept = np.sqrt(np.diag(vcov))
    coef = np.full(k, np.nan)
    se = np.full(k, np.nan)
    coef[kept] = beta[: len(kept)]
    se[kept] = se_kept
    t = coef / se
    df = n_clusters - 1
    p = 2 * stats.t.sf(np.abs(t), df)
    half = stats.t.ppf(0.975, df) * se
    ci = np.column_stack([coef - half, coef + half])
    # Within R-squared: y after both effects, as fixest reports it.
    y_within = y - effects @ np.linalg.lstsq(effects, y, rcond=None)[0]
    ssr = float(resid @ resid)
    r2 = 1 - ssr / float(((y - y.mean()) ** 2).sum())
    ss_within = float(y_within @ y_within)
    r2_within = 1 - ssr / ss_within if ss_within > 0 else math.nan
    return TwfeFit(coef, se, t, p, ci, n, n_clusters, r2, r2_within, design, y, collinear)


def wild_cluster_pvalue(
    X: np.ndarray,
    y: np.ndarray,
    cluster: np.ndarray,
    param: int,
    *,
    reps: int = 9999,
    seed: int = 12345,
    weights_type: str = "rademacher",
) -> tuple[float, float]:
    """Restricted wild cluster bootstrap (WCR-C11) p-value of one OLS coefficient.

    The algorithm and the random draws are those of ``wildboottest``'s
    ``WildboottestCL`` (null imposed, CRV1 small-sample factor
    ``(N-1)/(N-k) * G/(G-1)``, two-tailed p-value ``mean(|t| < |t*|)``,
    every sign pattern enumerated when ``2**G < reps`` with Rademacher
    weights); the bootstrap t statistics are computed here as matrix products
    instead of a numba kernel that ``wildboottest`` compiles afresh on every
    call (about 1 s each, so 20 s for the analysis tables).  The tests check
    the p-values against ``wildboottest`` itself.

    Parameters
    ----------
    X : numpy.ndarray
        Regressors, ``N x k`` (fixed effects as dummy columns).
    y : numpy.ndarray
        Outcome, length ``N``.
    cluster : numpy.ndarray
        Cluster id of each row.
    param : int
        Column of ``X`` tested (null: coefficient 0).
    reps : int
        Bootstrap replications.
    seed : int
        Seed of ``numpy.random.default_rng``.
    weights_type : str
        One of :data:`WILD_WEIGHTS`.

    Returns
    -------
    (float, float)
        The t statistic (CRV1) and the bootstrap p-value.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> g = np.repeat(np.arange(12), 5)
    >>> X = np.column_stack([np.ones(60), rng.normal(size=60)])
    >>> y = 1 + 0.5 * X[:, 1] + rng.normal(size=60)
    >>> t, p = wild_cluster_pvalue(X, y, g, 1, reps=999, seed=3)
    >>> round(t, 2) > 2, p < 0.05
    (True, True)
    """
    from wildboottest.weights import draw_weights

    if weights_type not in WILD_WEIGHTS:
        raise ValueError(f"weights_type must be one of {WILD_WEIGHTS}, got {weights_type!r}")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    _, g_index = np.unique(np.asarray(cluster), return_inverse=True)
    G = int(g_index.max()) + 1
    member = np.zeros((G, n))
    member[g_index, np.arange(n)] = 1.0
    ssc = (n - 1) / (n - k) * G / (G - 1)

    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ (X.T @ y)
    a = xtx_inv[param]  # row of (X'X)^-1 for the tested coefficient
    # Restricted estimate (coefficient `param` set to 0) and its cluster scores.
    beta_r = beta - xtx_inv[:, param] * beta[param] / xtx_inv[param, param]
    scores_r = member @ (X * (y - X @ beta_r)[:, None])  # G x k
    c = scores_r @ a  # each cluster's contribution to the bootstrap numerator
    # h[g, j]: cluster g's share of the score of the bootstrap residual of cluster j.
    w = X @ a
    xg_w = member @ (X * w[:, None])  # G x k: X_g' X_g a
    h = xg_w @ xtx_inv @ scores_r.T  # G x G

    full = weights_type == "rademacher" and 2**G < reps
    draws, _ = draw_weights(
        t="norm" if weights_type == "normal" else weights_type,
        full_enumeration=full, N_G_bootcluster=G, boot_iter=int(reps),
        rng=np.random.default_rng(seed=int(seed)),
    )
    numer = c @ draws
    z = c[:, None] * draws - h @ draws
    t_boot = numer / np.sqrt(ssc * np.einsum("gb,gb->b", z, z))

    resid = y - X @ beta
    meat_a = member @ (w * resid)  # a' X_g' u_g
    t_stat = beta[param] / math.sqrt(ssc * float(meat_a @ meat_a))
    return float(t_stat), float(np.mean(abs(t_stat) < np.abs(t_boot)))
