# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 Data and sources (数据与来源)
#
# This notebook shows what the default provincial panel of gmindex holds before any index is
# built: which raw series there are, for which provinces and years, in which units, where each
# comes from and how far it can be trusted, what is missing and why, and which cells look odd.
# It ends with the official targets and outcomes of the 13th Five-Year Plan (十三五) for
# industrial green development, the policy frame of the 2016-2020 index.
#
# Every number printed below is computed from the data when the notebook runs. Run it with
# your own panel (`data_path`) and spec (`spec_path`) and the same tables describe your data.

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

import matplotlib.pyplot as plt
import pandas as pd

import gmindex
from gmindex.coverage import coverage_table
from gmindex.datasets import data_dir, load_inputs
from gmindex.index import build_index
from gmindex.figstyle import rc_params, save_figure, variant_stem
from gmindex.io.writers import write_table
from gmindex.plots import coverage_heatmap
from gmindex.provinces import default_registry

pd.set_option("display.max_colwidth", 120)
pd.set_option("display.width", 160)
# Chinese characters in figure labels (units such as 亿元) need a CJK font.
# The package figure style (Type 42 fonts, journal sizes, a CJK fallback font).
plt.rcParams.update(rc_params("en", "double"))
registry = default_registry()
panel, spec = load_inputs(data_path, spec_path)
years = list(years or spec.years)
results = Path(results_dir)
figures = Path(figures_dir)
print(f"gmindex {gmindex.__version__}; data: {data_path or 'embedded default panel'}; "
      f"spec: {spec.id} ({spec.source}); years {years[0]}-{years[-1]}")

# %% [markdown]
# ## 1. What the panel holds
#
# The panel is a *long* table: one row per province (`code`, the two-digit GB/T 2260 code),
# year, raw series (`indicator`) and value, with the unit and the source of each row. A missing
# value has no row: nothing in the default data is filled, interpolated or guessed.

# %%
print(f"{len(panel):,} rows, {panel['indicator'].nunique()} series, "
      f"{panel['code'].nunique()} provinces, years {panel['year'].min()}-{panel['year'].max()}")
panel.head()

# %% [markdown]
# One line per raw series: unit (as published, e.g. 亿元 = 100 million yuan, 万吨标准煤 =
# 10,000 tonnes of coal equivalent), source, years available and the number of provinces that
# have it. The column `in_spec` says whether the index spec reads the series.

# %%
series_table = (
    panel.groupby("indicator")
    .agg(unit=("unit", "first"), source_id=("source_id", "first"),
         first_year=("year", "min"), last_year=("year", "max"),
         provinces=("code", "nunique"), rows=("value", "size"))
    .reset_index()
    .rename(columns={"indicator": "series"})
)
series_table["in_spec"] = series_table["series"].isin(spec.series_ids)
write_table(series_table, results / "tab_panel_series", formats=("csv", "xlsx"))
series_table

# %% [markdown]
# ## 2. Coverage of the series the index reads
#
# `coverage_table` counts the provinces that have a value, per series and year, and names the
# provinces that lack a series in at least one year of the index window.

# %%
cov = coverage_table(panel, spec, registry=registry, years=years)
write_table(cov.reset_index(), results / "tab_coverage_spec_series", formats=("csv", "xlsx"))
cov

# %% [markdown]
# The same counts for every series of the panel over the index years, as a heat map. The
# numbers and the colour both count the provinces without a value (white = complete).

# %%
cov_all = coverage_table(panel, registry=registry, years=years)
counts = cov_all.drop(columns="missing_units")
# Colour and number count the same thing: provinces MISSING (white, unnumbered = complete).
# Every figure in English and Chinese, at double (180 mm) and single (88 mm) column width.
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = coverage_heatmap(counts, total=len(registry), lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / "fig_coverage_by_series", width), lang=lang)
plt.show()

# %% [markdown]
# Coverage by province: how many of the series the spec reads each province has in each year.
# A province below the full count is incomplete for the index and is handled by the spec's
# missing-data rule (`missing = "drop_unit"` in the default spec: the province is dropped and
# the result records it).

