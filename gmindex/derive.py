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

``transform = "log1p"`` takes ``log(1 + value)`` after scaling, so that a few
units far above the rest (a handful of listed firms on a small industrial
base) do not stretch the min-max range:

>>> spec = Spec(indicators=(Indicator("ei", "energy", "cost", "energy", "gdp", 10.0,
...                                   transform="log1p"),))
>>> round(float(derive_indicators(panel, spec, codes=["11"], years=[2016]).values.iloc[0]), 6)
0.693147

``deflate = "denominator"`` divides the denominator by the spec's implicit
deflator (:mod:`gmindex.deflate`) before the ratio, putting it in constant
base-year prices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from gmindex.deflate import implicit_deflator
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
    deflator = _deflator(panel, spec, raw.index, notes)
    columns = {}
    for ind in spec.indicators:
        num = raw[ind.numerator]
        if ind.deflate in ("numerator", "both"):
            num = num / deflator
        if ind.denominator is None:
            columns[ind.id] = _transform(ind.scale * num, ind.transform)
            continue
        den = raw[ind.denominator]
        if ind.deflate in ("denominator", "both"):
            den = den / deflator
        zero = den == 0
        if zero.any():
            where = ", ".join(f"{c} {y}" for c, y in den.index[zero])
            notes.append(
                f"{ind.id}: denominator {ind.denominator} is 0 in {int(zero.sum())} "
                f"cell(s) ({where}): left missing"
            )
        columns[ind.id] = _transform(ind.scale * num / den.where(~zero, np.nan), ind.transform)
    matrix = pd.DataFrame(columns, index=raw.index)
    return Derived(matrix, tuple(notes))


#: Indicator transforms by name (``transform`` key of ``[[indicator]]``).
TRANSFORM_FUNCS = {
    "none": lambda x: x,
    # log(1 + x): keeps 0 at 0 (the 2016 structural zero of the MIIT lists)
    "log1p": np.log1p,
}


def _transform(values: pd.Series, name: str) -> pd.Series:
    return TRANSFORM_FUNCS[name](values)


def _deflator(panel: pd.DataFrame, spec: Spec, grid: pd.MultiIndex, notes: list) -> pd.Series | None:
    """Implicit deflator on the (code, year) grid, when an indicator asks for one."""
    if not spec.deflator or all(ind.deflate == "none" for ind in spec.indicators):
        return None
    cfg = spec.deflator
    years = sorted(set(grid.get_level_values("year")))
    d = implicit_deflator(panel, nominal=cfg["nominal"], growth_index=cfg["growth_index"],
                          base_year=int(cfg["base_year"]), years=years)
    notes.extend(f"deflator: {n}" for n in d.notes)
    return d.series().reindex(grid)
