# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 Regressions (回归分析)
#
# Two questions, answered with regressions that economists can take straight into a paper:
#
# 1. **The gradient**: how large are the score gaps between regions once common year effects
#    are removed? Pooled OLS of the score on region dummies with year fixed effects (年份固定
#    效应), standard errors clustered by province.
# 2. **Drivers**: within a province over time, does the score move with income, industrial
#    structure or the size of government? Two-way fixed effects (双向固定效应: province and
#    year), clustered by province.
#
# With only 30 provinces as clusters (and 3 in the Northeast), cluster-robust t tests can
# over-reject, so every coefficient also gets a wild cluster bootstrap p-value (野自助法,
# `wildboottest`, Rademacher weights, fixed seed). Tables are written as LaTeX, Markdown and
# CSV by `gmindex.tables`.

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

import gmindex
from gmindex.datasets import load_inputs
from gmindex.index import build_index
from gmindex.io.writers import write_table
from gmindex.provinces import default_registry
from gmindex.regress import (
    COVARIATES,
    DEFAULT_DRIVERS,
    IndexComponentWarning,
    covariates_from_panel,
    driver_regression,
    gradient_regression,
    index_components,
)
from gmindex.tables import regression_table, summary_table

pd.set_option("display.width", 160)
registry = default_registry()
panel, spec = load_inputs(data_path, spec_path)
results = Path(results_dir)
results.mkdir(parents=True, exist_ok=True)
res = build_index(panel, spec, registry=registry, years=years)
years = res.options["years"]
reps = 999 if quick else 9999
seed = 20160101
print(f"gmindex {gmindex.__version__}; {res!r}; wild bootstrap: {reps} replications, seed {seed}")

# %% [markdown]
# ## Descriptive statistics
#
# The score and the provincial covariates, derived from the raw panel by
# `covariates_from_panel` (the covariates' money ratios are nominal; the index itself puts its
# physical-to-money ratios in constant 2016 prices with `gmindex.deflate`). Province-years of
# the index only.

# %%
covariates = covariates_from_panel(panel, years=years)
sample = res.scores[["code", "year", "score"]].merge(covariates, on=["code", "year"], how="left")
labels = {"score": "Index score", **{c.id: c.label for c in COVARIATES.values()}}
summary = summary_table(sample, variables=["score", *COVARIATES], labels=labels,
                        notes=[f"Province-years {years[0]}-{years[-1]}; "
                               f"{sample['code'].nunique()} provinces. Money ratios nominal."])
summary.write(results / "tab_summary_statistics")
print(summary.to_markdown())

# %% [markdown]
# ## 1. The regional gradient
#
# S(i,t) = a + sum_r b_r 1[region(i) = r] + year effects + e(i,t), with the east as the base
# region: each b_r is the average score gap of region r to the east in the same year. A
# second run with the central region as the base gives the west-central gap and its test.

# %%
gradient = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    for s in ("region4", "region3"):
        gradient[s] = gradient_regression(res.scores, scheme=s, base="east", reps=reps,
                                          seed=seed, registry=registry)
        gradient[f"{s}_base_central"] = gradient_regression(
            res.scores, scheme=s, base="central", reps=reps, seed=seed, registry=registry)
coef_rows = []
for name, r in gradient.items():
    frame = r.to_frame().assign(model=name)
    coef_rows.append(frame)
gradient_coefs = pd.concat(coef_rows, ignore_index=True)
write_table(gradient_coefs, results / "tab_gradient_regression_coefficients",
            formats=("csv", "xlsx"))
gradient_coefs[gradient_coefs["term"] != "const"].round(4)

# %% [markdown]
# What the estimates say, term by term (gap to the base region, cluster-robust p-value and
# wild bootstrap p-value):

# %%
for name, r in gradient.items():
    base = r.params["base"]
    for row in r.to_frame().itertuples():
        if row.term == "const":
            continue
        sign = "below" if row.coef < 0 else "above"
        print(f"{name:<22} {row.term:<10} {abs(row.coef):.3f} {sign} {base} "
              f"(p = {row.p:.3f}, wild p = {row.p_wild_bootstrap:.3f})")
