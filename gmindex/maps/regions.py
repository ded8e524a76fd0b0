"""Maps of region schemes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gmindex.boundaries import credit_line
from gmindex.maps._common import _REGION_COLOURS, _REGION_GREYS, _TEXT, FIGURE_WIDTHS, _style
from gmindex.maps.base import _finish, _new_figure
from gmindex.maps.legend import _legend

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def region_map(
    *,
    schemes: Sequence[str] = ("region4", "region3"),
    registry: Any = None,
    lang: str = "en",
    labels: bool = False,
    greyscale: bool = False,
    size: str = "double",
) -> Figure:
    """Side-by-side maps of region schemes (NBS four regions and three belts).

    Parameters
    ----------
    schemes : sequence of str
        Region columns of the registry, one panel each.
    registry : Registry, optional
        Default :func:`gmindex.provinces.default_registry`.
    lang, labels, greyscale, size
        As in :func:`choropleth`.

    Returns
    -------
    Figure
    """
    from gmindex.provinces import default_registry

    reg = registry if registry is not None else default_registry()
    n = len(schemes)
    if n == 0:
        raise ValueError("schemes must name at least one region scheme")
    if size not in FIGURE_WIDTHS:
        raise ValueError(f"size must be one of {sorted(FIGURE_WIDTHS)}, got {size!r}")
    # Fonts follow the width of one panel, not of the whole figure.
    style = _style("single" if FIGURE_WIDTHS[size] / n < 5 else "double", lang, greyscale)
    title_in = 1.8 * style.fs["title"] / 72
    credit_in = 2.0 * style.fs["small"] / 72  # a strip for one credit line under all panels
    fig = _new_figure(size, ncols=n, top=title_in + credit_in)
    height = fig.get_figheight()
    gutter = 0.01 / n
    palette = _REGION_GREYS if greyscale else _REGION_COLOURS
    spare = ["#56B4E9", "#D55E00", "#F0E442", "#999999"]
    for i, scheme in enumerate(schemes):
        regions = reg.regions(scheme)
        order = reg.region_order(scheme)
        colours = {r: palette.get(r, spare[j % len(spare)]) for j, r in enumerate(order)}
        ax = fig.add_axes((i / n + gutter, credit_in / height, 1 / n - 2 * gutter,
                           1 - (title_in + credit_in) / height))
        ax.set_label(scheme)
        fills = {code: {"facecolor": colours[r]} for code, r in regions.items()}
        name = _TEXT[lang].get(scheme, scheme)
        _finish(ax, fills, style, labels=labels, inset=True, credit=False,
                scalebar=(i == 0), title=name)
        entries = [(_TEXT[lang].get(r, r), {"facecolor": colours[r]}) for r in order]
        entries.append((style.t("no_data"), style.nodata()))
        _legend(ax, entries, style, title=None)
    fig.text(0.995, 0.25 * credit_in / height, credit_line(lang),
             **style.text("small", ha="right", va="bottom", color="#404040", gid="credit"))
    return fig


