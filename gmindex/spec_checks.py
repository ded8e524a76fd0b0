"""Checks of a long panel against an indicator spec, and text columns made cheap.

* :func:`spec_problems`: series the spec does not know (with the nearest
  id), units that differ from the spec's, series of the spec without data
  (an error for a build), and coverage gaps, one warning per series and set
  of absent years naming the units;
* :func:`match_series_ids` and :func:`nearest_ids`: series ids written in
  another case are matched with a note; misspelt ones get the nearest id;
* :class:`Texts` and :func:`distinct_text`: a column converted to text once
  per distinct value (panels have millions of rows but few distinct codes).

Used by :func:`gmindex.validation.check_panel`.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gmindex.errors import Problem
from gmindex.errors import is_missing as _isna
from gmindex.locate import Locator, rows_text, year_ranges
from gmindex.provinces import Registry

__all__ = [
    "CODE_KINDS",
    "TEXT_KINDS",
    "Texts",
    "code_text",
    "distinct_text",
    "match_series_ids",
    "nearest_ids",
    "norm_unit",
    "plain_text",
    "spec_problems",
    "spec_series",
]


def spec_series(spec) -> dict[str, object]:
    if spec is None:
        return {}
    return {str(s.id): s for s in getattr(spec, "series", ())}


def norm_unit(unit: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(unit)).split()).casefold()


def code_text(v) -> str:
    """A code as text: 11 and 11.0 become '11'; text is stripped; missing is ''."""
    if _isna(v):
        return ""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v).strip()


def plain_text(v) -> str:
    return "" if _isna(v) else str(v).strip()


# infer_dtype kinds for which values that compare equal give the same text, so
# that the text can be computed once per distinct value: 11 and 11.0 are both
# '11' as codes, but not as indicator names.  Other kinds (bools among numbers,
# mixed objects) are converted row by row.
CODE_KINDS = ("string", "empty", "integer", "floating", "mixed-integer-float")
TEXT_KINDS = ("string", "empty")


@dataclass(frozen=True)
class Texts:
    """A column converted to text, as distinct texts and one code per row."""

    codes: np.ndarray  # int64 position in ``uniques`` of each row
    uniques: list  # distinct texts (order not meaningful)

    def column(self, index: pd.Index) -> pd.Series:
        return pd.Series(np.asarray(self.uniques, dtype=object)[self.codes], index=index,
                         dtype=object)

    def lookup(self, func, dtype=object) -> np.ndarray:
        """``func(text)`` of each row, computed once per distinct text."""
        return np.asarray([func(u) for u in self.uniques], dtype=dtype)[self.codes]

    def isin(self, allowed) -> np.ndarray:
        hit = np.fromiter((u in allowed for u in self.uniques), dtype=bool,
                          count=len(self.uniques))
        return hit[self.codes]


def distinct_text(values: pd.Series, func, kinds: tuple[str, ...]) -> Texts:
    """``values.map(func)`` with ``func`` called once per distinct value where safe."""
    if len(values) and pd.api.types.infer_dtype(values, skipna=True) in kinds:
        raw_codes, raw_uniques = pd.factorize(values, use_na_sentinel=True)
        texts = [func(u) for u in raw_uniques]
        if (raw_codes < 0).any():
            texts.append(func(None))  # code -1: the missing values
        text_codes, uniques = pd.factorize(np.asarray(texts, dtype=object))
        return Texts(text_codes[raw_codes].astype(np.int64), list(uniques))
    mapped = values.map(func).to_numpy(dtype=object)
    codes, uniques = pd.factorize(mapped, use_na_sentinel=False)
    return Texts(codes.astype(np.int64), list(uniques))



def match_series_ids(panel: pd.DataFrame, spec) -> tuple[pd.DataFrame, list[str]]:
    """Rename series ids that differ from a spec id only in case or surrounding blanks.

    Returns the panel (a copy when something was renamed) and one note per
    renamed id, so that nothing is matched without saying so.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> spec = SimpleNamespace(series=[SimpleNamespace(id="energy_consumption_10k_tce")])
    >>> panel = pd.DataFrame({"code": ["11"], "year": [2019],
    ...                       "indicator": ["Energy_Consumption_10k_TCE"], "value": [1.0]})
    >>> out, notes = match_series_ids(panel, spec)
    >>> out["indicator"].tolist()
    ['energy_consumption_10k_tce']
    >>> print(notes[0])
    series id 'Energy_Consumption_10k_TCE' read as the spec's 'energy_consumption_10k_tce' (same id in another case; 1 row)
    """
    series = list(spec_series(spec))
    if not series or "indicator" not in panel.columns:
        return panel, []
    by_fold: dict[str, list[str]] = {}
    for sid in series:
        by_fold.setdefault(sid.casefold(), []).append(sid)
    counts = panel["indicator"].value_counts(dropna=True)
    mapping, notes = {}, []
    for name, n in sorted(counts.items(), key=lambda kv: str(kv[0])):
        text = str(name)
        if text in series:
            continue
        target = by_fold.get(text.strip().casefold(), [])
        if len(target) == 1 and target[0] not in counts.index:
            mapping[name] = target[0]
            notes.append(f"series id {text!r} read as the spec's {target[0]!r} (same id in "
                         f"another case; {n} row{'s' if n != 1 else ''})")
    if not mapping:
        return panel, []
    out = panel.copy()
    out["indicator"] = out["indicator"].replace(mapping)
    return out, notes


def nearest_ids(name: str, ids: Iterable[str], n: int = 1) -> list[str]:
    """Ids closest to ``name``: same id in another case first, then by spelling.

    Examples
    --------
    >>> nearest_ids("Energy_Consumption_10k_TCE", ["gdp_100m_yuan", "energy_consumption_10k_tce"])
    ['energy_consumption_10k_tce']
    >>> nearest_ids("gpd_100m_yuan", ["gdp_100m_yuan", "population_10k"])
    ['gdp_100m_yuan']
    """
    ids = [str(i) for i in ids]
    folded = [i for i in ids if i.casefold() == str(name).casefold()]
    if folded:
        return folded[:n]
    by_fold = {i.casefold(): i for i in ids}
    # A high cutoff: a suggestion of a different series misleads more than none.
    close = difflib.get_close_matches(str(name).casefold(), list(by_fold), n=n, cutoff=0.85)
    return [by_fold[c] for c in close]


def spec_problems(
    frame, spec, loc: Locator, registry: Registry, years, *, usable, code_text: Texts,
    ind_text: Texts, require_series: bool = False,
) -> list[Problem]:
    """Unknown indicators, unit mismatches and coverage gaps.

    ``usable`` marks the rows with a known code and a year; ``code_text`` and
    ``ind_text`` are the code and indicator columns as distinct values and row codes.  Rows
    are only touched through numpy operations; Python loops run over distinct
    indicators, units, codes and years.
    """
    problems: list[Problem] = []
    series = spec_series(spec)
    ind_codes = ind_text.codes
    present = ind_text.uniques
    position = {indicator: k for k, indicator in enumerate(present)}
    if series:
        unused = []  # (indicator, rows) without a spec id close to it
        for indicator in sorted(i for i in present if i not in series):
            idx = frame.index[np.flatnonzero(ind_codes == position[indicator])]
            near = nearest_ids(indicator, series)
            if not near:
                unused.append((indicator, idx))
                continue
            problems.append(
                Problem(
                    "warning",
                    f"indicator {indicator!r} is not a series of the spec "
                    f"({rows_text(loc, list(idx))}); it is not used",
                    f"did you mean {near[0]!r}? check the spelling against the spec's "
                    "[[series]] ids, or add it to the spec",
                    kind="indicator not in the spec",
                    file=loc.file(idx[0]),
                    row=loc.row(idx[0]),
                    column="indicator",
                    indicator=indicator,
                )
            )
        # Series a file holds beyond the spec (the embedded panel has a dozen) are listed in
        # one warning; one or two are more likely a slip and are shown each with its rows.
        if len(unused) >= 3:
            listed = ", ".join(f"{i} ({len(idx)} rows)" for i, idx in unused)
            problems.append(Problem(
                "warning",
                f"{len(unused)} indicators are not a series of the spec and are not used: "
                f"{listed}",
                "nothing to do if they are extra series; otherwise check the spelling "
                "against the spec's [[series]] ids, or add them to the spec",
                kind="indicator not in the spec", column="indicator"))
            unused = []
        for indicator, idx in unused:
            problems.append(
                Problem(
                    "warning",
                    f"indicator {indicator!r} is not a series of the spec "
                    f"({rows_text(loc, list(idx))}); it is not used",
                    "check the spelling against the spec's [[series]] ids, or add it to the "
                    "spec",
                    kind="indicator not in the spec",
                    file=loc.file(idx[0]),
                    row=loc.row(idx[0]),
                    column="indicator",
                    indicator=indicator,
                )
            )
    if series and "unit" in frame.columns:
        units = distinct_text(frame["unit"], plain_text, TEXT_KINDS)
        width = max(len(units.uniques), 1)
        pair = ind_codes * width + units.codes
        # Distinct (indicator, unit) pairs in the order of a sorted groupby.
        pairs = sorted(
            (present[p // width], units.uniques[p % width], p)
            for p in pd.unique(pair).tolist()
        )
        for indicator, unit, key in pairs:
            expected = getattr(series.get(indicator), "unit", None)
            if indicator not in series or not expected or not unit:
                continue
            if norm_unit(unit) != norm_unit(expected):
                idx = list(frame.index[np.flatnonzero(pair == key)])
                problems.append(
                    Problem(
                        "error",
                        f"unit {unit!r} does not match the spec unit {expected!r} "
                        f"({rows_text(loc, idx)})",
                        "convert the values to the spec unit (and fix the unit column), "
                        "or correct the spec",
                        file=loc.file(idx[0]),
                        row=loc.row(idx[0]),
                        column="unit",
                        indicator=indicator,
                    )
                )
    if years is None and spec is not None:
        years = getattr(spec, "years", None)
    if years is None:
        return problems
    years = sorted(set(int(y) for y in years))
    wanted = list(series) if series else sorted(i for i in present if i)
    codes = registry.codes
    # Each usable row as positions (wanted series, registry code, coverage year).
    slot = {name: k for k, name in enumerate(wanted)}
    row_w = ind_text.lookup(lambda i: slot.get(i, -1), dtype=np.int64)
    code_slot = {c: k for k, c in enumerate(codes)}
    row_c = code_text.lookup(lambda c: code_slot.get(c, -1), dtype=np.int64)
    rows = np.flatnonzero(usable & (row_w >= 0))
    counts = np.bincount(row_w[rows], minlength=len(wanted))
    year_values = frame["year"].to_numpy(dtype="int64", na_value=0)[rows]
    year_array = np.asarray(years, dtype="int64")
    row_y = np.searchsorted(year_array, year_values)
    in_years = row_y < len(years)
    in_years[in_years] = year_array[row_y[in_years]] == year_values[in_years]
    if len(rows) and not in_years.any():
        held = sorted(set(year_values.tolist()))
        problems.append(Problem(
            "warning",
            f"coverage: the data hold {year_ranges(held)}, none of the years checked "
            f"({year_ranges(years)})",
            "check these years against the spec's years (add the new year to the spec's "
            "years to score it)",
            advice={"cli": "add the new year to the spec's years (a copy of the spec, given "
                           "with --spec) to score it"},
            kind="coverage"))
        return problems
    rows, row_y = rows[in_years], row_y[in_years]
    row_w, row_c = row_w[rows], row_c[rows]
    cube = None
    if len(wanted) * len(codes) * len(years) <= 50_000_000:  # one scatter for all series
        cube = np.zeros((len(wanted), len(codes), len(years)), dtype=bool)
        cube[row_w, row_c, row_y] = True
    for k, indicator in enumerate(wanted):
        if counts[k] == 0:
            needs = [i.id for i in getattr(spec, "indicators", ())
                     if indicator in getattr(i, "series", ())]
            near = nearest_ids(indicator, [i for i in present if i and i not in series])
            problems.append(
                Problem(
                    "error" if require_series else "warning",
                    f"series {indicator!r} of the spec has no data"
                    + (f" for {year_ranges(years)}" if not require_series else "")
                    + (f"; indicators built from it: {', '.join(needs)}" if needs else ""),
                    (f"the data have {near[0]!r}: correct the id in the data or the spec; "
                     if near else "add the series to the data, ")
                    + "or remove the indicators built from it from the spec",
                    column="indicator",
                    indicator=indicator,
                    kind="series of the spec without data",
                    file=loc.source if require_series else None,
                )
            )
            continue
        if cube is not None:
            got = cube[k]
        else:
            got = np.zeros((len(codes), len(years)), dtype=bool)
            mine = row_w == k
            got[row_c[mine], row_y[mine]] = True
        # One warning per series and set of absent years, naming the units.
        gaps: dict[tuple, list[str]] = {}
        for c in np.flatnonzero(~got.all(axis=1)).tolist():
            absent = tuple(years[y] for y in np.flatnonzero(~got[c]).tolist())
            gaps.setdefault(absent, []).append(codes[c])
        for absent, units in gaps.items():
            names = [f"{registry.label(c)} ({c})" for c in units]
            listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5
                                             else "")
            problems.append(
                Problem(
                    "warning",
                    f"coverage: no {indicator} for {listed} in {year_ranges(absent)}",
                    "add the rows if the source has them; otherwise the build drops the "
                    "units or the indicators by the spec's missing rule and says which",
                    code=units[0] if len(units) == 1 else None,
                    province=names[0] if len(units) == 1 else None,
                    indicator=indicator,
                    kind="coverage",
                )
            )
    return problems
