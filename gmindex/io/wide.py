"""The yearbook reader: provinces as rows, years or series as columns.

Part of the readers; the public functions are in :mod:`gmindex.io.readers`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from gmindex.errors import DataError, Problem
from gmindex.provinces import default_registry, Registry
from gmindex.io.report import Collector, finish, nothing_read, ReadReport, records_frame
from gmindex.io.cells import (
    ALIAS_ROLE,
    cell_text,
    FOOTNOTE,
    header_key,
    is_blank,
    Labels,
    parse_number,
    parse_year,
    PROVINCE_ROLES,
    row_label,
    Rows,
    year_like,
)
from gmindex.io.grid import Grid, header_index, load_grid, sheet_hint


# ---------------------------------------------------------------------------
# Wide tables


def _find_label_column(grid: Grid, labels: Labels, rows) -> int:
    best, best_hits = None, 0
    for j in range(min(grid.width, 8)):
        hits = sum(labels.known(cells[j]) for _, cells in rows if isinstance(cells[j], str))
        if hits > best_hits:
            best, best_hits = j, hits
    return best


def read_wide_impl(path, *, layout, indicator=None, year=None, unit=None, source_id=None,
                    registry=None, sheet=None, header_rows=None):
    if layout not in ("years", "indicators"):
        raise ValueError(f"layout must be 'years' or 'indicators', got {layout!r}")
    if layout == "years" and not indicator:
        raise ValueError("layout='years' (years as columns) needs indicator='<series id>'")
    if layout == "indicators":
        if year is None:
            raise ValueError("layout='indicators' (indicators as columns) needs year=<year>")
        parsed = parse_year(year)
        if parsed.year is None:
            raise ValueError(f"year={year!r}: {parsed.problem}")
        year = parsed.year
    registry = registry or default_registry()
    col = Collector(str(path), layout)
    grid = load_grid(path, sheet, col)
    file = grid.file
    labels = Labels(registry)

    if header_rows is not None:
        header_idx = header_index(grid, header_rows, file)
        label_col = _find_label_column(grid, labels, grid.rows[header_idx + 1:])
        if label_col is None:
            label_col = 0
    else:
        label_col = _find_label_column(grid, labels, grid.rows)
        if label_col is None:
            raise DataError(
                Problem("error", "found no province names (such as 北京 or Beijing) in the "
                        "first columns", "put province names in the first column; "
                        "a long table (one value per row) is read with read_long"
                        + sheet_hint(col, labels), file=file)
            )
        first_data = next(
            i for i, (_, cells) in enumerate(grid.rows)
            if isinstance(cells[label_col], str) and labels.known(cells[label_col])
        )
        header_idx = _wide_header(grid, layout, label_col, first_data, file)
    header_no = grid.rows[header_idx][0]
    col.header_row = header_no

    # Column labels: the lowest non-blank cell at or above the header row.
    heads = []
    for j in range(grid.width):
        head = None
        for _, cells in grid.rows[: header_idx + 1]:
            if not is_blank(cells[j]):
                head = cells[j]
        heads.append(head)
    body = grid.rows[header_idx + 1:]
    if not body:
        raise DataError(Problem("error", f"no data rows below the header (row {header_no})",
                                "check that you exported the whole table", file=file))

    rows = Rows(col, labels, comma_is_ambiguous=col.delimiter == ";")
    value_cols: list[tuple[int, str, int | None, str | None]] = []  # (j, name, year, indicator)
    secondary: list[tuple[int, str]] = []
    seen: dict[object, str] = {}
    bad_cols: list[int] = []
    for j in range(grid.width):
        if j == label_col:
            continue
        head, name = heads[j], grid.column_name(j, heads[j])
        cells = [r[j] for _, r in body]
        numeric = sum(rows.parse(c).status == "number" for c in cells if not is_blank(c))
        filled = sum(not is_blank(c) for c in cells)
        role = ALIAS_ROLE.get(header_key(head))
        if role in PROVINCE_ROLES:
            secondary.append((j, name))
            continue
        if is_blank(head):
            if filled == 0:
                continue
            if numeric:
                col.problem("error", f"column {name} has {filled} values but no header",
                            "type the year or indicator name in the header row, or pass "
                            "header_rows=", row=header_no, column=name)
                bad_cols.append(j)
            else:
                col.problem("warning", f"column {name} has no header and no numbers; ignored",
                            "delete the column if it is not needed", row=header_no, column=name)
                col.notes.append(f"column {name} ignored (no header, no numbers)")
            continue
        if layout == "years":
            parsed = parse_year(head)
            if parsed.year is None:
                if year_like(head) or re.search(r"\d", cell_text(head)):
                    col.problem("error", f"column header: {parsed.problem}", parsed.suggestion,
                                row=header_no, column=name)
                    bad_cols.append(j)
                else:
                    col.problem("warning", f"column {name!r} is not a year; ignored "
                                f"({filled} non-empty cells)",
                                "delete it, or read this table with layout='indicators'",
                                row=header_no, column=name)
                    col.notes.append(f"column {name!r} ignored (not a year)")
                continue
            for kind, result in parsed.repairs:
                col.repair(header_no, name, kind, cell_text(head), result)
            key: object = parsed.year
            col_year, col_indicator = parsed.year, indicator
        else:
            text = cell_text(head)
            bare = FOOTNOTE.sub("", text).strip()
            if bare != text:
                col.repair(header_no, name, "footnote", text, bare)
            digits = sum(bool(re.search(r"\d", cell_text(c))) for c in cells if not is_blank(c))
            if filled and not numeric and digits * 2 <= filled:
                col.problem("warning", f"column {name!r} has no numbers ({filled} text cells); "
                            "ignored", "delete it if it is not an indicator",
                            row=header_no, column=name)
                col.notes.append(f"column {name!r} ignored (no numbers)")
                continue
            key = bare
            col_year, col_indicator = year, bare
        if key in seen:
            col.problem("error", f"column header {cell_text(head)!r} appears twice "
                        f"(columns {seen[key]!r} and {name!r})",
                        "delete or rename one of the two columns", row=header_no, column=name)
            bad_cols.append(j)
            continue
        seen[key] = name
        value_cols.append((j, name, col_year, col_indicator))

    units = unit if isinstance(unit, Mapping) else None
    national: dict[str, tuple[int, str, float]] = {}  # column -> (row, label, value)
    for row, cells in body:
        if rows.labels(cells[label_col]).kind == "national total":
            for j, name, *_ in value_cols:
                parsed = parse_number(cells[j])
                if parsed.status == "number" and name not in national:
                    national[name] = (row, cell_text(cells[label_col]), parsed.value)
        counted = [cells[j] for j, *_ in value_cols] + [cells[j] for j in bad_cols]
        action, code = row_label(rows, cells, row, label_col, counted, secondary)
        if action != "keep":
            continue
        label = cell_text(cells[label_col])
        province = rows.labels.province(code, label)
        for j, name, col_year, col_indicator in value_cols:
            extra = {}
            if unit is not None:
                extra["unit"] = units.get(col_indicator) if units is not None else str(unit)
            if source_id is not None:
                extra["source_id"] = str(source_id)
            rows.value(cells[j], row=row, column=name, code=code, province=province,
                       year=col_year, indicator=col_indicator, label=label, extra=extra)
        for j in bad_cols:  # cells under an unusable header: counted, not used
            rows.invalid(1)
    extra_cols = (["unit"] if unit is not None else []) + (
        ["source_id"] if source_id is not None else []
    )
    _above_national(rows, national)
    nothing_read(col)
    return records_frame(rows.records, extra_cols), col.report()


def _above_national(rows: Rows, national: dict[str, tuple[int, str, float]]) -> None:
    """A province above the national total of its column: an error.

    Only for additive columns, recognised without units: with at least five
    provinces listed, the national value is at least half the sum of all but
    the largest of them (a total; the largest is left out as it may be the
    wrong value), not close to their mean (a ratio such as R&D intensity,
    where Beijing is far above the national value).
    """
    by_column: dict[str, list[dict]] = {}
    for rec in rows.records:
        if rec["source_column"] in national:
            by_column.setdefault(rec["source_column"], []).append(rec)
    for name, recs in by_column.items():
        row, label, total = national[name]
        values = [r["value"] for r in recs]
        if len(recs) < 5 or total <= 0 or total < 0.5 * (sum(values) - max(values)):
            continue
        for rec in recs:
            if rec["value"] > total * (1 + 1e-9):
                rows.col.problem(
                    "error", f"value {rec['value']:g} is above the national total {total:g} "
                    f"(row {row}, {label!r})",
                    "check the row and the unit (a province cannot exceed the national total); "
                    "if the national row is of another vintage or definition, delete it",
                    row=rec["source_row"], column=name, code=rec["code"],
                    province=rows.labels.province(rec["code"], rec["source_label"]),
                    year=rec["year"], indicator=rec["indicator"],
                    kind="above the national total")


def _wide_header(grid: Grid, layout: str, label_col: int, first_data: int, file: str) -> int:
    """Index of the header row among the rows above the first province row."""
    above = grid.rows[:first_data]
    if layout == "years":
        for i, (_, cells) in enumerate(above):
            yearish = sum(year_like(c) for j, c in enumerate(cells) if j != label_col)
            others = [c for j, c in enumerate(cells) if j != label_col and not is_blank(c)]
            if yearish >= 1 and 2 * yearish >= len(others):
                return i
        raise DataError(
            Problem("error", "found no header row with years above the first province row "
                    f"(row {grid.rows[first_data][0]})",
                    "put the years (2016, 2017, ... or 2016年) in the row above the data, pass "
                    "header_rows=<number of rows above the data>, or use layout='indicators'",
                    file=file)
        )
    for i in range(len(above) - 1, -1, -1):
        cells = above[i][1]
        others = [c for j, c in enumerate(cells) if j != label_col and not is_blank(c)]
        if others and not any(parse_number(c).status == "number" for c in others):
            return i
    raise DataError(
        Problem("error", "found no header row with indicator names above the first province row "
                f"(row {grid.rows[first_data][0]})",
                "put the indicator names in the row above the data, or pass header_rows=",
                file=file)
    )


def read_wide_with_report(
    path: str | Path,
    *,
    layout: str = "years",
    indicator: str | None = None,
    year: int | None = None,
    unit: str | Mapping[str, str] | None = None,
    source_id: str | None = None,
    registry: Registry | None = None,
    sheet: str | int | None = None,
    header_rows: int | None = None,
    keep_source: bool = False,
) -> tuple[pd.DataFrame, ReadReport]:
    """Read a yearbook-style table and say what was done with every cell.

    Parameters
    ----------
    path : str or Path
        CSV (any delimiter, UTF-8/GBK/UTF-16) or XLSX.
    layout : {"years", "indicators"}
        ``"years"``: provinces as rows, years as columns, one indicator
        (needs ``indicator``).  ``"indicators"``: provinces as rows,
        indicators as columns, one year (needs ``year``); the column headers
        become the indicator ids.
    indicator : str
        Series id for ``layout="years"``.
    year : int
        Year for ``layout="indicators"``.
    unit : str or mapping, optional
        Unit of the values (one for all, or per indicator); adds ``unit``.
    source_id : str, optional
        Adds a ``source_id`` column.
    registry : Registry, optional
    sheet : str or int, optional
        Worksheet name or 0-based number (XLSX).
    header_rows : int, optional
        Number of rows above the data; each column is named by its lowest
        non-empty cell among them (works with merged title cells).  Detected
        when omitted: the province column is the one with most known province
        names; the header is the first row with years above the first
        province (``"years"``), or the last row without numbers above it
        (``"indicators"``).
    keep_source : bool
        Keep ``source_file, source_row, source_column, source_label``.

    Returns
    -------
    (pandas.DataFrame, ReadReport)
        Long panel ``code, year, indicator, value`` (+ ``unit``,
        ``source_id``), sorted by indicator, code, year.  Missing cells have no
        row; they are listed in ``report.missing``.

    Raises
    ------
    DataError
        Listing every unusable cell, unknown province, bad year header and
        duplicate province.
    """
    frame, report = read_wide_impl(
        path, layout=layout, indicator=indicator, year=year, unit=unit, source_id=source_id,
        registry=registry, sheet=sheet, header_rows=header_rows,
    )
    return finish(frame, report, registry=registry, keep_source=keep_source), report


def read_wide(
    path: str | Path,
    *,
    layout: str = "years",
    indicator: str | None = None,
    year: int | None = None,
    unit: str | Mapping[str, str] | None = None,
    source_id: str | None = None,
    registry: Registry | None = None,
    sheet: str | int | None = None,
    header_rows: int | None = None,
    keep_source: bool = False,
) -> pd.DataFrame:
    """Read a yearbook-style table into the long panel.

    See :func:`read_wide_with_report` for the parameters and the rules.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text("地区,GDP,R&D强度\\n北京市①,\\"35,371.3\\",6.31%\\n",
    ...                     encoding="utf-8")
    >>> read_wide(path, layout="indicators", year=2019)
      code  year indicator     value
    0   11  2019       GDP  35371.30
    1   11  2019     R&D强度      6.31
    """
    return read_wide_with_report(
        path, layout=layout, indicator=indicator, year=year, unit=unit, source_id=source_id,
        registry=registry, sheet=sheet, header_rows=header_rows, keep_source=keep_source,
    )[0]
