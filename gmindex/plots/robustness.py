"""Study figures of the robustness analysis: rank intervals and first-order variance shares.

Both take the frames of a :class:`gmindex.robustness.RobustnessResult`
(``rank_uncertainty_frame``, ``sensitivity_frame``), draw no title and write
their text in English (``lang="en"``) or Chinese (``lang="zh"``).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> demo = pd.DataFrame({"factor": ["weighting", "normalization", "not explained by one factor"],
...                      "output": "rank", "first_order": [0.5, 0.2, 0.3]})  # demo values
>>> ax = sensitivity_plot(demo, output="rank", lang="zh")
>>> [t.get_text() for t in ax.get_yticklabels()]
['标准化方法', '未由单一因素解释', '赋权方法']
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns

from gmindex.figstyle import apply_font, new_figure, region_colors, styled

__all__ = ["FACTOR_NAMES", "rank_intervals_plot", "sensitivity_plot"]

#: Display names of the robustness factors (the method choices drawn).
FACTOR_NAMES = {
    "en": {"normalization": "Normalisation", "weighting": "Weighting",
           "aggregation": "Aggregation", "shift": "Shift before logs",
           "leave_out": "Indicator left out", "missing": "Missing values",
           "not explained by one factor": "Not explained by one factor"},
    "zh": {"normalization": "标准化方法", "weighting": "赋权方法", "aggregation": "合成方法",
           "shift": "取对数前平移", "leave_out": "剔除单个指标", "missing": "缺失值处理",
           "not explained by one factor": "未由单一因素解释"},
}

_WORDS = {
    "en": {"interval": "5–95% of draws", "median": "Median", "baseline": "Baseline",
           "rank_axis": "Rank (1 = best)", "share": "Share of output variance (first order)"},
    "zh": {"interval": "抽样 5%–95% 区间", "median": "中位数", "baseline": "基准",
           "rank_axis": "排名（1 为最高）", "share": "输出方差份额（一阶）"},
}



@styled
def rank_intervals_plot(frame: pd.DataFrame, *, scheme: str = "region4", ax: Any = None,
                        lang: str = "en", width: str = "double") -> Any:
    """Median rank and 5–95% interval over the method draws per province, baseline marked.

    Parameters
    ----------
    frame : DataFrame
        ``RobustnessResult.rank_uncertainty_frame(year=..., lang=lang)``: columns
        ``code, name, median, lo, hi, baseline`` (``region`` optional: colours
        the medians by region).

    Returns
    -------
    Axes
    """
    if ax is None:
        _, ax = new_figure(width, lang=lang, height_mm=4.5 * len(frame) + 30.0)
    words = _WORDS[lang]
    y = np.arange(len(frame))
    ax.hlines(y, frame["lo"], frame["hi"], color="0.7", lw=2.2, label=words["interval"],
              gid="rank-interval")
    if "region" in frame.columns and frame["region"].notna().all():
        colours = region_colors(scheme, regions=list(dict.fromkeys(frame["region"])))
        col = [colours[r] for r in frame["region"]]
    else:
        col = "#0072B2"
    ax.scatter(frame["median"], y, c=col, s=16, zorder=3, label=words["median"],
               gid="rank-median")
    ax.plot(frame["baseline"].astype(float), y, "x", color="0.1", ms=4.5, zorder=4,
            label=words["baseline"], gid="rank-baseline")
    ax.set_yticks(y, list(frame["name"]))
    ax.set_ylim(len(frame) - 0.4, -0.6)
    ax.set_xlabel(words["rank_axis"])
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, frameon=False)
    sns.despine(ax=ax)
    apply_font(ax, lang)
    return ax


@styled
def sensitivity_plot(frame: pd.DataFrame, *, output: str = "rank", ax: Any = None,
                     lang: str = "en", width: str = "double") -> Any:
    """First-order variance share of each method choice for one output (horizontal bars).

    Parameters
    ----------
    frame : DataFrame
        ``RobustnessResult.sensitivity_frame()``: ``factor, output, first_order``.
    output : str
        ``"rank"``, ``"mean_rank_shift"`` or ``"gap east - west"``.

    Returns
    -------
    Axes
    """
    part = frame[frame["output"] == output] if "output" in frame.columns else frame
    if part.empty:
        raise ValueError(f"no sensitivity rows for output {output!r}; "
                         f"have {sorted(set(frame['output']))}")
    part = part.sort_values("first_order", kind="stable")
    if ax is None:
        _, ax = new_figure(width, lang=lang, height_mm=7.0 * len(part) + 25.0)
    names = FACTOR_NAMES[lang]
    rest = part["factor"] == "not explained by one factor"
    y = np.arange(len(part))
    ax.barh(y, part["first_order"].clip(lower=0),
            color=["0.75" if r else "#0072B2" for r in rest], gid=f"sensitivity-{output}")
    ax.set_yticks(y, [names.get(f, str(f).replace("_", " ")) for f in part["factor"]])
    ax.set_xlim(0, 1)
    ax.set_xlabel(_WORDS[lang]["share"])
    sns.despine(ax=ax)
    apply_font(ax, lang)
    return ax
