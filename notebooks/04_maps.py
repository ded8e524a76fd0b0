# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 Maps and spatial patterns (地图与空间格局)
#
# The standard map set of the study and a test of spatial clustering:
#
# 1. spatial weights between provinces (Queen contiguity, 邻接权重) and the rule for Hainan,
#    which has no land neighbour;
# 2. global Moran's I (全局莫兰指数) by year: do similar scores sit next to each other?
# 3. local Moran / LISA clusters (局部空间自相关): high-high and low-low clusters;
# 4. the maps: the last year's scores, small multiples of every year on one shared colour
#    scale, the change over the period, the two region schemes, and the LISA clusters.
#
# Every map shows all 34 province-level units of the Tianditu 2024 standard map (review no.
# GS(2024)0650) with the South China Sea islands in an inset; units without data (Tibet in the
# default index, Taiwan, Hong Kong, Macau) are hatched grey, not left blank. Maps are written
# in English, and with `quick = False` also with Chinese labels (files ending in `_zh`).

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
from IPython.display import Image, display

import gmindex
from gmindex.datasets import load_inputs
from gmindex.index import build_index
from gmindex.figstyle import rc_params, save_figure, variant_stem
from gmindex.io.writers import write_table
from gmindex.maps import save_standard_maps
from gmindex.plots import moran_scatter
from gmindex.provinces import default_registry
from gmindex.spatial import contiguity_weights, lisa_clusters, morans_i_by_year

pd.set_option("display.width", 160)
# tqdm (pulled in by the spatial stack) warns about missing Jupyter widgets; nothing uses them.
warnings.filterwarnings("ignore", message="IProgress not found")
# The package figure style (Type 42 fonts, journal sizes, a CJK fallback font).
plt.rcParams.update(rc_params("en", "double"))
registry = default_registry()
panel, spec = load_inputs(data_path, spec_path)
results = Path(results_dir)
figures = Path(figures_dir)
res = build_index(panel, spec, registry=registry, years=years)
years = res.options["years"]
first, last = years[0], years[-1]
permutations = 199 if quick else 9999
seed = 20160101
print(f"gmindex {gmindex.__version__}; {res!r}; {permutations} permutations, seed {seed}")

# %% [markdown]
# ## 1. Spatial weights
#
# Two provinces are neighbours when their boundaries touch (Queen contiguity); weights are
# row-standardised, so a province's spatial lag is the mean score of its neighbours. Only the
# provinces in the index enter. Hainan is linked to Guangdong across the Qiongzhou Strait
# (琼州海峡), the usual choice in the Chinese regional literature; `hainan="knn"` would link it
# to its nearest province instead.

# %%
sw = contiguity_weights(sorted(res.scores["code"].unique()), hainan="guangdong")
n_links = sum(len(v) for v in sw.neighbors.values()) // 2
print(f"{sw.n} provinces, {n_links} neighbour pairs, {sw.n_components} connected component(s); "
      f"island rule {sw.hainan!r}: {dict(sw.islands_fixed)}; still isolated: {list(sw.islands)}")
neighbours = pd.DataFrame({"code": list(sw.neighbors), "neighbours": [len(v) for v in sw.neighbors.values()]})
neighbours.insert(1, "name", neighbours["code"].map(registry.labels("en")))
neighbours.sort_values("neighbours").head(5)

# %% [markdown]
# ## 2. Global Moran's I by year
#
# I > E[I] = -1/(n-1) means provinces with similar scores cluster in space. The permutation
# p-value (`p_sim`) reshuffles the scores over the map; it is seeded, so reruns agree.

# %%
moran = morans_i_by_year(res.scores, w=sw, permutations=permutations, seed=seed)
write_table(moran, results / "tab_morans_i", formats=("csv", "xlsx"))
for row in moran.itertuples():
    verdict = ("significant positive clustering" if row.I > row.E_I and row.p_sim < 0.05
               else "no significant clustering at 5%")
    print(f"{row.year}: I = {row.I:.3f} (E[I] = {row.E_I:.3f}), permutation p = {row.p_sim:.3f}"
          f" -> {verdict}")
