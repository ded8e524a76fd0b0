"""Choropleth of any unit layer (cities, counties) on the standard province base map.

The unit layer is generic: a GeoDataFrame of polygons with a code column and
a value column, in any CRS.  It is drawn over the province base (Albers,
South China Sea inset, scale bar, north arrow, credit) with the same
classification, legend and "no data" conventions as the province maps, on
the main map and on the inset alike (units south of the cut latitude, such
as the islands of Sansha, appear in the inset only); the province borders
(or another outline layer) are drawn on top.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from gmindex.boundaries import province_boundaries
>>> units = province_boundaries(crs=None)
>>> units = units[units["code"].isin(["11", "12", "13"])].assign(x=[1.0, 2.0, 3.0])
>>> ax = unit_map(units, "x", scheme="user", bins=[2, 3])
>>> sorted(p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith("layer-"))
['layer-11', 'layer-12', 'layer-13']
>>> inset = next(a for a in ax.child_axes if a.get_label() == "south_china_sea_inset")
>>> [p.get_gid() for p in inset.patches if "layer-" in (p.get_gid() or "")]  # none reaches it
[]
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gmindex.maps._common import _EDGE, _style
from gmindex.maps.base import _apply_fill, _finish, _polygon_path, _single_axes
from gmindex.maps.classification import MapClasses, classify
from gmindex.maps.legend import _legend, _legend_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["unit_map"]


def unit_map(
    units: Any,
    column: str,
    *,
    code: str = "code",
    outline: Any = None,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: Any = None,
    classes: MapClasses | None = None,
    ax: Axes | None = None,
    lang: str = "en",
    legend_title: str | None = None,
    unit: str | None = None,
    size: str | None = None,
    inset: bool = True,
    credit: bool | str = True,
    scalebar: bool = True,
    north_arrow: bool = True,
) -> Axes:
    """Choropleth of a unit layer over the province base map.

    Parameters
    ----------
    units : GeoDataFrame
        Polygons (any CRS) with columns ``code`` and ``column``.  Units with a
        missing value are drawn hatched as "no data".
    column : str
        Numeric column to map.
    code : str
        Unit id column (used for the patch ids ``"layer-<code>"``).
    outline : GeoDataFrame, optional
        Extra outline layer drawn on top (e.g. city borders inside the
        province borders); the province borders are always drawn.
    scheme, k, bins, cmap, classes
        Classification as in :func:`~gmindex.maps.classify`, or a ready one.
    ax, lang, legend_title, unit, size, inset, credit, scalebar, north_arrow
        As in :func:`~gmindex.maps.choropleth`.

    Returns
    -------
    Axes
    """
    import geopandas as gpd
    from matplotlib.collections import PathCollection
    from matplotlib.patches import PathPatch

    from gmindex.boundaries import ALBERS_CHINA

    if not isinstance(units, gpd.GeoDataFrame):
        raise TypeError("units must be a GeoDataFrame of polygons with a code and a value column")
    missing = [c for c in (code, column) if c not in units.columns]
    if missing:
        raise ValueError(f"units lacks column(s) {missing}; columns present: {list(units.columns)}")
    if units.crs is None:
        raise ValueError("units has no CRS; set it (e.g. units.set_crs('EPSG:4490'))")
    dupes = units[code][units[code].duplicated()].astype(str).unique().tolist()
    if dupes:
        raise ValueError(f"units: more than one row for codes {dupes[:5]}; one polygon row per unit")
    layer = units.to_crs(ALBERS_CHINA)
    main_geoms, inset_geoms = _split(units, inset)
    values = layer[column].to_numpy(dtype=float)
    style = _style(size, lang, False, ax)
    if classes is None:
        classes = classify(values, scheme=scheme, k=k, bins=bins, cmap=cmap)
    if ax is None:
        ax = _single_axes(style.size, None, style)
    # Province base in the "not in sample" style: the unit layer covers what
    # it holds; the province borders (drawn above the layer) stay visible.
    base = {c: style.not_in_sample() for c in _base_codes()}
    _finish(ax, base, style, labels=False, inset=inset, credit=credit, scalebar=scalebar,
            title=None, north_arrow=north_arrow)
    idx = classes.assign(values)
    any_missing = bool((idx < 0).any())
    # The units on the main map, and (clipped to the inset's frame) on the South China
    # Sea inset: Hainan's cities, Sansha's islands and reefs are units of the layer too.
    inset_ax = next((a for a in ax.child_axes if a.get_label() == "south_china_sea_inset"), None)
    targets = [(ax, main_geoms, "")]
    if inset_ax is not None:
        targets.append((inset_ax, inset_geoms, "inset-"))
    for target, geoms, prefix in targets:
        for unit_code, geom, i in zip(layer[code].astype(str), geoms, idx):
            if geom is None or geom.is_empty:
                continue
            patch = PathPatch(_polygon_path(geom), linewidth=0.1, edgecolor="white",
                              gid=f"{prefix}layer-{unit_code}", zorder=1.1)
            _apply_fill(patch, {"facecolor": classes.colors[i]} if i >= 0 else style.nodata())
            target.add_artist(patch)
    if outline is not None:
        lines = outline.to_crs(ALBERS_CHINA)
        paths = [_polygon_path(g) for g in lines.geometry]
        for target in [t for t, _, _ in targets]:
            coll = PathCollection(paths, facecolors="none", edgecolors=_EDGE,
                                  linewidths=style.edge_lw * 0.7, transform=target.transData,
                                  zorder=1.15)
            coll.set_gid("outline")
            target.add_collection(coll, autolim=False)
    entries: list[tuple[str, Any]] = [
        (label, {"facecolor": colour}) for label, colour in zip(classes.labels, classes.colors)
    ]
    if any_missing:
        entries.append((style.t("no_data"), style.nodata()))
    entries.append((style.t("not_in_sample"), style.not_in_sample()))
    _legend(ax, entries, style, title=_legend_title(legend_title, column, unit, classes, lang))
    ax.gmindex_classes = classes
    return ax


def _split(units: Any, inset: bool) -> tuple[list[Any], list[Any]]:
    """Albers geometries of the units for the main map and for the inset.

    As the province base (:func:`gmindex.maps.base._layout`): the main map
    drops polygon parts lying wholly south of the cut latitude (the South
    China Sea islands, shown in the inset); the inset gets every unit clipped
    to its frame (empty for units that do not reach it).
    """
    import geopandas as gpd
    import shapely

    from gmindex.boundaries import ALBERS_CHINA
    from gmindex.maps._common import _MAIN_MIN_LAT
    from gmindex.maps.base import _layout

    geographic = units.to_crs("EPSG:4490").geometry
    kept = [shapely.union_all([p for p in shapely.get_parts(g) if p.bounds[3] >= _MAIN_MIN_LAT])
            if g is not None and not g.is_empty else g for g in geographic]
    main = list(gpd.GeoSeries(kept, crs="EPSG:4490").to_crs(ALBERS_CHINA))
    if not inset:
        return main, []
    lay = _layout()
    ix0, ix1, iy0, iy1 = lay.inset_extent
    y0, y1 = lay.extent[2:]
    pad = 0.02 * (y1 - y0)  # the province inset's margin
    clip = shapely.box(ix0 - pad, iy0 - pad, ix1 + pad, iy1 + pad)
    albers = units.to_crs(ALBERS_CHINA).geometry.to_numpy()
    return main, list(shapely.intersection(albers, clip))


def _base_codes() -> list[str]:
    from gmindex.maps.base import _layout

    return list(_layout().main)

