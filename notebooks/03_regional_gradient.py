# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 The regional gradient (东中西部梯度)
#
# Does green manufacturing follow the east > central > west gradient (东部 > 中部 > 西部), and
# does the Northeast (东北) progress slowly? This notebook answers with the default index:
#
# 1. regional means by year under both region schemes, simple and weighted by industrial
#    value added, and a plain statement of whether the ordering holds in each year;
# 2. growth 2016-2020 by region, and where the Northeast stands;
# 3. the shape of the distribution (kernel densities, 核密度估计);
# 4. inequality and its sources: the Dagum Gini decomposition (Dagum 基尼系数分解) and the
#    Theil index (泰尔指数);
# 5. convergence (收敛): sigma and beta.
#
# Two region schemes (`data/provinces.csv`):
#
# - `region4`, the NBS four regions: east 10 (东部), central 6 (中部), west 12 (西部),
#   northeast 3 (东北: Liaoning, Jilin, Heilongjiang);
# - `region3`, the traditional three belts: east 11 (with Liaoning), central 8 (with Jilin and
#   Heilongjiang), west 12.
#
# The default index leaves out Tibet (no energy or industrial data), so its west has 11
# provinces; the counts actually used are printed below. Every statement in this notebook is
# printed from the numbers, so it stays true when the data or the spec change.

# %% tags=["parameters"]
data_path = None  # path to your long panel; None: the embedded default (data/panel.csv)
spec_path = None  # path to your spec TOML; None: the default (data/spec.toml)
years = None  # list of years; None: the spec's years (2016-2020)
scheme = "region4"  # region scheme: "region4" (NBS four regions) or "region3" (three belts)
results_dir = "../results"
figures_dir = "../figures"
quick = False  # True: fewer Monte Carlo draws and bootstrap reps (for tests)

# %%
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

import gmindex
from gmindex.analysis import value_added_weights
from gmindex.convergence import beta_convergence, panel_beta_convergence, sigma_convergence
from gmindex.datasets import load_inputs
from gmindex.density import kde_by_group
from gmindex.disparity import dagum_by_year, theil_by_year
from gmindex.index import build_index
from gmindex.figstyle import (
    FONT_SIZES,
    new_figure,
    rc_params,
    region_name,
    save_figure,
    style_context,
    variant_stem,
)
from gmindex.io.writers import write_table
from gmindex.plots import (
    change_box_plot,
    kde_by_region_plot,
    kde_plot,
    pillar_change_plot,
    regional_means_plot,
    sigma_plot,
)
from gmindex.provinces import default_registry
from gmindex.regional import add_region, gradient_check, growth, regional_means

pd.set_option("display.width", 160)
# The package figure style (Type 42 fonts, journal sizes, a CJK fallback font).
plt.rcParams.update(rc_params("en", "double"))
registry = default_registry()
panel, spec = load_inputs(data_path, spec_path)
results = Path(results_dir)
figures = Path(figures_dir)
res = build_index(panel, spec, registry=registry, years=years)
years = res.options["years"]
first, last = years[0], years[-1]
scores = res.scores
schemes = ["region4", "region3"]
print(f"gmindex {gmindex.__version__}; {res!r}")
for s in schemes:
    sizes = add_region(scores[scores["year"] == last], scheme=s, registry=registry)
    print(f"{s}: provinces per region in the index:",
          sizes["region"].value_counts().reindex(registry.region_order(s)).to_dict())

# %% [markdown]
# ## 1. Regional means and the gradient
#
# Simple means treat every province alike; means weighted by industrial value added
# (工业增加值) give large industrial economies more say.

# %%
iva = value_added_weights(panel, series="industrial_va_100m_yuan")
means = {s: regional_means(scores, scheme=s, weights=iva, registry=registry) for s in schemes}
for s, table in means.items():
    write_table(table, results / f"tab_regional_means_{s}", formats=("csv", "xlsx"))
