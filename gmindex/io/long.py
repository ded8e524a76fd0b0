"""The long-table reader: one value per row (``code, year, indicator, value``).

Part of the readers; the public functions are in :mod:`gmindex.io.readers`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from gmindex.errors import DataError, Problem
from gmindex.provinces import default_registry, Registry
from gmindex.io.report import (
    Collector,
    finish,
    nothing_read,
    ReadReport,
    records_frame,
    typed_frame,
)
from gmindex.io.cells import (
    ALIAS_ROLE,
    cell_text,
    header_key,
    is_blank,
    Labels,
    parse_year,
    PROVINCE_ROLES,
    row_label,
    Rows,
    Year,
    year_like,
)
from gmindex.io.grid import blank_mask, Grid, header_index, load_grid, object_array, sheet_hint


# ---------------------------------------------------------------------------
# Long tables


def read_long_impl(path, *, registry=None, sheet=None, header_rows=None):
    frame, report, _ = _read_long_ranked(path, registry=registry, sheet=sheet,
                                         header_rows=header_rows)
    return frame, report


def _read_long_ranked(path, *, registry=None, sheet=None, header_rows=None):
    """(frame, report, ranks): ranks are the sort ranks of each row's indicator
    and code (see :func:`_sort_order`), or None."""
    registry = registry or default_registry()
    col = Collector(str(path), "long")
    grid = load_grid(path, sheet, col)
    file = grid.file
    header_idx = _long_header(grid, header_rows, file)
    header_no, header = grid.row(header_idx)
    col.header_row = header_no
    roles: dict[str, int] = {}
    extras: list[str] = []
    province_cols: list[int] = []
    for j, cell in enumerate(header):
        role = ALIAS_ROLE.get(header_key(cell))
        name = grid.column_name(j, cell)
        if role in PROVINCE_ROLES:
            province_cols.append(j)
            continue
        if role is None:
            if not is_blank(cell) or not blank_mask(grid.columns[j][header_idx + 1:]).all():
                extras.append(name)
            continue
        if role in roles:
            raise DataError(
                Problem("error", f"columns {grid.column_name(roles[role], header[roles[role]])!r} "
                        f"and {name!r} both look like the {role} column",
                        "rename or delete one of them", file=file, row=header_no)
            )
        roles[role] = j
    if province_cols:
        # 'code' before the name columns; the others are cross-checked.
        province_cols.sort(key=lambda j: (ALIAS_ROLE[header_key(header[j])] != "code", j))
        roles["code"] = province_cols[0]
    missing = [r for r in ("code", "year", "indicator", "value") if r not in roles]
    if missing:
        found = ", ".join(repr(cell_text(c)) for c in header if not is_blank(c))
        names = {"code": "code (or province/省份/地区)", "year": "year (or 年份)",
                 "indicator": "indicator (or 指标)", "value": "value (or 数值)"}
        looks_wide = sum(year_like(c) for c in header) >= 2
        hint = (
            "this looks like a yearbook table with years as columns: use "
            "read_wide(path, layout='years', indicator='<series id>')"
            if looks_wide
            else "name the columns code (or province/省份/地区), year, indicator, value; for a "
            "table with indicators as columns use read_wide(path, layout='indicators', year=...)"
        ) + sheet_hint(col, Labels(registry))
        raise DataError(
            Problem("error", f"missing column(s): {', '.join(names[m] for m in missing)}; "
                    f"found {found}", hint, file=file, row=header_no)
        )
    for name in extras:
        col.problem("warning", f"column {name!r} is not a long-table column; ignored",
                    "delete it or rename it to unit or source_id if it is one",
                    row=header_no, column=name)
        col.notes.append(f"column {name!r} ignored")
    names = {role: grid.column_name(j, header[j]) for role, j in roles.items()}
    secondary = [(j, grid.column_name(j, header[j])) for j in province_cols[1:]]
    numbers = grid.numbers[header_idx + 1:]
    if not len(numbers):
        raise DataError(Problem("error", f"no data rows below the header (row {header_no})",
                                "check that you exported the whole table", file=file))
    columns = [c[header_idx + 1:] for c in grid.columns]
    rows = Rows(col, Labels(registry), comma_is_ambiguous=col.delimiter == ";")
    extra_roles = [r for r in ("unit", "source_id") if r in roles]
    years: dict[tuple[type, object], Year] = {}

    def one_row(row: int, cells: list) -> None:
        """Every check of one row, recording each repair and problem."""
        value_cell = cells[roles["value"]]
        action, code = row_label(rows, cells, row, roles["code"], [value_cell], secondary)
        if action != "keep":
            return
        label = cell_text(cells[roles["code"]])
        province = rows.labels.province(code, label)
        year_cell = cells[roles["year"]]
        key = (type(year_cell), year_cell)
        parsed_year = years.get(key) or years.setdefault(key, parse_year(year_cell))
        indicator = cell_text(cells[roles["indicator"]])
        if parsed_year.year is None:
            rows.invalid(1)
            col.problem("error", parsed_year.problem, parsed_year.suggestion, row=row,
                        column=names["year"], code=code, province=province,
                        indicator=indicator or None)
            return
        for kind, result in parsed_year.repairs:
            col.repair(row, names["year"], kind, cell_text(year_cell), result)
        if not indicator:
            rows.invalid(1)
            col.problem("error", "indicator is blank", "fill in the series id", row=row,
                        column=names["indicator"], code=code, province=province,
                        year=parsed_year.year)
            return
        extra = {}
        for role in extra_roles:
            text = cell_text(cells[roles[role]])
            extra[role] = text if text else None
        rows.value(value_cell, row=row, column=names["value"], code=code, province=province,
                   year=parsed_year.year, indicator=indicator, label=label, extra=extra)

    # Rows that one_row would take as they are (a known province without
    # footnote, a clean year, an indicator and a plain number) are handled
    # column-wise; one_row runs, in row order, for every other row.
    plain = _PlainLongRows(grid.kind == "text", rows, columns, roles, secondary, years)
    recorded: list[int] = []  # body position of each record one_row adds
    for i in np.flatnonzero(~plain.mask).tolist():
        before = len(rows.records)
        one_row(int(numbers[i]), [c[i] for c in columns])
        if len(rows.records) > before:
            recorded.append(i)
    count = int(plain.mask.sum())
    col.read += count
    col.used += count
    nothing_read(col)
    if not count:
        return records_frame(rows.records, extra_roles), col.report(), None
    where = np.flatnonzero(plain.mask)
    order = np.argsort(np.concatenate([where, np.asarray(recorded, dtype=np.int64)]),
                       kind="stable")
    careful = rows.records

    def merged(fast, key, dtype=object):
        """The plain rows' values and the other records' values, in row order."""
        fast = np.asarray(fast, dtype=dtype)
        if not careful:
            return fast
        values = np.concatenate([fast, np.asarray([r[key] for r in careful], dtype=dtype)])
        return values[order]

    def constant(value):
        out = np.empty(count, dtype=object)
        out.fill(value)
        return out

    data = {
        "code": merged(plain.code[where], "code"),
        "year": merged(plain.year[where], "year", np.int64),
        "indicator": merged(plain.indicator[where], "indicator"),
        "value": merged(plain.value[where], "value", np.float64),
    }
    for role in extra_roles:
        data[role] = merged(plain.extra[role][where], role)
    data["source_file"] = merged(constant(col.file), "source_file")
    data["source_row"] = merged(numbers[where], "source_row", np.int64)
    data["source_column"] = merged(constant(names["value"]), "source_column")
    data["source_label"] = merged(plain.label[where], "source_label")

    def ranks(row_codes, distinct, key):
        """Rank of each record's text among all texts, in Python's (and pandas') order."""
        names = sorted({t for t in distinct.tolist() if t is not None}
                       | {r[key] for r in careful})
        rank = {t: i for i, t in enumerate(names)}
        by_distinct = np.array([rank.get(t, -1) for t in distinct.tolist()], dtype=np.int64)
        fast = by_distinct[row_codes[where]]
        if not careful:
            return fast
        return np.concatenate([fast, np.array([rank[r[key]] for r in careful],
                                              dtype=np.int64)])[order]

    keys = (ranks(*plain.indicators, "indicator"), ranks(*plain.codes_by_label, "code"))
    return typed_frame(pd.DataFrame(data), extra_roles), col.report(), keys


#: Cells per block when plain numbers are converted in bulk (a block with a
#: cell that is not a plain number is looked at cell by cell).
_CHUNK = 8192


def plain_numbers(cells: np.ndarray, parse) -> tuple[np.ndarray, np.ndarray]:
    """Which text cells are plain numbers (``parse_number`` status "number", no
    repair), and their values.

    For a str cell that is so exactly when ``float(cell)`` works and the cell
    has no 'n', 'N' or '_' (which would let inf, nan or 1_000 through):
    then it matches ``_NUMBER`` after stripping, and its value is
    ``float(cell)``, which numpy's object-to-float cast computes.
    """
    n = len(cells)
    ok = np.zeros(n, dtype=bool)
    values = np.zeros(n, dtype=np.float64)
    for start in range(0, n, _CHUNK):
        part = cells[start:start + _CHUNK]
        try:
            joined = "".join(part)  # TypeError for None: a blank cell
            if "n" in joined or "N" in joined or "_" in joined:
                raise ValueError
            values[start:start + len(part)] = part.astype(np.float64)
            ok[start:start + len(part)] = True
            continue
        except (TypeError, ValueError):
            pass
        for k, cell in enumerate(part.tolist()):
            parsed = parse(cell)
            if parsed.status == "number" and not parsed.repairs:
                ok[start + k] = True
                values[start + k] = parsed.value
    return ok, values


def _distinct_cells(cells: np.ndarray, text: bool) -> tuple[np.ndarray, list]:
    """Row codes into a list of distinct cells (a cell and its code give the same results).

    Text cells (str or None) are hashed by pandas; other cells (Excel) are
    told apart by type too, so that 2019 and 2019.0 stay distinct.
    """
    if text:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        distinct = list(uniques)
        if (codes < 0).any():
            codes = np.where(codes < 0, len(distinct), codes)
            distinct.append(None)
        return codes, distinct
    seen: dict = {}
    distinct = []
    codes = np.empty(len(cells), dtype=np.int64)
    for i, cell in enumerate(cells.tolist()):
        key = (type(cell), "nan" if isinstance(cell, float) and math.isnan(cell) else cell)
        code = seen.get(key)
        if code is None:
            code = seen[key] = len(distinct)
            distinct.append(cell)
        codes[i] = code
    return codes, distinct


class _PlainLongRows:
    """The rows of a long table that need no repair and raise no problem.

    ``mask`` marks them; ``code, year, indicator, value, label`` and ``extra``
    hold their record fields (meaningful where ``mask`` is True).  Every test
    is the one the row-by-row reader makes, evaluated once per distinct cell.
    """

    def __init__(self, text: bool, rows: Rows, columns, roles, secondary, years):
        labels = rows.labels

        def per_cell(j, *funcs, keep=None):
            """For each func: func(cell) of every row, computed per distinct cell."""
            codes, distinct = _distinct_cells(columns[j], text)
            values = [object_array([f(c) for c in distinct]) for f in funcs]
            if keep is not None:  # the row codes and the distinct values of the last func
                keep[:] = [codes, values[-1]]
            return [v[codes] for v in values]

        def year_of(cell):
            key = (type(cell), cell)
            return years.get(key) or years.setdefault(key, parse_year(cell))

        def province(cell):
            info = labels(cell)
            return info.kind == "province" and info.footnote is None

        self.codes_by_label: list = []  # row codes of the label column, code of each label
        mask, self.label, self.code = per_cell(
            roles["code"], province, cell_text, lambda c: labels(c).code,
            keep=self.codes_by_label)
        mask = mask.astype(bool)
        for j, _ in secondary:
            blank, other = per_cell(j, lambda c: labels(c).kind == "blank",
                                    lambda c: labels(c).code)
            mask &= blank.astype(bool) | (other == self.code)
        good, year = per_cell(
            roles["year"],
            lambda c: year_of(c).year is not None and not year_of(c).repairs,
            lambda c: year_of(c).year or 0,
        )
        mask &= good.astype(bool)
        self.year = year.astype(np.int64)
        self.indicators: list = []  # row codes of the indicator column, distinct texts
        (self.indicator,) = per_cell(roles["indicator"], cell_text, keep=self.indicators)
        mask &= self.indicator != ""
        if text:
            ok, self.value = plain_numbers(columns[roles["value"]], rows.parse)
        else:
            parsed = [rows.parse(c) for c in columns[roles["value"]].tolist()]
            ok = np.array([p.status == "number" and not p.repairs for p in parsed], dtype=bool)
            self.value = np.array([p.value if p.status == "number" else 0.0 for p in parsed],
                                  dtype=np.float64)
        mask &= ok
        self.extra = {
            role: per_cell(roles[role], lambda c: cell_text(c) or None)[0]
            for role in ("unit", "source_id") if role in roles
        }
        self.mask = mask


def _long_header(grid: Grid, header_rows, file: str) -> int:
    if header_rows is not None:
        return header_index(grid, header_rows, file)
    for i, (_, cells) in enumerate(grid.head(30)):
        roles = {ALIAS_ROLE.get(header_key(c)) for c in cells} - {None}
        if len(roles) >= 2:
            return i
    return 0  # no recognisable header: let the missing-column error explain


def read_long_with_report(
    path: str | Path,
    *,
    registry: Registry | None = None,
    sheet: str | int | None = None,
    header_rows: int | None = None,
    keep_source: bool = False,
) -> tuple[pd.DataFrame, ReadReport]:
    """Read a long table and say what was done with every cell.

    Parameters
    ----------
    path : str or Path
        CSV (any delimiter, UTF-8/GBK/UTF-16) or XLSX.
    registry : Registry, optional
        Known provinces; the default registry if omitted.
    sheet : str or int, optional
        Worksheet name or 0-based number (XLSX); the first sheet by default.
    header_rows : int, optional
        Rows above the data (the last one holds the column names); detected
        when omitted (the first row naming two of code/province, year,
        indicator, value).
    keep_source : bool
        Keep ``source_file, source_row, source_column, source_label`` so that
        :func:`gmindex.validation.check_panel` can point at lines of the file.

    Returns
    -------
    (pandas.DataFrame, ReadReport)
        ``code, year, indicator, value`` (plus ``unit``, ``source_id`` when the
        file has them), sorted by indicator, code, year.

    Raises
    ------
    DataError
        Listing every unusable cell, unknown province and duplicate.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "long.csv"
    >>> _ = path.write_text("省份,年份,指标,数值\\n山西省,2019,gdp,\\"17,026.7\\"\\n"
    ...                     "Shaanxi,2019年,gdp,25793.2\\n", encoding="utf-8")
    >>> df, report = read_long_with_report(path)
    >>> df
      code  year indicator    value
    0   14  2019       gdp  17026.7
    1   61  2019       gdp  25793.2
    >>> report.repair_counts()
    {'thousands': 1, 'year_suffix': 1}
    """
    frame, report, ranks = _read_long_ranked(path, registry=registry, sheet=sheet,
                                             header_rows=header_rows)
    return finish(frame, report, registry=registry, keep_source=keep_source, ranks=ranks), report


def read_long(
    path: str | Path,
    *,
    registry: Registry | None = None,
    sheet: str | int | None = None,
    header_rows: int | None = None,
    keep_source: bool = False,
) -> pd.DataFrame:
    """Read a long table (one value per row) into the long panel.

    The province column may be called code, province, 省份 or 地区 and hold
    codes or any spelling of the names.  See :func:`read_long_with_report`
    for the parameters; this variant returns only the data (warnings, such as
    ignored columns, are issued as :class:`DataWarning`).

    Examples
    --------
    >>> from gmindex.datasets import data_dir
    >>> path = data_dir() / "provinces.csv"
    >>> read_long(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gmindex.errors.DataError: .../provinces.csv, row 1: missing column(s): year (or 年份), ...
    """
    return read_long_with_report(
        path, registry=registry, sheet=sheet, header_rows=header_rows, keep_source=keep_source
    )[0]
