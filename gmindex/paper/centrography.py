"""Score-weighted centre of gravity and standard deviational ellipse (SDE).

Provinces are points at the centroids of their polygons in the Albers
equal-area projection of :mod:`gmindex.boundaries` (metres), never in degrees:
a degree of longitude is about 20 % shorter in Heilongjiang than in Hainan.
With weights w_i (the score of province i in a year):

- centre of gravity X̄ = Σ w_i x_i / Σ w_i, Ȳ likewise;
- SDE (Yuill 1971, weighted): with x'_i = x_i − X̄, y'_i = y_i − Ȳ the weighted
  covariance matrix Σ = Σ_i w_i (x'_i, y'_i)ᵀ(x'_i, y'_i) / Σ w_i; the semi-axes are
  the square roots of its eigenvalues (one standard deviation along each
  principal axis; no √2 or degrees-of-freedom correction) and the rotation
  is the azimuth of the major axis, clockwise from north in [0°, 180°).

``pointpats.centrography`` gives the unweighted references (mean centre,
ellipse with ``method="yuill"`` and both corrections off); its newer
versions also take weights, which the tests use as a cross-check.

References
----------
Yuill, R. S. (1971). The standard deviational ellipse: an updated tool for spatial
description. Geografiska Annaler B 53(1): 28–39.

Examples
--------
>>> import numpy as np
>>> c = weighted_centre(np.array([[0.0, 0.0], [2.0, 0.0]]), np.array([1.0, 3.0]))
>>> c.tolist()
[1.5, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

__all__ = ["CentrographyResult", "centroids", "deviational_ellipse", "gravity_centres",
           "weighted_centre"]


def weighted_centre(xy: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean centre of points (n, 2).

    Raises
    ------
    ValueError
        Negative weights or all weights zero.
    """
    xy = np.asarray(xy, dtype=float)
    w = np.asarray(weights, dtype=float)
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    return w @ xy / w.sum()


def deviational_ellipse(xy: np.ndarray, weights: np.ndarray | None = None
                        ) -> tuple[float, float, float]:
    """Weighted standard deviational ellipse: (sigma_major, sigma_minor, azimuth in degrees).

    Examples
    --------
    >>> xy = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, -1.0], [0.0, 1.0]])
    >>> a, b, rot = deviational_ellipse(xy)
    >>> round(a, 4), round(b, 4), rot   # major axis east-west: azimuth 90
    (1.4142, 0.7071, 90.0)
    """
    xy = np.asarray(xy, dtype=float)
    w = np.ones(len(xy)) if weights is None else np.asarray(weights, dtype=float)
    c = weighted_centre(xy, w)
    d = xy - c
    cov = (d * w[:, None]).T @ d / w.sum()
    vals, vecs = np.linalg.eigh(cov)  # ascending
    major = vecs[:, 1]
    azimuth = float(np.degrees(np.arctan2(major[0], major[1])) % 180.0)
    return float(np.sqrt(max(vals[1], 0))), float(np.sqrt(max(vals[0], 0))), azimuth


def centroids(codes=None) -> pd.DataFrame:
    """Albers equal-area centroids of the province polygons: ``code, x, y`` (metres)."""
    from gmindex.boundaries import province_boundaries

    b = province_boundaries(crs="albers")
    out = pd.DataFrame({"code": b["code"].to_numpy(), "x": b.geometry.centroid.x.to_numpy(),
                        "y": b.geometry.centroid.y.to_numpy()})
    if codes is not None:
        missing = sorted(set(codes) - set(out["code"]))
        if missing:
            raise ValueError(f"no boundary polygon for codes {missing}")
        out = out[out["code"].isin(list(codes))]
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class CentrographyResult:
    """Centre of gravity and ellipse per year.

    Attributes
    ----------
    table : pandas.DataFrame
        ``year, x, y, lon, lat, sigma_major_km, sigma_minor_km, azimuth_deg,
        area_km2, shift_km, shift_azimuth_deg`` (shift from the previous year).
    params : dict
    """

    table: pd.DataFrame
    params: Mapping[str, Any] = field(default_factory=dict)


def gravity_centres(scores: pd.DataFrame, *, value: str = "score") -> CentrographyResult:
    """Score-weighted centre of gravity and SDE of every year.

    Examples
    --------
    >>> from gmindex.datasets import load_inputs
    >>> from gmindex.index import build_index
    >>> t = gravity_centres(build_index(*load_inputs()).scores).table
    >>> bool(t["lon"].between(100, 125).all())
    True
    """
    from pyproj import Transformer

    from gmindex.boundaries import ALBERS_CHINA

    pts = centroids(sorted(scores["code"].unique())).set_index("code")
    back = Transformer.from_crs(ALBERS_CHINA, "EPSG:4326", always_xy=True)
    rows = []
    for year, part in scores.groupby("year", sort=True):
        part = part.dropna(subset=[value])
        xy = pts.loc[part["code"], ["x", "y"]].to_numpy()
        w = part[value].to_numpy(dtype=float)
        cx, cy = weighted_centre(xy, w)
        a, b, rot = deviational_ellipse(xy, w)
        lon, lat = back.transform(cx, cy)
        rows.append({"year": int(year), "n": len(part), "x": cx, "y": cy, "lon": lon, "lat": lat,
                     "sigma_major_km": a / 1000, "sigma_minor_km": b / 1000, "azimuth_deg": rot,
                     "area_km2": np.pi * a * b / 1e6})
    t = pd.DataFrame(rows)
    dx, dy = t["x"].diff(), t["y"].diff()
    t["shift_km"] = np.hypot(dx, dy) / 1000
    t["shift_azimuth_deg"] = np.degrees(np.arctan2(dx, dy)) % 360
    return CentrographyResult(t, {"points": "polygon centroids, Albers equal-area (metres)",
                                  "weights": value, "ellipse": "Yuill 1971, one s.d., no correction"})
