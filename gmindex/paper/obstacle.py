"""Obstacle degree (障碍度): which indicators hold a province's score back.

For province-year *i* and indicator *j* with effective weight F_j and
normalised score z_ij in [0, 1], the deviation is I_ij = 1 − z_ij and the
obstacle degree

    O_ij = F_j I_ij / Σ_j F_j I_ij,

so the obstacle degrees of one province-year sum to 1 (or are undefined when
the province scores 1 on every indicator).  A pillar's obstacle degree is the
sum over its indicators.  The diagnosis model is the one used throughout the
Chinese regional literature on green development (e.g. 杨丽 & 孙之淳 2015).

Examples
--------
>>> import numpy as np
>>> obstacle_degree(np.array([[0.0, 1.0], [0.5, 0.5]]), np.array([0.25, 0.75]))
array([[1.  , 0.  ],
       [0.25, 0.75]])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

__all__ = ["ObstacleResult", "obstacle_degree", "obstacles", "top_obstacles"]


def obstacle_degree(z: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Obstacle degrees O_ij of an (n, m) matrix of normalised scores.

    Parameters
    ----------
    z : ndarray, shape (n, m)
        Normalised indicator scores in [0, 1] (1 = best).
    weights : ndarray, shape (m,)
        Effective weights F_j (non-negative; need not sum to 1).

    Returns
    -------
    ndarray, shape (n, m)
        Rows sum to 1; a row with no deviation (all z = 1, or all weight on
        indicators at 1) is NaN: no obstacle is defined there.

    Raises
    ------
    ValueError
        Shapes disagree, a weight is negative, or a score is outside [0, 1].

    Notes
    -----
    I_ij = 1 − z_ij; O_ij = F_j I_ij / Σ_j F_j I_ij.

    Examples
    --------
    >>> obstacle_degree(np.array([[1.0, 1.0]]), np.array([0.5, 0.5]))
    array([[nan, nan]])
    """
    z = np.asarray(z, dtype=float)
    f = np.asarray(weights, dtype=float)
    if z.ndim != 2 or f.shape != (z.shape[1],):
        raise ValueError(f"z must be (n, m) and weights (m,); got {z.shape} and {f.shape}")
    if (f < 0).any():
        raise ValueError("weights must be non-negative")
    if np.nanmin(z) < -1e-12 or np.nanmax(z) > 1 + 1e-12:
        raise ValueError("normalised scores must lie in [0, 1]; clip the normalisation "
                         "(build_index(..., clip=True)) before computing obstacle degrees")
    dev = f * (1.0 - z)
    total = dev.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, dev / np.where(total > 0, total, 1.0), np.nan)


@dataclass(frozen=True)
class ObstacleResult:
    """Obstacle degrees per province-year.

    Attributes
    ----------
    indicators : pandas.DataFrame
        ``code, year, indicator, pillar, weight, deviation, obstacle``.
    pillars : pandas.DataFrame
        ``code, year, pillar, obstacle`` (sum over the pillar's indicators).
    params : dict
        Weight source and notes.
    """

    indicators: pd.DataFrame
    pillars: pd.DataFrame
    params: Mapping[str, Any] = field(default_factory=dict)

    def national(self, *, year: int | None = None, level: str = "indicator") -> pd.DataFrame:
        """Mean obstacle degree over provinces (by year, or one year), largest first."""
        frame = self.indicators if level == "indicator" else self.pillars
        key = "indicator" if level == "indicator" else "pillar"
        if year is not None:
            frame = frame[frame["year"] == int(year)]
        out = frame.groupby(["year", key], sort=True)["obstacle"].mean().reset_index()
        out["rank"] = out.groupby("year")["obstacle"].rank(ascending=False, method="min").astype(int)
        return out.sort_values(["year", "rank", key], ignore_index=True)


def obstacles(result) -> ObstacleResult:
    """Indicator and pillar obstacle degrees of an :class:`~gmindex.index.IndexResult`.

    Parameters
    ----------
    result : IndexResult
        A flat-weighted index (one weight per indicator); ``result.normalized``
        holds z_ij and ``result.weights`` the effective weights F_j.

    Returns
    -------
    ObstacleResult

    Raises
    ------
    ValueError
        The weights vary by year (``reference="per_year"``) or are missing
        for an indicator.

    Examples
    --------
    >>> from gmindex.datasets import load_inputs
    >>> from gmindex.index import build_index
    >>> res = obstacles(build_index(*load_inputs()))
    >>> totals = res.indicators.groupby(["code", "year"])["obstacle"].sum()
    >>> bool(np.allclose(totals, 1.0))
    True
    """
    w = result.weights
    if "year" in w.columns or w["indicator"].duplicated().any():
        raise ValueError("obstacle degrees need one weight per indicator; this result has "
                         "per-year weights: rebuild with pooled weights")
    pillar_of = {i.id: i.pillar for i in result.spec.indicators}
    weight = w.set_index("indicator")["weight"]
    z = result.normalized.pivot(index=["code", "year"], columns="indicator", values="value")
    missing = [c for c in z.columns if c not in weight.index]
    if missing:
        raise ValueError(f"no weight for indicator(s) {missing} in result.weights")
    f = weight.reindex(z.columns).to_numpy(dtype=float)
    o = obstacle_degree(z.to_numpy(dtype=float), f)
    long = pd.DataFrame(o, index=z.index, columns=z.columns).stack().rename("obstacle").reset_index()
    dev = (1 - z).stack().rename("deviation").reset_index()
    long = long.merge(dev, on=["code", "year", "indicator"])
    long["weight"] = long["indicator"].map(weight)
    long["pillar"] = long["indicator"].map(pillar_of)
    long = long[["code", "year", "indicator", "pillar", "weight", "deviation", "obstacle"]]
    long = long.sort_values(["code", "year", "indicator"], ignore_index=True)
    pillars = (long.groupby(["code", "year", "pillar"], sort=True)["obstacle"].sum()
               .reset_index())
    return ObstacleResult(long, pillars, {"weights": "result.weights (effective, pooled)",
                                          "deviation": "1 - normalised score"})


def top_obstacles(res: ObstacleResult, *, year: int, k: int = 3, level: str = "indicator",
                  registry=None, lang: str = "en") -> pd.DataFrame:
    """The paper table: the ``k`` largest obstacles of each province in one year.

    Returns
    -------
    pandas.DataFrame
        One row per province: ``code, name, obstacle_1, degree_1, ...``
        (degrees in %).

    Examples
    --------
    >>> from gmindex.datasets import load_inputs
    >>> from gmindex.index import build_index
    >>> t = top_obstacles(obstacles(build_index(*load_inputs())), year=2020, k=2)
    >>> t.columns.tolist()
    ['code', 'name', 'obstacle_1', 'degree_1', 'obstacle_2', 'degree_2']
    """
    from gmindex.provinces import default_registry

    reg = registry or default_registry()
    frame = res.indicators if level == "indicator" else res.pillars
    key = "indicator" if level == "indicator" else "pillar"
    frame = frame[frame["year"] == int(year)]
    if frame.empty:
        raise ValueError(f"no obstacle degrees for year {year}")
    rows = []
    for code, part in frame.groupby("code", sort=True):
        part = part.sort_values(["obstacle", key], ascending=[False, True]).head(k)
        row: dict[str, Any] = {"code": code,
                               "name": reg.label(code, lang) if code in reg else code}
        for j, (_, r) in enumerate(part.iterrows(), start=1):
            row[f"obstacle_{j}"] = r[key]
            row[f"degree_{j}"] = round(100 * float(r["obstacle"]), 2)
        rows.append(row)
    return pd.DataFrame(rows)