means_both = pd.concat(means.values(), ignore_index=True)
means_both.pivot(index=["scheme", "region"], columns="year", values="mean").reindex(
    [(s, r) for s in schemes for r in [*registry.region_order(s), "national"]]).round(3)

# %%
# One panel per scheme, named in its corner; one colour per region in every figure and map.
# Every figure in English and Chinese, at double (180 mm) and single (88 mm) column width.
# At single width the two panels stack, so each keeps the full column for its notes.
for width in ("double", "single"):
    for lang in ("en", "zh"):
        if width == "double":
            fig, axes = new_figure(width, ncols=2, aspect=0.45, sharey=True, lang=lang)
        else:
            fig, axes = new_figure(width, nrows=2, aspect=1.25, sharex=True, lang=lang)
        for ax, s in zip(axes, schemes):
            regional_means_plot(means[s], scheme=s, ax=ax, lang=lang, width=width)
        if width == "double":
            axes[1].set_ylabel("")
        else:
            axes[0].set_xlabel("")
        save_figure(fig, variant_stem(figures / "fig_regional_means", width), lang=lang)
plt.show()

# %% [markdown]
# **Does east > central > west hold?** Checked in every year, under both schemes, with simple
# and with weighted means (`gmindex.regional.gradient_check`; "holds" means strictly).

# %%
checks = {"simple mean": gradient_check(means_both, value="mean"),
          "weighted mean": gradient_check(means_both, value="weighted_mean")}
for label, gc in checks.items():
    print(f"--- {label}")
    print(gc.text)

# %%
gradient_table = pd.concat({k: v.to_frame() for k, v in checks.items()}, names=["mean"])
gradient_table = gradient_table.reset_index(level=0).reset_index(drop=True)
write_table(gradient_table, results / "tab_gradient_check", formats=("csv", "xlsx"))
for label, gc in checks.items():
    table = gc.to_frame()
    for s in schemes:
        held = table.loc[table["scheme"] == s, "holds"]
        years_broken = table.loc[(table["scheme"] == s) & ~table["holds"], "year"].tolist()
        verdict = ("holds in every year" if held.all()
                   else f"does not hold in {years_broken}")
        print(f"{label}, {s}: east > central > west {verdict} ({int(held.sum())} of {len(held)} years)")

# %% [markdown]
# The smallest gap in the ordering tells how close it is to breaking (gaps are differences of
# regional means on the 0-1 score scale):

# %%
gaps = checks["simple mean"].to_frame()[["scheme", "year", "gap_east_central", "gap_central_west"]]
gaps.round(3)

# %% [markdown]
# ## 2. Growth 2016-2020 by region, and the Northeast
#
# The scores are on one pooled scale, so the absolute change is comparable across regions.
# Percent changes are shown too, but they are large where the starting level is low.

# %%
region_growth = pd.concat(
    [growth(means[s], start=first, end=last, by=("scheme", "region"), value=v).assign(mean=v)
     for s in schemes for v in ("mean", "weighted_mean")], ignore_index=True)
write_table(region_growth, results / "tab_regional_growth", formats=("csv", "xlsx"))
region_growth[region_growth["mean"] == "mean"].round(3)

# %%
g4 = region_growth[(region_growth["scheme"] == "region4") & (region_growth["mean"] == "mean")
                   & (region_growth["region"] != "national")].set_index("region")
if "northeast" in g4.index:
    for column, what, fmt in (("change", "absolute change", "{:.3f}"),
                              ("pct_change", "percent change", "{:.1f}%")):
        ordered = g4[column].sort_values()
        position = list(ordered.index).index("northeast") + 1
        listing = ", ".join(f"{r} {fmt.format(v)}" for r, v in ordered.items())
        print(f"{what} {first}-{last}: the Northeast is number {position} of {len(ordered)} "
              f"counted from the slowest ({listing})")
    levels = means["region4"].pivot(index="year", columns="region", values="mean")
    regions4 = list(registry.region_order("region4"))
    for year in (first, last):
        order_year = levels.loc[year, regions4].sort_values(ascending=False)
        print(f"{year}: regions from highest to lowest mean: "
              + " > ".join(f"{r} {v:.3f}" for r, v in order_year.items())
              + f" (national {levels.loc[year, 'national']:.3f})")

