"""Map base: projected geometry, South China Sea inset, borders, labels, scale bar, credit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gmindex.boundaries import (
    NON_MAINLAND_CODES,
    boundary_lines,
    credit_line,
    province_boundaries,
)
from gmindex.maps._common import (
    _EDGE,
    _INSET_HEIGHT,
    _LABEL_AT,
    _LEADER_TO,
    _MAIN_MIN_LAT,
    _NON_MAINLAND_ZH,
    _SIMPLIFY_LEVELS,
    FIGURE_WIDTHS,
    _Style,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from gmindex.maps.classification import MapClasses


# ---------------------------------------------------------------------------
# geometry prepared for drawing (cached)


@dataclass(frozen=True)
class _Layout:
    main: Mapping[str, Any]  # code -> projected geometry without the far-south islands
    inset: Mapping[str, Any]  # code -> projected geometry clipped to the inset
    dash_main: Any
    dash: Any
    other_lines: Any
    extent: tuple[float, float, float, float]  # x0, x1, y0, y1 of the main axes
    inset_extent: tuple[float, float, float, float]
    inset_box: tuple[float, float, float, float]  # x, y, width, height in main data units
    anchors: Mapping[str, tuple[tuple[float, float], tuple[float, float] | None]]


@lru_cache(maxsize=1)
def _layout() -> _Layout:
    import shapely
    from pyproj import Transformer
    from shapely.geometry import MultiLineString, MultiPolygon

    from gmindex.boundaries import ALBERS_CHINA

    native = province_boundaries(crs=None).set_index("code").geometry
    albers = province_boundaries().set_index("code").geometry
    lines = boundary_lines()
    to_albers = Transformer.from_crs("EPSG:4490", ALBERS_CHINA, always_xy=True)

    # Main map: drop polygon parts entirely south of Hainan Island (shown in the inset).
    main: dict[str, Any] = {}
    for code, geom in native.items():
        parts = [p for p in geom.geoms if p.bounds[3] >= _MAIN_MIN_LAT]
        kept = albers[code] if len(parts) == len(geom.geoms) else None
        if kept is None:
            kept = shapely.transform(
                MultiPolygon(parts), lambda xy: np.column_stack(to_albers.transform(*xy.T))
            )
        main[code] = kept
    cx0, cy0, cx1, cy1 = shapely.total_bounds(list(main.values()))
    pad = 0.02 * (cy1 - cy0)
    y0, y1 = cy0 - pad, cy1 + pad

    dash = lines.loc[lines["kind"] == "south_china_sea_dashline"].union_all()
    other = lines.loc[lines["kind"] != "south_china_sea_dashline"].union_all()
    dx0, dy0, dx1, dy1 = dash.bounds
    # Inset: the whole dash line plus a margin, and the Gulf of Tonkin coast to the west.
    margin = 0.05 * (dy1 - dy0)
    ix0 = min(dx0 - margin, to_albers.transform(107.6, 21.5)[0])
    # Extra room at the bottom for the inset's scale bar.
    inset_extent = (ix0, dx1 + margin, dy0 - 4.0 * margin, dy1 + margin)
    ih = _INSET_HEIGHT * (y1 - y0)
    iw = ih * (inset_extent[1] - inset_extent[0]) / (inset_extent[3] - inset_extent[2])
    box_y = y0 + 0.25 * pad
    band = shapely.box(-1e8, y0, 1e8, box_y + ih + pad)
    band_x1 = max(g.intersection(band).bounds[2] for g in main.values() if g.intersects(band))
    box_x = band_x1 + pad
    x0, x1 = cx0 - pad, max(cx1 + pad, box_x + iw + 0.25 * pad)

    clip = shapely.box(
        inset_extent[0] - pad, inset_extent[2] - pad, inset_extent[1] + pad, inset_extent[3] + pad
    )
    inset = {
        code: g.intersection(clip)
        for code, g in albers.items()
        if g.intersects(clip)
    }
    frame = shapely.box(x0, y0, x1, y1)
    # Dashes north of the cut that fit in the frame (those near Taiwan and Luzon).
    dash_native = boundary_lines(crs=None)
    dash_native = dash_native.loc[dash_native["kind"] == "south_china_sea_dashline"].union_all()
    dash_main = MultiLineString(
        [
            p
            for p, q in zip(dash.geoms, dash_native.geoms)
            if q.bounds[1] >= _MAIN_MIN_LAT and frame.contains(p)
        ]
    )

    anchors: dict[str, tuple[tuple[float, float], tuple[float, float] | None]] = {}
    for code, (lon, lat) in _LABEL_AT.items():
        at = to_albers.transform(lon, lat)
        to = _LEADER_TO.get(code)
        anchors[code] = (at, to_albers.transform(*to) if to else None)
    return _Layout(
        main=main,
        inset=inset,
        dash_main=dash_main,
        dash=dash,
        other_lines=other,
        extent=(x0, x1, y0, y1),
        inset_extent=inset_extent,
        inset_box=(box_x, box_y, iw, ih),
        anchors=anchors,
    )


def _aspect() -> float:
    x0, x1, y0, y1 = _layout().extent
    return (x1 - x0) / (y1 - y0)


@lru_cache(maxsize=2 * len(_SIMPLIFY_LEVELS))
def _paths(inset: bool, tolerance: float) -> dict[str, Any]:
    """Matplotlib paths per unit, simplified; paths are immutable, so shareable."""
    import shapely

    lay = _layout()
    geoms = lay.inset if inset else lay.main
    return {
        c: _polygon_path(shapely.simplify(g, tolerance, preserve_topology=True))
        for c, g in geoms.items()
    }


def _tolerance(ax: Axes, data_width: float) -> float:
    """Largest listed tolerance below half a 300-dpi pixel of this axes."""
    inches = ax.get_position().width * ax.figure.get_figwidth()
    half_pixel = 0.5 * data_width / (inches * 300)
    fitting = [t for t in _SIMPLIFY_LEVELS if t <= half_pixel]
    return fitting[-1] if fitting else _SIMPLIFY_LEVELS[0]


def _polygon_path(geom: Any) -> Any:
    import shapely
    from matplotlib.path import Path as MplPath

    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in shapely.get_parts(geom):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        # Exterior counter-clockwise, holes clockwise: matplotlib fills by the
        # non-zero winding rule, so enclaves (Beijing and Tianjin in Hebei) stay open.
        poly = shapely.geometry.polygon.orient(poly, sign=1.0)
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return MplPath(np.empty((0, 2)))
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _line_xy(geom: Any) -> list[np.ndarray]:
    import shapely

    return [np.asarray(p.coords)[:, :2] for p in shapely.get_parts(geom) if not p.is_empty]


# ---------------------------------------------------------------------------
# drawing primitives


def _new_figure(size: str, *, nrows: int = 1, ncols: int = 1, top: float = 0.0) -> Figure:
    import matplotlib.pyplot as plt

    width = FIGURE_WIDTHS[size]
    height = width / ncols * nrows / _aspect() + top
    return plt.figure(figsize=(width, height))


def map_panels(size: str = "double", *, nrows: int = 1, ncols: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure of ``nrows`` x ``ncols`` map panels of the printed width, without gaps.

    Each panel has the map's aspect, so a map drawn into it (``ax=``) fills it;
    draw each with the ``size`` of one panel (``"single"`` when two panels
    share a double-width figure), so its fonts fit the panel.

    Returns
    -------
    (Figure, list of Axes)
        Panels in reading order (row by row).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, axes = map_panels("single", nrows=2)
    >>> round(fig.get_figwidth() * 25.4), len(axes)
    (88, 2)
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    if size not in FIGURE_WIDTHS:
        raise ValueError(f"size must be one of {sorted(FIGURE_WIDTHS)}, got {size!r}")
    fig = _new_figure(size, nrows=nrows, ncols=ncols)
    axes = [fig.add_axes((c / ncols, 1 - (r + 1) / nrows, 1 / ncols, 1 / nrows))
            for r in range(nrows) for c in range(ncols)]
    return fig, axes


def _single_axes(size: str, title: str | None, style: _Style) -> Axes:
    title_in = 2.0 * style.fs["title"] / 72 if title else 0.0
    fig = _new_figure(size, top=title_in)
    return fig.add_axes((0.0, 0.0, 1.0, 1.0 - title_in / fig.get_figheight()))


def _draw_units(
    ax: Axes,
    fills: Mapping[str, Mapping[str, Any]],
    style: _Style,
    *,
    inset: bool = False,
) -> None:
    from matplotlib.collections import PathCollection
    from matplotlib.patches import PathPatch

    x0, x1 = (_layout().inset_extent if inset else _layout().extent)[:2]
    paths = _paths(inset, _tolerance(ax, x1 - x0))
    # Each unit is stroked white (a casing; later units cover earlier ones,
    # so every shared border ends up cased on both sides), then a thin grey
    # line goes over all fills: borders stay visible on the palest and on
    # the darkest classes alike.
    for code, path in paths.items():
        patch = PathPatch(
            path, edgecolor="white", linewidth=2.6 * style.edge_lw, joinstyle="round",
            gid=f"{'inset-' if inset else ''}unit-{code}", zorder=1,
        )
        _apply_fill(patch, fills.get(code) or _missing_fill(code, style))
        # add_artist, not add_patch: the limits are set explicitly, and
        # add_patch would walk every vertex to update the data limits.
        ax.add_artist(patch)
    borders = PathCollection(
        list(paths.values()), facecolors="none", edgecolors=_EDGE, linewidths=style.edge_lw,
        transform=ax.transData, zorder=1.2,
    )
    borders.set_joinstyle("round")
    borders.set_gid("borders")
    ax.add_collection(borders, autolim=False)


@lru_cache(maxsize=1)
def _sample_codes() -> frozenset[str]:
    """Codes of the study's units (the registry); other drawn units are outside it."""
    from gmindex.provinces import default_registry

    return frozenset(default_registry().codes)


