"""Check a long panel and report every problem at once.

A problem names where it is (file, row as the user sees it in Excel or a text
editor, column, province, year, indicator), what is wrong and what to do.
:func:`check_panel` collects all problems of an in-memory panel;
:func:`validate_file` adds the problems met while reading files, so that a bad
file gives a report instead of a traceback.  :class:`DataError` is the one
exception type for bad data; its message lists the problems in plain words.

Examples
--------
>>> import pandas as pd
>>> panel = pd.DataFrame({
...     "code": ["11", "11", "99"],
...     "year": [2019, 2019, 2019],
...     "indicator": ["gdp_100m_yuan"] * 3,
...     "value": [35445.1, 35371.3, -1.0],
... })
>>> report = check_panel(panel, source="gdp.csv")
>>> report.ok
False
>>> for problem in report.errors["problem"]:
...     print(problem)
negative value -1.0 (index 2) where the series cannot be negative
unknown province code '99' (1 row: index 2)
duplicate province-year-indicator (conflicting values): index 0 (value 35445.1) and index 1 (value 35371.3)
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gmindex.provinces import Registry, UnknownUnitError, default_registry

__all__ = [
    "PROBLEM_COLUMNS",
    "YEAR_RANGE",
    "DataError",
    "Problem",
    "ValidationReport",
    "check_panel",
    "panel_schema",
    "validate_file",
]

#: Columns of every problems table, in order.
PROBLEM_COLUMNS = (
    "severity",
    "file",
    "row",
    "code",
    "province",
    "column",
    "year",
    "indicator",
    "problem",
    "suggestion",
)

#: Plausible data years (inclusive); anything outside is a typo or a date.
YEAR_RANGE = (1949, 2100)

#: Columns a reader adds so that problems can point back at the source.
SOURCE_COLUMNS = ("source_file", "source_row", "source_column", "source_label")

_REQUIRED = ("code", "year", "indicator", "value")
_SEVERITIES = ("error", "warning")
# Shanxi and Shaanxi differ by one letter in English and are often swapped.
_LOOKALIKES = {"14": "61", "61": "14"}


@dataclass(frozen=True)
class Problem:
    """One problem with its location, in the user's terms.

    ``row`` is the 1-based line (CSV) or row (Excel) as shown by a text editor
    or Excel; for an in-memory DataFrame without source rows it is the index
    label (the message then says ``index`` instead of ``row``).
    """

    severity: str
    problem: str
    suggestion: str = ""
    file: str | None = None
    row: int | None = None
    code: str | None = None
    province: str | None = None
    column: str | None = None
    year: int | None = None
    indicator: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in _SEVERITIES:
            raise ValueError(f"severity must be one of {_SEVERITIES}, got {self.severity!r}")

    def location(self) -> str:
        """Where the problem is, e.g. ``"a.csv, row 7, column '2019', province 'Shanxii'"``."""
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.province:
            parts.append(f"province {self.province}")
        if self.year is not None:
            parts.append(f"year {self.year}")
        if self.indicator:
            parts.append(f"indicator {self.indicator!r}")
        return ", ".join(parts)

    def format(self) -> str:
        """The problem as one line of plain text."""
        where = self.location()
        text = f"{where}: {self.problem}" if where else self.problem
        if self.suggestion:
            text += f". Fix: {self.suggestion}"
        return text


def _problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    problems = list(problems)
    return pd.DataFrame(
        {
            col: pd.array([getattr(p, col) for p in problems],
                          dtype="Int64" if col in ("row", "year") else "str")
            for col in PROBLEM_COLUMNS
        }
    )


def _frame_to_problems(frame: pd.DataFrame) -> list[Problem]:
    out = []
    for rec in frame.to_dict("records"):
        clean = {k: (None if _isna(v) else v) for k, v in rec.items()}
        for key in ("row", "year"):
            if clean.get(key) is not None:
                clean[key] = int(clean[key])
        clean["suggestion"] = clean.get("suggestion") or ""
        out.append(Problem(**{k: clean.get(k) for k in PROBLEM_COLUMNS}))
    return out


def _isna(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


class DataError(ValueError):
    """Bad input data: the message says where, what is wrong and what to do.

    Parameters
    ----------
    problems : Problem, sequence of Problem, or str
        The problems found (all of them, not only the first).
    max_listed : int
        How many problems the message spells out; all are kept in
        :attr:`problems`.

    Attributes
    ----------
    problems : tuple of Problem

    Examples
    --------
    >>> err = DataError(Problem("error", "not a number: 'abc'", "type the value",
    ...                         file="a.csv", row=3, column="2019"))
    >>> print(err)
    a.csv, row 3, column '2019': not a number: 'abc'. Fix: type the value
    """

    def __init__(self, problems: Problem | Sequence[Problem] | str, *, max_listed: int = 10):
        if isinstance(problems, str):
            problems = [Problem("error", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = tuple(problems)
        super().__init__(_format_problems(self.problems, max_listed=max_listed))

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table with :data:`PROBLEM_COLUMNS`."""
        return _problems_frame(self.problems)


