"""Plausibility rules for the values of a long panel.

A value can be a valid number and still be impossible: ``1e308`` typed for a
province's energy consumption, a value in 万元 where the series is in 亿元
(10,000 times too large), a share of 130 %.  Such a value passes every type
check and then dominates min-max normalisation and the entropy weights.  The
rules here flag values that are

* ``FACTOR`` (1,000) times larger than the next largest province in the same
  series and year (at least ``MIN_PEERS`` values).  The next largest, not the
  median: with thousands of units (cities) or skewed series the largest is
  legitimately far above the median, but never 1,000 times its runner-up;
  not smaller values either: Tibet's real values of some series are below
  1/1,000 of the median province,
* ``FACTOR`` times larger or smaller than the median of the same province's
  values of the series in all years (at least three values), or more when the
  series itself moves that much: the limit is the larger of ``FACTOR`` and
  ``SPREAD`` robust standard deviations of such log-deviations in the series,
* above 100 where the series' unit is a percentage (``%``).

Negative values are refused by :func:`gmindex.validation.check_panel` itself.
The rules only flag rows; the messages and the choice to accept a flagged
value knowingly (``accept=``) are in :mod:`gmindex.validation`.

Examples
--------
>>> import pandas as pd
>>> panel = pd.DataFrame({
...     "code": ["11", "12", "13", "14", "15"] * 2,
...     "year": [2019] * 5 + [2020] * 5,
...     "indicator": ["energy"] * 10,
...     "value": [6733.8, 8241.0, 32545.0, 20859.0, 1e308,
...               6762.0, 8104.0, 32783.0, 21208.0, 27210.0],
... })
>>> flags = implausible_values(panel)
>>> flags[["row", "rule"]].to_dict("records")
[{'row': 4, 'rule': 'across provinces'}]
>>> print(flags["detail"].iloc[0])
1e+308 is 3.1e+303 times the next largest unit in 2019 (32,545)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["FACTOR", "MIN_PEERS", "RULES", "SPREAD", "implausible_values", "is_percent_unit"]

#: A value this many times larger (or smaller) than its neighbours is flagged.
FACTOR = 1000.0
#: Fewest values in a series-year for the comparison across units.
MIN_PEERS = 5
#: Robust standard deviations of a series' log-deviations from each unit's median
#: beyond which a value is flagged across years, when that is more than FACTOR.
SPREAD = 8.0
#: Rule names, in the order they are checked.
RULES = ("across provinces", "across years", "share above 100 %")


def is_percent_unit(unit: object) -> bool:
    """Whether a unit is a plain percentage (``%``, ``％``, ``percent``).

    Examples
    --------
    >>> is_percent_unit("％"), is_percent_unit("% of GDP"), is_percent_unit("亿元")
    (True, False, False)
    """
    if not isinstance(unit, str):
        return False
    text = "".join(unicodedata.normalize("NFKC", unit).split()).casefold()
    return text in ("%", "percent", "pct", "百分比")


def _number(x: float) -> str:
    if x == 0 or 1e-3 <= abs(x) < 1e7:
        return f"{x:,.6g}" if abs(x) < 1e3 else f"{x:,.0f}"
    return f"{x:.2g}"


def _times(ratio: float) -> str:
    return f"{ratio:.2g}" if ratio >= 1e7 else f"{ratio:,.0f}"


def _against(value: float, ratio: float, median: float, what: str) -> str:
    size = (f"{_times(ratio)} times" if abs(value) >= median else f"1/{_times(ratio)} of")
    return f"{_number(value)} is {size} the median of {what} ({_number(median)})"


def _ratio_flags(values: np.ndarray, key: np.ndarray, min_count: int):
    """(ratio, median) of each value against the median of its group; NaN when not compared."""
    frame = pd.DataFrame({"key": key, "a": np.abs(values)})
    grouped = frame.groupby("key", sort=False)["a"]
    median = grouped.transform("median").to_numpy()
    count = grouped.transform("count").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.abs(values) / median
        down = median / np.abs(values)
    ratio = np.where(up >= 1, up, down)
    usable = (count >= min_count) & (median > 0) & (values != 0)
    return np.where(usable, ratio, np.nan), median


def implausible_values(panel: pd.DataFrame, *, units: Mapping[str, str] | None = None,
                       factor: float = FACTOR, rows: np.ndarray | None = None,
                       keys: tuple | None = None) -> pd.DataFrame:
    """Rows of a long panel whose value is implausible, one row per flag.

    Parameters
    ----------
    panel : pandas.DataFrame
        Long panel with numeric ``value`` and ``code, year, indicator``;
        rows with a missing or infinite value are ignored.
    units : mapping, optional
        Series id -> unit (the spec's); a ``unit`` column of the panel is used
        where given.
    factor : float
        How many times larger than the runner-up, or larger or smaller than
        the unit's median over the years.
    rows : numpy.ndarray of bool, optional
        Only these rows are looked at (e.g. those with a known unit code).
    keys : tuple, optional
        ``(code_ints, indicator_ints, indicator_names)`` when the caller has
        already factorised the code and indicator columns (saves the time of
        doing it again on large panels).

    Returns
    -------
    pandas.DataFrame
        Columns ``row`` (position in ``panel``), ``rule`` (one of
        :data:`RULES`), ``detail`` (the value against its reference, in words)
        and ``reference`` (the value or limit compared with).  A value
        flagged by both ratio rules is listed once, under the rule across
        provinces.
    """
    values = pd.to_numeric(panel["value"], errors="coerce").to_numpy(dtype="float64",
                                                                      na_value=np.nan)
    ok = np.isfinite(values)
    if rows is not None:
        ok &= np.asarray(rows, dtype=bool)
    # Integer keys, not text: panels of cities have millions of rows.
    if keys is None:
        all_codes, _ = pd.factorize(panel["code"])
        all_inds, ind_names = pd.factorize(panel["indicator"])
    else:
        all_codes, all_inds, ind_names = keys
    year = pd.to_numeric(panel["year"], errors="coerce").to_numpy(dtype="float64",
                                                                   na_value=np.nan)
    ok &= ~np.isnan(year) & (all_codes >= 0) & (all_inds >= 0)
    where = np.flatnonzero(ok)
    out: list[dict] = []
    if len(where):
        v = values[where]
        ind_codes = all_inds[where]
        year_codes, _ = pd.factorize(year[where])
        code_codes = all_codes[where]
        n_years = int(year_codes.max()) + 1
        n_codes = int(code_codes.max()) + 1
        by_year = ind_codes.astype(np.int64) * n_years + year_codes
        by_unit = ind_codes.astype(np.int64) * n_codes + code_codes
        # Across units: the largest value of a series-year against the next largest
        # (grouped maxima: sorting millions of rows would cost more).
        a = np.abs(v)
        groups = pd.Series(a).groupby(by_year, sort=True)
        top = groups.idxmax().to_numpy()
        count = groups.count().to_numpy()
        rest = a.copy()
        rest[top] = -np.inf
        runner_value = pd.Series(rest).groupby(by_year, sort=True).max().to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = a[top] / runner_value
        hits = (count >= MIN_PEERS) & (runner_value > 0) & (ratio > factor)
        for t, r, ref in zip(top[hits].tolist(), ratio[hits].tolist(),
                             runner_value[hits].tolist()):
            out.append({
                "row": int(where[t]), "rule": RULES[0],
                "detail": f"{_number(v[t])} is {_times(r)} times the next largest "
                          f"unit in {int(year[where[t]])} ({_number(ref)})",
                "reference": float(ref),
            })
        flagged = {r["row"] for r in out}
        # Across years: against the unit's median, with a limit that grows with the series'
        # own spread (synthetic or volatile series move far more than official statistics).
        over_time, med_t = _ratio_flags(v, by_unit, 3)
        dev = np.log(over_time)
        limit = np.full(len(v), np.log(factor))
        usable = np.isfinite(dev)
        if usable.any():
            spread = pd.Series(np.where(usable, dev, np.nan)).groupby(ind_codes).transform(
                "median").to_numpy() * 1.4826
            limit = np.maximum(limit, np.nan_to_num(SPREAD * spread, nan=0.0))
        for k in np.flatnonzero(usable & (dev > limit)).tolist():
            if int(where[k]) in flagged:
                continue
            out.append({
                "row": int(where[k]), "rule": RULES[1],
                "detail": _against(v[k], over_time[k], med_t[k],
                                   "the same unit's values in all years"),
                "reference": float(med_t[k]),
            })
    unit_col = panel["unit"].to_numpy(dtype=object) if "unit" in panel.columns else None
    spec_units = dict(units or {})
    percent_series = {s for s, u in spec_units.items() if is_percent_unit(u)}
    for k in np.flatnonzero(ok & (values > 100)).tolist():
        unit = unit_col[k] if unit_col is not None and isinstance(unit_col[k], str) \
            and unit_col[k] else None
        percent = (is_percent_unit(unit) if unit is not None
                   else str(ind_names[all_inds[k]]) in percent_series)
        if percent:
            out.append({"row": k, "rule": RULES[2],
                        "detail": f"{_number(values[k])} % is above 100 %",
                        "reference": 100.0})
    frame = pd.DataFrame(out, columns=["row", "rule", "detail", "reference"])
    return frame.sort_values(["row", "rule"], kind="stable").reset_index(drop=True)
