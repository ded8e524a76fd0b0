"""Study figures of data coverage, spatial association and robustness.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> present = pd.DataFrame({2019: [31, 30], 2020: [31, 0]}, index=["gdp_100m_yuan", "co2_mt"])
>>> ax = coverage_heatmap(present, total=31)
>>> [t.get_text() for t in ax.texts]  # the missing counts, as coloured
['1', '31']
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gmindex.figstyle import (
    FONT_SIZES,
    font_family,
    new_figure,
    region_name,
    styled,
    text,
)
from gmindex.plots.checks import place_labels

__all__ = ["LISA_COLOURS", "coverage_heatmap", "moran_scatter", "orderings_plot"]

#: LISA cluster colours, shared with :func:`gmindex.maps.lisa_map`.
LISA_COLOURS = {"HH": "#ca0020", "LL": "#0571b0", "HL": "#f4a582", "LH": "#92c5de",
                "ns": "#bdbdbd"}
_LISA_WORDS = {
    "en": {"HH": "High–high", "LL": "Low–low", "HL": "High–low", "LH": "Low–high",
           "ns": "Not significant"},
    "zh": {"HH": "高–高", "LL": "低–低", "HL": "高–低", "LH": "低–高", "ns": "不显著"},
}


def _humanise(identifier: str) -> str:
    words = str(identifier).replace("_", " ")
    return words[:1].upper() + words[1:]


@styled
def coverage_heatmap(present: pd.DataFrame, *, total: int, labels: Mapping[str, str] | None = None,
                     unit_word: str | None = None, ax: Any = None, lang: str = "en",
                     width: str = "double") -> Any:
    """Heat map of MISSING values: the colour and the number in a cell count the same thing.

    Parameters
    ----------
    present : DataFrame
        Rows (series or provinces) by years, holding the number of units
        (or series) WITH a value, e.g. ``coverage_table(...)`` without
        ``missing_units``.
    total : int
        The complete count (31 provinces, or the number of series read).
    labels : mapping row -> display name, optional
        Default: the row ids with underscores as spaces.
    unit_word : str, optional
        What is counted (default "provinces" / "省份").

    Returns
    -------
    Axes
        Cells with nothing missing stay white and unnumbered; the colour bar
        is labelled with what the numbers count.
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib import colormaps

    missing = (int(total) - present.astype(int)).clip(lower=0)
    if (present.astype(int) > int(total)).to_numpy().any():
        raise ValueError(f"counts above total={total}; pass the complete count as total")
    n_rows = len(missing)
    if ax is None:
        _, ax = new_figure(width, lang=lang, height_mm=min(230.0, 12 + 3.6 * n_rows))
    reds = colormaps["Reds"]
    colours = ["#ffffff"] + [reds(0.2 + 0.75 * i / max(1, total - 1)) for i in range(total)]
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(-0.5, total + 1.5), cmap.N)
    mesh = ax.pcolormesh(missing.to_numpy(), cmap=cmap, norm=norm, edgecolors="0.85",
                         linewidth=0.4)
    mesh.set_gid("coverage-cells")
    for (i, j), v in np.ndenumerate(missing.to_numpy()):
        if v:
            ax.text(j + 0.5, i + 0.5, str(int(v)), ha="center", va="center",
                    color="white" if v > total / 2 else "#1a1a1a", fontsize=5.5,
                    fontfamily=font_family(lang), gid="coverage-number")
    ax.set_xticks(np.arange(missing.shape[1]) + 0.5, [str(c) for c in missing.columns])
    names = [(labels or {}).get(str(r), _humanise(r)) for r in missing.index]
    ax.set_yticks(np.arange(n_rows) + 0.5, names)
    ax.set_xlim(0, missing.shape[1])
    ax.set_ylim(n_rows, 0)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel(text("year", lang))
    word = unit_word or ("provinces" if lang == "en" else "省份")
    cbar = ax.figure.colorbar(mesh, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label(f"Number of {word} missing (of {total})" if lang == "en"
                   else f"缺失{word}数（共 {total}）", fontfamily=font_family(lang))
    cbar.ax.set_gid("coverage-colorbar")
    step = max(1, total // 6)
    cbar.set_ticks(list(range(0, total + 1, step)))
    for t in [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label]:
        t.set_fontfamily(font_family(lang))
    ax.gmindex_missing = missing  # the values drawn, for tests
    return ax


@styled
def moran_scatter(lisa: pd.DataFrame, *, moran_i: float, p_value: float,
                  permutations: int | None = None, names: Mapping[str, str] | None = None,
                  label: str = "clusters", alpha: float = 0.05, ax: Any = None,
                  lang: str = "en",
                  width: str = "single") -> Any:
    """Moran scatterplot: standardised score against its spatial lag, LISA clusters coloured.

    Parameters
    ----------
    lisa : DataFrame
        One year of :func:`gmindex.spatial.lisa_clusters` (``code, z, lag,
        cluster``).
    moran_i, p_value : float
        Global Moran's I and its p-value, written in the plot (both, always).
    permutations : int, optional
        Permutations behind ``p_value`` (stated next to it).
    names : mapping code -> name, optional
        Default: registry names in ``lang``.
    alpha : float
        Significance level the LISA clusters were labelled with (stated).
    label : {"clusters", "all", "none"}
        Which provinces are named (clusters = significant LISA units and
        |z| > 2).  Names are placed so that none overlaps another or a point.

    Returns
    -------
    Axes
    """
    from gmindex.provinces import default_registry

    own = ax is None
    if ax is None:  # square in one column; flatter across the page
        _, ax = new_figure(width, lang=lang, aspect=1.0 if width == "single" else 0.62)
    if names is None:
        names = default_registry().labels(lang).to_dict()
    z = lisa["z"].to_numpy(float)
    lag = lisa["lag"].to_numpy(float)
    slope, intercept = np.polyfit(z, lag, 1)
    xs = np.array([z.min(), z.max()])
    ax.axhline(0, color="0.8", lw=0.6, zorder=0)
    ax.axvline(0, color="0.8", lw=0.6, zorder=0)
    ax.plot(xs, intercept + slope * xs, color="0.4", lw=0.9, gid="moran-fit")
    ax.margins(x=0.12, y=0.12)  # room for names at the edges
    words = _LISA_WORDS[lang]
    for cat in ("HH", "LL", "HL", "LH", "ns"):
        sel = lisa["cluster"] == cat
        if sel.any():
            ax.scatter(z[sel], lag[sel], s=14, color=LISA_COLOURS[cat], edgecolor="0.2",
                       linewidth=0.3, label=f"{words[cat]} ({int(sel.sum())})", zorder=3)
    if label == "all":
        pick = np.ones(len(lisa), bool)
    elif label == "clusters":
        pick = ((lisa["cluster"] != "ns") | (lisa["z"].abs() > 2)).to_numpy()
    else:
        pick = np.zeros(len(lisa), bool)
    perm = f", {permutations} permutations" if permutations and lang == "en" else (
        f"，{permutations} 次置换" if permutations else "")
    stat = f"Moran's I = {moran_i:.3f} (p = {p_value:.3f}{perm})" if lang == "en" else \
        f"Moran's I = {moran_i:.3f}（p = {p_value:.3f}{perm}）"
    ax.set_xlabel("Standardised score" if lang == "en" else "标准化得分",
                  fontfamily=font_family(lang))
    ax.set_ylabel("Spatial lag (neighbours' mean)" if lang == "en" else "空间滞后（邻居均值）",
                  fontfamily=font_family(lang))
    # Legend above the plot area: the names need the whole plot area.
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=3, borderaxespad=0.0,
              columnspacing=0.8, handletextpad=0.2,
              prop={"family": font_family(lang), "size": FONT_SIZES[width]["legend"]},
              title=stat + (f"\nLISA clusters (p < {alpha:g})" if lang == "en"
                            else f"\nLISA 集聚类型（p < {alpha:g}）"),
              title_fontproperties={"family": font_family(lang),
                                    "size": FONT_SIZES[width]["legend"]})
    # Names go last, once the layout has settled, and the layout is then
    # frozen: a later constrained-layout pass would shrink the axes and pull
    # the points (not the text) together, making names overlap again.
    ax.figure.canvas.draw()
    if own:
        ax.figure.set_layout_engine("none")
    codes = lisa["code"].astype(str).to_numpy()
    place_labels(ax, z[pick], lag[pick], [names.get(c, c) for c in codes[pick]],
                 others=(z[~pick], lag[~pick]), avoid=[ax.get_legend()],
                 fontsize=FONT_SIZES[width]["legend"],
                 fontfamily=font_family(lang), color="#1a1a1a")
    return ax


@styled
def orderings_plot(orderings: pd.DataFrame, *, scheme: str, shown: list[str] | None = None,
                   ax: Any = None, lang: str = "en", width: str = "single") -> Any:
    """Share of method draws in which each regional ordering holds, by year.

    Lines that coincide (e.g. "east > central > west" and "central > west"
    when east > central always holds) are drawn with distinct markers and a
    small horizontal offset per ordering, so no line hides another.

    Parameters
    ----------
    orderings : DataFrame
        ``scheme, ordering, year, share`` (the Monte Carlo orderings table).
    scheme : str
        Region scheme shown (one panel per scheme: call once per axes).
    shown : list of str, optional
        Orderings to draw, default all of the scheme in table order.

    Returns
    -------
    Axes
    """
    if ax is None:
        _, ax = new_figure(width, lang=lang, aspect=0.75)
    part = orderings[orderings["scheme"] == scheme]
    shown = shown or list(dict.fromkeys(part["ordering"]))
    shown = [o for o in shown if o in set(part["ordering"])]
    markers = ["o", "s", "^", "D", "v", "P", "X"]
    styles = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1))]
    n = len(shown)
    offsets = np.linspace(-0.12, 0.12, n) if n > 1 else [0.0]
    colours = ["#1a1a1a", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    for i, o in enumerate(shown):
        block = part[part["ordering"] == o].sort_values("year")
        ax.plot(block["year"] + offsets[i], block["share"], marker=markers[i % len(markers)],
                ls=styles[i % len(styles)], color=colours[i % len(colours)],
                lw=1.6 if o.count(">") == 2 else 0.9, ms=3.2, label=_ordering_label(o, lang),
                gid=f"ordering-{i}", zorder=3 + (n - i))
    ax.set_ylim(-0.03, 1.03)
    ax.set_xticks(sorted(part["year"].unique()))
    ax.set_ylabel("Share of draws in which it holds" if lang == "en" else "成立的抽样比例",
                  fontfamily=font_family(lang))
    ax.set_xlabel(text("year", lang), fontfamily=font_family(lang))
    # "best": the place covering the fewest points (shares sit near 0 or 1 at either end).
    ax.legend(loc="best", prop={"family": font_family(lang), "size": 5.5},
              title=region_name(scheme, lang),
              title_fontproperties={"family": font_family(lang), "size": 5.5})
    return ax


def _ordering_label(ordering: str, lang: str) -> str:
    """Ordering in display names: "east > central" becomes "East > Central" (东部 > 中部)."""
    return " > ".join(region_name(p.strip(), lang) for p in ordering.split(">"))
