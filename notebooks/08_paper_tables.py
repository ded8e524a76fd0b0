# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 The paper's tables and figures (论文常用图表)
#
# Chinese regional-economics papers on the level of green manufacturing (绿色制造 / 工业绿色发展)
# report a recognisable set of results beyond the index itself. This notebook produces them all
# from one index result, with the package's functions only:
#
# 1. the Dagum Gini decomposition as papers print it (years × within, between and
#    transvariation, with contribution shares) and as line charts;
# 2. kernel density evolution as 3-D surfaces (score × year × density), nationally and by region;
# 3. spatial dependence over time: Moran's I by year and by pillar, LISA maps of the first and
#    last year, and the bivariate Moran's I between the index and GDP per capita;
# 4. classic and spatial Markov chains with counts beside the probabilities;
# 5. spatial β convergence (lag, error and Durbin) beside the non-spatial β;
# 6. obstacle degrees (障碍度) of indicators and pillars;
# 7. coupling coordination (耦合协调度) between the pillars and between the index and the economy;
# 8. the score-weighted centre of gravity and standard deviational ellipse;
# 9. other objective weights and aggregations, for comparison with the entropy index;
# 10. radar charts of the pillars by region and the score-and-rank table (LaTeX, XLSX, Word);
# 11. the geographical detector (地理探测器) for the drivers.
#
# Every option (permutations, seed, classes, discretisation) is printed with its table and stored
# in the provenance at the end. The formulas and their traps are in METHODS.md §10 and in each
# function's docstring.

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

import pandas as pd
from IPython.display import Image, display

import gmindex
from gmindex.convergence import beta_convergence
from gmindex.datasets import load_inputs
from gmindex.index import build_index
from gmindex.io.writers import write_json, write_table
from gmindex.paper.report import paper_figures, paper_tables
from gmindex.paper.tables import write_docx
from gmindex.provinces import default_registry
from gmindex.regress import covariates_from_panel, driver_regression

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)
warnings.filterwarnings("ignore", message="IProgress not found")
registry = default_registry()
panel, spec = load_inputs(data_path, spec_path)
results = Path(results_dir) / "paper"
figures = Path(figures_dir)
res = build_index(panel, spec, registry=registry, years=years)
years = res.options["years"]
first, last = years[0], years[-1]
permutations = 199 if quick else 9999
reps = 999 if quick else 9999
seed = 20160101
print(f"gmindex {gmindex.__version__}; {res!r}; {permutations} permutations, "
      f"{reps} bootstrap replications, seed {seed}")

# %% [markdown]
# ## Run everything once
#
# `paper_tables` runs every method with one set of options; the tables are written to
# `results/paper/` as CSV and XLSX, the publication tables also as LaTeX, Markdown and Word
# (three-line tables). The two-way fixed-effects driver regression of notebook 05 is run
# again so that the geodetector's q can be shown beside its coefficients.

# %%
drivers = driver_regression(res.scores, covariates_from_panel(res.panel, years=years),
                            spec=res.spec, reps=reps, seed=seed)
paper = paper_tables(res, scheme=scheme, permutations=permutations, seed=seed,
                     drivers=drivers.to_frame())
written = []
for name, table in paper.tables.items():
    written += write_table(table, results / name, formats=("csv", "xlsx"),
                           provenance=res.provenance)
for name, table in paper.publication.items():
    written += table.write(results / f"table_{name}")
    written.append(write_docx(table, results / f"table_{name}.docx"))
print(f"{len(written)} files in {results}")
for line in paper.findings:
    print("-", line)

# %% [markdown]
# ## 1. Dagum Gini decomposition
#
# G = G_w + G_nb + G_t: inequality within regions, net inequality between regions, and
# transvariation (overlap between regions). Papers print the table below and draw the
# within-region Ginis G_jj, the between-region Ginis G_jh and the contribution shares by year.

# %%
paper.tables[f"paper_dagum_{scheme}"].round(4)

# %% [markdown]
# ## 2.–11. Figures
#
# All figures are written in English and Chinese (files ending in `_zh`), at double (180 mm)
# and single (88 mm) column width (files ending in `_single`), each with its caption
# (`.caption.md`); quick mode writes the English double-width set only.

# %%
langs = ("en",) if quick else ("en", "zh")
widths = ("double",) if quick else ("double", "single")
paths = paper_figures(res, paper, figures, langs=langs, widths=widths,
                      formats=("png", "pdf", "svg"), scheme=scheme)
print(f"{len(paths)} figure files")
for stem in ("fig_paper_dagum_within", "fig_paper_dagum_between", "fig_paper_dagum_shares"):
    display(Image(filename=str(figures / f"{stem}.png"), width=420))

# %% [markdown]
# ### Kernel density evolution
#
# Gaussian kernels, Scott's bandwidth rule (stated on each figure). A region with fewer than
# five provinces (the Northeast has three) carries a warning: its "density" is three bumps.

