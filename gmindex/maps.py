"""Publication maps of China's provinces: choropleths, small multiples, change, LISA, regions.

Every map shows all 34 province-level units of the Tianditu 2024 standard map
(:mod:`gmindex.boundaries`, review no. GS(2024)0650) in an Albers equal-area
projection, with the South China Sea islands in an inset box at the bottom
right, a scale bar and a credit line carrying the review number.  Units without
a value (Taiwan, Hong Kong and Macau, and any mainland province missing from
the data, such as Tibet in the default index) are drawn in a hatched grey
"no data" style, never left blank.

Drawing functions take an optional matplotlib ``ax`` and return it (or the
figure, for multi-panel maps); matplotlib is imported only when a map is
drawn.  Each province is one patch whose ``gid`` is ``"unit-<code>"``
(``"inset-unit-<code>"`` inside the inset), so tests and SVG users can find it.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from gmindex.provinces import default_registry
>>> codes = default_registry().codes
>>> demo = pd.DataFrame({"code": codes, "score": range(len(codes))})  # demo values
>>> ax = choropleth(demo, "score", k=4)
>>> patch = next(p for p in ax.patches if p.get_gid() == "unit-71")
>>> patch.get_hatch()
'////'
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gmindex._frames import check_scores

from gmindex.boundaries import (
    NON_MAINLAND_CODES,
    boundary_lines,
    credit_line,
    province_boundaries,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FIGURE_WIDTHS",
    "LISA_CATEGORIES",
    "SCHEMES",
    "MapClasses",
    "change_map",
    "choropleth",
    "classify",
    "lisa_map",
    "region_map",
    "save_standard_maps",
    "small_multiples",
    "use_cjk_font",
]

#: Figure widths in inches: one journal column (about 90 mm) or the full page (180 mm).
FIGURE_WIDTHS: dict[str, float] = {"single": 3.5, "double": 7.2}
#: Classification schemes accepted by :func:`classify` (natural breaks = Fisher-Jenks).
SCHEMES = ("quantiles", "natural_breaks", "equal_interval", "user")
#: LISA cluster codes in legend order.
LISA_CATEGORIES = ("HH", "LL", "HL", "LH", "ns")

_LISA_STYLE = {  # colour-blind-safe red/blue pairs, as in most LISA maps
    "HH": "#ca0020",
    "LL": "#0571b0",
    "HL": "#f4a582",
    "LH": "#92c5de",
    "ns": "#f7f7f7",
}
_LISA_GREY = {"HH": "#252525", "LL": "#969696", "HL": "#636363", "LH": "#d9d9d9", "ns": "#ffffff"}
_LISA_HATCH_GREY = {"HH": "", "LL": "", "HL": "....", "LH": "....", "ns": ""}
# Okabe-Ito colours: distinguishable under the common colour-vision deficiencies.
_REGION_COLOURS = {
    "east": "#0072B2",
    "central": "#E69F00",
    "west": "#009E73",
    "northeast": "#CC79A7",
}
_REGION_GREYS = {"east": "#252525", "central": "#969696", "west": "#d9d9d9", "northeast": "#636363"}

_TEXT = {
    "en": {
        "no_data": "No data",
        "inset": "South China Sea Islands",
        "km": "km",
        "HH": "High–high",
        "LL": "Low–low",
        "HL": "High–low",
        "LH": "Low–high",
        "ns": "Not significant",
        "east": "East",
        "central": "Central",
        "west": "West",
        "northeast": "Northeast",
        "region4": "NBS four regions",
        "region3": "Three belts",
        "change": "Change in {column}, {start}–{end}",
        "lisa": "LISA cluster",
        "region": "Region",
    },
    "zh": {
        "no_data": "无数据",
        "inset": "南海诸岛",
        "km": "千米",
        "HH": "高–高",
        "LL": "低–低",
        "HL": "高–低",
        "LH": "低–高",
        "ns": "不显著",
        "east": "东部",
        "central": "中部",
        "west": "西部",
        "northeast": "东北",
        "region4": "四大区域",
        "region3": "三大地带",
        "change": "{column}变化，{start}–{end}年",
        "lisa": "LISA 集聚类型",
        "region": "区域",
    },
}
_NON_MAINLAND_ZH = {"71": "台湾", "81": "香港", "82": "澳门"}

# Label anchors (lon, lat) hand-placed inside each unit; small units get their
# text offset to open sea or a large neighbour with a leader line.
_LABEL_AT: dict[str, tuple[float, float]] = {
    "11": (116.35, 40.25), "12": (117.35, 39.15), "13": (115.4, 38.2),
    "14": (112.1, 37.2), "15": (115.5, 44.1), "21": (122.6, 41.5),
    "22": (126.4, 43.5), "23": (127.8, 47.6), "31": (121.45, 31.15),
    "32": (119.5, 33.3), "33": (120.1, 29.1), "34": (117.2, 31.8),
    "35": (118.0, 26.0), "36": (115.7, 27.4), "37": (118.3, 36.3),
    "41": (113.6, 33.8), "42": (112.4, 30.9), "43": (111.6, 27.4),
    "44": (114.3, 23.6), "45": (107.9, 23.3), "46": (109.75, 19.2),
    "50": (107.9, 29.8), "51": (101.6, 30.9), "52": (106.7, 26.7),
    "53": (101.6, 24.6), "54": (88.5, 31.6), "61": (109.1, 34.4),
    "62": (104.3, 35.4), "63": (96.2, 35.6), "64": (106.0, 37.4),
    "65": (85.5, 41.6), "71": (121.0, 23.7), "81": (114.15, 22.38),
    "82": (113.55, 22.16),
}
_LEADER_TO: dict[str, tuple[float, float]] = {
    "11": (113.4, 41.7),
    "12": (120.4, 38.7),
    "31": (124.2, 32.8),
    "81": (116.8, 20.3),
    "82": (112.0, 20.95),
}

_FONT_SIZES = {  # points; legible after scaling to the printed column width
    "single": {"base": 6.0, "label": 5.0, "small": 5.0, "title": 7.0, "legend": 5.5},
    "double": {"base": 8.0, "label": 6.2, "small": 6.0, "title": 9.0, "legend": 7.5},
}
_EDGE = "#7a7a7a"  # mid grey: visible on the palest and the darkest classes
_NODATA_FACE = "#dddddd"
_NODATA_HATCH = "////"
_MAIN_MIN_LAT = 17.5  # south of Hainan Island: the rest of the sea goes in the inset
_INSET_HEIGHT = 0.33  # inset box height as a share of the main map height
# Simplification tolerances (metres) to pick from: about half a pixel at 300 dpi
# for the drawn scale, so vector files stay small without a visible change.
_SIMPLIFY_LEVELS = (250.0, 500.0, 1000.0, 2000.0, 4000.0)


# ---------------------------------------------------------------------------
# fonts


def _mplfonts_font(file: str) -> Path:
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "Chinese map labels need a CJK font; install the package 'mplfonts' "
            "(pip install mplfonts), which ships Noto Sans CJK SC"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / file
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing; reinstall mplfonts (pip install --force-reinstall mplfonts)"
        )
    return path


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register Noto Sans CJK SC (shipped by ``mplfonts``) with matplotlib.

    The font file is added to matplotlib's font manager; global ``rcParams``
    are left alone.  Maps drawn with ``lang="zh"`` set this family on every
    text they write.

    Returns
    -------
    str
        The font family name, ``"Noto Sans CJK SC"``.

    Raises
    ------
    ModuleNotFoundError
        If ``mplfonts`` is not installed.

    Examples
    --------
    >>> use_cjk_font()
    'Noto Sans CJK SC'
    """
    from matplotlib import font_manager

    path = _mplfonts_font("NotoSansCJKsc-Regular.otf")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@dataclass(frozen=True)
