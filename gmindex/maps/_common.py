"""Shared settings of the maps: widths, font sizes, words, palettes, the text style."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gmindex.figstyle import REGION_COLOURS, WIDTHS_MM, font_family, region_name, text

#: Figure widths in inches: one journal column (88 mm) or the full page (180 mm).
FIGURE_WIDTHS: dict[str, float] = {k: round(v / 25.4, 4) for k, v in WIDTHS_MM.items()}
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
# One colour per region on maps and charts alike (gmindex.figstyle).
_REGION_COLOURS = REGION_COLOURS
_REGION_GREYS = {"east": "#252525", "central": "#969696", "west": "#d9d9d9", "northeast": "#636363"}

# Words only maps use; the words maps share with the charts (no data, not in sample, region
# and scheme names) come from gmindex.figstyle, their one home.
_MAP_TEXT = {
    "en": {
        "north": "N",
        "inset": "South China Sea Islands",
        "km": "km",
        "HH": "High–high",
        "LL": "Low–low",
        "HL": "High–low",
        "LH": "Low–high",
        "ns": "Not significant",
        "change": "Change in {column}, {start}–{end}",
        "lisa": "LISA cluster",
    },
    "zh": {
        "north": "北",
        "inset": "南海诸岛",
        "km": "千米",
        "HH": "高–高",
        "LL": "低–低",
        "HL": "高–低",
        "LH": "低–高",
        "ns": "不显著",
        "change": "{column}变化，{start}–{end}年",
        "lisa": "LISA 集聚类型",
    },
}
_TEXT = {
    lang: {
        **{key: text(key, lang) for key in ("no_data", "not_in_sample", "region")},
        **{key: region_name(key, lang)
           for key in ("east", "central", "west", "northeast", "region4", "region3")},
        **words,
    }
    for lang, words in _MAP_TEXT.items()
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
    "53": (101.6, 24.6), "54": (85.8, 33.5), "61": (109.1, 34.4),
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
_OUTSIDE_FACE = "#f2f2f2"
_MAIN_MIN_LAT = 17.5  # south of Hainan Island: the rest of the sea goes in the inset
_INSET_HEIGHT = 0.33  # inset box height as a share of the main map height
# Simplification tolerances (metres) to pick from: about half a pixel at 300 dpi
# for the drawn scale, so vector files stay small without a visible change.
_SIMPLIFY_LEVELS = (250.0, 500.0, 1000.0, 2000.0, 4000.0)


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

    def not_in_sample(self) -> dict[str, Any]:
        # Plain pale fill: units outside the study (Taiwan, Hong Kong, Macau
        # for provinces) are drawn, but unlike "no data" they were never asked for.
        return {"facecolor": "#ffffff" if self.greyscale else _OUTSIDE_FACE}


def _style(size: str | None, lang: str, greyscale: bool, ax: Any = None) -> _Style:
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    if size is None:
        width = ax.figure.get_figwidth() if ax is not None else FIGURE_WIDTHS["double"]
        size = "single" if width < 5 else "double"
    if size not in FIGURE_WIDTHS:
        raise ValueError(f"size must be one of {sorted(FIGURE_WIDTHS)}, got {size!r}")
    family = tuple(font_family(lang))
    return _Style(size, lang, family, _FONT_SIZES[size], bool(greyscale))


def _wrap(line: str, width: int) -> str:
    r"""Break a line (credit, legend note) into lines of about ``width`` characters.

    Chinese text breaks between characters (a Latin letter or digit counts as
    about half a character), after a comma or semicolon in the second half of
    the line when there is one, never inside a number or a Latin word, never
    before closing punctuation and never after an opening bracket.

    Examples
    --------
    >>> _wrap("显著性水平 p < 0.05（99 次置换）", 12)
    '显著性水平 p < 0.05\n（99 次置换）'
    >>> _wrap("Boundaries: Tianditu 2024", 14)
    'Boundaries:\nTianditu 2024'
    """
    import re
    import textwrap

    if not any("\u4e00" <= ch <= "\u9fff" for ch in line):
        return "\n".join(textwrap.wrap(line, width))
    lines: list[str] = []
    current, used = "", 0.0
    for token in re.findall(r"[^\u3000-\uffff]+|[\u3000-\uffff]", line):
        wide = token >= "\u3000"
        size = 1.0 if wide else 0.55 * len(token)
        closing = wide and token in "，。、；：）》」』！？"
        if current and used + size > width and not closing:
            cut = max(current.rfind(p) for p in "，；、")
            if cut >= len(current) // 2:  # break after the punctuation
                lines.append(current[:cut + 1].rstrip())
                current = current[cut + 1:].lstrip() + token
            elif current[-1] in "（《「『":  # an opening bracket goes with what it opens
                lines.append(current[:-1].rstrip())
                current = current[-1] + token
            else:
                lines.append(current.rstrip())
                current = token.lstrip()
            used = sum(1.0 if ch >= "\u3000" else 0.55 for ch in current)
        else:
            current, used = current + token, used + size
    lines.append(current.rstrip())
    return "\n".join(lines)
