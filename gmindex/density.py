"""Kernel density estimates of scores by group (year, region and year, ...).

The output is a tidy frame ready for ``seaborn.lineplot(data=..., x="x",
y="density", hue="year")``: every group is evaluated on one shared grid so curves
compare directly.

Examples
--------
>>> import pandas as pd
>>> s = pd.DataFrame({"code": ["11", "12", "13", "14"], "year": 2016,
...                   "score": [0.2, 0.4, 0.5, 0.9]})
>>> d = kde_by_group(s, grid=5)
>>> list(d.columns)
['year', 'x', 'density', 'n', 'bandwidth', 'flagged']
>>> len(d)
5
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import gaussian_kde

from gmindex._frames import check_scores, region_rank
from gmindex.provinces import default_registry
from gmindex.regional import add_region

__all__ = ["kde_by_group"]

#: Fewer distinct values than this and a group gets no density (flagged instead).
MIN_DISTINCT = 3


def kde_by_group(
    scores: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("year",),
    value: str = "score",
    grid: int | Sequence[float] | np.ndarray = 200,
    bw_method: str | float = "scott",
    cut: float = 3.0,
    clip: tuple[float, float] | None = None,
    scheme: str = "region4",
    registry=None,
) -> pd.DataFrame:
    """Gaussian kernel density of ``value`` for each group, on a common grid.

    Parameters
    ----------
    scores : pandas.DataFrame
        Score frame (``code, year, score``) or any frame holding ``value`` and
        the ``by`` columns.
    by : str or sequence of str
        Grouping columns, e.g. ``("year",)`` or ``("region", "year")``.  If
        ``"region"`` is asked for and absent, it is looked up from ``code`` with
        ``scheme`` and ``registry``.
    value : str
        Column to estimate the density of.
    grid : int or array-like
        Number of evenly spaced points, or the evaluation points themselves.
    bw_method : {"scott", "silverman"} or float
        Passed to :class:`scipy.stats.gaussian_kde` (a float is the factor that
        multiplies each group's standard deviation).
    cut : float
        With an integer ``grid``, the grid extends ``cut`` times the largest
        kernel bandwidth beyond the pooled data range (as seaborn does).
    clip : (float, float), optional
        Limit the grid to this interval, e.g. ``(0, 1)`` for scores; the
        density is not renormalised, so mass beyond the bounds is cut off.
    scheme : str
        Region scheme used when ``"region"`` is looked up.
    registry : Registry, optional
        Defaults to the 31 provinces.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``x``, ``density``, ``n`` (values in the
        group), ``bandwidth`` (kernel standard deviation) and ``flagged``.
        Groups with fewer than 3 distinct values keep their grid rows with
        ``density`` NaN and ``flagged`` True, and a warning names them.  Groups
        are ordered by region display order (if grouped by region), then by
        the other keys.

    Raises
    ------
    ValueError
        Missing columns, or missing or infinite values.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"code": ["11", "12", "13", "14", "41"],
    ...                   "year": 2020, "score": [0.7, 0.6, 0.4, 0.3, 0.35]})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     d = kde_by_group(s, by=("region", "year"), grid=50, clip=(0, 1))
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    fewer than 3 distinct values in group(s) [('central', 2020)] of ['region', 'year']: ...
    >>> d.groupby("region", sort=False)[["n", "flagged"]].first().reset_index()
        region  n  flagged
    0     east  3    False
    1  central  2     True
    >>> float(d["x"].min()), float(d["x"].max())
    (0.0, 1.0)
    """
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise ValueError("by= needs at least one grouping column, e.g. ('year',)")
    frame = scores
    if "region" in by and "region" not in frame.columns:
        registry = registry or default_registry()
        frame = add_region(frame, scheme=scheme, registry=registry)
    missing = [c for c in [*by, value] if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks column(s) {missing}; it has {list(frame.columns)}")
    values = check_scores(frame, value=value, keys=(), what="the density estimate")[value]
    frame = frame[by].assign(_v=values.to_numpy())

    groups = []
    for key, block in frame.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        vals = block["_v"].to_numpy()
        kde = None
        if np.unique(vals).size >= MIN_DISTINCT:
            kde = gaussian_kde(vals, bw_method=bw_method)
        groups.append((key, vals, kde))
    if "region" in by:
        order = (registry or default_registry()).region_order(scheme)
        pos = by.index("region")
        rank = region_rank(pd.Series([k[pos] for k, _, _ in groups]), order)
        rank = rank.fillna(len(order) + 1).tolist()
        groups = [g for _, g in sorted(zip(rank, groups), key=lambda t: t[0])]

    if np.ndim(grid) == 0:
        points = int(grid)
        if points < 2:
            raise ValueError("grid needs at least 2 points")
        widths = [np.sqrt(k.covariance[0, 0]) for _, _, k in groups if k is not None]
        pad = cut * max(widths, default=0.0)
        lo, hi = frame["_v"].min() - pad, frame["_v"].max() + pad
        if clip is not None:
            lo, hi = max(lo, clip[0]), min(hi, clip[1])
        x = np.linspace(lo, hi, points)
    else:
        x = np.asarray(grid, dtype=float)
        if clip is not None:
            x = x[(x >= clip[0]) & (x <= clip[1])]

    parts, flagged = [], []
    for key, vals, kde in groups:
        part = pd.DataFrame({col: [k] * x.size for col, k in zip(by, key)})
        part["x"] = x
        if kde is None:
            flagged.append(key if len(key) > 1 else key[0])
            part["density"] = np.nan
            part["bandwidth"] = np.nan
        else:
            part["density"] = kde(x)
            part["bandwidth"] = float(np.sqrt(kde.covariance[0, 0]))
        part["n"] = vals.size
        part["flagged"] = kde is None
        parts.append(part)
    if flagged:
        warnings.warn(
            f"fewer than {MIN_DISTINCT} distinct values in group(s) {flagged} of {by}: "
            "no density estimated (rows kept with density NaN, flagged=True)",
            stacklevel=2,
        )
    out = pd.concat(parts, ignore_index=True)
    return out[[*by, "x", "density", "n", "bandwidth", "flagged"]]