# %% [markdown]
# What drives the rise? The change in the mean score split by pillar (each pillar's
# contribution, weight times normalised value, averaged over the region's provinces). A pillar
# that was zero everywhere at the start (the MIIT green lists begin in 2017) can account for a
# large part of the change.

# %%
pillar_change = add_region(res.pillar_scores[res.pillar_scores["year"].isin([first, last])],
                           scheme="region4", registry=registry)
pillar_change = pillar_change.groupby(["region", "pillar", "year"])["contribution"].mean()
pillar_change = (pillar_change.xs(last, level="year") - pillar_change.xs(first, level="year"))
pillar_change = pillar_change.unstack("pillar").reindex(
    index=list(registry.region_order("region4")),
    columns=[p for p in spec.pillar_ids if p in pillar_change.index.get_level_values("pillar")])
national_change = (res.pillar_scores[res.pillar_scores["year"] == last].groupby("pillar")[
    "contribution"].mean() - res.pillar_scores[res.pillar_scores["year"] == first].groupby(
    "pillar")["contribution"].mean())
pillar_change.loc["national"] = national_change
write_table(pillar_change.reset_index(), results / "tab_score_change_by_pillar_region4",
            formats=("csv", "xlsx"))
shares = national_change / national_change.sum()
print(f"National mean score change {first}-{last}: {national_change.sum():.3f}; by pillar: "
      + ", ".join(f"{p} {v:.1%}" for p, v in shares.sort_values(ascending=False).items()))
pillar_change.round(3)

# %%
# Pillar and region names (not ids) from the spec and the registry, as in every figure.
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = pillar_change_plot(
            pillar_change, spec, first=first, last=last, lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / "fig_score_change_by_pillar_region4", width),
                    lang=lang)
plt.show()

# %% [markdown]
# Province by province: the change in score from the first to the last year, by region
# (each dot a province).

# %%
prov_growth = add_region(growth(scores, start=first, end=last), scheme=scheme, registry=registry)
prov_growth.insert(1, "name", prov_growth["code"].map(registry.labels("en")))
write_table(prov_growth, results / f"tab_province_growth_{scheme}", formats=("csv", "xlsx"))
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = change_box_plot(prov_growth, scheme=scheme, registry=registry, lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / f"fig_province_change_{scheme}", width),
                    lang=lang)
plt.show()
prov_growth.sort_values("change").groupby("region", sort=False).head(2)[
    ["code", "name", "region", "value_start", "value_end", "change"]].round(3)

# %% [markdown]
# ## 3. Distribution of scores: kernel densities (核密度估计)
#
# Gaussian kernel densities of the provincial scores, one curve per year on a shared grid.
# A right shift is overall progress; a widening or a second peak is polarisation. The
# Northeast has only 3 provinces, too few for a meaningful density on its own.

# %%
# No clip: the grid runs 3 bandwidths past the data, so every curve is seen falling to zero.
kde_years = kde_by_group(scores, by=("year",), grid=200)
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = kde_plot(kde_years, hue="year", lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / "fig_kde_by_year", width), lang=lang)
plt.show()

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    kde_regions = kde_by_group(scores, by=("region", "year"), grid=200,
                               scheme=scheme, registry=registry)
for w in caught:
    print("note:", w.message)
# Regions with fewer than 5 provinces (the Northeast has 3) carry a warning on their panel.
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = kde_by_region_plot(
            kde_regions.dropna(subset=["density"]), scheme=scheme, registry=registry, lang=lang,
            width=width)
        save_figure(ax.figure, variant_stem(figures / f"fig_kde_by_region_{scheme}", width),
                    lang=lang)
