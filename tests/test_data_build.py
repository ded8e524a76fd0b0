"""Tests for the embedded default dataset (data/build.py and its outputs).

None of these needs the compiled source folder except the two tests marked as
such, which are skipped when it is absent (as on a user's machine).  Point
``GMINDEX_COMPILED_DATA`` at a folder holding the compiled ``panel.csv`` to
run them elsewhere.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import math
import os
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gmindex.provinces import default_registry

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
RAW = DATA / "raw"
COMPILED = Path(os.environ.get("GMINDEX_COMPILED_DATA", REPO.parent / "shared" / "data"))
needs_compiled = pytest.mark.skipif(
    not (COMPILED / "panel.csv").is_file(),
    reason=f"compiled source folder {COMPILED} not present",
)


def _load_build_module():
    spec = importlib.util.spec_from_file_location("gmindex_data_build", DATA / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build_module()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rebuilt")
    build.build(raw_dir=RAW, out_dir=out, spec_dir=DATA, verbose=False)
    return out


@pytest.fixture(scope="module")
def panel() -> list[dict[str, str]]:
    return _read_csv(DATA / "panel.csv")


@pytest.fixture(scope="module")
def values(panel) -> dict[tuple[str, str, int], float]:
    return {(r["indicator"], r["code"], int(r["year"])): float(r["value"]) for r in panel}


def _spec(name: str) -> dict:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


def _total(values, series: str, year: int) -> float:
    return sum(v for (s, _, y), v in values.items() if s == series and y == year)


# ------------------------------------------------------------------ rebuild


@pytest.mark.parametrize("name", ["panel.csv", "coverage.csv", "flags.csv"])
def test_rebuild_from_raw_is_byte_identical(rebuilt, name):
    committed = (DATA / name).read_bytes()
    assert (rebuilt / name).read_bytes() == committed, (
        f"data/{name} differs from a rebuild of data/raw; run `python data/build.py`"
    )
    assert b"\r" not in committed
    assert not committed.startswith(b"\xef\xbb\xbf")


def test_rebuild_twice_gives_same_bytes(tmp_path):
    build.build(raw_dir=RAW, out_dir=tmp_path, spec_dir=DATA, verbose=False)
    first = (tmp_path / "panel.csv").read_bytes()
    build.build(raw_dir=RAW, out_dir=tmp_path, spec_dir=DATA, verbose=False)
    assert (tmp_path / "panel.csv").read_bytes() == first


def test_checksums_match_files_and_provenance():
    listed = (DATA / "CHECKSUMS").read_text(encoding="utf-8")
    for line in listed.splitlines():
        digest, name = line.split("  ", 1)
        actual = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert actual == digest, f"data/{name} changed; run `python data/build.py`"
    names = {line.split("  ", 1)[1] for line in listed.splitlines()}
    assert {"panel.csv", "spec.toml", "raw/panel_raw.csv"} <= names
    provenance = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "```\n" + listed + "```" in provenance


# ------------------------------------------------------------------ panel contract


def test_panel_columns_sorting_and_years(panel):
    assert list(panel[0]) == ["code", "year", "indicator", "value", "unit", "source_id"]
    keys = [(r["indicator"], r["code"], int(r["year"])) for r in panel]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    years = {k[2] for k in keys}
    assert min(years) == 2010 and max(years) == 2023
    assert len(panel) == 10941  # 24+2 compiled series, 4 candidate series, 124 structural zeros


def test_panel_codes_units_values(panel):
    codes = set(default_registry().codes)
    units = defaultdict(set)
    for r in panel:
        assert r["code"] in codes
        units[r["indicator"]].add(r["unit"])
        v = float(r["value"])
        assert math.isfinite(v) and v >= 0
        assert r["value"] == repr(v)  # canonical, lossless text
    assert all(len(u) == 1 for u in units.values())
    assert set(units) == set(build.RAW_SERIES) | set(build.CANDIDATE_SERIES)


def test_every_source_id_is_documented(panel):
    sources = {r["source_id"]: r for r in _read_csv(RAW / "sources.csv")}
    used = {r["source_id"] for r in panel}
    assert used <= set(sources)
    for sid in used:
        rec = sources[sid]
        for field in ("repository", "commit", "official_table", "licence", "trust_grade"):
            assert rec[field], f"sources.csv: {sid} has an empty {field}"
        assert len(rec["commit"]) == 40


def test_panel_rows_are_raw_rows_plus_structural_zeros(panel):
    raw = {
        (r["indicator"], r["code"], int(r["year"])): r
        for r in _read_csv(RAW / "panel_raw.csv")
        if 2010 <= int(r["year"]) <= 2023
    }
    for name in build.CANDIDATE_FILES:
        for row in build.read_raw_panel(RAW / name):
            row = build.growth_as_index(row)
            if 2010 <= row.year <= 2023:
                raw[(row.indicator, row.code, row.year)] = {
                    "code": row.code, "year": str(row.year), "indicator": row.indicator,
                    "value": build.format_value(row.value), "unit": row.unit,
                    "source_id": row.source_id}
    added = []
    for r in panel:
        key = (r["indicator"], r["code"], int(r["year"]))
        if key in raw:
            assert r == raw[key]  # same value text, unit and source
        else:
            added.append(r)
    assert len(panel) - len(added) == len(raw)
    assert len(added) == 4 * 31
    assert {a["indicator"] for a in added} == set(build.GREEN_LIST_SERIES)
    assert {(a["year"], a["value"], a["source_id"]) for a in added} == {
        ("2016", "0.0", "gcp_miit_lists")
    }


def test_coverage_matches_panel(panel):
    codes = default_registry().codes
    have = defaultdict(set)
    for r in panel:
        have[(r["indicator"], int(r["year"]))].add(r["code"])
    rows = _read_csv(DATA / "coverage.csv")
    assert len(rows) == (len(build.RAW_SERIES) + len(build.CANDIDATE_SERIES)) * 14
    for row in rows:
        present = have[(row["series"], int(row["year"]))]
        assert int(row["n_provinces"]) == len(present)
        missing = row["missing_codes"].split(";") if row["missing_codes"] else []
        assert missing == [c for c in codes if c not in present]


# ------------------------------------------------------------------ flags


def test_flags_point_at_panel_cells(values):
    rows = _read_csv(DATA / "flags.csv")
    assert rows
    for r in rows:
        assert (r["series"], r["code"], int(r["year"])) in values
        assert r["flag"] in build.FLAG_TYPES
        assert r["note"]
    found = {(r["series"], r["code"], r["year"], r["flag"]) for r in rows}
    for expected in [
        ("secondary_va_100m_yuan", "65", "2016", "repeated_value"),
        ("env_protection_spending_100m_yuan", "12", "2019", "spike"),
        ("so2_industrial_10k_t", "11", "2016", "series_break"),
        ("energy_consumption_10k_tce", "23", "2018", "possible_fill"),
        ("hightech_revenue_100m_yuan", "44", "2018", "definition_change"),
        ("green_factories_cum", "54", "2016", "structural_zero"),
        ("energy_consumption_10k_tce", "22", "2016", "sources_disagree"),
        ("hightech_new_product_sales_10k_yuan", "15", "2019", "yoy_jump"),
    ]:
        assert expected in found
    # flagged cells keep their published values
    assert values[("secondary_va_100m_yuan", "65", 2015)] == 3446.1
    assert values[("secondary_va_100m_yuan", "65", 2016)] == 3446.1
    assert values[("env_protection_spending_100m_yuan", "12", 2019)] == 242.2857


# ------------------------------------------------------------------ specs


@pytest.mark.parametrize("name", build.SPEC_FILES)
def test_spec_series_are_in_panel_with_spec_unit(name, panel):
    spec = _spec(name)
    units = {r["indicator"]: r["unit"] for r in panel}
    listed = {s["id"]: s["unit"] for s in spec["series"]}
    for sid, unit in listed.items():
        assert units.get(sid) == unit, f"{name}: series {sid}"
    for ind in spec["indicator"]:
        assert ind["numerator"] in listed
        assert ind.get("denominator", ind["numerator"]) in listed


@pytest.mark.parametrize("name", build.SPEC_FILES)
def test_spec_indicators_cover_all_provinces_but_tibet(name, values):
    spec = _spec(name)
    years = spec["index"]["years"]
    codes = default_registry().codes
    complete_all = set(codes)
    for ind in spec["indicator"]:
        num, den = ind["numerator"], ind.get("denominator")
        complete = {
            c for c in codes
            if all(
                (num, c, y) in values
                and (den is None or values.get((den, c, y), 0) > 0)
                for y in years
            )
        }
        assert complete >= set(codes) - {"54"}, ind["id"]
        complete_all &= complete
    assert complete_all == set(codes) - {"54"}
    assert "30 provinces" in spec["index"]["notes"]


def test_default_spec_values_are_sensible(values):
    spec = _spec("spec.toml")
    assert spec["index"]["years"] == [2016, 2017, 2018, 2019, 2020]
    assert spec["index"]["missing"] == "drop_unit"
    by_id = {ind["id"]: ind for ind in spec["indicator"]}

    def derived(ind_id, code, year):
        ind = by_id[ind_id]
        den = values[(ind["denominator"], code, year)] if ind.get("denominator") else 1.0
        return ind.get("scale", 1.0) * values[(ind["numerator"], code, year)] / den

    # Hand-computed: Beijing 2020 energy 6762.1 万tce over GDP 38503.602 亿元 (nominal);
    # in 2016 prices real GDP is GDP 2016 chained with the growth indices 2017-2020
    beijing_energy = values[("energy_consumption_10k_tce", "11", 2020)]
    assert derived("energy_intensity", "11", 2020) == pytest.approx(beijing_energy / 38503.602)
    real = values[("gdp_100m_yuan", "11", 2016)]
    for y in (2017, 2018, 2019, 2020):
        real *= values[("gdp_index_prev_year_100", "11", y)] / 100
    assert by_id["energy_intensity"]["deflate"] == "denominator"
    assert spec["deflator"] == {**spec["deflator"], "nominal": "gdp_100m_yuan",
                                "growth_index": "gdp_index_prev_year_100", "base_year": 2016}
    from gmindex.derive import derive_indicators
    from gmindex.spec import read_spec
    import pandas as pd
    panel_df = pd.DataFrame(
        [{"code": c, "year": y, "indicator": s, "value": v} for (s, c, y), v in values.items()])
    got = derive_indicators(panel_df, read_spec(DATA / "spec.toml"), codes=["11"], years=[2020])
    assert got.matrix.loc[("11", 2020), "energy_intensity"] == pytest.approx(beijing_energy / real)
    assert real < 38503.602  # prices rose
    # National orders of magnitude (units stated in the spec)
    assert 0.3 < _total(values, "energy_consumption_10k_tce", 2020) / _total(
        values, "gdp_100m_yuan", 2020) < 0.6  # tce per 10,000 yuan
    assert derived("green_factories_density", "32", 2016) == 0.0
    assert 0 < derived("env_spending_share", "44", 2018) < 10  # percent
    assert 0 < derived("hightech_rd_industry", "44", 2020) < 10  # percent


def test_specs_parse_with_the_package_reader():
    from gmindex.spec import read_spec

    default = read_spec(DATA / "spec.toml")
    alternative = read_spec(DATA / "spec_alternative.toml")
    flat8 = read_spec(DATA / "spec_flat8.toml")
    assert len(default.indicators) == 15
    assert len(flat8.indicators) == 8
    assert set(flat8.indicator_ids) < set(alternative.indicator_ids)
    assert alternative.years == (2016, 2017, 2018, 2019)
    pillars = default.pillar_of()
    assert sorted(set(pillars.values())) == sorted(
        ["energy", "pollution", "green_system", "innovation", "structure", "governance"])
    # all four MIIT lists are in the default
    assert {i.numerator for i in default.indicators} >= set(build.GREEN_LIST_SERIES)


# ------------------------------------------------------------------ real numbers


def test_green_list_totals_match_official(values):
    assert _total(values, "green_factories_cum", 2020) == 2121
    assert _total(values, "green_supply_chain_firms_cum", 2020) == 189
    assert _total(values, "green_parks_cum", 2020) == 172  # official 171
    assert _total(values, "green_factories_cum", 2017) == 201  # batch 1
    assert _total(values, "green_factories_cum", 2016) == 0


def test_national_totals(values):
    assert _total(values, "so2_industrial_10k_t", 2016) == pytest.approx(770.3, abs=0.05)
    assert _total(values, "so2_industrial_10k_t", 2020) == pytest.approx(252.6, abs=0.05)
    assert _total(values, "invention_patents_granted", 2020) == 433771
    assert _total(values, "rd_expenditure_10k_yuan", 2020) / 1e4 == pytest.approx(
        24393.1, abs=0.05)
    assert _total(values, "industrial_va_100m_yuan", 2020) == pytest.approx(311623.3, abs=0.5)


def test_missing_cells_stay_missing(values):
    assert ("energy_consumption_10k_tce", "54", 2018) not in values
    assert ("electricity_consumption_100m_kwh", "37", 2020) not in values
    assert ("co2_mt", "11", 2020) not in values
    assert ("hightech_revenue_100m_yuan", "11", 2017) not in values


# ------------------------------------------------------------------ checks and refresh


def _row(code="11", year=2016, indicator="gdp_100m_yuan", value="1.0", unit="亿元",
         source_id="yml_master"):
    return build.Row(code, year, indicator, value, unit, source_id)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row(code="99")], "not in the province registry"),
        ([_row(), _row()], "duplicate"),
        ([_row(), _row(year=2017, unit="万元")], "more than one unit"),
        ([_row(source_id="nowhere")], "source_id"),
        ([_row(value="-2.5")], ">= 0"),
        ([_row(value="nan")], ">= 0"),
    ],
)
def test_check_rows_rejects_bad_input(rows, message):
    with pytest.raises(build.BuildError, match=message):
        build.check_rows(rows, codes=default_registry().codes, source_ids={"yml_master"})


def test_structural_zero_refuses_to_overwrite():
    rows = [_row(indicator="green_factories_cum", unit="家", value="3.0",
                 source_id="gcp_miit_lists")]
    with pytest.raises(build.BuildError, match="structural-zero"):
        build.add_structural_zeros(rows, ["11", "12"])


def test_refresh_copies_lines_byte_for_byte(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    lines = [
        "code,year,indicator,value,unit,source_id",
        "12,2016,gdp_100m_yuan,3935.3999,亿元,yml_master",
        "11,2016,other_series,1.0,件,x",
        "11,2015,gdp_100m_yuan,4.0,亿元,yml_master",
    ]
    (shared / "panel.csv").write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    n = build.refresh_raw(shared, tmp_path / "raw", series=("gdp_100m_yuan",), candidates=())
    assert n == 2
    copied = (tmp_path / "raw" / "panel_raw.csv").read_text(encoding="utf-8")
    assert copied == "\n".join([lines[0], lines[1], lines[3]]) + "\n"
    with pytest.raises(build.BuildError, match="no rows"):
        build.refresh_raw(shared, tmp_path / "raw", series=("absent_series",), candidates=())


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=0))
def test_format_value_is_lossless(x):
    assert float(build.format_value(repr(x))) == x


@needs_compiled
def test_raw_copy_equals_compiled_rows():
    wanted = set(build.RAW_SERIES)
    lines = (COMPILED / "panel.csv").read_bytes().split(b"\n")
    expected = [lines[0]] + [
        ln for ln in lines[1:] if ln and ln.decode("utf-8").split(",")[2] in wanted
    ]
    assert (RAW / "panel_raw.csv").read_bytes() == b"\n".join(expected) + b"\n"


@needs_compiled
@pytest.mark.parametrize("name", build.CANDIDATE_FILES)
def test_candidate_copies_equal_compiled_files(name):
    assert (RAW / name).read_bytes() == (COMPILED / "candidates" / name).read_bytes()


def test_growth_is_stored_as_index_exactly():
    row = build.Row("42", 2020, "gdp_real_growth_pct", "-5.0", "%", "wind_gdp_yoy")
    out = build.growth_as_index(row)
    assert (out.indicator, out.value) == ("gdp_index_prev_year_100", "95.0")
    assert build.growth_as_index(_row()) == _row()


@needs_compiled
def test_raw_copy_has_all_compiled_rows_of_each_series():
    compiled = Counter(
        r["indicator"] for r in _read_csv(COMPILED / "panel.csv")
        if r["indicator"] in build.RAW_SERIES
    )
    raw = Counter(r["indicator"] for r in _read_csv(RAW / "panel_raw.csv"))
    assert raw == compiled
