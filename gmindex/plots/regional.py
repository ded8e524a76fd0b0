"""Study figures of the regional gradient: regional mean scores, score change by pillar.

Regions carry their one name and colour (:mod:`gmindex.figstyle`), pillars
their spec name and colour; text is English (``lang="en"``) or Chinese
(``lang="zh"``); no title is drawn.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> demo = pd.DataFrame({"region": ["east", "east", "national", "national"],
...                      "year": [2016, 2020, 2016, 2020], "n": [10, 10, 31, 31],
...                      "mean": [0.4, 0.6, 0.3, 0.5]})  # demo values
>>> ax = regional_means_plot(demo, scheme="region4", lang="zh")
>>> [t.get_text() for t in ax.get_legend().get_texts()]
['东部', '全国']
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import seaborn as sns

from gmindex.figstyle import (
    apply_font,
    new_figure,
    pillar_colors,
    pillar_names,
    region_colors,
    region_name,
    small_group_note,
    styled,
    text,
)

__all__ = ["pillar_change_plot", "regional_means_plot"]

_WORDS = {
    "en": {"mean": "Mean score", "pillar": "Pillar",
           "change": "Change in mean score {first}–{last}, by pillar contribution"},
    "zh": {"mean": "平均得分", "pillar": "维度",
           "change": "{first}–{last}年平均得分变化（按维度贡献分解）"},
}



@styled
def regional_means_plot(means: pd.DataFrame, *, scheme: str = "region4", column: str = "mean",
                        panel_label: bool = True, ax: Any = None, lang: str = "en",
                        width: str = "double") -> Any:
    """Mean score by region and year, national mean dashed, one scheme per axes.

    Parameters
    ----------
    means : DataFrame
        ``region``, ``year``, ``column`` and optionally ``n`` (as
        :func:`gmindex.regional.regional_means`); rows of other schemes are
        dropped when a ``scheme`` column is present.
    scheme : str
        Region scheme (names the panel in its corner).
    column : str
        ``"mean"`` or ``"weighted_mean"``.

    Returns
    -------
    Axes
    """
    if "scheme" in means.columns:
        means = means[means["scheme"] == scheme]
    if ax is None:
        _, ax = new_figure(width, lang=lang, aspect=0.55)
    regions = list(dict.fromkeys(means["region"]))
    colours = region_colors(scheme, regions=regions)
    for region in regions:
        block = means[means["region"] == region].sort_values("year")
        ax.plot(block["year"], block[column], marker="o", ms=3.5, color=colours[region],
                ls="--" if region == "national" else "-", label=region_name(region, lang),
                gid=f"means-{region}")
    years = sorted(means["year"].unique())
    ax.set_xticks(years)
    ax.set_xlabel(text("year", lang))
    ax.set_ylabel(_WORDS[lang]["mean"])
    if panel_label:
        ax.text(0.99, 0.02, region_name(scheme, lang), transform=ax.transAxes, ha="right",
                va="bottom", gid="panel-label")
    ax.legend(loc="upper left", frameon=False)
    if "n" in means.columns:
        sizes = means[means["region"] != "national"].groupby("region", sort=False)["n"].max()
        small_group_note(ax, {str(r): int(n) for r, n in sizes.items()}, lang,
                         loc=(0.99, 0.12))
        for t in ax.texts:
            if t.get_gid() == "small-group-note":
                t.set_ha("right")
                t.set_va("bottom")
    sns.despine(ax=ax)
    apply_font(ax, lang)
    return ax


@styled
def pillar_change_plot(change: pd.DataFrame, spec: Any, *, first: int, last: int,
                       ax: Any = None, lang: str = "en", width: str = "double") -> Any:
    """Change in the mean score by region (rows), stacked by pillar contribution.

    Parameters
    ----------
    change : DataFrame
        Index: region keys (``"national"`` allowed); columns: pillar ids;
        values: change of the mean pillar contribution between ``first`` and ``last``.
    spec : Spec
        Pillar names and colours.
    first, last : int
        Years, for the axis label.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> demo = pd.DataFrame({"energy": [0.05, 0.02], "innovation": [0.03, -0.01]},
    ...                     index=["east", "national"])  # demo values
    >>> ax = pillar_change_plot(demo, ["energy", "innovation"], first=2016, last=2020)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['East', 'National']
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    import numpy as np

    own_figure = ax is None
    if own_figure:
        _, ax = new_figure(width, lang=lang, aspect=0.45 if width == "double" else 0.9)
    colours = pillar_colors(spec)
    names = pillar_names(spec, lang)
    cols = [p for p in colours if p in change.columns]
    y = np.arange(len(change))
    pos = np.zeros(len(change))
    neg = np.zeros(len(change))
    for p in cols:
        v = change[p].fillna(0).to_numpy(dtype=float)
        base = np.where(v >= 0, pos, neg)
        ax.barh(y, v, left=base, color=colours[p], label=names[p], height=0.7,
                gid=f"change-{p}")
        pos += np.where(v >= 0, v, 0)
        neg += np.where(v < 0, v, 0)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_yticks(y, [region_name(r, lang) for r in change.index])
    ax.set_ylim(len(change) - 0.5, -0.5)
    ax.set_xlabel(_WORDS[lang]["change"].format(first=first, last=last))
    if own_figure and width == "single":
        # A column is too narrow for a legend beside the bars: put it below them.
        handles, labels = ax.get_legend_handles_labels()
        ax.figure.legend(handles, labels, frameon=False, loc="outside lower center",
                         title=_WORDS[lang]["pillar"])
    else:
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  title=_WORDS[lang]["pillar"])
    sns.despine(ax=ax)
    apply_font(ax, lang)
    return ax