class _Style:
    size: str
    lang: str
    family: tuple[str, ...]
    fs: Mapping[str, float]
    greyscale: bool

    @property
    def edge_lw(self) -> float:
        return 0.2 if self.size == "single" else 0.3

    def text(self, role: str = "base", **kw: Any) -> dict[str, Any]:
        return {"fontfamily": list(self.family), "fontsize": self.fs[role], **kw}

    def t(self, key: str) -> str:
        return _TEXT[self.lang][key]

    def nodata(self) -> dict[str, Any]:
        if self.greyscale:
            return {"facecolor": "#ffffff", "hatch": _NODATA_HATCH, "hatchcolor": "#737373"}
        return {"facecolor": _NODATA_FACE, "hatch": _NODATA_HATCH, "hatchcolor": "#a3a3a3"}


def _style(size: str | None, lang: str, greyscale: bool, ax: Any = None) -> _Style:
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    if size is None:
        width = ax.figure.get_figwidth() if ax is not None else FIGURE_WIDTHS["double"]
        size = "single" if width < 5 else "double"
    if size not in FIGURE_WIDTHS:
        raise ValueError(f"size must be one of {sorted(FIGURE_WIDTHS)}, got {size!r}")
    family = (use_cjk_font(),) if lang == "zh" else ("DejaVu Sans",)
    return _Style(size, lang, family, _FONT_SIZES[size], bool(greyscale))


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
# classification


