"""Read provincial data from long tables and yearbook-style wide tables.

Two readers turn CSV or XLSX files into the long panel (``code, year,
indicator, value``):

* :func:`read_long` for tables with one value per row;
* :func:`read_wide` for yearbook layouts: provinces as rows and years as
  columns for one indicator (``layout="years"``), or provinces as rows and
  indicators as columns for one year (``layout="indicators"``).

Yearbook quirks are repaired and every repair is recorded in a
:class:`ReadReport` (``read_*_with_report``):

* encodings: UTF-8 with or without BOM, GBK/GB18030, UTF-16 (Excel "Unicode
  text"); the delimiter (comma, semicolon, tab) is detected;
* title rows above the header (the header row is detected, or give
  ``header_rows``), year headers like ``2019年`` or ``2019.0``;
* province names in Chinese or English with suffixes, full-width characters,
  spaces and footnote marks (``北京①``);
* numbers with thousands separators (``1,234.5``), footnote marks
  (``123.4*``), full-width digits and percent signs: ``12.5%`` is read as
  ``12.5`` (the value stays in percent units, the sign is dropped);
* missing marks (``—``, ``–``, ``-``, ``...``, ``…``, ``··``, ``NA``, blank):
  the cell is missing, listed in ``report.missing``, and has no row in the
  panel;
* national totals (全国, National, Total) and regional subtotals (东部地区):
  the row is dropped and listed in ``report.dropped``; note lines under the
  table (注：..., 资料来源：...) likewise.

Everything else raises :class:`gmindex.errors.DataError`, listing every
bad cell with its file, row (as numbered in Excel or a text editor), column
and province, and what to do.  A semicolon-delimited file may not use commas
inside numbers (decimal comma or thousands separator cannot be told apart).

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "energy.csv"
>>> _ = path.write_text(
...     "表 1 能源消费总量\\n地区,2019年,2020年\\n全国,\\"487,488\\",\\"498,000\\"\\n"
...     "北京,\\"6,733.8\\",6762.1\\n西藏,—,…\\n",
...     encoding="utf-8",
... )
>>> df, report = read_wide_with_report(path, indicator="energy_consumption_10k_tce")
>>> df
  code  year                   indicator   value
0   11  2019  energy_consumption_10k_tce  6733.8
1   11  2020  energy_consumption_10k_tce  6762.1
>>> report.cells_read, report.cells_used, report.cells_missing, report.cells_dropped
(6, 2, 2, 2)
>>> report.dropped[["row", "label", "reason"]].to_dict("records")
[{'row': 3, 'label': '全国', 'reason': 'national total'}]
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gmindex.provinces import (
    Registry,
    UnknownUnitError,
    default_registry,
    normalize_name,
    OUTSIDE_MAINLAND,
    outside_mainland,
)
from gmindex.errors import DataError, Problem, frame_to_problems, problems_frame
from gmindex.locate import SOURCE_COLUMNS, YEAR_RANGE, duplicate_problems, duplicate_problems_in

__all__ = [
    "MISSING_MARKS",
    "DataWarning",
    "ReadReport",
    "read_long",
    "read_long_with_report",
    "read_wide",
    "read_wide_with_report",
]

LAYOUTS = ("long", "years", "indicators")

#: Cell texts read as "missing" (besides a blank cell and runs of dashes or dots).
MISSING_MARKS = frozenset({"na", "n/a", "n.a.", "#n/a", "nan", "null", "none"})
_MISSING_RUN = re.compile(r"[—–\-－‒―·・.…⋯]+")
_FOOTNOTE = re.compile(r"[\*#†‡§①-⑳⑴-⒇¹²³⁰⁴-⁹]+$")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_INT = re.compile(r"[+-]?\d+")
_EXCEL_ERRORS = ("#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!")

# Row labels that are not provinces: national totals and regional subtotals
# (compared after gmindex.provinces.normalize_name).
_NATIONAL = frozenset(
    {
        "全国",
        "全国合计",
        "全国总计",
        "全国平均",
        "合计",
        "总计",
        "中国",
        "national",
        "national total",
        "nationwide",
        "total",
        "china",
        "all",
        "sum",
        "whole country",
    }
)
_REGIONAL = frozenset(
    {
        f"{r}{s}"
        for r in ("东部", "中部", "西部", "东北")
        for s in ("", "地区", "合计", "地区合计")
    }
    | {
        f"{r}{s}"
        for r in ("east", "central", "west", "northeast", "eastern", "western", "northeastern")
        for s in ("", " region", " total")
    }
)
_OUTSIDE_KEYS = frozenset(k for k in OUTSIDE_MAINLAND if not k.isdigit())
_NOTE_PREFIXES = ("注", "说明", "资料来源", "数据来源", "来源", "note", "source", "*")

# Header names understood by read_long (compared after _header_key).
_LONG_ALIASES = {
    "code": ("code", "province_code", "provincecode", "prov_code", "代码", "省份代码",
             "行政区划代码", "地区代码"),
    "province": ("province", "省份", "地区", "省", "省份名称", "地区名称", "省区市", "省市",
                 "province_name", "name", "name_zh", "name_en", "prov"),
    "year": ("year", "年份", "年", "年度"),
    "indicator": ("indicator", "指标", "指标名称", "variable", "series", "变量"),
    "value": ("value", "数值", "值", "数据", "取值"),
    "unit": ("unit", "单位", "计量单位"),
    "source_id": ("source_id", "来源", "数据来源", "source"),
}
_ALIAS_ROLE = {alias: role for role, names in _LONG_ALIASES.items() for alias in names}
_PROVINCE_ROLES = ("code", "province")


class DataWarning(UserWarning):
    """Something in the input was ignored; details are in the read report."""


# ---------------------------------------------------------------------------
# Read report


def _frame(rows: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            col: pd.array([r.get(col) for r in rows],
                          dtype="Int64" if col in ("row", "year", "cells") else "str")
            for col in columns
        }
    )


_MISSING_COLS = ("row", "column", "code", "province", "year", "indicator", "mark")
_DROPPED_COLS = ("row", "label", "reason", "cells")
_REPAIR_COLS = ("row", "column", "repair", "original", "result")


@dataclass(frozen=True)
class ReadReport:
    """What a reader did with each cell of one file.

    The counts reconcile: ``cells_read = cells_used + cells_missing +
    cells_dropped + cells_invalid`` (``cells_invalid`` is 0 whenever the
    strict readers return data).  A "cell" is a value cell: one per data row
    in a long table, one per province row and value column in a wide table.

    Attributes
    ----------
    file : str
        The file (with the sheet for workbooks).
    layout : str
        ``"long"``, ``"years"`` or ``"indicators"``.
    encoding, delimiter : str or None
        Text encoding and delimiter used (None for XLSX).
    sheet : str or None
        Worksheet read (None for CSV).
    header_row : int or None
        1-based row of the column header.
    cells_read, cells_used, cells_missing, cells_dropped, cells_invalid : int
        Value cells seen; parsed to numbers; missing marks or blank; in
        dropped rows (national totals, subtotals, note lines); unusable
        (listed in ``problems``).
    missing : pandas.DataFrame
        ``row, column, code, province, year, indicator, mark``.
    dropped : pandas.DataFrame
        ``row, label, reason, cells``.
    repairs : pandas.DataFrame
        ``row, column, repair, original, result``; repair kinds: encoding,
        delimiter, footnote, fullwidth, thousands, percent, minus_sign,
        year_float, year_suffix.
    problems : pandas.DataFrame
        Errors and warnings met while reading (columns of
        :data:`gmindex.errors.PROBLEM_COLUMNS`).
    notes : tuple of str
        Plain-text notes (encoding used, columns ignored, rows dropped).
    items : tuple of Problem
        The problems as objects, with their advice per interface.
    """

    file: str
    layout: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int | None
    cells_read: int
    cells_used: int
    cells_missing: int
    cells_dropped: int
    cells_invalid: int
    missing: pd.DataFrame
    dropped: pd.DataFrame
    repairs: pd.DataFrame
    problems: pd.DataFrame
    notes: tuple[str, ...] = ()
    items: tuple = ()

    @property
    def reconciles(self) -> bool:
        """True when read = used + missing + dropped + invalid."""
        return self.cells_read == (
            self.cells_used + self.cells_missing + self.cells_dropped + self.cells_invalid
        )

    def repair_counts(self) -> dict[str, int]:
        """Number of repairs of each kind."""
        return {k: int(v) for k, v in self.repairs["repair"].value_counts().sort_index().items()}

    def problem_list(self) -> list[Problem]:
        """The reading problems as :class:`gmindex.errors.Problem` objects."""
        if len(self.items) == len(self.problems):
            return list(self.items)
        return frame_to_problems(self.problems)

    def summary(self, *, repairs_shown: int = 0) -> str:
        """A few lines of plain text; ``repairs_shown`` examples of each repair kind."""
        how = [f"layout {self.layout}"]
        if self.encoding:
            how.append(f"encoding {self.encoding}")
        if self.delimiter:
            how.append(f"delimiter {self.delimiter!r}")
        if self.header_row:
            how.append(f"header row {self.header_row}")
        lines = [
            f"{self.file} ({', '.join(how)})",
            f"  {self.cells_read} cells read = {self.cells_used} numbers + "
            f"{self.cells_missing} missing + {self.cells_dropped} in dropped rows + "
            f"{self.cells_invalid} invalid",
        ]
        counts = self.repair_counts()
        if counts:
            lines.append(
                "  repairs: " + ", ".join(f"{k} {v}" for k, v in counts.items())
            )
            for kind, group in self.repairs.groupby("repair", sort=True):
                for rec in group.head(repairs_shown).itertuples():
                    where = f"row {rec.row}" + (f", column {rec.column!r}" if rec.column else "")
                    lines.append(f"    {kind}: {where}: {rec.original!r} -> {rec.result!r}")
        marks = self.missing["mark"].map(lambda m: m if m else "blank").value_counts()
        if len(marks):
            lines.append(
                "  missing marks: " + ", ".join(f"{k!r} {v}" for k, v in marks.sort_index().items())
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


class _Collector:
    """Accumulates what happens to the cells of one file."""

    def __init__(self, file: str, layout: str):
        self.file = file
        self.layout = layout
        self.encoding = self.delimiter = self.sheet = None
        self.header_row = None
        self.read = self.used = self.missing_n = self.dropped_n = self.invalid = 0
        self.missing: list[dict] = []
        self.dropped: list[dict] = []
        self.repairs: list[dict] = []
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.other_sheets: dict[str, list[str]] = {}

    def problem(self, severity: str, problem: str, suggestion: str = "", **where) -> None:
        where.setdefault("file", self.file)
        self.problems.append(Problem(severity, problem, suggestion, **where))

    def repair(self, row, column, kind: str, original: object, result: object) -> None:
        self.repairs.append(
            {"row": row, "column": column, "repair": kind, "original": str(original),
             "result": str(result)}
        )

    def report(self) -> ReadReport:
        return ReadReport(
            file=self.file,
            layout=self.layout,
            encoding=self.encoding,
            delimiter=self.delimiter,
            sheet=self.sheet,
            header_row=self.header_row,
            cells_read=self.read,
            cells_used=self.used,
            cells_missing=self.missing_n,
            cells_dropped=self.dropped_n,
            cells_invalid=self.invalid,
            missing=_frame(self.missing, _MISSING_COLS),
            dropped=_frame(self.dropped, _DROPPED_COLS),
            repairs=_frame(self.repairs, _REPAIR_COLS),
            problems=problems_frame(self.problems),
            notes=tuple(self.notes),
            items=tuple(self.problems),
        )


# ---------------------------------------------------------------------------
# Cells


def _blank(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, str):
        return not cell.strip()
    return isinstance(cell, float) and math.isnan(cell)


def _cell_text(cell: object) -> str:
    """A cell as the user sees it (integral floats without '.0')."""
    if type(cell) is str:
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, _dt.datetime) and cell.time() == _dt.time(0):
        return cell.date().isoformat()
    if isinstance(cell, (_dt.datetime, _dt.date, _dt.time)):
        return cell.isoformat()
    return str(cell).strip()


@dataclass(frozen=True)
class _Parsed:
    status: str  # "number" | "missing" | "invalid"
    value: float | None = None
    mark: str = ""
    repairs: tuple[tuple[str, str], ...] = ()
    problem: str = ""
    suggestion: str = ""


def _is_missing_mark(text: str) -> bool:
    return (
        not text
        or text.casefold() in MISSING_MARKS
        or _MISSING_RUN.fullmatch(text) is not None
    )


def _parse_number(cell: object, *, comma_is_ambiguous: bool = False) -> _Parsed:
    """Parse one value cell; see the module docstring for the rules."""
    if type(cell) is str:
        plain = cell.strip()
        if _NUMBER.fullmatch(plain):  # the common case: a clean number
            return _Parsed("number", float(plain))
    if isinstance(cell, bool):
        return _Parsed("invalid", problem=f"not a number: {cell!r}",
                       suggestion="type the number")
    if isinstance(cell, (int, np.integer)):
        return _Parsed("number", float(cell))
    if isinstance(cell, (float, np.floating)):
        if math.isnan(cell):
            return _Parsed("missing")
        if math.isinf(cell):
            return _Parsed("invalid", problem=f"not a finite number: {cell!r}",
                           suggestion="fix the source value")
        return _Parsed("number", float(cell))
    if isinstance(cell, (_dt.datetime, _dt.date, _dt.time)):
        return _Parsed(
            "invalid",
            problem=f"Excel date cell ({_cell_text(cell)}) where a number was expected",
            suggestion="format the cell as a number in Excel (Format Cells > Number) and "
            "retype the value",
        )
    if cell is None:
        return _Parsed("missing")
    original = str(cell)
    text = original.strip()
    if _is_missing_mark(text):
        return _Parsed("missing", mark=text)
    if text.upper() in _EXCEL_ERRORS:
        return _Parsed("invalid", problem=f"Excel error value {text!r}",
                       suggestion="fix the formula in the workbook or type the value")
    repairs: list[tuple[str, str]] = []
    stripped = _FOOTNOTE.sub("", text).strip()
    if stripped != text:
        repairs.append(("footnote", stripped))
        text = stripped
    folded = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    if folded != text:
        kind = "minus_sign" if text.replace("\u2212", "-") == folded else "fullwidth"
        repairs.append((kind, folded))
        text = folded
    if _is_missing_mark(text):
        return _Parsed("missing", mark=original.strip())
    if text.endswith("%"):
        text = text[:-1].strip()
        repairs.append(("percent", text))
    if "," in text:
        if comma_is_ambiguous:
            return _Parsed(
                "invalid",
                problem=f"comma inside a number in a semicolon-delimited file: {original.strip()!r}",
                suggestion="a comma there may be a decimal comma or a thousands separator; "
                "save the file with '.' as decimal mark and no thousands separators",
            )
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
            repairs.append(("thousands", text))
        else:
            return _Parsed(
                "invalid",
                problem=f"not a number: {original.strip()!r} (misplaced comma)",
                suggestion="use '.' as decimal mark; commas only as thousands separators "
                "(1,234.5)",
            )
    if _NUMBER.fullmatch(text):
        return _Parsed("number", float(text), repairs=tuple(repairs))
    return _Parsed(
        "invalid",
        problem=f"not a number: {original.strip()!r}",
        suggestion="type the number only (no units or words); mark a missing value "
        "with '—' or leave the cell blank",
    )


@dataclass(frozen=True)
class _Year:
    year: int | None
    repairs: tuple[tuple[str, str], ...] = ()
    problem: str = ""
    suggestion: str = ""


_YEAR_FIX = "write the year as a whole number such as 2019 (2019年 is fine too)"


def _parse_year(cell: object) -> _Year:
    """Parse a year cell: 2019, '2019', '2019年', 2019.0 (repaired), not 2019.5."""
    if isinstance(cell, bool) or cell is None or _blank(cell):
        return _Year(None, problem="year is blank", suggestion=_YEAR_FIX)
    if isinstance(cell, (_dt.datetime, _dt.date, _dt.time)):
        return _Year(
            None,
            problem=f"Excel date cell ({_cell_text(cell)}) where a year was expected",
            suggestion="format the cell as a number or text in Excel and type the year "
            "(2019), not a date",
        )
    repairs: list[tuple[str, str]] = []
    if isinstance(cell, (int, np.integer)):
        year = int(cell)
    elif isinstance(cell, (float, np.floating)):
        if not float(cell).is_integer():
            return _Year(None, problem=f"year {cell!r} is not a whole number",
                         suggestion=_YEAR_FIX)
        year = int(cell)
        repairs.append(("year_float", str(year)))
    else:
        original = str(cell).strip()
        text = _FOOTNOTE.sub("", original).strip()
        if text != original:
            repairs.append(("footnote", text))
        folded = unicodedata.normalize("NFKC", text).strip()
        if folded != text:
            repairs.append(("fullwidth", folded))
        text = folded
        if text.endswith("年"):
            text = text[:-1].strip()
            repairs.append(("year_suffix", text))
        if _INT.fullmatch(text):
            year = int(text)
        elif _NUMBER.fullmatch(text):
            number = float(text)
            if not number.is_integer():
                return _Year(None, problem=f"year {original!r} is not a whole number",
                             suggestion=_YEAR_FIX)
            year = int(number)
            repairs.append(("year_float", str(year)))
        else:
            return _Year(None, problem=f"not a year: {original!r}", suggestion=_YEAR_FIX)
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return _Year(
            None,
            problem=f"year {year} outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]}",
            suggestion="correct the year (a typo, or a date read as a number?)",
        )
    return _Year(year, tuple(repairs))


def _year_like(cell: object) -> bool:
    """Does a header cell look like it was meant to be a year (even a broken one)?"""
    if isinstance(cell, bool) or cell is None:
        return False
    if isinstance(cell, (_dt.datetime, _dt.date)):
        return True
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return 1900 <= float(cell) <= 2100
    text = unicodedata.normalize("NFKC", _FOOTNOTE.sub("", str(cell))).strip()
    return re.fullmatch(r"(19|20)\d\d(\.\d+)?\s*年?(度)?", text) is not None


def _header_key(cell: object) -> str:
    text = unicodedata.normalize("NFKC", _FOOTNOTE.sub("", _cell_text(cell)))
    return re.sub(r"\s+", "", text).casefold()


# ---------------------------------------------------------------------------
# Labels (province column)


@dataclass(frozen=True)
class _Label:
    # "province" | "national total" | "regional subtotal" | "outside the mainland" |
    # "repeated header" | "note" | "unknown" | "blank"
    kind: str
    code: str | None = None
    footnote: str | None = None  # the label without its footnote mark, when one was stripped
    problem: str = ""
    suggestion: str = ""


class _Labels:
    """Maps row labels to codes (cached per distinct label)."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.cache: dict[str, _Label] = {}
        self._names: dict[tuple, str] = {}

    def __call__(self, cell: object) -> _Label:
        text = _cell_text(cell)
        if not text:
            return _Label("blank")
        if text not in self.cache:
            self.cache[text] = self._classify(text)
        return self.cache[text]

    def _classify(self, text: str) -> _Label:
        bare = _FOOTNOTE.sub("", text).strip()
        footnote = bare if bare != text else None
        key = normalize_name(bare)
        if key in _NATIONAL:
            return _Label("national total", footnote=footnote)
        if key in _REGIONAL:
            return _Label("regional subtotal", footnote=footnote)
        if _ALIAS_ROLE.get(_header_key(bare)) in _PROVINCE_ROLES:
            return _Label("repeated header", footnote=footnote)
        try:
            return _Label("province", self.registry.to_code(bare), footnote=footnote)
        except UnknownUnitError as exc:
            outside = outside_mainland(bare)
            if outside is not None:  # only when the registry does not list it
                return _Label("outside the mainland", footnote=footnote, problem=outside)
            hint = str(exc).split("; ", 1)[-1]
            return _Label(
                "unknown",
                problem=f"unknown province name {text!r}",
                suggestion=f"{hint}; correct the name, or add it as an alias in the registry",
            )

    def known(self, cell: object) -> bool:
        """Quick test used to find the province column: a province or an aggregate?"""
        text = _cell_text(cell)
        if not text:
            return False
        if text in self.cache:
            return self.cache[text].kind not in ("unknown", "blank")
        key = normalize_name(_FOOTNOTE.sub("", text).strip())
        if key in _NATIONAL or key in _REGIONAL or key in _OUTSIDE_KEYS:
            return True
        # knows() is cheap; a miss in to_code would compute spelling suggestions,
        # which is slow for the hundreds of numeric cells.
        return self.registry.knows(key)

    def province(self, code: str | None, label: str) -> str:
        """How messages name the province: 'Shanxi (14), written '山西''."""
        key = (code, label)
        if key not in self._names:
            self._names[key] = _province_text(self.registry, code, label)
        return self._names[key]

    def is_note(self, cell: object) -> bool:
        text = unicodedata.normalize("NFKC", _cell_text(cell)).casefold()
        return text.startswith(_NOTE_PREFIXES)


