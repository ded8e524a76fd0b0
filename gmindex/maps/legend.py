"""Map legends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gmindex.maps._common import _EDGE, _Style
from gmindex.maps.base import _apply_fill

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
    classes: MapClasses, style: _Style, *, nodata: bool
) -> list[tuple[str, Mapping[str, Any]]]:
    entries: list[tuple[str, Mapping[str, Any]]] = [
        (label, {"facecolor": color}) for label, color in zip(classes.labels, classes.colors)
    ]
    if nodata:
        entries.append((style.t("no_data"), style.nodata()))
    return entries


def _legend_title(title: str | None, column: str, unit: str | None) -> str:
    text = title if title is not None else column.replace("_", " ").capitalize()
    return f"{text} ({unit})" if unit else text


