"""Study figures of the index itself: weights, scores, pillar contributions, rank comparison.

Every function takes an optional ``ax`` (or draws a new figure of the
package style, :mod:`gmindex.figstyle`) and returns it; provinces are named
by the registry, pillars and regions by their one name and colour, in
English (``lang="en"``) or Chinese (``lang="zh"``).  No title is drawn: the
caption (:mod:`gmindex.captions`) goes beside the figure.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> demo = pd.DataFrame({"code": ["11", "12", "11", "12"], "year": [2016, 2016, 2020, 2020],
...                      "score": [0.3, 0.2, 0.5, 0.4]})  # demo values
>>> ax = scores_first_last_plot(demo, first=2016, last=2020, lang="zh")
>>> [t.get_text() for t in ax.get_yticklabels()]
['天津', '北京']
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns

from gmindex.figstyle import (
    apply_font,
    new_figure,
    pillar_colors,
    pillar_names,
    region_colors,
    region_name,
    styled,
    text,
)
from gmindex.plots.weights import indicator_names, wrap_name

__all__ = ["pillar_contributions_plot", "rank_comparison_plot", "scores_first_last_plot",
           "weights_bar_plot"]

_WORDS = {
    "en": {"flagged": "flagged", "pillar": "Pillar", "weighted_sum": "Weighted sum",
           "topsis": "TOPSIS", "entropy_weight": "Entropy weight (share of the index)",
           "score01": "Index score (0–1)"},
    "zh": {"flagged": "预警", "pillar": "维度", "weighted_sum": "加权求和",
           "topsis": "TOPSIS", "entropy_weight": "熵值法权重（占指数的份额）",
           "score01": "指数得分（0–1）"},
}


def _registry(registry: Any) -> Any:
    if registry is None:
        from gmindex.provinces import default_registry

        return default_registry()
    return registry



def _height(n: int, per_row_mm: float, extra_mm: float) -> float:
    return per_row_mm * n + extra_mm


@styled
def weights_bar_plot(weights: pd.DataFrame, spec: Any, *, flag_share: float | None = None,
                     ax: Any = None, lang: str = "en", width: str = "double") -> Any:
    """Indicator weights as horizontal bars in their pillar's colour, flagged ones marked.

    Parameters
    ----------
    weights : DataFrame
        Columns ``indicator``, ``pillar``, ``weight`` and optionally
        ``flagged`` (as ``IndexResult.weights``).
    spec : Spec
        Gives the indicator and pillar names (``name_en`` / ``name_zh``).
    flag_share : float, optional
        Draw the flag threshold as a dashed line (default ``spec.flag_weight_share``).

    Returns
    -------
    Axes
    """
    order = weights.sort_values("weight")
    # At single width the legend goes below the bars (the labels take half the column).
    legend_below = ax is None and width == "single"
    if ax is None:
        extra = 30.0 + (4.0 * len(set(order["pillar"])) + 6.0 if legend_below else 0.0)
        _, ax = new_figure(width, lang=lang, height_mm=_height(len(order), 9.0, extra))
    words = _WORDS[lang]
    colours = pillar_colors(spec)
    pnames = pillar_names(spec, lang)
    inames = indicator_names(spec, lang)
    labels = [wrap_name(inames.get(i, i), lang) for i in order["indicator"]]
    ypos = np.arange(len(order))
    ax.barh(ypos, order["weight"], color=[colours.get(p, "#4D4D4D") for p in order["pillar"]],
            gid="weights-bars")
    flagged = order["flagged"] if "flagged" in order else pd.Series(False, index=order.index)
    for y, (w, flag) in enumerate(zip(order["weight"], flagged)):
        ax.text(w + 0.004, y, f"{w:.1%}" + (f"  {words['flagged']}" if flag else ""),
                va="center", fontsize="small", gid="weight-value")
    share = getattr(spec, "flag_weight_share", None) if flag_share is None else flag_share
    xmax = order["weight"].max() * 1.35
    if share:
        ax.axvline(share, color="0.3", ls="--", lw=0.8, gid="flag-threshold")
        xmax = max(xmax, share * 1.1)
    ax.set_xlim(0, xmax)
    ax.set_yticks(ypos, labels)
    ax.set_ylim(-0.6, len(order) - 0.4)
    from matplotlib.patches import Rectangle

    shown = [p for p in colours if p in set(order["pillar"])]
    handles = [Rectangle((0, 0), 1, 1, color=colours[p]) for p in shown]
    if legend_below:
        ax.figure.legend(handles, [pnames[p] for p in shown], title=words["pillar"],
                         frameon=False, loc="outside lower center")
    else:
        ax.legend(handles, [pnames[p] for p in shown], title=words["pillar"], frameon=False,
                  loc="lower right")
    ax.set_xlabel(words["entropy_weight"])
    sns.despine(ax=ax)
    apply_font(ax, lang)
    return ax


def _wide(scores: pd.DataFrame) -> pd.DataFrame:
    return scores.pivot(index="code", columns="year", values="score")


@styled
def scores_first_last_plot(scores: pd.DataFrame, *, first: int | None = None,
                           last: int | None = None, scheme: str = "region4",
                           registry: Any = None, ax: Any = None, lang: str = "en",
                           width: str = "double") -> Any:
    """Score of each province in the first (open dot) and last year (region-coloured dot).

    Provinces are sorted by the last year's score, highest at the top.

    Parameters
    ----------
    scores : DataFrame
        Long scores with ``code``, ``year``, ``score``.
    first, last : int, optional
        Years compared (default: the first and last in ``scores``).
    scheme : str
        Region scheme of the colours.

    Returns
    -------
    Axes
    """
    reg = _registry(registry)
    years = sorted(scores["year"].unique())
    first = years[0] if first is None else first
    last = years[-1] if last is None else last
    wide = _wide(scores).sort_values(last)
    if ax is None:
        _, ax = new_figure(width, lang=lang, height_mm=_height(len(wide), 5.0, 30.0))
    regions = reg.regions(scheme)
    colours = region_colors(scheme, reg)
    ypos = np.arange(len(wide))
    ax.hlines(ypos, wide[first], wide[last], color="0.75", lw=1.5)
    ax.scatter(wide[first], ypos, color="white", edgecolor="0.4", s=22, zorder=3,
               label=str(first), gid="scores-first")
    ax.scatter(wide[last], ypos, color=[colours[regions[c]] for c in wide.index], s=26, zorder=3,
               gid="scores-last")
    for region, colour in colours.items():
        ax.scatter([], [], color=colour, s=26, label=f"{last}, {region_name(region, lang)}")
    ax.set_yticks(ypos, [reg.label(c, lang) for c in wide.index])
    ax.set_ylim(-0.8, len(wide) - 0.2)
    ax.legend(loc="lower right", frameon=False)
    ax.set_xlabel(_WORDS[lang]["score01"])
    sns.despine(ax=ax)
    apply_font(ax, lang)
    return ax


@styled
def pillar_contributions_plot(pillar_scores: pd.DataFrame, spec: Any, *, year: int,
                              order: list[str] | None = None, registry: Any = None,
                              ax: Any = None, lang: str = "en", width: str = "double") -> Any:
    """Stacked contribution of each pillar to each province's score in one year.

    Parameters
    ----------
    pillar_scores : DataFrame
        ``code``, ``year``, ``pillar``, ``contribution`` (as ``IndexResult.pillar_scores``).
    spec : Spec
        Pillar order, names and colours.
    year : int
    order : list of str, optional
        Province codes bottom to top (default: by total contribution, highest at the top).

    Returns
    -------
    Axes
    """
    reg = _registry(registry)
    contrib = pillar_scores[pillar_scores["year"] == year].pivot(
        index="code", columns="pillar", values="contribution")
    colours = pillar_colors(spec)
    pnames = pillar_names(spec, lang)
    contrib = contrib[[p for p in colours if p in contrib.columns]]
    contrib = contrib.loc[order] if order is not None else contrib.loc[
        contrib.sum(axis=1).sort_values().index]
    if ax is None:
        _, ax = new_figure(width, lang=lang, height_mm=_height(len(contrib), 5.0, 30.0))
    ypos = np.arange(len(contrib))
    left = np.zeros(len(contrib))
    for pillar in contrib.columns:
        vals = contrib[pillar].fillna(0).to_numpy()
        ax.barh(ypos, vals, left=left, color=colours[pillar], label=pnames[pillar], height=0.75,
                gid=f"contribution-{pillar}")
        left += vals
    ax.set_yticks(ypos, [reg.label(c, lang) for c in contrib.index])
    ax.set_ylim(-0.6, len(contrib) - 0.4)
    ax.legend(loc="lower right", frameon=False, title=_WORDS[lang]["pillar"])
    ax.set_xlabel(text("contribution", lang))
    sns.despine(ax=ax)
    apply_font(ax, lang)
    return ax


@styled
def rank_comparison_plot(frame: pd.DataFrame, left: str, right: str, *,
                         labels: tuple[str, str] | None = None, scheme: str = "region4",
                         registry: Any = None, highlight: int = 5, ax: Any = None,
                         lang: str = "en", width: str = "double") -> Any:
    """Slope chart of the provinces' ranks under two scores (rank 1 at the top).

    Parameters
    ----------
    frame : DataFrame
        One row per province: ``code`` and the score columns ``left`` and ``right``.
    left, right : str
        Score columns; higher score, better rank.
    labels : (str, str), optional
        Axis labels of the two sides (default: weighted sum and TOPSIS).
    highlight : int
        Lines of provinces moving at least this many places are drawn thicker.

    Returns
    -------
    Axes
    """
    reg = _registry(registry)
    regions = reg.regions(scheme)
    colours = region_colors(scheme, reg)
    n = len(frame)
    if ax is None:
        _, ax = new_figure(width, lang=lang, height_mm=_height(n, 4.5, 30.0))
    r0 = frame[left].rank(ascending=False, method="first").to_numpy()
    r1 = frame[right].rank(ascending=False, method="first").to_numpy()
    for code, a, b in zip(frame["code"], r0, r1):
        ax.plot([0, 1], [a, b], color=colours[regions[code]], marker="o", ms=3,
                lw=1.6 if abs(a - b) >= highlight else 0.9, gid=f"ranks-{code}")
        name = reg.label(code, lang)
        ax.text(-0.04, a, name, ha="right", va="center", fontsize="small", gid="rank-name")
        ax.text(1.04, b, name, ha="left", va="center", fontsize="small", gid="rank-name")
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(n + 0.8, 0.2)
    words = _WORDS[lang]
    labels = labels or (words["weighted_sum"], words["topsis"])
    ax.set_xticks([0, 1], list(labels))
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=c, lw=2) for c in colours.values()]
    ax.legend(handles, [region_name(r, lang) for r in colours], frameon=False,
              loc="upper center", bbox_to_anchor=(0.5, -0.04), ncol=len(colours))
    apply_font(ax, lang)
    return ax
