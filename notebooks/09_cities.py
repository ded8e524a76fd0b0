# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 09 Cities (地级市): the index and the gradient below the provinces
#
# The provincial story (notebooks 02-06) is an east > central > west gradient with a slow
# Northeast. Does it hold across prefecture-level cities? This notebook builds the default city
# index (`data/spec_city.toml`) from the bundled city panel (`data/panel_city.csv`, built by
# `data/build_city.py` from the China City Statistical Yearbook and CEADs; sources and
# decisions in `data/PROVENANCE_city.md`) and runs the same analysis with the city registry
# (`data/cities.csv`):
#
# 1. coverage: which years and cities the data honestly support;
# 2. the index: cities per year and weights;
# 3. regional means by NBS region and by province, and the gradient check per year;
# 4. inequality (Dagum Gini with cities grouped by the region of their province) and
#    kernel densities;
# 5. σ and β convergence;
# 6. spatial dependence: Moran's I and LISA with city contiguity;
# 7. the gradient regression with standard errors clustered by province;
# 8. agreement with the provincial index, and the aggregation check of city sums against
#    provincial totals.
#
# Every statement below is printed from the numbers.

# %% tags=["parameters"]
data_path = None  # path to your long city panel; None: the bundled data/panel_city.csv
spec_path = None  # path to your spec TOML; None: the city default (data/spec_city.toml)
years = None  # list of years; None: the spec's years (2018-2019)
scheme = "region4"  # region scheme: "region4" (NBS four regions) or "region3" (three belts)
results_dir = "../results"
figures_dir = "../figures"
quick = False  # True: fewer Monte Carlo draws and bootstrap reps (for tests)

# %% [markdown]
# The shared parameters keep their names across the suite. Here `data_path` and `spec_path`
# default to the bundled **city** panel and spec (the provincial defaults are used only for
# the comparison in section 8); `scheme` picks the region scheme of the tables printed in
# section 3 (both schemes are always computed).

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import gmindex
from gmindex.cities import (city_data_path, city_index, city_registry, load_city_panel,
                            load_city_spec)
from gmindex.city_analysis import aggregation_check, city_analysis
from gmindex.city_maps import city_choropleth, save_city_maps
from gmindex.datasets import load_default_panel, load_default_spec
from gmindex.index import build_index
from gmindex.figstyle import save_figure, variant_stem
from gmindex.io.writers import write_table
from gmindex.maps import use_cjk_font
from gmindex.plots import kde_by_region_plot
from gmindex.regional import gradient_check, regional_means
from gmindex.spec import read_spec

pd.set_option("display.width", 160)
plt.rcParams["font.family"] = ["DejaVu Sans", use_cjk_font()]
registry = city_registry()
panel = load_city_panel() if data_path is None else pd.read_csv(data_path, dtype={"code": str})
spec = load_city_spec() if spec_path is None else read_spec(spec_path)
results = Path(results_dir) / "city"
figures = Path(figures_dir) / "city"
permutations, reps, seed = (99, 99, 12345) if quick else (999, 9999, 12345)
# Figures in English and Chinese at both column widths; quick mode draws the English
# double-width set only.
langs, widths = (("en",), ("double",)) if quick else (("en", "zh"), ("double", "single"))
print(f"gmindex {gmindex.__version__}; city registry: {len(registry)} units "
      f"({registry.table['unit_type'].value_counts().to_dict()})")

# %% [markdown]
# ## 1. Coverage: which years the data support
#
# Number of cities with a value, per series and data year (`data/coverage_city.csv`). The
# yearbook covers the 地级市 and the four municipalities only (no autonomous prefectures,
# 地区 or 盟). Each year 2016-2020 lacks something: 2016 has no NOx, whole-city electricity,
# patents or PM2.5; 2017 has no whole-city GDP (edition 2018 printed district GDP only); 2020
# has no wastewater, dust, solid-waste utilisation or electricity. The spec's window is
# therefore the years in which every indicator's series is printed.

# %%
coverage = pd.read_csv(city_data_path("coverage_city.csv")).set_index("series")
used = sorted({s for ind in spec.indicators for s in (ind.numerator, ind.denominator) if s})
print(coverage.loc[[s for s in used if s in coverage.index]])
complete = [y for y in coverage.columns if (coverage.loc[used, y] > 0).all()]
print(f"\nyears in which every series of the spec is printed: {complete}; spec window: "
      f"{list(spec.years)}")

