"""Choropleth maps: one map, small multiples on one scale, change maps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from gmindex.boundaries import credit_line
from gmindex.maps._common import _TEXT, FIGURE_WIDTHS, _style, _wrap
from gmindex.maps._inputs import _panel, _values_by_code
from gmindex.maps.base import _class_fills, _finish, _new_figure, _single_axes
from gmindex.maps.classification import MapClasses, change_classes, classify
from gmindex.maps.legend import _class_entries, _legend, _legend_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


# ---------------------------------------------------------------------------
# public maps


def choropleth(
    data: pd.DataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: Any = None,
    ax: Axes | None = None,
    lang: str = "en",
    labels: bool = False,
    legend: bool = True,
    legend_title: str | None = None,
    unit: str | None = None,
    greyscale: bool = False,
    inset: bool = True,
    credit: bool | str = True,
    scalebar: bool = True,
    title: str | None = None,
    size: str | None = None,
    classes: MapClasses | None = None,
    north_arrow: bool = True,
) -> Axes:
    """Choropleth map of one value per province.

    Parameters
    ----------
    data : DataFrame
        Columns ``code`` (two-digit GB/T 2260) and ``column``; one row per
        province.  Provinces absent from ``data`` or with a missing value,
        and Taiwan, Hong Kong and Macau, are drawn in the "no data" style.
    column : str
        Numeric column to map.
    scheme, k, bins
        Classification, see :func:`classify`.
    cmap : str or Colormap, optional
        Default ``"YlGn"`` (ColorBrewer, colour-blind safe).
    ax : Axes, optional
        Draw into this axes; default a new figure of width ``size``.
    lang : {"en", "zh"}
        Language of labels, legend and credit; ``"zh"`` uses Noto Sans CJK SC.
    labels : bool
        Write province names (small units with leader lines).
    legend : bool
        Draw the class legend (lower left).
    legend_title, unit : str, optional
        Legend title (default: the column name) and unit shown in brackets.
    greyscale : bool
        Grey shades for print.
    inset, scalebar, north_arrow : bool
        South China Sea inset, scale bar, north arrow (turned to the local
        meridian).  Keep them on for published maps of China.
    credit : bool or "full"
        Credit line with the review number; ``"full"`` prints the whole
        standard-map wording (…审图号为 GS(2024)0650 号的标准地图制作，底图边界无修改).
    title : str, optional
        Axes title.
    size : {"single", "double"}, optional
        Figure width preset (3.5 or 7.2 inches) and matching font sizes;
        default from the figure width (``"double"`` for a new figure).
    classes : MapClasses, optional
        A ready classification (shared by several maps); overrides
        ``scheme``, ``k``, ``bins``, ``cmap`` and ``greyscale`` colours.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> demo = pd.DataFrame({"code": ["11", "44", "65"], "x": [1.0, 2.0, 3.0]})  # demo values
    >>> ax = choropleth(demo, "x", scheme="user", bins=[1.5, 3], size="single")
    >>> unit = {p.get_gid(): p for p in ax.patches}
    >>> unit["unit-54"].get_hatch(), unit["unit-71"].get_hatch()  # no data, not in sample
    ('////', None)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['1.0–1.5', '1.5–3.0', 'No data', 'Not in sample']
    >>> ax.get_legend().get_title().get_text()
    'X\\nUser-defined classes'

    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    values = _values_by_code(data, column)
    style = _style(size, lang, greyscale, ax)
    if classes is None:
        classes = classify(values, scheme=scheme, k=k, bins=bins, cmap=cmap, greyscale=greyscale)
    if ax is None:
        ax = _single_axes(style.size, title, style)
    fills = _class_fills(values, classes)
    _finish(ax, fills, style, labels=labels, inset=inset, credit=credit,
            scalebar=scalebar, title=title, north_arrow=north_arrow)
    if legend:
        _legend(ax, _class_entries(classes, style, fills=fills), style,
                title=_legend_title(legend_title, column, unit, classes, style.lang,
                                    basis=style.size == "double"))
    return ax


