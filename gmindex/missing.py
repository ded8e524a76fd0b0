"""Missing-data rules: every missing cell is decided by a named, recorded rule.

Rules (``[index] missing`` in the spec, or ``missing=`` in ``build_index``):

``"drop_unit"``
    drop every unit (province) with any missing cell (default; Tibet in the
    default index, which lacks energy, industrial value added and SO2);
``"drop_indicator"``
    drop every indicator with any missing cell;
``"fail"``
    raise, listing the cells;
``"impute"``
    fill with an explicit method: ``"linear"`` (within a unit across years,
    interior gaps only), ``"unit_mean"`` (the unit's mean over the other
    years) or ``"year_mean"`` (the cross-section mean of that year).  Cells
    that the method cannot fill raise an error.

Units with no data at all for the index are always dropped (there is nothing
to impute from) and listed as such.

Examples
--------
>>> import numpy as np, pandas as pd
>>> idx = pd.MultiIndex.from_product([["11", "54"], [2016, 2017]], names=["code", "year"])
>>> m = pd.DataFrame({"a": [1.0, 2.0, np.nan, np.nan], "b": [3.0, 4.0, 5.0, np.nan]}, index=idx)
>>> out = apply_missing_rule(m, rule="drop_unit")
>>> out.matrix.index.get_level_values("code").unique().tolist()
['11']
>>> out.dropped_units
{'54': 'missing in 3 cell(s): a 2016, a 2017, b 2017'}
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gmindex.spec import IMPUTE_METHODS, MISSING_RULES

__all__ = ["MissingDataError", "MissingOutcome", "apply_missing_rule", "missing_cells"]


class MissingDataError(ValueError):
    """Missing cells that the chosen rule does not resolve."""


@dataclass(frozen=True)
class MissingOutcome:
    """A complete matrix plus the record of every decision.

    Attributes
    ----------
    matrix : DataFrame
        No NaN left.
    missing : DataFrame
        Every missing cell before the rule (code, year, indicator).
    dropped_units : dict
        code -> reason.
    dropped_indicators : dict
        indicator -> reason.
    imputed : DataFrame
        code, year, indicator, value, method for every filled cell.
    rule, impute : str
    """

    matrix: pd.DataFrame
    missing: pd.DataFrame
    dropped_units: dict = field(default_factory=dict)
    dropped_indicators: dict = field(default_factory=dict)
    imputed: pd.DataFrame = field(default_factory=pd.DataFrame)
    rule: str = "drop_unit"
    impute: str = "none"


def missing_cells(matrix: pd.DataFrame) -> pd.DataFrame:
    """Long table of the NaN cells of a (code, year) x indicator matrix.

    Parameters
    ----------
    matrix : DataFrame
        Index (code, year); one column per indicator.

    Returns
    -------
    DataFrame
        Columns ``code, year, indicator``, sorted by code, indicator, year.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.MultiIndex.from_product([["11"], [2016, 2017]], names=["code", "year"])
    >>> missing_cells(pd.DataFrame({"a": [1.0, np.nan]}, index=idx))
      code  year indicator
    0   11  2017         a
    """
    stacked = matrix.isna().stack()
    cells = stacked[stacked].index.to_frame(index=False)
    cells.columns = ["code", "year", "indicator"]
    return cells.sort_values(["code", "indicator", "year"], kind="stable").reset_index(drop=True)


def _describe(cells: pd.DataFrame, label: str) -> str:
    items = ", ".join(f"{r.indicator if label == 'unit' else r.code} {r.year}" for r in cells.itertuples())
    return f"missing in {len(cells)} cell(s): {items}"


def _impute(matrix: pd.DataFrame, method: str) -> pd.DataFrame:
    if method == "linear":
        # Interior gaps only: limit_area="inside" never extrapolates.
        return matrix.groupby(level="code", group_keys=False).apply(
            lambda g: g.interpolate(method="linear", limit_area="inside")
        )
    if method == "unit_mean":
        return matrix.fillna(matrix.groupby(level="code").transform("mean"))
    if method == "year_mean":
        return matrix.fillna(matrix.groupby(level="year").transform("mean"))
    raise ValueError(f"unknown impute method {method!r}; use one of {IMPUTE_METHODS[1:]}")


def apply_missing_rule(
    matrix: pd.DataFrame, *, rule: str = "drop_unit", impute: str = "none"
) -> MissingOutcome:
    """Resolve the NaN cells of a (code, year) x indicator matrix by a named rule.

    Parameters
    ----------
    matrix : DataFrame
        Index (code, year); one column per indicator.
    rule : {"drop_unit", "drop_indicator", "fail", "impute"}
    impute : {"linear", "unit_mean", "year_mean"}
        Only with ``rule="impute"``.

    Returns
    -------
    MissingOutcome

    Raises
    ------
    MissingDataError
        With ``rule="fail"`` when cells are missing, or when imputation
        cannot fill every cell; the message lists the cells.

    Examples
    --------
    Linear interpolation fills an interior gap and records the filled cell:

    >>> import numpy as np, pandas as pd
    >>> idx = pd.MultiIndex.from_product([["11"], [2016, 2017, 2018]], names=["code", "year"])
    >>> m = pd.DataFrame({"a": [1.0, np.nan, 3.0]}, index=idx)
    >>> out = apply_missing_rule(m, rule="impute", impute="linear")
    >>> out.matrix["a"].tolist()
    [1.0, 2.0, 3.0]
    >>> out.imputed.to_dict("records")
    [{'code': '11', 'year': 2017, 'indicator': 'a', 'value': 2.0, 'method': 'linear'}]
    """
    if rule not in MISSING_RULES:
        raise ValueError(f"unknown missing-data rule {rule!r}; use one of {MISSING_RULES}")
    cells = missing_cells(matrix)
    out = {"rule": rule, "impute": impute, "missing": cells}
    if cells.empty:
        return MissingOutcome(matrix, **out)
    # Units without a single value cannot be imputed or kept under any rule.
    all_missing = matrix.isna().all(axis=1).groupby(level="code", sort=True).all()
    empty_units = all_missing.index[all_missing.to_numpy()].tolist()
    dropped_units = {c: "no data for any indicator" for c in empty_units}
    work = matrix.drop(index=empty_units, level="code")
    rest = cells[~cells["code"].isin(empty_units)]
    if rest.empty:
        return MissingOutcome(work, dropped_units=dropped_units, **out)
    if rule == "fail":
        listing = "; ".join(f"{r.code} {r.year} {r.indicator}" for r in rest.itertuples())
        raise MissingDataError(
            f"{len(rest)} missing cell(s) and missing='fail': {listing}. Choose a rule: "
            "missing='drop_unit', 'drop_indicator' or 'impute' (with impute=...)"
        )
    if rule == "drop_unit":
        for code, g in rest.groupby("code", sort=True):
            dropped_units[code] = _describe(g, "unit")
        work = work.drop(index=list(rest["code"].unique()), level="code")
        return MissingOutcome(work, dropped_units=dropped_units, **out)
    if rule == "drop_indicator":
        dropped = {i: _describe(g, "indicator") for i, g in rest.groupby("indicator", sort=True)}
        return MissingOutcome(
            work.drop(columns=list(dropped)),
            dropped_units=dropped_units,
            dropped_indicators=dropped,
            **out,
        )
    if impute not in IMPUTE_METHODS[1:]:
        raise ValueError(f"rule='impute' needs impute= one of {IMPUTE_METHODS[1:]}")
    filled = _impute(work, impute)
    still = missing_cells(filled)
    if not still.empty:
        listing = "; ".join(f"{r.code} {r.year} {r.indicator}" for r in still.itertuples())
        raise MissingDataError(
            f"impute={impute!r} cannot fill {len(still)} cell(s): {listing}. "
            "Linear interpolation never extrapolates; use another method or a drop rule"
        )
    stacked = filled.stack()
    keys = pd.MultiIndex.from_frame(rest[["code", "year", "indicator"]])
    imputed = rest.assign(value=stacked.reindex(keys).to_numpy(), method=impute)
    return MissingOutcome(filled, dropped_units=dropped_units, imputed=imputed, **out)