for note in gradient["region4"].notes:
    print("note:", note)

# %% [markdown]
# The two steps of the gradient, tested: east above central (base east), and central above
# west (base central). "Significant" means both the cluster-robust and the wild bootstrap
# p-value are below 5%.

# %%
for s in ("region4", "region3"):
    steps = {
        "east > central": gradient[s].to_frame().set_index("term").loc["central"],
        "central > west": gradient[f"{s}_base_central"].to_frame().set_index("term").loc["west"],
    }
    for label, row in steps.items():
        gap = -row["coef"]
        verdict = ("significant" if row["p"] < 0.05 and row["p_wild_bootstrap"] < 0.05
                   else "not significant at 5%")
        direction = "in the expected direction" if gap > 0 else "against the expected direction"
        print(f"{s}: {label}: gap {gap:.3f} {direction}, p = {row['p']:.3f}, "
              f"wild p = {row['p_wild_bootstrap']:.3f} -> {verdict}")

# %% [markdown]
# ## 2. Drivers: two-way fixed effects
#
# S(i,t) = sum_k c_k x_k(i,t) + province effects + year effects + e(i,t). The default drivers
# are log GDP per capita, the secondary-industry share of GDP and government size (budget
# expenditure over GDP). Covariates that are themselves indicators of the index would make
# the regression partly mechanical; `index_components` finds them:

# %%
components = index_components(list(COVARIATES), spec)
print("covariates that reproduce an index indicator:", components or "none")
candidate_terms = [t for t in COVARIATES if t not in components]
extended = [*DEFAULT_DRIVERS, *[t for t in candidate_terms if t not in DEFAULT_DRIVERS]]
print("default drivers:", list(DEFAULT_DRIVERS), "; extended:", extended)

# %%
drivers = {}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", IndexComponentWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    drivers["default"] = driver_regression(res.scores, covariates, terms=list(DEFAULT_DRIVERS),
                                           spec=spec, reps=reps, seed=seed)
    if extended != list(DEFAULT_DRIVERS):
        drivers["extended"] = driver_regression(res.scores, covariates, terms=extended,
                                                spec=spec, reps=reps, seed=seed)
for w in caught:
    if issubclass(w.category, (IndexComponentWarning, UserWarning)):
        print("warning:", w.message)
driver_coefs = pd.concat([r.to_frame().assign(model=n) for n, r in drivers.items()],
                         ignore_index=True)
write_table(driver_coefs, results / "tab_driver_regression_coefficients", formats=("csv", "xlsx"))
for name, r in drivers.items():
    significant = r.to_frame().query("p < 0.1 or p_wild_bootstrap < 0.1")["term"].tolist()
    print(f"{name}: within R2 {r.r2_within:.3f}; terms significant at 10% "
          f"(cluster or wild p): {significant or 'none'}")
driver_coefs.round(4)

# %% [markdown]
# ## 3. The publication table
#
# Columns (1)-(2): gradient, NBS four regions and three belts (base: east). Columns (3)-(4):
# two-way fixed-effects drivers. Standard errors clustered by province in parentheses, wild
# cluster bootstrap p-values in brackets.

# %%
table_models = [gradient["region4"], gradient["region3"], *drivers.values()]
titles = ["Gradient (4 regions)", "Gradient (3 belts)",
          *[f"Drivers ({n})" for n in drivers]]
table = regression_table(table_models, titles=titles)
table.write(results / "tab_regressions")
print(table.to_markdown())

# %% [markdown]
# Reading the table: the region dummies measure the gradient in levels, while the
# fixed-effects columns ask whether changes within a province follow its covariates. With five
# years, the within variation of slow-moving covariates such as income or structure is small,
# so insignificant drivers mean "not identified in this window" more than "no effect". The
# Northeast dummy rests on 3 provinces: treat its p-values with caution (see the notes).
#
# ## Log and provenance

# %%
for name, r in {**gradient, **drivers}.items():
    print(f"{name}: {r.model}, n = {r.nobs}, clusters = {r.n_clusters}, params = {dict(r.params)}")
print(res.summary())
