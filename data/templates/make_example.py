"""Write the yearbook-style example of the README walkthrough (deterministic).

``example_rd_personnel.xlsx`` is one table as a statistical yearbook prints
it: a title row, a unit line, ``2016年`` year headers, provinces as rows in
yearbook order with two-character names padded to three (``北　京``).  The
values are R&D personnel, full-time equivalent (R&D人员全时当量, 人年),
2016-2020, series ``rd_fte_person_years`` of source ``techme_cstsy`` (China
Statistical Yearbook on Science and Technology, grade A; see SOURCES.md of
the shared data collection).  The embedded panel does not hold this series,
so the walkthrough adds it as a new indicator.

Run from the repository root with the long source table as argument:

    python data/templates/make_example.py /path/to/panel.csv
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
import pandas as pd

# The same fixed zip entry times as every workbook the package writes.
from gmindex.io.writers import _normalise_zip, fixed_timestamp
from gmindex.provinces import default_registry

HERE = Path(__file__).resolve().parent
SERIES = "rd_fte_person_years"
YEARS = (2016, 2017, 2018, 2019, 2020)


def example_table(source: pd.DataFrame) -> pd.DataFrame:
    """Provinces x years of the series, in the registry's (yearbook) order."""
    rows = source[(source["indicator"] == SERIES) & source["year"].isin(YEARS)]
    wide = rows.pivot(index="code", columns="year", values="value")
    return wide.reindex(index=default_registry().codes, columns=list(YEARS))


def write_example(source: pd.DataFrame, path: Path = HERE / "example_rd_personnel.xlsx") -> Path:
    """Write the workbook; rerunning gives identical bytes."""
    reg = default_registry()
    table = example_table(source)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2-21"
    sheet.append(["2-21 各地区研究与试验发展(R&D)人员全时当量"])
    sheet.append(["单位：人年"])
    sheet.append(["地  区"] + [f"{y}年" for y in YEARS])
    for code, values in table.iterrows():
        name = reg.label(code, "zh")
        name = "\u3000".join(name) if len(name) == 2 else name
        sheet.append([name] + [None if pd.isna(v) else float(v) for v in values])
    stamp = fixed_timestamp()
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_normalise_zip(buffer.getvalue(), stamp))
    return path


if __name__ == "__main__":
    frame = pd.read_csv(sys.argv[1], dtype={"code": str})
    print(write_example(frame))