def _missing_fill(code: str, style: _Style) -> dict[str, Any]:
    """Fill of a unit without a value: "no data" in the sample, else "not in sample"."""
    return style.nodata() if code in _sample_codes() else style.not_in_sample()


def _missing_entries(fills: Mapping[str, Any], style: _Style) -> list[tuple[str, Any]]:
    """Legend entries for the unit states without a value that the map shows."""
    drawn = set(_layout().main)
    entries = []
    if any(c not in fills for c in drawn & _sample_codes()):
        entries.append((style.t("no_data"), style.nodata()))
    if any(c not in fills for c in drawn - _sample_codes()):
        entries.append((style.t("not_in_sample"), style.not_in_sample()))
    return entries


def _apply_fill(patch: Any, fill: Mapping[str, Any]) -> None:
    """Face colour and optional hatch (hatch colour independent of the edge)."""
    patch.set_facecolor(fill["facecolor"])
    if fill.get("hatch"):
        patch.set_hatch(fill["hatch"])
        if hasattr(patch, "set_hatchcolor"):  # matplotlib >= 3.10
            patch.set_hatchcolor(fill.get("hatchcolor", _EDGE))
            patch.set_hatch_linewidth(0.4)
        else:  # older matplotlib draws hatches in the edge colour
            patch.set_edgecolor(fill.get("hatchcolor", _EDGE))


