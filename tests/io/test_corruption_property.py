"""Random corruptions of real yearbook-format files: an error or a documented repair.

The base tables hold real values (energy consumption, 万吨标准煤, 2016-2019,
from ``data/panel.csv``) in the two layouts users bring: a yearbook sheet
(provinces x years) and a long table.  Hypothesis corrupts cells and rows the
way yearbooks and colleagues do, and knows what each corruption means: a
repair that keeps the value (``1,234``, full-width digits, a footnote mark), a
missing mark, another number typed in, text where a number belongs, or a row
that is not a province (全国, a note, Hong Kong, the header again).  Every
reader must then either raise :class:`DataError` (when some cell cannot be
read) or return exactly the values the file means, with every repair and
missing cell counted; never a traceback and never a silently changed value.
"""

from __future__ import annotations

import codecs
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmindex.datasets import default_panel_path
from gmindex.errors import DataError
from gmindex.io import read_long_with_report, read_wide_with_report
from gmindex.provinces import default_registry
from gmindex.validation import validate_file

SERIES = "energy_consumption_10k_tce"
YEARS = (2016, 2017, 2018, 2019)
REG = default_registry()


def _real_values() -> dict[tuple[str, int], float]:
    panel = pd.read_csv(default_panel_path(), dtype={"code": str})
    rows = panel[(panel["indicator"] == SERIES) & panel["year"].isin(YEARS)]
    return {(r.code, int(r.year)): float(r.value) for r in rows.itertuples()}


VALUES = _real_values()
CODES = sorted({c for c, _ in VALUES})[:8]  # a yearbook excerpt: eight provinces
FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")

# Cell corruptions: name -> function(value) -> (text, meaning).  A meaning is
# ("value", number), ("missing",) or ("error",).
CELL = {
    "plain": lambda v: (f"{v:g}", ("value", v)),
    "thousands": lambda v: (f"{v:,.1f}", ("value", round(v, 1))),
    "fullwidth": lambda v: (f"{v:g}".translate(FULLWIDTH), ("value", v)),
    "footnote": lambda v: (f"{v:g}*", ("value", v)),
    "spaces": lambda v: (f" {v:g}\u3000", ("value", v)),
    "dash": lambda v: ("—", ("missing",)),
    "ellipsis": lambda v: ("…", ("missing",)),
    "blank": lambda v: ("", ("missing",)),
    "na": lambda v: ("n.a.", ("missing",)),
    "other_number": lambda v: (f"{v * 10:g}", ("value", v * 10)),
    "huge": lambda v: ("1e308", ("value", 1e308)),
    "text": lambda v: ("见附表", ("error",)),
    "two_numbers": lambda v: (f"{v:g} {v:g}", ("error",)),
    "excel_error": lambda v: ("#DIV/0!", ("error",)),
}
# Rows that are not provinces, inserted after a data row: set aside, never read.
EXTRA_ROWS = {
    "national": lambda n: ["全国"] + ["—"] * n,
    "subtotal": lambda n: ["东部地区"] + [""] * n,
    "note": lambda n: ["注：2018年起数据按经济普查修订。"] + [""] * n,
    "hong_kong": lambda n: ["香港"] + ["—"] * n,
    "taiwan": lambda n: ["臺灣"] + ["—"] * n,
}
NAMES = {
    "short": lambda c: REG.label(c, "zh"),
    "full": lambda c: REG.table.loc[c, "name_zh"],
    "english": lambda c: REG.label(c, "en"),
    "six_digit": lambda c: f"{c}0000",
    "padded": lambda c: "\u3000".join(REG.label(c, "zh")) if len(REG.label(c, "zh")) == 2
    else REG.label(c, "zh"),
}
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")
DELIMITERS = (",", ";", "\t")


def _cell_text(text: str, delimiter: str) -> str:
    return f'"{text}"' if delimiter in text or '"' in text else text


def _write(path: Path, rows: list[list[str]], encoding: str, delimiter: str) -> None:
    text = "".join(delimiter.join(_cell_text(c, delimiter) for c in row) + "\n" for row in rows)
    if encoding == "utf-16":
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    else:
        path.write_bytes(text.encode(encoding))


@st.composite
def corrupted_table(draw):
    cells = {(c, y): draw(st.sampled_from(sorted(CELL))) for c in CODES for y in YEARS}
    # Most cells stay plain, so that a table is usually readable.
    plain = draw(st.sets(st.sampled_from(sorted(cells)), min_size=len(cells) - 6))
    cells = {k: ("plain" if k in plain else v) for k, v in cells.items()}
    names = {c: draw(st.sampled_from(sorted(NAMES))) for c in CODES}
    extras = draw(st.lists(st.tuples(st.integers(0, len(CODES) - 1),
                                     st.sampled_from(sorted(EXTRA_ROWS))), max_size=3))
    title = draw(st.booleans())
    repeat_header = draw(st.booleans())
    year_suffix = draw(st.booleans())
    encoding = draw(st.sampled_from(ENCODINGS))
    delimiter = draw(st.sampled_from(DELIMITERS))
    return cells, names, extras, title, repeat_header, year_suffix, encoding, delimiter


