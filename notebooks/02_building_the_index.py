# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 Building the index (熵值法 green manufacturing index)
#
# This notebook builds the green manufacturing index (绿色制造指数) step by step with the
# entropy method (熵值法):
#
# 1. the indicator system (指标体系): indicators, pillars, directions, units;
# 2. min-max normalisation (标准化) over the pooled panel;
# 3. entropy weights (熵权): shares p, entropy e_j, divergence d_j = 1 - e_j, weights w_j;
# 4. scores and ranks 2016-2020;
# 5. choices that matter: pooled vs per-year weights, weighted sum vs entropy-TOPSIS,
#    and what to do when one indicator takes too much of the weight.
#
# The engine is `gmindex.index.build_index`; every option is recorded in the result's log.

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
from dataclasses import asdict
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.special import xlogy

import gmindex
from gmindex.datasets import load_inputs
from gmindex.index import build_index
from gmindex.figstyle import rc_params, save_figure, variant_stem
from gmindex.io.writers import write_table
from gmindex.plots import (
    pillar_contributions_plot,
    rank_comparison_plot,
    scores_first_last_plot,
    weights_bar_plot,
    weights_per_year_plot,
    weights_remedies_plot,
)
from gmindex.provinces import default_registry
from gmindex.regional import add_region, rank_table
from gmindex.weights import ConstantIndicatorWarning, entropy_weights

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 80)
# Chinese characters in figure labels (units such as 亿元) need a CJK font.
# The package figure style (Type 42 fonts, journal sizes, a CJK fallback font).
plt.rcParams.update(rc_params("en", "double"))
registry = default_registry()
panel, spec = load_inputs(data_path, spec_path)
results = Path(results_dir)
figures = Path(figures_dir)
res = build_index(panel, spec, registry=registry, years=years)
years = res.options["years"]
print(f"gmindex {gmindex.__version__}")
res

# %% [markdown]
# ## 1. The indicator system (指标体系)
#
# Each indicator is a ratio built from raw series, `value = scale * numerator / denominator`.
# *Benefit* indicators (正向指标) raise the index, *cost* indicators (负向指标) lower it. The
# spec (`data/spec.toml`) also records the unit, the source and why the indicator is there.

# %%
pillar_names = {p.id: p.name_en for p in spec.pillars}
pillar_names_zh = {p.id: p.name_zh for p in spec.pillars}
system = pd.DataFrame([asdict(ind) for ind in spec.indicators])
system.insert(2, "pillar_name", system["pillar"].map(pillar_names))
system.insert(3, "pillar_name_zh", system["pillar"].map(pillar_names_zh))
system = system[["id", "name_en", "name_zh", "pillar", "pillar_name", "pillar_name_zh",
                 "direction", "numerator", "denominator", "scale", "unit", "source"]]
write_table(system, results / "tab_indicator_system", formats=("csv", "xlsx"))
system[["id", "name_zh", "pillar_name", "direction", "unit"]]

# %% [markdown]
# Descriptive statistics of the indicators over the province-years used (the raw ratios,
# before normalisation). A large coefficient of variation or a long right tail (max far above
# the 75th percentile) is what entropy weighting rewards, as section 3 shows.

# %%
wide_raw = res.indicators.pivot(index=["code", "year"], columns="indicator", values="value")
wide_raw = wide_raw[[i for i in spec.indicator_ids if i in wide_raw.columns]]
desc = wide_raw.describe().T
desc["cv"] = desc["std"] / desc["mean"]
desc["max_over_median"] = desc["max"] / desc["50%"]
desc.insert(0, "unit", [spec.indicator(i).unit for i in desc.index])
write_table(desc.reset_index(), results / "tab_indicator_descriptives", formats=("csv", "xlsx"))
desc.round(3)

# %% [markdown]
# ## 2. Normalisation (标准化)
#
# Min-max over the pooled panel (all provinces and years together), so that a province's score
# can rise over time:
#
# - benefit: z = (x - min) / (max - min)
# - cost: z = (max - x) / (max - min)
#
# The bounds (goalposts) per indicator:

# %%
goalposts = res.goalposts.copy()
goalposts["direction"] = goalposts["indicator"].map(spec.directions())
goalposts

# %% [markdown]
# Three provinces in the last year, raw and normalised (1 = best value in the panel,
# 0 = worst):

# %%
last = years[-1]
wide_z = res.normalized.pivot(index=["code", "year"], columns="indicator", values="value")
wide_z = wide_z[wide_raw.columns]
show_codes = [c for c in ("11", "41", "62") if c in wide_z.index.get_level_values("code")]
example = pd.concat(
    {"raw": wide_raw.loc[(show_codes, last), :], "normalised": wide_z.loc[(show_codes, last), :]},
    names=["stage"],
)
example.rename(index=registry.labels("en"), level="code").round(3)

# %% [markdown]
# ## 3. Entropy weights (熵权), step by step
#
# With n province-years in the reference set (all of them, pooled):
#
# - share of each observation: p_ij = z_ij / sum_i z_ij
# - entropy: e_j = -(1 / ln n) sum_i p_ij ln p_ij, with 0 ln 0 = 0
# - divergence (差异系数): d_j = 1 - e_j
# - weight: w_j = d_j / sum_j d_j
#
# The shares for the first rows (each column sums to 1 over all rows):

# %%
p = wide_z / wide_z.sum()
print(f"n = {len(p)} province-years; column sums of p: {p.sum().round(12).unique()}")
p.head()

# %% [markdown]
# The entropy, divergence and weight by hand from these shares, next to what the package
# computed (`gmindex.weights.entropy_weights`, used inside `build_index`):

# %%
e_hand = -xlogy(p, p).sum() / np.log(len(p))
d_hand = 1 - e_hand
w_hand = d_hand / d_hand.sum()
ew = entropy_weights(wide_z.to_numpy(), labels=list(wide_z.columns))
steps = pd.DataFrame({"e_j (by hand)": e_hand, "d_j (by hand)": d_hand, "w_j (by hand)": w_hand,
                      "w_j (package)": ew.weights}, index=wide_z.columns)
if res.options["weighting"] == "entropy" and res.options["hierarchy"] == "flat":
    steps["w_j (index)"] = res.weights.set_index("indicator")["weight"]
print("by hand and package agree:", bool(np.allclose(steps["w_j (by hand)"], ew.weights)))
steps.round(4)

# %% [markdown]
# The weights, by pillar (the dashed line is the share above which the spec flags an
# indicator, `flag_weight_share`):

# %%
weights = res.weights.copy()
weights["name"] = weights["indicator"].map({i.id: i.name_en for i in spec.indicators})
write_table(weights, results / "tab_weights_entropy", formats=("csv", "xlsx"))
# Indicator and pillar names from the spec, pillar colours as in every figure.
# Every figure in English and Chinese, at double (180 mm) and single (88 mm) column width.
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = weights_bar_plot(weights, spec, lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / "fig_weights_bar", width), lang=lang)
plt.show()

# %%
by_pillar = weights.groupby("pillar", sort=False)["weight"].sum().rename("weight").to_frame()
by_pillar.insert(0, "pillar_name", by_pillar.index.map(pillar_names))
for row in weights[weights["flagged"]].itertuples():
    print(f"FLAGGED: {row.indicator} takes {row.weight:.1%} of the weight "
          f"(above {spec.flag_weight_share:.0%})")
by_pillar.round(4)

# %% [markdown]
# ## 4. Scores and ranks
#
# The score is the weighted sum of the normalised indicators, S = sum_j w_j z_j, in [0, 1]
# (multiply by 100 for a 0-100 scale). Rank 1 is the highest score in its year.
# The table is sorted by the rank in the last year; `rank_change` > 0 means the province
# moved up.

# %%
ranks = rank_table(res.scores, start=years[0], end=years[-1], registry=registry)
write_table(ranks, results / "tab_scores_ranks", formats=("csv", "xlsx"))
ranks.round(4)

# %% [markdown]
# Scores in the first and last year, provinces sorted by the last year's score
# (colour = region, NBS four-region scheme):

