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

from gmindex.io.report import DataWarning, ReadReport
from gmindex.io.cells import MISSING_MARKS
from gmindex.io.long import read_long, read_long_impl, read_long_with_report
from gmindex.io.wide import read_wide, read_wide_impl, read_wide_with_report

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


def read_with_problems(path, *, layout: str = "long", registry=None, **kwargs):
    """Read without raising for bad cells: (frame with source columns, report).

    Unusable cells are left out of the frame and listed in ``report.problems``;
    duplicates are kept (check_panel reports them).  Used by validate_file.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if layout == "long":
        return read_long_impl(path, registry=registry, **kwargs)
    return read_wide_impl(path, layout=layout, registry=registry, **kwargs)