# ---------------------------------------------------------------------------
# Loading a file into a grid of cells


def _object_array(cells) -> np.ndarray:
    """A 1-d object array of the cells (never split into more dimensions)."""
    out = np.empty(len(cells), dtype=object)
    out[:] = cells
    return out


class _Grid:
    """The non-blank rows of a table: (1-based row number, cells), padded with None.

    A loader gives either rows (lists of cells) or columns (object arrays,
    with the row numbers); the other form is built when first asked for.
    Long tables are processed column by column and never build ``rows``.
    """

    def __init__(self, file: str, width: int, kind: str, *, rows=None, numbers=None,
                 columns=None):
        self.file = file
        self.width = width
        self.kind = kind  # "text" (cells are str or None) | "xlsx"
        self._rows = rows
        self._numbers = numbers
        self._columns = columns

    def __len__(self) -> int:
        return len(self._rows) if self._rows is not None else len(self._numbers)

    @property
    def rows(self) -> list[tuple[int, list]]:
        if self._rows is None:
            self._rows = [
                (n, list(cells))
                for n, cells in zip(self._numbers.tolist(), zip(*self._columns))
            ]
        return self._rows

    @property
    def numbers(self) -> np.ndarray:
        if self._numbers is None:
            self._numbers = np.array([n for n, _ in self._rows], dtype=np.int64)
        return self._numbers

    @property
    def columns(self) -> list[np.ndarray]:
        if self._columns is None:
            self._columns = [_object_array([r[j] for _, r in self._rows])
                             for j in range(self.width)]
        return self._columns

    def row(self, i: int) -> tuple[int, list]:
        if self._rows is not None:
            return self._rows[i]
        return int(self._numbers[i]), [c[i] for c in self._columns]

    def head(self, k: int) -> list[tuple[int, list]]:
        """The first ``k`` rows (without building all of them)."""
        if self._rows is not None:
            return self._rows[:k]
        return [self.row(i) for i in range(min(k, len(self)))]

    def column_name(self, j: int, label: object) -> str:
        text = _cell_text(label)
        if self.kind == "xlsx":
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(j + 1)
            return f"{text} ({letter})" if text else letter
        return text if text else f"#{j + 1}"