plt.show()

# %% [markdown]
# ## 4. Inequality and where it comes from
#
# ### Dagum Gini decomposition
#
# The Gini coefficient of the provincial scores splits exactly into G = G_w + G_nb + G_t:
# inequality within regions (区域内差异), the net gap between regions (区域间净差异) and
# transvariation (超变密度: overlap, provinces of a poorer region above provinces of a richer
# one). A large between-region share means the regional gradient drives inequality.

# %%
dagum = pd.concat([dagum_by_year(scores, scheme=s, registry=registry) for s in schemes],
                  ignore_index=True)
write_table(dagum, results / "tab_dagum_gini", formats=("csv", "xlsx"))
overall = dagum[dagum["level"] == "overall"].pivot(index=["scheme", "year"], columns="measure",
                                                   values="value")
overall = overall[["total", "within", "between_net", "transvariation", "within_share",
                   "between_net_share", "transvariation_share"]]
write_table(overall.reset_index(), results / "tab_dagum_overall", formats=("csv", "xlsx"))
overall.round(3)

# %%
for s in schemes:
    o = overall.loc[s]
    print(f"{s}: Gini {o['total'].iloc[0]:.3f} ({first}) -> {o['total'].iloc[-1]:.3f} ({last}); "
          f"net between-region share {o['between_net_share'].iloc[0]:.1%} -> "
          f"{o['between_net_share'].iloc[-1]:.1%}")

# %%
# One panel per scheme, named in its corner (no title: the caption belongs to the paper).
dagum_words = {
    "en": {"within": "Within regions (G_w)", "between_net": "Net between regions (G_nb)",
           "transvariation": "Transvariation (G_t)", "total": "Total Gini",
           "ylabel": "Gini contribution"},
    "zh": {"within": "区域内差异 (G_w)", "between_net": "区域间净差异 (G_nb)",
           "transvariation": "超变密度 (G_t)", "total": "总体基尼系数",
           "ylabel": "对基尼系数的贡献"},
}
part_colors = sns.color_palette("colorblind", 3)


for width in ("double", "single"):
    for lang in ("en", "zh"):
        words = dagum_words[lang]
        with style_context(lang, width):  # fonts and sizes of the language and width
            fig, axes = new_figure(width, ncols=2, aspect=0.42 if width == "double" else 0.7,
                                   sharey=True, lang=lang)
            for ax, s in zip(axes, schemes):
                o = overall.loc[s]
                bottom = pd.Series(0.0, index=o.index)
                for part, color in zip(["within", "between_net", "transvariation"],
                                       part_colors):
                    ax.bar(o.index, o[part], bottom=bottom, color=color, label=words[part],
                           width=0.6)
                    bottom = bottom + o[part]
                ax.plot(o.index, o["total"], color="black", marker="o", label=words["total"])
                ax.text(0.99, 0.98, region_name(s, lang), transform=ax.transAxes, ha="right",
                        va="top", fontsize=FONT_SIZES[width]["small"], color="0.3")
                ax.set_xticks(years)
                ax.set_ylim(0, overall["total"].max() * 1.25)
            axes[0].set_ylabel(words["ylabel"])
            handles, labels = axes[0].get_legend_handles_labels()
            fig.legend(handles, labels, loc="outside lower center",
                       ncol=2 if width == "single" else 4)
            save_figure(fig, variant_stem(figures / "fig_dagum_decomposition", width),
                        lang=lang)
plt.show()

# %% [markdown]
# Within-region Gini (G_jj) and between-region Gini (G_jh) for the chosen scheme:

# %%
groups = dagum[(dagum["scheme"] == scheme) & (dagum["level"] == "group")
               & (dagum["measure"] == "gini")].pivot(index="group_a", columns="year",
                                                      values="value")
