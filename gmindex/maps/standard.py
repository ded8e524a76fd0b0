"""The standard map set of a study, written in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from gmindex.maps._common import _TEXT
from gmindex.maps._inputs import _panel
from gmindex.maps.choropleth import change_map, choropleth, small_multiples
from gmindex.maps.classification import classify
from gmindex.maps.lisa import _lisa_clusters, lisa_map
from gmindex.maps.regions import region_map


# ---------------------------------------------------------------------------
# saving


_CAPTIONS = {
    "en": {
        "score": "{title} by province, {year}. {classes}; the same classes as in "
                 "map_score_years.",
        "years": "{title} by province, {start}–{end}, one panel per year on one scale. "
                 "{classes}.",
        "change": "Change in the {title_lc} by province, {start} to {end}. {classes} "
                  "(zero is a class edge; empty classes merged).",
        "regions": "Region schemes of the study: the NBS four regions (east, central, west, "
                   "northeast) and the three belts.",
        "lisa": "Local Moran (LISA) clusters of the {title_lc}, {year}. {note}",
        "tail": " Hatched: no data (a province dropped for missing data); pale grey: not in "
                "the sample (Taiwan, Hong Kong, Macau). Albers equal-area projection; South "
                "China Sea islands in the inset. {credit}",
    },
    "zh": {
        "score": "{year}年各省{title}。{classes}；分级与 map_score_years 相同。",
        "years": "{start}–{end}年各省{title}，每年一幅，色阶统一。{classes}。",
        "change": "{start}–{end}年各省{title}变化。{classes}（0 为分级界线，空级已合并）。",
        "regions": "研究采用的区域划分：国家统计局四大区域（东部、中部、西部、东北）与三大地带。",
        "lisa": "{year}年{title}局部 Moran 指数（LISA）集聚类型。{note}",
        "tail": "斜线填充：无数据（因缺失数据剔除的省份）；浅灰：不在样本内（台湾、香港、澳门）。"
                "Albers 等积投影，南海诸岛见附图。{credit}",
    },
}


def save_standard_maps(
    result_or_scores: Any,
    outdir: str | Path = "figures",
    *,
    lisa: pd.DataFrame | None = None,
    lang: str = "en",
    column: str = "score",
    formats: Sequence[str] = ("png", "pdf", "svg"),
    dpi: int = 300,
    scheme: str = "natural_breaks",
    k: int = 5,
    bins: Sequence[float] | None = None,
    width: str = "double",
    credit: bool | str = True,
    alpha: float | None = None,
    weights: str | None = None,
    permutations: int | None = None,
    title: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the standard map set as PNG (300 dpi), PDF and SVG, with captions.

    Maps: the latest year's choropleth with labels (``map_score_<year>``), the
    small multiples of all years (``map_score_years``), the change from the
    first to the last year (``map_score_change_<start>_<end>``), the region
    schemes (``map_regions``) and, if ``lisa`` is given, the LISA clusters
    (``map_lisa_<year>`` when the frame has one ``year``, else ``map_lisa``).
    With ``lang="zh"`` every stem ends in ``_zh``, with ``width="single"`` in
    ``_single``.  Each map gets a ``<stem>.caption.md`` naming the data, the
    classification and the credit.

    The latest-year map and the small multiples share ONE classification,
    computed on the values of all years pooled, so a colour means the same
    score on both; the legend states the method and the years pooled.

    Parameters
    ----------
    result_or_scores : IndexResult or DataFrame
        An index result or its ``scores`` frame (``code, year, score``).
    outdir : path
        Output folder (created if needed).
    lisa : DataFrame, optional
        ``code, cluster`` as for :func:`~gmindex.maps.lisa_map`.
    lang : {"en", "zh"}
    column : str
        Score column to map.
    formats : sequence of str
    dpi : int
    scheme, k, bins
        Classification of the score maps (see :func:`~gmindex.maps.classify`);
        default natural breaks (Fisher–Jenks), which keeps an outlier such as
        Beijing from stretching a quantile class.
    width : {"single", "double"}
        88 mm or 180 mm.
    credit : bool or "full"
        ``"full"`` prints the whole standard-map wording.
    alpha, weights, permutations
        LISA significance level, weights in words and permutations, stated on
        the LISA map (see :func:`~gmindex.maps.lisa_map`).
    title : mapping {"en": ..., "zh": ...}, optional
        Name of the mapped value for legends and captions (default the
        green manufacturing index / 绿色制造指数 for ``"score"``).

    Returns
    -------
    list of Path
        The files written.
    """
    import matplotlib.pyplot as plt

    from gmindex.boundaries import credit_line
    from gmindex.figstyle import save_figure

    # Check every input before the first file is written.
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    if width not in ("single", "double"):
        raise ValueError(f"width must be 'single' or 'double', got {width!r}")
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
    suffix = "_single" if width == "single" else ""
    outdir = Path(outdir)
    if title is None:
        title = ({"en": "Green manufacturing index", "zh": "绿色制造指数"} if column == "score"
                 else {"en": column.replace("_", " ").capitalize(), "zh": column})
    name = title[lang]
    legend_title = "Score" if (column == "score" and lang == "en") else (
        "得分" if column == "score" else name)
    classes = classify(frame[column], scheme=scheme, k=k, bins=bins, basis=f"{start}–{end}")
    ncols = 3 if width == "double" else 2
    words = _CAPTIONS[lang]
    tail = words["tail"].format(credit=credit_line(lang, full=True))

    def caption(key: str, **kw: Any) -> str:
        return words[key].format(title=name, title_lc=name[:1].lower() + name[1:],
                                 start=start, end=end, **kw) + tail

    change_ax: list[Any] = []

    def change() -> Any:
        ax = change_map(frame, column=column, start=start, end=end, lang=lang, labels=True,
                        size=width, credit=credit)
        change_ax.append(ax)
        return ax.figure

    jobs: list[tuple[str, Any, Any]] = [
        (f"map_score_{end}", lambda: choropleth(
            frame[frame["year"] == end], column, lang=lang, labels=True, classes=classes,
            legend_title=legend_title, size=width, title=None, credit=credit).figure,
         lambda: caption("score", year=end, classes=classes.describe(lang))),
        ("map_score_years", lambda: small_multiples(
            frame, column, lang=lang, legend_title=legend_title, classes=classes,
            size=width, ncols=ncols, credit=credit),
         lambda: caption("years", classes=classes.describe(lang))),
        (f"map_score_change_{start}_{end}", change,
         lambda: caption("change", classes=change_ax[-1].gmindex_classes.describe(lang))),
        ("map_regions", lambda: region_map(lang=lang, size=width, credit=credit),
         lambda: words["regions"] + tail),
    ]
    if lisa is not None:
        from gmindex.maps.lisa import _method_note

        lisa_years = lisa["year"].unique() if "year" in lisa.columns else []
        lisa_stem = f"map_lisa_{int(lisa_years[0])}" if len(lisa_years) == 1 else "map_lisa"
        note = _method_note(
            alpha if alpha is not None else lisa.attrs.get("alpha"),
            weights if weights is not None else lisa.attrs.get("weights"),
            permutations if permutations is not None else lisa.attrs.get("permutations"),
            lang).replace("\n", "; ")
        jobs.append((lisa_stem, lambda: lisa_map(
            lisa, lang=lang, labels=True, size=width, alpha=alpha, weights=weights,
            permutations=permutations, credit=credit).figure,
            lambda: caption("lisa", year=int(lisa_years[0]) if len(lisa_years) == 1 else end,
                            note=note + ("." if lang == "en" and note else "。" if note else ""))))
    written: list[Path] = []
    for stem, make, text in jobs:
        fig = make()
        try:
            written += save_figure(fig, outdir / f"{stem}{suffix}", formats=tuple(formats),
                                   dpi=dpi, lang=lang, caption=text())
        finally:
            plt.close(fig)
    return written
