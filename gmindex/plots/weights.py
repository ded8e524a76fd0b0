"""Study figures of the indicator weights, coloured by pillar.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from gmindex.datasets import load_default_spec
>>> spec = load_default_spec()
>>> ids = [ind.id for ind in spec.indicators][:2]
>>> w = pd.DataFrame({2016: [0.4, 0.6], 2017: [0.5, 0.5], "pooled": [0.45, 0.55]}, index=ids)
>>> ax = weights_per_year_plot(w, spec)
>>> len([li for li in ax.get_lines() if (li.get_gid() or "").startswith("weights-")])
2
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import seaborn as sns

from gmindex.figstyle import font_family, new_figure, pillar_colors, styled, text

__all__ = ["indicator_names", "weights_per_year_plot", "weights_remedies_plot"]


def indicator_names(spec: Any, lang: str = "en") -> dict[str, str]:
    """Indicator id -> display name from the spec (``name_en`` / ``name_zh``; id as fallback).

    Examples
    --------
    >>> from gmindex.datasets import load_default_spec
    >>> indicator_names(load_default_spec())["energy_intensity"]
    'Energy consumption per unit of real GDP'
    """
    out = {}
    for ind in spec.indicators:
        name = (getattr(ind, "name_zh", "") or getattr(ind, "name_en", "")) if lang == "zh" \
            else getattr(ind, "name_en", "")
        out[ind.id] = name or ind.id.replace("_", " ")
    return out


def wrap_name(name: str, lang: str = "en", width: int | None = None) -> str:
    """Break a long indicator name over lines (Chinese: before a bracketed unit, then by length).

    Examples
    --------
    >>> wrap_name("每万人发明专利授权量(对数)", "zh", width=10)
    '每万人发明专利授权量\\n(对数)'
    """
    import textwrap

    width = width or (40 if lang == "en" else 20)
    if len(name) <= width:
        return name
    if lang == "zh":
        cut = name.rfind("(")
        cut = cut if 0 < cut <= width else name.rfind("（")
        if 0 < cut <= width:
            return name[:cut] + "\n" + name[cut:]
        return "\n".join(name[i:i + width] for i in range(0, len(name), width))
    return textwrap.fill(name, width)


@styled
def weights_per_year_plot(weights: pd.DataFrame, spec: Any, *, ax: Any = None, lang: str = "en",
                          width: str = "double") -> Any:
    """Per-year weights of each indicator (lines) and the pooled weight (dotted), by pillar colour.

    Indicators of one pillar share the pillar's colour and differ by marker
    and line style, so the figure agrees with every other pillar figure.

    Parameters
    ----------
    weights : DataFrame
        Index: indicator ids; columns: years and ``"pooled"``.
    spec : Spec
        Gives each indicator's pillar and the names.

    Returns
    -------
    Axes
    """
    if ax is None:
        # Tall enough for the legend of every indicator under the plot.
        _, ax = new_figure(width, lang=lang, aspect=1.05 if width == "double" else 1.6)
    pillar_of = spec.pillar_of() if callable(spec.pillar_of) else spec.pillar_of
    colours = pillar_colors(spec)
    inames = indicator_names(spec, lang)
    years = [c for c in weights.columns if c != "pooled"]
    markers = ["o", "s", "^", "D", "v"]
    styles = ["-", "--", "-.", ":"]
    seen: dict[str, int] = {}
    for ind, row in weights.iterrows():
        pillar = pillar_of.get(ind)
        k = seen.get(pillar, 0)
        seen[pillar] = k + 1
        colour = colours.get(pillar, "#4D4D4D")
        ax.plot(years, row[years], marker=markers[k % len(markers)], ls=styles[k % len(styles)],
                color=colour, label=wrap_name(inames.get(ind, ind), lang), gid=f"weights-{ind}")
        if "pooled" in weights.columns:
            ax.axhline(row["pooled"], color=colour, lw=0.6, ls=":", gid=f"pooled-{ind}")
    ax.set_xticks(years)
    ax.set_xlabel(text("year", lang), fontfamily=font_family(lang))
    ax.set_ylabel(text("weight", lang), fontfamily=font_family(lang))
    # The legend goes below the axes as a figure legend (constrained layout makes room
    # for it) with wrapped names: an axes legend of long names squeezed the plot to a
    # strip.  The colour is the pillar's (the caption says so).
    ax.figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center",
                     ncol=2 if width == "double" else 1, fontsize="x-small", frameon=False,
                     prop={"family": font_family(lang), "size": "x-small"})
    return ax


#: Colours of the weighting variants (Paul Tol's vibrant scheme, colour-blind safe).
VARIANT_COLOURS = ("#0077BB", "#33BBEE", "#009988", "#EE7733", "#CC3311", "#EE3377", "#BBBBBB")

#: Display names of the weighting variants of the remedies figure (keys as in the notebook).
REMEDY_NAMES = {
    "en": {"flat_entropy": "Flat entropy", "cap": "Cap at {cap:.0%}",
           "default": "Default (equal pillars)", "entropy_across_pillars": "Entropy across pillars",
           "critic": "CRITIC", "equal": "Equal weights"},
    "zh": {"flat_entropy": "扁平熵值法", "cap": "权重上限 {cap:.0%}",
           "default": "默认（维度等权）", "entropy_across_pillars": "维度间熵值法",
           "critic": "CRITIC 法", "equal": "等权"},
}


@styled
def weights_remedies_plot(weights: pd.DataFrame, spec: Any, *, cap: float | None = None,
                          names: Any = None, ax: Any = None, lang: str = "en",
                          width: str = "double") -> Any:
    """Indicator weights under several weighting variants (grouped bars), cap as a dashed line.

    Parameters
    ----------
    weights : DataFrame
        Index: indicator ids; one column per variant.
    spec : Spec
        Gives the indicator names.
    cap : float, optional
        Weight share drawn as a dashed line (default ``spec.flag_weight_share``).
    names : mapping column -> display name, optional
        Default: :data:`REMEDY_NAMES` for the known keys (``"cap"`` formatted
        with ``cap``), the column as written otherwise.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from gmindex.datasets import load_default_spec
    >>> spec = load_default_spec()
    >>> ids = [ind.id for ind in spec.indicators][:2]
    >>> w = pd.DataFrame({"default": [0.4, 0.6], "equal": [0.5, 0.5]}, index=ids)
    >>> ax = weights_remedies_plot(w, spec, lang="zh")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['默认（维度等权）', '等权']
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    import numpy as np

    if ax is None:
        _, ax = new_figure(width, lang=lang, height_mm=12.0 * len(weights) + 30.0)
    cap = getattr(spec, "flag_weight_share", None) if cap is None else cap
    known = REMEDY_NAMES[lang]
    shown = dict(names or {})
    for col in weights.columns:
        if col not in shown:
            shown[col] = known[col].format(cap=cap or 0) if col in known else str(col)
    inames = indicator_names(spec, lang)
    n, k = weights.shape
    y = np.arange(n)
    bar = 0.8 / max(k, 1)
    # The variants are not pillars or regions: Paul Tol's colour-blind-safe "vibrant"
    # scheme keeps them apart without borrowing the pillar colours.
    ramp = [VARIANT_COLOURS[j % len(VARIANT_COLOURS)] for j in range(k)]
    for j, col in enumerate(weights.columns):
        ax.barh(y - 0.4 + bar * (j + 0.5), weights[col].to_numpy(dtype=float), height=bar,
                color=ramp[j], label=shown[col], gid=f"remedy-{col}")
    if cap:
        ax.axvline(cap, color="0.3", ls="--", lw=0.8, gid="cap-line")
    ax.set_yticks(y, [wrap_name(inames.get(i, str(i)), lang) for i in weights.index],
                  fontfamily=font_family(lang))
    ax.set_ylim(n - 0.5, -0.5)  # first indicator at the top
    ax.set_xlabel(text("weight", lang), fontfamily=font_family(lang))
    sns.despine(ax=ax)
    ax.legend(frameon=False, ncol=min(k, 3), loc="upper center", bbox_to_anchor=(0.5, -0.06),
              prop={"family": font_family(lang)})
    for t in ax.get_xticklabels():
        t.set_fontfamily(font_family(lang))
    return ax
