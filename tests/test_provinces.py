"""Tests for gmindex.provinces: names, aliases, regions, pluggable registries."""

import pandas as pd
import pytest

from gmindex.provinces import Registry, UnknownUnitError, default_registry, normalize_name

REG = default_registry()


@pytest.mark.parametrize(
    "name, code",
    [
        ("内蒙古自治区", "15"), ("内蒙古", "15"), ("Inner Mongolia", "15"), ("Nei Mongol", "15"),
        ("Neimenggu", "15"), ("西藏", "54"), ("Xizang", "54"), ("Tibet", "54"),
        ("山西省", "14"), ("Shanxi", "14"), ("陕西", "61"), ("Shaanxi", "61"),
        ("广西壮族自治区", "45"), ("新疆维吾尔自治区", "65"), ("宁夏回族自治区", "64"),
        ("北京市", "11"), ("  北 京 ", "11"), ("ＢＥＩＪＩＮＧ", "11"), ("北京①", "11"),
        ("Guangdong Province", "44"), ("Shanghai Municipality", "31"), ("HN", "43"), ("HI", "46"),
        ("44", "44"),
    ],
)
def test_names_map_to_codes(name, code):
    assert REG.to_code(name) == code


def test_shanxi_and_shaanxi_never_confused():
    assert REG.to_code("Shanxi") != REG.to_code("Shaanxi")
    assert REG.to_code("SX") == "14" and REG.to_code("SN") == "61"


def test_unknown_name_suggests_closest():
    with pytest.raises(UnknownUnitError, match=r"closest known: Shanxi \(14\), Shaanxi \(61\)"):
        REG.to_code("Shanxii")
    assert not REG.knows("Atlantis") and REG.knows("广东")


def test_regions_both_schemes():
    r4, r3 = REG.regions("region4"), REG.regions("region3")
    assert r4.value_counts().to_dict() == {"west": 12, "east": 10, "central": 6, "northeast": 3}
    assert r3.value_counts().to_dict() == {"west": 12, "east": 11, "central": 8}
    assert (r4["21"], r3["21"]) == ("northeast", "east")
    assert (r4["23"], r3["23"]) == ("northeast", "central")
    assert REG.region_order("region4") == ("east", "central", "west", "northeast")
    with pytest.raises(ValueError, match="unknown region scheme"):
        REG.regions("belts")


def test_registry_is_pluggable_and_checks_itself(tmp_path):
    cities = pd.DataFrame({"code": ["4401", "4403"], "name_en": ["Guangzhou", "Shenzhen"],
                           "name_zh": ["广州市", "深圳市"], "delta": ["PRD", "PRD"]})
    reg = Registry(cities, source="cities")
    assert reg.to_code("深圳") == "4403" and reg.schemes() == ["delta"]
    with pytest.raises(ValueError, match="duplicate codes"):
        Registry(pd.concat([cities, cities]), source="dup")
    path = tmp_path / "units.csv"
    cities.to_csv(path, index=False)
    assert Registry.from_csv(path).codes == ["4401", "4403"]


def test_normalize_name_strips_suffixes():
    assert normalize_name("广西壮族自治区") == normalize_name("广西")
    assert normalize_name("Hebei Province*") == "hebei"


@pytest.mark.parametrize(
    "name, code",
    [
        ("110000", "11"), ("650000", "65"), ("内蒙", "15"), ("新疆维吾尔", "65"),
        ("广西壮族", "45"), ("宁夏回族", "64"), ("廣東", "44"), ("廣東省", "44"),
        ("遼寧省", "21"), ("黑龍江省", "23"), ("陝西省", "61"), ("甘肅", "62"), ("貴州", "52"),
        ("雲南", "53"), ("江蘇", "32"), ("重慶市", "50"), ("內蒙古自治區", "15"),
        ("新疆維吾爾自治區", "65"), ("寧夏回族自治區", "64"), ("廣西壯族自治區", "45"),
    ],
)
def test_names_as_people_write_them(name, code):
    assert REG.to_code(name) == code


def test_six_digit_codes_need_a_two_digit_registry_code():
    # 110100 is Beijing's city district code, not a province: never truncated.
    assert not REG.knows("110100") and not REG.knows("990000")


@pytest.mark.parametrize("name, english", [
    ("香港", "Hong Kong"), ("香港特别行政区", "Hong Kong"), ("Hong Kong SAR", "Hong Kong"),
    ("澳門", "Macau"), ("Macao", "Macau"), ("臺灣", "Taiwan"), ("台湾省", "Taiwan"),
    ("710000", "Taiwan"),
])
def test_outside_the_mainland(name, english):
    from gmindex.provinces import outside_mainland

    assert outside_mainland(name) == english
    assert not REG.knows(name)


def test_registry_with_duplicate_code_names_the_rows(tmp_path):
    from gmindex.errors import DataError

    path = tmp_path / "reg.csv"
    path.write_text("code,name_en\n11,A\n12,B\n11,C\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        Registry.from_csv(path)
    assert str(info.value) == (
        f"{path}, row 2, column 'code': duplicate codes in the registry: ['11'] (rows [2, 4])."
        " Fix: give every unit its own code (one row per unit)")
