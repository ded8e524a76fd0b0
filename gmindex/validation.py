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

from gmindex.errors import (
    PROBLEM_COLUMNS,
    DataError,
    Problem,
    ValidationReport,
    frame_to_problems as _frame_to_problems,
    problems_frame as _problems_frame,
)
from gmindex.errors import is_missing as _isna
from gmindex.io.readers import read_with_problems
from gmindex.locate import (
    SOURCE_COLUMNS,
    YEAR_RANGE,
    Locator as _Locator,
    duplicate_problems,
    duplicate_problems_in as _duplicate_problems,
    fmt_value as _fmt_value,
    rows_text as _rows_text,
    year_ranges as _year_ranges,
)
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
_REQUIRED = ("code", "year", "indicator", "value")


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
    registry = registry or default_registry()
    if isinstance(spec, (str, Path)):
        from gmindex.spec import read_spec

        spec = read_spec(spec)
    paths = [path] if isinstance(path, (str, Path)) else list(path)
    problems: list[Problem] = []
    frames, reports = [], []
    for one in paths:
        try:
            frame, report = read_with_problems(one, layout=layout, registry=registry, **reader_kwargs)
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