@dataclass(frozen=True)
class MapClasses:
    """A classification of values into coloured classes, shared by map panels.

    Attributes
    ----------
    edges : tuple of float
        ``k + 1`` class edges; class ``i`` holds ``edges[i] < v <= edges[i+1]``
        (the first class also holds ``edges[0]``).
    colors : tuple of str
        ``k`` hex colours, lowest class first.
    labels : tuple of str
        ``k`` legend texts ("0.21–0.35").
    scheme : str
        Scheme the edges came from.
    """

    edges: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]
    scheme: str

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.colors)

    def assign(self, values: Any) -> np.ndarray:
        """Class index of each value (``-1`` for missing values).

        Raises
        ------
        ValueError
            If a value lies outside ``[edges[0], edges[-1]]``.

        Examples
        --------
        >>> mc = classify([1, 2, 3, 4], scheme="user", bins=[2, 4])
        >>> mc.assign([1, 2, 2.5, 4, float("nan")]).tolist()
        [0, 0, 1, 1, -1]
        """
        v = np.asarray(values, dtype=float)
        out = np.full(v.shape, -1, dtype=int)
        ok = ~np.isnan(v)
        lo, hi = self.edges[0], self.edges[-1]
        tol = 1e-12 * max(1.0, abs(lo), abs(hi))
        outside = ok & ((v < lo - tol) | (v > hi + tol))
        if outside.any():
            raise ValueError(
                f"values {v[outside][:5].tolist()} lie outside the classification range "
                f"[{lo}, {hi}]; classify the pooled values of every panel (or widen bins)"
            )
        idx = np.searchsorted(np.asarray(self.edges[1:-1]), v[ok], side="left")
        out[ok] = idx
        return out

    def color_of(self, values: Any) -> list[str | None]:
        """Colour of each value; ``None`` for missing values."""
        return [self.colors[i] if i >= 0 else None for i in self.assign(values)]


def _decimals(edges: Sequence[float]) -> int:
    e = np.asarray(edges, dtype=float)
    span = float(np.ptp(e)) or max(abs(float(e[0])), 1.0)
    d = max(0, 1 - int(np.floor(np.log10(span))))
    while d < 8 and len(np.unique(np.round(e, d))) < len(np.unique(e)):
        d += 1
    return d


def _fmt(x: float, d: int) -> str:
    s = f"{x:.{d}f}"
    if s.startswith("-"):
        s = "\u2212" + s[1:]  # true minus sign
    return "0" if s in ("\u22120", "\u22120." + "0" * d) and d == 0 else s


def _class_labels(edges: Sequence[float]) -> tuple[str, ...]:
    d = _decimals(edges)
    # "0.10–0.35"; spaced dash once negative numbers appear ("−0.10 – 0.00").
    sep = " – " if min(edges) < 0 else "–"
    return tuple(f"{_fmt(a, d)}{sep}{_fmt(b, d)}" for a, b in zip(edges[:-1], edges[1:]))


def _colors(k: int, cmap: Any, *, greyscale: bool, diverging: bool) -> tuple[str, ...]:
    from matplotlib import colormaps
    from matplotlib.colors import Colormap, to_hex

    if greyscale:
        cm = colormaps["Greys"]
        pos = np.linspace(0.08, 0.75, k)
    else:
        cm = cmap if isinstance(cmap, Colormap) else colormaps[cmap]
        pos = np.linspace(0.05, 0.95, k) if diverging else np.linspace(0.12, 1.0, k)
    return tuple(to_hex(cm(p)) for p in pos)


