# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 Robustness (稳健性检验)
#
# An index is a chain of choices: how to normalise, how to weight, how to aggregate, which
# indicators to include. This notebook asks how much the results depend on them:
#
# 1. a seeded Monte Carlo over the documented choices (`gmindex.robustness.monte_carlo`):
#    normalisation (pooled, per year, fixed base year), weighting (entropy, per-year entropy,
#    equal, CRITIC, entropy weights perturbed by a Dirichlet draw), aggregation (weighted sum,
#    TOPSIS), the entropy shift, and leaving out one indicator or pillar;
# 2. how often the east > central > west ordering survives, year by year;
# 3. rank intervals (排名区间) of the provinces;
# 4. which choice matters most: first-order variance shares from the Monte Carlo and Sobol
#    indices (`gmindex.sensitivity`, SALib);
# 5. a different indicator set: the extended robustness spec `data/spec_alternative.toml`
#    (14 indicators, 2016-2019).
#
# `quick = True` (tests) uses 200 draws and a small Sobol design; the full run uses 10,000
# draws.

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
from gmindex.datasets import data_dir, load_inputs
from gmindex.index import build_index
from gmindex.figstyle import (
    FONT_SIZES,
    font_family,
    new_figure,
    rc_params,
    save_figure,
    variant_stem,
)
from gmindex.io.writers import write_table
from gmindex.plots import orderings_plot, rank_intervals_plot, sensitivity_plot
from gmindex.provinces import default_registry
from gmindex.regional import gradient_check, regional_means
from gmindex.robustness import monte_carlo
from gmindex.sensitivity import sobol_indices
from gmindex.spec import read_spec

pd.set_option("display.width", 160)
# The package figure style (Type 42 fonts, journal sizes, a CJK fallback font).
plt.rcParams.update(rc_params("en", "double"))
registry = default_registry()
panel, spec = load_inputs(data_path, spec_path)
results = Path(results_dir)
figures = Path(figures_dir)
res = build_index(panel, spec, registry=registry, years=years)
years = res.options["years"]
draws = 200 if quick else 10_000
sobol_n = 64 if quick else 512
seed = 20160101
print(f"gmindex {gmindex.__version__}; baseline {res!r}")
print(f"Monte Carlo: {draws} draws; Sobol: base sample {sobol_n}; seed {seed}")

# %% [markdown]
# ## 1. The Monte Carlo
#
# Each draw picks one option per factor, independently (the choice space and probabilities
# are below), rebuilds the index and ranks the provinces within each year. The baseline is the
# default build: pooled min-max, entropy weights within pillars, equal pillar weights, weighted
# sum, no shift, all indicators.

# %%
mc = monte_carlo(res, draws=draws, seed=seed)
choice_table = pd.DataFrame(
    [(f, str(v), p) for f, options in mc.choices.items() for v, p in options.items()],
    columns=["factor", "option", "probability"])
write_table(choice_table, results / "tab_robustness_choices", formats=("csv", "xlsx"))
print(mc.summary())
choice_table

# %% [markdown]
# ## 2. Does the gradient survive?
#
# Share of draws in which the ordering of regional mean scores holds, by scheme and year.
# The chain east > central > west needs both of its steps; the pairwise rows show which
# step breaks when it fails.

# %%
orderings = mc.orderings.copy()
write_table(orderings, results / "tab_robustness_orderings", formats=("csv", "xlsx"))
chain = orderings[orderings["ordering"] == "east > central > west"]
for row in chain.itertuples():
    print(f"{row.scheme} {row.year}: east > central > west in {row.share:.1%} of draws "
          f"(baseline {'holds' if row.baseline_holds else 'does not hold'})")
weakest = orderings[orderings["ordering"].isin(["east > central", "central > west"])]
weakest = weakest.pivot(index=["scheme", "ordering"], columns="year", values="share")
weakest.round(3)

# %%
# Coinciding lines (east > central > west and central > west where east > central always
# holds) get their own marker, dash and a small sideways offset, so none hides another.
shown_orderings = ["east > central > west", "east > central", "central > west",
                   "central > northeast", "west > northeast"]
# Every figure in English and Chinese, at double (180 mm) and single (88 mm) column width;
# at single width the two panels stack.
for width in ("double", "single"):
    for lang in ("en", "zh"):
        if width == "double":
            fig, axes = new_figure(width, lang=lang, ncols=2, aspect=0.42, sharey=True)
        else:
            fig, axes = new_figure(width, lang=lang, nrows=2, aspect=1.25, sharex=True)
        for ax, scheme_shown in zip(axes, orderings["scheme"].unique()):
            orderings_plot(orderings, scheme=scheme_shown, shown=shown_orderings, ax=ax,
                           lang=lang, width=width)
        save_figure(fig, variant_stem(figures / "fig_robustness_orderings", width), lang=lang)
plt.show()

# %% [markdown]
# What each option does on average: the share of draws with that option in which
# east > central > west holds (three-belt scheme, all years pooled), and the mean absolute
# change of rank against the baseline.

# %%
effects = mc.effects.copy()
write_table(effects, results / "tab_robustness_effects", formats=("csv", "xlsx"))
worst = effects.loc[effects["share_east_central_west"].idxmin()]
print(f"Option under which the ordering holds least often: {worst['factor']} = {worst['value']} "
      f"({worst['share_east_central_west']:.1%} of its draws)")
effects.round(3)

# %% [markdown]
# The regional gaps themselves (difference of regional mean scores; scores of TOPSIS draws are
# on another scale, so read the signs and the share positive, not the levels):

# %%
gaps = mc.gaps.copy()
write_table(gaps, results / "tab_robustness_gaps", formats=("csv", "xlsx"))
gaps[gaps["scheme"] == scheme].round(3)

