# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 Your own data (使用自己的数据)
#
# A worked example of bringing new data into gmindex, as an economist who copies a table from
# a statistical yearbook (统计年鉴) would:
#
# 1. write one year of the default data out as a yearbook-style Excel sheet (provinces as rows
#    with Chinese names, indicators as columns, a title line, "—" for missing cells, a note
#    line under the table);
# 2. read it back with `gmindex.io.readers.read_wide` and see what the reader did with every
#    cell;
# 3. check it with `gmindex.validation.validate_file`, first the clean file, then a copy with
#    typical mistakes, to see what the report looks like;
# 4. append the new year to the earlier years and rebuild the index, with *fixed goalposts*
#    so that the scores of earlier years do not move;
# 5. write your own indicator spec.
#
# The numbers in the example file are the default panel's own values, so the round trip can
# be checked exactly. Files go to a subfolder of the results folder.

# %% tags=["parameters"]
data_path = None  # path to your long panel; None: the embedded default (data/panel.csv)
spec_path = None  # path to your spec TOML; None: the default (data/spec.toml)
years = None  # list of years; None: the spec's years (2016-2020)
scheme = "region4"  # region scheme: "region4" (NBS four regions) or "region3" (three belts)
results_dir = "../results"
figures_dir = "../figures"
quick = False  # True: fewer Monte Carlo draws and bootstrap reps (for tests)

# %%
from pathlib import Path

import numpy as np
import pandas as pd

import gmindex
from gmindex.combine import combine_panels
from gmindex.datasets import data_dir, load_inputs
from gmindex.index import build_index
from gmindex.io.readers import read_wide_with_report
from gmindex.io.writers import to_wide, write_table
from gmindex.provinces import default_registry
from gmindex.spec import read_spec
from gmindex.validation import validate_file

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 100)
registry = default_registry()
panel, spec = load_inputs(data_path, spec_path)
years = list(years or spec.years)
new_year, earlier = years[-1], years[:-1]
workdir = Path(results_dir) / "example_own_data"
workdir.mkdir(parents=True, exist_ok=True)
print(f"gmindex {gmindex.__version__}; new year {new_year}, earlier years {earlier}; "
      f"files in {workdir}")

# %% [markdown]
# ## 1. A yearbook-style sheet
#
# One year, the raw series the spec reads, provinces as rows (Chinese short names), series as
# columns. `gmindex.io.writers.to_wide` reshapes the long panel into this layout. Column
# headers are the series ids of the spec, so the reader knows which series each column holds.

# %%
one_year = panel[(panel["year"] == new_year) & panel["indicator"].isin(spec.series_ids)]
sheet = to_wide(one_year, layout="indicators", labels="zh")
sheet = sheet[["province", *[s for s in spec.series_ids if s in sheet.columns]]]
sheet.head()

# %% [markdown]
# Yearbook quirks on purpose: a title line above the header, "—" where a value is missing
# (Tibet lacks several series) and a note line under the table. The Excel file is written
# with pandas and openpyxl.

# %%
yearbook_file = workdir / f"yearbook_{new_year}.xlsx"
body = sheet.astype(object).where(sheet.notna(), "—")
with pd.ExcelWriter(yearbook_file, engine="openpyxl") as xl:
    pd.DataFrame([[f"表 {new_year}年 各地区绿色制造相关指标（示例）"]]).to_excel(
        xl, sheet_name="data", header=False, index=False, startrow=0)
    body.to_excel(xl, sheet_name="data", index=False, startrow=2)
    pd.DataFrame([["注：数据取自 gmindex 默认面板；“—”表示缺失。"]]).to_excel(
        xl, sheet_name="data", header=False, index=False, startrow=len(body) + 4)
print(f"wrote {yearbook_file.name}: {len(body)} provinces x {body.shape[1] - 1} series")

# %% [markdown]
# ## 2. Read it back
#
# `read_wide` with `layout="indicators"` (provinces x indicators, one year). The units are
# given per series, as the spec states them, so that the validator can check them. The
# report says what happened to every cell: numbers used, missing marks, rows dropped.

# %%
units = {s.id: s.unit for s in spec.series if s.unit}
new_rows, read_report = read_wide_with_report(
    yearbook_file, layout="indicators", year=new_year, unit=units, source_id="own_yearbook_file")
print(read_report.summary())
new_rows.head()