# %%
spec_rows = panel[panel["indicator"].isin(spec.series_ids) & panel["year"].isin(years)]
by_province = (
    spec_rows.groupby(["code", "year"])["indicator"].nunique().unstack("year")
    .reindex(index=registry.codes, columns=years).fillna(0).astype(int)
)
by_province.index = [f"{c} {registry.label(c)}" for c in by_province.index]
n_series = len(spec.series_ids)
incomplete = by_province[(by_province < n_series).any(axis=1)]
print(f"The spec reads {n_series} series; provinces lacking some in {years[0]}-{years[-1]}: "
      f"{len(incomplete)}")
incomplete

# %%
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = coverage_heatmap(
            by_province, total=n_series, unit_word="series" if lang == "en" else "序列", lang=lang,
            width=width, labels={f"{c} {registry.label(c)}": f"{c} {registry.label(c, lang)}"
                                 for c in registry.codes})
        save_figure(ax.figure, variant_stem(figures / "fig_coverage_by_province", width),
                    lang=lang)
plt.show()

# %% [markdown]
# ## 3. Units
#
# Each series the spec reads must carry the unit the spec states; a file in another unit
# (e.g. 万元 instead of 亿元) is rejected by the validator rather than silently rescaled.
# Units of the derived indicators are given in the spec (notebook 02).

# %%
units = pd.DataFrame(
    [{"series": s.id, "unit_in_spec": s.unit, "source_id": s.source} for s in spec.series]
).merge(series_table[["series", "unit"]].rename(columns={"unit": "unit_in_data"}),
        on="series", how="left")
units["matches"] = units["unit_in_spec"] == units["unit_in_data"]
units

# %% [markdown]
# ## 4. Sources and trust grades
#
# `data/raw/sources.csv` records, per source, the repository and commit the numbers were copied
# from, the official table they reproduce, the licence and a trust grade:
#
# - **A**: straight copy of an official or publisher table;
# - **B**: looks official, but the table of origin cannot be verified;
# - **C**: processed by a third party or of unknown origin (sensitivity use only).
#
# These describe the embedded default data, not a panel you supply yourself.

# %%
sources = pd.read_csv(data_dir() / "raw" / "sources.csv")
sources[["source_id", "trust_grade", "official_table", "licence"]]

# %% [markdown]
# Which grade stands behind each series the default index reads:

# %%
grade_of = sources.set_index("source_id")["trust_grade"]
used = series_table[series_table["in_spec"]][["series", "source_id", "unit"]].copy()
used["trust_grade"] = used["source_id"].map(grade_of)
write_table(used, results / "tab_spec_series_sources", formats=("csv", "xlsx"))
print(used["trust_grade"].value_counts().sort_index().to_string())
used

# %% [markdown]
# ## 5. What is missing, and why
#
# Three gaps matter for a 2016-2020 index. Each is checked against the data below.
#
# 1. **Tibet (西藏, 54)** has no total energy consumption, industrial value added or industrial
#    SO2 in any source found. An index using those covers the other 30 provinces, as most of
#    the provincial literature does; the build records the drop.
# 2. **CO2 in 2020**: the CEADs provincial inventories (grade A) end in 2019. The only 2020
#    series (`co2_mt_alt`) is of unknown origin (grade C), so CO2 intensity is left to the
#    2016-2019 robustness spec (`data/spec_alternative.toml`).
# 3. **Electricity, Shandong 2020**: one monthly value is blank, so the annual sum is missing;
#    electricity intensity is also left to the robustness spec.

# %%
checks = {
    "Tibet (54): energy, industrial VA, SO2": panel[
        (panel["code"] == "54")
        & panel["indicator"].isin(["energy_consumption_10k_tce", "industrial_va_100m_yuan",
                                   "so2_industrial_10k_t"])
    ],
    "CEADs CO2 (co2_mt) in 2020": panel[(panel["indicator"] == "co2_mt") & (panel["year"] == 2020)],
    "Electricity, Shandong (37) 2020": panel[
        (panel["indicator"] == "electricity_consumption_100m_kwh") & (panel["code"] == "37")
        & (panel["year"] == 2020)
    ],
}
for what, rows in checks.items():
    print(f"{what}: {len(rows)} row(s) in the panel")

# %% [markdown]
# Indicators the study would want but that no genuine provincial series supports are listed in
# the spec itself (`[[wanted]]`), with the reason:

