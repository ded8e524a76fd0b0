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

from gmindex.figstyle import font_family, new_figure, pillar_colors, pillar_names, styled, text

__all__ = ["indicator_names", "weights_per_year_plot"]


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
        _, ax = new_figure(width, lang=lang, aspect=0.7)
    pillar_of = spec.pillar_of() if callable(spec.pillar_of) else spec.pillar_of
    colours = pillar_colors(spec)
    pnames = pillar_names(spec, lang)
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
                color=colour, label=f"{inames.get(ind, ind)} ({pnames.get(pillar, pillar)})",
                gid=f"weights-{ind}")
        if "pooled" in weights.columns:
            ax.axhline(row["pooled"], color=colour, lw=0.6, ls=":", gid=f"pooled-{ind}")
    ax.set_xticks(years)
    ax.set_xlabel(text("year", lang), fontfamily=font_family(lang))
    ax.set_ylabel(text("weight", lang), fontfamily=font_family(lang))
    # Legend under the plot in two columns: long indicator names would
    # otherwise squeeze the plot to a strip.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2,
              prop={"family": font_family(lang)})
    return ax
