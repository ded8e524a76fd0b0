"""File decoding: bytes of a CSV (encoding, delimiter) or an XLSX sheet into a
grid of cells with their row numbers as the user sees them.

Part of the readers; the public functions are in :mod:`gmindex.io.readers`.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from pathlib import Path

import numpy as np

from gmindex.errors import DataError, Problem
from gmindex.io.report import Collector
from gmindex.io.cells import cell_text, is_blank, Labels


# ---------------------------------------------------------------------------
# Loading a file into a grid of cells


def object_array(cells) -> np.ndarray:
    """A 1-d object array of the cells (never split into more dimensions)."""
    out = np.empty(len(cells), dtype=object)
    out[:] = cells
    return out


class Grid:
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
            self._columns = [object_array([r[j] for _, r in self._rows])
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
        text = cell_text(label)
        if self.kind == "xlsx":
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(j + 1)
            return f"{text} ({letter})" if text else letter
        return text if text else f"#{j + 1}"


def _decode(data: bytes, file: str, col: Collector) -> str:
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


def _load_text(path: Path, data: bytes, file: str, col: Collector) -> Grid:
    text = _decode(data, file, col)
    if not text.strip().strip("\ufeff"):
        raise _empty(file)
    delimiter = _sniff_delimiter(text)
    col.delimiter = delimiter
    if delimiter != ",":
        name = {";": "semicolon", "\t": "tab"}[delimiter]
        col.notes.append(f"delimiter: {name} detected")
        col.repair(None, None, "delimiter", delimiter, ",")
    split = split_plain(text, delimiter)
    if split is not None:
        numbers, columns = split
        if not len(numbers):
            raise _empty(file)
        return Grid(file, len(columns), "text", numbers=numbers, columns=columns)
    rows: list[tuple[int, list]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if record and not all(is_blank(c) for c in record):
                rows.append((start, list(record)))
    except csv.Error as exc:
        raise DataError(
            Problem("error", f"not a readable text table ({exc})",
                    "export the table again as CSV", file=file, row=previous + 1)
        ) from None
    if not rows:
        raise _empty(file)
    width = max(len(r) for _, r in rows)
    return Grid(file, width, "text", rows=[(n, r + [None] * (width - len(r))) for n, r in rows])


# First UTF-8 byte of every character for which str.isspace() is true: ASCII
# white space, U+0085 and U+00A0 (0xC2), U+1680 (0xE1), U+2000-U+205F (0xE2)
# and U+3000 (0xE3).
BLANK_LEADS = (9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0xC2, 0xE1, 0xE2, 0xE3)


def split_plain(text: str, delimiter: str) -> tuple[np.ndarray, list[np.ndarray]] | None:
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
    blank = np.flatnonzero(np.isin(data[starts], BLANK_LEADS + (ord(delimiter),)))
    for column in columns:  # rows whose cells are all blank, narrowed column by column
        blank = blank[blank_mask(column[blank])]
        if not len(blank):
            break
    if len(blank):
        keep = np.ones(lines, dtype=bool)
        keep[blank] = False
        numbers = numbers[keep]
        columns = [c[keep] for c in columns]
    return numbers, columns


def blank_mask(cells: np.ndarray) -> np.ndarray:
    """``is_blank`` of each cell, without a Python call per cell for text."""
    try:
        empty = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells)) == 0
        # str.isspace raises TypeError for anything but text (None, numbers, dates).
        space = np.fromiter(map(str.isspace, cells), dtype=bool, count=len(cells))
    except TypeError:
        return np.fromiter(map(is_blank, cells), dtype=bool, count=len(cells))
    return empty | space


def _load_xlsx(data: bytes, file: str, sheet, col: Collector) -> Grid:
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
        if not all(is_blank(c) for c in cells):
            rows.append((number, cells))
    if not rows:
        raise _empty(file, what="sheet")
    width = max(len(r) for _, r in rows)
    return Grid(file, width, "xlsx", rows=[(n, r + [None] * (width - len(r))) for n, r in rows])


def sheet_hint(col: Collector, labels: Labels) -> str:
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


def load_grid(path, sheet, col: Collector) -> Grid:
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


def header_index(grid: Grid, header_rows, file: str) -> int:
    if isinstance(header_rows, bool) or not isinstance(header_rows, (int, np.integer)) or header_rows < 1:
        raise ValueError(f"header_rows must be a positive whole number, got {header_rows!r}")
    # Row numbers ascend: the header is the last non-blank row at or above header_rows.
    last = int(np.searchsorted(grid.numbers, header_rows, side="right")) - 1
    if last < 0:
        raise DataError(Problem("error", f"rows 1-{header_rows} are empty, so there is no header",
                                "check header_rows", file=file))
    return last
