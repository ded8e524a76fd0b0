"""Publication maps of China's provinces: choropleths, small multiples, change, LISA, regions.

Modules: :mod:`~gmindex.maps.base` (projection, inset, borders, labels, scale bar,
north arrow, credit), :mod:`~gmindex.maps.classification`, :mod:`~gmindex.maps.legend`,
:mod:`~gmindex.maps.choropleth`, :mod:`~gmindex.maps.lisa`, :mod:`~gmindex.maps.regions`
:mod:`~gmindex.maps.standard` (the study's map set) and :mod:`~gmindex.maps.units`
(any unit layer, e.g. cities, over the province base map).

Every map shows all 34 province-level units of the Tianditu 2024 standard map
(:mod:`gmindex.boundaries`, review no. GS(2024)0650) in an Albers equal-area
projection, with the South China Sea islands in an inset box at the bottom
right, a scale bar, a north arrow and a credit line carrying the review number
(or, with ``credit="full"``, the whole standard-map wording).  A province of
the sample without a value (Tibet in the default index) is drawn hatched as
"no data"; Taiwan, Hong Kong and Macau, outside the sample, are drawn pale
grey as "not in sample"; neither is left blank.  Every legend of a classified
map states the method and the values the bounds were computed on.

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
>>> codes = [c for c in default_registry().codes if c != "54"]  # Tibet left out
>>> demo = pd.DataFrame({"code": codes, "score": range(len(codes))})  # demo values
>>> ax = choropleth(demo, "score", k=4)
>>> unit = {p.get_gid(): p for p in ax.patches}
>>> unit["unit-54"].get_hatch(), unit["unit-71"].get_hatch()  # no data, not in sample
('////', None)
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

from gmindex.figstyle import use_cjk_font
from gmindex.maps._common import FIGURE_WIDTHS, LISA_CATEGORIES
from gmindex.maps.base import map_panels
from gmindex.maps.choropleth import change_map, choropleth, small_multiples
from gmindex.maps.classification import SCHEMES, MapClasses, change_classes, classify
from gmindex.maps.lisa import lisa_map
from gmindex.maps.regions import region_map
from gmindex.maps.standard import save_standard_maps
from gmindex.maps.units import unit_map

__all__ = [
    "FIGURE_WIDTHS",
    "LISA_CATEGORIES",
    "SCHEMES",
    "MapClasses",
    "change_classes",
    "change_map",
    "choropleth",
    "classify",
    "lisa_map",
    "map_panels",
    "region_map",
    "save_standard_maps",
    "small_multiples",
    "unit_map",
    "use_cjk_font",
]