# %% [markdown]
# The round trip: every value read back should equal the panel's value, up to the precision
# an Excel cell keeps (about 15-16 significant digits; values typed from a yearbook have far
# fewer, and come back exactly).

# %%
check = one_year.merge(new_rows, on=["code", "year", "indicator"], suffixes=("_panel", "_read"),
                       how="outer", indicator=True)
gap = (check["value_panel"] - check["value_read"]).abs()
relative = gap / check["value_panel"].abs().where(check["value_panel"] != 0)
print("rows only in one of the two:", int((check["_merge"] != "both").sum()))
print(f"values read back exactly: {int((gap == 0).sum())} of {len(check)}; "
      f"largest relative difference: {float(np.nanmax(relative.fillna(0))):.1e}")

# %% [markdown]
# ## 3. Validate before you build
#
# `validate_file` reads the file leniently and reports *every* problem at once, with the row
# as numbered in Excel, the province and the column, and what to do. Warnings (e.g. a
# province lacking a series the spec reads) do not stop a build; errors do.

# %%
report = validate_file(yearbook_file, spec=spec, layout="indicators", year=new_year,
                       unit=units, years=[new_year])
print("ok:", report.ok)
print(report.summary(max_lines=12))

# %% [markdown]
# The same file with three typical mistakes: a misspelt province, a number typed with a
# comment in the cell, and a negative value. All three are reported together.

# %%
broken = body.copy()
broken.loc[broken["province"] == "山西", "province"] = "山西x"
broken.loc[broken["province"] == "河南", spec.series_ids[0]] = "约 2.3 万"
broken.loc[broken["province"] == "湖北", spec.series_ids[1]] = -1.0
broken_file = workdir / f"yearbook_{new_year}_with_errors.xlsx"
with pd.ExcelWriter(broken_file, engine="openpyxl") as xl:
    broken.to_excel(xl, sheet_name="data", index=False)
bad_report = validate_file(broken_file, spec=spec, layout="indicators", year=new_year,
                           unit=units, years=[new_year])
print(bad_report.summary(max_lines=8))
bad_report.errors[["row", "province", "column", "problem", "suggestion"]]

# %% [markdown]
# ## 4. Append the new year and rebuild
#
# Suppose the index for the earlier years is published and the new year's data arrive. With
# the default *pooled* normalisation, adding a year moves the min and max and re-estimates the
# weights, so the published scores of earlier years change. With *fixed goalposts* taken from
# the earlier years (`normalization="fixed", reference_years=earlier`), both the bounds and
# the entropy weights come from the earlier years only: earlier scores stay exactly as
# published, and a new value beyond a bound is clipped to it (the log counts such cells).

#
# `gmindex.combine.combine_panels` stacks the panels and checks every cell that appears in
# more than one source: the same value is kept once, a different value (a revised figure, a
# typo) stops with an error naming both values, unless you say which source wins
# (`on_conflict="last"` or a priority per source); every choice is recorded in the provenance.

# %%
earlier_panel = panel[panel["year"].isin(earlier)]
combined = combine_panels({"default panel, earlier years": earlier_panel,
                           yearbook_file.name: new_rows})
print(combined.report)
appended_panel = combined.panel

published = build_index(earlier_panel, spec, registry=registry, years=earlier,
                        normalization="fixed", reference_years=earlier)
fixed = build_index(appended_panel, spec, registry=registry, years=years,
                    normalization="fixed", reference_years=earlier)
pooled = build_index(appended_panel, spec, registry=registry, years=years)

compare = published.scores.merge(fixed.scores, on=["code", "year"], suffixes=("_published", "_fixed"))
compare = compare.merge(pooled.scores.rename(columns={"score": "score_pooled", "rank": "rank_pooled"}),
                        on=["code", "year"])
gap_fixed = (compare["score_fixed"] - compare["score_published"]).abs().max()
gap_pooled = (compare["score_pooled"] - compare["score_published"]).abs().max()
ranks_moved = int((compare["rank_pooled"] != compare["rank_published"]).sum())
print(f"Earlier years ({earlier[0]}-{earlier[-1]}), largest change of a published score:")
print(f"  fixed goalposts: {gap_fixed:.2e}")
print(f"  pooled rebuild:  {gap_pooled:.2e} ({ranks_moved} province-year ranks change)")
print(fixed.summary())