def _format_problems(problems: Sequence[Problem], *, max_listed: int) -> str:
    if len(problems) == 1:
        return problems[0].format()
    errors = sum(p.severity == "error" for p in problems)
    head = f"{len(problems)} problems ({errors} errors)"
    lines = [head + ":"] + [f"  - {p.format()}" for p in problems[:max_listed]]
    if len(problems) > max_listed:
        lines.append(
            f"  ... and {len(problems) - max_listed} more "
            "(see the .problems attribute or run validate_file for the full table)"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class ValidationReport:
    """All problems found in one or more inputs.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem, columns :data:`PROBLEM_COLUMNS`; errors first.
    source : str
        What was checked (file names or ``"<data>"``).
    read_reports : tuple
        The :class:`gmindex.io.readers.ReadReport` of each file read, if any.
    """

    problems: pd.DataFrame
    source: str = "<data>"
    read_reports: tuple = ()

    @classmethod
    def from_problems(
        cls, problems: Iterable[Problem], *, source: str = "<data>", read_reports: tuple = ()
    ) -> ValidationReport:
        """Build a report; problems are ordered errors first, then by file and row."""
        frame = _problems_frame(problems)
        rank = frame["severity"].map({"error": 0, "warning": 1})
        frame = (
            frame.assign(_rank=rank)
            .sort_values(["_rank", "file", "row"], kind="stable", na_position="last")
            .drop(columns="_rank")
            .reset_index(drop=True)
        )
        return cls(problems=frame, source=source, read_reports=tuple(read_reports))

    @property
    def errors(self) -> pd.DataFrame:
        """Problems of severity ``error``."""
        return self.problems[self.problems["severity"] == "error"].reset_index(drop=True)

    @property
    def warnings(self) -> pd.DataFrame:
        """Problems of severity ``warning``."""
        return self.problems[self.problems["severity"] == "warning"].reset_index(drop=True)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.errors.empty

    def raise_if_errors(self) -> ValidationReport:
        """Raise :class:`DataError` listing every error; return the report otherwise."""
        if not self.ok:
            raise DataError(_frame_to_problems(self.errors))
        return self

    def summary(self, *, max_lines: int | None = 50) -> str:
        """Plain-text summary: counts, then one block per problem."""
        n_err, n_warn = len(self.errors), len(self.warnings)
        lines = [f"{self.source}: {n_err} errors, {n_warn} warnings"]
        problems = _frame_to_problems(self.problems)
        shown = problems if max_lines is None else problems[:max_lines]
        for p in shown:
            lines.append(f"  {p.severity}: {p.format()}")
        if len(shown) < len(problems):
            lines.append(f"  ... and {len(problems) - len(shown)} more (see .to_frame())")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """A copy of the problems table."""
        return self.problems.copy()

    def __str__(self) -> str:
        return self.summary()


# ---------------------------------------------------------------------------
# Panel checks


def panel_schema(*, codes: Sequence[str], year_range: tuple[int, int] = YEAR_RANGE):
    """The pandera schema behind the row-level checks of :func:`check_panel`.

    Checks a panel whose ``year`` and ``value`` are already numeric: ``code``
    in ``codes``, ``year`` within ``year_range`` and ``value`` finite and not
    negative.  Useful on its own in pipelines that already use pandera.

    Returns
    -------
    pandera.pandas.DataFrameSchema
    """
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "code": pa.Column(checks=pa.Check.isin(list(codes)), nullable=False),
            "year": pa.Column(checks=pa.Check.in_range(*year_range), nullable=True),
            "value": pa.Column(
                checks=[
                    pa.Check(lambda s: ~np.isinf(s), error="finite"),
                    pa.Check.ge(0),
                ],
                nullable=True,
            ),
        },
        strict=False,
        coerce=False,
    )


