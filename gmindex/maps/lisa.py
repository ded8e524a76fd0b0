"""Maps of local Moran (LISA) clusters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from gmindex.maps._common import (
    _LISA_GREY,
    _LISA_HATCH_GREY,
    _LISA_STYLE,
    LISA_CATEGORIES,
    _style,
    _wrap,
)
from gmindex.maps._inputs import _values_by_code
from gmindex.maps.base import _finish, _missing_entries, _single_axes
from gmindex.maps.legend import _legend

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _lisa_clusters(lisa_frame: pd.DataFrame) -> pd.Series:
    """Checked Series code -> cluster label."""
    if not isinstance(lisa_frame, pd.DataFrame) or not {"code", "cluster"} <= set(lisa_frame.columns):
        raise ValueError("lisa_frame must be a DataFrame with columns 'code' and 'cluster'")
    values = _values_by_code(lisa_frame.assign(_v=0.0), "_v", what="lisa_frame")  # checks codes
    cats = pd.Series(lisa_frame["cluster"].astype(str).str.strip().to_numpy(), index=values.index)
    bad = sorted(set(cats) - set(LISA_CATEGORIES))
    if bad:
        raise ValueError(f"unknown cluster labels {bad}; expected {LISA_CATEGORIES}")
    return cats


def lisa_map(
    lisa_frame: pd.DataFrame,
    *,
    ax: Axes | None = None,
    lang: str = "en",
    labels: bool = False,
    greyscale: bool = False,
    counts: bool = True,
    title: str | None = None,
    legend_title: str | None = None,
    size: str | None = None,
    alpha: float | None = None,
    weights: str | None = None,
    permutations: int | None = None,
    credit: bool | str = True,
) -> Axes:
    """Map of local Moran (LISA) clusters.

    Parameters
    ----------
    lisa_frame : DataFrame
        Columns ``code`` and ``cluster`` with values in ``{"HH", "LL", "HL",
        "LH", "ns"}`` (high-high, low-low, high-low, low-high, not
        significant); one row per province.
    counts : bool
        Show the number of provinces in each legend entry.
    alpha : float, optional
        Significance level the clusters were labelled with (a unit is a
        cluster when its pseudo p-value is below it); stated in the legend.
        Default ``lisa_frame.attrs["alpha"]`` when present.
    weights : str, optional
        The spatial weights in words (e.g. ``"queen contiguity, row-standardised"``),
        stated in the legend; default ``lisa_frame.attrs["weights"]``.
    permutations : int, optional
        Number of conditional permutations behind the pseudo p-values
        (stated in the legend); default ``lisa_frame.attrs["permutations"]``.
    credit : bool or "full"
        As in :func:`~gmindex.maps.choropleth`.
    ax, lang, labels, greyscale, title, legend_title, size
        As in :func:`choropleth`.

    Returns
    -------
    Axes
    """
    cats = _lisa_clusters(lisa_frame)
    style = _style(size, lang, greyscale, ax)
    palette = _LISA_GREY if greyscale else _LISA_STYLE

    def fill(cat: str) -> dict[str, Any]:
        f: dict[str, Any] = {"facecolor": palette[cat]}
        if greyscale and _LISA_HATCH_GREY[cat]:
            f.update(hatch=_LISA_HATCH_GREY[cat], hatchcolor="#1a1a1a")
        return f

    fills = {code: fill(cat) for code, cat in cats.items()}
    if ax is None:
        ax = _single_axes(style.size, title, style)
    _finish(ax, fills, style, labels=labels, inset=True, credit=credit, scalebar=True,
            title=title)
    n = cats.value_counts()
    if legend_title is None:
        legend_title = style.t("lisa")
        years = lisa_frame["year"].unique() if "year" in lisa_frame.columns else []
        if len(years) == 1:
            legend_title += f", {int(years[0])}" if lang == "en" else f"，{int(years[0])}年"
        note = _method_note(
            alpha if alpha is not None else lisa_frame.attrs.get("alpha"),
            weights if weights is not None else lisa_frame.attrs.get("weights"),
            permutations if permutations is not None else lisa_frame.attrs.get("permutations"),
            lang,
        )
        if note:
            # Long lines (the weights in words) wrapped to about the width of the
            # legend entries, so the title does not run across the map.
            width = 30 if lang == "en" else 16
            legend_title += "\n" + "\n".join(
                _wrap(line, width) if len(line) > width else line for line in note.split("\n"))
    entries = [
        (style.t(cat) + (f" ({int(n.get(cat, 0))})" if counts else ""), fill(cat))
        for cat in LISA_CATEGORIES
    ]
    entries += _missing_entries(fills, style)
    _legend(ax, entries, style, title=legend_title)
    return ax


def _method_note(alpha: float | None, weights: str | None, permutations: int | None,
                 lang: str) -> str:
    """The LISA method note (significance level, permutations, weights) in English or Chinese.

    Examples
    --------
    >>> _method_note(0.05, "queen contiguity", 999, "en")
    'p < 0.05 (999 permutations)\\nWeights: queen contiguity'
    >>> _method_note(0.05, None, None, "zh")
    '显著性水平 p < 0.05'
    """
    parts = []
    if alpha is not None:
        perm = ""
        if permutations:
            perm = (f" ({int(permutations)} permutations)" if lang == "en"
                    else f"（{int(permutations)} 次置换）")
        parts.append((f"p < {alpha:g}" if lang == "en" else f"显著性水平 p < {alpha:g}") + perm)
    if weights:
        parts.append(f"Weights: {weights}" if lang == "en" else f"空间权重：{weights}")
    return "\n".join(parts)