def _draw_lines(ax: Axes, style: _Style, *, inset: bool = False) -> None:
    lay = _layout()
    dash = lay.dash if inset else lay.dash_main
    for xy in _line_xy(dash):
        ax.plot(*xy.T, color="#1a1a1a", lw=style.edge_lw * 2.5, solid_capstyle="butt",
                gid="dashline")
    for xy in _line_xy(lay.other_lines):
        ax.plot(*xy.T, color=_EDGE, lw=style.edge_lw, gid="boundary-line")


def _scalebar(
    ax: Axes, x: float, y: float, length_km: int, style: _Style, *, role: str,
    height: float = 0.012, middle: bool = True,
) -> None:
    """Two-segment scale bar in data units (metres; true scale on the standard parallels)."""
    from matplotlib.patches import Rectangle

    length = length_km * 1000.0
    x0, x1, y0, y1 = ax.get_xlim() + ax.get_ylim()
    h = height * (y1 - y0)
    for i in range(2):
        ax.add_patch(
            Rectangle(
                (x + i * length / 2, y), length / 2, h,
                facecolor="#1a1a1a" if i == 0 else "white",
                edgecolor="#1a1a1a", linewidth=0.4, gid="scalebar",
            )
        )
    unit = f"{length_km} {style.t('km')}"
    if not middle:  # compact: one label above the bar's right end
        ax.text(x + length, y + 1.6 * h, unit,
                **style.text(role, ha="right", va="bottom", gid="scalebar"))
        return
    kw = style.text(role, ha="center", va="bottom", gid="scalebar")
    ax.text(x, y + 1.6 * h, "0", **kw)
    ax.text(x + length / 2, y + 1.6 * h, f"{length_km // 2}", **kw)
    ax.text(x + length, y + 1.6 * h, unit, **kw)


