"""Where a row of a panel came from, and duplicate rows named by their source.

Readers add ``source_file, source_row, source_column, source_label`` to the
panels they return (:data:`SOURCE_COLUMNS`); a :class:`Locator` turns a row of
such a panel back into "file, row 7, Beijing (11), written '北　京'".  Both the
readers (duplicates inside one file) and :mod:`gmindex.validation` (the whole
panel) report duplicate province-year-series through :func:`duplicate_problems`,
so this module sits below both of them.

Examples
--------
>>> year_ranges([2016, 2017, 2018, 2020])
'2016-2018, 2020'
>>> import pandas as pd
>>> frame = pd.DataFrame({"code": ["11", "11"], "year": [2019, 2019],
...                       "indicator": ["gdp"] * 2, "value": [1.0, 2.0]})
>>> [p.problem for p in duplicate_problems(frame)]
['duplicate province-year-indicator (conflicting values): index 0 (value 1.0) and index 1 (value 2.0)']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from gmindex.errors import Problem
from gmindex.errors import is_missing as _isna
from gmindex.provinces import Registry, default_registry

__all__ = [
    "SOURCE_COLUMNS",
    "YEAR_RANGE",
    "Locator",
    "duplicate_problems",
    "duplicate_problems_in",
    "fmt_value",
    "rows_text",
    "year_ranges",
]

#: Plausible data years (inclusive); anything outside is a typo or a date.
YEAR_RANGE = (1949, 2100)

#: Columns a reader adds so that problems can point back at the source.
SOURCE_COLUMNS = ("source_file", "source_row", "source_column", "source_label")

# Shanxi and Shaanxi differ by one letter in English and are often swapped.
_LOOKALIKES = {"14": "61", "61": "14"}

def year_ranges(years: Iterable[int]) -> str:
    """``[2016, 2017, 2018, 2020]`` -> ``"2016-2018, 2020"``."""
    years = sorted(set(int(y) for y in years))
    parts: list[str] = []
    start = prev = None
    for y in years + [None]:
        if start is None:
            start = prev = y
        elif y is not None and y == prev + 1:
            prev = y
        else:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = y
    return ", ".join(parts)


class Locator:
    """Turns a frame's index label into a file name, row number and province text."""

    def __init__(self, frame: pd.DataFrame, source: str, registry: Registry):
        self.frame = frame
        self.source = source
        self.registry = registry
        self.has_rows = "source_row" in frame.columns
        self._files: int | None = None
        self._names: dict[str, str] = {}
        self._arrays: dict[str, object] = {}
        # frame.at looks the label up in a new column Series on every call; with
        # unique labels the same lookup on cached column arrays is much cheaper.
        self.direct = (
            frame.index.is_unique
            and frame.columns.is_unique
            and not isinstance(frame.index, pd.MultiIndex)
        )

    def at(self, idx, column: str):
        """``frame.at[idx, column]``."""
        if not self.direct:
            return self.frame.at[idx, column]
        values = self._arrays.get(column)
        if values is None:
            values = self._arrays[column] = self.frame[column]._values
        return values[self.frame.index.get_loc(idx)]

    def set(self, column: str, values) -> None:
        """``frame[column] = values``, keeping :meth:`at` in step."""
        self.frame[column] = values
        self._arrays.pop(column, None)

    def label(self, code: str) -> str:
        """``registry.label(code)``, looked up once per code."""
        name = self._names.get(code)
        if name is None:
            name = self._names[code] = self.registry.label(code)
        return name

    def file(self, idx) -> str:
        if "source_file" in self.frame.columns:
            value = self.at(idx, "source_file")
            if not _isna(value):
                return str(value)
        return self.source

    def row(self, idx) -> int | None:
        if self.has_rows:
            value = self.at(idx, "source_row")
            return None if _isna(value) else int(value)
        return None

    def suffix(self, idx) -> str:
        """' (index 3)' for in-memory frames, whose rows have no line numbers."""
        return "" if self.has_rows else f" (index {idx})"

    def where(self, idx) -> str:
        """Short pointer used inside messages: 'row 7' or 'index 3', with file if mixed."""
        if self.has_rows:
            text = f"row {self.row(idx)}"
        else:
            text = f"index {idx}"
        if self._files is None:  # counted once: duplicate reports call this per row
            self._files = (
                self.frame["source_file"].nunique() if "source_file" in self.frame else 1
            )
        return f"{self.file(idx)} {text}" if self._files > 1 else text

    def column(self, idx, default: str) -> str:
        if "source_column" in self.frame.columns:
            value = self.at(idx, "source_column")
            if not _isna(value):
                return str(value)
        return default

    def province(self, code: object, idx=None) -> str:
        label = None
        if idx is not None and "source_label" in self.frame.columns:
            raw = self.at(idx, "source_label")
            label = None if _isna(raw) else str(raw)
        if isinstance(code, str) and code in self.registry:
            name = f"{self.label(code)} ({code})"
            return name if label is None or label.strip() == code else f"{name}, written {label!r}"
        return repr(label if label is not None else str(code))