def _decode(data: bytes, file: str, col: _Collector) -> str:
    if data.startswith(codecs.BOM_UTF8):
        col.encoding = "utf-8-sig"
        col.notes.append("encoding: UTF-8 with byte-order mark (BOM)")
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _decode_error(file, exc) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        col.encoding = "utf-16"
        col.notes.append("encoding: UTF-16 (Excel 'Unicode text')")
        col.repair(None, None, "encoding", "utf-16", "utf-8")
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _decode_error(file, exc) from None
    try:
        text = data.decode("utf-8")
        col.encoding = "utf-8"
        return text
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _decode_error(file, exc) from None
    col.encoding = "gb18030"
    col.notes.append(
        "encoding: not UTF-8; read as GB18030 (a superset of GBK/GB2312, the usual "
        "encoding of Chinese Excel CSV exports)"
    )
    col.repair(None, None, "encoding", "gb18030", "utf-8")
    return text


def _decode_error(file: str, exc: UnicodeDecodeError) -> DataError:
    return DataError(
        Problem(
            "error",
            f"cannot decode the file as UTF-8 or GBK/GB18030 (bad byte at position "
            f"{exc.start})",
            "save it again as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8)",
            file=file,
        )
    )


def _first_lines(text: str, count: int) -> list[str]:
    """``[ln for ln in text.splitlines() if ln.strip()][:count]``, reading only a prefix."""
    size = 1 << 16
    while True:
        if size >= len(text):
            return [ln for ln in text.splitlines() if ln.strip()][:count]
        # Every line but the last of a prefix is a whole line of the text.
        lines = [ln for ln in text[:size].splitlines()[:-1] if ln.strip()]
        if len(lines) >= count:
            return lines[:count]
        size *= 4


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one giving the most consistent field count."""
    lines = _first_lines(text, 50)
    best, best_score = ",", None
    for delim in (",", ";", "\t"):
        counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        score = (mode > 1, counts.count(mode) / len(counts), mode)
        if best_score is None or score > best_score:
            best, best_score = delim, score
    return best


def _load_text(path: Path, data: bytes, file: str, col: _Collector) -> _Grid:
    text = _decode(data, file, col)
    if not text.strip().strip("\ufeff"):
        raise _empty(file)
    delimiter = _sniff_delimiter(text)
    col.delimiter = delimiter
    if delimiter != ",":
        name = {";": "semicolon", "\t": "tab"}[delimiter]
        col.notes.append(f"delimiter: {name} detected")
        col.repair(None, None, "delimiter", delimiter, ",")
    split = _split_plain(text, delimiter)
    if split is not None:
        numbers, columns = split
        if not len(numbers):
            raise _empty(file)
        return _Grid(file, len(columns), "text", numbers=numbers, columns=columns)
    rows: list[tuple[int, list]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if record and not all(_blank(c) for c in record):
                rows.append((start, list(record)))
    except csv.Error as exc:
        raise DataError(
            Problem("error", f"not a readable text table ({exc})",
                    "export the table again as CSV", file=file, row=previous + 1)
        ) from None
    if not rows:
        raise _empty(file)
    width = max(len(r) for _, r in rows)
    return _Grid(file, width, "text", rows=[(n, r + [None] * (width - len(r))) for n, r in rows])


# First UTF-8 byte of every character for which str.isspace() is true: ASCII
# white space, U+0085 and U+00A0 (0xC2), U+1680 (0xE1), U+2000-U+205F (0xE2)
# and U+3000 (0xE3).
_BLANK_LEADS = (9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0xC2, 0xE1, 0xE2, 0xE3)


def _split_plain(text: str, delimiter: str) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """The non-blank rows of a table without quotes, split as ``csv.reader`` would.

    Returns (1-based line numbers, columns as object arrays) when every line
    has the same number of fields, so that record = line and fields =
    ``line.split(delimiter)``; None (the csv module reads it) when the text
    has quotes, NUL characters, lone carriage returns, lines of another
    length (blank or ragged) or lines longer than the csv field size limit.
    """
    if '"' in text or "\x00" in text:
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
    if text.endswith("\n"):  # the csv module gives no record after the last line break
        text = text[:-1]
    end = text.find("\n")
    k = (text if end < 0 else text[:end]).count(delimiter)
    if k == 0:
        return None
    try:
        data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    except UnicodeEncodeError:
        return None
    # Line breaks and delimiters are ASCII, so bytes count like characters here.
    seps = np.flatnonzero((data == 10) | (data == ord(delimiter)))
    is_break = data[seps] == 10
    lines = int(np.count_nonzero(is_break)) + 1
    # k delimiters on every line: exactly every (k + 1)-th separator is a line break.
    if len(seps) != lines * (k + 1) - 1 or not is_break[k :: k + 1].all():
        return None
    breaks = seps[k :: k + 1]
    lengths = np.diff(np.concatenate(([-1], breaks, [len(data)]))) - 1
    if lengths.max() > csv.field_size_limit():
        return None
    table = np.array(text.replace("\n", delimiter).split(delimiter), dtype=object)
    columns = [column.copy() for column in table.reshape(lines, k + 1).T]
    del table
    numbers = np.arange(1, lines + 1, dtype=np.int64)
    # A blank row's first cell is blank: the line starts with a delimiter or
    # the first byte of a white-space character.  Only those rows are checked.
    starts = np.concatenate(([0], breaks + 1))
    blank = np.flatnonzero(np.isin(data[starts], _BLANK_LEADS + (ord(delimiter),)))
    for column in columns:  # rows whose cells are all blank, narrowed column by column
        blank = blank[_blank_mask(column[blank])]
        if not len(blank):
            break
    if len(blank):
        keep = np.ones(lines, dtype=bool)
        keep[blank] = False
        numbers = numbers[keep]
        columns = [c[keep] for c in columns]
    return numbers, columns


def _blank_mask(cells: np.ndarray) -> np.ndarray:
    """``_blank`` of each cell, without a Python call per cell for text."""
    try:
        empty = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells)) == 0
        # str.isspace raises TypeError for anything but text (None, numbers, dates).
        space = np.fromiter(map(str.isspace, cells), dtype=bool, count=len(cells))
    except TypeError:
        return np.fromiter(map(_blank, cells), dtype=bool, count=len(cells))
    return empty | space


def _load_xlsx(data: bytes, file: str, sheet, col: _Collector) -> _Grid:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported styles
            # From bytes: openpyxl refuses paths not ending in .xlsx.
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DataError(
            Problem("error", f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
                    "open it in Excel and save it again as .xlsx, or export CSV", file=file)
        ) from None
    names = book.sheetnames
    if sheet is None:
        ws = book.worksheets[0]
        if len(names) > 1:
            col.notes.append(f"sheet: read the first sheet {ws.title!r} of {names}")
            # Kept so that an error on a cover page can name the sheet with the table.
            col.other_sheets = {
                other.title: [c for row in other.iter_rows(max_row=80, max_col=8,
                                                           values_only=True)
                              for c in row if isinstance(c, str)]
                for other in book.worksheets[1:]
            }
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise DataError(
                Problem("error", f"no sheet number {sheet} (0-based); the workbook has {names}",
                        "pass sheet= one of the names or 0-based numbers", file=file)
            )
        ws = book.worksheets[sheet]
    else:
        if str(sheet) not in names:
            raise DataError(
                Problem("error", f"no sheet named {sheet!r}; the workbook has {names}",
                        "pass sheet= one of these names", file=file)
            )
        ws = book[str(sheet)]
    col.sheet = ws.title
    col.file = file = f"{file}, sheet {ws.title!r}"
    rows = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = list(values)
        if not all(_blank(c) for c in cells):
            rows.append((number, cells))
    if not rows:
        raise _empty(file, what="sheet")
    width = max(len(r) for _, r in rows)
    return _Grid(file, width, "xlsx", rows=[(n, r + [None] * (width - len(r))) for n, r in rows])


def _sheet_hint(col: _Collector, labels: _Labels) -> str:
    """'; sheet 'X' holds province names: pass sheet='X'' when another sheet has the table."""
    for title, cells in col.other_sheets.items():
        if sum(labels.known(c) for c in cells) >= 3:
            return f"; sheet {title!r} holds province names: pass sheet={title!r}"
    return ""


def _empty(file: str, what: str = "file") -> DataError:
    return DataError(
        Problem("error", f"the {what} is empty (no cells with data)",
                "check that you exported the right table", file=file)
    )


def _load_grid(path, sheet, col: _Collector) -> _Grid:
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise DataError(
            Problem("error", "file not found", "check the path and the file name", file=file)
        )
    data = path.read_bytes()
    if not data:
        raise _empty(file)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(
            Problem("error", "old Excel .xls format is not supported",
                    "open it in Excel and save it as .xlsx (or export CSV UTF-8)", file=file)
        )
    if data.startswith(b"PK\x03\x04"):
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            col.notes.append(f"file content is an Excel workbook although named {path.name}")
        return _load_xlsx(data, file, sheet, col)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise DataError(
            Problem("error", "named .xlsx but not an Excel workbook",
                    "rename it to .csv if it is text, or save it again from Excel", file=file)
        )
    if sheet is not None:
        col.notes.append(f"sheet={sheet!r} ignored: {path.name} is a text file")
    return _load_text(path, data, file, col)


# ---------------------------------------------------------------------------
# Shared cell processing


class _Rows:
    """Builds the output records of one file, counting every value cell."""

    def __init__(self, col: _Collector, labels: _Labels, comma_is_ambiguous: bool):
        self.col = col
        self.labels = labels
        self.comma_is_ambiguous = comma_is_ambiguous
        self.records: list[dict] = []
        self._cache: dict[tuple[type, object], _Parsed] = {}

    def parse(self, cell: object) -> _Parsed:
        key = (type(cell), cell if not isinstance(cell, float) or not math.isnan(cell) else "nan")
        try:
            hit = self._cache.get(key)
        except TypeError:  # unhashable: never in a cell, but stay safe
            hit = None
        if hit is None:
            hit = _parse_number(cell, comma_is_ambiguous=self.comma_is_ambiguous)
            self._cache[key] = hit
        return hit

    def value(self, cell, *, row, column, code, province, year, indicator, label, extra) -> None:
        """Account for one value cell of a province row."""
        col = self.col
        col.read += 1
        parsed = self.parse(cell)
        for kind, result in parsed.repairs:
            col.repair(row, column, kind, _cell_text(cell), result)
        if parsed.status == "missing":
            col.missing_n += 1
            col.missing.append(
                {"row": row, "column": column, "code": code, "province": province,
                 "year": year, "indicator": indicator, "mark": parsed.mark}
            )
        elif parsed.status == "invalid":
            col.invalid += 1
            col.problem("error", parsed.problem, parsed.suggestion, row=row, column=column,
                        code=code, province=province, year=year, indicator=indicator)
        else:
            col.used += 1
            self.records.append(
                {"code": code, "year": year, "indicator": indicator, "value": parsed.value,
                 **extra, "source_file": col.file, "source_row": row,
                 "source_column": column, "source_label": label}
            )

    def drop(self, row: int, label: str, reason: str, cells: int) -> None:
        self.col.read += cells
        self.col.dropped_n += cells
        self.col.dropped.append({"row": row, "label": label, "reason": reason, "cells": cells})

    def invalid(self, cells: int) -> None:
        self.col.read += cells
        self.col.invalid += cells


def _province_text(registry: Registry, code: str | None, label: str) -> str:
    if code is None:
        return repr(label)
    name = f"{registry.label(code)} ({code})"
    return name if normalize_name(label) in (normalize_name(registry.label(code)), code) else (
        f"{name}, written {label!r}"
    )


def _row_label(rows: _Rows, cells: list, row: int, label_col: int, value_cells: list,
               secondary: list[tuple[int, str]]) -> tuple[str, str | None]:
    """Classify a row by its label: returns (action, code); action in keep/skip/done."""
    col, labels = rows.col, rows.labels
    raw = cells[label_col]
    text = _cell_text(raw)
    n_values = len(value_cells)
    any_value = any(not _blank(c) for c in value_cells)
    info = labels(raw)
    if info.kind == "blank":
        if not any_value:
            return "skip", None
        rows.invalid(n_values)
        col.problem("error", "this row has values but no province name",
                    "type the province name in the first column, or delete the row",
                    row=row)
        return "done", None
    if info.footnote is not None:
        col.repair(row, None, "footnote", text, info.footnote)
    if labels.is_note(raw) and not any_value:
        rows.drop(row, text, "note line", n_values)
        col.notes.append(f"row {row}: note line dropped ({text[:20]!r})")
        return "done", None
    if info.kind in ("national total", "regional subtotal"):
        rows.drop(row, text, info.kind, n_values)
        col.notes.append(f"row {row}: {text!r} dropped ({info.kind}, not a province)")
        return "done", None
    if info.kind == "outside the mainland":
        rows.drop(row, text, info.kind, n_values)
        col.notes.append(f"row {row}: {text!r} set aside ({info.problem} is not a unit of the "
                         "registry; set aside like 全国)")
        return "done", None
    if info.kind == "repeated header":
        rows.drop(row, text, info.kind, n_values)
        col.notes.append(f"row {row}: {text!r} dropped (the header row repeated, e.g. where "
                         "two tables were pasted together)")
        return "done", None
    if info.kind == "unknown":
        if not any_value:
            col.problem("warning", f"row ignored: {text!r} is not a province and has no values",
                        "delete the row if it is a title or note", row=row, province=repr(text))
            rows.drop(row, text, "not a province, no values", n_values)
            return "done", None
        rows.invalid(n_values)
        col.problem("error", info.problem, info.suggestion, row=row, province=repr(text))
        return "done", None
    code = info.code
    for j, name in secondary:
        other = labels(cells[j])
        if other.kind == "blank":
            continue
        if other.code != code:
            said = (f"{rows.labels.registry.label(other.code)} ({other.code})"
                    if other.code else "an unknown province")
            rows.invalid(n_values)
            col.problem(
                "error",
                f"province columns disagree: {text!r} is "
                f"{rows.labels.registry.label(code)} ({code}) but column {name!r} says "
                f"{_cell_text(cells[j])!r}, {said}",
                "correct one of the two columns (Shanxi 山西 = 14, Shaanxi 陕西 = 61)",
                row=row, province=repr(text), column=name,
            )
            return "done", None
    return "keep", code


# ---------------------------------------------------------------------------
# Long tables


def _read_long_impl(path, *, registry=None, sheet=None, header_rows=None):
    frame, report, _ = _read_long_ranked(path, registry=registry, sheet=sheet,
                                         header_rows=header_rows)
    return frame, report


def _read_long_ranked(path, *, registry=None, sheet=None, header_rows=None):
    """(frame, report, ranks): ranks are the sort ranks of each row's indicator
    and code (see :func:`_sort_order`), or None."""
    registry = registry or default_registry()
    col = _Collector(str(path), "long")
    grid = _load_grid(path, sheet, col)
    file = grid.file
    header_idx = _long_header(grid, header_rows, file)
    header_no, header = grid.row(header_idx)
    col.header_row = header_no
    roles: dict[str, int] = {}
    extras: list[str] = []
    province_cols: list[int] = []
    for j, cell in enumerate(header):
        role = _ALIAS_ROLE.get(_header_key(cell))
        name = grid.column_name(j, cell)
        if role in _PROVINCE_ROLES:
            province_cols.append(j)
            continue
        if role is None:
            if not _blank(cell) or not _blank_mask(grid.columns[j][header_idx + 1:]).all():
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
        province_cols.sort(key=lambda j: (_ALIAS_ROLE[_header_key(header[j])] != "code", j))
        roles["code"] = province_cols[0]
    missing = [r for r in ("code", "year", "indicator", "value") if r not in roles]
    if missing:
        found = ", ".join(repr(_cell_text(c)) for c in header if not _blank(c))
        names = {"code": "code (or province/省份/地区)", "year": "year (or 年份)",
                 "indicator": "indicator (or 指标)", "value": "value (or 数值)"}
        looks_wide = sum(_year_like(c) for c in header) >= 2
        hint = (
            "this looks like a yearbook table with years as columns: use "
            "read_wide(path, layout='years', indicator='<series id>')"
            if looks_wide
            else "name the columns code (or province/省份/地区), year, indicator, value; for a "
            "table with indicators as columns use read_wide(path, layout='indicators', year=...)"
        ) + _sheet_hint(col, _Labels(registry))
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
    rows = _Rows(col, _Labels(registry), comma_is_ambiguous=col.delimiter == ";")
    extra_roles = [r for r in ("unit", "source_id") if r in roles]
    years: dict[tuple[type, object], _Year] = {}

    def one_row(row: int, cells: list) -> None:
        """Every check of one row, recording each repair and problem."""
        value_cell = cells[roles["value"]]
        action, code = _row_label(rows, cells, row, roles["code"], [value_cell], secondary)
        if action != "keep":
            return
        label = _cell_text(cells[roles["code"]])
        province = rows.labels.province(code, label)
        year_cell = cells[roles["year"]]
        key = (type(year_cell), year_cell)
        parsed_year = years.get(key) or years.setdefault(key, _parse_year(year_cell))
        indicator = _cell_text(cells[roles["indicator"]])
        if parsed_year.year is None:
            rows.invalid(1)
            col.problem("error", parsed_year.problem, parsed_year.suggestion, row=row,
                        column=names["year"], code=code, province=province,
                        indicator=indicator or None)
            return
        for kind, result in parsed_year.repairs:
            col.repair(row, names["year"], kind, _cell_text(year_cell), result)
        if not indicator:
            rows.invalid(1)
            col.problem("error", "indicator is blank", "fill in the series id", row=row,
                        column=names["indicator"], code=code, province=province,
                        year=parsed_year.year)
            return
        extra = {}
        for role in extra_roles:
            text = _cell_text(cells[roles[role]])
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
    _nothing_read(col)
    if not count:
        return _records_frame(rows.records, extra_roles), col.report(), None
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
    return _typed_frame(pd.DataFrame(data), extra_roles), col.report(), keys


#: Cells per block when plain numbers are converted in bulk (a block with a
#: cell that is not a plain number is looked at cell by cell).
_CHUNK = 8192


def _plain_numbers(cells: np.ndarray, parse) -> tuple[np.ndarray, np.ndarray]:
    """Which text cells are plain numbers (``_parse_number`` status "number", no
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

    def __init__(self, text: bool, rows: _Rows, columns, roles, secondary, years):
        labels = rows.labels

        def per_cell(j, *funcs, keep=None):
            """For each func: func(cell) of every row, computed per distinct cell."""
            codes, distinct = _distinct_cells(columns[j], text)
            values = [_object_array([f(c) for c in distinct]) for f in funcs]
            if keep is not None:  # the row codes and the distinct values of the last func
                keep[:] = [codes, values[-1]]
            return [v[codes] for v in values]

        def year_of(cell):
            key = (type(cell), cell)
            return years.get(key) or years.setdefault(key, _parse_year(cell))

        def province(cell):
            info = labels(cell)
            return info.kind == "province" and info.footnote is None

        self.codes_by_label: list = []  # row codes of the label column, code of each label
        mask, self.label, self.code = per_cell(
            roles["code"], province, _cell_text, lambda c: labels(c).code,
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
        (self.indicator,) = per_cell(roles["indicator"], _cell_text, keep=self.indicators)
        mask &= self.indicator != ""
        if text:
            ok, self.value = _plain_numbers(columns[roles["value"]], rows.parse)
        else:
            parsed = [rows.parse(c) for c in columns[roles["value"]].tolist()]
            ok = np.array([p.status == "number" and not p.repairs for p in parsed], dtype=bool)
            self.value = np.array([p.value if p.status == "number" else 0.0 for p in parsed],
                                  dtype=np.float64)
        mask &= ok
        self.extra = {
            role: per_cell(roles[role], lambda c: _cell_text(c) or None)[0]
            for role in ("unit", "source_id") if role in roles
        }
        self.mask = mask


def _long_header(grid: _Grid, header_rows, file: str) -> int:
    if header_rows is not None:
        return _header_index(grid, header_rows, file)
    for i, (_, cells) in enumerate(grid.head(30)):
        roles = {_ALIAS_ROLE.get(_header_key(c)) for c in cells} - {None}
        if len(roles) >= 2:
            return i
    return 0  # no recognisable header: let the missing-column error explain


def _header_index(grid: _Grid, header_rows, file: str) -> int:
    if isinstance(header_rows, bool) or not isinstance(header_rows, (int, np.integer)) or header_rows < 1:
        raise ValueError(f"header_rows must be a positive whole number, got {header_rows!r}")
    # Row numbers ascend: the header is the last non-blank row at or above header_rows.
    last = int(np.searchsorted(grid.numbers, header_rows, side="right")) - 1
    if last < 0:
        raise DataError(Problem("error", f"rows 1-{header_rows} are empty, so there is no header",
                                "check header_rows", file=file))
    return last


def _records_frame(records: list[dict], extra_cols: list[str]) -> pd.DataFrame:
    columns = ["code", "year", "indicator", "value", *extra_cols, *SOURCE_COLUMNS]
    return _typed_frame(pd.DataFrame(records, columns=columns), extra_cols)


def _typed_frame(frame: pd.DataFrame, extra_cols: list[str]) -> pd.DataFrame:
    """The column types of every reader's output."""
    frame["code"] = frame["code"].astype("str")
    frame["year"] = frame["year"].astype("int64")
    frame["indicator"] = frame["indicator"].astype("str")
    frame["value"] = frame["value"].astype("float64")
    for c in extra_cols + ["source_file", "source_column", "source_label"]:
        frame[c] = frame[c].astype("str")
    frame["source_row"] = frame["source_row"].astype("int64")
    return frame


# ---------------------------------------------------------------------------
# Wide tables


def _find_label_column(grid: _Grid, labels: _Labels, rows) -> int:
    best, best_hits = None, 0
    for j in range(min(grid.width, 8)):
        hits = sum(labels.known(cells[j]) for _, cells in rows if isinstance(cells[j], str))
        if hits > best_hits:
            best, best_hits = j, hits
    return best


def _read_wide_impl(path, *, layout, indicator=None, year=None, unit=None, source_id=None,
                    registry=None, sheet=None, header_rows=None):
    if layout not in ("years", "indicators"):
        raise ValueError(f"layout must be 'years' or 'indicators', got {layout!r}")
    if layout == "years" and not indicator:
        raise ValueError("layout='years' (years as columns) needs indicator='<series id>'")
    if layout == "indicators":
        if year is None:
            raise ValueError("layout='indicators' (indicators as columns) needs year=<year>")
        parsed = _parse_year(year)
        if parsed.year is None:
            raise ValueError(f"year={year!r}: {parsed.problem}")
        year = parsed.year
    registry = registry or default_registry()
    col = _Collector(str(path), layout)
    grid = _load_grid(path, sheet, col)
    file = grid.file
    labels = _Labels(registry)

    if header_rows is not None:
        header_idx = _header_index(grid, header_rows, file)
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
                        + _sheet_hint(col, labels), file=file)
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
            if not _blank(cells[j]):
                head = cells[j]
        heads.append(head)
    body = grid.rows[header_idx + 1:]
    if not body:
        raise DataError(Problem("error", f"no data rows below the header (row {header_no})",
                                "check that you exported the whole table", file=file))

    rows = _Rows(col, labels, comma_is_ambiguous=col.delimiter == ";")
    value_cols: list[tuple[int, str, int | None, str | None]] = []  # (j, name, year, indicator)
    secondary: list[tuple[int, str]] = []
    seen: dict[object, str] = {}
    bad_cols: list[int] = []
    for j in range(grid.width):
        if j == label_col:
            continue
        head, name = heads[j], grid.column_name(j, heads[j])
        cells = [r[j] for _, r in body]
        numeric = sum(rows.parse(c).status == "number" for c in cells if not _blank(c))
        filled = sum(not _blank(c) for c in cells)
        role = _ALIAS_ROLE.get(_header_key(head))
        if role in _PROVINCE_ROLES:
            secondary.append((j, name))
            continue
        if _blank(head):
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
            parsed = _parse_year(head)
            if parsed.year is None:
                if _year_like(head) or re.search(r"\d", _cell_text(head)):
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
                col.repair(header_no, name, kind, _cell_text(head), result)
            key: object = parsed.year
            col_year, col_indicator = parsed.year, indicator
        else:
            text = _cell_text(head)
            bare = _FOOTNOTE.sub("", text).strip()
            if bare != text:
                col.repair(header_no, name, "footnote", text, bare)
            digits = sum(bool(re.search(r"\d", _cell_text(c))) for c in cells if not _blank(c))
            if filled and not numeric and digits * 2 <= filled:
                col.problem("warning", f"column {name!r} has no numbers ({filled} text cells); "
                            "ignored", "delete it if it is not an indicator",
                            row=header_no, column=name)
                col.notes.append(f"column {name!r} ignored (no numbers)")
                continue
            key = bare
            col_year, col_indicator = year, bare
        if key in seen:
            col.problem("error", f"column header {_cell_text(head)!r} appears twice "
                        f"(columns {seen[key]!r} and {name!r})",
                        "delete or rename one of the two columns", row=header_no, column=name)
            bad_cols.append(j)
            continue
        seen[key] = name
        value_cols.append((j, name, col_year, col_indicator))

    units = unit if isinstance(unit, Mapping) else None
    for row, cells in body:
        counted = [cells[j] for j, *_ in value_cols] + [cells[j] for j in bad_cols]
        action, code = _row_label(rows, cells, row, label_col, counted, secondary)
        if action != "keep":
            continue
        label = _cell_text(cells[label_col])
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
    _nothing_read(col)
    return _records_frame(rows.records, extra_cols), col.report()


def _wide_header(grid: _Grid, layout: str, label_col: int, first_data: int, file: str) -> int:
    """Index of the header row among the rows above the first province row."""
    above = grid.rows[:first_data]
    if layout == "years":
        for i, (_, cells) in enumerate(above):
            yearish = sum(_year_like(c) for j, c in enumerate(cells) if j != label_col)
            others = [c for j, c in enumerate(cells) if j != label_col and not _blank(c)]
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
        others = [c for j, c in enumerate(cells) if j != label_col and not _blank(c)]
        if others and not any(_parse_number(c).status == "number" for c in others):
            return i
    raise DataError(
        Problem("error", "found no header row with indicator names above the first province row "
                f"(row {grid.rows[first_data][0]})",
                "put the indicator names in the row above the data, or pass header_rows=",
                file=file)
    )


# ---------------------------------------------------------------------------
# Public readers


def _nothing_read(col: _Collector) -> None:
    if col.used == 0 and not any(p.severity == "error" for p in col.problems):
        blank = sum(1 for m in col.missing if not m.get("mark"))
        if blank and blank == col.read - col.dropped_n:
            # An empty value column loses a whole series: never only a warning.  Explicit
            # marks (—, …) say the source has no value, and stay a warning.
            col.problem("error", f"no numbers read: the value cells are all blank ({blank})",
                        "fill in the values, or check that this is the table you meant to read "
                        "(formulas saved without their values? the wrong sheet?)",
                        kind="empty value column")
            return
        col.problem("warning", f"no numbers read: all {col.read} value cells are missing or in "
                    "dropped rows", "check that this is the table you meant to read")


def _sort_order(frame: pd.DataFrame, ranks=None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The stable sort by indicator, code, year, and the duplicated rows, from one
    ranking of the keys; (None, None) when a key is missing somewhere.

    ``pd.factorize(sort=True)`` ranks text as ``sort_values`` orders it, and
    ``np.lexsort`` is stable, so the order is the one of
    ``sort_values(["indicator", "code", "year"], kind="stable")``.  ``ranks``
    (indicator, code) may come with the frame: any integers ordered as the texts.
    """
    if ranks is None:
        indicator, _ = pd.factorize(frame["indicator"], sort=True, use_na_sentinel=True)
        code, _ = pd.factorize(frame["code"], sort=True, use_na_sentinel=True)
    else:
        indicator, code = ranks
    year = frame["year"].to_numpy()
    if len(frame) and (indicator.min() < 0 or code.min() < 0):
        return None, None
    order = np.lexsort((year, code, indicator))
    pair, _ = pd.factorize(indicator.astype(np.int64) * (int(code.max(initial=0)) + 1) + code)
    year_codes, year_uniques = pd.factorize(year)
    key = pair.astype(np.int64) * (len(year_uniques) + 1) + year_codes
    return order, np.asarray(pd.Index(key).duplicated(keep=False))


def _finish(frame: pd.DataFrame, report: ReadReport, *, registry, keep_source: bool,
            ranks=None):
    errors = [p for p in report.problem_list() if p.severity == "error"]
    if errors:
        raise DataError(errors)
    order, dup = _sort_order(frame, ranks)
    if dup is None:
        dupes = duplicate_problems(frame, source=report.file,
                                   registry=registry or default_registry())
    else:
        dupes = duplicate_problems_in(frame, dup, source=report.file,
                                    registry=registry or default_registry())
    if dupes:
        raise DataError(dupes)
    warn = [p for p in report.problem_list() if p.severity == "warning"]
    if warn:
        warnings.warn(
            f"{report.file}: " + "; ".join(p.problem for p in warn)
            + " (see read_*_with_report for details)",
            DataWarning,
            stacklevel=3,
        )
    if not keep_source:
        frame = frame.drop(columns=list(SOURCE_COLUMNS))
    if order is None:
        out = frame.sort_values(["indicator", "code", "year"], kind="stable")
    else:
        out = frame.take(order)
    return out.reset_index(drop=True)


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
    return _finish(frame, report, registry=registry, keep_source=keep_source, ranks=ranks), report


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
    frame, report = _read_wide_impl(
        path, layout=layout, indicator=indicator, year=year, unit=unit, source_id=source_id,
        registry=registry, sheet=sheet, header_rows=header_rows,
    )
    return _finish(frame, report, registry=registry, keep_source=keep_source), report


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


def read_with_problems(path, *, layout: str = "long", registry=None, **kwargs):
    """Read without raising for bad cells: (frame with source columns, report).

    Unusable cells are left out of the frame and listed in ``report.problems``;
    duplicates are kept (check_panel reports them).  Used by validate_file.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if layout == "long":
        return _read_long_impl(path, registry=registry, **kwargs)
    return _read_wide_impl(path, layout=layout, registry=registry, **kwargs)