_MAPCLASSIFY = {
    "quantiles": "Quantiles",
    "natural_breaks": "FisherJenks",
    "equal_interval": "EqualInterval",
}


def _breaks(y: np.ndarray, k: int, scheme: str) -> np.ndarray:
    """Upper class bounds from mapclassify (imported here: its import is slow)."""
    import mapclassify

    return np.asarray(getattr(mapclassify, _MAPCLASSIFY[scheme])(y, k=k).bins, dtype=float)


def classify(
    values: Any,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    lower: float | None = None,
    cmap: Any = None,
    greyscale: bool = False,
    diverging: bool = False,
) -> MapClasses:
    """Classify values for a map (one classification for all panels).

    Parameters
    ----------
    values : array-like
        All values the classes must cover (pool every panel); NaN is ignored.
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user"}
        ``natural_breaks`` is Fisher-Jenks (exact optimum, deterministic);
        ``user`` takes the upper class bounds from ``bins``.
    k : int
        Number of classes (fewer if the data have fewer distinct values).
    bins : sequence of float, optional
        Upper bounds of the classes for ``scheme="user"``; the last must be at
        least the largest value.
    lower : float, optional
        Lower edge of the first class (default: the smallest value).
    cmap : str or Colormap, optional
        Default ``"YlGn"`` (sequential) or ``"BrBG"`` (diverging); both
        ColorBrewer palettes are safe for colour-blind readers.
    greyscale : bool
        Grey shades instead of ``cmap``.
    diverging : bool
        Sample the palette symmetrically (for values centred at zero).

    Returns
    -------
    MapClasses

    Raises
    ------
    ValueError
        On an unknown scheme, no finite values, or user bins that do not
        cover the data.

    Notes
    -----
    The bounds are mapclassify's ``Quantiles``, ``FisherJenks`` and
    ``EqualInterval`` (Rey et al.); importing mapclassify takes a few seconds
    the first time in a process.  Ties can leave fewer than ``k`` distinct
    classes; a warning says so.

    Examples
    --------
    >>> mc = classify([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], scheme="equal_interval", k=2)
    >>> mc.edges, mc.labels
    ((0.1, 0.35, 0.6), ('0.10–0.35', '0.35–0.60'))
    """
    y = np.asarray(values, dtype=float).ravel()
    y = y[~np.isnan(y)]
    if y.size == 0:
        raise ValueError("no values to classify: every value is missing")
    if not np.isfinite(y).all():
        raise ValueError("cannot classify infinite values; check divisions by zero")
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {SCHEMES}")
    if scheme == "user":
        if bins is None or len(bins) == 0:
            raise ValueError("scheme='user' needs bins= (upper bounds of the classes)")
        upper = np.asarray(bins, dtype=float)
        if np.any(np.diff(upper) <= 0):
            raise ValueError(f"bins must be strictly increasing, got {list(bins)}")
        if y.max() > upper[-1]:
            raise ValueError(
                f"bins must cover the data: largest value {y.max():g} is above the "
                f"last bin {upper[-1]:g}; add an upper bound"
            )
    else:
        if bins is not None:
            raise ValueError(f"bins= is only used with scheme='user' (got scheme={scheme!r})")
        if int(k) < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        k_eff = int(min(k, np.unique(y).size))
        upper = np.unique(_breaks(np.sort(y), k_eff, scheme))
        if upper.size < k:
            warnings.warn(
                f"{scheme}: only {upper.size} distinct classes from {np.unique(y).size} "
                f"distinct values (asked for k={k})",
                UserWarning,
                stacklevel=2,
            )
    lo = float(y.min()) if lower is None else float(lower)
    if lo > y.min():
        raise ValueError(f"lower={lo:g} is above the smallest value {y.min():g}")
    lo = min(lo, float(upper[0]))
    edges = tuple(float(e) for e in np.concatenate([[lo], upper]))
    if cmap is None:
        cmap = "BrBG" if diverging else "YlGn"
    colors = _colors(len(edges) - 1, cmap, greyscale=greyscale, diverging=diverging)
    return MapClasses(edges=edges, colors=colors, labels=_class_labels(edges), scheme=scheme)