def _schema_failures(frame: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Failure cases (column, check, index) of :func:`panel_schema`."""
    import pandera.errors as pa_errors

    schema = panel_schema(codes=codes)
    try:
        schema.validate(frame, lazy=True)
    except pa_errors.SchemaErrors as exc:
        failures = exc.failure_cases
        failures = failures[failures["index"].notna()]
        return failures[["column", "check", "index"]].reset_index(drop=True)
    return pd.DataFrame({"column": [], "check": [], "index": []})


def _spec_series(spec) -> dict[str, object]:
    if spec is None:
        return {}
    return {str(s.id): s for s in getattr(spec, "series", ())}


def _norm_unit(unit: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(unit)).split()).casefold()


def _year_ranges(years: Iterable[int]) -> str:
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


class _Locator:
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


def _rows_text(loc: _Locator, idx: Sequence, limit: int = 3) -> str:
    """'2 rows: row 5, row 9' or '300 rows, first: row 2'."""
    count = f"{len(idx)} row{'s' if len(idx) != 1 else ''}"
    if len(idx) > limit:
        return f"{count}, first: {loc.where(idx[0])}"
    return f"{count}: {', '.join(loc.where(i) for i in idx)}"


def _code_text(v) -> str:
    """A code as text: 11 and 11.0 become '11'; text is stripped; missing is ''."""
    if _isna(v):
        return ""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v).strip()


def _plain_text(v) -> str:
    return "" if _isna(v) else str(v).strip()


# infer_dtype kinds for which values that compare equal give the same text, so
# that the text can be computed once per distinct value: 11 and 11.0 are both
# '11' as codes, but not as indicator names.  Other kinds (bools among numbers,
# mixed objects) are converted row by row.
_CODE_KINDS = ("string", "empty", "integer", "floating", "mixed-integer-float")
_TEXT_KINDS = ("string", "empty")


@dataclass(frozen=True)
class _Texts:
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


def _distinct_text(values: pd.Series, func, kinds: tuple[str, ...]) -> _Texts:
    """``values.map(func)`` with ``func`` called once per distinct value where safe."""
    if len(values) and pd.api.types.infer_dtype(values, skipna=True) in kinds:
        raw_codes, raw_uniques = pd.factorize(values, use_na_sentinel=True)
        texts = [func(u) for u in raw_uniques]
        if (raw_codes < 0).any():
            texts.append(func(None))  # code -1: the missing values
        text_codes, uniques = pd.factorize(np.asarray(texts, dtype=object))
        return _Texts(text_codes[raw_codes].astype(np.int64), list(uniques))
    mapped = values.map(func).to_numpy(dtype=object)
    codes, uniques = pd.factorize(mapped, use_na_sentinel=False)
    return _Texts(codes.astype(np.int64), list(uniques))


def _fmt_value(value: object) -> str:
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
    return _duplicate_problems(frame, dup.to_numpy(), source=source, registry=registry)


def _duplicate_problems(
    frame: pd.DataFrame, dup: np.ndarray, *, source: str, registry: Registry | None
) -> list[Problem]:
    """The problems of :func:`duplicate_problems`, given the duplicated rows (a mask)."""
    registry = registry or default_registry()
    loc = _Locator(frame, source, registry)
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
            + ", ".join(_fmt_value(loc.at(idx[k], "value")) for _, idx in members)
            + ")"
            for k, where in enumerate(rows)
        )
        when = "" if len(years) == 1 else f" in {_year_ranges(years)}"
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


def _count_values(loc: _Locator, idx: list, floats: bool) -> int:
    """``frame.loc[idx, "value"].nunique(dropna=False)``; without pandas for floats."""
    if not floats:
        return loc.frame.loc[idx, "value"].nunique(dropna=False)
    values = [loc.at(i, "value") for i in idx]
    numbers = {v for v in values if v == v}  # 0.0 and -0.0 count once, as in pandas
    return len(numbers) + any(v != v for v in values)


def _label_of(loc: _Locator, idx) -> str:
    """The province as written in the source, followed by ', ' (empty if unknown)."""
    if "source_label" not in loc.frame.columns or _isna(loc.at(idx, "source_label")):
        return ""
    return f"{str(loc.at(idx, 'source_label'))!r}, "


def check_panel(
    df: pd.DataFrame,
    *,
    spec=None,
    registry: Registry | None = None,
    years: Iterable[int] | None = None,
    source: str = "<data>",
    allow_negative: Iterable[str] = (),
) -> ValidationReport:
    """Check a long panel and list every problem found.

    Parameters
    ----------
    df : pandas.DataFrame
        Long panel: ``code, year, indicator, value`` and optionally ``unit``,
        ``source_id``.  Readers can add ``source_file, source_row,
        source_column, source_label`` (``keep_source=True``) so that problems
        point at the line of the original file.
    spec : Spec, optional
        Anything with ``series`` (objects with ``id``, ``unit``) and ``years``.
        Enables the unit, unknown-indicator and coverage checks.
    registry : Registry, optional
        Known provinces; the default registry if omitted.
    years : iterable of int, optional
        Years whose coverage is checked; ``spec.years`` if omitted.
    source : str
        Name used for the data when it has no ``source_file`` column.
    allow_negative : iterable of str
        Series that may be negative (all default series are non-negative).  A
        spec series with ``allow_negative = true`` is allowed as well.

    Returns
    -------
    ValidationReport
        Errors: missing columns, unknown province, non-numeric, missing or
        infinite value, negative value, year not a whole number or outside
        :data:`YEAR_RANGE`, duplicate province-year-indicator, unit not the
        spec's.  Warnings: indicator not in the spec, and coverage (a spec
        series lacking a province or a year; Tibet legitimately lacks several).

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"code": ["11", "54"], "year": [2019, 1919],
    ...                       "indicator": ["x", "x"], "value": [1.0, 2.0]})
    >>> check_panel(panel).errors["problem"].tolist()
    ['year 1919 outside 1949-2100 (index 1)']
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"check_panel needs a pandas DataFrame, got {type(df).__name__}")
    registry = registry or default_registry()
    problems: list[Problem] = []
    missing_cols = [c for c in _REQUIRED if c not in df.columns]
    if missing_cols:
        problems.append(
            Problem(
                "error",
                f"missing column(s) {', '.join(missing_cols)}; found {', '.join(map(str, df.columns))}",
                "a long panel needs columns code, year, indicator, value "
                "(read files with gmindex.io.read_long or read_wide)",
                file=source,
            )
        )
        return ValidationReport.from_problems(problems, source=source)

    # A shallow copy: columns are replaced, never modified in place (copy-on-write).
    frame = df.copy(deep=False)
    if not frame.index.is_unique:
        # e.g. pd.concat without ignore_index: row labels would be ambiguous in messages.
        frame = frame.reset_index(drop=True)
    loc = _Locator(frame, source, registry)
    code = _distinct_text(frame["code"], _code_text, _CODE_KINDS)
    indicator = _distinct_text(frame["indicator"], _plain_text, _TEXT_KINDS)
    loc.set("code", code.column(frame.index))
    loc.set("indicator", indicator.column(frame.index))

    # Values and years must be numbers before the schema checks can run.
    raw_value = frame["value"]
    value_num = pd.to_numeric(raw_value, errors="coerce")
    # Only cells that did not parse, or are missing, can be text or NaN: the
    # per-cell look is limited to those.
    unparsed = value_num.isna().to_numpy()
    raw_na = raw_value.isna().to_numpy()
    maybe = np.flatnonzero(unparsed | raw_na)
    nan_float = raw_value.iloc[maybe].map(_is_nan_float).to_numpy(dtype=bool)
    unparsed, raw_na = unparsed[maybe], raw_na[maybe]
    for idx in frame.index[maybe[unparsed & ~raw_na & ~nan_float]]:
        problems.append(
            Problem(
                "error",
                f"not a number: {_fmt_value(loc.at(idx, 'value'))}{loc.suffix(idx)}",
                "type the number without text; leave missing values out of a long panel",
                **_where(loc, frame, idx, "value"),
            )
        )
    for idx in frame.index[maybe[raw_na | nan_float]]:
        problems.append(
            Problem(
                "error",
                f"value is missing (NaN){loc.suffix(idx)}",
                "a missing value has no row in a long panel: drop the row "
                "(df.dropna(subset=['value']))",
                **_where(loc, frame, idx, "value"),
            )
        )
    year_num = pd.to_numeric(frame["year"], errors="coerce")
    year_bad = year_num.isna() | (year_num.notna() & (year_num % 1 != 0))
    for idx in frame.index[year_bad.to_numpy()]:
        problems.append(
            Problem(
                "error",
                f"year {_fmt_value(loc.at(idx, 'year'))} is not a whole number{loc.suffix(idx)}",
                "write the year as 2019, not 2019.5, a date or text",
                **_where(loc, frame, idx, "year", with_year=False),
            )
        )
    loc.set("value", value_num)
    loc.set("year", year_num.where(~year_bad).astype("Int64"))

    # Row-level checks through the pandera schema, grouped into readable problems.
    allowed = set(map(str, allow_negative)) | {
        sid for sid, s in _spec_series(spec).items() if getattr(s, "allow_negative", False)
    }
    codes = registry.codes
    known_code = code.isin(set(codes))
    checked = frame[["code", "year", "value"]].copy()
    checked["value"] = checked["value"].where(~indicator.isin(allowed), 0.0)
    checked["value"] = checked["value"].fillna(0.0)
    # The schema sees every row that can fail one of its checks (a superset
    # computed with numpy), in the original order: rows that pass add no
    # failure cases, so its report is the one of the whole panel.
    suspect = ~known_code | _year_out_of_range(checked["year"]) | _bad_number(checked["value"])
    failures = _schema_failures(checked[suspect], codes)
    bad_code_idx: list = []
    # Column by column rather than to_dict("records"): the same values, boxed
    # the same way, without a dict per failure.
    for column, check, label in zip(
        failures["column"].tolist(),
        failures["check"].tolist(),
        [_native(v) for v in failures["index"].tolist()],
    ):
        idx = _index_label(frame, label)
        check = str(check)
        if column == "code":
            bad_code_idx.append(idx)
        elif column == "year":
            problems.append(
                Problem(
                    "error",
                    f"year {int(loc.at(idx, 'year'))} outside "
                    f"{YEAR_RANGE[0]}-{YEAR_RANGE[1]}{loc.suffix(idx)}",
                    "correct the year (a typo, or a date read as a number?)",
                    **_where(loc, frame, idx, "year", with_year=False),
                )
            )
        elif column == "value" and check == "finite":
            problems.append(
                Problem(
                    "error",
                    f"value is infinite ({loc.at(idx, 'value')}){loc.suffix(idx)}",
                    "a ratio with a zero denominator? fix the source value",
                    **_where(loc, frame, idx, "value"),
                )
            )
        elif column == "value":
            problems.append(
                Problem(
                    "error",
                    f"negative value {_fmt_value(loc.at(idx, 'value'))}{loc.suffix(idx)} "
                    "where the series cannot be negative",
                    "check the sign in the source; if the series can be negative, pass "
                    f"allow_negative=[{loc.at(idx, 'indicator')!r}]",
                    **_where(loc, frame, idx, "value"),
                )
            )
    problems.extend(_unknown_code_problems(frame, bad_code_idx, loc, registry))

    usable = known_code & frame["year"].notna().to_numpy()
    dup = _duplicated_rows(code.codes, frame["year"], indicator.codes, usable)
    if dup.any():
        valid = frame[usable]
        problems.extend(
            _duplicate_problems(valid, dup[usable], source=source, registry=registry)
        )
    problems.extend(
        _spec_problems(frame, spec, loc, registry, years, usable=usable, code_text=code,
                       ind_text=indicator)
    )
    return ValidationReport.from_problems(problems, source=source)


