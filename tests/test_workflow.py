"""The "bring your own data" workflow end to end, as a new user would run it.

Real default data: the panel without 2020 stands for the data a user already
has; the 2020 values of the spec series, written as a yearbook-style workbook
(Chinese names, title row, 全国 row, note line, dashes for missing), stand for
the new yearbook.  Also: the empty templates, and a city-level example with a
synthetic registry, panel and spec (generated here, clearly not real data).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from gmindex.cli import app
from gmindex.combine import combine_panels
from gmindex.datasets import data_dir, default_panel_path, load_default_spec
from gmindex.index import build_index
from gmindex.io import DataWarning, read_long, read_long_with_report, read_wide_with_report
from gmindex.io.writers import write_table
from gmindex.provinces import Registry, default_registry
from gmindex.regional import regional_means
from gmindex.validation import DataError, validate_file

runner = CliRunner()
EARLIER = [2016, 2017, 2018, 2019]
GDP = "gdp_100m_yuan"
KEYS = ["code", "year", "indicator"]


def _yearbook_xlsx(new: pd.DataFrame, series: list[str], path: Path) -> None:
    """One year, provinces as rows (Chinese, padded like the yearbooks), series as columns."""
    reg = default_registry()
    wide = new.pivot(index="code", columns="indicator", values="value").reindex(
        index=reg.codes, columns=series)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2-1"
    sheet.append(["2-1 各地区主要指标（2020年）"])
    sheet.append(["地  区"] + series)
    sheet.append(["全  国"] + [float(wide[s].sum()) for s in series])  # dropped by the reader
    for code, row in wide.iterrows():
        name = reg.label(code, "zh")
        name = f"{name[0]}\u3000{name[1]}" if len(name) == 2 else name
        sheet.append([name] + ["—" if pd.isna(v) else float(v) for v in row])
    sheet.append(["注：本表为测试用表。"])
    book.save(path)


@pytest.fixture(scope="module")
def byod(tmp_path_factory):
    folder = tmp_path_factory.mktemp("byod")
    panel = read_long(default_panel_path())
    spec = load_default_spec()
    base = panel[panel["year"] != 2020]
    base_csv = write_table(base, folder / "panel_until_2019", formats=("csv",),
                           float_format=None)[0]
    new = panel[(panel["year"] == 2020) & panel["indicator"].isin(spec.series_ids)]
    xlsx = folder / "yearbook_2020.xlsx"
    _yearbook_xlsx(new, list(spec.series_ids), xlsx)
    # A revised 2019 figure for Beijing's GDP and an unchanged one for Tianjin.
    old = base[(base["indicator"] == GDP) & (base["year"] == 2019) & base["code"].isin(["11", "12"])]
    revised = old[KEYS + ["value"]].copy()
    revised.loc[revised["code"] == "11", "value"] += 74.0
    revised_csv = write_table(revised, folder / "revised_2019", formats=("csv",),
                              float_format=None)[0]
    return SimpleNamespace(folder=folder, panel=panel, spec=spec, base=base, base_csv=base_csv,
                           new=new, xlsx=xlsx, revised_csv=revised_csv,
                           beijing_2019=float(old.loc[old["code"] == "11", "value"].iloc[0]))


@pytest.fixture(scope="module")
def read_back(byod):
    return read_wide_with_report(byod.xlsx, layout="indicators", year=2020)


@pytest.fixture(scope="module")
def new_csv(byod, read_back):
    return write_table(read_back[0], byod.folder / "new_2020", formats=("csv",),
                       float_format=None)[0]


@pytest.fixture(scope="module")
def earlier_alone(byod):
    return build_index(byod.base, byod.spec, years=EARLIER)


@pytest.fixture(scope="module")
def combined(byod, new_csv):
    return combine_panels([byod.base_csv, new_csv])


def test_yearbook_reads_back_exactly_and_every_cell_is_accounted_for(byod, read_back):
    frame, report = read_back
    want = byod.new[KEYS + ["value"]].sort_values(KEYS).reset_index(drop=True)
    got = frame.sort_values(KEYS).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    n_series = len(byod.spec.series_ids)
    assert report.reconciles
    assert report.cells_used == len(byod.new)
    assert report.cells_missing == 31 * n_series - len(byod.new)  # Tibet's dashes
    assert set(report.missing["code"]) == {"54"}
    assert report.dropped["label"].tolist() == ["全  国", "注：本表为测试用表。"]
    assert report.header_row == 2


def test_both_files_validate_together(byod, new_csv):
    report = validate_file([byod.base_csv, new_csv], spec=byod.spec)
    assert report.ok, report.summary()
    # Warnings only: coverage (Tibet lacks several series) and the panel's extra series.
    problems = report.warnings["problem"]
    assert (problems.str.startswith("coverage:") | problems.str.contains("not a series of the spec")).all()
    assert problems.str.contains("Tibet").any()


def test_combined_panel_is_the_original(byod, combined):
    assert combined.conflicts.empty and combined.overlaps.empty
    spec_rows = byod.panel[(byod.panel["year"] != 2020)
                           | byod.panel["indicator"].isin(byod.spec.series_ids)]
    got = combined.panel[KEYS + ["value"]].sort_values(KEYS).reset_index(drop=True)
    want = spec_rows[KEYS + ["value"]].sort_values(KEYS).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_fixed_goalposts_keep_the_earlier_scores_bit_for_bit(byod, combined, earlier_alone):
    fixed = build_index(combined.panel, byod.spec, normalization="fixed",
                        reference_years=EARLIER)
    assert sorted(fixed.scores["year"].unique()) == EARLIER + [2020]
    earlier = fixed.scores[fixed.scores["year"] <= 2019].reset_index(drop=True)
    pd.testing.assert_frame_equal(earlier, earlier_alone.scores, check_exact=True)
    # With only the earlier result at hand: its goalposts and its weights.
    weights = dict(zip(earlier_alone.weights["indicator"], earlier_alone.weights["weight"]))
    again = build_index(combined.panel, byod.spec, normalization="fixed",
                        goalposts=earlier_alone.goalposts, weighting="user", weights=weights)
    pd.testing.assert_frame_equal(again.scores[again.scores["year"] <= 2019]
                                  .reset_index(drop=True), earlier_alone.scores, check_exact=True)
    assert "data_source" in fixed.provenance
    assert fixed.provenance["data_source"] == f"{byod.base_csv} + {byod.folder / 'new_2020.csv'}"


def test_pooled_rescales_the_earlier_years_and_the_log_says_why(byod, combined, earlier_alone):
    pooled = build_index(combined.panel, byod.spec)
    earlier = pooled.scores[pooled.scores["year"] <= 2019].reset_index(drop=True)
    assert (earlier["score"] - earlier_alone.scores["score"]).abs().max() > 1e-3
    notes = [n for s in pooled.log if s.name == "normalize" for n in s.notes]
    assert ("pooled min-max: bounds come from all years 2016-2020; adding or changing a year "
            "rescales every score (use normalization='fixed' to keep earlier scores)") in notes
    alone_notes = [n for s in earlier_alone.log if s.name == "normalize" for n in s.notes]
    assert any("all years 2016-2019" in n for n in alone_notes)
    fixed = build_index(combined.panel, byod.spec, normalization="fixed", reference_years=EARLIER)
    assert not any("pooled" in n for s in fixed.log for n in s.notes)


def test_a_conflicting_revision_stops_until_a_rule_is_chosen(byod, new_csv):
    files = [byod.base_csv, new_csv, byod.revised_csv]
    with pytest.raises(DataError) as info:
        combine_panels(files)
    text = str(info.value)
    assert len(info.value.problems) == 1  # Tianjin agrees
    assert str(byod.base_csv) in text and str(byod.revised_csv) in text
    assert f"= {byod.beijing_2019!r}" in text and f"= {byod.beijing_2019 + 74.0!r}" in text
    assert "on_conflict" in text
    chosen = combine_panels(files, on_conflict="last")
    assert len(chosen.overlaps) == 1 and len(chosen.conflicts) == 1
    res = build_index(chosen.panel, byod.spec)
    source = res.provenance["data_source"]
    assert f"-> {byod.revised_csv} (last source listed)" in source
    assert f"11 2019 {GDP}" in source


# ---------------------------------------------------------------------------
# The same through the command line


def test_cli_convert_validate_build(byod, read_back, tmp_path):
    long_csv = tmp_path / "new_2020.csv"
    out = runner.invoke(app, ["convert", str(byod.xlsx), "--layout", "indicators",
                              "--year", "2020", "--out", str(long_csv)])
    assert out.exit_code == 0, out.output
    report = read_back[1]
    assert (f"{report.cells_read} cells read = {report.cells_used} numbers + "
            f"{report.cells_missing} missing + {report.cells_dropped} in dropped rows") in out.output
    assert "全  国" in out.output and "national total" in out.output
    converted = read_long(long_csv)
    pd.testing.assert_frame_equal(converted, read_back[0], check_exact=True)

    out = runner.invoke(app, ["validate", str(byod.base_csv), str(long_csv)])
    assert out.exit_code == 0, out.output
    assert "0 errors" in " ".join(out.output.split())

    results = tmp_path / "results"
    out = runner.invoke(app, ["build", "--data", str(byod.base_csv), "--data", str(long_csv),
                              "--out", str(results), "--formats", "csv"])
    assert out.exit_code == 0, out.output
    flat = " ".join(out.output.split())  # rich wraps long lines
    assert f"read {long_csv}: {len(byod.new)} cells = {len(byod.new)} numbers" in flat
    assert "combined 2 sources" in flat
    assert "cells for the spec:" in flat and "used +" in flat
    prov = json.loads((results / "index_provenance.json").read_text(encoding="utf-8"))
    assert prov["data_source"] == f"{byod.base_csv} + {long_csv}"
    c = prov["cells"]
    assert c["read_for_spec"] == c["used"] + c["dropped_with_unit"] + c["dropped_with_indicator"]
    # Same series values as the embedded panel: the same index.
    default = tmp_path / "default"
    assert runner.invoke(app, ["build", "--out", str(default), "--formats", "csv"]).exit_code == 0
    assert (results / "index_scores.csv").read_bytes() == (default / "index_scores.csv").read_bytes()

    args = ["build", "--data", str(byod.base_csv), "--data", str(long_csv),
            "--data", str(byod.revised_csv), "--out", str(tmp_path / "r2"), "--formats", "csv"]
    out = runner.invoke(app, args)
    assert out.exit_code == 1
    flat = " ".join(out.output.split())
    assert "different values in 2 sources" in flat and "--on-conflict" in flat
    assert "Traceback" not in out.output
    out = runner.invoke(app, args + ["--on-conflict", "last"])
    assert out.exit_code == 0, out.output
    prov = json.loads((tmp_path / "r2" / "index_provenance.json").read_text(encoding="utf-8"))
    assert f"-> {byod.revised_csv} (last source listed)" in prov["data_source"]
    out = runner.invoke(app, ["build", "--on-conflict", "newest"])
    assert out.exit_code == 1 and "newest" in out.output


def test_cli_convert_bad_input_is_a_clear_error(byod, tmp_path):
    out = runner.invoke(app, ["convert", str(byod.xlsx), "--layout", "indicators",
                              "--out", str(tmp_path / "x.csv")])  # no --year
    assert out.exit_code == 1 and "year" in out.output and "Traceback" not in out.output
    out = runner.invoke(app, ["convert", str(byod.xlsx), "--layout", "indicators",
                              "--year", "2020", "--out", str(tmp_path / "x.txt")])
    assert out.exit_code == 2 and ".csv or .xlsx" in out.output  # an option error
    bad = tmp_path / "bad.csv"
    bad.write_text("地区,2019,2020\n北京,1.0,2.0\nShanxii,1.0,abc\n", encoding="utf-8")
    out = runner.invoke(app, ["convert", str(bad), "--layout", "years", "--indicator", GDP,
                              "--out", str(tmp_path / "y.csv")])
    flat = " ".join(out.output.split())
    assert out.exit_code == 1 and "Shanxii" in flat and "closest known: Shanxi (14)" in flat
    assert not (tmp_path / "y.csv").exists()
    empty = tmp_path / "empty.csv"
    empty.write_text("地区,2019\n北京,—\n", encoding="utf-8")
    out = runner.invoke(app, ["convert", str(empty), "--layout", "years", "--indicator", GDP,
                              "--out", str(tmp_path / "z.csv")])
    assert out.exit_code == 1 and "nothing written" in out.output


def test_cli_validate_several_files_shows_cross_file_duplicates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # short names keep the table readable
    a, b = Path("a.csv"), Path("b.csv")
    a.write_text(f"code,year,indicator,value\n11,2019,{GDP},35371.3\n", encoding="utf-8")
    b.write_text(f"code,year,indicator,value\n11,2019,{GDP},35445.1\n", encoding="utf-8")
    out = runner.invoke(app, ["validate", str(a), str(b)])
    assert out.exit_code == 1
    flat = " ".join(out.output.split())
    assert "1 errors" in flat and "error: duplicate province-year-indicator (1)" in flat
    assert "a.csv row 2 ('11', value 35371.3) and b.csv row 2 ('11', value 35445.1)" in flat


# ---------------------------------------------------------------------------
# Templates


TEMPLATES = data_dir() / "templates"


@pytest.mark.parametrize("name, options", [
    ("template_long.csv", {}),
    ("template_long.xlsx", {}),
    ("template_wide_years.xlsx", {"layout": "years", "indicator": GDP}),
    ("template_wide_indicators.xlsx", {"layout": "indicators", "year": 2021}),
])
def test_empty_templates_are_an_error_with_every_cell_counted(name, options):
    """An unfilled template has only blank value cells: an error, never an empty panel."""
    from gmindex.io.readers import read_with_problems

    spec = load_default_spec()
    read = read_long_with_report if "layout" not in options else read_wide_with_report
    per_province = {"template_wide_years.xlsx": len(spec.years)}.get(name, len(spec.series))
    with pytest.raises(DataError, match=rf"no numbers read: the value cells are all blank "
                                        rf"\({31 * per_province}\)"):
        read(TEMPLATES / name, **options)
    frame, report = read_with_problems(TEMPLATES / name, **options)
    assert frame.empty
    assert report.cells_read == report.cells_missing == 31 * per_province
    assert report.cells_used == report.cells_dropped == report.cells_invalid == 0
    assert sorted(report.missing["code"].unique()) == default_registry().codes


def test_templates_are_regenerated_identically(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_templates",
                                                  TEMPLATES / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    paths = module.main(tmp_path)
    assert sorted(p.name for p in paths) == sorted(
        p.name for p in TEMPLATES.iterdir() if p.name.startswith("template_"))
    for path in paths:
        assert path.read_bytes() == (TEMPLATES / path.name).read_bytes(), path.name


def test_a_filled_long_template_validates_and_its_units_are_checked(tmp_path):
    template = pd.read_csv(TEMPLATES / "template_long.csv", dtype={"code": str})
    real = read_long(default_panel_path())
    last = real[real["year"] == 2020].set_index(["code", "indicator"])["value"]
    filled = template.copy()
    keys = list(zip(filled["code"], filled["indicator"]))
    filled["value"] = [last.get(k, np.nan) for k in keys]
    filled["year"] = 2020
    path = tmp_path / "filled.csv"
    filled.to_csv(path, index=False)
    report = validate_file(path, spec=load_default_spec(), years=[2020])
    assert report.ok, report.summary()
    filled.loc[filled["indicator"] == GDP, "unit"] = "万元"
    filled.to_csv(path, index=False)
    report = validate_file(path, spec=load_default_spec(), years=[2020])
    assert "unit '万元' does not match the spec unit '亿元'" in " ".join(report.errors["problem"])


# ---------------------------------------------------------------------------
# Other units: 40 synthetic cities with their own region scheme


CITY_SPEC = """\
[index]
id = "synthetic_cities"
years = [2018, 2019, 2020]
missing = "drop_unit"

