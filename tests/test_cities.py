"""City registry, bundled city panel, city index, weights, maps and analysis."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmindex.cities import (city_boundaries, city_index, city_registry, city_weights,
                            load_city_panel, load_city_spec)
from gmindex.provinces import UnknownUnitError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
RAW = DATA / "raw" / "city"

pytestmark = pytest.mark.slow(17)  # city maps drawn: run the module early


def _build_module():
    spec = importlib.util.spec_from_file_location("build_city", DATA / "build_city.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def reg():
    return city_registry()


@pytest.fixture(scope="module")
def panel():
    return load_city_panel()


@pytest.fixture(scope="module")
def result():
    return city_index()


# --------------------------------------------------------------------------- registry


def test_registry_holds_every_coded_mainland_unit(reg):
    layer = set(city_boundaries(crs=None)["code"]) - {"710000", "810000", "820000"}
    assert layer <= set(reg.codes)
    assert set(reg.codes) - layer == {"341400", "371200"}  # the two abolished units
    counts = reg.table["unit_type"].value_counts().to_dict()
    assert counts == {"prefecture_city": 295, "county_level_direct": 32,
                      "autonomous_prefecture": 30, "prefecture_area": 7, "municipality": 4,
                      "league": 3, "special_area": 3}


def test_region_is_the_region_of_the_province(reg):
    provinces = pd.read_csv(DATA / "provinces.csv", dtype=str).set_index("code")
    for scheme in ("region4", "region3"):
        expected = reg.table["province"].map(provinces[scheme])
        assert (reg.regions(scheme) == expected).all()
    assert (reg.table["code"].str.slice(0, 2) == reg.table["province"]).all()


@pytest.mark.parametrize("name, code", [
    ("毕节地区", "520500"), ("522400", "520500"), ("铜仁地区", "520600"),
    ("海东地区", "630200"), ("吐鲁番地区", "650400"), ("哈密地区", "650500"),
    ("襄樊市", "420600"), ("思茅", "530800"), ("469003", "460400"), ("那曲地区", "540600"),
    ("克州", "653000"), ("Bijie", "520500"), ("湘西土家族苗族自治州", "433100"), ("湘西", "433100"),
])
def test_old_and_alternative_names_are_matched(reg, name, code):
    assert reg.to_code(name) == code


def test_abolished_units_are_matched_and_explained(reg):
    assert reg.to_code("巢湖市") == "341400"
    assert reg.valid_to("341400") == 2010
    assert "合肥" in reg.explain("巢湖")
    late = pd.DataFrame({"code": ["341400", "371200", "371200"], "year": [2016, 2018, 2019]})
    with pytest.raises(ValueError, match=r"巢湖市 \(341400\) in 2016.*莱芜市 \(371200\) in 2019"):
        reg.check_years(late)
    reg.check_years(late.iloc[[1]])  # 莱芜 2018 is fine


def test_ambiguous_english_names_are_not_guessed(reg):
    with pytest.raises(UnknownUnitError, match="Suzhou"):
        reg.to_code("Suzhou")
    assert reg.to_code("Suzhou, Anhui") == "341300"
    assert reg.to_code("苏州") == "320500"


def test_user_table_with_old_names_builds(reg, panel):
    """A table keyed by old names reaches the index through the registry, nothing dropped."""
    rows = panel[panel["code"] == "520500"].copy()
    rows["code"] = rows["code"].map({"520500": "毕节地区"}).map(reg.to_code)
    assert rows["code"].eq("520500").all() and len(rows) > 0


# --------------------------------------------------------------------------- data build


def test_rebuild_is_byte_identical(tmp_path):
    mod = _build_module()
    mod.build(out=tmp_path)
    for name in ("cities.csv", "panel_city.csv", "flags_city.csv", "coverage_city.csv",
                 "aggregation_city.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_panel_rows_are_raw_copies(panel):
    raw = {}
    for name in ("ccsy_city.csv", "ceads_city_co2.csv"):
        with open(RAW / name, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                raw[(r["city_code"], int(r["year"]), r["indicator"])] = r["value"]
    with open(DATA / "panel_city.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    copied = [r for r in rows if r["indicator"] != "secondary_va_100m_yuan"]
    assert all(raw[(r["code"], int(r["year"]), r["indicator"])] == r["value"] for r in copied)
    assert len(copied) == len(raw)  # nothing dropped, nothing added


def test_secondary_value_added_is_gdp_times_share(panel):
    w = panel.pivot_table(index=["code", "year"], columns="indicator", values="value")
    ok = w[["gdp_100m_yuan", "secondary_share_pct"]].dropna().index
    assert w.loc[ok, "secondary_va_100m_yuan"].notna().all()
    np.testing.assert_allclose(
        w.loc[ok, "secondary_va_100m_yuan"],
        w.loc[ok, "gdp_100m_yuan"] * w.loc[ok, "secondary_share_pct"] / 100, rtol=0,
        atol=5.01e-7)  # written rounded to 1e-6 亿元 (100 yuan)
    # Shenzhen 2019: 26 927.09 亿元 x 38.98 % (edition 2020), by hand
    assert w.loc[("440300", 2019), "secondary_va_100m_yuan"] == pytest.approx(
        w.loc[("440300", 2019), "gdp_100m_yuan"] * 0.3898, rel=1e-3)


def test_coverage_table_counts_the_panel(panel):
    coverage = pd.read_csv(DATA / "coverage_city.csv").set_index("series")
    counts = panel.groupby(["indicator", "year"])["code"].nunique().unstack(fill_value=0)
    counts.columns = counts.columns.astype(str)
    pd.testing.assert_frame_equal(coverage, counts.reindex(columns=coverage.columns,
                                                           fill_value=0),
                                  check_names=False, check_dtype=False)


def test_flags_point_at_panel_cells(panel):
    flags = pd.read_csv(DATA / "flags_city.csv", dtype={"code": str})
    cells = set(zip(panel["code"], panel["year"], panel["indicator"]))
    assert all(c in cells for c in zip(flags["code"], flags["year"], flags["series"]))
    kinds = set(flags["flag"])
    assert {"vintage_pre_census", "definition_change", "yoy_jump"} <= kinds
    assert set(flags.loc[flags["flag"] == "definition_change", "series"]) == {
        "particulate_industrial_t"}


def test_notebook_coverage_statements(panel):
    """The coverage claims of notebook 09 and spec_city.toml, checked against the data."""
    cov = pd.read_csv(DATA / "coverage_city.csv").set_index("series")
    for series in ("nox_industrial_t", "electricity_total_10k_kwh", "patents_granted",
                   "pm25_ug_m3"):
        assert cov.loc[series, "2016"] == 0
    assert cov.loc["gdp_100m_yuan", "2017"] == 0
    for series in ("wastewater_industrial_10k_t", "dust_industrial_t",
                   "solid_waste_utilization_pct", "electricity_total_10k_kwh"):
        assert cov.loc[series, "2020"] == 0
    spec = load_city_spec()
    used = {s for ind in spec.indicators for s in (ind.numerator, ind.denominator) if s}
    complete = [int(y) for y in cov.columns if (cov.loc[sorted(used), y] > 0).all()]
    assert complete == list(spec.years)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"its window, {complete[0]}-{complete[-1]}, is the only one" in readme


# --------------------------------------------------------------------------- index


def test_city_index_units(result, reg):
    n = result.scores.groupby("year")["code"].nunique()
    assert n.to_dict() == {2018: 154, 2019: 154}
    types = reg.table.loc[result.scores["code"].unique(), "unit_type"]
    assert set(types) <= {"prefecture_city", "municipality"}  # the yearbook's units
    assert result.weights["weight"].sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------- weights and analysis


def test_city_weights_rule(result):
    from libpysal.weights import Queen

    codes = sorted(result.scores["code"].unique())
    cw = city_weights(codes)
    nb = cw.w.neighbors
    assert all(nb[c] for c in codes)
    assert all(a in nb[b] for a in codes for b in nb[a])  # symmetric
    gdf = city_boundaries().set_index("code").loc[codes].reset_index()
    queen = Queen.from_dataframe(gdf, ids=codes, use_index=False, silence_warnings=True)
    assert sorted(cw.isolated) == sorted(c for c in codes if not queen.neighbors[c])
    for c in codes:
        assert set(queen.neighbors[c]) <= set(nb[c])


def test_morans_i_matches_esda(result):
    from esda.moran import Moran

    from gmindex.spatial import morans_i_by_year

    s = result.scores
    cw = city_weights(s["code"].unique())
    ours = morans_i_by_year(s, w=cw.w, permutations=0)
    for year, block in s.groupby("year"):
        y = block.set_index("code").loc[list(cw.codes), "score"].to_numpy()
        ref = Moran(y, cw.w, permutations=0)
        assert ours.loc[ours["year"] == year, "I"].item() == pytest.approx(ref.I)


def test_gradient_regression_clusters_by_province(result, reg):
    """Cluster-robust variance by hand (CR1 with Stata's factor) against the package."""
    from gmindex.regress import gradient_regression

    fit = gradient_regression(result.scores, registry=reg, cluster="province",
                              wild_bootstrap=False)
    d = result.scores.assign(region=lambda f: f["code"].map(reg.regions("region4")),
                             province=lambda f: f["code"].str.slice(0, 2))
    X = np.column_stack([np.ones(len(d))] + [(d["region"] == r).to_numpy(float)
                                             for r in ("central", "west", "northeast")]
                        + [(d["year"] == 2019).to_numpy(float)])
    y = d["score"].to_numpy()
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    u = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    meat = sum(np.outer(X[g].T @ u[g], X[g].T @ u[g])
               for g in [d["province"].to_numpy() == p for p in d["province"].unique()])
    n, k, g = len(y), X.shape[1], d["province"].nunique()
    V = bread @ meat @ bread * g / (g - 1) * (n - 1) / (n - k)
    assert fit.n_clusters == g
    coefs = fit.coefficients.set_index("term")
    np.testing.assert_allclose(coefs["coef"].to_numpy(), beta[:4], rtol=1e-8)
    np.testing.assert_allclose(coefs["se"].to_numpy(), np.sqrt(np.diag(V))[:4], rtol=1e-8)


def test_aggregation_check_by_hand(panel):
    from gmindex.city_analysis import aggregation_check
    from gmindex.datasets import load_default_panel

    prov = load_default_panel()
    agg = aggregation_check(panel, prov).set_index(["city_series", "province", "year"])
    bj = panel[(panel["code"] == "110000") & (panel["year"] == 2019)
               & (panel["indicator"] == "gdp_100m_yuan")]["value"].item()
    pbj = prov[(prov["code"] == "11") & (prov["year"] == 2019)
               & (prov["indicator"] == "gdp_100m_yuan")]["value"].item()
    assert agg.loc[("gdp_100m_yuan", "11", 2019), "ratio"] == pytest.approx(bj / pbj)
    js = panel[(panel["code"].str.startswith("32")) & (panel["year"] == 2019)
               & (panel["indicator"] == "so2_industrial_t")]
    row = agg.loc[("so2_industrial_t", "32", 2019)]
    assert row["city_sum"] == pytest.approx(js["value"].sum())
    assert row["n_cities"] == len(js)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.01, 100), min_size=3, max_size=3))
