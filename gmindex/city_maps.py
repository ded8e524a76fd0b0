"""City maps with the conventions of the province maps.

Full territory in Albers equal-area, the South China Sea islands in an inset
box with the dash line, Taiwan, Hong Kong and Macau drawn, province outlines
over the city fills, the review number in the credit line, English or Chinese
text.  Two kinds of empty city: *no data* (in the sample but without a value,
hatched, as on the province maps) and *not in sample* (a unit the source does
not cover, e.g. autonomous prefectures absent from the city yearbook; plain
light grey).  No city names by default; ``label_top`` names the top and bottom
``n`` cities.

The classification, fonts and credit come from :mod:`gmindex.maps` and
:mod:`gmindex.boundaries`; the city polygons from :func:`gmindex.cities.city_boundaries`.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> demo = pd.DataFrame({"code": ["320100", "440300", "650100"], "x": [1.0, 2.0, 3.0]})
>>> ax = city_choropleth(demo, "x", scheme="user", bins=[1.5, 3], sample=["320100", "440300",
...                      "650100", "110000"])
>>> [t.get_text() for t in ax.get_legend().get_texts()]
['1.0–1.5', '1.5–3.0', 'No data', 'Not in sample']
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = ["city_choropleth", "city_lisa_map", "save_city_maps"]

_MAIN_MIN_LAT = 17.5  # as the province maps: parts south of Hainan go to the inset
_SIMPLIFY = 600.0  # metres; below half a 300-dpi pixel at 180 mm
_CITY_EDGE = "#9a9a9a"
_PROVINCE_EDGE = "#303030"
_NOT_IN_SAMPLE = "#e0e0e0"  # darker than LISA "not significant" (#f7f7f7), no hatch
_NODATA = {"facecolor": "#dddddd", "hatch": "////", "hatchcolor": "#a3a3a3"}  # as the provinces
_NON_MAINLAND = ("710000", "810000", "820000")
_TEXT = {
    "en": {"no_data": "No data", "not_in_sample": "Not in sample", "inset": "South China Sea Islands",
           "score": "Score", "lisa": "LISA cluster", "HH": "High–high", "LL": "Low–low",
           "HL": "High–low", "LH": "Low–high", "ns": "Not significant"},
    "zh": {"no_data": "无数据", "not_in_sample": "不在样本内", "inset": "南海诸岛", "score": "得分",
           "lisa": "LISA 集聚类型", "HH": "高–高", "LL": "低–低", "HL": "高–低", "LH": "低–高",
           "ns": "不显著"},
}
_LISA_COLOURS = {"HH": "#ca0020", "LL": "#0571b0", "HL": "#f4a582", "LH": "#92c5de",
                 "ns": "#f7f7f7"}
_FONT = {"single": 5.5, "double": 7.0}


@lru_cache(maxsize=1)
def _layers() -> dict[str, Any]:
    """Projected, simplified city and province layers; frame, inset and lines as the
    province maps (:mod:`gmindex.maps.base`), so a city map and a province map of
    one study share their extent, inset box and South China Sea dash line."""
    import shapely
    from shapely.geometry import MultiPolygon

    from gmindex.boundaries import ALBERS_CHINA, province_boundaries
    from gmindex.cities import city_boundaries
    from gmindex.maps.base import _layout

    import geopandas as gpd

    def main_part(native):
        """Drop polygon parts entirely south of the cut (they are in the inset)."""
        kept = [MultiPolygon([p for p in g.geoms if p.bounds[3] >= _MAIN_MIN_LAT])
                for g in native.geometry]
        projected = gpd.GeoSeries(kept, crs=native.crs).to_crs(ALBERS_CHINA).to_numpy()
        return shapely.simplify(projected, _SIMPLIFY, preserve_topology=True)

    frame = _layout()
    cities_native = city_boundaries(crs=None)
    cities = city_boundaries()
    prov = province_boundaries()
    city_main = main_part(cities_native)
    ix0, ix1, iy0, iy1 = frame.inset_extent
    clip = shapely.box(ix0, iy0, ix1, iy1)
    simplify = lambda geoms: shapely.simplify(np.asarray(geoms), _SIMPLIFY, preserve_topology=True)  # noqa: E731
    return {
        "codes": cities["code"].tolist(),
        "city_main": city_main,
        "city_inset": shapely.intersection(simplify(cities.geometry.to_numpy()), clip),
        "prov_main": main_part(province_boundaries(crs=None)),
        "prov_inset": shapely.intersection(simplify(prov.geometry.to_numpy()), clip),
        "dash": frame.dash,
        "dash_main": frame.dash_main,
        "other": frame.other_lines,
        "extent": frame.extent,
        "inset_extent": frame.inset_extent,
        "inset_box": frame.inset_box,
        "points": [max(shapely.get_parts(g), key=lambda p: p.area).representative_point()
                   if not g.is_empty else None for g in city_main],
    }


def _draw(ax, geoms, colours, hatches, lw, zorder=1, prefix="") -> None:
    from matplotlib.patches import PathPatch

    # one home for shapely -> matplotlib paths and for fills with a thin hatch
    from gmindex.maps.base import _apply_fill, _polygon_path

    for code, geom, face, hatch in zip(_layers()["codes"], geoms, colours, hatches):
        if geom is None or geom.is_empty:
            continue
        patch = PathPatch(_polygon_path(geom), edgecolor=_CITY_EDGE, linewidth=lw,
                          zorder=zorder, gid=f"{prefix}unit-{code}")
        _apply_fill(patch, {**_NODATA, "facecolor": face} if hatch else {"facecolor": face})
        patch.set_edgecolor(_CITY_EDGE)
        ax.add_artist(patch)


def _outlines(ax, geoms, lw) -> None:
    """Province borders as one line collection (hundreds of island rings: one artist
    draws and saves far faster than one line each)."""
    import shapely
    from matplotlib.collections import LineCollection

    rings = [np.asarray(ring.coords)[:, :2] for geom in geoms
             for poly in shapely.get_parts(geom) for ring in (poly.exterior, *poly.interiors)]
    coll = LineCollection(rings, colors=_PROVINCE_EDGE, linewidths=lw, zorder=3,
                          joinstyle="round", capstyle="round")
    coll.set_gid("province-outline")
    ax.add_collection(coll, autolim=False)


def _lines(ax, geom, **kw) -> None:
    import shapely

    for part in shapely.get_parts(geom):
        if part.is_empty:
            continue
        xy = np.asarray(part.coords)
        ax.plot(xy[:, 0], xy[:, 1], zorder=4, **kw)


def _font(lang: str) -> list[str]:
    from gmindex.figstyle import font_family

    return font_family(lang)


def _fills(values: pd.Series, colour_of, sample: set[str] | None):
    lay = _layers()
    faces, hatches, kinds = [], [], []
    for code in lay["codes"]:
        v = values.get(code, np.nan)
        if code in values.index and not pd.isna(v):
            faces.append(colour_of(code))
            hatches.append("")
            kinds.append("value")
        elif code in _NON_MAINLAND or (sample is not None and code in sample) or (
                sample is None and code in values.index):
            faces.append(_NODATA["facecolor"])
            hatches.append(_NODATA["hatch"])
            kinds.append("no_data")
        else:
            faces.append(_NOT_IN_SAMPLE)
            hatches.append("")
            kinds.append("not_in_sample")
    return faces, hatches, kinds


def _base_map(ax, faces, hatches, *, lang, size, inset, credit):
    import matplotlib.pyplot as plt

    from gmindex.boundaries import credit_line
    from gmindex.maps import FIGURE_WIDTHS

    lay = _layers()
    x0, x1, y0, y1 = lay["extent"]
    if ax is None:
        width = FIGURE_WIDTHS[size]
        fig = plt.figure(figsize=(width, width * (y1 - y0) / (x1 - x0)))
        ax = fig.add_axes((0, 0, 1, 1))
    lw = 0.12 if size == "single" else 0.18
    _draw(ax, lay["city_main"], faces, hatches, lw)
    _outlines(ax, lay["prov_main"], lw * 2.2)
    _lines(ax, lay["dash_main"], color="#1a1a1a", lw=lw * 4, gid="dashline")
    _lines(ax, lay["other"], color=_CITY_EDGE, lw=lw, gid="boundary-line")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    from gmindex.maps._common import _style
    from gmindex.maps.base import _north_arrow, _scalebar

    style = _style(size, lang, False)
    fs = _FONT[size]
    family = _font(lang)
    if inset:
        ins = ax.inset_axes(lay["inset_box"], transform=ax.transData)
        ins.set_label("south_china_sea_inset")
        _draw(ins, lay["city_inset"], faces, hatches, lw, prefix="inset-")
        _outlines(ins, lay["prov_inset"], lw * 2.2)
        _lines(ins, lay["dash"], color="#1a1a1a", lw=lw * 4, gid="dashline")
        ix0, ix1, iy0, iy1 = lay["inset_extent"]
        ins.set_xlim(ix0, ix1)
        ins.set_ylim(iy0, iy1)
        ins.set_aspect("equal", adjustable="box")
        ins.set_xticks([])
        ins.set_yticks([])
        ins.set_facecolor("white")
        for spine in ins.spines.values():
            spine.set_linewidth(0.6)
            spine.set_edgecolor("#1a1a1a")
        name = _TEXT[lang]["inset"]
        if size == "single" and lang == "en":  # as the province maps: two lines in one column
            name = name.replace(" Islands", "\nIslands")
        ins.text(1.0, 1.015, name, transform=ins.transAxes, ha="right",
                 va="bottom", fontsize=fs * 0.85, fontfamily=family, gid="inset-title")
        _scalebar(ins, ix0 + 0.64 * (ix1 - ix0), iy0 + 0.03 * (iy1 - iy0), 500, style,
                  role="small", height=0.018, middle=False)
    # Scale bar and north arrow where the province maps have them.
    _scalebar(ax, x0 + 0.27 * (x1 - x0), y0 + 0.04 * (y1 - y0), 1000, style, role="small")
    _north_arrow(ax, style)
    if credit:
        ax.text(0.005, 0.004, credit_line(lang), transform=ax.transAxes, ha="left", va="bottom",
                fontsize=fs * 0.8, color="#404040", fontfamily=family, gid="credit")
    return ax


def _legend(ax, entries, *, title, lang, size):
    from matplotlib.patches import Patch

    from gmindex.maps.base import _apply_fill

    handles = []
    for label, fill in entries:
        h = Patch(edgecolor=_CITY_EDGE, linewidth=0.4, label=label)
        _apply_fill(h, fill)
        h.set_edgecolor(_CITY_EDGE)
        handles.append(h)
    props = {"family": _font(lang), "size": _FONT[size]}
    leg = ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 0.035),
                    frameon=False, prop=props, title=title,
                    title_fontproperties=props, alignment="left", handlelength=1.6,
                    labelspacing=0.3)
    leg.set_gid("legend")
    return leg


def _values(data: pd.DataFrame, column: str) -> pd.Series:
    from gmindex.cities import city_boundaries

    missing = [c for c in ("code", column) if c not in data.columns]
    if missing:
        raise ValueError(f"data lacks column(s) {missing}; it needs 'code' (six-digit city "
                         f"code) and {column!r}; columns present: {list(data.columns)}")
    codes = data["code"].astype(str).str.strip()
    if codes.duplicated().any():
        raise ValueError(f"more than one row for codes {sorted(set(codes[codes.duplicated()]))}; "
                         "select one year first")
    known = set(city_boundaries(crs=None)["code"])
    unknown = sorted(set(codes) - known)
    if unknown:
        raise ValueError(f"codes without a city polygon: {unknown}; historical units "
                         "(巢湖 341400, 莱芜 371200) cannot be mapped on today's boundaries")
    return pd.Series(data[column].to_numpy(dtype=float), index=codes.to_numpy())


def _label_extremes(ax, values: pd.Series, n: int, lang: str, size: str) -> None:
    """Name the top and bottom ``n`` cities; names that would overlap move down a line
    (with a leader line to the city)."""
    from matplotlib import patheffects

    from gmindex.cities import city_registry

    lay = _layers()
    reg = city_registry()
    v = values.dropna().sort_values(kind="stable")
    chosen = list(v.index[-n:][::-1]) + list(v.index[:n])
    pos = {c: p for c, p in zip(lay["codes"], lay["points"])}
    fs = _FONT[size] * 0.8
    x0, x1 = lay["extent"][:2]
    per_point = (x1 - x0) / (ax.get_position().width * ax.figure.get_figwidth() * 72)
    line = 1.3 * fs * per_point  # one text line in data units
    placed: list[tuple[float, float, float]] = []  # x, y, half width
    for code in dict.fromkeys(chosen):
        p = pos.get(code)
        if p is None:
            continue
        name = reg.label(code, "zh" if lang == "zh" else "en") if code in reg else code
        half = 0.5 * len(name) * fs * per_point * (1.0 if lang == "zh" else 0.6)
        x, y = p.x, p.y
        while any(abs(x - px) < half + ph and abs(y - py) < line for px, py, ph in placed):
            y -= line
        placed.append((x, y, half))
        if y != p.y:
            ax.plot([p.x, x], [p.y, y + 0.4 * line], color="#1a1a1a", lw=0.35, zorder=5,
                    gid=f"leader-{code}")
        t = ax.text(x, y, name, ha="center", va="center", fontsize=fs,
                    fontfamily=_font(lang), zorder=6, gid=f"label-{code}")
        t.set_path_effects([patheffects.withStroke(linewidth=1.2, foreground="white")])


def city_choropleth(
    data: pd.DataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: Any = None,
    classes: Any = None,
    sample: Iterable[str] | None = None,
    ax: Any = None,
    lang: str = "en",
    size: str = "double",
    legend: bool = True,
    legend_title: str | None = None,
    label_top: int = 0,
    inset: bool = True,
    credit: bool = True,
) -> Any:
    """Choropleth of one value per city.

    Parameters
    ----------
    data : DataFrame
        ``code`` (six-digit city code) and ``column``, one row per city.
    column : str
    scheme, k, bins, cmap, classes
        Classification, as in :func:`gmindex.maps.classify` (or a ready
        :class:`gmindex.maps.MapClasses` shared by several maps).
    sample : iterable of str, optional
        Cities that belong to the sample (e.g. all cities the source covers).
        Those without a value are drawn as "no data" (hatched); every other
        unit as "not in sample".  Default: the codes of ``data``.
    ax : Axes, optional
    lang : {"en", "zh"}
    size : {"single", "double"}
        88 mm or 180 mm wide figure and matching font size.
    legend, legend_title
    label_top : int
        Name the ``label_top`` highest and lowest cities (0: no names).
    inset, credit : bool
        South China Sea inset; credit line with the review number.

    Returns
    -------
    Axes
    """
    from gmindex.maps import classify

    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    if size not in _FONT:
        raise ValueError(f"size must be 'single' or 'double', got {size!r}")
    values = _values(data, column)
    if classes is None:
        classes = classify(values.dropna(), scheme=scheme, k=k, bins=bins, cmap=cmap)
    idx = dict(zip(values.index, classes.assign(values.to_numpy())))
    sample_set = set(map(str, sample)) if sample is not None else None
    faces, hatches, kinds = _fills(values, lambda c: classes.colors[idx[c]], sample_set)
    ax = _base_map(ax, faces, hatches, lang=lang, size=size, inset=inset, credit=credit)
    if label_top:
        _label_extremes(ax, values, int(label_top), lang, size)
    if legend:
        from gmindex.maps.legend import _legend_title

        entries = [(lab, {"facecolor": col}) for lab, col in zip(classes.labels, classes.colors)]
        entries += [(_TEXT[lang]["no_data"], _NODATA),
                    (_TEXT[lang]["not_in_sample"], {"facecolor": _NOT_IN_SAMPLE})]
        name = legend_title if legend_title is not None else (
            _TEXT[lang]["score"] if column == "score" else None)
        # As on the province maps: the variable, then the classification method (and,
        # at double width, the years its bounds were computed on); the bounds are the
        # entries.
        title = _legend_title(name, column, None, classes, lang, basis=size == "double")
        _legend(ax, entries, title=title, lang=lang, size=size)
    ax.gmindex_classes = classes
    return ax


def city_lisa_map(lisa: pd.DataFrame, *, sample: Iterable[str] | None = None, ax: Any = None,
                  lang: str = "en", size: str = "double", alpha: float | None = 0.05,
                  permutations: int | None = None) -> Any:
    """LISA cluster map of cities (``code, cluster`` with HH, LL, HL, LH, ns).

    The legend states the year (when ``lisa`` has one), the significance
    level ``alpha`` the clusters were labelled with and the ``permutations``
    behind the pseudo p-values (``None``: not stated); the weights belong in
    the caption.
    """
    from gmindex.maps.lisa import _method_note

    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    if size not in _FONT:
        raise ValueError(f"size must be 'single' or 'double', got {size!r}")
    values = _values(lisa.assign(v=0.0), "v")
    cluster = dict(zip(lisa["code"].astype(str), lisa["cluster"].astype(str)))
    bad = sorted(set(cluster.values()) - set(_LISA_COLOURS))
    if bad:
        raise ValueError(f"unknown LISA clusters {bad}; expected {sorted(_LISA_COLOURS)}")
    sample_set = set(map(str, sample)) if sample is not None else None
    faces, hatches, _ = _fills(values, lambda c: _LISA_COLOURS[cluster[c]], sample_set)
    ax = _base_map(ax, faces, hatches, lang=lang, size=size, inset=True, credit=True)
    counts = pd.Series(list(cluster.values())).value_counts()
    entries = [(f"{_TEXT[lang][c]} ({int(counts.get(c, 0))})", {"facecolor": col})
               for c, col in _LISA_COLOURS.items()]
    entries += [(_TEXT[lang]["no_data"], _NODATA),
                (_TEXT[lang]["not_in_sample"], {"facecolor": _NOT_IN_SAMPLE})]
    title = _TEXT[lang]["lisa"]
    years = lisa["year"].unique() if "year" in lisa.columns else []
    if len(years) == 1:
        title += f", {int(years[0])}" if lang == "en" else f"，{int(years[0])}年"
    note = _method_note(alpha, None, permutations, lang)
    _legend(ax, entries, title=f"{title}\n{note}" if note else title, lang=lang, size=size)
    return ax


_CAPTIONS = {
    "en": {
        "score": "Green manufacturing index of the prefecture-level cities, {year} (default "
                 "city index, data/spec_city.toml). {classes}: one classification for the maps "
                 "of all years, so a colour means the same score in each.{named}",
        "named": " The {n} highest and the {n} lowest cities are named.",
        "lisa": "Local Moran (LISA) clusters of the city score, {year}: queen contiguity among "
                "the cities in the index (a city without a contiguous neighbour in the sample "
                "linked to its nearest sample city), row-standardised; clusters at "
                "permutation p < {alpha:g}{perm}.",
        "perm": " ({n} permutations)",
        "tail": " Hatched: no data (a city of the sample without a value; Taiwan, Hong Kong and "
                "Macau, without city data); light grey: not in "
                "the sample (units the city yearbook does not cover, e.g. autonomous "
                "prefectures); dark lines: province borders. Albers equal-area projection; "
                "South China Sea islands in the inset. {credit}",
    },
    "zh": {
        "score": "{year}年地级市绿色制造指数（默认城市指数，data/spec_city.toml）。{classes}："
                 "各年份地图采用同一分级，同一颜色代表相同得分。{named}",
        "named": "图中标注得分最高与最低的各 {n} 个城市。",
        "lisa": "{year}年城市得分局部 Moran（LISA）集聚类型：样本城市间 Queen 邻接（样本内无邻接"
                "城市者与最近的样本城市相连），行标准化；置换检验 p < {alpha:g}{perm}。",
        "perm": "（{n} 次置换）",
        "tail": "斜线填充：无数据（样本内缺失数值的城市；台湾、香港、澳门无城市数据）；浅灰：不在样本内（城市统计年鉴未覆盖的"
                "单元，如自治州）；深色线为省界。Albers 等积投影，南海诸岛见附图。{credit}",
    },
}


def save_city_maps(result: Any, outdir: str | Path, *, lisa: pd.DataFrame | None = None,
                   sample: Iterable[str] | None = None, langs: Sequence[str] = ("en", "zh"),
                   widths: Sequence[str] = ("double", "single"),
                   formats: Sequence[str] = ("png", "pdf", "svg"), label_top: int = 5,
                   dpi: int = 300, alpha: float = 0.05,
                   permutations: int | None = None) -> list[Path]:
    """Write the city score map of every year (one classification) and the LISA map.

    Every map in each language of ``langs`` and each printed width of
    ``widths`` (:func:`gmindex.figstyle.save_variants`): stems
    ``city_map_score_<year>`` and ``city_map_lisa_<year>``, with ``_single``
    for 88 mm and ``_zh`` for Chinese, each with its caption
    (``<stem>.caption.md``: data, classification, weights, credit).
    ``sample`` defaults to every city with a row in the result's panel, so
    cities dropped by the missing-data rule show as "no data".  ``alpha`` and
    ``permutations`` are stated on the LISA map.
    """
    from gmindex.boundaries import credit_line
    from gmindex.figstyle import save_variants
    from gmindex.maps import classify

    scores = result.scores
    if sample is None:
        sample = sorted(set(result.panel["code"].astype(str)) & set(_layers()["codes"]))
    years = sorted(int(y) for y in scores["year"].unique())
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}"
    classes = classify(scores["score"], scheme="quantiles", k=5,
                       basis=span if len(years) > 1 else "")
    outdir = Path(outdir)
    written: list[Path] = []

    def caption(key: str, **kw: Any) -> dict[str, str]:
        out = {}
        for lang, words in _CAPTIONS.items():
            named = words["named"].format(n=label_top) if label_top else ""
            perm = words["perm"].format(n=permutations) if permutations else ""
            out[lang] = words[key].format(classes=classes.describe(lang), named=named, perm=perm, alpha=alpha, **kw) \
                + words["tail"].format(credit=credit_line(lang, full=True))
        return out

    for year, block in scores.groupby("year"):
        def draw(lang: str, width: str, block: pd.DataFrame = block) -> Any:
            return city_choropleth(block, "score", classes=classes, sample=sample, lang=lang,
                                   size=width, label_top=label_top).figure

        written += save_variants(draw, outdir / f"city_map_score_{int(year)}", langs=langs,
                                 widths=widths, keep=None, formats=tuple(formats), dpi=dpi,
                                 caption=caption("score", year=int(year)))
    if lisa is not None:
        year = int(lisa["year"].iloc[0]) if "year" in lisa.columns else years[-1]
        written += save_variants(
            lambda lang, width: city_lisa_map(lisa, sample=sample, lang=lang, size=width,
                                              alpha=alpha, permutations=permutations).figure,
            outdir / f"city_map_lisa_{year}", langs=langs, widths=widths, keep=None,
            formats=tuple(formats), dpi=dpi, caption=caption("lisa", year=year))
    return written