# %% [markdown]
# ## 2. The index

# %%
res = city_index(panel, spec, years=years)
scores = res.scores
years = res.options["years"]
n_by_year = scores.groupby("year")["code"].nunique()
print(repr(res))
print("cities in the index per year:", n_by_year.to_dict())
print(f"units dropped by the rule {res.missing.rule!r}: {len(res.provenance['units_dropped'])}")
weights = res.weights[["indicator", "pillar", "weight"]]
print(weights.round(4).to_string(index=False))
top = weights.sort_values("weight").iloc[-1]
print(f"\nlargest weight: {top['indicator']} ({top['weight']:.1%}); pillar weights:",
      weights.groupby("pillar")["weight"].sum().round(3).to_dict())
write_table(scores, results / "tab_city_scores", formats=("csv", "xlsx"))
_ = write_table(res.weights, results / "tab_city_weights", formats=("csv",))

# %% [markdown]
# Flagged cells (`data/flags_city.csv`) stay in the index as published; those that enter it
# are counted below, with the year-on-year jumps listed (check them before quoting a single
# city's score).

# %%
flags = pd.read_csv(city_data_path("flags_city.csv"), dtype={"code": str})
in_index = flags[flags["series"].isin(used) & flags["year"].isin(years)
                 & flags["code"].isin(scores["code"])]
print("flagged cells entering the index:", in_index["flag"].value_counts().to_dict())
jumps = in_index[in_index["flag"] == "yoy_jump"].copy()
jumps["city"] = jumps["code"].map(registry.labels())
print(jumps[["city", "year", "series", "note"]].to_string(index=False))

# %% [markdown]
# Method as the provincial default: entropy weights within each pillar, equal weights across
# the pillars. The heaviest indicator of each pillar and its best three cities are printed
# below. Section 3 checks the gradient with flat pooled entropy weights.

# %%
heaviest = weights.sort_values("weight", ascending=False).drop_duplicates("pillar")
for ind in heaviest["indicator"]:
    block = res.indicators.loc[(res.indicators["indicator"] == ind)
                               & (res.indicators["year"] == years[-1])]
    best = block.sort_values("value", ascending=spec.indicator(ind).direction == "cost").head(3)
    print(f"{ind} ({spec.indicator(ind).direction}), best 3 in {years[-1]}:",
          ", ".join(f"{registry.label(c)} {v:.2f}" for c, v in zip(best["code"], best["value"])))

# %%
analysis = city_analysis(res, registry=registry, permutations=permutations, seed=seed,
                         reps=reps)
tables = analysis.tables
for name, table in tables.items():
    write_table(table, results / f"tab_city_{name}", formats=("csv",))

# %% [markdown]
# ## 3. Regional means and the gradient

# %%
means = tables[f"regional_means_{scheme}"]
print(means.pivot(index="region", columns="year", values="mean").reindex(
    [*registry.region_order(scheme), "national"]).round(3))
print()
for line in analysis.findings:
    if line.startswith("In "):
        print(line)

# %%
prov_means = tables["regional_means_province"]
last = years[-1]
ranked = prov_means[(prov_means["year"] == last) & (prov_means["region"] != "national")]
ranked = ranked.sort_values("mean", ascending=False)
print(f"mean city score by province, {last} (n = cities in the index):")
print(ranked[["region", "province_en", "n", "mean"]].round(3).to_string(index=False))

# %%
flat = city_index(panel, spec, years=years, hierarchy="flat")
flat_means = pd.concat([regional_means(flat.scores, scheme=s, registry=registry)
                        for s in ("region4", "region3")], ignore_index=True)
print("flat pooled entropy weights (robustness); largest weight:",
      flat.weights.sort_values("weight").iloc[-1][["indicator", "weight"]].to_dict())
print(gradient_check(flat_means).text)

# %% [markdown]
# ## 4. Inequality and distribution
#
# Dagum Gini decomposition with cities grouped by the NBS region of their province:
# within-region, net between-region and transvariation shares.

# %%
print(tables["dagum_shares"].round(4).to_string(index=False))