def test_aggregation_sums_any_values(values):
    from gmindex.city_analysis import aggregation_check

    city = pd.DataFrame({"code": ["320100", "320200", "320300"], "year": 2019,
                         "indicator": "x", "value": values})
    prov = pd.DataFrame({"code": ["32"], "year": [2019], "indicator": ["y"], "value": [10.0]})
    out = aggregation_check(city, prov, pairs=(("x", "y", 2.0),))
    assert out["city_sum"].item() == pytest.approx(sum(values))
    assert out["ratio"].item() == pytest.approx(sum(values) / 20.0)


def test_city_analysis_gradient_and_dagum(result):
    from gmindex.city_analysis import city_analysis

    out = city_analysis(result, permutations=99, reps=0)
    shares = out.tables["dagum_shares"]
    total = shares[["within_share", "between_net_share", "transvariation_share"]].sum(axis=1)
    np.testing.assert_allclose(total, 1.0, atol=1e-9)
    assert len(out.tables["gradient_check"]) == 4  # two schemes x two years


# --------------------------------------------------------------------------- maps


def test_city_map_distinguishes_no_data_and_not_in_sample(result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from gmindex.city_maps import city_choropleth

    scores = result.scores[result.scores["year"] == 2019]
    in_data = scores["code"].iloc[0]
    sample = list(scores["code"]) + ["130100"]  # 石家庄: in the sample, no value here
    ax = city_choropleth(scores, "score", sample=sample, size="double")
    patches = {p.get_gid(): p for p in ax.patches}
    assert to_hex(patches["unit-433100"].get_facecolor()) == "#e0e0e0"  # 湘西: not covered
    assert patches["unit-130100"].get_hatch() == "////"  # no data
    assert patches["unit-710000"].get_hatch() == "////"  # Taiwan drawn, no data
    assert not patches[f"unit-{in_data}"].get_hatch()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[-2:] == ["No data", "Not in sample"]
    assert not [t for t in ax.texts if (t.get_gid() or "").startswith("label-")]
    assert any(a.get_label() == "south_china_sea_inset" for a in ax.child_axes)
    assert ax.figure.get_figwidth() == pytest.approx(180 / 25.4, abs=1e-3)  # double column
    plt.close("all")


def test_city_map_labels_top_and_bottom(result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gmindex.city_maps import city_choropleth

    scores = result.scores[result.scores["year"] == 2019]
    ax = city_choropleth(scores, "score", label_top=2, lang="zh")
    labels = {t.get_gid() for t in ax.texts if (t.get_gid() or "").startswith("label-")}
    ranked = scores.sort_values("score")["code"]
    assert labels == {f"label-{c}" for c in [*ranked.iloc[:2], *ranked.iloc[-2:]]}
    assert "审图号" in " ".join(t.get_text() for t in ax.texts)
    plt.close("all")


def test_city_map_rejects_historical_codes():
    from gmindex.city_maps import city_choropleth

    with pytest.raises(ValueError, match="371200"):
        city_choropleth(pd.DataFrame({"code": ["371200"], "x": [1.0]}), "x")


def test_provenance_numbers_match_the_data(panel, result):
    """Numbers quoted in data/PROVENANCE_city.md, recomputed from the files."""
    text = (DATA / "PROVENANCE_city.md").read_text(encoding="utf-8")
    flags = pd.read_csv(DATA / "flags_city.csv")["flag"].value_counts()
    for kind in ("yoy_jump", "vintage_pre_census", "definition_change"):
        assert f"{flags[kind]} `{kind}`" in text
    assert f"{flags.sum():,} rows" in text
    assert f"keeps {result.scores['code'].nunique()} cities" in text
    assert f"({len(result.provenance['units_dropped'])} registry units dropped" in text
    tj = panel[(panel["code"] == "120000") & (panel["indicator"] == "gdp_100m_yuan")]
    tj = tj.set_index("year")["value"]
    a, b = (f"{tj[y]:,.1f}".replace(",", " ") for y in (2018, 2019))
    assert f"Tianjin {a} 亿元 in 2018, {b} in 2019" in text
    agg = pd.read_csv(DATA / "aggregation_city.csv", dtype={"province": str})
    med = agg[agg["year"] == 2019].groupby("city_series")["ratio"].median()
    assert f"GDP {med['gdp_100m_yuan']:.3f}, patents\n{med['patents_granted']:.3f}" in text
    assert f"median {med['so2_industrial_t']:.2f} in 2019" in text
    r = agg[(agg["year"] == 2019) & (agg["city_series"] == "gdp_100m_yuan")].set_index("province")
    assert (f"Xinjiang GDP {r.loc['65', 'ratio']:.2f}, Hainan {r.loc['46', 'ratio']:.2f}, "
            f"Qinghai {r.loc['63', 'ratio']:.2f}, Yunnan {r.loc['53', 'ratio']:.2f}") in text.replace("\n", " ")


def test_saved_city_maps_keep_text_editable(result, tmp_path):
    import re
    from types import SimpleNamespace

    from gmindex.city_maps import save_city_maps
    from gmindex.figstyle import pdf_font_subtypes

    one_year = SimpleNamespace(scores=result.scores[result.scores["year"] == 2019],
                               panel=result.panel)
    one = {"langs": ("zh",), "widths": ("single",), "label_top": 2}  # Chinese, one column
    paths = save_city_maps(one_year, tmp_path, formats=("pdf", "svg"), **one)
    svg = next(p for p in paths if p.name == "city_map_score_2019_single_zh.svg").read_text()
    words = re.findall(r"<text[^>]*>([^<]*)</text>", svg)  # svg.fonttype none: text stays text
    assert "南海诸岛" in words and "分位数分级" in " ".join(words)
    pdf = next(p for p in paths if p.name == "city_map_score_2019_single_zh.pdf").read_bytes()
    assert "Type3" not in pdf_font_subtypes(pdf) and b"/Type3" not in pdf
    assert b"FontFile" in pdf  # fonts embedded
    again = save_city_maps(one_year, tmp_path / "again", formats=("svg",), **one)
    assert again[0].read_bytes() == next(p for p in paths if p.name == again[0].name).read_bytes()


def test_city_maps_in_both_languages_and_widths(result, tmp_path):
    """Every city map in English and Chinese at 88 and 180 mm, each with its caption."""
    from types import SimpleNamespace

    from PIL import Image

    from gmindex.city_maps import save_city_maps

    one_year = SimpleNamespace(scores=result.scores[result.scores["year"] == 2019],
                               panel=result.panel)  # one map is enough
    paths = save_city_maps(one_year, tmp_path, formats=("png",), dpi=25, label_top=1)
    names = {p.name for p in paths}
    for variant, mm in (("city_map_score_2019", 180), ("city_map_score_2019_zh", 180),
                        ("city_map_score_2019_single", 88), ("city_map_score_2019_single_zh", 88)):
        assert {f"{variant}.png", f"{variant}.caption.md"} <= names
        png = Image.open(tmp_path / f"{variant}.png")
        assert abs(png.size[0] / png.info["dpi"][0] * 25.4 - mm) <= 2, variant
    # The caption states the classification, the review number and the two empty states.
    en = (tmp_path / "city_map_score_2019.caption.md").read_text(encoding="utf-8")
    zh = (tmp_path / "city_map_score_2019_single_zh.caption.md").read_text(encoding="utf-8")
    assert "Quantiles" in en and "GS(2024)0650" in en and "not in the sample" in en
    assert "分位数分级" in zh and "GS(2024)0650" in zh and "不在样本内" in zh


@pytest.mark.parametrize("lang,size", [("en", "double"), ("zh", "single")])
def test_city_map_legend_states_the_classification(result, lang, size):
    """As on the province maps: the legend names the method (and at double width the
    years pooled); its entries are the class bounds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gmindex.city_maps import city_choropleth, city_lisa_map
    from gmindex.maps import classify

    classes = classify(result.scores["score"], scheme="quantiles", k=5, basis="2018–2019")
    scores = result.scores[result.scores["year"] == 2019]
    ax = city_choropleth(scores, "score", classes=classes, lang=lang, size=size)
    legend = ax.get_legend()
    title = legend.get_title().get_text()
    assert ("Quantiles" if lang == "en" else "分位数分级") in title
    assert ("2018–2019 pooled" in title) == (size == "double")  # single: in the caption
    assert [t.get_text() for t in legend.get_texts()][:5] == list(classes.labels)
    assert ax.figure.get_figwidth() * 25.4 == pytest.approx(88 if size == "single" else 180,
                                                            abs=2)
    lisa = scores[["code", "year"]].assign(cluster="ns")
    title = city_lisa_map(lisa, lang=lang, size=size, permutations=99).get_legend().get_title()
    assert "p < 0.05" in title.get_text() and "99" in title.get_text()
    assert "2019" in title.get_text()
    plt.close("all")


def test_spec_note_on_entropy_pillar_weights(panel):
    """spec_city.toml says entropy across pillars would give innovation almost 90%."""
    assert "almost 90%" in (DATA / "spec_city.toml").read_text(encoding="utf-8")
    res = city_index(panel, pillar_weighting="entropy")
    share = res.weights.groupby("pillar")["weight"].sum()["innovation"]
    assert 0.85 <= share < 0.90


def test_documented_cli_command_builds_the_city_index(tmp_path, result):
    """The README command: gmindex build with the city spec, registry and panel."""
    from typer.testing import CliRunner

    from gmindex.cli import app

    out = tmp_path / "city"
    run = CliRunner().invoke(app, [
        "build", "--spec", str(DATA / "spec_city.toml"), "--registry", str(DATA / "cities.csv"),
        "--data", str(DATA / "panel_city.csv"), "--hierarchy", "pillar", "--out", str(out),
        "--formats", "csv"])
    assert run.exit_code == 0, run.output
    scores = pd.read_csv(out / "index_scores.csv", dtype={"code": str})
    merged = scores.merge(result.scores, on=["code", "year"], suffixes=("_cli", ""))
    assert len(merged) == len(result.scores)
    np.testing.assert_allclose(merged["score_cli"], merged["score"], rtol=1e-9)  # %.10g in CSV


def test_city_command_map_formats(monkeypatch, capsys):
    """`python -m gmindex.city_analysis` writes PNG + PDF maps unless told otherwise."""
    import gmindex.city_analysis as ca

    seen = {}
    monkeypatch.setattr(ca, "write_city_outputs",
                        lambda out, figures, **kw: seen.update(kw) or [])
    assert ca.main(["--out", "x"]) == 0
    assert seen["figure_formats"] == ("png", "pdf")
    ca.main(["--out", "x", "--formats", "PNG, svg"])
    assert seen["figure_formats"] == ("png", "svg")
    with pytest.raises(SystemExit) as stop:
        ca.main(["--out", "x", "--formats", "png,jpg"])
    assert stop.value.code == 2
    assert "--formats: 'png,jpg': choose from png,pdf,svg" in capsys.readouterr().err