# %%
first = years[0]
wide_s = res.scores.pivot(index="code", columns="year", values="score").sort_values(last)
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = scores_first_last_plot(
            res.scores, first=first, last=last, registry=registry, lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / "fig_scores_first_last", width), lang=lang)
plt.show()

# %% [markdown]
# What makes up each province's score in the last year: the contribution of each pillar
# (weight times normalised value, summed within the pillar). Contributions add up to the score.

# %%
# Provinces in the order of the previous figure (last year's score).
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = pillar_contributions_plot(
            res.pillar_scores, spec, year=last, order=list(wide_s.index), registry=registry,
            lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / f"fig_pillar_contributions_{last}", width),
                    lang=lang)
plt.show()

# %% [markdown]
# ## 5. Choices that matter
#
# ### 5a. Pooled vs per-year weights
#
# The default spec weights in two stages (entropy within pillars, equal pillars: see
# `data/PROVENANCE.md`); the per-year and cap comparisons below are about flat pooled entropy
# (`flat`, one option away), the design they apply to.
#
# Pooled weights use one weight vector for all years, so scores compare across
# years. Per-year weights (`weighting="entropy_per_year"`) recompute the entropy weights from
# each year's cross-section: the weights then move from year to year, and a change in a
# province's score mixes a change in its data with a change in the weights. An indicator that
# is constant in a year (e.g. the green-factory count in 2016, zero everywhere before the
# first MIIT list) gets weight 0 in that year, with a warning.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ConstantIndicatorWarning)
    flat = res.replay(hierarchy="flat")
    per_year = flat.replay(weighting="entropy_per_year")
for w in caught:
    if issubclass(w.category, ConstantIndicatorWarning):
        print("warning:", w.message)
py_weights = per_year.weights.pivot(index="indicator", columns="year", values="weight")
py_weights = py_weights.loc[list(wide_z.columns)]
py_weights["pooled"] = flat.weights.set_index("indicator")["weight"]
write_table(py_weights.reset_index(), results / "tab_weights_per_year", formats=("csv", "xlsx"))
py_weights.round(3)

# %%
# Each indicator in its pillar's colour (the same in every figure), pooled weight dotted;
# the legend of one line per indicator sits under the plot.
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = weights_per_year_plot(py_weights, spec, lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / "fig_weights_per_year", width), lang=lang)
plt.show()

# %% [markdown]
# ### 5b. Variants of the index and how far they agree
#
# The same data under other documented choices. Each is a `replay` of the default build with
# one option changed, so everything else stays equal:
#
# - `per_year_weights`: entropy weights per year (5a);
# - `per_year_normalisation`: min-max within each year (a pure cross-section; the mean
#   cannot show progress over time);
# - `topsis`: entropy-TOPSIS (熵权TOPSIS), closeness to the weighted ideal point instead of the
#   weighted sum;
# - `critic` and `equal`: other weightings;
# - `cap_<share>`: flat entropy weights capped at the flag share, the excess spread over the others;
# - `flat_entropy`: flat pooled entropy over all indicators (the usual 熵值法);
# - `entropy_across_pillars`: entropy within pillars, then entropy across pillar sub-scores.
#
# Agreement is the Spearman rank correlation of the provinces' scores with the default, per year.

# %%
cap = spec.flag_weight_share
variants = {
    "per_year_weights": per_year,
    "per_year_normalisation": res.replay(normalization="per_year"),
    "topsis": res.replay(aggregation="topsis"),
    "critic": res.replay(weighting="critic"),
    "equal": res.replay(weighting="equal"),
    f"cap_{cap:g}": flat.replay(max_weight=cap),
    "flat_entropy": flat,
    "entropy_across_pillars": res.replay(pillar_weighting="entropy"),
}
scores_all = res.scores.rename(columns={"score": "default"})[["code", "year", "default"]]
for name, variant in variants.items():
    scores_all = scores_all.merge(
        variant.scores[["code", "year", "score"]].rename(columns={"score": name}),
        on=["code", "year"], validate="one_to_one")