def _meanings(cells, delimiter):
    """What each cell means; in a semicolon-delimited file '1,234.5' is ambiguous (a decimal
    comma?), which the readers refuse rather than guess."""
    out = {}
    for key, kind in cells.items():
        text, meaning = CELL[kind](VALUES[key])
        out[key] = ("error",) if delimiter == ";" and "," in text else meaning
    return out


def _check(frame_or_error, meanings, report=None):
    """The reader's outcome agrees with what the corrupted file means."""
    wants_error = any(m[0] == "error" for m in meanings.values())
    numbers = {k: m[1] for k, m in meanings.items() if m[0] == "value"}
    if isinstance(frame_or_error, DataError):
        assert wants_error, f"unexpected error: {frame_or_error}"
        assert str(frame_or_error)
        return
    assert not wants_error, "a cell that cannot be read was accepted"
    got = {(r.code, int(r.year)): float(r.value) for r in frame_or_error.itertuples()}
    assert got.keys() == numbers.keys()
    for key, value in numbers.items():
        assert got[key] == pytest.approx(value, rel=1e-12), key
    assert report.reconciles
    assert report.cells_missing == sum(m[0] == "missing" for m in meanings.values())


def _validate_agrees(checked, frame, cells) -> None:
    """validate_file never raises; it fails where the reader fails, and on a 1e308."""
    if isinstance(frame, DataError):
        assert not checked.ok
        return
    huge = [y for (_, y), kind in cells.items() if kind == "huge"]
    # One 1e308 in a year with at least four other numbers: 1,000 times its runner-up.
    peers = {y: sum(CELL[cells[(c, y)]](VALUES[(c, y)])[1][0] == "value" for c in CODES)
             for y in huge if huge.count(y) == 1}
    if any(n >= 5 for n in peers.values()):
        assert "implausible value" in "\n".join(checked.errors["problem"])


def _read(reader, path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return reader(path, **kwargs)
        except DataError as exc:
            return exc, None


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(table=corrupted_table())
def test_yearbook_sheet_corruptions(tmp_path, table):
    cells, names, extras, title, repeat_header, year_suffix, encoding, delimiter = table
    header = ["地区"] + [f"{y}年" if year_suffix else str(y) for y in YEARS]
    body = []
    for i, code in enumerate(CODES):
        body.append([NAMES[names[code]](code)] + [CELL[cells[(code, y)]](VALUES[(code, y)])[0]
                                                  for y in YEARS])
        for after, kind in extras:
            if after == i:
                body.append(EXTRA_ROWS[kind](len(YEARS)))
    if repeat_header:
        body.insert(len(body) // 2, list(header))
    rows = ([["表8-12 各地区能源消费总量"] + [""] * len(YEARS)] if title else []) + [header] + body
    path = tmp_path / f"sheet_{encoding}.csv"
    _write(path, rows, encoding, delimiter)
    frame, report = _read(read_wide_with_report, path, layout="years", indicator=SERIES)
    _check(frame, _meanings(cells, delimiter), report)
    _validate_agrees(validate_file(path, layout="years", indicator=SERIES), frame, cells)


@SETTINGS
@given(table=corrupted_table())
def test_long_table_corruptions(tmp_path, table):
    cells, names, extras, _, repeat_header, _, encoding, delimiter = table
    header = ["code", "year", "indicator", "value"]
    body = [[NAMES[names[c]](c), str(y), SERIES, CELL[cells[(c, y)]](VALUES[(c, y)])[0]]
            for c in CODES for y in YEARS]
    for after, kind in extras:
        label = EXTRA_ROWS[kind](1)[0]
        # A note line is text in the first cell only; the other rows carry a year and a mark.
        body.insert(after * len(YEARS),
                    [label, "", "", ""] if kind == "note" else [label, "2019", SERIES, "—"])
    if repeat_header:
        body.insert(len(body) // 2, list(header))
    path = tmp_path / f"long_{encoding}.csv"
    _write(path, [header] + body, encoding, delimiter)
    frame, report = _read(read_long_with_report, path)
    # The long reader counts blank value cells as missing as well.
    _check(frame, _meanings(cells, delimiter), report)
    _validate_agrees(validate_file(path), frame, cells)