# %%
for group in ("national", *registry.region_order(scheme)):
    display(Image(filename=str(figures / f"fig_paper_kde3d_{group}.png"), width=380))

# %% [markdown]
# ### Spatial dependence over time
#
# Moran's I by year (filled markers: permutation p < 0.05), the LISA clusters of the first and
# last year, Moran's I of each pillar, and the bivariate Moran's I of a province's index score
# with its neighbours' log GDP per capita.

# %%
display(Image(filename=str(figures / "fig_paper_moran_by_year.png"), width=420))
display(Image(filename=str(figures / "fig_paper_lisa_first_last.png"), width=800))
paper.tables["paper_moran_pillars"].pivot(index="pillar", columns="year", values="I").round(3)

# %%
paper.tables["paper_moran_bivariate"].round(4)

# %% [markdown]
# ## 4. Markov chains
#
# Classes are pooled quartiles of the score relative to the year's national mean, so a move
# up means catching up with the nation, not the general rise of the index. With 30 provinces
# and four transitions the spatial matrices rest on few moves: the counts are printed with
# every probability.

# %%
print(paper.tables["paper_markov_classic"].to_string(index=False))
print(paper.tables["paper_markov_tests"].round(4).to_string(index=False))
paper.tables["paper_markov_upward"].round(3)

# %% [markdown]
# ## 5. Spatial β convergence
#
# Cross-section of average annual log growth over the period on the initial log score, with a
# spatial lag (SAR), a spatial error (SEM) or a Durbin term (SDM), and annual panels with fixed
# effects. The non-spatial β of `gmindex.convergence` is the `ols` row; it is recomputed here as
# a check. The panel β is biased towards convergence in a panel this short (Nickell bias).

# %%
check = beta_convergence(res.scores, start=first, end=last)
print(f"non-spatial beta from gmindex.convergence: {check.absolute.beta:.4f}")
paper.tables["paper_spatial_beta"].round(4)

# %% [markdown]
# ## 6. Obstacle degrees
#
# O_ij = F_j (1 − z_ij) / Σ_j F_j (1 − z_ij) with the effective entropy weights F_j: the share
# of a province's shortfall from the best score that each indicator accounts for.

# %%
display(Image(filename=str(figures / f"fig_paper_obstacles_{last}.png"), width=420))
paper.tables[f"paper_obstacle_top_{last}"]

# %% [markdown]
# ## 7. Coupling coordination
#
# D = sqrt(C·T) with C the ratio of geometric to arithmetic mean of the subsystem scores (the
# general form; the widely copied three-system formula peaks at 0.5 and is not used), T their
# weighted mean, and the ten classes of 廖重斌 (1999). The second system is GDP per capita,
# min-max scaled over all province-years. Between the six pillars, C is 0 whenever a pillar is
# exactly 0 (the green-factory pillar in the first year).

# %%
paper.tables[f"paper_coupling_economy_{scheme}"].round(3)

# %%
paper.tables[f"paper_coupling_pillars_{scheme}"].round(3)

# %% [markdown]
# ## 8. Centre of gravity
#
# Weighted by the score, computed in the Albers equal-area projection; the ellipse is one
# standard deviation along each principal axis (Yuill 1971). Dashed: first year; solid: last.

# %%
display(Image(filename=str(figures / "fig_paper_centre_trajectory.png"), width=700))
paper.tables["paper_centre_of_gravity"].round(3)

# %% [markdown]
# ## 9. Other weights and aggregations
#
# Standard deviation and Gini weights on the normalised scores, coefficient of variation and
# MEREC on the raw indicators (MEREC takes logarithms, so it cannot use a series with true
# zeros; the reason is printed with the findings above). The second table ranks the provinces
# in the last year under the weighted sum, the weighted geometric mean, grey relational TOPSIS
# and the Mazziotta–Pareto index.

# %%
paper.tables["paper_weights_compare"].round(4)

# %%
agg = paper.tables[f"paper_aggregation_compare_{last}"]
agg[[c for c in agg.columns if c.startswith("rank_")]].corr(method="spearman").round(3)

# %% [markdown]
# ## 10. Radar chart and the score-and-rank table

# %%
display(Image(filename=str(figures / "fig_paper_radar.png"), width=420))
paper.tables["paper_score_rank"].round(4)

# %% [markdown]
# ## 11. Geographical detector
#
# q is the share of the variance of the score explained by strata of a factor; it depends on
# the discretisation, so every rule and class count is reported. R&D intensity and the
# environmental spending share are components of the index: their q is high by construction
# and says nothing about drivers. Compare with the two-way fixed-effects driver regression of
# notebook 05.

# %%
paper.tables["paper_geodetector"].round(3)

# %%
paper.tables["paper_geodetector_vs_twfe"].round(3)

# %% [markdown]
# ## Log and provenance

# %%
write_json({"index": res.provenance, "paper": dict(paper.params)}, results / "provenance.json")
print(dict(paper.params))
print(res.summary())
