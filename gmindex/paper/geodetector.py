"""Geographical detector (地理探测器): factor detector q statistic with its F test.

A factor X is discretised into L strata h = 1 … L; the share of the variance of
Y explained by the strata is

    q = 1 − Σ_h N_h σ_h² / (N σ²),

(σ² population variances), which is the one-way ANOVA η².  Under H0 (no
stratified heterogeneity) F = (N − L)/(L − 1) · q / (1 − q) follows a
non-central F(L − 1, N − L; λ) with
λ = [Σ_h ȳ_h² − (Σ_h √N_h ȳ_h)² / N] / σ² (Wang, Zhang & Fu 2016), the test the
R package GD and the Excel GeoDetector report.

q depends on the discretisation (number of classes, rule): it is recorded
with every result, and :func:`factor_detector` can be run over several.

Caveat: a factor that is itself an index component (R&D intensity,
environmental spending share in the default index) explains the score by
construction, not as a driver; such factors are flagged.

References
----------
Wang, J.-F., Li, X.-H., Christakos, G., et al. (2010). Geographical detectors-based
health risk assessment. IJGIS 24(1): 107–127.
Wang, J.-F., Zhang, T.-L., Fu, B.-J. (2016). A measure of spatial stratified
heterogeneity. Ecological Indicators 67: 250–256.
王劲峰, 徐成东 (2017). 地理探测器: 原理与展望. 地理学报 72(1): 116–134.

Examples
--------
>>> import numpy as np
>>> q, f, p = q_statistic(np.array([1.0, 1.0, 3.0, 3.0]), np.array([0, 0, 1, 1]))
>>> q
1.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["DISCRETISATIONS", "GeodetectorResult", "discretise", "factor_detector", "q_statistic"]

#: Discretisation rules -> mapclassify classifier.
DISCRETISATIONS = ("quantiles", "equal_interval", "natural_breaks")


def q_statistic(y: np.ndarray, strata: np.ndarray) -> tuple[float, float, float]:
    """q, F and the non-central F p-value of one stratification.

    Parameters
    ----------
    y : ndarray, shape (N,)
    strata : ndarray, shape (N,)
        Stratum label of each observation (at least two strata).

    Returns
    -------
    (q, F, p_value)

    Raises
    ------
    ValueError
        Lengths differ, NaN in y, fewer than two strata, or y constant.

    Examples
    --------
    >>> y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    >>> q, f, p = q_statistic(y, np.array([0, 0, 0, 1, 1, 1]))
    >>> round(q, 4)   # 1 - (3*2/3 + 3*2/3) / (6*35/12)
    0.7714
    """
    from scipy import stats

    y = np.asarray(y, dtype=float)
    s = np.asarray(strata)
    if y.shape != s.shape or y.ndim != 1:
        raise ValueError(f"y and strata must be 1-D of equal length; got {y.shape} and {s.shape}")
    if np.isnan(y).any():
        raise ValueError("y has NaN; drop those observations explicitly first")
    labels, inv = np.unique(s, return_inverse=True)
    n, big_l = len(y), len(labels)
    if big_l < 2:
        raise ValueError("need at least two strata")
    var = y.var()
    if var == 0:
        raise ValueError("y is constant: q is undefined")
    nh = np.bincount(inv)
    mean_h = np.bincount(inv, weights=y) / nh
    ssw = np.sum((y - mean_h[inv]) ** 2)  # = Σ N_h σ_h²
    q = float(1 - ssw / (n * var))
    if n <= big_l:
        return q, np.nan, np.nan
    f = (n - big_l) / (big_l - 1) * q / (1 - q) if q < 1 else np.inf
    lam = (np.sum(mean_h ** 2) - np.sum(np.sqrt(nh) * mean_h) ** 2 / n) / var
    p = float(stats.ncf.sf(f, big_l - 1, n - big_l, max(lam, 0.0))) if np.isfinite(f) else 0.0
    return q, float(f), p


def discretise(x: np.ndarray, *, method: str = "quantiles", k: int = 5) -> np.ndarray:
    """Stratum (0 … k−1) of each value by a mapclassify rule.

    Examples
    --------
    >>> discretise(np.arange(10.0), k=2).tolist()
    [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    """
    from gmindex import _mapclassify

    mapclassify = _mapclassify.load()

    # Natural breaks are Fisher-Jenks (the exact optimum), as on the maps:
    # mapclassify.NaturalBreaks is k-means from random starts and changed q
    # and its p-value from one run to the next.
    rules = {"quantiles": mapclassify.Quantiles, "equal_interval": mapclassify.EqualInterval,
             "natural_breaks": mapclassify.FisherJenks}
    if method not in rules:
        raise ValueError(f"unknown discretisation {method!r}; choose from {DISCRETISATIONS}")
    x = np.asarray(x, dtype=float)
    return np.asarray(rules[method](x, k=k).yb, dtype=int)


@dataclass(frozen=True)
class GeodetectorResult:
    """Factor detector results.

    Attributes
    ----------
    table : pandas.DataFrame
        ``factor, method, k, strata, n, q, F, p_value, index_component``.
    params : dict
        Year(s), discretisation rules, value column.
    """

    table: pd.DataFrame
    params: Mapping[str, Any] = field(default_factory=dict)


def factor_detector(scores: pd.DataFrame, factors: pd.DataFrame, *, value: str = "score",
                    years: Sequence[int] | None = None, methods: Sequence[str] = ("quantiles",),
                    ks: Sequence[int] = (4, 5), spec=None) -> GeodetectorResult:
    """q statistic of each factor for the score, over one or more discretisations.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``code, year`` and ``value``.
    factors : pandas.DataFrame
        ``code, year`` and one column per factor (e.g.
        :func:`gmindex.regress.covariates_from_panel`).
    years : sequence of int, optional
        Pool these years (default all; one row per unit-year).  Each
        factor is discretised on the pooled values.
    methods, ks : sequences
        Discretisation rules (:data:`DISCRETISATIONS`) and class counts; every
        combination is reported.
    spec : Spec, optional
        Flags factors that are index components
        (:func:`gmindex.regress.index_components`).

    Returns
    -------
    GeodetectorResult

    Raises
    ------
    ValueError
        A factor column is missing.  Unit-years where a factor is NaN are left
        out of that factor's q and counted in ``n``.

    Examples
    --------
    >>> from gmindex.datasets import load_inputs
    >>> from gmindex.index import build_index
    >>> from gmindex.regress import covariates_from_panel
    >>> res = build_index(*load_inputs())
    >>> gd = factor_detector(res.scores, covariates_from_panel(res.panel), years=[2020], ks=[5])
    >>> bool(gd.table["q"].between(0, 1).all())
    True
    """
    cols = [c for c in factors.columns if c not in ("code", "year")]
    data = scores[["code", "year", value]].merge(factors, on=["code", "year"], how="left")
    if years is not None:
        data = data[data["year"].isin(list(years))]
    components: dict = {}
    if spec is not None:
        from gmindex.regress import index_components

        components = index_components(cols, spec)
    rows = []
    for c in cols:
        part = data[[value, c]].dropna()
        for method in methods:
            for k in ks:
                strata = discretise(part[c].to_numpy(), method=method, k=k)
                q, f, p = q_statistic(part[value].to_numpy(dtype=float), strata)
                rows.append({"factor": c, "method": method, "k": int(k),
                             "strata": int(len(np.unique(strata))), "n": int(len(part)),
                             "q": q, "F": f, "p_value": p,
                             "index_component": ", ".join(components.get(c, []))})
    params = {"value": value, "years": sorted(int(y) for y in data["year"].unique()),
              "methods": list(methods), "ks": [int(k) for k in ks],
              "test": "non-central F (Wang, Zhang & Fu 2016)",
              "caveat": "index components explain the score by construction, not as drivers"}
    return GeodetectorResult(pd.DataFrame(rows), params)