[[pillar]]
id = "efficiency"

[[pillar]]
id = "innovation"

[[indicator]]
id = "energy_per_output"
pillar = "efficiency"
direction = "cost"
numerator = "energy"
denominator = "output"

[[indicator]]
id = "patents_per_output"
pillar = "innovation"
direction = "benefit"
numerator = "patents"
denominator = "output"
scale = 100.0

[[indicator]]
id = "green_share"
pillar = "efficiency"
direction = "benefit"
numerator = "green_share_pct"

[[series]]
id = "energy"
unit = "synthetic unit"

[[series]]
id = "output"
unit = "synthetic unit"

[[series]]
id = "patents"
unit = "count"

[[series]]
id = "green_share_pct"
unit = "%"
"""


@pytest.fixture(scope="module")
def cities(tmp_path_factory):
    """Synthetic: 40 made-up cities, random values from a seeded generator."""
    folder = tmp_path_factory.mktemp("cities")
    rng = np.random.default_rng(20240601)
    codes = [f"C{i:02d}" for i in range(1, 41)]
    zones = np.array(["coast", "plain", "hill", "mountain"])[np.arange(40) % 4]
    registry = pd.DataFrame({
        "code": codes,
        "name_en": [f"Synthetic City {i:02d}" for i in range(1, 41)],
        "name_zh": [f"合成{i:02d}" for i in range(1, 41)],
        "zone": zones,
        "belt": np.where(np.arange(40) < 20, "north", "south"),
    })
    registry.to_csv(folder / "cities.csv", index=False)
    rows = []
    for code in codes:
        for year in (2018, 2019, 2020):
            rows += [(code, year, "output", rng.lognormal(6, 0.5)),
                     (code, year, "energy", rng.lognormal(5, 0.4)),
                     (code, year, "patents", float(rng.poisson(50))),
                     (code, year, "green_share_pct", rng.uniform(1, 10))]
    panel = pd.DataFrame(rows, columns=["code", "year", "indicator", "value"])
    panel = panel[~((panel["code"] == "C07") & (panel["year"] == 2019)
                    & (panel["indicator"] == "energy"))]  # a gap: C07 is dropped
    panel.to_csv(folder / "cities_panel.csv", index=False)
    (folder / "cities_spec.toml").write_text(CITY_SPEC, encoding="utf-8")
    return folder


def test_city_level_index_and_regional_means(cities):
    from gmindex.spec import read_spec

    reg = Registry.from_csv(cities / "cities.csv")
    panel = read_long(cities / "cities_panel.csv", registry=reg)
    res = build_index(panel, read_spec(cities / "cities_spec.toml"), registry=reg)
    assert list(res.provenance["units_dropped"]) == ["C07"]
    assert res.scores.groupby("year")["code"].nunique().tolist() == [39, 39, 39]
    assert res.scores["score"].between(0, 1).all()
    means = regional_means(res.scores, scheme="zone", registry=reg)
    national = means[means["region"] == "national"]
    assert national["n"].tolist() == [39, 39, 39]
    assert means[means["region"] != "national"].groupby("year")["n"].sum().tolist() == [39] * 3
    assert set(means["region"]) == {"coast", "plain", "hill", "mountain", "national"}
    coast = res.scores[res.scores["code"].isin(reg.codes[0::4])]
    got = means[(means["region"] == "coast") & (means["year"] == 2020)]["mean"].item()
    assert got == pytest.approx(coast.loc[coast["year"] == 2020, "score"].mean(), rel=1e-12)
    frame = res.to_frame()
    assert {"zone", "belt"} <= set(frame.columns)


def test_city_level_through_the_cli(cities, tmp_path):
    wide = tmp_path / "city_output_2021.csv"
    wide.write_text("city,2021\nSynthetic City 01,612.5\n合成02,—\n", encoding="utf-8")
    out = runner.invoke(app, ["convert", str(wide), "--layout", "years", "--indicator", "output",
                              "--registry", str(cities / "cities.csv"),
                              "--out", str(tmp_path / "city_2021.csv")])
    assert out.exit_code == 0, out.output
    assert read_long(tmp_path / "city_2021.csv",
                     registry=Registry.from_csv(cities / "cities.csv"))["code"].tolist() == ["C01"]
    out = runner.invoke(app, ["build", "--data", str(cities / "cities_panel.csv"),
                              "--spec", str(cities / "cities_spec.toml"),
                              "--registry", str(cities / "cities.csv"),
                              "--out", str(tmp_path / "r"), "--formats", "csv"])
    assert out.exit_code == 0, out.output
    assert "39 units x 3 years" in " ".join(out.output.split())
    assert "Mean score by region (zone)" in out.output and "Mean score by region (belt)" in out.output
    assert "unit C07 (Synthetic City 07) dropped" in out.output
    out = runner.invoke(app, ["info", "--data", str(cities / "cities_panel.csv"),
                              "--spec", str(cities / "cities_spec.toml"),
                              "--registry", str(cities / "cities.csv")])
    assert out.exit_code == 0, out.output


def test_registry_names_resolve_in_a_city_registry(cities):
    reg = Registry.from_csv(cities / "cities.csv")
    assert reg.to_code("synthetic city 05") == "C05" and reg.to_code("合成05") == "C05"
    assert len(reg) == 40 and reg.region_order("zone") == ("coast", "hill", "mountain", "plain")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert reg.knows("C40")