def _duplicated_rows(code: np.ndarray, year: pd.Series, indicator: np.ndarray,
                     rows: np.ndarray) -> np.ndarray:
    """Among ``rows``, those whose (code, year, indicator) occurs more than once.

    ``code`` and ``indicator`` are integer codes of the texts; the three keys
    are combined into one integer per row, so only integers are hashed.
    """
    out = np.zeros(len(code), dtype=bool)
    where = np.flatnonzero(rows)
    if len(where) < 2:
        return out
    pair, _ = pd.factorize(code[where] * (int(indicator.max()) + 1) + indicator[where])
    year_codes, year_uniques = pd.factorize(year.to_numpy(dtype="int64", na_value=0)[where])
    key = pair.astype(np.int64) * (len(year_uniques) + 1) + year_codes
    out[where] = pd.Index(key).duplicated(keep=False)
    return out


def _year_out_of_range(year: pd.Series) -> np.ndarray:
    """Rows whose (whole, nullable) year lies outside :data:`YEAR_RANGE`."""
    values = year.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        inside = (values >= YEAR_RANGE[0]) & (values <= YEAR_RANGE[1])
    return ~inside & ~np.isnan(values)


def _bad_number(value: pd.Series) -> np.ndarray:
    """Rows that may fail the finite or non-negative checks (a superset: NaN included)."""
    try:
        values = value.to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        return np.ones(len(value), dtype=bool)
    with np.errstate(invalid="ignore"):
        return ~(values >= 0) | np.isinf(values)