def _nice_step(x: float) -> float:
    """Smallest step of the form 1, 2, 2.5 or 5 times a power of ten that is >= x."""
    if x <= 0:
        return 1.0
    exp = np.floor(np.log10(x))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * 10**exp >= x:
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


def _symmetric_bins(values: Any, k: int) -> tuple[float, list[float]]:
    """Equal-width classes symmetric around zero with a round step: (lower edge, upper bounds).

    Examples
    --------
    >>> _symmetric_bins([0.03, 0.247, -0.05], 6)
    (-0.3, [-0.2, -0.1, 0.0, 0.1, 0.2, 0.3])
    """
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        raise ValueError("no values to classify: every change is missing")
    if k < 2 or k % 2:
        raise ValueError(f"k must be an even number >= 2 for a map centred at zero, got {k}")
    half = k // 2
    largest = float(np.max(np.abs(v)))
    step = _nice_step(largest / half) if largest > 0 else 1.0 / half
    edges = np.round(step * np.arange(-half, half + 1), 12) + 0.0  # + 0.0: no -0.0
    edges[-1] = max(edges[-1], largest)
    edges[0] = min(edges[0], -largest)
    return float(edges[0]), [float(e) for e in edges[1:]]


# ---------------------------------------------------------------------------
# input checks


def _known_codes() -> list[str]:
    from gmindex.provinces import default_registry

    return list(default_registry().codes) + list(NON_MAINLAND_CODES)


def _values_by_code(data: pd.DataFrame, column: str, *, what: str = "data") -> pd.Series:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame with columns 'code' and {column!r}")
    missing = [c for c in ("code", column) if c not in data.columns]
    if missing:
        raise ValueError(
            f"{what} lacks column(s) {missing}; it needs 'code' (two-digit GB/T 2260) "
            f"and {column!r}; columns present: {list(data.columns)}"
        )
    codes = data["code"].astype(str).str.strip()
    unknown = sorted(set(codes) - set(_known_codes()))
    if unknown:
        raise ValueError(
            f"{what}: unknown province codes {unknown}; use two-digit GB/T 2260 codes "
            "('11' ... '65'; convert names with gmindex.provinces.default_registry().to_code)"
        )
    dupes = sorted(set(codes[codes.duplicated()]))
    if dupes:
        raise ValueError(
            f"{what}: more than one row for codes {dupes}; a map needs one value per "
            "province (select one year first, e.g. data[data['year'] == 2020])"
        )
    if not pd.api.types.is_numeric_dtype(data[column]):
        raise TypeError(f"{what}[{column!r}] must be numeric, got {data[column].dtype}")
    return pd.Series(data[column].to_numpy(dtype=float), index=codes.to_numpy(), name=column)


def _panel(scores: Any, column: str, years: Iterable[int] | None) -> pd.DataFrame:
    frame = getattr(scores, "scores", scores)  # an IndexResult or its scores
    if not isinstance(frame, pd.DataFrame):
        raise TypeError("scores must be a DataFrame (code, year, score) or an IndexResult")
    frame = check_scores(frame, value=column, missing="keep", what="the map")  # NaN: no data
    available = sorted(int(y) for y in frame["year"].unique())
    if years is not None:
        wanted = [int(y) for y in years]
        absent = [y for y in wanted if y not in available]
        if absent:
            raise ValueError(f"years {absent} not in scores (available: {available})")
        frame = frame[frame["year"].isin(wanted)]
    return frame


# ---------------------------------------------------------------------------
# drawing primitives


def _new_figure(size: str, *, nrows: int = 1, ncols: int = 1, top: float = 0.0) -> Figure:
    import matplotlib.pyplot as plt

    width = FIGURE_WIDTHS[size]
    height = width / ncols * nrows / _aspect() + top
    return plt.figure(figsize=(width, height))


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
        _apply_fill(patch, fills.get(code) or style.nodata())
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
        halo = [patheffects.withStroke(linewidth=width * (0.6 if dark else 1.0),
                                       foreground="#1a1a1a" if dark else "white")]
        kw = style.text("label", ha="center", va="center", gid=f"label-{code}",
                        color="white" if dark else "#1a1a1a", zorder=5)
        text = _label_text(code, style.lang)
        if to is None:
            t = ax.text(*at, text, **kw)
        else:
            t = ax.annotate(
                text, xy=at, xytext=to,
                arrowprops={"arrowstyle": "-", "lw": 0.35, "color": "#1a1a1a",
                            "shrinkA": 1.5, "shrinkB": 0},
                **kw,
            )
        t.set_path_effects(halo)


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


