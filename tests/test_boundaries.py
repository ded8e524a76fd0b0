"""Tests for gmindex.boundaries (province polygons and boundary lines)."""

from __future__ import annotations

import pytest

from gmindex import boundaries
from gmindex.boundaries import (
    ALBERS_CHINA,
    MAP_REVIEW_NUMBER,
    NON_MAINLAND_CODES,
    boundary_lines,
    credit_line,
    province_boundaries,
)
from gmindex.provinces import default_registry


def test_34_units_with_codes_and_names():
    gdf = province_boundaries()
    assert len(gdf) == 34
    assert list(gdf.columns) == ["code", "name_zh", "geometry"]
    assert gdf["code"].is_unique
    assert gdf["code"].str.fullmatch(r"\d{2}").all()
    assert set(gdf["code"]) == set(default_registry().codes) | {"71", "81", "82"}
    assert set(NON_MAINLAND_CODES) == {"71", "81", "82"}


def test_mainland_names_agree_with_registry():
    # Codes come from the `gb` field, names from `name`: two independent fields.
    reg = default_registry()
    gdf = province_boundaries(crs=None).set_index("code")
    for code in reg.codes:
        assert reg.to_code(gdf.loc[code, "name_zh"]) == code
    assert gdf.loc["71", "name_zh"] == "台湾省"
    assert gdf.loc["81", "name_zh"] == "香港特别行政区"
    assert gdf.loc["82", "name_zh"] == "澳门特别行政区"


def test_geometries_valid_multipolygons():
    gdf = province_boundaries()
    assert gdf.is_valid.all()
    assert (gdf.geom_type == "MultiPolygon").all()
    assert not gdf.is_empty.any()


def test_heilongjiang_repaired_without_losing_area():
    import geopandas as gpd
    import shapely

    raw = gpd.read_file(boundaries.boundary_file())
    source = raw.loc[raw["gb"] == "156230000"].geometry.iloc[0]
    assert not shapely.is_valid(source)  # the reason for make_valid
    repaired = province_boundaries(crs=None).set_index("code").loc["23", "geometry"]
    assert repaired.area == pytest.approx(source.area, rel=1e-9)


def test_native_crs_and_extent():
    gdf = province_boundaries(crs=None)
    assert gdf.crs.to_epsg() == 4490
    minx, miny, maxx, maxy = gdf.total_bounds
    # China: about 73-135°E, Zengmu Ansha near 4°N, Mohe near 53.5°N.
    assert 73 < minx < 74 and 134 < maxx < 136
    assert 3 < miny < 5 and 53 < maxy < 54


def test_albers_crs():
    gdf = province_boundaries()
    assert gdf.crs.equals(ALBERS_CHINA)
    op = gdf.crs.coordinate_operation
    assert op.method_name == "Albers Equal Area"
    params = {p.name: p.value for p in op.params}
    assert params["Latitude of 1st standard parallel"] == 25
    assert params["Latitude of 2nd standard parallel"] == 47
    assert params["Longitude of false origin"] == 105
    # Equal-area: Xinjiang about 1.66 million km², Beijing about 16 400 km².
    area = gdf.set_index("code").area / 1e6
    assert area["65"] == pytest.approx(1.66e6, rel=0.05)
    assert area["11"] == pytest.approx(1.64e4, rel=0.05)


def test_dash_line_present_at_low_latitude():
    lines = boundary_lines(crs=None)
    assert len(lines) == 8
    assert set(lines["kind"]) == {"south_china_sea_dashline", "other"}
    dash = lines[lines["kind"] == "south_china_sea_dashline"]
    assert len(dash) == 1
    minx, miny, maxx, maxy = dash.total_bounds
    assert miny < 5  # reaches James Shoal
    assert 108 < minx and maxx < 125
    other = lines[lines["kind"] == "other"]
    assert other.bounds["miny"].min() > 18
    assert boundary_lines().crs.equals(ALBERS_CHINA)


def test_copies_do_not_leak_into_cache():
    first = province_boundaries()
    first.loc[0, "name_zh"] = "changed"
    first["extra"] = 1
    again = province_boundaries()
    assert again.loc[0, "name_zh"] == "北京市"
    assert "extra" not in again.columns


def test_credit_and_review_number():
    assert MAP_REVIEW_NUMBER == "GS(2024)0650"
    assert MAP_REVIEW_NUMBER in credit_line("en")
    assert credit_line("zh") == "审图号：GS(2024)0650"
    with pytest.raises(ValueError, match="lang"):
        credit_line("fr")