# %%
wanted = pd.DataFrame(list(spec.wanted))
write_table(wanted, results / "tab_wanted_indicators", formats=("csv", "xlsx"))
wanted

# %% [markdown]
# ## 6. Flagged cells
#
# `data/flags.csv` lists cells that are special or suspicious: true structural zeros (the MIIT
# green lists start in 2017, so 2016 is zero everywhere), statistical breaks (the 2016 SO2
# survey change), year-on-year jumps, spikes, values repeated from the year before, and cells
# where two sources disagree. Flagged cells are kept as published; the user decides.

# %%
flags = pd.read_csv(data_dir() / "flags.csv", dtype={"code": str})
print(f"{len(flags)} flagged cells; by kind:")
print(flags["flag"].value_counts().to_string())

# %% [markdown]
# The flags that touch the series the index reads, in the index years:

# %%
index_flags = flags[flags["series"].isin(spec.series_ids) & flags["year"].isin(years)].copy()
index_flags.insert(1, "province", index_flags["code"].map(registry.labels("en")))
write_table(index_flags, results / "tab_flags_index_series", formats=("csv", "xlsx"))
print(index_flags.groupby(["series", "flag"]).size().rename("cells").to_string())
index_flags[index_flags["flag"] != "structural_zero"]

# %% [markdown]
# ## 7. Policy context: the 13th Five-Year Plan for industrial green development
#
# The MIIT plan 《工业绿色发展规划（2016-2020年）》 (Industrial Green Development Plan 2016-2020,
# 工信部规〔2016〕225号, MIIT 2016) set national targets for 2020; the review of the period in
# 《"十四五"工业绿色发展规划》 (14th Five-Year Plan for Industrial Green Development,
# 工信部规〔2021〕178号, MIIT 2021) reported the outcomes. National figures, for context only:
#
# | item | 2020 target (MIIT 2016) | reported outcome (MIIT 2021) |
# |---|---|---|
# | energy use per unit of industrial value added, above-scale industry (规模以上工业单位增加值能耗) | −18% vs 2015 | about −16% |
# | water use per unit of industrial value added (单位工业增加值用水量) | −23% vs 2015 | about −40% |
# | comprehensive utilisation of general industrial solid waste (一般工业固体废物综合利用率) | 73% | — |
# | green factories (绿色工厂) | — | 2,121 |
# | green industrial parks (绿色工业园区) | — | 171 |
# | green supply-chain enterprises (绿色供应链管理企业) | — | 189 |
# | green products (绿色设计产品) | — | nearly 20,000 |
#
# The provincial data cannot test the first three targets: no provincial series for
# above-scale industrial energy, industrial water use or solid-waste utilisation was found
# (see the `wanted` table above). The green manufacturing system (绿色制造体系) counts can be
# checked: the cumulative provincial MIIT list counts at the end of 2020 should add up to the
# national totals. The provincial counts are cumulative list entries and ignore units removed
# from a list later, so a small difference from the official count is possible.

# %%
official_2020 = {"green_factories_cum": 2121, "green_parks_cum": 171,
                 "green_supply_chain_firms_cum": 189}
green_2020 = panel[panel["indicator"].isin(list(official_2020)) & (panel["year"] == 2020)]
green_check = green_2020.groupby("indicator")["value"].agg(provinces="size", sum="sum")
green_check["official_end_2020"] = pd.Series(official_2020)
green_check["difference"] = green_check["sum"] - green_check["official_end_2020"]
for series, row in green_check.iterrows():
    verdict = "matches" if row["difference"] == 0 else f"differs by {row['difference']:+.0f}"
    print(f"{series}: provinces sum to {row['sum']:,.0f}; official {row['official_end_2020']:,}"
          f" -> {verdict}")
green_check

# %% [markdown]
# ## 8. What the default build uses
#
# Building the index (notebook 02 explains every step) shows how much of the panel the spec
# reads, which provinces it drops and why. The log and provenance below are the record a
# replication needs.

# %%
res = build_index(panel, spec, registry=registry, years=years)
print(repr(res))
print("cells:", res.provenance["cells"])
for code, why in res.provenance["units_dropped"].items():
    print(f"dropped {code} {registry.label(code)}: {why[:100]}...")

# %%
print(res.summary())