def _is_nan_float(v: object) -> bool:
    return isinstance(v, (float, np.floating)) and math.isnan(v)


def _native(value):
    """A numpy scalar as the Python scalar that ``DataFrame.to_dict`` gives."""
    if pd.api.types.is_float(value):
        return float(value)
    if pd.api.types.is_integer(value):
        return int(value)
    if pd.api.types.is_bool(value):
        return bool(value)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.timedelta64):
        return pd.Timedelta(value)
    return None if value is pd.NA else value


def _index_label(frame: pd.DataFrame, idx):
    # pandera reports index labels; keep ints as Python ints.
    return int(idx) if isinstance(idx, (np.integer, float)) and float(idx).is_integer() else idx


def _where(loc: _Locator, frame: pd.DataFrame, idx, column: str, *, with_year: bool = True) -> dict:
    code = loc.at(idx, "code")
    year = loc.at(idx, "year")
    year_int = None
    if with_year and not _isna(year):
        try:
            year_int = int(year) if float(year).is_integer() else None
        except (TypeError, ValueError):
            year_int = None
    indicator = loc.at(idx, "indicator")
    return {
        "file": loc.file(idx),
        "row": loc.row(idx),
        "code": code if code in loc.registry else None,
        "province": loc.province(code, idx),
        "column": loc.column(idx, column) if column == "value" else column,
        "year": year_int,
        "indicator": None if _isna(indicator) or indicator == "" else str(indicator),
    }


