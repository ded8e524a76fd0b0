"""Maps of region schemes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gmindex.boundaries import credit_line
from gmindex.figstyle import region_colors, region_name
from gmindex.maps._common import _REGION_GREYS, FIGURE_WIDTHS, _style
from gmindex.maps.base import _finish, _missing_entries, _new_figure
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
    credit: bool | str = True,
) -> Figure:
    """Side-by-side maps of region schemes (NBS four regions and three belts).

    Parameters
    ----------
    schemes : sequence of str
        Region columns of the registry, one panel each.
    registry : Registry, optional
        Default :func:`gmindex.provinces.default_registry`.
    lang, labels, greyscale, size, credit
        As in :func:`~gmindex.maps.choropleth`.

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
    title_in = 0.0
    credit_in = 2.0 * style.fs["small"] / 72  # a strip for one credit line under all panels
    fig = _new_figure(size, ncols=n, top=title_in + credit_in)
    height = fig.get_figheight()
    gutter = 0.01 / n
    for i, scheme in enumerate(schemes):
        regions = reg.regions(scheme)
        order = reg.region_order(scheme)
        colours = region_colors(scheme, reg)
        if greyscale:
            colours = {r: _REGION_GREYS.get(r, c) for r, c in colours.items()}
        ax = fig.add_axes((i / n + gutter, credit_in / height, 1 / n - 2 * gutter,
                           1 - (title_in + credit_in) / height))
        ax.set_label(scheme)
        fills = {code: {"facecolor": colours[r]} for code, r in regions.items()}
        # The scheme's name heads its legend (no title inside the image).
        _finish(ax, fills, style, labels=labels, inset=True, credit=False,
                scalebar=(i == 0), title=None, north_arrow=(i == n - 1))
        entries = [(region_name(r, lang), {"facecolor": colours[r]}) for r in order]
        entries += _missing_entries(fills, style)
        _legend(ax, entries, style, title=region_name(scheme, lang))
    if credit:
        fig.text(0.995, 0.25 * credit_in / height, credit_line(lang, full=credit == "full"),
                 **style.text("small", ha="right", va="bottom", color="#404040", gid="credit"))
    return fig


