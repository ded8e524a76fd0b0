"""What a reader did with each cell of a file: :class:`ReadReport`, and the
collector the readers fill while they read.

Part of the readers; the public functions are in :mod:`gmindex.io.readers`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gmindex.errors import DataError, frame_to_problems, Problem, problems_frame
from gmindex.locate import duplicate_problems, duplicate_problems_in, SOURCE_COLUMNS
from gmindex.provinces import default_registry


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


class Collector:
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


def records_frame(records: list[dict], extra_cols: list[str]) -> pd.DataFrame:
    columns = ["code", "year", "indicator", "value", *extra_cols, *SOURCE_COLUMNS]
    return typed_frame(pd.DataFrame(records, columns=columns), extra_cols)


def typed_frame(frame: pd.DataFrame, extra_cols: list[str]) -> pd.DataFrame:
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
# Public readers


def nothing_read(col: Collector) -> None:
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


def finish(frame: pd.DataFrame, report: ReadReport, *, registry, keep_source: bool,
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
