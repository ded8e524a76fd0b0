"""Input checks and the per-year loop shared by the decompositions.

Examples
--------
>>> y, g, labels = check_grouped([2.0, 1.0, 4.0], ["b", "a", "b"], None)
>>> labels
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from gmindex._frames import check_scores
from gmindex.provinces import Registry, default_registry
from gmindex.regional import add_region

__all__ = ["by_region_and_year", "check_grouped"]


def check_grouped(
    values, groups, order, *, min_size: int = 2, measure: str = "Gini ratio"
) -> tuple[np.ndarray, np.ndarray, list]:
    """Checked values, group labels and the ordered list of groups present.

    Parameters
    ----------
    values : array-like of shape (n,)
        Non-negative, finite, not all zero.
    groups : array-like of shape (n,)
        Group label of each value; no missing labels.
    order : sequence or None
        Display order of the groups; sorted labels (or first appearance, if
        the labels do not sort) when None.  Labels absent from ``groups`` are
        skipped.
    min_size : int
        Fewest values the measure needs.
    measure : str
        Name of the measure in error messages.

    Returns
    -------
    (values, groups, labels)
        ``values`` as float array, ``groups`` as object array, ``labels`` the
        groups present in display order.

    Raises
    ------
    ValueError
        Wrong shapes, too few, missing, negative or all-zero values, missing
        labels, or labels not in ``order``.
    """
    y = np.asarray(values, dtype=float)
    if y.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {y.shape}")
    g = np.asarray(groups, dtype=object)
    if g.shape != y.shape:
        raise ValueError(f"values ({y.shape[0]}) and groups ({g.shape[0]}) differ in length")
    if y.size < min_size:
        raise ValueError(f"a {measure} needs at least {min_size} value(s)")
    if not np.isfinite(y).all():
        raise ValueError("values contain NaN or infinity; drop or impute them first")
    if (y < 0).any():
        raise ValueError(
            f"values must be non-negative (the {measure} decomposition is defined "
            "for non-negative variables)"
        )
    if y.sum() == 0:
        raise ValueError(f"all values are zero: the {measure} is undefined (0/0)")
    if pd.isna(pd.Series(g)).any():
        raise ValueError("groups contain missing labels")
    present = list(dict.fromkeys(g.tolist()))
    if order is None:
        try:
            labels = sorted(present)
        except TypeError:
            labels = present
    else:
        labels = list(order)
        extra = [x for x in present if x not in labels]
        if extra:
            raise ValueError(f"groups {extra} are not in order={labels}")
        labels = [x for x in labels if x in present]
    return y, g, labels


def by_region_and_year(
    decompose: Callable,
    scores: pd.DataFrame,
    *,
    scheme: str,
    value: str,
    registry: Registry | None,
) -> pd.DataFrame:
    """Decompose ``value`` across the regions of ``scheme``, one year at a time.

    Parameters
    ----------
    decompose : callable
        ``decompose(values, groups, order=...)`` returning a result with a
        ``to_frame()`` method (:func:`~gmindex.disparity.dagum.dagum_gini`,
        :func:`~gmindex.disparity.theil.theil_decomposition`).
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value``.
    scheme : str
        Region scheme of the registry.
    value : str
        Column to decompose.
    registry : Registry or None
        Defaults to the 31 provinces.

    Returns
    -------
    pandas.DataFrame
        The results' ``to_frame()`` stacked by year, with ``scheme, year`` in
        front.  Groups follow the scheme's region order.
    """
    registry = registry or default_registry()
    frame = add_region(check_scores(scores, value=value), scheme=scheme, registry=registry)
    order = registry.region_order(scheme)
    parts = []
    for year, block in frame.groupby("year", sort=True):
        result = decompose(block[value], block["region"], order=order)
        parts.append(result.to_frame().assign(scheme=scheme, year=int(year)))
    out = pd.concat(parts, ignore_index=True)
    return out[["scheme", "year", *out.columns.drop(["scheme", "year"])]]