def _unknown_code_problems(frame, bad_idx, loc: _Locator, registry: Registry) -> list[Problem]:
    problems = []
    if not bad_idx:
        return problems
    sub = frame.loc[bad_idx]
    if not loc.direct:
        files = sub.index.map(loc.file)
    elif "source_file" in frame.columns:  # loc.file without a label lookup per row
        files = pd.Index([loc.source if _isna(v) else str(v) for v in sub["source_file"].tolist()])
    else:
        files = pd.Index([loc.source] * len(sub))
    for (file, code), group in sub.groupby([files, "code"], sort=True):
        idx = list(group.index)
        try:
            known = registry.to_code(code) if code else None
        except UnknownUnitError as exc:
            known = None
            hint = str(exc).split("; ", 1)[-1]
        if known is not None:
            problem = f"{code!r} is a province name, not a code ({_rows_text(loc, idx)})"
            hint = (
                f"use code {known!r} for {registry.label(known)}; read files with "
                "gmindex.io.read_long, which converts names to codes"
            )
        elif not code:
            problem = f"province code is blank ({_rows_text(loc, idx)})"
            hint = "fill in the province code"
        else:
            problem = f"unknown province code {code!r} ({_rows_text(loc, idx)})"
            hint = f"use a code from the registry (e.g. '11' for Beijing); {hint}"
        first = idx[0]
        problems.append(
            Problem(
                "error",
                problem,
                hint,
                file=file,
                row=loc.row(first),
                province=repr(code),
                column="code",
            )
        )
    return problems