rank_corr = (
    scores_all.drop(columns="code").groupby("year").corr(method="spearman")
    .xs("default", level=1).drop(columns="default")
)
write_table(rank_corr.reset_index(), results / "tab_rank_correlation_variants",
            formats=("csv", "xlsx"))
rank_corr.round(3)

# %%
lowest = rank_corr.stack().idxmin()
print(f"Lowest rank correlation with the default: {lowest[1]} in {lowest[0]} "
      f"({rank_corr.stack().min():.3f}); highest: {rank_corr.stack().max():.3f}.")
topsis_corr = rank_corr["topsis"]
print(f"Weighted sum vs entropy-TOPSIS: Spearman from {topsis_corr.min():.3f} to "
      f"{topsis_corr.max():.3f} across years.")
means = scores_all.groupby("year")[["default", "per_year_normalisation"]].mean()
print("Mean score by year, pooled vs per-year normalisation:")
print(means.round(3).to_string())

# %% [markdown]
# Entropy-weighted sum vs entropy-TOPSIS in the last year: each line joins a province's rank
# under the weighted sum (left) to its rank under TOPSIS (right); colour = region.

# %%
last_scores = add_region(scores_all[scores_all["year"] == last], scheme="region4",
                         registry=registry)
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = rank_comparison_plot(
            last_scores, "default", "topsis", registry=registry, lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / f"fig_rank_sum_vs_topsis_{last}", width),
                    lang=lang)
plt.show()

# %% [markdown]
# ### 5c. A flagged weight and two remedies
#
# Entropy rewards dispersion, not importance. A skewed indicator (one province far above the
# rest) has low entropy and so a large weight, and can decide the ranking on its own. The
# build flags any indicator above `flag_weight_share`. Remedies, next to flat entropy:
#
# - `max_weight`: cap each flat weight at a share and spread the excess over the others;
# - the default design: entropy only within each pillar, equal weights across pillars, so
#   no pillar's weight depends on how dispersed its indicators are;
# - entropy across pillar sub-scores: dispersion decides again, now between pillars.
#
# The table compares the weights; the flags are recomputed for each variant.

# %%
remedies = {"flat entropy": flat, f"cap at {cap:.0%}": variants[f"cap_{cap:g}"],
            "default (equal pillars)": res,
            "entropy across pillars": variants["entropy_across_pillars"],
            "CRITIC": variants["critic"], "equal": variants["equal"]}
weight_cmp = pd.DataFrame({name: r.weights.set_index("indicator")["weight"]
                           for name, r in remedies.items()}).loc[list(wide_z.columns)]
write_table(weight_cmp.reset_index(), results / "tab_weights_remedies", formats=("csv", "xlsx"))
for name, r in remedies.items():
    flagged = r.weights.loc[r.weights["flagged"], ["indicator", "weight"]]
    text = ", ".join(f"{i} {w:.1%}" for i, w in flagged.itertuples(index=False)) or "none"
    print(f"{name:<20} flagged above {cap:.0%}: {text}")
weight_cmp.round(3)

# %%
# Variants by key in the figure (names in each language from gmindex.plots.weights).
remedy_keys = dict(zip(remedies, ["flat_entropy", "cap", "default", "entropy_across_pillars",
                                  "critic", "equal"]))
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = weights_remedies_plot(
            weight_cmp.rename(columns=remedy_keys), spec, cap=cap, lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / "fig_weights_remedies", width), lang=lang)
plt.show()

# %% [markdown]
# Does a remedy change who leads? The five highest-scoring provinces in the last year under
# each variant:

# %%
top5 = pd.DataFrame({
    name: scores_all[scores_all["year"] == last].nlargest(5, name)["code"]
    .map(registry.labels("en")).to_list()
    for name in ["default", *variants]
}, index=pd.RangeIndex(1, 6, name="rank"))
top5

# %% [markdown]
# ## 6. Export and provenance
#
# `IndexResult.export` writes the scores (with names, regions and pillar scores), pillar
# scores, weights, goalposts, normalised and raw indicator values, and the provenance record
# into the results folder.

# %%
written = res.export(results, formats=("csv", "xlsx"))
print(f"{len(written)} files written to {results}")
print(res.summary())
