"""Derive index indicators from raw series, as the spec says.

Each indicator is ``scale * numerator / denominator`` computed cell by cell on
the long raw panel.  A cell is missing when either series is missing (or the
denominator is zero); missing cells stay NaN here and are handed to a
documented missing-data rule (:mod:`gmindex.missing`).

Examples
--------
>>> import pandas as pd
>>> from gmindex.spec import Indicator, Spec
>>> panel = pd.DataFrame({
...     "code": ["11", "11", "12", "12"], "year": [2016] * 4,
...     "indicator": ["energy", "gdp", "energy", "gdp"],
...     "value": [10.0, 100.0, 30.0, 0.0]})
>>> spec = Spec(indicators=(Indicator("ei", "energy", "cost", "energy", "gdp", 10.0),))
>>> derived = derive_indicators(panel, spec, codes=["11", "12"], years=[2016])
>>> derived.values
code  year
11    2016    1.0
12    2016    NaN
Name: ei, dtype: float64
>>> derived.notes
('ei: denominator gdp is 0 in 1 cell(s) (12 2016): left missing',)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from gmindex.spec import Spec

__all__ = ["Derived", "derive_indicators", "series_matrix"]


@dataclass(frozen=True)
class Derived:
    """Derived indicator matrix and what happened on the way.

    Attributes
    ----------
    matrix : DataFrame
        Index (code, year) over every requested unit and year, one column per
        indicator in spec order; NaN where the data do not allow a value.
    notes : tuple of str
        Zero denominators and similar events, one line each.
    """

    matrix: pd.DataFrame
    notes: tuple[str, ...]

    @property
    def values(self):
        """The single column when there is one indicator (handy in examples)."""
        return self.matrix.iloc[:, 0] if self.matrix.shape[1] == 1 else self.matrix


def series_matrix(
    panel: pd.DataFrame, series: Sequence[str], *, codes: Sequence[str], years: Sequence[int]
) -> pd.DataFrame:
    """Wide (code, year) x series matrix over a full grid of units and years.

    Parameters
    ----------
    panel : DataFrame
        Long raw panel (``code, year, indicator, value``), keys unique.
    series : sequence of str
        Raw series ids; they become the columns, in this order.
    codes : sequence of str
        Units of the grid.
    years : sequence of int
        Years of the grid.

    Returns
    -------
    DataFrame
        Index (code, year) over every unit and year, sorted; NaN where the
        panel has no value.
    """
    rows = panel[panel["indicator"].isin(series) & panel["year"].isin(years)]
    rows = rows[rows["code"].isin(codes)]
    grid = pd.MultiIndex.from_product(
        [sorted(map(str, codes)), sorted(int(y) for y in years)], names=["code", "year"]
    )
    wide = rows.pivot(index=["code", "year"], columns="indicator", values="value")
    return wide.reindex(index=grid, columns=list(series)).astype(float)


def derive_indicators(
    panel: pd.DataFrame, spec: Spec, *, codes: Sequence[str], years: Sequence[int]
) -> Derived:
    """Compute every spec indicator for every unit and year.

    Parameters
    ----------
    panel : DataFrame
        Long raw panel (``code, year, indicator, value``) without duplicate
        keys (validate it first).
    spec : Spec
    codes : sequence of str
        Units to compute (all registry units; those without data come out NaN).
    years : sequence of int

    Returns
    -------
    Derived
    """
    raw = series_matrix(panel, spec.series_ids, codes=codes, years=years)
    notes = []
    columns = {}
    for ind in spec.indicators:
        num = raw[ind.numerator]
        if ind.denominator is None:
            columns[ind.id] = ind.scale * num
            continue
        den = raw[ind.denominator]
        zero = den == 0
        if zero.any():
            where = ", ".join(f"{c} {y}" for c, y in den.index[zero])
            notes.append(
                f"{ind.id}: denominator {ind.denominator} is 0 in {int(zero.sum())} "
                f"cell(s) ({where}): left missing"
            )
        columns[ind.id] = ind.scale * num / den.where(~zero, np.nan)
    matrix = pd.DataFrame(columns, index=raw.index)
    return Derived(matrix, tuple(notes))
