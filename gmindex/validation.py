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
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from gmindex.errors import (
    PROBLEM_COLUMNS,
    DataError,
    Problem,
    ValidationReport,
    frame_to_problems as _frame_to_problems,
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
)
from gmindex.plausibility import implausible_values
from gmindex.spec_checks import (
    CODE_KINDS,
    TEXT_KINDS,
    code_text,
    distinct_text,
    match_series_ids,
    nearest_ids,
    plain_text,
    spec_problems,
    spec_series,
)
from gmindex.provinces import Registry, UnknownUnitError, default_registry

__all__ = [
    "PROBLEM_COLUMNS",
    "YEAR_RANGE",
    "DataError",
    "Problem",
    "ValidationReport",
    "check_panel",
    "match_series_ids",
    "nearest_ids",
    "prepare_panel",
    "panel_schema",
    "validate_file",
    "validation_text",
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
    if frame.empty:
        # Only row-level failures are kept, and an empty frame has none: clean panels
        # (nearly all of them) skip importing pandera, 0.3 s of every command.
        return pd.DataFrame({"column": [], "check": [], "index": []})
    import pandera.errors as pa_errors

    schema = panel_schema(codes=codes)
    try:
        schema.validate(frame, lazy=True)
    except pa_errors.SchemaErrors as exc:
        failures = exc.failure_cases
        failures = failures[failures["index"].notna()]
        return failures[["column", "check", "index"]].reset_index(drop=True)
    return pd.DataFrame({"column": [], "check": [], "index": []})


def check_panel(
    df: pd.DataFrame,
    *,
    spec=None,
    registry: Registry | None = None,
    years: Iterable[int] | None = None,
    source: str = "<data>",
    allow_negative: Iterable[str] = (),
    accept: Iterable[str] = (),
    require_series: bool = False,
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
    accept : iterable of str
        Values flagged as implausible (:mod:`gmindex.plausibility`) that are
        right and kept knowingly: ``"FILE:ROW"`` (the file name as in the
        message, or its base name) or ``"CODE,YEAR,SERIES"``.  Each accepted
        value is listed in the report's ``notes``; an entry that matches no
        flagged value is an error (a typo would otherwise go unnoticed).
    require_series : bool
        Every series of the spec must have data (an error otherwise, naming
        the indicators built from it); the build sets this.  Otherwise a
        series without data is a coverage warning.

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
    code = distinct_text(frame["code"], code_text, CODE_KINDS)
    indicator = distinct_text(frame["indicator"], plain_text, TEXT_KINDS)
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
        sid for sid, s in spec_series(spec).items() if getattr(s, "allow_negative", False)
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
    implausible, notes = _plausibility_problems(frame, spec, loc, known_code, accept,
                                                code, indicator)
    problems.extend(implausible)

    usable = known_code & frame["year"].notna().to_numpy()
    dup = _duplicated_rows(code.codes, frame["year"], indicator.codes, usable)
    if dup.any():
        valid = frame[usable]
        problems.extend(
            _duplicate_problems(valid, dup[usable], source=source, registry=registry)
        )
    problems.extend(
        spec_problems(frame, spec, loc, registry, years, usable=usable, code_text=code,
                       ind_text=indicator, require_series=require_series)
    )
    return ValidationReport.from_problems(problems, source=source, notes=notes)


def prepare_panel(panel: pd.DataFrame, *, spec, registry: Registry | None = None,
                  accept: Iterable[str] = ()) -> pd.DataFrame:
    """The checks before a build: ids matched, every problem raised, columns typed.

    Series ids differing from the spec's only in case are matched (with a
    note), then :func:`check_panel` runs with ``require_series=True``; any
    error raises :class:`DataError`.  The notes (ids matched, values accepted)
    are in ``attrs["check_notes"]`` of the returned copy.

    Raises
    ------
    DataError
        Listing every error.
    """
    matched, notes = match_series_ids(panel, spec)
    report = check_panel(matched, spec=spec, registry=registry, accept=accept,
                         require_series=True, source=str(panel.attrs.get("source", "<data>")))
    report.raise_if_errors()
    out = matched.copy()
    out["code"] = out["code"].astype(str)
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    out.attrs["check_notes"] = notes + list(report.notes)
    return out


def _plausibility_problems(frame, spec, loc: _Locator, known_code, accept, code, indicator):
    """Implausible values as errors, except those accepted; (problems, notes)."""
    accept = [str(a).strip() for a in accept if str(a).strip()]
    units = {sid: getattr(s, "unit", None) for sid, s in spec_series(spec).items()}
    flags = implausible_values(frame, units=units, rows=known_code,
                               keys=(code.codes, indicator.codes, indicator.uniques))
    problems: list[Problem] = []
    notes: list[str] = []
    used: set[str] = set()
    for pos, rule, detail in zip(flags["row"].tolist(), flags["rule"].tolist(),
                                 flags["detail"].tolist()):
        idx = frame.index[pos]
        where = _where(loc, frame, idx, "value")
        keys = _accept_keys(where)
        hit = next((a for a in accept if a in keys), None)
        if hit is not None:
            used.add(hit)
            notes.append(f"value accepted knowingly ({hit}): "
                         f"{Problem('warning', detail, **where).location()}: {detail}")
            continue
        key = (f"{Path(where['file']).name}:{where['row']}" if where["row"] is not None
               else f"{where['code']},{where['year']},{where['indicator']}")
        check = ("check the source: a share is at most 100 % (a fraction or per mille "
                 "typed as percent?)" if rule == "share above 100 %" else
                 "check the source and the unit (万 or 亿? a stray exponent?)")
        problems.append(Problem(
            "error",
            f"implausible value ({rule}): {detail}{loc.suffix(idx)}",
            f"{check}; if the value is right, keep it with accept=[{key!r}]",
            advice={"cli": f"{check}; if the value is right, keep it with --accept {key}"},
            kind=f"implausible value ({rule})",
            **where,
        ))
    for a in accept:
        if a not in used:
            problems.append(Problem(
                "error", f"accepted value {a!r} matches no implausible value",
                "write FILE:ROW as in the message (e.g. energy.csv:7) or CODE,YEAR,SERIES "
                "(e.g. 15,2019,energy_consumption_10k_tce), or drop the entry",
                file=loc.source, kind="accept entry unused"))
    return problems, notes


def _accept_keys(where: dict) -> set[str]:
    keys = {f"{where['code']},{where['year']},{where['indicator']}"}
    if where["row"] is not None and where["file"]:
        keys |= {f"{where['file']}:{where['row']}", f"{Path(where['file']).name}:{where['row']}"}
    return keys


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


def validate_file(
    path: str | Path | Sequence[str | Path],
    *,
    spec=None,
    registry: Registry | None = None,
    layout: str = "long",
    years: Iterable[int] | None = None,
    allow_negative: Iterable[str] = (),
    accept: Iterable[str] = (),
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
    accept : iterable of str
        Implausible values kept knowingly (see :func:`check_panel`).
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
            accept=accept,
        )
        problems.extend(checked.problem_list())
        notes = checked.notes
    else:
        notes = ()
    return ValidationReport.from_problems(problems, source=source, read_reports=tuple(reports),
                                          notes=notes)


def validation_text(report: ValidationReport, *, verbose: bool = False, per_kind: int = 3,
                    interface: str | None = None) -> str:
    """What ``gmindex validate`` prints: per file what was read and repaired, then the problems.

    Each file gets its cell accounting (cells read = numbers + missing + in
    dropped rows + invalid), its repairs with a few examples and its notes;
    then the problems are counted by kind with the first ``per_kind`` of each
    (all with ``verbose=True``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "energy.csv"
    >>> _ = path.write_text("地区,2019,2020\\n北京,'6,733.8',n.a.\\n全国,1,2\\n".replace("'", '"'),
    ...                     encoding="utf-8")
    >>> report = validate_file(path, layout="years", indicator="energy", years=[2019, 2020])
    >>> print(validation_text(report, interface="cli").replace(str(path), "energy.csv"))
    ... # doctest: +ELLIPSIS
    energy.csv (layout years, encoding utf-8, delimiter ',', header row 1)
      4 cells read = 1 numbers + 1 missing + 2 in dropped rows + 0 invalid
      repairs: thousands 1
        thousands: row 2, column '2019': '6,733.8' -> '6733.8'
      missing marks: 'n.a.' 1
      note: row 3: '全国' dropped (national total, not a province)
    energy.csv: 0 errors, 2 warnings
    warning: coverage (2)
      province Beijing (11), indicator 'energy': coverage: no energy for Beijing (11) in 2020...
      indicator 'energy': coverage: no energy for Tianjin (12), Hebei (13), ... and 25 more in 2019-2020...
    """
    limit = None if verbose else per_kind
    lines = []
    for rr in report.read_reports:
        text = rr.summary(repairs_shown=limit if limit is not None else 10**9).splitlines()
        notes = [ln for ln in text if ln.startswith("  note: ")]
        lines += [ln for ln in text if not ln.startswith("  note: ")]
        shown = notes if limit is None else notes[: max(limit, 5)]
        lines += shown
        if len(shown) < len(notes):
            lines.append(f"  ... and {len(notes) - len(shown)} more notes (--verbose)")
    lines += [f"note: {n}" for n in report.notes]
    lines.append(report.summary(per_kind=10**9 if verbose else per_kind, interface=interface))
    return "\n".join(lines)