def rows_text(loc: Locator, idx: Sequence, limit: int = 3) -> str:
    """'2 rows: row 5, row 9' or '300 rows, first: row 2'."""
    count = f"{len(idx)} row{'s' if len(idx) != 1 else ''}"
    if len(idx) > limit:
        return f"{count}, first: {loc.where(idx[0])}"
    return f"{count}: {', '.join(loc.where(i) for i in idx)}"


def fmt_value(value: object) -> str:
    """A cell value as the user typed it: 2019.5, 'abc' (no numpy reprs)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isnan(value):
        return repr(value)
    return repr(value) if isinstance(value, str) else str(value)


def duplicate_problems(
    frame: pd.DataFrame, *, source: str = "<data>", registry: Registry | None = None
) -> list[Problem]:
    """One error per province-year-indicator that occurs more than once.

    The message names every row involved with its value: the user chooses,
    nothing is overwritten.  When the same rows collide in several years (a
    province written twice in a yearbook table) they make one problem that
    lists the years.  Used by :func:`check_panel` and by the readers.
    """
    keys = frame[["code", "year", "indicator"]]
    dup = keys.duplicated(keep=False) & keys.notna().all(axis=1)
    return duplicate_problems_in(frame, dup.to_numpy(), source=source, registry=registry)


def duplicate_problems_in(
    frame: pd.DataFrame, dup: np.ndarray, *, source: str, registry: Registry | None
) -> list[Problem]:
    """The problems of :func:`duplicate_problems`, given the duplicated rows (a mask)."""
    registry = registry or default_registry()
    loc = Locator(frame, source, registry)
    problems: list[Problem] = []
    if not dup.any():
        return problems
    floats = loc.direct and frame["value"].dtype == np.float64
    clusters: dict[tuple, list] = {}
    groups = frame[dup].groupby(["indicator", "code", "year"], sort=True, dropna=True)
    for (indicator, code, year), group in groups:
        idx = list(group.index)
        rows = tuple(loc.where(i) for i in idx)
        clusters.setdefault((indicator, code, rows), []).append((int(year), idx))
    for (indicator, code, rows), members in clusters.items():
        years = [y for y, _ in members]
        conflict = any(_count_values(loc, idx, floats) > 1 for _, idx in members)
        same = "conflicting values" if conflict else "same value"
        word = "value" if len(members) == 1 else "values"
        listed = " and ".join(
            f"{where} ({_label_of(loc, members[0][1][k])}{word} "
            + ", ".join(fmt_value(loc.at(idx[k], "value")) for _, idx in members)
            + ")"
            for k, where in enumerate(rows)
        )
        when = "" if len(years) == 1 else f" in {year_ranges(years)}"
        suggestion = "keep one row; the reader never picks one for you"
        other = _LOOKALIKES.get(str(code))
        if other is not None and other in registry:
            suggestion = (
                f"check whether one of them is {registry.label(other)} ({other}, "
                f"{registry.label(other, 'zh')}): Shanxi (山西, 14) and Shaanxi (陕西, 61) "
                "are often swapped; otherwise keep one row"
            )
        last = members[0][1][-1]
        files = {loc.file(i) for _, idx in members for i in idx}
        # The same value in two files is an agreeing overlap: combining keeps one copy.
        severity = "warning" if not conflict and len(files) > 1 else "error"
        if severity == "warning":
            suggestion = "the files agree; combine_panels (or several --data) keeps one copy"
        problems.append(
            Problem(
                severity,
                f"duplicate province-year-indicator{when} ({same}): {listed}",
                suggestion,
                file=loc.file(last),
                row=loc.row(last),
                code=str(code),
                province=loc.province(str(code)),
                year=years[0] if len(years) == 1 else None,
                indicator=str(indicator),
            )
        )
    return problems


def _count_values(loc: Locator, idx: list, floats: bool) -> int:
    """``frame.loc[idx, "value"].nunique(dropna=False)``; without pandas for floats."""
    if not floats:
        return loc.frame.loc[idx, "value"].nunique(dropna=False)
    values = [loc.at(i, "value") for i in idx]
    numbers = {v for v in values if v == v}  # 0.0 and -0.0 count once, as in pandas
    return len(numbers) + any(v != v for v in values)


def _label_of(loc: Locator, idx) -> str:
    """The province as written in the source, followed by ', ' (empty if unknown)."""
    if "source_label" not in loc.frame.columns or _isna(loc.at(idx, "source_label")):
        return ""
    return f"{str(loc.at(idx, 'source_label'))!r}, "


