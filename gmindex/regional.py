"""Regional summaries of index scores: means, growth, ranks and the gradient test.

Every function takes a *score frame*: one row per unit and year with columns
``code`` (GB/T 2260 code as text), ``year`` (int) and one or more value columns
(``score`` by default; pick another with ``value=``).  Regions come from a
:class:`gmindex.provinces.Registry` (the 31 mainland provinces by default) and a
region scheme: ``"region4"`` (NBS east, central, west, northeast) or ``"region3"``
(east, central, west belts).  Outputs are tidy DataFrames sorted by region in the
scheme's display order, then code or year.

Examples
--------
>>> import pandas as pd
>>> scores = pd.DataFrame({
...     "code": ["11", "14", "15", "21"] * 2,
...     "year": [2016] * 4 + [2020] * 4,
...     "score": [0.6, 0.4, 0.2, 0.3, 0.7, 0.5, 0.3, 0.3],
... })
>>> means = regional_means(scores, scheme="region4")
>>> means[["region", "year", "n", "mean"]].head(3)
    region  year  n  mean
0     east  2016  1   0.6
1     east  2020  1   0.7
2  central  2016  1   0.4
>>> print(gradient_check(means).text)
In 2016 the ordering east > central > west holds (region4): east 0.600 > central 0.400 > west 0.200
In 2020 the ordering east > central > west holds (region4): east 0.700 > central 0.500 > west 0.300
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gmindex._frames import NATIONAL, check_scores, sort_by_region
from gmindex.provinces import Registry, default_registry

__all__ = [
    "GradientCheck",
    "add_region",
    "gradient_check",
    "growth",
    "rank_table",
    "regional_means",
]

def add_region(
    frame: pd.DataFrame,
    *,
    scheme: str = "region4",
    registry: Registry | None = None,
    column: str = "region",
) -> pd.DataFrame:
    """Copy of ``frame`` with a region column looked up from ``code``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Must have a ``code`` column.
    scheme : str
        Region scheme of the registry (``"region4"`` or ``"region3"`` by default).
    registry : Registry, optional
        Defaults to :func:`gmindex.provinces.default_registry`.
    column : str
        Name of the new column.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``column`` added (``code`` itself unchanged).

    Raises
    ------
    ValueError
        If a code is not in the registry (the codes are listed).

    Examples
    --------
    >>> import pandas as pd
    >>> add_region(pd.DataFrame({"code": ["21", "44"]}), scheme="region3")
      code region
    0   21   east
    1   44   east
    """
    registry = registry or default_registry()
    regions = registry.regions(scheme)
    codes = frame["code"].astype(str).str.strip()
    unknown = sorted(set(codes) - set(regions.index))
    if unknown:
        raise ValueError(
            f"code(s) {unknown} are not in the unit registry ({registry.source}); "
            "use 2-digit GB/T 2260 codes or pass a registry that has them"
        )
    out = frame.copy()
    out[column] = codes.map(regions).to_numpy()
    return out


def regional_means(
    scores: pd.DataFrame,
    *,
    scheme: str = "region4",
    value: str = "score",
    weights: pd.DataFrame | None = None,
    registry: Registry | None = None,
) -> pd.DataFrame:
    """Simple (and optionally weighted) mean score by region and year.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value``.
    scheme : str
        Region scheme: ``"region4"`` (default) or ``"region3"``.
    value : str
        Column to summarise (default ``"score"``).
    weights : pandas.DataFrame, optional
        Columns ``code, year, weight``, for a weighted mean, e.g. industrial value
        added.  Derive it from the long panel::

            iva = panel.loc[panel["indicator"] == "industrial_va_100m_yuan",
                            ["code", "year", "value"]].rename(columns={"value": "weight"})

        Every (code, year) of ``scores`` needs a non-negative weight; extra rows
        are ignored.
    registry : Registry, optional
        Defaults to the 31 provinces.

    Returns
    -------
    pandas.DataFrame
        Columns ``scheme, region, year, n, mean, std, min, max`` and, with weights,
        ``weighted_mean``.  ``std`` is the sample standard deviation (ddof=1; NaN
        for a single unit).  One extra row per year with region ``"national"``
        covers all units.  Sorted by region (display order, national last), year.

    Raises
    ------
    ValueError
        Unknown codes, duplicate or missing cells, missing or negative weights.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"code": ["11", "12", "14"], "year": 2016,
    ...                   "score": [0.5, 0.3, 0.2]})
    >>> w = pd.DataFrame({"code": ["11", "12", "14"], "year": 2016,
    ...                   "weight": [1.0, 3.0, 1.0]})
    >>> regional_means(s, weights=w)[["region", "n", "mean", "weighted_mean"]]
         region  n      mean  weighted_mean
    0      east  2  0.400000           0.35
    1   central  1  0.200000           0.20
    2  national  3  0.333333           0.32
    """
    registry = registry or default_registry()
    frame = add_region(check_scores(scores, value=value), scheme=scheme, registry=registry)
    if weights is not None:
        frame = _attach_weights(frame, weights)
    national = frame.assign(region=NATIONAL)
    both = pd.concat([frame, national], ignore_index=True)
    grouped = both.groupby(["region", "year"], sort=False)
    out = grouped[value].agg(n="count", mean="mean", std="std", min="min", max="max")
    if weights is not None:
        both = both.assign(_wv=both[value] * both["weight"])
        sums = both.groupby(["region", "year"], sort=False)[["_wv", "weight"]].sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            out["weighted_mean"] = sums["_wv"] / sums["weight"]
        zero = sums["weight"] == 0
        if zero.any():
            warnings.warn(
                f"total weight is zero in {list(sums.index[zero])}: weighted mean is NaN",
                stacklevel=2,
            )
    out = out.reset_index()
    out.insert(0, "scheme", scheme)
    out["n"] = out["n"].astype(int)
    return sort_by_region(out, registry.region_order(scheme))


def _attach_weights(frame: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    need = {"code", "year", "weight"}
    if not need <= set(weights.columns):
        raise ValueError(
            f"weights need columns {sorted(need)}, got {list(weights.columns)}"
        )
    w = weights[["code", "year", "weight"]].copy()
    w["code"] = w["code"].astype(str).str.strip()
    w["year"] = w["year"].astype(int)
    if w.duplicated(["code", "year"]).any():
        raise ValueError("weights have duplicate (code, year) rows")
    merged = frame.merge(w, on=["code", "year"], how="left", validate="one_to_one")
    lacking = merged["weight"].isna()
    if lacking.any():
        cells = merged.loc[lacking, ["code", "year"]].to_dict("records")
        raise ValueError(
            f"no weight for {int(lacking.sum())} (code, year) cell(s): {cells[:10]}; "
            "supply weights for every scored cell or drop those cells first"
        )
    if (merged["weight"] < 0).any():
        raise ValueError("weights must be non-negative")
    return merged


def growth(
    frame: pd.DataFrame,
    *,
    start: int = 2016,
    end: int = 2020,
    by: str | Sequence[str] = ("code",),
    value: str = "score",
) -> pd.DataFrame:
    """Absolute, percent and annualised change of a value between two years.

    Works on provinces (a score frame, ``by=("code",)``) and on regions (the output
    of :func:`regional_means`, ``by=("scheme", "region")`` with ``value="mean"`` or
    ``"weighted_mean"``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``year``, the ``by`` columns and ``value``.
    start, end : int
        The window; ``start < end``.
    by : str or sequence of str
        Columns identifying a unit; each unit needs exactly one row per year.
    value : str
        Column to compare.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``start, end, value_start, value_end, change``
        (end - start), ``pct_change`` (percent of the start value) and
        ``annual_growth_pct`` (compound annual rate, percent).  Percent changes
        are NaN, with a warning naming the units, where the start value is 0.
        Rows keep the order of first appearance in ``frame``.

    Raises
    ------
    ValueError
        If a unit lacks the start or end year, or has several rows per year.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"code": ["11", "11", "14", "14"],
    ...                   "year": [2016, 2020, 2016, 2020],
    ...                   "score": [0.50, 0.60, 0.20, 0.30]})
    >>> growth(f)[["code", "change", "pct_change"]].round(2)
      code  change  pct_change
    0   11     0.1        20.0
    1   14     0.1        50.0
    """
    by = [by] if isinstance(by, str) else list(by)
    if start >= end:
        raise ValueError(f"start ({start}) must be before end ({end})")
    missing = [c for c in [*by, "year", value] if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks column(s) {missing}; it has {list(frame.columns)}")
    window = frame.loc[frame["year"].astype(int).isin([start, end]), [*by, "year", value]]
    window = window.assign(year=window["year"].astype(int))
    if window.duplicated([*by, "year"]).any():
        raise ValueError(
            f"several rows per {by} and year; add the distinguishing column to by= "
            "(e.g. 'scheme' when the frame holds both region schemes)"
        )
    wide = window.pivot(index=by, columns="year", values=value)
    units = frame[by].drop_duplicates()
    wide = wide.reindex(pd.MultiIndex.from_frame(units) if len(by) > 1 else units[by[0]])
    for year in (start, end):
        if year not in wide.columns:
            wide[year] = np.nan
    lacking = wide[[start, end]].isna().any(axis=1)
    if lacking.any():
        raise ValueError(
            f"no {value!r} value in {start} or {end} for {list(wide.index[lacking])}"
        )
    v0, v1 = wide[start].astype(float), wide[end].astype(float)
    out = pd.DataFrame({"start": start, "end": end, "value_start": v0, "value_end": v1})
    out["change"] = v1 - v0
    zero = v0 == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_change"] = np.where(zero, np.nan, 100 * (v1 - v0) / v0)
        ratio = np.where(zero, np.nan, v1 / v0)
        out["annual_growth_pct"] = 100 * (np.power(ratio, 1 / (end - start)) - 1)
    if zero.any():
        warnings.warn(
            f"start value is 0 for {list(wide.index[zero])}: percent change is NaN",
            stacklevel=2,
        )
    return out.reset_index()


def rank_table(
    scores: pd.DataFrame,
    *,
    start: int = 2016,
    end: int = 2020,
    value: str = "score",
    registry: Registry | None = None,
) -> pd.DataFrame:
    """Rank of each unit per year (1 = highest value) and its change.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value``.
    start, end : int
        First and last year of the table (all years in between are included).
    value : str
        Column to rank on (ranks are recomputed from it; ties share the best rank).
    registry : Registry, optional
        For names and regions; defaults to the 31 provinces.

    Returns
    -------
    pandas.DataFrame
        One row per unit: ``code, name, region4, region3`` (those the registry
        has), ``score_<start>, score_<end>``, ``rank_<year>`` for each year, and
        ``rank_change`` = rank in ``start`` minus rank in ``end`` (positive = moved
        up).  Sorted by rank in ``end``, then code.

    Raises
    ------
    ValueError
        If a unit lacks a value in some year of the window (ranks across
        different sets of units would not compare).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"code": ["11", "14", "11", "14"], "year": [2016, 2016, 2017, 2017],
    ...                   "score": [0.5, 0.6, 0.7, 0.4]})
    >>> rank_table(f, start=2016, end=2017)[["code", "rank_2016", "rank_2017", "rank_change"]]
      code  rank_2016  rank_2017  rank_change
    0   11          2          1            1
    1   14          1          2           -1
    """
    registry = registry or default_registry()
    if start >= end:
        raise ValueError(f"start ({start}) must be before end ({end})")
    frame = check_scores(scores, value=value)
    frame = frame[(frame["year"] >= start) & (frame["year"] <= end)]
    years = list(range(start, end + 1))
    wide = frame.pivot(index="code", columns="year", values=value).reindex(columns=years)
    gaps = wide.isna()
    if gaps.any().any():
        cells = [(c, y) for c, y in zip(*np.nonzero(gaps.to_numpy()))][:10]
        raise ValueError(
            "units must have a value in every year of the window; missing "
            f"{[(wide.index[i], years[j]) for i, j in cells]}"
        )
    ranks = wide.rank(ascending=False, method="min").astype(int)
    out = pd.DataFrame(index=wide.index)
    labels = registry.labels("en")
    out["name"] = [labels.get(c, c) for c in wide.index]
    for scheme in ("region4", "region3"):
        if scheme in registry.schemes():
            out[scheme] = wide.index.map(registry.regions(scheme)).to_numpy()
    out[f"score_{start}"] = wide[start]
    out[f"score_{end}"] = wide[end]
    for year in years:
        out[f"rank_{year}"] = ranks[year]
    out["rank_change"] = ranks[start] - ranks[end]
    out = out.reset_index().sort_values([f"rank_{end}", "code"], kind="stable")
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class GradientCheck:
    """Whether a regional ordering (east > central > west by default) holds.

    Attributes
    ----------
    order : tuple of str
        The ordering tested, highest first.
    value : str
        The column of the regional table that was compared (``mean`` or
        ``weighted_mean``).
    table : pandas.DataFrame
        One row per scheme and year: ``scheme, year, holds`` (strict ordering),
        the regional values, ``gap_<a>_<b>`` for each adjacent pair (a - b),
        ``violations`` (number of adjacent pairs out of order) and ``message``.
    """

    order: tuple[str, ...]
    value: str
    table: pd.DataFrame

    @property
    def text(self) -> str:
        """One line per scheme and year, for notebooks and reports."""
        return "\n".join(self.table["message"])

    @property
    def holds_everywhere(self) -> bool:
        """True if the ordering holds in every year and scheme checked."""
        return bool(self.table["holds"].all())

    def to_frame(self) -> pd.DataFrame:
        """The per-year table (a copy)."""
        return self.table.copy()

    def __str__(self) -> str:
        return self.text


def gradient_check(
    means: pd.DataFrame,
    *,
    order: Sequence[str] = ("east", "central", "west"),
    value: str = "mean",
    digits: int = 3,
) -> GradientCheck:
    """Check, per scheme and year, whether regional means follow a strict ordering.

    Parameters
    ----------
    means : pandas.DataFrame
        Output of :func:`regional_means` (one or both schemes concatenated):
        columns ``region, year``, ``value`` and optionally ``scheme``.
    order : sequence of str
        Regions from highest to lowest expected value.
    value : str
        ``"mean"`` (default) or ``"weighted_mean"``.
    digits : int
        Decimals shown in the messages.

    Returns
    -------
    GradientCheck
        ``.table`` per scheme and year, ``.text`` the plain-language summary.

    Raises
    ------
    ValueError
        If a region of ``order`` is missing for some scheme and year.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"scheme": "region3", "year": 2018,
    ...                   "region": ["east", "central", "west"],
    ...                   "mean": [0.40, 0.21, 0.23]})
    >>> print(gradient_check(m, digits=2).text)
    In 2018 the ordering east > central > west does not hold (region3): central 0.21 < west 0.23
    """
    order = tuple(order)
    if len(order) < 2:
        raise ValueError("order needs at least two regions")
    missing = [c for c in ("region", "year", value) if c not in means.columns]
    if missing:
        raise ValueError(f"means frame lacks column(s) {missing}; use regional_means()")
    frame = means if "scheme" in means.columns else means.assign(scheme="")
    rows = []
    chain = " > ".join(order)
    schemes = list(dict.fromkeys(frame["scheme"]))
    for (scheme, year), block in frame.groupby(["scheme", "year"], sort=True):
        vals = block.set_index("region")[value]
        absent = [r for r in order if r not in vals.index]
        if absent:
            raise ValueError(
                f"region(s) {absent} missing in scheme {scheme!r}, year {year}; "
                f"available: {list(vals.index)}"
            )
        v = [float(vals[r]) for r in order]
        row = {"scheme": scheme, "year": int(year)}
        row.update({r: x for r, x in zip(order, v)})
        broken = []
        for (a, xa), (b, xb) in zip(zip(order, v), zip(order[1:], v[1:])):
            row[f"gap_{a}_{b}"] = xa - xb
            if not xa > xb:
                sign = "=" if xa == xb else "<"
                broken.append(f"{a} {xa:.{digits}f} {sign} {b} {xb:.{digits}f}")
        tag = f" ({scheme})" if scheme else ""
        if broken:
            msg = f"In {year} the ordering {chain} does not hold{tag}: " + "; ".join(broken)
        else:
            shown = " > ".join(f"{r} {x:.{digits}f}" for r, x in zip(order, v))
            msg = f"In {year} the ordering {chain} holds{tag}: {shown}"
        row.update(holds=not broken, violations=len(broken), message=msg)
        rows.append(row)
    table = pd.DataFrame(rows)
    table = table.sort_values(
        ["scheme", "year"],
        key=lambda s: s.map(schemes.index) if s.name == "scheme" else s,
        kind="stable",
    ).reset_index(drop=True)
    cols = ["scheme", "year", "holds", *order]
    cols += [c for c in table.columns if c.startswith("gap_")] + ["violations", "message"]
    table = table[cols]
    if "scheme" not in means.columns:
        table = table.drop(columns="scheme")
    return GradientCheck(order=order, value=value, table=table)