def small_multiples(
    scores: Any,
    column: str = "score",
    *,
    years: Iterable[int] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: Any = None,
    lang: str = "en",
    legend_title: str | None = None,
    unit: str | None = None,
    greyscale: bool = False,
    ncols: int = 3,
    size: str = "double",
    classes: MapClasses | None = None,
    credit: bool | str = True,
) -> Figure:
    """One map per year with ONE classification and colour scale for all panels.

    The class bounds are computed on the values of all panels pooled, so a
    colour means the same value in every year and a rising index shows up as
    darker maps.

    Parameters
    ----------
    scores : DataFrame or IndexResult
        Long frame with ``code``, ``year`` and ``column`` (``IndexResult.scores``).
    column : str
        Column to map.
    years : iterable of int, optional
        Years to show, default all years in ``scores`` (2016-2020).
    scheme, k, bins, cmap, greyscale
        See :func:`classify`; applied to the pooled values.
    lang, legend_title, unit
        As in :func:`choropleth`.
    ncols : int
        Panels per row; the legend and credit fill the first free cell.
    size : {"single", "double"}
        Figure width preset.
    classes : MapClasses, optional
        A ready classification (e.g. shared with a single-year map of the
        same study); default: ``scheme`` on the pooled values of all panels.
    credit : bool or "full"
        As in :func:`choropleth`.

    Returns
    -------
    Figure
        One axes per year (axes label ``"year-<year>"``), plus a legend cell;
        the shared :class:`MapClasses` is attached as ``fig.gmindex_classes``.
    """
    frame = _panel(scores, column, years)
    year_list = sorted(int(y) for y in frame["year"].unique())
    if not year_list:
        raise ValueError("scores has no rows to map")
    n = len(year_list)
    ncols = max(1, min(ncols, n + 1))
    if size not in FIGURE_WIDTHS:
        raise ValueError(f"size must be one of {sorted(FIGURE_WIDTHS)}, got {size!r}")
    # Fonts follow the width of one panel, not of the whole figure.
    style = _style("single" if FIGURE_WIDTHS[size] / ncols < 5 else "double", lang, greyscale)
    if classes is None:
        span = f"{year_list[0]}–{year_list[-1]}" if n > 1 else ""
        classes = classify(frame[column], scheme=scheme, k=k, bins=bins, cmap=cmap,
                           greyscale=greyscale, basis=span)
    nrows = -(-(n + 1) // ncols)
    title_in = 1.8 * style.fs["title"] / 72
    fig = _new_figure(size, nrows=nrows, ncols=ncols, top=nrows * title_in)
    H = fig.get_figheight()
    cell_h = H / nrows
    gutter = 0.02 / ncols  # figure fraction between neighbouring panels
    panel_fills: list[dict] = []
    for i, year in enumerate(year_list):
        r, c = divmod(i, ncols)
        rect = (c / ncols + gutter, 1 - (r + 1) * cell_h / H, 1 / ncols - 2 * gutter,
                (cell_h - title_in) / H)
        ax = fig.add_axes(rect)
        part = frame[frame["year"] == year]
        values = _values_by_code(part, column, what=f"scores for {year}")
        fills = _class_fills(values, classes)
        panel_fills.append(fills)
        _finish(ax, fills, style, labels=False, inset=True, credit=False, scalebar=False,
                title=str(year), compact=True, north_arrow=(i == 0))
        ax.set_label(f"year-{year}")
    # Legend and credit in the next free cell.
    r, c = divmod(n, ncols)
    legend_ax = fig.add_axes((c / ncols, 1 - (r + 1) * cell_h / H, 1 / ncols, (cell_h - title_in) / H))
    legend_ax.set_axis_off()
    legend_ax.set_label("legend")
    _legend(legend_ax, _class_entries(classes, style, fills=panel_fills), style,
            title=_legend_title(legend_title, column, unit, classes, lang), loc="center left",
            anchor=(0.08, 0.55))
    if credit:
        line = credit_line(lang, full=credit == "full")
        line = _wrap(line, 34 if lang == "en" else 18)
        legend_ax.text(0.08, 0.04, line, transform=legend_ax.transAxes,
                       **style.text("small", ha="left", va="bottom", color="#404040",
                                    gid="credit"))
    fig.gmindex_classes = classes  # the shared classification, for inspection
    return fig


def change_map(
    scores: Any,
    *,
    column: str = "score",
    start: int = 2016,
    end: int = 2020,
    k: int = 6,
    bins: Sequence[float] | None = None,
    cmap: Any = None,
    ax: Axes | None = None,
    lang: str = "en",
    labels: bool = False,
    legend_title: str | None = None,
    unit: str | None = None,
    greyscale: bool = False,
    title: str | None = None,
    size: str | None = None,
    credit: bool | str = True,
) -> Axes:
    """Map of the change ``end − start`` on a diverging palette centred at zero.

    Parameters
    ----------
    scores : DataFrame or IndexResult
        Long frame with ``code``, ``year`` and ``column``.
    column : str
        Column to compare, default ``"score"``.
    start, end : int
        Years compared; provinces missing either year are "no data".
    k : int
        Number of round equal steps from zero (split between falls and rises
        when both occur), before empty classes are merged away; zero is
        always a class edge and every legend class is on the map (see
        :func:`~gmindex.maps.classification.change_classes`).
    bins : sequence of float, optional
        Upper class bounds instead (lower edge = the smallest change).
    cmap : str or Colormap, optional
        Diverging palette, default ``"BrBG"`` (brown = fall, green = rise).
    ax, lang, labels, legend_title, unit, greyscale, title, size, credit
        As in :func:`choropleth`.

    Returns
    -------
    Axes
    """
    frame = _panel(scores, column, [start, end])
    wide = frame.pivot(index="code", columns="year", values=column)
    change = (wide[int(end)] - wide[int(start)]).rename("change").reset_index()
    if bins is None:
        classes = change_classes(change["change"], k=k, cmap=cmap, greyscale=greyscale)
    else:
        classes = classify(change["change"], scheme="user", bins=list(bins), cmap=cmap,
                           greyscale=greyscale, diverging=True)
    if legend_title is None:
        if lang not in _TEXT:
            raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
        name = column.replace("_", " ")
        if lang == "zh" and column == "score":
            name = "得分"
        legend_title = _TEXT[lang]["change"].format(column=name, start=start, end=end)
    ax = choropleth(change, "change", classes=classes, ax=ax, lang=lang, labels=labels,
                    legend_title=legend_title, unit=unit, greyscale=greyscale, title=title,
                    size=size, credit=credit)
    ax.gmindex_classes = classes  # the classification, for captions and tests
    return ax