def _draw_inset(
    ax: Axes, fills: Mapping[str, Mapping[str, Any]], style: _Style, *, annotate: bool = True
) -> Axes:
    lay = _layout()
    inset = ax.inset_axes(lay.inset_box, transform=ax.transData)
    inset.set_label("south_china_sea_inset")
    _draw_units(inset, fills, style, inset=True)
    _draw_lines(inset, style, inset=True)
    ix0, ix1, iy0, iy1 = lay.inset_extent
    inset.set_xlim(ix0, ix1)
    inset.set_ylim(iy0, iy1)
    inset.set_aspect("equal", adjustable="box")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_facecolor("white")
    for spine in inset.spines.values():
        spine.set_linewidth(0.6)
        spine.set_edgecolor("#1a1a1a")
    if annotate:  # too small for text in small multiples
        name = style.t("inset")
        if style.size == "single" and style.lang == "en":
            name = name.replace(" Islands", "\nIslands")
        # Above the box: the open sea east of Taiwan has room, the inset has none.
        inset.text(
            1.0, 1.015, name, transform=inset.transAxes,
            **style.text("small", ha="right", va="bottom", gid="inset-title"),
        )
        # Bottom right: open sea east of James Shoal's dash.
        _scalebar(inset, ix0 + 0.64 * (ix1 - ix0), iy0 + 0.03 * (iy1 - iy0), 500, style,
                  role="small", height=0.018, middle=False)
    return inset


def _label_text(code: str, lang: str) -> str:
    from gmindex.provinces import default_registry

    if code in NON_MAINLAND_CODES:
        return NON_MAINLAND_CODES[code] if lang == "en" else _NON_MAINLAND_ZH[code]
    return default_registry().label(code, lang)


def _is_dark(color: Any) -> bool:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.35


def _draw_labels(ax: Axes, style: _Style, fills: Mapping[str, Mapping[str, Any]]) -> None:
    from matplotlib import patheffects

    width = 1.6 if style.size == "double" else 1.2
    for code, (at, to) in _layout().anchors.items():
        # Names inside dark units are white; elsewhere dark with a white halo.
        face = (fills.get(code) or {}).get("facecolor", "white")
        dark = to is None and _is_dark(face)
        kw = style.text("label", ha="center", va="center", gid=f"label-{code}",
                        color="white" if dark else "#1a1a1a", zorder=5)
        text = _label_text(code, style.lang)
        if to is None:
            ax.text(*at, text, **kw)
        else:
            ax.annotate(
                text, xy=at, xytext=to,
                arrowprops={"arrowstyle": "-", "lw": 0.35, "color": "#1a1a1a",
                            "shrinkA": 1.5, "shrinkB": 0},
                **kw,
            )
        # The halo is a separate stroke-only copy underneath: a text with a
        # path effect is written to SVG as outlines, and the name must stay
        # editable <text>.
        halo = ax.text(*(to if to is not None else at), text,
                       **{**kw, "gid": f"halo-{code}", "zorder": 4.9})
        halo.set_path_effects([patheffects.Stroke(
            linewidth=width * (0.6 if dark else 1.0), foreground="#1a1a1a" if dark else "white")])


