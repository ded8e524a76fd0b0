"""Coverage of a panel: how many units have a value, per series and year.

Examples
--------
>>> from gmindex.datasets import load_default_panel, load_default_spec
>>> cov = coverage_table(load_default_panel(), load_default_spec())
>>> int(cov.loc["energy_consumption_10k_tce", 2016])
30
>>> cov.loc["energy_consumption_10k_tce", "missing_units"]
'54 Tibet'
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from gmindex.provinces import Registry, default_registry
from gmindex.spec import Spec

__all__ = ["coverage_table"]


def coverage_table(
    panel: pd.DataFrame,
    spec: Spec | None = None,
    *,
    registry: Registry | None = None,
    series: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Units with a value per series (rows) and year (columns).

    Parameters
    ----------
    panel : DataFrame
        Long panel (``code, year, indicator, value``).
    spec : Spec, optional
        Supplies the series and years when they are not given.
    registry : Registry, optional
        The expected units (default: the 31 provinces).
    series, years : optional
        Restrict to these series / years (default: the spec's, else all).

    Returns
    -------
    DataFrame
        Integer counts per year, then ``missing_units``: units lacking the
        series in at least one of the years (``code Name``, ``;``-separated).
    """
    registry = registry or default_registry()
    series = list(series or (spec.series_ids if spec else sorted(panel["indicator"].unique())))
    years = [int(y) for y in (years or (spec.years if spec and spec.years else sorted(panel["year"].unique())))]
    have = panel[panel["value"].notna() & panel["indicator"].isin(series) & panel["year"].isin(years)]
    counts = (
        have.groupby(["indicator", "year"])["code"].nunique().unstack("year")
        .reindex(index=series, columns=years).fillna(0).astype(int)
    )
    missing = []
    for s in series:
        got = have[have["indicator"] == s].groupby("code")["year"].nunique()
        lacking = [c for c in registry.codes if got.get(c, 0) < len(years)]
        missing.append("; ".join(f"{c} {registry.label(c)}" for c in lacking))
    counts["missing_units"] = missing
    counts.index.name = "series"
    counts.columns.name = None
    return counts