# %%
# One panel per region, one curve per year, in English and Chinese at double (180 mm) and
# single (88 mm) column width; the caption is written beside each file.
dens = tables["density"]
for width in widths:
    for lang in langs:
        fig = kde_by_region_plot(dens, registry=registry, lang=lang, width=width)
        save_figure(fig, variant_stem(figures / "fig_city_density", width), lang=lang)
plt.show()

# %% [markdown]
# ## 5. Convergence

# %%
print(tables["sigma_convergence"].round(4).to_string(index=False))
print(tables["beta_convergence"].round(4).to_string(index=False))

# %% [markdown]
# ## 6. Spatial dependence
#
# Queen contiguity among the cities in the index, from the city boundaries. A city with no
# contiguous neighbour in the sample (islands such as Zhoushan, and cities whose neighbours
# all lack data) is linked to its nearest sample city, both ways; weights are
# row-standardised.

# %%
moran = tables["morans_i"]
print(moran[["year", "n", "I", "z_sim", "p_sim", "permutations"]].round(4).to_string(index=False))
print(moran["weights"].iloc[0])
lisa = tables["lisa"]
print(f"LISA clusters {last} (p < 0.05):", lisa["cluster"].value_counts().to_dict())

# %%
sample = sorted(set(panel["code"]) & set(registry.codes) - {"341400", "371200"})
written = save_city_maps(res, figures, lisa=lisa, sample=sample, langs=langs, widths=widths,
                         label_top=3, formats=("png", "pdf", "svg"), permutations=permutations)
print(f"{len(written)} map files in {figures}/, e.g. {written[-1].name}")
ax = city_choropleth(scores[scores["year"] == last], "score", sample=sample, label_top=3)
plt.show()

# %% [markdown]
# ## 7. The gradient regression
#
# Pooled OLS of the score on region dummies (base: east) and year effects; standard errors
# clustered by province (cities of one province share policy and statistics offices), with
# wild cluster bootstrap p-values.

# %%
print(tables["gradient_regression"].round(4).to_string(index=False))

# %% [markdown]
# ## 8. Agreement with the provincial index
#
# The provincial default index over the same years, its regional means, and the rank
# correlation between each province's score and the mean score of its cities.

# %%
prov_res = build_index(load_default_panel(), load_default_spec(), years=years)
prov_reg = prov_res.registry
prov_regional = pd.concat([regional_means(prov_res.scores, scheme=s, registry=prov_reg)
                           for s in ("region4", "region3")], ignore_index=True)
prov_check = gradient_check(prov_regional).to_frame()
city_check = gradient_check(pd.concat([tables["regional_means_region4"],
                                       tables["regional_means_region3"]])).to_frame()
both = city_check.merge(prov_check, on=["scheme", "year"], suffixes=("_city", "_province"))
for row in both.itertuples():
    verdict = "agree" if row.holds_city == row.holds_province else "disagree"
    print(f"{row.scheme} {row.year}: east > central > west holds for cities: {row.holds_city}; "
          f"for provinces: {row.holds_province} ({verdict})")
city_prov = prov_means[prov_means["region"] != "national"][["region", "year", "mean"]]
city_prov = city_prov.rename(columns={"region": "code", "mean": "city_mean"})
paired = city_prov.merge(prov_res.scores, on=["code", "year"])
rho = paired.groupby("year")[["city_mean", "score"]].corr(method="spearman").xs(
    "city_mean", level=1)["score"]
print("Spearman correlation, province score vs mean city score, by year:",
      rho.round(3).to_dict(), f"({paired['code'].nunique()} provinces)")
_ = write_table(both, results / "tab_city_vs_province_gradient", formats=("csv",))

# %% [markdown]
# **Aggregation check.** City sums by province against the provincial panel (GDP, industrial
# SO2, patents granted), per province-year: ratios below 1 mean cities missing from the
# yearbook (autonomous prefectures, county-level units) or a different vintage (provincial GDP
# is the post-census revision; city GDP the first release).

# %%
agg = aggregation_check(panel, load_default_panel())
write_table(agg, results / "tab_city_aggregation_check", formats=("csv", "xlsx"))
print(agg.groupby(["city_series", "year"])["ratio"].median().unstack().round(3))