groups = groups.reindex([r for r in registry.region_order(scheme) if r in groups.index])
pairs = dagum[(dagum["scheme"] == scheme) & (dagum["level"] == "pair")
              & (dagum["measure"] == "gini")]
pairs = pairs.assign(pair=pairs["group_a"] + "-" + pairs["group_b"]).pivot(
    index="pair", columns="year", values="value")
pd.concat({"within region": groups, "between regions": pairs}).round(3)

# %% [markdown]
# ### Theil index (泰尔指数)
#
# The Theil T index splits into between-region and within-region parts, a second view of the
# same question.

# %%
theil = pd.concat([theil_by_year(scores, scheme=s, registry=registry) for s in schemes],
                  ignore_index=True)
write_table(theil, results / "tab_theil", formats=("csv", "xlsx"))
theil_overall = theil[theil["level"] == "overall"].pivot(index=["scheme", "year"],
                                                         columns="measure", values="value")
theil_overall = theil_overall[["total", "between", "within", "between_share"]]
for s in schemes:
    t = theil_overall.loc[s]
    print(f"{s}: Theil {t['total'].iloc[0]:.3f} -> {t['total'].iloc[-1]:.3f}; between-region "
          f"share {t['between_share'].iloc[0]:.1%} -> {t['between_share'].iloc[-1]:.1%}")
theil_overall.round(3)

# %% [markdown]
# ## 5. Convergence (收敛)
#
# **Sigma convergence**: the coefficient of variation (CV) across provinces falls over time.
# The trend is the OLS slope of the CV on year (5 years: read it as descriptive).

# %%
sigma = sigma_convergence(scores, scheme=scheme, registry=registry)
write_table(sigma.by_year, results / f"tab_sigma_convergence_{scheme}", formats=("csv", "xlsx"))
trend = sigma.trend[sigma.trend["measure"] == "cv"]
for row in trend.itertuples():
    print(f"{row.region:<10} CV slope {row.slope:+.4f} per year (p = {row.p_value:.3f}): "
          f"{'converging' if row.converging else 'no significant decline'}")

# %%
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = sigma_plot(sigma.by_year, measure="cv", lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / f"fig_sigma_convergence_{scheme}", width),
                    lang=lang)
plt.show()

# %% [markdown]
# **Beta convergence**: do provinces that start lower grow faster? Cross-section: average
# annual log growth on the initial log score (absolute), and with region dummies
# (conditional), HC1 standard errors. Panel: annual growth on the lagged log score with
# province and year fixed effects, clustered by province. With few years the panel estimate
# is biased towards faster convergence (Nickell bias); compare it with the cross-section.

# %%
beta = beta_convergence(scores, start=first, end=last, scheme=scheme, registry=registry)
panel_beta = panel_beta_convergence(scores)
beta_table = pd.concat([beta.to_frame(), panel_beta.to_frame()], ignore_index=True)
write_table(beta_table, results / "tab_beta_convergence", formats=("csv", "xlsx"))
for row in beta_table.itertuples():
    verdict = "convergence" if row.beta < 0 and row.p_value < 0.05 else "no significant convergence"
    print(f"{row.model:<12} beta {row.beta:+.3f} (se {row.std_error:.3f}, p {row.p_value:.3f}), "
          f"half-life {row.half_life:.1f} years: {verdict}")
beta_table[["model", "beta", "std_error", "p_value", "r_squared", "n_obs", "speed",
            "half_life", "regressors"]].round(4)

# %% [markdown]
# A caveat for all of section 5: the scores are pooled min-max values, bounded in [0, 1], and
# part of the rise comes from an indicator that is zero everywhere in 2016 (the green-factory
# count; its share of the national change is printed in section 2). Convergence of such scores
# partly reflects that common start; notebook 06 checks how the conclusions depend on the
# method.
#
# ## Log and provenance

# %%
print(res.summary())
