"""Constant prices: an implicit GDP deflator chained from the real growth index.

No provincial GDP deflator is published in the sources found, but each
province publishes its real growth index I_t (地区生产总值指数, previous year =
100; real growth g_t = I_t - 100).  Chaining real GDP from a base year,

    R_base = nominal_base,   R_t = R_{t-1} (1 + g_t / 100) = R_{t-1} I_t / 100,

gives the implicit deflator ``deflator_t = nominal_t / R_t`` (1 in the base
year), and a money series X in constant base-year prices is ``X_t /
deflator_t``.  Years before the base are chained backwards, ``R_{t-1} = R_t
/ (1 + g_t / 100)``.  The default panel holds the index form
(``gdp_index_prev_year_100``) so that no value is negative.

Vintage caveat: the growth series of the default data is the first release
while nominal GDP is the revised (post-2018-census) vintage, so the deflator
is approximate around the census revision.  Industrial value added has no
price index of its own here: the default spec deflates it with the GDP
deflator too (a documented approximation).

A missing growth rate breaks the chain: every year after it (or before it,
for backward chaining) is left missing, and the gap is reported; nothing is
filled.

Examples
--------
Hand-computed: nominal 100, 110, 121 and real growth 5 % then 10 % (index
105, 110) give real GDP 100, 105, 115.5 and deflator 1, 110/105 = 1.047619,
121/115.5 = 1.047619.

>>> import pandas as pd
>>> panel = pd.DataFrame({
...     "code": ["11"] * 6, "year": [2016, 2017, 2018] * 2,
...     "indicator": ["gdp"] * 3 + ["gi"] * 3,
...     "value": [100.0, 110.0, 121.0, 107.0, 105.0, 110.0]})
>>> d = implicit_deflator(panel, nominal="gdp", growth_index="gi", base_year=2016)
>>> d.table.round(6).to_dict("list")
{'code': ['11', '11', '11'], 'year': [2016, 2017, 2018], 'real': [100.0, 105.0, 115.5], 'deflator': [1.0, 1.047619, 1.047619]}
>>> d.notes
()
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["Deflator", "chain_real", "implicit_deflator", "to_constant_prices"]


@dataclass(frozen=True)
class Deflator:
    """Implicit deflator by unit and year.

    Attributes
    ----------
    table : DataFrame
        Columns ``code, year, real, deflator``: real GDP in base-year prices
        and the deflator (1 in the base year); NaN where the chain is broken.
    base_year : int
    nominal, growth_index : str
        Series ids used.
    notes : tuple of str
        Broken chains, one line per unit.
    """

    table: pd.DataFrame
    base_year: int
    nominal: str
    growth_index: str
    notes: tuple[str, ...] = ()

    def series(self) -> pd.Series:
        """Deflator as a Series indexed by (code, year)."""
        return self.table.set_index(["code", "year"])["deflator"]


def chain_real(nominal_base: float, growth_index: pd.Series, base_year: int) -> pd.Series:
    """Chain real levels from a base-year level and annual real growth indices.

    Parameters
    ----------
    nominal_base : float
        Level in the base year (becomes the real level of that year).
    growth_index : Series
        Real growth index, previous year = 100, indexed by year (I_t: from t-1 to t).
    base_year : int

    Returns
    -------
    Series
        Real level by year over the years of ``growth`` plus the base year;
        NaN beyond a missing growth rate.

    Examples
    --------
    >>> import pandas as pd
    >>> chain_real(100.0, pd.Series({2015: 106.0, 2016: 105.0, 2017: 110.0}), 2016).round(4).to_dict()
    {2015: 95.2381, 2016: 100.0, 2017: 110.0}
    """
    years = sorted(set(int(y) for y in growth_index.index) | {int(base_year)})
    g = growth_index.reindex(years).astype(float) - 100.0
    real = pd.Series(np.nan, index=pd.Index(years, name="year"), dtype=float)
    real[base_year] = float(nominal_base)
    for y in (y for y in years if y > base_year):
        real[y] = real[y - 1] * (1 + g[y] / 100) if (y - 1) in real.index else np.nan
    for y in sorted((y for y in years if y < base_year), reverse=True):
        # R_y = R_{y+1} / (1 + g_{y+1}/100)
        real[y] = real[y + 1] / (1 + g[y + 1] / 100) if (y + 1) in g.index else np.nan
    return real


def implicit_deflator(
    panel: pd.DataFrame,
    *,
    nominal: str = "gdp_100m_yuan",
    growth_index: str = "gdp_index_prev_year_100",
    base_year: int = 2016,
    years: Sequence[int] | None = None,
) -> Deflator:
    """Implicit deflator per unit from nominal GDP and real growth (METHODS §9).

    Parameters
    ----------
    panel : DataFrame
        Long panel ``code, year, indicator, value`` holding both series.
    nominal : str
        Nominal GDP series id (current prices).
    growth_index : str
        Real growth index series id (previous year = 100).
    base_year : int
        Year whose prices are kept (deflator = 1).
    years : sequence of int, optional
        Years wanted in the output (default: every year with nominal GDP).

    Returns
    -------
    Deflator

    Raises
    ------
    KeyError
        When the panel lacks either series entirely (names the series and the
        panel's series).
    """
    present = set(panel["indicator"].unique())
    growth = growth_index
    for sid in (nominal, growth):
        if sid not in present:
            raise KeyError(
                f"deflator: series {sid!r} is not in the panel; add it (long rows "
                f"code,year,indicator,value) or change the spec's [deflator] table"
            )
    wide = panel[panel["indicator"].isin([nominal, growth])].pivot_table(
        index=["code", "year"], columns="indicator", values="value", aggfunc="first"
    )
    out, notes = [], []
    for code, block in wide.groupby(level="code", sort=True):
        block = block.droplevel("code")
        nom = block[nominal] if nominal in block else pd.Series(dtype=float)
        wanted = sorted(int(y) for y in (years if years is not None else nom.dropna().index))
        if not wanted:
            continue
        span = range(min(wanted + [base_year]), max(wanted + [base_year]) + 1)
        g = block[growth].reindex(span) if growth in block else pd.Series(np.nan, index=span)
        if base_year not in nom.dropna().index:
            notes.append(f"{code}: no nominal {nominal} in base year {base_year}: deflator missing")
            real = pd.Series(np.nan, index=span)
        else:
            real = chain_real(nom[base_year], g, base_year)
            # growth years the chain passes through: forward (base, max], backward (min, base]
            needed = [y for y in span if y > base_year or y > min(span)]
            gaps = [y for y in needed if pd.isna(g.get(y))]
            if gaps:
                notes.append(
                    f"{code}: {growth} missing in {gaps}: chain broken, deflator left missing "
                    f"beyond it"
                )
        real = real.reindex(wanted)
        defl = nom.reindex(wanted) / real
        out.append(pd.DataFrame({"code": str(code), "year": wanted,
                                 "real": real.to_numpy(), "deflator": defl.to_numpy()}))
    table = (pd.concat(out, ignore_index=True) if out
             else pd.DataFrame(columns=["code", "year", "real", "deflator"]))
    return Deflator(table, int(base_year), nominal, growth_index, tuple(notes))


def to_constant_prices(values: pd.Series, deflator: Deflator | pd.Series) -> pd.Series:
    """Divide a money series indexed by (code, year) by the deflator.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("11", 2016), ("11", 2017)], names=["code", "year"])
    >>> to_constant_prices(pd.Series([50.0, 62.5], index=idx), pd.Series([1.0, 1.25], index=idx)).tolist()
    [50.0, 50.0]
    """
    d = deflator.series() if isinstance(deflator, Deflator) else deflator
    return values / d.reindex(values.index)
