"""One cell at a time: numbers as yearbooks write them, years, header names,
province labels (names, codes, totals, notes) and the per-row bookkeeping
shared by the long and wide readers.

Part of the readers; the public functions are in :mod:`gmindex.io.readers`.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from gmindex.locate import YEAR_RANGE
from gmindex.provinces import (
    normalize_name,
    OUTSIDE_MAINLAND,
    outside_mainland,
    Registry,
    UnknownUnitError,
)
from gmindex.io.report import Collector


#: Cell texts read as "missing" (besides a blank cell and runs of dashes or dots).
MISSING_MARKS = frozenset({"na", "n/a", "n.a.", "#n/a", "nan", "null", "none"})


_MISSING_RUN = re.compile(r"[—–\-－‒―·・.…⋯]+")


FOOTNOTE = re.compile(r"[\*#†‡§①-⑳⑴-⒇¹²³⁰⁴-⁹]+$")


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


# Header names understood by read_long (compared after header_key).
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


ALIAS_ROLE = {alias: role for role, names in _LONG_ALIASES.items() for alias in names}


PROVINCE_ROLES = ("code", "province")


# ---------------------------------------------------------------------------
# Cells


def is_blank(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, str):
        return not cell.strip()
    return isinstance(cell, float) and math.isnan(cell)


def cell_text(cell: object) -> str:
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


def parse_number(cell: object, *, comma_is_ambiguous: bool = False) -> _Parsed:
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
            problem=f"Excel date cell ({cell_text(cell)}) where a number was expected",
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
    stripped = FOOTNOTE.sub("", text).strip()
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
class Year:
    year: int | None
    repairs: tuple[tuple[str, str], ...] = ()
    problem: str = ""
    suggestion: str = ""


_YEAR_FIX = "write the year as a whole number such as 2019 (2019年 is fine too)"


def parse_year(cell: object) -> Year:
    """Parse a year cell: 2019, '2019', '2019年', 2019.0 (repaired), not 2019.5."""
    if isinstance(cell, bool) or cell is None or is_blank(cell):
        return Year(None, problem="year is blank", suggestion=_YEAR_FIX)
    if isinstance(cell, (_dt.datetime, _dt.date, _dt.time)):
        return Year(
            None,
            problem=f"Excel date cell ({cell_text(cell)}) where a year was expected",
            suggestion="format the cell as a number or text in Excel and type the year "
            "(2019), not a date",
        )
    repairs: list[tuple[str, str]] = []
    if isinstance(cell, (int, np.integer)):
        year = int(cell)
    elif isinstance(cell, (float, np.floating)):
        if not float(cell).is_integer():
            return Year(None, problem=f"year {cell!r} is not a whole number",
                         suggestion=_YEAR_FIX)
        year = int(cell)
        repairs.append(("year_float", str(year)))
    else:
        original = str(cell).strip()
        text = FOOTNOTE.sub("", original).strip()
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
                return Year(None, problem=f"year {original!r} is not a whole number",
                             suggestion=_YEAR_FIX)
            year = int(number)
            repairs.append(("year_float", str(year)))
        else:
            return Year(None, problem=f"not a year: {original!r}", suggestion=_YEAR_FIX)
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return Year(
            None,
            problem=f"year {year} outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]}",
            suggestion="correct the year (a typo, or a date read as a number?)",
        )
    return Year(year, tuple(repairs))


def year_like(cell: object) -> bool:
    """Does a header cell look like it was meant to be a year (even a broken one)?"""
    if isinstance(cell, bool) or cell is None:
        return False
    if isinstance(cell, (_dt.datetime, _dt.date)):
        return True
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return 1900 <= float(cell) <= 2100
    text = unicodedata.normalize("NFKC", FOOTNOTE.sub("", str(cell))).strip()
    return re.fullmatch(r"(19|20)\d\d(\.\d+)?\s*年?(度)?", text) is not None


def header_key(cell: object) -> str:
    text = unicodedata.normalize("NFKC", FOOTNOTE.sub("", cell_text(cell)))
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


class Labels:
    """Maps row labels to codes (cached per distinct label)."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.cache: dict[str, _Label] = {}
        self._names: dict[tuple, str] = {}

    def __call__(self, cell: object) -> _Label:
        text = cell_text(cell)
        if not text:
            return _Label("blank")
        if text not in self.cache:
            self.cache[text] = self._classify(text)
        return self.cache[text]

    def _classify(self, text: str) -> _Label:
        bare = FOOTNOTE.sub("", text).strip()
        footnote = bare if bare != text else None
        key = normalize_name(bare)
        if key in _NATIONAL:
            return _Label("national total", footnote=footnote)
        if key in _REGIONAL:
            return _Label("regional subtotal", footnote=footnote)
        if ALIAS_ROLE.get(header_key(bare)) in PROVINCE_ROLES:
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
        text = cell_text(cell)
        if not text:
            return False
        if text in self.cache:
            return self.cache[text].kind not in ("unknown", "blank")
        key = normalize_name(FOOTNOTE.sub("", text).strip())
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
        text = unicodedata.normalize("NFKC", cell_text(cell)).casefold()
        return text.startswith(_NOTE_PREFIXES)


# ---------------------------------------------------------------------------
# Shared cell processing


class Rows:
    """Builds the output records of one file, counting every value cell."""

    def __init__(self, col: Collector, labels: Labels, comma_is_ambiguous: bool):
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
            hit = parse_number(cell, comma_is_ambiguous=self.comma_is_ambiguous)
            self._cache[key] = hit
        return hit

    def value(self, cell, *, row, column, code, province, year, indicator, label, extra) -> None:
        """Account for one value cell of a province row."""
        col = self.col
        col.read += 1
        parsed = self.parse(cell)
        for kind, result in parsed.repairs:
            col.repair(row, column, kind, cell_text(cell), result)
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


def row_label(rows: Rows, cells: list, row: int, label_col: int, value_cells: list,
               secondary: list[tuple[int, str]]) -> tuple[str, str | None]:
    """Classify a row by its label: returns (action, code); action in keep/skip/done."""
    col, labels = rows.col, rows.labels
    raw = cells[label_col]
    text = cell_text(raw)
    n_values = len(value_cells)
    any_value = any(not is_blank(c) for c in value_cells)
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
                f"{cell_text(cells[j])!r}, {said}",
                "correct one of the two columns (Shanxi 山西 = 14, Shaanxi 陕西 = 61)",
                row=row, province=repr(text), column=name,
            )
            return "done", None
    return "keep", code
