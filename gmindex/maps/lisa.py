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
)
from gmindex.maps._inputs import _values_by_code
from gmindex.maps.base import _finish, _single_axes
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
    _finish(ax, fills, style, labels=labels, inset=True, credit=True, scalebar=True, title=title)
    n = cats.value_counts()
    if legend_title is None:
        legend_title = style.t("lisa")
        years = lisa_frame["year"].unique() if "year" in lisa_frame.columns else []
        if len(years) == 1:
            legend_title += f", {int(years[0])}" if lang == "en" else f"，{int(years[0])}年"
    entries = [
        (style.t(cat) + (f" ({int(n.get(cat, 0))})" if counts else ""), fill(cat))
        for cat in LISA_CATEGORIES
    ]
    entries.append((style.t("no_data"), style.nodata()))
    _legend(ax, entries, style, title=legend_title)
    return ax