moran.round(4)

# %% [markdown]
# ## 3. LISA clusters
#
# Local Moran's I for each province: high-high (高-高) is a high score among high neighbours,
# low-low (低-低) a low score among low neighbours; high-low and low-high are outliers.
# Significance by conditional permutation at 5%; with 30 units and many local tests, read
# single clusters with care.

# %%
lisa = pd.concat([lisa_clusters(res.scores, year=y, w=sw, permutations=permutations, seed=seed)
                  for y in (first, last)], ignore_index=True)
lisa.insert(1, "name", lisa["code"].map(registry.labels("en")))
write_table(lisa, results / "tab_lisa_clusters", formats=("csv", "xlsx"))
counts = lisa.pivot_table(index="cluster", columns="year", values="code", aggfunc="count",
                          fill_value=0)
print(counts.to_string())
lisa[lisa["cluster"] != "ns"][["year", "code", "name", "value", "lag", "p_sim", "cluster"]].round(3)

# %% [markdown]
# The Moran scatterplot of the last year: each province's standardised score against the mean
# of its neighbours; the slope of the fitted line is Moran's I.

# %%
last_lisa = lisa[lisa["year"] == last]
moran_last = moran.set_index("year").loc[last]
# Moran's I and its permutation p-value in the legend; names placed so none overlaps.
# In English and Chinese, at double (180 mm) and single (88 mm) column width.
for width in ("double", "single"):
    for lang in ("en", "zh"):
        ax = moran_scatter(last_lisa, moran_i=moran_last["I"], p_value=moran_last["p_sim"],
                           permutations=permutations, lang=lang, width=width,
                           names=registry.labels(lang).to_dict())
        save_figure(ax.figure, variant_stem(figures / f"fig_moran_scatter_{last}", width),
                    lang=lang)
plt.show()

# %% [markdown]
# ## 4. The standard map set
#
# `gmindex.maps.save_standard_maps` draws and saves the maps (PNG at 300 dpi and PDF) with a
# single classification shared by every panel of the small multiples, so colours compare
# across years. The LISA map is the last year's.

# %%
lisa_last_map = last_lisa[["code", "year", "cluster"]]
# The LISA map states its significance level, permutations and weights in the legend.
lisa_method = {"alpha": 0.05, "permutations": permutations}
# English and Chinese at double and single column width; quick mode draws the English
# double-width set only.
weights = {"en": "queen contiguity, Hainan linked to Guangdong", "zh": "Queen 邻接，海南与广东相连"}
written = []
for width in ("double",) if quick else ("double", "single"):
    for lang in ("en",) if quick else ("en", "zh"):
        written += save_standard_maps(res, figures, lisa=lisa_last_map, lang=lang, width=width,
                                      formats=("png", "pdf", "svg"), weights=weights[lang],
                                      **lisa_method)
maps_png = [p for p in written if p.suffix == ".png"]
print(f"{len(written)} files written:", ", ".join(p.name for p in maps_png))

# %% [markdown]
# The index in the last year:

# %%
display(Image(filename=str(figures / f"map_score_{last}.png"), width=700))

# %% [markdown]
# Every year on one colour scale:

# %%
display(Image(filename=str(figures / "map_score_years.png"), width=700))

# %% [markdown]
# The change over the period:

# %%
display(Image(filename=str(figures / f"map_score_change_{first}_{last}.png"), width=700))

# %% [markdown]
# The two region schemes used throughout, and the LISA clusters of the last year:

# %%
display(Image(filename=str(figures / "map_regions.png"), width=700))
display(Image(filename=str(figures / f"map_lisa_{last}.png"), width=700))

# %% [markdown]
# ## Log and provenance

# %%
print(f"spatial weights: queen contiguity, island rule {sw.hainan}, fixed {dict(sw.islands_fixed)}")
print(res.summary())
