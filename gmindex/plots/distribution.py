"""Study figures of the score distribution: kernel densities, dispersion, changes by region.

Every function takes an optional ``ax`` (or draws a new figure of the
package style, :mod:`gmindex.figstyle`) and returns it; regions carry their
one name and colour; groups with fewer than :data:`gmindex.figstyle.MIN_GROUP`
provinces get a warning drawn on the figure.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from gmindex.density import kde_by_group
>>> demo = pd.DataFrame({"code": ["11", "12", "13", "14", "15"], "year": 2020,
...                      "score": [0.2, 0.3, 0.35, 0.5, 0.6]})  # demo values
>>> ax = kde_plot(kde_by_group(demo, grid=50))
>>> ax.get_xlabel()
'Score'
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from gmindex.figstyle import (
    apply_font,
    MIN_GROUP,
    font_family,
    new_figure,
    region_colors,
    region_name,
    small_group_note,
    styled,
    text,
)

__all__ = ["change_box_plot", "kde_by_region_plot", "kde_plot", "sigma_plot"]

#: A density curve ending above this share of its peak is "cut" (a clipped grid).
CUT_SHARE = 0.02


def _ax(ax: Any, lang: str, width: str, **kw: Any) -> Any:
    if ax is not None:
        return ax
    _, ax = new_figure(width, lang=lang, **kw)
    return ax



def _check_not_cut(block: pd.DataFrame, what: str) -> None:
    d = block["density"].to_numpy(dtype=float)
    if d.size and np.nanmax(d) > 0:
        ends = max(d[0], d[-1]) / np.nanmax(d)
        if ends > CUT_SHARE:
            warnings.warn(
                f"the density of {what} is cut at the grid's end ({ends:.0%} of its peak); "
                "compute it without clip= (kde_by_group's default grid runs 3 bandwidths "
                "past the data) so the curve reaches zero",
                UserWarning, stacklevel=3,
            )


@styled
def kde_plot(kde: pd.DataFrame, *, hue: str = "year", ax: Any = None, lang: str = "en",
             width: str = "double", cmap: str = "viridis") -> Any:
    """Kernel density curves, one per ``hue`` group (by default one per year).

    Parameters
    ----------
    kde : DataFrame
        Output of :func:`gmindex.density.kde_by_group` (``x``, ``density``,
        ``n`` and the group column ``hue``).  Compute it without ``clip=`` so
        every curve falls to zero at both ends; a cut curve raises a warning.
    hue : str
        Group column.
    ax, lang, width
        Axes to draw in; language; printed width of a new figure.
    cmap : str
        Sequential colour map for ordered groups such as years.

    Returns
    -------
    Axes
    """
    from matplotlib import colormaps

    ax = _ax(ax, lang, width)
    groups = list(dict.fromkeys(kde[hue]))
    cm = colormaps[cmap]
    for i, g in enumerate(groups):
        block = kde[kde[hue] == g].dropna(subset=["density"])
        if block.empty:
            continue
        _check_not_cut(block, f"{hue} {g}")
        ax.plot(block["x"], block["density"], color=cm(0.1 + 0.8 * i / max(1, len(groups) - 1)),
                label=str(g), gid=f"kde-{g}")
    ax.set_xlabel(text("score", lang))
    ax.set_ylabel(text("density", lang))
    ax.set_ylim(bottom=0)
    # Show the range where some curve is above 0.5% of its peak: every curve
    # is seen falling to zero, without a long empty tail.
    shown = kde.dropna(subset=["density"])
    peak = shown.groupby(hue)["density"].transform("max")
    body = shown.loc[shown["density"] > 0.005 * peak, "x"]
    if len(body):
        pad = 0.03 * float(body.max() - body.min())
        ax.set_xlim(float(body.min()) - pad, float(body.max()) + pad)
    ax.legend(title=text(hue, lang) if hue in ("year", "region") else hue, loc="upper right")
    sizes = kde.groupby(hue, sort=False)["n"].max()
    small_group_note(ax, {str(g): int(n) for g, n in sizes.items()}, lang,
                     names={str(g): str(g) for g in sizes.index})
    apply_font(ax, lang)
    return ax


@styled
def kde_by_region_plot(kde: pd.DataFrame, *, scheme: str = "region4", registry: Any = None,
                       lang: str = "en", width: str = "double", fig: Any = None) -> Any:
    """One panel per region: the yearly density curves of its provinces.

    Panels of regions with fewer than ``MIN_GROUP`` provinces carry a
    warning (the Northeast has three).  Panel labels name the region and n;
    there is no figure title.

    Returns
    -------
    Figure
    """
    from gmindex.provinces import default_registry

    reg = registry if registry is not None else default_registry()
    order = [r for r in reg.region_order(scheme) if r in set(kde["region"])]
    # One column of panels at single width, so each panel keeps a full column for its texts.
    ncols = 2 if width == "double" else 1
    nrows = -(-len(order) // ncols)
    if fig is None:
        fig, axes = new_figure(width, lang=lang, nrows=nrows, ncols=ncols,
                               aspect=(0.3 if ncols == 2 else 0.5) * nrows + 0.1, sharex=True)
    else:
        axes = fig.subplots(nrows, ncols, sharex=True)
    axes = np.atleast_1d(axes).ravel()
    for ax, region in zip(axes, order):
        block = kde[kde["region"] == region]
        kde_plot(block, hue="year", ax=ax, lang=lang, width=width)
        n = int(block["n"].max())
        ax.text(0.01, 0.99 if n >= MIN_GROUP else 0.88,
                f"{region_name(region, lang)} ({text('n_units', lang, n=n)})",
                transform=ax.transAxes, ha="left", va="top", fontweight="bold",
                fontfamily=font_family(lang), color=region_colors(regions=[region])[region],
                gid=f"panel-{region}")
        # The per-panel note from kde_plot names years; replace it with the region's.
        for t in list(ax.texts):
            if t.get_gid() == "small-group-note":
                t.remove()
        small_group_note(ax, {region: n}, lang)
        if ax is not axes[0]:
            leg = ax.get_legend()
            if leg is not None:
                leg.remove()
    for ax in axes[len(order):]:
        ax.set_visible(False)
    # One x range for all panels (they share the axis): every curve's body.
    shown = kde.dropna(subset=["density"])
    peak = shown.groupby(["region", "year"])["density"].transform("max")
    body = shown.loc[shown["density"] > 0.005 * peak, "x"]
    if len(body):
        pad = 0.03 * float(body.max() - body.min())
        axes[0].set_xlim(float(body.min()) - pad, float(body.max()) + pad)
    return fig


@styled
def sigma_plot(by_year: pd.DataFrame, *, measure: str = "cv", ax: Any = None, lang: str = "en",
               width: str = "double") -> Any:
    """Dispersion of scores over time by region (sigma convergence), national dashed.

    Parameters
    ----------
    by_year : DataFrame
        ``sigma_convergence(...).by_year``: ``region, year, n`` and ``measure``.
    measure : {"cv", "std", "std_log"}

    Returns
    -------
    Axes
    """
    ax = _ax(ax, lang, width)
    regions = list(dict.fromkeys(by_year["region"]))
    colours = region_colors(regions=regions)
    for region in regions:
        block = by_year[by_year["region"] == region]
        ax.plot(block["year"], block[measure], marker="o", color=colours[region],
                ls="--" if region == "national" else "-", label=region_name(region, lang),
                gid=f"sigma-{region}")
    labels = {"cv": ("Coefficient of variation", "变异系数"),
              "std": ("Standard deviation", "标准差"),
              "std_log": ("Standard deviation of log score", "对数得分标准差")}
    en, zh = labels.get(measure, (measure, measure))
    ax.set_ylabel(zh if lang == "zh" else en)
    ax.set_xlabel(text("year", lang))
    ax.set_xticks(sorted(by_year["year"].unique()))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    sizes = by_year[by_year["region"] != "national"].groupby("region", sort=False)["n"].min()
    note = small_group_note(ax, sizes.to_dict(), lang, loc=(1.02, 0.02))
    if note is not None:  # under the legend, outside the plot area
        note.set_va("bottom")
        note.set_wrap(True)
    apply_font(ax, lang)
    return ax


@styled
def change_box_plot(growth: pd.DataFrame, *, scheme: str = "region4", registry: Any = None,
                    value: str = "change", ax: Any = None, lang: str = "en",
                    width: str = "double") -> Any:
    """Box plot of the provinces' score change by region, each province a dot.

    Parameters
    ----------
    growth : DataFrame
        ``code, region`` and ``value`` (e.g. ``add_region(growth(...))``).

    Returns
    -------
    Axes
    """
    import seaborn as sns

    from gmindex.provinces import default_registry

    ax = _ax(ax, lang, width)
    reg = registry if registry is not None else default_registry()
    order = [r for r in reg.region_order(scheme) if r in set(growth["region"])]
    colours = region_colors(regions=order)
    sns.boxplot(data=growth, x="region", y=value, order=order, color="0.92", ax=ax,
                showfliers=False, width=0.5, linewidth=0.7)
    # swarmplot places the dots deterministically (stripplot's jitter is random).
    sns.swarmplot(data=growth, x="region", y=value, order=order, hue="region",
                  palette=colours, ax=ax, size=3.5, legend=False)
    ax.axhline(0, color="0.6", lw=0.6)
    ax.set_xticks(range(len(order)))
    sizes = growth.groupby("region")[value].count()
    ax.set_xticklabels([f"{region_name(r, lang)}\n({text('n_units', lang, n=int(sizes[r]))})"
                        for r in order])
    ax.set_xlabel("")
    ax.set_ylabel(text("change", lang))
    small_group_note(ax, {r: int(sizes[r]) for r in order}, lang)
    apply_font(ax, lang)
    return ax