def _finish(
    ax: Axes,
    fills: Mapping[str, Mapping[str, Any]],
    style: _Style,
    *,
    labels: bool,
    inset: bool,
    credit: bool,
    scalebar: bool,
    title: str | None,
    compact: bool = False,
) -> None:
    """Draw the units, lines, inset, labels, scale bar and credit on a map axes."""
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
    if credit:
        ax.text(
            0.005, 0.004, credit_line(style.lang), transform=ax.transAxes,
            **style.text("small", ha="left", va="bottom", color="#404040", gid="credit"),
        )
    if title:
        ax.set_title(title, **style.text("title"), pad=2)


def _class_fills(values: pd.Series, classes: MapClasses) -> dict[str, dict[str, Any]]:
    idx = classes.assign(values.to_numpy())
    return {
        code: {"facecolor": classes.colors[i]}
        for code, i in zip(values.index, idx)
        if i >= 0
    }


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
    credit: bool = True,
    scalebar: bool = True,
    title: str | None = None,
    size: str | None = None,
    classes: MapClasses | None = None,
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
    inset, credit, scalebar : bool
        South China Sea inset, credit line with the review number, scale bar.
        Keep them on for published maps of China.
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
    >>> unit["unit-54"].get_facecolor() == unit["unit-71"].get_facecolor()  # both "no data"
    True
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['1.0–1.5', '1.5–3.0', 'No data']
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
            scalebar=scalebar, title=title)
    if legend:
        _legend(ax, _class_entries(classes, style, nodata=True), style,
                title=_legend_title(legend_title, column, unit))
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
    classes = classify(frame[column], scheme=scheme, k=k, bins=bins, cmap=cmap, greyscale=greyscale)
    nrows = -(-(n + 1) // ncols)
    title_in = 1.8 * style.fs["title"] / 72
    fig = _new_figure(size, nrows=nrows, ncols=ncols, top=nrows * title_in)
    H = fig.get_figheight()
    cell_h = H / nrows
    gutter = 0.02 / ncols  # figure fraction between neighbouring panels
    for i, year in enumerate(year_list):
        r, c = divmod(i, ncols)
        rect = (c / ncols + gutter, 1 - (r + 1) * cell_h / H, 1 / ncols - 2 * gutter,
                (cell_h - title_in) / H)
        ax = fig.add_axes(rect)
        part = frame[frame["year"] == year]
        values = _values_by_code(part, column, what=f"scores for {year}")
        _finish(ax, _class_fills(values, classes), style, labels=False, inset=True,
                credit=False, scalebar=False, title=str(year), compact=True)
        ax.set_label(f"year-{year}")
    # Legend and credit in the next free cell.
    r, c = divmod(n, ncols)
    legend_ax = fig.add_axes((c / ncols, 1 - (r + 1) * cell_h / H, 1 / ncols, (cell_h - title_in) / H))
    legend_ax.set_axis_off()
    legend_ax.set_label("legend")
    _legend(legend_ax, _class_entries(classes, style, nodata=True), style,
            title=_legend_title(legend_title, column, unit), loc="center left",
            anchor=(0.08, 0.55))
    credit = credit_line(lang).replace(", review", ",\nreview")
    legend_ax.text(0.08, 0.04, credit, transform=legend_ax.transAxes,
                   **style.text("small", ha="left", va="bottom", color="#404040", gid="credit"))
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
        Even number of equal-width classes, half below and half above zero;
        the outer bound is the largest absolute change rounded up to a round
        number, so zero is always a class edge.
    bins : sequence of float, optional
        Upper class bounds instead (lower edge = the smallest change).
    cmap : str or Colormap, optional
        Diverging palette, default ``"BrBG"`` (brown = fall, green = rise).
    ax, lang, labels, legend_title, unit, greyscale, title, size
        As in :func:`choropleth`.

    Returns
    -------
    Axes
    """
    frame = _panel(scores, column, [start, end])
    wide = frame.pivot(index="code", columns="year", values=column)
    change = (wide[int(end)] - wide[int(start)]).rename("change").reset_index()
    if bins is None:
        lower, upper = _symmetric_bins(change["change"], k)
    else:
        lower, upper = None, list(bins)
    classes = classify(change["change"], scheme="user", bins=upper, lower=lower, cmap=cmap,
                       greyscale=greyscale, diverging=True)
    if legend_title is None:
        if lang not in _TEXT:
            raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
        name = column.replace("_", " ")
        if lang == "zh" and column == "score":
            name = "得分"
        legend_title = _TEXT[lang]["change"].format(column=name, start=start, end=end)
    return choropleth(change, "change", classes=classes, ax=ax, lang=lang, labels=labels,
                      legend_title=legend_title, unit=unit, greyscale=greyscale, title=title,
                      size=size)


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


# ---------------------------------------------------------------------------
# saving


def save_standard_maps(
    result_or_scores: Any,
    outdir: str | Path = "figures",
    *,
    lisa: pd.DataFrame | None = None,
    lang: str = "en",
    column: str = "score",
    formats: Sequence[str] = ("png", "pdf", "svg"),
    dpi: int = 300,
) -> list[Path]:
    """Write the standard map set as PNG (300 dpi), PDF and SVG.

    Maps: the latest year's choropleth with labels (``map_score_<year>``), the
    small multiples of all years (``map_score_years``), the change from the
    first to the last year (``map_score_change_<start>_<end>``), the region
    schemes (``map_regions``) and, if ``lisa`` is given, the LISA clusters
    (``map_lisa_<year>`` when the frame has one ``year``, else ``map_lisa``).
    With ``lang="zh"`` every stem ends in ``_zh``.

    Parameters
    ----------
    result_or_scores : IndexResult or DataFrame
        An index result or its ``scores`` frame (``code, year, score``).
    outdir : path
        Output folder (created if needed).
    lisa : DataFrame, optional
        ``code, cluster`` as for :func:`lisa_map`.
    lang : {"en", "zh"}
    column : str
        Score column to map.
    formats : sequence of str
    dpi : int

    Returns
    -------
    list of Path
        The files written.
    """
    import matplotlib.pyplot as plt

    from gmindex.io.writers import save_figure

    # Check every input before the first file is written.
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    frame = _panel(result_or_scores, column, None)
    years = sorted(int(y) for y in frame["year"].unique())
    if len(years) < 2:
        raise ValueError(
            f"the standard maps need at least two years (for the change map); scores has "
            f"{years}; draw a single year with choropleth()"
        )
    if lisa is not None:
        _lisa_clusters(lisa)
    start, end = years[0], years[-1]
    suffix = "_zh" if lang == "zh" else ""
    outdir = Path(outdir)
    legend_title = None if column != "score" else ("Score" if lang == "en" else "得分")
    jobs: list[tuple[str, Any]] = [
        (f"map_score_{end}", lambda: choropleth(
            frame[frame["year"] == end], column, lang=lang, labels=True,
            legend_title=legend_title, size="double", title=None).figure),
        ("map_score_years", lambda: small_multiples(
            frame, column, lang=lang, legend_title=legend_title)),
        (f"map_score_change_{start}_{end}", lambda: change_map(
            frame, column=column, start=start, end=end, lang=lang, labels=True, size="double").figure),
        ("map_regions", lambda: region_map(lang=lang)),
    ]
    if lisa is not None:
        lisa_years = lisa["year"].unique() if "year" in lisa.columns else []
        lisa_stem = f"map_lisa_{int(lisa_years[0])}" if len(lisa_years) == 1 else "map_lisa"
        jobs.append((lisa_stem, lambda: lisa_map(lisa, lang=lang, labels=True, size="double").figure))
    written: list[Path] = []
    for stem, make in jobs:
        fig = make()
        try:
            written += save_figure(fig, outdir / f"{stem}{suffix}", formats=tuple(formats), dpi=dpi)
        finally:
            plt.close(fig)
    return written