# %% [markdown]
# ## 3. Rank intervals
#
# Median rank and the 5-95% range over the draws, with the baseline rank, for the last year.
# A long bar means the province's place depends on the method.

# %%
intervals = mc.rank_intervals.copy()
write_table(intervals, results / "tab_rank_intervals", formats=("csv", "xlsx"))
last = years[-1]
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = rank_intervals_plot(
            mc.rank_uncertainty_frame(year=last, lang=lang), lang=lang, width=width)
        save_figure(ax.figure, variant_stem(figures / f"fig_rank_intervals_{last}", width),
                    lang=lang)
plt.show()

# %%
last_int = intervals[intervals["year"] == last].copy()
last_int["width"] = last_int["q95"] - last_int["q05"]
stable = last_int[last_int["width"] <= 2]["name"].tolist()
print(f"{last}: provinces whose 90% rank interval spans at most 2 places: {stable or 'none'}")
last_int.sort_values("width", ascending=False).head(8)[
    ["name", "baseline_rank", "median", "q05", "q95", "width"]]

# %% [markdown]
# ## 4. Which choice matters most?
#
# First-order variance shares: the part of the variation of an output explained by one factor
# alone. The bars of one output add up to 1 with "not explained by one factor" (interactions
# and the random weight perturbation).

# %%
sens = mc.sensitivity_frame()
write_table(sens, results / "tab_sensitivity_first_order", formats=("csv", "xlsx"))
# Panels are named by a short label in the plot area (no titles; constrained layout keeps
# every text inside the figure).
panel_labels = {"en": ["(a) Provinces' ranks", "(b) East − west gap"],
                "zh": ["(a) 省份排名", "(b) 东西部差距"]}
for width in ("double", "single"):
    for lang in ("en", "zh"):
        if width == "double":
            fig, axes = new_figure(width, ncols=2, aspect=0.4, lang=lang)
        else:
            fig, axes = new_figure(width, nrows=2, aspect=1.1, lang=lang)
        for ax, output, label in zip(axes, ["rank", "gap east - west"], panel_labels[lang]):
            sensitivity_plot(sens, output=output, ax=ax, lang=lang, width=width)
            ax.text(0.98, 0.02, label, transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=FONT_SIZES[width]["small"] + 1, fontfamily=font_family(lang))
        save_figure(fig, variant_stem(figures / "fig_sensitivity_first_order", width),
                    lang=lang)
plt.show()
for output in ("rank", "gap east - west"):
    part = sens[(sens["output"] == output) & (sens["factor"] != "not explained by one factor")]
    top = part.loc[part["first_order"].idxmax()]
    print(f"{output}: largest first-order share is {top['factor']} ({top['first_order']:.2f})")

# %% [markdown]
# Sobol indices (Saltelli design, SALib): S1 is the first-order share as above, ST the total
# share including interactions. A factor with a small S1 but a large ST matters through
# its combinations with others.

# %%
sobol = sobol_indices(res, n=sobol_n, seed=seed, num_resamples=50 if quick else 200)
sobol_summary = sobol.summary_frame()
write_table(sobol.indices, results / "tab_sobol_indices", formats=("csv", "xlsx"))
print(f"{sobol.n_evaluations} index builds evaluated")
sobol_summary.pivot(index="factor", columns="output", values=["S1", "ST"]).round(3)

# %% [markdown]
# ## 5. Another indicator set
#
# `data/spec_alternative.toml` adds CO2 and electricity intensity, the other three MIIT list
# counts (green parks, supply chains, design products) and technology-market turnover to the
# eight indicators of the previous default (`data/spec_flat8.toml`), for 2016-2019 (CEADs CO2
# ends in 2019; Shandong electricity 2020 is missing), with flat pooled entropy and nominal
# denominators. The list counts are sparse (many provinces at zero), which flat entropy
# rewards: the pillar weights printed below show how much of the index they take, and the
# gradient check shows what that does.

# %%
alt_spec = read_spec(data_dir() / "spec_alternative.toml")
missing_series = sorted(set(alt_spec.series_ids) - set(panel["indicator"]))
if missing_series:
    print(f"The panel lacks series of the alternative spec: {missing_series}; section skipped.")
else:
    alt = build_index(panel, alt_spec, registry=registry)
    alt_years = alt.options["years"]
    print(repr(alt))
    for row in alt.weights[alt.weights["flagged"]].itertuples():
        print(f"FLAGGED: {row.indicator} {row.weight:.1%}")
    pillar_weights = alt.weights.groupby("pillar")["weight"].sum().sort_values(ascending=False)
    print("weight by pillar: " + ", ".join(f"{p} {w:.1%}" for p, w in pillar_weights.items()))
    alt_means = pd.concat([regional_means(alt.scores, scheme=s, registry=registry)
                           for s in ("region4", "region3")], ignore_index=True)
    print(gradient_check(alt_means).text)
    both = res.scores[res.scores["year"].isin(alt_years)].merge(
        alt.scores, on=["code", "year"], suffixes=("_default", "_alternative"))
    alt_corr = both.groupby("year")[["score_default", "score_alternative"]].corr(
        method="spearman").xs("score_default", level=1)["score_alternative"]
    write_table(alt.weights, results / "tab_weights_alternative_spec", formats=("csv", "xlsx"))
    print("Spearman rank correlation with the default index, by year:")
    print(alt_corr.round(3).to_string())

# %% [markdown]
# ## Notes and provenance
#
# The Monte Carlo notes (what the choices did to the data: constant indicators, clipping
# beyond fixed goalposts, rules that cannot apply) are printed with the summary in section 1.
# The baseline's log:

# %%
print(res.summary())