def _finish(
    ax: Axes,
    fills: Mapping[str, Mapping[str, Any]],
    style: _Style,
    *,
    labels: bool,
    inset: bool,
    credit: bool | str,
    scalebar: bool,
    title: str | None,
    compact: bool = False,
    north_arrow: bool = True,
) -> None:
    """Draw the units, lines, inset, labels, scale bar, north arrow and credit on a map axes.

    ``credit`` is ``True`` (short line), ``"full"`` (the standard-map wording)
    or ``False``.
    """
    lay = _layout()
    x0, x1, y0, y1 = lay.extent
    _draw_units(ax, fills, style)
    _draw_lines(ax, style)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    if inset:
        _draw_inset(ax, fills, style, annotate=not compact)
    if labels:
        _draw_labels(ax, style, fills)
    if scalebar:
        # Open ground south of Tibet and west of Yunnan, right of the legend.
        _scalebar(ax, x0 + 0.27 * (x1 - x0), y0 + 0.04 * (y1 - y0), 1000, style, role="small")
    if north_arrow:
        _north_arrow(ax, style)
    if credit:
        ax.text(
            0.005, 0.004, credit_line(style.lang, full=credit == "full"), transform=ax.transAxes,
            **style.text("small", ha="left", va="bottom", color="#404040", gid="credit"),
        )
    if title:
        ax.set_title(title, **style.text("title"), pad=2)


def _north_arrow(ax: Axes, style: _Style, at: tuple[float, float] = (0.955, 0.80)) -> None:
    """North arrow at ``at`` (axes fraction), turned to the meridian there.

    In the Albers projection meridians converge, so north is straight up only
    on the central meridian (105°E); the arrow follows the local meridian.
    """
    from matplotlib.patches import Polygon
    from pyproj import Transformer

    from gmindex.boundaries import ALBERS_CHINA

    x0, x1, y0, y1 = ax.get_xlim() + ax.get_ylim()
    x, y = x0 + at[0] * (x1 - x0), y0 + at[1] * (y1 - y0)
    back = Transformer.from_crs(ALBERS_CHINA, "EPSG:4490", always_xy=True)
    fwd = Transformer.from_crs("EPSG:4490", ALBERS_CHINA, always_xy=True)
    lon, lat = back.transform(x, y)
    nx, ny = fwd.transform(lon, lat + 0.5)
    angle = np.arctan2(nx - x, ny - y)  # clockwise from up
    size = 0.055 * (y1 - y0)
    rot = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])

    def place(pts: list[tuple[float, float]]) -> np.ndarray:
        return np.asarray(pts) * size @ rot.T + (x, y)

    # Two half-arrows (dark left, white right): the classic compass needle.
    left = place([(0.0, 0.5), (-0.22, -0.5), (0.0, -0.28)])
    right = place([(0.0, 0.5), (0.22, -0.5), (0.0, -0.28)])
    for pts, face in ((left, "#1a1a1a"), (right, "white")):
        ax.add_patch(Polygon(pts, closed=True, facecolor=face, edgecolor="#1a1a1a",
                             linewidth=0.4, gid="north-arrow", zorder=6))
    tip = place([(0.0, 0.62)])[0]
    ax.text(tip[0], tip[1], style.t("north"), rotation=-np.degrees(angle), rotation_mode="anchor",
            **style.text("small", ha="center", va="bottom", gid="north-arrow", zorder=6))


def _class_fills(values: pd.Series, classes: MapClasses) -> dict[str, dict[str, Any]]:
    idx = classes.assign(values.to_numpy())
    return {
        code: {"facecolor": classes.colors[i]}
        for code, i in zip(values.index, idx)
        if i >= 0
    }


