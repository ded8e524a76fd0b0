"""Map legends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gmindex.maps._common import _EDGE, _Style
from gmindex.maps.base import _apply_fill, _missing_entries

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from gmindex.maps.classification import MapClasses


def _legend(
    ax: Axes,
    entries: Sequence[tuple[str, Mapping[str, Any]]],
    style: _Style,
    *,
    title: str | None,
    loc: str = "lower left",
    anchor: tuple[float, float] = (0.0, 0.035),
    fig_level: bool = False,
) -> Any:
    from matplotlib.patches import Patch

    handles = []
    for label, fill in entries:
        h = Patch(edgecolor=_EDGE, linewidth=style.edge_lw * 1.5, label=label)
        _apply_fill(h, fill)
        h.set_edgecolor(_EDGE)
        handles.append(h)
    props = {"family": list(style.family), "size": style.fs["legend"]}
    host = ax.figure if fig_level else ax
    leg = host.legend(
        handles=handles,
        loc=loc,
        bbox_to_anchor=anchor,
        frameon=False,
        prop=props,
        title=title,
        title_fontproperties={**props, "weight": "normal"},
        alignment="left",
        handlelength=1.6,
        handleheight=1.0,
        handletextpad=0.5,
        labelspacing=0.3,
        borderaxespad=0.2,
    )
    leg.set_gid("legend")
    return leg


def _class_entries(
    classes: MapClasses, style: _Style, *, fills: Mapping[str, Any] | Sequence[Mapping[str, Any]]
) -> list[tuple[str, Mapping[str, Any]]]:
    """Class entries, then "No data" / "Not in sample" when the map (or any panel) shows them."""
    entries: list[tuple[str, Mapping[str, Any]]] = [
        (label, {"facecolor": color}) for label, color in zip(classes.labels, classes.colors)
    ]
    panels = [fills] if isinstance(fills, Mapping) else list(fills)
    seen: dict[str, Mapping[str, Any]] = {}
    for panel in panels:
        for label, fill in _missing_entries(panel, style):
            seen.setdefault(label, fill)
    return entries + list(seen.items())


def _legend_title(title: str | None, column: str, unit: str | None,
                  classes: MapClasses | None = None, lang: str = "en", *,
                  basis: bool = True) -> str:
    """Legend title: the variable (and unit), then the classification method in words."""
    text = title if title is not None else column.replace("_", " ").capitalize()
    text = f"{text} ({unit})" if unit else text
    if classes is None:
        return text
    # The method and the pooled years on separate lines: a narrow legend
    # leaves the map (and the province names) alone.
    # In a single-column map the pooled years go to the caption only.
    if basis:
        method = classes.describe(lang).replace(", ", "\n", 1).replace("，", "\n", 1)
    else:
        method = type(classes)(classes.edges, classes.colors, classes.labels,
                               classes.scheme).describe(lang)
    return f"{text}\n{method}"