def _spec_problems(
    frame, spec, loc: _Locator, registry: Registry, years, *, usable, code_text: _Texts,
    ind_text: _Texts,
) -> list[Problem]:
    """Unknown indicators, unit mismatches and coverage gaps.

    ``usable`` marks the rows with a known code and a year; ``code_text`` and
    ``ind_text`` are the code and indicator columns as distinct values and row codes.  Rows
    are only touched through numpy operations; Python loops run over distinct
    indicators, units, codes and years.
    """
    problems: list[Problem] = []
    series = _spec_series(spec)
    ind_codes = ind_text.codes
    present = ind_text.uniques
    position = {indicator: k for k, indicator in enumerate(present)}
    if series:
        for indicator in sorted(i for i in present if i not in series):
            idx = frame.index[np.flatnonzero(ind_codes == position[indicator])]
            problems.append(
                Problem(
                    "warning",
                    f"indicator {indicator!r} is not a series of the spec "
                    f"({_rows_text(loc, list(idx))}); it is not used",
                    "check the spelling against the spec's [[series]] ids, or add it to the spec",
                    file=loc.file(idx[0]),
                    row=loc.row(idx[0]),
                    column="indicator",
                    indicator=indicator,
                )
            )
    if series and "unit" in frame.columns:
        units = _distinct_text(frame["unit"], _plain_text, _TEXT_KINDS)
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
            if _norm_unit(unit) != _norm_unit(expected):
                idx = list(frame.index[np.flatnonzero(pair == key)])
                problems.append(
                    Problem(
                        "error",
                        f"unit {unit!r} does not match the spec unit {expected!r} "
                        f"({_rows_text(loc, idx)})",
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
    rows, row_y = rows[in_years], row_y[in_years]
    row_w, row_c = row_w[rows], row_c[rows]
    cube = None
    if len(wanted) * len(codes) * len(years) <= 50_000_000:  # one scatter for all series
        cube = np.zeros((len(wanted), len(codes), len(years)), dtype=bool)
        cube[row_w, row_c, row_y] = True
    for k, indicator in enumerate(wanted):
        if counts[k] == 0:
            problems.append(
                Problem(
                    "warning",
                    f"coverage: series {indicator!r} has no data for "
                    f"{_year_ranges(years)}",
                    "add the series, or drop the indicators built from it from the spec",
                    column="indicator",
                    indicator=indicator,
                )
            )
            continue
        if cube is not None:
            got = cube[k]
        else:
            got = np.zeros((len(codes), len(years)), dtype=bool)
            mine = row_w == k
            got[row_c[mine], row_y[mine]] = True
        for c in np.flatnonzero(~got.all(axis=1)).tolist():
            code = codes[c]
            absent = [years[y] for y in np.flatnonzero(~got[c]).tolist()]
            problems.append(
                Problem(
                    "warning",
                    f"coverage: no {indicator} for {registry.label(code)} ({code}) "
                    f"in {_year_ranges(absent)}",
                    "expected where the source lacks it (Tibet has no energy data); "
                    "the index reports units left out; otherwise add the rows",
                    code=code,
                    province=f"{registry.label(code)} ({code})",
                    indicator=indicator,
                )
            )
    return problems


def validate_file(
    path: str | Path | Sequence[str | Path],
    *,
    spec=None,
    registry: Registry | None = None,
    layout: str = "long",
    years: Iterable[int] | None = None,
    allow_negative: Iterable[str] = (),
    **reader_kwargs,
) -> ValidationReport:
    """Read one or more files and report every problem, reading errors included.

    Parameters
    ----------
    path : path or sequence of paths
        CSV or XLSX files.  Several files are checked together, so a
        province-year-indicator given in two files is reported as a duplicate.
    spec : Spec or path, optional
        The indicator spec (an object, or a TOML path read with
        ``gmindex.spec.read_spec``).
    registry : Registry, optional
    layout : {"long", "years", "indicators"}
        ``"long"`` uses :func:`gmindex.io.read_long`; the others
        :func:`gmindex.io.read_wide` with that layout.
    years : iterable of int, optional
        Years whose coverage is checked (default ``spec.years``).
    allow_negative : iterable of str
        Series that may be negative.
    **reader_kwargs
        Passed to the reader (``indicator=``, ``year=``, ``unit=``, ``sheet=``,
        ``header_rows=``).

    Returns
    -------
    ValidationReport
        Never raises for bad data: a file that cannot be read at all gives
        error rows in the report.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "energy.csv"
    >>> _ = path.write_text("地区,2019,2020\\n北京,6733.8,abc\\nShanxii,1.0,2.0\\n", encoding="utf-8")
    >>> report = validate_file(path, layout="years", indicator="energy")
    >>> [p.split(":")[0] for p in report.errors["problem"]]
    ['not a number', "unknown province name 'Shanxii'"]
    >>> print(report.errors["suggestion"].iloc[1])  # doctest: +ELLIPSIS
    closest known: Shanxi (14), Shaanxi (61), ...; correct the name, or add it as an alias...
    """
    from gmindex.io.readers import _read_lenient

    registry = registry or default_registry()
    if isinstance(spec, (str, Path)):
        from gmindex.spec import read_spec

        spec = read_spec(spec)
    paths = [path] if isinstance(path, (str, Path)) else list(path)
    problems: list[Problem] = []
    frames, reports = [], []
    for one in paths:
        try:
            frame, report = _read_lenient(one, layout=layout, registry=registry, **reader_kwargs)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        except ValueError as exc:  # reader options (layout, indicator=, year=, header_rows=)
            problems.append(Problem("error", str(exc), "correct the reader options",
                                    file=str(one)))
            continue
        problems.extend(report.problem_list())
        frames.append(frame)
        reports.append(report)
    source = ", ".join(str(p) for p in paths)
    if frames:
        panel = pd.concat(frames, ignore_index=True)
        checked = check_panel(
            panel,
            spec=spec,
            registry=registry,
            years=years,
            source=source,
            allow_negative=allow_negative,
        )
        problems.extend(_frame_to_problems(checked.problems))
    return ValidationReport.from_problems(problems, source=source, read_reports=tuple(reports))

