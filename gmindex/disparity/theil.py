"""Theil T index and its exact between/within-group decomposition.

For non-negative values ``y_1..y_n`` with mean ``mu``::

    T = (1/n) sum_i (y_i / mu) ln(y_i / mu)

For groups g with ``n_g`` units, value share ``s_g = sum_{i in g} y_i / sum_i y_i``
and population share ``p_g = n_g / n``::

    T = sum_g s_g T_g  +  sum_g s_g ln(s_g / p_g)
        (within)          (between)

Zeros.  A value of exactly zero contributes ``0 * ln 0 = 0`` (the limit of
``x ln x`` as ``x -> 0``), and a group whose values are all zero contributes
nothing to either part.  Nothing is added to the data (PySAL's
``inequality.theil`` replaces zeros by a tiny constant without saying so); the
number of zeros is reported in :attr:`TheilResult.n_zero` and ``notes``.

References
----------
Theil, H. (1967). *Economics and Information Theory*. North-Holland. [theil1967]
Shorrocks, A. F. (1980). The class of additively decomposable inequality
measures. *Econometrica* 48(3), 613-625. [shorrocks1980]

Examples
--------
>>> r = theil_decomposition([0, 0, 10, 10], ["a", "a", "b", "b"])
>>> round(r.total, 6), round(r.between, 6), round(r.within, 6), r.n_zero
(0.693147, 0.693147, 0.0, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gmindex.disparity._common import by_region_and_year, check_grouped
from gmindex.provinces import Registry

__all__ = ["TheilResult", "theil", "theil_by_year", "theil_decomposition"]


def _xlogx_ratio(y: np.ndarray, ref: float) -> np.ndarray:
    """Elementwise ``(y/ref) ln(y/ref)`` with the limit 0 at ``y = 0``."""
    ratio = y / ref
    out = np.zeros_like(ratio)
    pos = ratio > 0
    out[pos] = ratio[pos] * np.log(ratio[pos])
    return out


def _check_values(values) -> np.ndarray:
    y = np.asarray(values, dtype=float)
    if y.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {y.shape}")
    if y.size == 0:
        raise ValueError("no values given")
    if not np.isfinite(y).all():
        raise ValueError("values contain NaN or infinity; drop or impute them first")
    if (y < 0).any():
        raise ValueError("the Theil index needs non-negative values")
    if y.sum() == 0:
        raise ValueError("all values are zero: the Theil index is undefined (0/0)")
    return y


def theil(values: Sequence[float] | np.ndarray | pd.Series) -> float:
    """Theil T index of non-negative values.

    Parameters
    ----------
    values : array-like of shape (n,)
        Non-negative, not all zero, no NaN.  Zeros enter through the limit
        ``0 ln 0 = 0``; nothing is added to the data.

    Returns
    -------
    float
        ``T`` in ``[0, ln n]``: 0 when all values are equal, ``ln n`` when one
        unit holds everything.

    Examples
    --------
    >>> theil([1, 1, 1, 1])
    0.0
    >>> round(theil([0, 0, 0, 5]), 6)  # ln 4
    1.386294
    """
    y = _check_values(values)
    return float(_xlogx_ratio(y, y.mean()).mean())


@dataclass(frozen=True)
class TheilResult:
    """Theil T index split into between- and within-group parts.

    Attributes
    ----------
    total : float
        Theil T of all values.
    between : float
        ``sum_g s_g ln(s_g / p_g)``.
    within : float
        ``sum_g s_g T_g``; ``between + within == total``.
    shares : pandas.Series
        ``between`` and ``within`` as fractions of ``total`` (NaN if it is 0).
    groups : pandas.DataFrame
        Per group: ``n, mean, population_share, value_share, theil,
        within_contribution, between_contribution``.
    n_zero : int
        Number of values exactly zero (handled by the limit ``0 ln 0 = 0``).
    notes : tuple of str
        Conventions applied (zeros, all-zero groups, all values equal).
    """

    total: float
    between: float
    within: float
    shares: pd.Series
    groups: pd.DataFrame
    n_zero: int = 0
    notes: tuple[str, ...] = ()

    @property
    def within_by_group(self) -> pd.Series:
        """Theil T inside each group (``T_g``): the ``theil`` column of :attr:`groups`."""
        return self.groups["theil"]

    def to_frame(self) -> pd.DataFrame:
        """Tidy long table ``level, group, measure, value``.

        ``level`` is ``"overall"`` (total, between, within, between_share,
        within_share, n_zero) or ``"group"`` (the columns of :attr:`groups`).
        """
        rows: list[tuple] = [
            ("overall", None, "total", self.total),
            ("overall", None, "between", self.between),
            ("overall", None, "within", self.within),
            ("overall", None, "between_share", self.shares["between"]),
            ("overall", None, "within_share", self.shares["within"]),
            ("overall", None, "n_zero", float(self.n_zero)),
        ]
        for g, row in self.groups.iterrows():
            rows += [("group", g, m, float(v)) for m, v in row.items()]
        out = pd.DataFrame(rows, columns=["level", "group", "measure", "value"])
        out["value"] = out["value"].astype(float)
        return out

    def _repr_html_(self) -> str:
        return (
            f"<b>Theil T = {self.total:.4f}</b> (between {self.between:.4f}, "
            f"within {self.within:.4f}; {self.n_zero} zero value(s))"
            + self.groups.to_html(float_format="{:.4f}".format)
        )

    def __repr__(self) -> str:
        return (
            f"TheilResult(total={self.total:.4f}, between={self.between:.4f}, "
            f"within={self.within:.4f}, groups={len(self.groups)}, n_zero={self.n_zero})"
        )


def theil_decomposition(
    values: Sequence[float] | np.ndarray | pd.Series,
    groups: Sequence | np.ndarray | pd.Series,
    *,
    order: Sequence | None = None,
) -> TheilResult:
    """Theil T index decomposed into between- and within-group inequality.

    Parameters
    ----------
    values : array-like of shape (n,)
        Non-negative values, not all zero.
    groups : array-like of shape (n,)
        Group label of each value.
    order : sequence, optional
        Display order of groups; sorted labels by default.

    Returns
    -------
    TheilResult

    Notes
    -----
    Agrees with PySAL's ``inequality.theil.TheilD`` on positive data.  With
    zeros, PySAL replaces each zero by the smallest positive float; here the
    exact limit is used and the zeros are counted in ``n_zero``.

    Examples
    --------
    >>> r = theil_decomposition([1, 3, 2, 6], ["a", "a", "b", "b"])
    >>> round(r.total, 4), round(r.between + r.within, 4)
    (0.1874, 0.1874)
    >>> r.groups[["n", "value_share", "theil"]].round(4).reset_index()
      group  n  value_share   theil
    0     a  2       0.3333  0.1308
    1     b  2       0.6667  0.1308
    """
    _check_values(values)  # first, for the Theil-specific messages
    y, g, labels = check_grouped(values, groups, order, min_size=1, measure="Theil index")
    n = y.size
    total_sum = y.sum()
    notes: list[str] = []
    n_zero = int((y == 0).sum())
    if n_zero:
        notes.append(f"{n_zero} value(s) are exactly zero: counted with 0 ln 0 = 0")

    table = []
    for lab in labels:
        yg = y[g == lab]
        ng = yg.size
        share = yg.sum() / total_sum
        pop = ng / n
        if yg.sum() > 0:
            t_g = float(_xlogx_ratio(yg, yg.mean()).mean())
            between_part = share * np.log(share / pop)
        else:
            t_g, between_part = 0.0, 0.0
            notes.append(f"group {lab!r} is all zero: its Theil index set to 0")
        table.append(
            {
                "group": lab,
                "n": ng,
                "mean": yg.mean(),
                "population_share": pop,
                "value_share": share,
                "theil": t_g,
                "within_contribution": share * t_g,
                "between_contribution": between_part,
            }
        )
    groups_df = pd.DataFrame(table).set_index("group")
    total = float(_xlogx_ratio(y, y.mean()).mean())
    between = float(groups_df["between_contribution"].sum())
    within = float(groups_df["within_contribution"].sum())
    parts = pd.Series({"between": between, "within": within}, name="share")
    if total > 0:
        shares = parts / total
    else:
        shares = parts * np.nan
        notes.append("all values are equal: total Theil is 0 and shares are undefined")
    return TheilResult(
        total=total,
        between=between,
        within=within,
        shares=shares,
        groups=groups_df,
        n_zero=n_zero,
        notes=tuple(notes),
    )


def theil_by_year(
    scores: pd.DataFrame,
    *,
    scheme: str = "region4",
    value: str = "score",
    registry: Registry | None = None,
) -> pd.DataFrame:
    """Theil decomposition across regions, one per year.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value``.
    scheme : str
        Region scheme, ``"region4"`` (default) or ``"region3"``.
    value : str
        Column to decompose.
    registry : Registry, optional
        Defaults to the 31 provinces.

    Returns
    -------
    pandas.DataFrame
        :meth:`TheilResult.to_frame` for each year, with ``scheme, year`` in
        front: ``scheme, year, level, group, measure, value``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"code": ["11", "12", "14", "15"], "year": 2020,
    ...                   "score": [0.0, 0.0, 0.5, 0.5]})
    >>> t = theil_by_year(s, scheme="region3")
    >>> t[t["level"] == "overall"][["year", "measure", "value"]].round(4)
       year        measure   value
    0  2020          total  0.6931
    1  2020        between  0.6931
    2  2020         within  0.0000
    3  2020  between_share  1.0000
    4  2020   within_share  0.0000
    5  2020         n_zero  2.0000
    """
    return by_region_and_year(
        theil_decomposition, scores, scheme=scheme, value=value, registry=registry
    )
